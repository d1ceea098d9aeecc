// Issue 18: the runner README's examples, run verbatim. Every ```sh block after a `<!-- run -->`
// marker runs in order, in one folder, through `sh -e`, with `openrouter-effect` on the PATH (the
// built bin) and the simulator reached through OPENROUTER_CONNECT_TO; each must exit 0.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { spawn } from "node:child_process"
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const KEY = "sk-or-v1-readme-examples-00000000000000000000wxyz"

/** The ```sh blocks marked `<!-- run -->`, in order. */
const runBlocks = (markdown: string): ReadonlyArray<string> =>
  [...markdown.matchAll(/<!-- run -->\s*\n```sh\n([\s\S]*?)```/g)].map((match) => match[1]!)

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1" })
})
afterAll(() => sim.close())

describe("packages/runner/README.md", () => {
  const blocks = runBlocks(readFileSync(join(runnerDir, "README.md"), "utf8"))

  it("has the task examples marked to run", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    const all = blocks.join("\n")
    for (const task of ["chat \"", "chat -c", "| openrouter-effect chat", "logs"]) expect(all).toContain(task)
  })

  it("every marked example exits 0 against the simulator, in order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-readme-"))
    const binDir = join(dir, ".bin")
    mkdirSync(binDir)
    const shim = join(binDir, "openrouter-effect")
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(runnerDir, "bin", "openrouter-effect.js")}" "$@"\n`)
    chmodSync(shim, 0o755)
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))
    const env = {
      ...clean,
      PATH: `${binDir}:${process.env["PATH"] ?? ""}`,
      HOME: dir,
      OPENCLAW_STATE_DIR: dir,
      OPENROUTER_API_KEY: KEY,
      OPENROUTER_CONNECT_TO: `127.0.0.1:${sim.port}`
    }
    sim.journal.clear()
    // One after the other, asynchronously: the simulator answers from this process.
    for (const block of blocks) {
      const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn("sh", ["-e", "-c", block], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] })
        let stderr = ""
        child.stdout.resume()
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
        child.on("exit", (code) => resolve({ code, stderr }))
      })
      expect(run.code, `${block}\n${run.stderr}`).toBe(0)
    }
    // They were sent, not just parsed: the chats and the speech reached the simulator.
    expect(sim.journal.list({ method: "POST", path: "/chat/completions" }).length).toBeGreaterThanOrEqual(6)
  }, 90_000)
})
