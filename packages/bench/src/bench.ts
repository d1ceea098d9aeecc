/**
 * The benchmarks of issue 9, side by side in one run, as ratios (these machines are noisy).
 *
 * - Every throughput candidate is bundled to JavaScript with esbuild and run in its own child
 *   process: none of them runs through tsx. The peers live in `peers/` (openai, @openrouter/sdk,
 *   undici) and `peers/effect-ai/` (@effect/ai-openrouter with its own pinned Effect 3 copy),
 *   outside the npm workspaces, installed on first use.
 * - Start-up candidates run the way their users run them (src/startup.ts): the command lines from
 *   their installed bins, the libraries unbundled in a project that installed the packed tarballs.
 * - The simulators run in their own processes: bench mode (canned answers, no validation, no
 *   journal) for chat, a second one for the 20,000-chunk stream, a normal one for videos.
 * - Runs are interleaved (A B C … A B C …), `--reps` times, after each candidate's warm-up; the
 *   report gives medians and min–max, checks the targets and writes RESULTS.md and results.svg.
 *
 * - `--baseline <git-rev>` builds the packages at that revision in a temporary worktree
 *   (src/baseline.ts) and runs them as one more chat, stream and steady candidate, `ours@<rev>`,
 *   bundled from the same source as `ours`; the report adds new/old ratios of the medians and
 *   nothing is written.
 *
 * - The workflow section (src/workflow.ts, issue 21) runs short video jobs at once through the plain
 *   `Videos` service, the SQLite engine (one `bin.js worker`) and PostgreSQL (three workers and a
 *   client), against one simulator.
 *
 *   npm run bench [-- --reps 5 --requests 2000 --only chat,stream,steady,pipeline,download,startup,workflow --smoke]
 *   npm run bench [-- --only chat,stream --reps 3 --baseline de1b751 --candidates ours]
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build, type BuildOptions } from "esbuild"
import * as Baseline from "./baseline.js"
import { type BaselineRow, baselineTable, cell, chart, evaluate, type Figures, median } from "./report.js"
import * as Startup from "./startup.js"
import * as Workflow from "./workflow.js"

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const smoke = process.argv.includes("--smoke")
const reps = argValue("--reps", smoke ? 1 : 5)
const requests = argValue("--requests", smoke ? 20 : 2000)
const steadyRequests = argValue("--steady-requests", smoke ? 200 : 20_000)
const videoMib = argValue("--video-mib", smoke ? 1 : 256)
const streamWords = smoke ? 200 : 20_000
const workflowJobs = argValue("--workflow-jobs", smoke ? 5 : 200)
const onlyIndex = process.argv.indexOf("--only")
// --smoke leaves the workflow section out unless named (--smoke --only workflow): it needs
// PostgreSQL and spawns five runner processes, which the workflow package's own tests cover.
const defaultSections = `chat,stream,steady,pipeline,download,startup${smoke ? "" : ",workflow"}`
const sections = new Set((onlyIndex >= 0 ? process.argv[onlyIndex + 1] ?? "" : defaultSections).split(","))
const KEY = "sk-or-v1-bench-000000000000000000000000000000"
const stringArg = (name: string) => {
  const index = process.argv.indexOf(name)
  const value = index >= 0 ? process.argv[index + 1] : undefined
  if (index >= 0 && (value === undefined || value.startsWith("--"))) throw new Error(`${name} needs a value`)
  return value
}
const baselineRev = stringArg("--baseline")
const candidatesArg = stringArg("--candidates")

/** The chat candidates, in the order of the tables. */
const allChatCandidates = ["undici", "fetch", "effect-platform", "openai", "openrouter-sdk", "effect-ai", "ours"] as const
// --candidates keeps some of them (ours always stays: it is what the targets and the baseline are about).
const keptCandidates: ReadonlyArray<string> = candidatesArg === undefined
  ? allChatCandidates
  : allChatCandidates.filter((name) => name === "ours" || candidatesArg.split(",").includes(name))
const peers = ["openai", "openrouter-sdk", "effect-ai"]
// streamText through @effect/ai's LanguageModel (issue 20), in the stream section only: ours
// (@openrouter-effect/ai over Chat) and the floor (LanguageModel.make over a provider that does no
// work), beside `effect-ai` (@effect/ai-openrouter's streamText). `--candidates` keeps them with `ai`.
const aiCandidates: ReadonlyArray<string> = candidatesArg === undefined || candidatesArg.split(",").includes("ai")
  ? ["ai-ours", "ai-floor"]
  : []

// ---- install and build -------------------------------------------------------------------------

for (const folder of ["peers", "peers/effect-ai"]) {
  if (!existsSync(join(benchDir, folder, "node_modules"))) {
    console.error(`installing the peer clients into packages/bench/${folder} …`)
    execFileSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: join(benchDir, folder), stdio: ["ignore", "ignore", "inherit"] })
  }
}

const outDir = join(benchDir, "build/candidates")
mkdirSync(outDir, { recursive: true })
const entries: Record<string, string> = {
  undici: "candidates/undici.ts",
  fetch: "candidates/fetch.ts",
  "effect-platform": "candidates/effect-platform.ts",
  openai: "candidates/openai.ts",
  "openrouter-sdk": "candidates/openrouter-sdk.ts",
  "effect-ai": "peers/effect-ai/candidate.ts",
  ours: "candidates/ours.ts",
  "ai-ours": "candidates/ai-ours.ts",
  "ai-floor": "candidates/ai-floor.ts",
  pipeline: "candidates/pipeline.ts",
  "download-ours": "candidates/download-ours.ts",
  "download-sdk": "candidates/download-sdk.ts"
}
// Shared by the build of `ours` and of `ours@<rev>` (--baseline): both bundled exactly alike.
const bundleOptions = {
  outdir: outDir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Peers resolve from peers/node_modules; files under peers/effect-ai resolve their own copy first.
  nodePaths: [join(benchDir, "peers/node_modules"), join(benchDir, "../../node_modules")],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "error"
} satisfies BuildOptions
await build({ ...bundleOptions, entryPoints: Object.entries(entries).map(([out, path]) => ({ in: join(benchDir, path), out })) })

// ---- the baseline build (--baseline <git-rev>) ---------------------------------------------------

const repoRoot = join(benchDir, "../..")
const baseline = baselineRev === undefined ? undefined : Baseline.prepare(repoRoot, baselineRev)
if (baseline !== undefined) {
  try {
    // The same source and options as `ours`; only @openrouter-effect/* resolves in the worktree.
    await build({
      ...bundleOptions,
      entryPoints: [{ in: join(benchDir, entries.ours!), out: baseline.label }],
      plugins: [Baseline.resolveFrom(baseline.root)]
    })
  } finally {
    // The bundle is self-contained (nothing is external): the worktree is not needed to run it.
    baseline.cleanup()
  }
}
const chatCandidates: ReadonlyArray<string> = baseline === undefined ? keptCandidates : [...keptCandidates, baseline.label]
/** The order of one repetition: with a baseline, the two builds swap places every other repetition. */
const repetitionOrder = (rep: number): ReadonlyArray<string> => {
  if (baseline === undefined || rep % 2 === 0) return chatCandidates
  return chatCandidates.map((name) => (name === "ours" ? baseline.label : name === baseline.label ? "ours" : name))
}

// ---- processes ---------------------------------------------------------------------------------

const startSimulator = (extra: ReadonlyArray<string>) =>
  new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "--port", "0", ...extra], {
      cwd: join(benchDir, "../simulator"),
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /listening on (\S+)/.exec(chunk.toString())
      if (match?.[1] !== undefined) resolve({ url: match[1], stop: () => child.kill("SIGTERM") })
    })
    child.on("exit", (code) => reject(new Error(`the simulator exited (${code})`)))
  })

/** Runs a bundled candidate with one JSON argument; answers its last stdout line, parsed. */
const runCandidate = (name: string, spec: Record<string, unknown>) =>
  new Promise<Record<string, number>>((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", join(outDir, `${name}.mjs`), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}")) : reject(new Error(`${name} exited ${code}`))))
  })

/** samples[scenario][candidate] = one value per repetition. */
const samples = new Map<string, Map<string, Array<number>>>()
const record = (scenario: string, candidate: string, value: number | undefined) => {
  const byCandidate = samples.get(scenario) ?? new Map<string, Array<number>>()
  samples.set(scenario, byCandidate)
  byCandidate.set(candidate, [...(byCandidate.get(candidate) ?? []), value ?? Number.NaN])
}
const med = (scenario: string, candidate: string) => median(samples.get(scenario)?.get(candidate) ?? [])

// ---- chat, stream, steady state ----------------------------------------------------------------

const SCENARIOS = {
  c1: "chat, c1 (req/s)",
  c64: "chat, c64 (req/s)",
  p99: "chat, c1 p99 (ms)",
  stream: `stream of ${streamWords} chunks (chunks/s)`,
  streamRss: "stream, peak RSS (MiB)",
  steady: `steady state, heap after ${steadyRequests} requests / before`
}

const chatSections = ["chat", "stream", "steady"].filter((name) => sections.has(name))
if (chatSections.length > 0) {
  const json = await startSimulator(["--bench"])
  const stream = await startSimulator(["--bench", "--reply-words", String(streamWords)])
  const specs: Array<{ spec: Record<string, unknown>; take: Array<[string, string]>; extra?: ReadonlyArray<string> }> = []
  if (sections.has("chat")) {
    specs.push({ spec: { url: json.url, mode: "json", requests, concurrency: 1, warmup: Math.min(200, requests) }, take: [[SCENARIOS.c1, "rps"], [SCENARIOS.p99, "p99"]] })
    specs.push({ spec: { url: json.url, mode: "json", requests, concurrency: 64, warmup: Math.min(200, requests) }, take: [[SCENARIOS.c64, "rps"]] })
  }
  if (sections.has("stream")) {
    specs.push({
      spec: { url: stream.url, mode: "stream", requests: 1, concurrency: 1, warmup: 0, chunks: streamWords },
      take: [[SCENARIOS.stream, "chunksPerSecond"], [SCENARIOS.streamRss, "peakRssMiB"]],
      extra: aiCandidates
    })
  }
  if (sections.has("steady")) {
    specs.push({ spec: { url: json.url, mode: "steady", requests: steadyRequests, concurrency: 16, warmup: Math.min(500, steadyRequests) }, take: [[SCENARIOS.steady, "heapRatio"]] })
  }
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const { extra, spec, take } of specs) {
        for (const name of [...repetitionOrder(rep), ...(extra ?? [])]) {
          const result = await runCandidate(name, spec)
          for (const [scenario, metric] of take) record(scenario, name, result[metric])
        }
      }
      console.error(`chat: repetition ${rep + 1} of ${reps} done`)
    }
  } finally {
    json.stop()
    stream.stop()
  }
}

// ---- pipeline ----------------------------------------------------------------------------------

const PIPELINE = "shaping a 50-message request (ns/op)"
if (sections.has("pipeline")) {
  for (let rep = 0; rep < reps; rep++) {
    const result = await runCandidate("pipeline", {})
    record(PIPELINE, "ours", result.shapeNs)
    record(PIPELINE, "JSON.stringify", result.stringifyNs)
    record("pipeline ratio", "ours", result.ratio)
  }
}

// ---- video download ----------------------------------------------------------------------------

const DOWNLOAD = `video download of ${videoMib} MiB, peak RSS growth (MiB)`
if (sections.has("download")) {
  const video = await startSimulator(["--api-key", KEY, "--video-ms", "20", "--video-bytes", String(videoMib * 1024 * 1024)])
  const dir = mkdtempSync(join(tmpdir(), "ore-bench-"))
  try {
    for (let rep = 0; rep < Math.min(reps, 3); rep++) {
      for (const [label, name] of [["ours", "download-ours"], ["openrouter-sdk", "download-sdk"]] as const) {
        const output = join(dir, `${name}.mp4`)
        const result = await runCandidate(name, { url: video.url, output })
        if (result.bytes !== videoMib * 1024 * 1024) throw new Error(`${label} wrote ${result.bytes} bytes`)
        record(DOWNLOAD, label, result.rssGrowthMiB)
        record("download throughput (MiB/s)", label, result.mibPerSecond)
        rmSync(output, { force: true })
      }
    }
  } finally {
    video.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

// ---- start-up ----------------------------------------------------------------------------------

// Each start-up is short and noisy: several interleaved rounds per repetition (one in --smoke).
const startupRounds = smoke ? 1 : Math.max(reps, 3) * 5
const CLI_MS = "command line, spawn to exit (ms)"
const CLI_RSS = "command line, peak RSS (MiB)"
const STARTUP_MS = "library start-up to the first request, above bare node (ms)"
const STARTUP_RSS = "library start-up RSS growth above bare node (MiB)"
const BARE = "bare node (ms / MiB)"
if (sections.has("startup")) {
  console.error("start-up: packing the workspaces and installing them into a consumer project …")
  const setup = await Startup.setUp(benchDir)
  try {
    // The command lines: one checked run each (the warm-up), then interleaved rounds.
    await Startup.verifyCli(setup)
    for (let round = 0; round < startupRounds; round++) {
      for (const candidate of setup.cli) {
        const result = await Startup.timeToExit(benchDir, setup, candidate)
        record(CLI_MS, candidate.label, result.ms)
        record(CLI_RSS, candidate.label, result.rssMiB)
      }
    }
    console.error(`start-up: ${startupRounds} rounds of the command lines done`)
    // The libraries, to the first request: a warm-up each, then rounds, each measured above the
    // bare node run of its round.
    const server = await Startup.firstRequestServer(setup)
    try {
      const { [Startup.LIBRARY.bare]: bareScript, ...programs } = setup.library
      if (bareScript === undefined) throw new Error("no bare start-up program")
      for (const script of Object.values(setup.library)) await server.startOnce(script)
      for (let round = 0; round < startupRounds; round++) {
        const bare = await server.startOnce(bareScript)
        for (const [label, script] of Object.entries(programs)) {
          const result = await server.startOnce(script)
          record(STARTUP_MS, label, result.ms - bare.ms)
          record(STARTUP_RSS, label, result.rssMiB - bare.rssMiB)
        }
        record(BARE, "ms", bare.ms)
        record(BARE, "MiB", bare.rssMiB)
      }
    } finally {
      await server.close()
    }
    console.error(`start-up: ${startupRounds} rounds of the libraries done`)
  } finally {
    setup.cleanup()
  }
}

// ---- durable video jobs (issue 21) ---------------------------------------------------------------

// Short jobs: 1.5 s of processing, 100 KiB each, polled every 250 ms by every candidate.
const WORKFLOW_VIDEO_MS = 1500
const WORKFLOW_VIDEO_BYTES = 100 * 1024
const WORKFLOW_POLL_MS = 250
const WORKFLOW = Workflow.scenarios(workflowJobs)
let workflowOutcome: Workflow.Outcome = {}
if (sections.has("workflow")) {
  const video = await startSimulator(["--api-key", KEY, "--video-ms", String(WORKFLOW_VIDEO_MS), "--video-bytes", String(WORKFLOW_VIDEO_BYTES)])
  try {
    workflowOutcome = await Workflow.runSection({
      benchDir,
      outDir,
      url: video.url,
      key: KEY,
      jobs: workflowJobs,
      reps,
      pollMs: WORKFLOW_POLL_MS,
      videoBytes: WORKFLOW_VIDEO_BYTES,
      postgresUrl: process.env.OPENROUTER_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
      record
    })
  } finally {
    video.stop()
  }
}

// ---- report ------------------------------------------------------------------------------------

const table = (scenarios: ReadonlyArray<string>, columns: ReadonlyArray<string>) => {
  const present = scenarios.filter((scenario) => samples.has(scenario))
  if (present.length === 0) return []
  return [
    `| scenario | ${columns.join(" | ")} |`,
    `|---|${columns.map(() => "---").join("|")}|`,
    ...present.map((scenario) => `| ${scenario} | ${columns.map((name) => cell(samples.get(scenario)?.get(name))).join(" | ")} |`),
    ""
  ]
}

const bestPeer = (scenario: string, higherIsBetter: boolean) => {
  const values = peers.map((name) => med(scenario, name)).filter((value) => !Number.isNaN(value))
  return values.length === 0 ? Number.NaN : higherIsBetter ? Math.max(...values) : Math.min(...values)
}
const nonEffectPeers = peers.filter((name) => name !== "effect-ai")
const bestNonEffectPeer = (scenario: string) => {
  const values = nonEffectPeers.map((name) => med(scenario, name)).filter((value) => !Number.isNaN(value))
  return values.length === 0 ? Number.NaN : Math.max(...values)
}
const figures: Figures = {
  c64VsPeer: med(SCENARIOS.c64, "ours") / bestPeer(SCENARIOS.c64, true),
  c64VsFloor: med(SCENARIOS.c64, "ours") / med(SCENARIOS.c64, "undici"),
  p99VsPeer: med(SCENARIOS.p99, "ours") / bestPeer(SCENARIOS.p99, false),
  streamVsPeer: med(SCENARIOS.stream, "ours") / bestPeer(SCENARIOS.stream, true),
  streamVsFloor: med(SCENARIOS.stream, "ours") / med(SCENARIOS.stream, "undici"),
  streamTextVsEffectAi: med(SCENARIOS.stream, "ai-ours") / med(SCENARIOS.stream, "effect-ai"),
  streamTextVsFloor: med(SCENARIOS.stream, "ai-ours") / med(SCENARIOS.stream, "ai-floor"),
  pipeline: med("pipeline ratio", "ours"),
  downloadMiB: med(DOWNLOAD, "ours"),
  steady: med(SCENARIOS.steady, "ours"),
  startupMs: med(STARTUP_MS, Startup.LIBRARY.ours) / med(STARTUP_MS, Startup.LIBRARY.effectAi),
  startupRss: med(STARTUP_RSS, Startup.LIBRARY.ours) / med(STARTUP_RSS, Startup.LIBRARY.effectAi),
  // Against the lighter of the minimal program's two runs (its --version and its command): the
  // stricter reading of "a minimal program".
  cliVersion: med(CLI_MS, Startup.CLI.version) / Math.min(med(CLI_MS, Startup.CLI.minimal), med(CLI_MS, Startup.CLI.minimalVersion)),
  cliDryRun: med(CLI_MS, Startup.CLI.dryRun) / Math.min(med(CLI_MS, Startup.CLI.minimal), med(CLI_MS, Startup.CLI.minimalVersion)),
  cliDryRunMs: med(CLI_MS, Startup.CLI.dryRun),
  cliRss: Math.max(med(CLI_RSS, Startup.CLI.version), med(CLI_RSS, Startup.CLI.dryRun)) /
    Math.min(med(CLI_RSS, Startup.CLI.minimal), med(CLI_RSS, Startup.CLI.minimalVersion)),
  c64VsEffect: med(SCENARIOS.c64, "ours") / med(SCENARIOS.c64, "effect-platform"),
  c64VsNonEffectPeer: med(SCENARIOS.c64, "ours") / bestNonEffectPeer(SCENARIOS.c64),
  streamVsEffect: med(SCENARIOS.stream, "ours") / med(SCENARIOS.stream, "effect-platform"),
  downloadVsSdk: med("download throughput (MiB/s)", "ours") / med("download throughput (MiB/s)", "openrouter-sdk"),
  startupAboveFloorMs: med(STARTUP_MS, Startup.LIBRARY.ours) - med(STARTUP_MS, Startup.LIBRARY.floor),
  startupRssAboveFloorMiB: med(STARTUP_RSS, Startup.LIBRARY.ours) - med(STARTUP_RSS, Startup.LIBRARY.floor)
}
const targets = evaluate(figures)

// With --baseline: the build after (`ours`) over the build before (`ours@<rev>`), medians of the
// interleaved repetitions; the issue's gate is 0.95× for chat c64 and the stream.
const baselineRows = (label: string): ReadonlyArray<BaselineRow> => {
  const row = (scenario: string, higherIsBetter: boolean, gate?: number): BaselineRow => ({
    scenario,
    after: samples.get(scenario)?.get("ours") ?? [],
    before: samples.get(scenario)?.get(label) ?? [],
    higherIsBetter,
    ...(gate === undefined ? {} : { gate })
  })
  return [
    row(SCENARIOS.c1, true),
    row(SCENARIOS.c64, true, 0.95),
    row(SCENARIOS.p99, false),
    row(SCENARIOS.stream, true, 0.95),
    row(SCENARIOS.streamRss, false),
    row(SCENARIOS.steady, false)
  ]
}
const baselineSection = baseline === undefined ? [] : [
  `## The working tree (ours) against ${baseline.label} (${baseline.commit.slice(0, 12)})`,
  "",
  "Both builds bundled from the same candidate source, in the same run, interleaved (the two swap places every other repetition).",
  "",
  ...baselineTable(baselineRows(baseline.label), "ours", baseline.label)
]

const cpu = cpus()
const lines = [
  `Machine: ${cpu[0]?.model ?? "?"} × ${cpu.length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ${reps} interleaved repetitions (start-up ${startupRounds} rounds, downloads at most 3), medians (min–max).`,
  "",
  "## Chat, streaming and steady state",
  "",
  ...table([SCENARIOS.c1, SCENARIOS.c64, SCENARIOS.p99, SCENARIOS.stream, SCENARIOS.streamRss, SCENARIOS.steady], chatCandidates),
  ...(aiCandidates.length > 0 && samples.get(SCENARIOS.stream)?.has("ai-ours") === true
    ? [
      "### streamText through @effect/ai's LanguageModel",
      "",
      "The same stream, consumed as `LanguageModel.streamText` text deltas: `effect-ai` is `@effect/ai-openrouter` 0.10 (as in the table above), `ai-ours` is `@openrouter-effect/ai` over our `Chat`, `ai-floor` is `LanguageModel.make` over a provider that does no work and emits the same parts (what `@effect/ai`'s own Schema decoding of every part allows).",
      "",
      ...table([SCENARIOS.stream, SCENARIOS.streamRss], ["effect-ai", ...aiCandidates])
    ]
    : []),
  ...baselineSection,
  "## Request shaping",
  "",
  ...table([PIPELINE], ["ours", "JSON.stringify"]),
  "## Video download to a file",
  "",
  ...table([DOWNLOAD, "download throughput (MiB/s)"], ["ours", "openrouter-sdk"]),
  "## Start-up of the command line (the installed bins, from spawn to exit)",
  "",
  ...table([CLI_MS, CLI_RSS], Object.values(Startup.CLI)),
  "## Start-up of the library (unbundled, from process start to the first request sent)",
  "",
  ...table([STARTUP_MS, STARTUP_RSS], [Startup.LIBRARY.ours, Startup.LIBRARY.effectAi, Startup.LIBRARY.floor]),
  ...table([BARE], ["ms", "MiB"]),
  ...(samples.has(WORKFLOW.wall)
    ? [
      "## Durable video jobs (issue 21)",
      "",
      `${workflowJobs} jobs started at once (${WORKFLOW_VIDEO_MS} ms of processing, ${WORKFLOW_VIDEO_BYTES / 1024} KiB each, a poll every ${WORKFLOW_POLL_MS} ms) against one simulator: the plain \`Videos\` service in one process, one \`bin.js worker\` on SQLite, three on PostgreSQL with a \`bin.js client\`. The bins' latencies are taken by the harness from each \`start\` line written to its \`wait\` answer (which polls the engine every 500 ms) or to the runner's \`download written\` log line; plain-videos times each \`generate\` on its own clock. CPU is user + system time over the jobs (/proc; the plain candidate's own \`process.cpuUsage\`); engine rows are counted in the database after the run. See NOTES.md for what the overhead consists of.${
        workflowOutcome.postgresSkipped === undefined ? "" : ` postgres-3-runners did not run: ${workflowOutcome.postgresSkipped}.`
      }`,
      "",
      ...table(Object.values(WORKFLOW), Workflow.CANDIDATES)
    ]
    : []),
  "## Against the targets",
  "",
  "![ratios against the targets](results.svg)",
  "",
  "| target | this run | |",
  "|---|---|---|",
  ...targets.map((target) => `| ${target.label} | ${Number.isNaN(target.value) ? "not measured" : `${target.value.toFixed(2)}${target.unit}`} | ${Number.isNaN(target.value) ? "" : target.met ? "met" : target.aim ? "missed (an aim)" : "**missed**"} |`),
  ""
]
const report = lines.join("\n")
console.log(report)
// Only a full run of the working tree is written: never with --smoke, --only, --baseline or --candidates.
if (!smoke && onlyIndex < 0 && baseline === undefined && candidatesArg === undefined) {
  const notes = readFileSync(join(benchDir, "NOTES.md"), "utf8")
  writeFileSync(
    join(benchDir, "RESULTS.md"),
    `# Benchmark results\n\nWritten by \`npm run bench\` (packages/bench/src/bench.ts); the last section comes from [NOTES.md](NOTES.md).\n\n${report}\n${notes}`
  )
  writeFileSync(join(benchDir, "results.svg"), chart(targets))
}
