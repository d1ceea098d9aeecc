// Benchmarks are not tests; this only checks that the harness runs end to end on tiny sizes
// (peer installs on first use, esbuild bundles, simulators, the packed workspaces installed into a
// consumer project for start-up, every candidate, every section, the report with its targets).
import { expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..")

// Asynchronous on purpose: a spawnSync of the harness (about a minute) blocked this worker's event
// loop past vitest's 60 s RPC timeout ("Timeout calling onTaskUpdate"), failing a green run.
const runHarness = () =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/bench.ts", "--smoke"], { cwd: benchDir, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill("SIGKILL"), 290_000)
    child.on("error", reject)
    child.on("close", (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })

it("the benchmark harness runs on tiny sizes and reports every candidate and target", async () => {
  const result = await runHarness()
  expect(result.status, result.stderr).toBe(0)
  expect(result.stdout).toContain("| scenario | undici | fetch | effect-platform | openai | openrouter-sdk | effect-ai | ours |")
  expect(result.stdout).toMatch(/\| chat, c64 \(req\/s\) \| [\d,.]+/)
  // streamText through @effect/ai's LanguageModel (issue 20): ours, @effect/ai-openrouter and the floor.
  expect(result.stdout).toContain("| scenario | effect-ai | ai-ours | ai-floor |")
  expect(result.stdout).toMatch(/\| video download of 1 MiB, peak RSS growth \(MiB\) \| [\d.]+/)
  // Start-up: the installed bins, and the libraries unbundled in the consumer project.
  expect(result.stdout).toContain("| scenario | node -e 0 | minimal --version | minimal: hello | ours --version | ours chat --dry-run |")
  expect(result.stdout).toMatch(/\| command line, spawn to exit \(ms\) \| [\d.]+/)
  expect(result.stdout).toMatch(/\| command line, peak RSS \(MiB\) \| [\d.]+/)
  expect(result.stdout).toContain("| scenario | ours | effect-ai | Effect + undici alone |")
  expect(result.stdout).toMatch(/\| library start-up to the first request, above bare node \(ms\) \| -?[\d.]+/)
  // Every target row carries a measured value.
  expect(result.stdout).not.toContain("not measured")
}, 300_000)
