// The CLI's outputs and inputs around billable requests (issue 17), through the built bin against
// the simulator (its journal counts what was sent):
//   defect 3:  `tts`, `image` and `video` into a directory the user cannot write (run as `nobody`)
//              exit 2 with no request at all;
//   defect 7:  `tts --out existing` keeps the existing file: a new free name, printed (stdout)
//              and explained (stderr); `--force` replaces it;
//   defect 14: `--input /dev/zero`, `--first-frame` of a FIFO, `transcribe` of a file past
//              inputMediaBytes: exit 2 naming the reason, no request, peak RSS well under the input.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { execFileSync } from "node:child_process"
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runCli } from "./support/cli.js"

const KEY = "sk-or-v1-billed-outputs-0000000000000000000000000"
const NOBODY = 65534

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

/**
 * Runs the built CLI (`--base-url` the simulator, unless `simulator: false`) with a home of its
 * own; as `uid` when given.
 */
const cli = (args: ReadonlyArray<string>, options: { readonly uid?: number; readonly cwd?: string; readonly simulator?: boolean } = {}) => {
  const home = mkdtempSync(join(tmpdir(), "ore-billed-home-"))
  chmodSync(home, 0o777)
  return runCli([...(options.simulator === false ? [] : ["--base-url", sim.baseUrl]), ...args], {
    cwd: options.cwd ?? home,
    env: { PATH: process.env["PATH"] ?? "", HOME: home, OPENCLAW_STATE_DIR: home, OPENROUTER_API_KEY: KEY },
    ...(options.uid !== undefined ? { uid: options.uid } : {})
  })
}

const posts = () => sim.journal.list({ method: "POST" }).length
// Root writes anywhere whatever the mode says, so as root the CLI runs as `nobody` to meet a
// directory it may not write; as anyone else, the directory is made read-only.
const isRoot = process.getuid?.() === 0

describe("defect 3: an unwritable output is refused before any request", () => {
  it("tts, image and video into a directory the user may not write: exit 2, no request", async () => {
    // As root: owned by root, 0755, and the CLI runs as `nobody`. Otherwise: 0555, our own.
    const locked = mkdtempSync(join(tmpdir(), "ore-billed-locked-"))
    chmodSync(locked, isRoot ? 0o755 : 0o555)
    const cases: ReadonlyArray<ReadonlyArray<string>> = [
      ["tts", "hello", "--out", join(locked, "speech.mp3")],
      ["image", "a cat", "--out", locked],
      ["video", "a cat", "--out", locked]
    ]
    for (const args of cases) {
      sim.journal.clear()
      const run = await cli(args, isRoot ? { uid: NOBODY } : {})
      expect(run.code, `${args[0]}: ${run.stderr}`).toBe(2)
      expect(run.stderr, args[0]).toMatch(/Cannot write|permission denied/i)
      expect(posts(), args[0]).toBe(0)
    }
    expect(readdirSync(locked)).toEqual([])
  }, 60_000)
})

describe("defect 7: tts --out an existing file", () => {
  it("keeps it, writes the next free name and says so; --force replaces it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-billed-out-"))
    const existing = join(dir, "notes.txt")
    writeFileSync(existing, "my notes")
    const run = await cli(["tts", "hello", "--out", existing])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe(join(dir, "notes-1.txt"))
    expect(run.stderr).toContain(`${existing} exists: wrote ${join(dir, "notes-1.txt")} instead`)
    expect(readFileSync(existing, "utf8")).toBe("my notes")
    const forced = await cli(["tts", "hello", "--out", existing, "--force"])
    expect(forced.code, forced.stderr).toBe(0)
    expect(forced.stdout.trim()).toBe(existing)
    expect(readFileSync(existing, "utf8")).not.toBe("my notes")
    expect(readdirSync(dir).sort()).toEqual(["notes-1.txt", "notes.txt"])
  }, 60_000)
})

describe("defect 14: input files are bounded", () => {
  it("/dev/zero, a FIFO and a file past inputMediaBytes: exit 2 naming why, no request, small RSS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-billed-in-"))
    const fifo = join(dir, "frame.png")
    execFileSync("mkfifo", [fifo])
    const big = join(dir, "big.wav")
    writeFileSync(big, "")
    truncateSync(big, 200 * 1024 * 1024)
    mkdirSync(join(dir, "out"))
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, RegExp]> = [
      [["image", "a cat", "--input", "/dev/zero", "--out", join(dir, "out")], /\/dev\/zero: it is a character device, not a regular file/],
      [["video", "a cat", "--first-frame", fifo, "--out", join(dir, "out")], /FIFO/],
      [["transcribe", big], /exceeds inputMediaBytes \(32 MiB\)/]
    ]
    for (const [args, message] of cases) {
      sim.journal.clear()
      const run = await cli(args)
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2)
      expect(run.stderr).toMatch(message)
      expect(posts()).toBe(0)
      expect(run.peakKiB, args.join(" ")).toBeLessThan(150 * 1024)
    }
    expect(statSync(fifo).isFIFO()).toBe(true)
  }, 60_000)
})

describe("defect 14: a video download through the CLI is bounded", () => {
  /**
   * A hostile OpenRouter on loopback: the submit answers a completed job at once, and its content
   * is `body` (no Content-Length). Everything else is 404.
   */
  const hostile = async (body: (response: import("node:http").ServerResponse) => void) => {
    const { createServer } = await import("node:http")
    const server = createServer((request, response) => {
      if (request.method === "POST" && request.url === "/api/v1/videos") {
        request.resume()
        response.writeHead(202, { "content-type": "application/json" })
        response.end(JSON.stringify({ id: "job-endless", polling_url: "/api/v1/videos/job-endless", status: "completed", unsigned_urls: [] }))
        return
      }
      if (request.url?.startsWith("/api/v1/videos/job-endless/content") === true) {
        response.writeHead(200, { "content-type": "video/mp4" })
        body(response)
        return
      }
      response.writeHead(404, { "content-type": "application/json" })
      response.end(JSON.stringify({ error: { code: 404, message: "no" } }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return { baseUrl: `http://127.0.0.1:${port}/api/v1`, close: () => new Promise((resolve) => server.close(resolve)), server }
  }

  /** Runs `video` against `baseUrl` with a config file setting `limits`. */
  const video = (baseUrl: string, limits: Record<string, number>, extra: ReadonlyArray<string> = []) => {
    const dir = mkdtempSync(join(tmpdir(), "ore-billed-dl-"))
    const config = join(dir, "openclaw.json")
    writeFileSync(config, JSON.stringify({ models: { providers: { openrouter: { baseUrl, limits } } } }))
    const out = join(dir, "out")
    return cli(["--config", config, "video", "a cat", "--out", out, ...extra], { simulator: false }).then((run) => ({ ...run, out }))
  }

  it("an endless body stops at the config's downloadBytes (exit 1, LimitExceeded), nothing left, RSS well under it", async () => {
    const server = await hostile((response) => {
      const chunk = Buffer.alloc(1024 * 1024, 7)
      const write = () => {
        while (response.write(chunk)) { /* until the socket pushes back */ }
        response.once("drain", write)
      }
      response.on("error", () => {})
      write()
    })
    try {
      const run = await video(server.baseUrl, { downloadBytes: 300 * 1024 * 1024 })
      expect(run.code, run.stderr).toBe(1)
      expect(run.stderr).toContain("downloadBytes (300 MiB)")
      expect(readdirSync(run.out)).toEqual([])
      // 300 MiB went through to disk; the process held far less.
      expect(run.peakKiB).toBeLessThan(200 * 1024)
    } finally {
      server.server.closeAllConnections()
      await server.close()
    }
  }, 30_000)

  it("a body trickling a byte every 100 ms ends with Timeout at --timeout-ms (exit 1), nothing left", async () => {
    const timers: Array<NodeJS.Timeout> = []
    const server = await hostile((response) => {
      timers.push(setInterval(() => response.write(Buffer.from([1])), 100))
    })
    try {
      const run = await video(server.baseUrl, {}, ["--timeout-ms", "2000"])
      expect(run.code, run.stderr).toBe(1)
      expect(run.stderr).toMatch(/did not finish within 2(\.0)? s/)
      expect(readdirSync(run.out)).toEqual([])
    } finally {
      for (const timer of timers) clearInterval(timer)
      server.server.closeAllConnections()
      await server.close()
    }
  }, 30_000)
})
