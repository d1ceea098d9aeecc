// Benchmarks are not tests; this only checks that the harness runs end to end on tiny sizes
// (peer install on first use, esbuild bundles, simulators, every candidate, the report).
import { expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..")

it("the chat benchmark harness runs on tiny sizes and reports every candidate", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/chat.ts", "--smoke"], { cwd: benchDir, encoding: "utf8", timeout: 240_000 })
  expect(result.status).toBe(0)
  expect(result.stdout).toContain("| scenario | undici | fetch | openai | openrouter-sdk | ours |")
  expect(result.stdout).toMatch(/chat, c64 \(req\/s\): ours \/ best peer = \d/)
}, 240_000)
