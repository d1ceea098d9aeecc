// Issue 17, defect 1, as a process: a hostile OpenRouter on loopback answers `Chat.stream` with one
// event-stream line of hundreds of MiB. Before the cap a 200 MiB line held open sat at ~470 MB
// resident forever, and a 600 MiB line then `\n` killed the stream with `RangeError: Invalid string
// length` (a defect). Now the stream fails with `LimitExceeded` naming `sseLineBytes` (16 MiB by
// default) and the process grows by far less than the attack. The child (test/fixtures/hostile-sse.ts)
// reports its own resident set when the request arrived and its peak (`process.resourceUsage()`).
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const testDir = dirname(fileURLToPath(import.meta.url))
const clientDir = join(testDir, "..")
const MiB = 1024 * 1024

interface Outcome {
  readonly tag: string
  readonly limit?: string
  readonly message: string
  readonly written: number
  readonly rssAtRequestBytes: number
  readonly maxRssBytes: number
}

/** Runs the fixture; a child that does not answer within 40 s is killed (a guard, not a timing assertion). */
const attack = (args: ReadonlyArray<string>): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(clientDir, "build", "fixtures", "hostile-sse.mjs"), ...args], {
      cwd: clientDir,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const guard = setTimeout(() => child.kill("SIGKILL"), 40_000)
    child.on("close", (code, signal) => {
      clearTimeout(guard)
      const line = stdout.split("\n").find((l) => l.startsWith("{"))
      if (line === undefined) reject(new Error(`no outcome (code ${code}, signal ${signal}): ${stderr.slice(0, 2000)}`))
      else resolve(JSON.parse(line) as Outcome)
    })
  })

describe("an event-stream line without end, against a real process (defect 1)", () => {
  it("a 200 MiB line held open: LimitExceeded naming sseLineBytes, and the process grows far less than 200 MiB", async () => {
    const outcome = await attack(["200"])
    expect(outcome.tag).toBe("LimitExceeded")
    expect(outcome.limit).toBe("sseLineBytes")
    expect(outcome.message).toBe("An event-stream line exceeded sseLineBytes (16 MiB)")
    // The client stopped reading near the cap: the server could not write the attack out.
    expect(outcome.written).toBeLessThan(100 * MiB)
    // The cap (16 Mi characters) and what is in flight, not the line: well under the attack.
    expect(outcome.maxRssBytes - outcome.rssAtRequestBytes).toBeLessThan(120 * MiB)
  }, 60_000)

  it("a 600 MiB line then a line end: LimitExceeded, not a RangeError defect", async () => {
    const outcome = await attack(["600", "end"])
    expect(outcome.tag).toBe("LimitExceeded")
    expect(outcome.limit).toBe("sseLineBytes")
    expect(outcome.maxRssBytes - outcome.rssAtRequestBytes).toBeLessThan(120 * MiB)
  }, 60_000)
})

describe("a JSON body of 500 MiB, against a real process (defect 14)", () => {
  it("Chat.complete: LimitExceeded naming jsonBodyBytes, the process growing far less than the body", async () => {
    const outcome = await attack(["500", "json"])
    expect(outcome.tag).toBe("LimitExceeded")
    expect(outcome.limit).toBe("jsonBodyBytes")
    // The read stops at 64 MiB; what the server could write beyond it is socket buffering.
    expect(outcome.written).toBeLessThan(200 * MiB)
    expect(outcome.maxRssBytes - outcome.rssAtRequestBytes).toBeLessThan(200 * MiB)
  }, 60_000)
})
