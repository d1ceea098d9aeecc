// Issue 18: video progress (in place on a terminal, one line per change when piped), a resume
// against the wrong origin or route refused before any request, and --duration / --speed checked
// by us (exit 2 naming the flag and the range).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as FastCheck from "effect/FastCheck"
import { parseDecimal } from "../src/CommandKit.js"
import * as Progress from "../src/Progress.js"
import { cleanEnv, runCli } from "./support/cli.js"

const KEY = "sk-or-v1-progress-000000000000000000000000000abcd"
const ESC = "\u001b"

let sim: Server.Running
let state: string
let config: string
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1", videoProcessingMs: 2500, videoBytes: 40_000 })
  state = mkdtempSync(join(tmpdir(), "ore-progress-"))
  config = join(state, "openclaw.json")
  writeFileSync(config, "{}")
})
afterAll(() => sim.close())
beforeEach(() => sim.journal.clear())

const cli = (args: ReadonlyArray<string>) =>
  runCli(["--config", config, ...args], { cwd: state, env: { ...cleanEnv(), HOME: state, OPENCLAW_STATE_DIR: state, OPENROUTER_API_KEY: KEY } })

const via = () => ["--connect-to", `127.0.0.1:${sim.port}`]

describe("progress lines (pure)", () => {
  const progress = { jobId: "job-1", status: "in_progress", attempt: 3, elapsedMs: 42_400, nextPollMs: 5000 }

  it("on a terminal: status, elapsed and the countdown to the next poll, moved on by the time since", () => {
    expect(Progress.progressLine(progress, { tty: true })).toBe("video job-1: in_progress · 42 s elapsed · next poll in 5 s")
    expect(Progress.progressLine(progress, { tty: true, sinceMs: 2000 })).toBe("video job-1: in_progress · 44 s elapsed · next poll in 3 s")
    expect(Progress.progressLine({ ...progress, elapsedMs: 185_000, nextPollMs: undefined }, { tty: true })).toBe("video job-1: in_progress · 3 min 05 s elapsed")
    expect(Progress.render("x", { tty: true })).toBe(`\r${ESC}[2Kx`)
  })

  it("on a terminal a line is cut to its width (a wrapped line could not be rewritten); piped it is whole", () => {
    const line = Progress.progressLine(progress, { tty: true })
    expect(Progress.render(line, { tty: true, columns: 20 })).toBe(`\r${ESC}[2K${line.slice(0, 18)}…`)
    expect(Progress.render(line, { tty: true, columns: 200 })).toBe(`\r${ESC}[2K${line}`)
    expect(Progress.render(line, { tty: false, columns: 20 })).toBe(`${line}\n`)
  })

  it("piped: the plain line, and no escape codes even from a hostile status", () => {
    expect(Progress.progressLine(progress, { tty: false })).toBe("video job-1: in_progress, 42 s, poll 3")
    const hostile = Progress.render(Progress.progressLine({ ...progress, status: `x${ESC}[2Jy` }, { tty: false }), { tty: false })
    expect(hostile).not.toContain(ESC)
    expect(hostile.endsWith("\n")).toBe(true)
    // On a terminal too, the only escape is the one rewriting the line.
    expect(Progress.render(Progress.progressLine({ ...progress, status: `x${ESC}[2Jy` }, { tty: true }), { tty: true }).split(ESC)).toHaveLength(2)
  })

  it("downloads: bytes, total, percentage and rate on a terminal; only start and end piped", () => {
    const at = { jobId: "job-1", bytes: 1_500_000, total: 3_000_000, elapsedMs: 2000 }
    expect(Progress.downloadLine({ ...at, phase: "progress" }, { tty: true })).toBe("downloading video job-1: 1.5 MB of 3.0 MB (50%) · 750.0 kB/s")
    expect(Progress.downloadLine({ ...at, phase: "progress" }, { tty: false })).toBeUndefined()
    expect(Progress.downloadLine({ ...at, bytes: 0, elapsedMs: 0, phase: "start" }, { tty: false })).toBe("downloading video job-1 (3.0 MB)")
    expect(Progress.downloadLine({ ...at, bytes: 3_000_000, phase: "end" }, { tty: false })).toBe("downloaded 3.0 MB in 2 s (1.5 MB/s)")
    expect(Progress.bytes(999)).toBe("999 B")
  })

  it("a display: piped, one line per status change; on a terminal, every poll rewrites the line and end closes it", async () => {
    const { Effect } = await import("effect")
    for (const tty of [false, true]) {
      let out = ""
      const display = Progress.make({ tty, write: (text) => (out += text) })
      for (const [attempt, status] of [[1, "pending"], [2, "pending"], [3, "in_progress"], [4, "in_progress"]] as const) {
        Effect.runSync(display.onProgress({ jobId: "j", status, attempt, elapsedMs: attempt * 1000, nextPollMs: 1000 }))
      }
      Effect.runSync(display.end)
      if (tty) {
        expect(out.split(`\r${ESC}[2K`).filter((s) => s !== "")).toHaveLength(4)
        expect(out.endsWith("\n")).toBe(true)
      } else {
        expect(out).toBe("video j: pending, 1 s, poll 1\nvideo j: in_progress, 3 s, poll 3\n")
      }
    }
  })

  it.prop("parseDecimal reads every finite number as JavaScript writes it", [FastCheck.double({ noNaN: true, noDefaultInfinity: true })], ([n]) => {
    expect(parseDecimal(String(n))).toBe(Object.is(n, -0) ? 0 : n)
  })

  it("parseDecimal refuses what is not a decimal number", () => {
    for (const text of ["", " ", "0x10", "Infinity", "NaN", "1,5", "1.2.3", "4s", "e5", "--4"]) expect(parseDecimal(text), text).toBeNaN()
    expect(parseDecimal(" 4 ")).toBe(4)
    expect(parseDecimal(".5")).toBe(0.5)
  })
})

describe("video through the CLI, piped", () => {
  it("one line per status change, the download's start and end, no escape codes; the job records its origin and route", async () => {
    const out = join(state, "piped")
    const run = await cli([...via(), "video", "--duration", "4", "--out", out, "a cat"])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).not.toContain(ESC)
    const lines = run.stderr.split("\n").filter((line) => line !== "")
    const polls = lines.filter((line) => /^video \S+: /.test(line))
    const statuses = polls.map((line) => /: ([^,]+),/.exec(line)?.[1])
    // Several polls were made (2.5 s of processing, polls at 0, 2, 5 s), but a line is printed
    // only when the status changes.
    expect(sim.journal.list({ method: "GET" }).filter((entry) => /\/videos\/[^/]+$/.test(entry.path)).length).toBeGreaterThan(polls.length - 1)
    expect(new Set(statuses).size).toBe(statuses.length)
    expect(polls[0]).toMatch(/poll 1$/)
    expect(lines.some((line) => /^downloading video \S+ \(40\.0 kB\)$/.test(line))).toBe(true)
    expect(lines.some((line) => /^downloaded 40\.0 kB in \d/.test(line))).toBe(true)
    const [file] = readdirSync(join(state, "videos"))
    const job = JSON.parse(readFileSync(join(state, "videos", file!), "utf8"))
    expect(job).toMatchObject({ origin: "https://openrouter.ai", connectTo: `127.0.0.1:${sim.port}` })
  }, 60_000)
})

describe("a resume against the wrong origin or route", () => {
  const write = (id: string, extra: Record<string, unknown>) => {
    mkdirSync(join(state, "videos"), { recursive: true })
    writeFileSync(join(state, "videos", `${id}.json`), JSON.stringify({
      id,
      pollingUrl: `https://openrouter.ai/api/v1/videos/${id}`,
      model: "google/veo-3.1-fast",
      baseUrl: "https://openrouter.ai/api/v1",
      origin: "https://openrouter.ai",
      submittedAt: 1,
      status: "submitted",
      ...extra
    }))
  }

  it("another base URL: exit 2 naming both origins and --base-url, before any request", async () => {
    write("job-origin", { connectTo: `127.0.0.1:${sim.port}` })
    const run = await cli(["--base-url", `http://127.0.0.1:${sim.port}/api/v1`, "--connect-to", `127.0.0.1:${sim.port}`, "video", "resume", "job-origin", "--out", join(state, "r1")])
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toContain("https://openrouter.ai")
    expect(run.stderr).toContain(`http://127.0.0.1:${sim.port}`)
    expect(run.stderr).toContain(`--base-url https://openrouter.ai/api/v1 --connect-to 127.0.0.1:${sim.port}`)
    expect(sim.journal.list()).toHaveLength(0)
  }, 60_000)

  it("without the --connect-to it was submitted through (or with another): exit 2 naming --connect-to, before any request", async () => {
    write("job-route", { connectTo: `127.0.0.1:${sim.port}` })
    const missing = await cli(["video", "resume", "job-route", "--out", join(state, "r2")])
    expect(missing.code, missing.stderr).toBe(2)
    expect(missing.stderr).toContain(`through --connect-to 127.0.0.1:${sim.port}, but this resume has none`)
    expect(missing.stderr).toContain(`pass --base-url https://openrouter.ai/api/v1 --connect-to 127.0.0.1:${sim.port}`)
    write("job-direct", {})
    const extra = await cli([...via(), "video", "resume", "job-direct", "--out", join(state, "r3")])
    expect(extra.code, extra.stderr).toBe(2)
    expect(extra.stderr).toContain("with no --connect-to")
    expect(sim.journal.list()).toHaveLength(0)
  }, 60_000)
})

describe("--duration and --speed are checked by us", () => {
  it("a bad or out-of-range value exits 2 naming the flag and the range, before any request", async () => {
    for (const [args, message] of [
      [["video", "--duration", "abc", "a cat"], "--duration must be a number from 1 to 600 seconds"],
      [["video", "--duration", "0", "a cat"], "--duration must be a number from 1 to 600 seconds"],
      [["video", "--duration", "1e9", "a cat"], "--duration must be a number from 1 to 600 seconds"],
      [["tts", "--speed", "fast", "hello"], "--speed must be a number from 0.25 to 4"],
      [["tts", "--speed", "9", "hello"], "--speed must be a number from 0.25 to 4"],
      [["tts", "--speed", "Infinity", "hello"], "--speed must be a number from 0.25 to 4"]
    ] as const) {
      const run = await cli([...via(), ...args])
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2)
      expect(run.stderr).toContain(message)
    }
    expect(sim.journal.list()).toHaveLength(0)
    const fine = await cli(["video", "--dry-run", "--duration", "7.5", "a cat"])
    expect(fine.code, fine.stderr).toBe(0)
    expect(JSON.parse(fine.stdout).body.duration).toBe(8)
  }, 120_000)
})
