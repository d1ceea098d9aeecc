/**
 * Chat throughput against the peers and the floor, measured side by side as ratios.
 *
 * - The candidates (`candidates/*.ts`) are bundled to JavaScript with esbuild and each run in
 *   its own child process: none of them runs through tsx.
 * - The peer clients live in `peers/`, outside the npm workspaces, installed on first use.
 * - The simulator runs in bench mode (canned answers, no validation, no journal) in its own
 *   process; a second one answers with a 20,000-chunk stream.
 * - Runs are interleaved (A B C … A B C …), `--reps` times (default 5), after each candidate's own
 *   warm-up; the report gives medians and min–max, and writes RESULTS.md.
 *
 *   npm run chat --workspace @openrouter-effect/bench [-- --reps 5 --requests 2000 --smoke]
 */
import { execFileSync, spawn } from "node:child_process"
import { existsSync, mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const here = dirname(fileURLToPath(import.meta.url))
const benchDir = join(here, "..")
const argValue = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name)
  return index >= 0 ? Number(process.argv[index + 1]) : fallback
}
const smoke = process.argv.includes("--smoke")
const reps = argValue("--reps", smoke ? 1 : 5)
const requests = argValue("--requests", smoke ? 20 : 2000)
const streamWords = smoke ? 200 : 20_000
const candidates = ["undici", "fetch", "openai", "openrouter-sdk", "ours"] as const

if (!existsSync(join(benchDir, "peers/node_modules/openai"))) {
  console.error("installing the peer clients into packages/bench/peers …")
  execFileSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: join(benchDir, "peers"), stdio: "inherit" })
}

const outDir = join(benchDir, "build/candidates")
mkdirSync(outDir, { recursive: true })
await build({
  entryPoints: candidates.map((name) => join(benchDir, "candidates", `${name}.ts`)),
  outdir: outDir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  nodePaths: [join(benchDir, "peers/node_modules"), join(benchDir, "../../node_modules")],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning"
})

const startSimulator = (extra: ReadonlyArray<string>) =>
  new Promise<{ url: string; stop: () => void }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bin.ts", "--port", "0", "--bench", ...extra], {
      cwd: join(benchDir, "../simulator"),
      stdio: ["ignore", "pipe", "inherit"]
    })
    child.stdout.on("data", (chunk: Buffer) => {
      const match = /listening on (\S+)/.exec(chunk.toString())
      if (match?.[1] !== undefined) resolve({ url: match[1], stop: () => child.kill("SIGTERM") })
    })
    child.on("exit", (code) => reject(new Error(`the simulator exited (${code})`)))
  })

const runCandidate = (name: string, spec: Record<string, unknown>) =>
  new Promise<Record<string, number>>((resolve, reject) => {
    const child = spawn(process.execPath, [join(outDir, `${name}.mjs`), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop() ?? "{}")) : reject(new Error(`${name} exited ${code}`))))
  })

const json = await startSimulator([])
const stream = await startSimulator(["--reply-words", String(streamWords)])

interface Scenario {
  readonly name: string
  readonly metric: string
  readonly spec: Record<string, unknown>
}
const scenarios: ReadonlyArray<Scenario> = [
  { name: "chat, c1 (req/s)", metric: "rps", spec: { url: json.url, mode: "json", requests, concurrency: 1, warmup: Math.min(200, requests) } },
  { name: "chat, c64 (req/s)", metric: "rps", spec: { url: json.url, mode: "json", requests, concurrency: 64, warmup: Math.min(200, requests) } },
  { name: "chat, c1 p99 (ms)", metric: "p99", spec: { url: json.url, mode: "json", requests, concurrency: 1, warmup: Math.min(200, requests) } },
  { name: `stream of ${streamWords} chunks (chunks/s)`, metric: "chunksPerSecond", spec: { url: stream.url, mode: "stream", requests: 1, concurrency: 1, warmup: 0 } },
  { name: "stream, peak RSS (MiB)", metric: "peakRssMiB", spec: { url: stream.url, mode: "stream", requests: 1, concurrency: 1, warmup: 0 } }
]

const samples = new Map<string, Map<string, Array<number>>>()
try {
  const distinct = [...new Map(scenarios.map((s) => [JSON.stringify(s.spec), s.spec])).values()]
  for (let rep = 0; rep < reps; rep++) {
    for (const spec of distinct) {
      for (const name of candidates) {
        const result = await runCandidate(name, spec)
        for (const scenario of scenarios.filter((s) => JSON.stringify(s.spec) === JSON.stringify(spec))) {
          const byCandidate = samples.get(scenario.name) ?? new Map<string, Array<number>>()
          samples.set(scenario.name, byCandidate)
          byCandidate.set(name, [...(byCandidate.get(name) ?? []), result[scenario.metric] ?? Number.NaN])
        }
      }
    }
  }
} finally {
  json.stop()
  stream.stop()
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const fmt = (value: number) => (value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2))

const lines: Array<string> = []
lines.push(`Machine: ${cpus()[0]?.model ?? "?"} × ${cpus().length}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ${reps} interleaved repetitions, medians (min–max); ratios to ours.`)
lines.push("")
lines.push(`| scenario | ${candidates.join(" | ")} |`)
lines.push(`|---|${candidates.map(() => "---").join("|")}|`)
for (const scenario of scenarios) {
  const byCandidate = samples.get(scenario.name) ?? new Map()
  const cells = candidates.map((name) => {
    const values: Array<number> = byCandidate.get(name) ?? []
    return `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`
  })
  lines.push(`| ${scenario.name} | ${cells.join(" | ")} |`)
}
lines.push("")
for (const scenario of scenarios.filter((s) => s.metric === "rps" || s.metric === "chunksPerSecond")) {
  const byCandidate = samples.get(scenario.name) ?? new Map()
  const ours = median(byCandidate.get("ours") ?? [])
  const peers = ["openai", "openrouter-sdk"].map((name) => median(byCandidate.get(name) ?? []))
  lines.push(`- ${scenario.name}: ours / best peer = ${(ours / Math.max(...peers)).toFixed(2)}, ours / undici floor = ${(ours / median(byCandidate.get("undici") ?? [])).toFixed(2)}`)
}
const report = lines.join("\n")
console.log(report)
if (!smoke) {
  writeFileSync(join(benchDir, "RESULTS.md"), `# Benchmark results\n\nWritten by \`npm run chat --workspace @openrouter-effect/bench\`.\n\n${report}\n`)
}
