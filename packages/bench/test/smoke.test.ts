// Benchmarks are not tests; this only checks that the harness runs end to end on tiny sizes
// (peer installs on first use, esbuild bundles, simulators, every candidate, every section, the
// report with its targets).
import { expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..")

it("the benchmark harness runs on tiny sizes and reports every candidate and target", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/bench.ts", "--smoke"], { cwd: benchDir, encoding: "utf8", timeout: 300_000 })
  expect(result.status, result.stderr).toBe(0)
  expect(result.stdout).toContain("| scenario | undici | fetch | effect-platform | openai | openrouter-sdk | effect-ai | ours |")
  expect(result.stdout).toMatch(/\| chat, c64 \(req\/s\) \| [\d,.]+/)
  expect(result.stdout).toMatch(/\| video download of 1 MiB, peak RSS growth \(MiB\) \| [\d.]+/)
  expect(result.stdout).toMatch(/\| start-up to the first request, above bare node \(ms\) \| -?[\d.]+/)
  // Every target row carries a measured value.
  expect(result.stdout).not.toContain("not measured")
}, 300_000)
