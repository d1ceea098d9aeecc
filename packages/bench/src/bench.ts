/**
 * The benchmarks of issue 9, side by side in one run, as ratios (these machines are noisy).
 *
 * - Every candidate is bundled to JavaScript with esbuild and run in its own child process:
 *   none of them runs through tsx. The peers live in `peers/` (openai, @openrouter/sdk, undici)
 *   and `peers/effect-ai/` (@effect/ai-openrouter with its own pinned Effect 3 copy), outside the
 *   npm workspaces, installed on first use.
 * - The simulators run in their own processes: bench mode (canned answers, no validation, no
 *   journal) for chat, a second one for the 20,000-chunk stream, a normal one for videos.
 * - Runs are interleaved (A B C … A B C …), `--reps` times, after each candidate's warm-up; the
 *   report gives medians and min–max, checks the targets and writes RESULTS.md and results.svg.
 *
 *   npm run bench [-- --reps 5 --requests 2000 --only chat,stream,steady,pipeline,download,startup --smoke]
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { cpus, tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import { chart, evaluate, type Figures } from "./report.js"

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
const onlyIndex = process.argv.indexOf("--only")
const sections = new Set((onlyIndex >= 0 ? process.argv[onlyIndex + 1] ?? "" : "chat,stream,steady,pipeline,download,startup").split(","))
const KEY = "sk-or-v1-bench-000000000000000000000000000000"

/** The chat candidates, in the order of the tables. */
const chatCandidates = ["undici", "fetch", "effect-platform", "openai", "openrouter-sdk", "effect-ai", "ours"] as const
const peers = ["openai", "openrouter-sdk", "effect-ai"]

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
  pipeline: "candidates/pipeline.ts",
  "download-ours": "candidates/download-ours.ts",
  "download-sdk": "candidates/download-sdk.ts",
  "startup-bare": "candidates/startup-bare.ts",
  "startup-ours": "candidates/startup-ours.ts",
  "startup-ours-fetch": "candidates/startup-ours-fetch.ts",
  "startup-effect-floor": "candidates/startup-effect-floor.ts",
  "startup-effect-ai": "peers/effect-ai/startup.ts",
  "startup-cli": "../runner/src/main.ts"
}
await build({
  entryPoints: Object.entries(entries).map(([out, path]) => ({ in: join(benchDir, path), out })),
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
})

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

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const fmt = (value: number) => (Number.isNaN(value) ? "–" : value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2))
const cell = (values: ReadonlyArray<number> | undefined) =>
  values === undefined || values.length === 0 ? "–" : values.length === 1 ? fmt(values[0]!) : `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`

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
  const specs: Array<{ spec: Record<string, unknown>; take: Array<[string, string]> }> = []
  if (sections.has("chat")) {
    specs.push({ spec: { url: json.url, mode: "json", requests, concurrency: 1, warmup: Math.min(200, requests) }, take: [[SCENARIOS.c1, "rps"], [SCENARIOS.p99, "p99"]] })
    specs.push({ spec: { url: json.url, mode: "json", requests, concurrency: 64, warmup: Math.min(200, requests) }, take: [[SCENARIOS.c64, "rps"]] })
  }
  if (sections.has("stream")) {
    specs.push({ spec: { url: stream.url, mode: "stream", requests: 1, concurrency: 1, warmup: 0 }, take: [[SCENARIOS.stream, "chunksPerSecond"], [SCENARIOS.streamRss, "peakRssMiB"]] })
  }
  if (sections.has("steady")) {
    specs.push({ spec: { url: json.url, mode: "steady", requests: steadyRequests, concurrency: 16, warmup: Math.min(500, steadyRequests) }, take: [[SCENARIOS.steady, "heapRatio"]] })
  }
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const { spec, take } of specs) {
        for (const name of chatCandidates) {
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

const STARTUP_MS = "start-up to the first request, above bare node (ms)"
const STARTUP_RSS = "start-up RSS growth above bare node (MiB)"
/** The peak RSS of a process, from /proc (Linux); NaN elsewhere. */
const peakRss = (pid: number) => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return match?.[1] !== undefined ? Number(match[1]) / 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}
if (sections.has("startup")) {
  // One server in this process: the first request a child sends stops its clock and samples its
  // peak RSS; the child is then killed (what follows the first request is not start-up).
  let waiting: ((at: number) => void) | undefined
  const server = createServer((request, response) => {
    const at = performance.now()
    waiting?.(at)
    waiting = undefined
    request.resume()
    response.writeHead(500).end()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
  const configDir = mkdtempSync(join(tmpdir(), "ore-bench-cli-"))
  const programs: Record<string, ReadonlyArray<string>> = {
    bare: [join(outDir, "startup-bare.mjs")],
    "effect-ai": [join(outDir, "startup-effect-ai.mjs")],
    ours: [join(outDir, "startup-ours.mjs")],
    "ours on fetch": [join(outDir, "startup-ours-fetch.mjs")],
    "Effect + undici alone": [join(outDir, "startup-effect-floor.mjs")],
    "ours, CLI": [join(outDir, "startup-cli.mjs"), "--base-url", url, "chat", "Say hello"]
  }
  const startOnce = (args: ReadonlyArray<string>) =>
    new Promise<{ ms: number; rss: number }>((resolve, reject) => {
      const started = performance.now()
      const child = spawn(process.execPath, args, {
        stdio: "ignore",
        env: { PATH: process.env.PATH ?? "", BENCH_URL: url, OPENROUTER_API_KEY: KEY, OPENCLAW_CONFIG_PATH: join(configDir, "openclaw.json"), HOME: configDir }
      })
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`${args[0]} sent no request in 30 s`))
      }, 30_000)
      waiting = (at) => {
        clearTimeout(timer)
        const rss = peakRss(child.pid ?? -1)
        child.kill("SIGKILL")
        child.once("exit", () => resolve({ ms: at - started, rss }))
      }
    })
  try {
    for (let rep = 0; rep < Math.max(reps, 3); rep++) {
      const bare = await startOnce(programs.bare!)
      for (const [label, args] of Object.entries(programs).filter(([label]) => label !== "bare")) {
        const result = await startOnce(args)
        record(STARTUP_MS, label, result.ms - bare.ms)
        record(STARTUP_RSS, label, result.rss - bare.rss)
      }
      record("bare node (ms / MiB)", "ms", bare.ms)
      record("bare node (ms / MiB)", "MiB", bare.rss)
    }
  } finally {
    server.close()
    rmSync(configDir, { recursive: true, force: true })
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
const figures: Figures = {
  c64VsPeer: med(SCENARIOS.c64, "ours") / bestPeer(SCENARIOS.c64, true),
  c64VsFloor: med(SCENARIOS.c64, "ours") / med(SCENARIOS.c64, "undici"),
  p99VsPeer: med(SCENARIOS.p99, "ours") / bestPeer(SCENARIOS.p99, false),
  streamVsPeer: med(SCENARIOS.stream, "ours") / bestPeer(SCENARIOS.stream, true),
  streamVsFloor: med(SCENARIOS.stream, "ours") / med(SCENARIOS.stream, "undici"),
  pipeline: med("pipeline ratio", "ours"),
  downloadMiB: med(DOWNLOAD, "ours"),
  steady: med(SCENARIOS.steady, "ours"),
  startupMs: Math.max(med(STARTUP_MS, "ours"), med(STARTUP_MS, "ours, CLI")) / med(STARTUP_MS, "effect-ai"),
  startupRss: Math.max(med(STARTUP_RSS, "ours"), med(STARTUP_RSS, "ours, CLI")) / med(STARTUP_RSS, "effect-ai")
}
const targets = evaluate(figures)

const cpu = cpus()
const lines = [
  `Machine: ${cpu[0]?.model ?? "?"} × ${cpu.length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ${reps} interleaved repetitions (start-up at least 3, downloads at most 3), medians (min–max).`,
  "",
  "## Chat, streaming and steady state",
  "",
  ...table([SCENARIOS.c1, SCENARIOS.c64, SCENARIOS.p99, SCENARIOS.stream, SCENARIOS.streamRss, SCENARIOS.steady], chatCandidates),
  "## Request shaping",
  "",
  ...table([PIPELINE], ["ours", "JSON.stringify"]),
  "## Video download to a file",
  "",
  ...table([DOWNLOAD, "download throughput (MiB/s)"], ["ours", "openrouter-sdk"]),
  "## Start-up (from process start to the first request sent)",
  "",
  ...table([STARTUP_MS, STARTUP_RSS], ["ours", "ours on fetch", "ours, CLI", "effect-ai", "Effect + undici alone"]),
  ...table(["bare node (ms / MiB)"], ["ms", "MiB"]),
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
if (!smoke && onlyIndex < 0) {
  const notes = readFileSync(join(benchDir, "NOTES.md"), "utf8")
  writeFileSync(
    join(benchDir, "RESULTS.md"),
    `# Benchmark results\n\nWritten by \`npm run bench\` (packages/bench/src/bench.ts); the last section comes from [NOTES.md](NOTES.md).\n\n${report}\n${notes}`
  )
  writeFileSync(join(benchDir, "results.svg"), chart(targets))
}
