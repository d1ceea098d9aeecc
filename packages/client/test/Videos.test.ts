// Videos: the poller on TestClock (schedule, Retry-After, transient 503, deadline, no resubmit),
// cross-origin rules for polls and downloads, the content-endpoint fallback, end to end against
// the simulator, and a resume across a killed process.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Clock, Duration, Effect, Fiber, Layer, TestClock } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-video-test-0000000000000000000000000000"
// The key of fixtures/video-job.ts.
const CHILD_KEY = "sk-or-v1-video-child-000000000000000000"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** TestClock time of the request. */
  readonly at: number
  readonly body: string | undefined
}

/** A scripted OpenRouter: a function from the request to a Response, with everything recorded. */
const scripted = (answer: (request: Seen, count: number) => Response) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url) =>
    Effect.map(Clock.currentTimeMillis, (at) => {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : undefined
      const record = { method: request.method, url: url.toString(), headers: { ...request.headers }, at, body }
      seen.push(record)
      return HttpClientResponse.fromWeb(request, answer(record, seen.length))
    }))
  const layer = OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY } }).pipe(
    Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
  )
  return { seen, layer }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const submitted = () => json(202, { id: "job-1", polling_url: "/api/v1/videos/job-1", status: "pending" })
const completed = (unsigned: unknown = ["https://cdn.example.com/job-1.mp4"]) =>
  json(200, { id: "job-1", status: "completed", generation_id: "gen-1", unsigned_urls: unsigned, usage: { cost: 0.4, is_byok: false } })

/** The script of a job: submit, `pending` polls, then completed, then the video. */
const jobScript = (pendingPolls: number, extra: (request: Seen) => Response | undefined = () => undefined) => {
  let polls = 0
  return (request: Seen): Response => {
    const special = extra(request)
    if (special !== undefined) return special
    if (request.url.endsWith("/videos/models")) return json(200, { data: [] })
    if (request.method === "POST") return submitted()
    if (request.url.includes("/videos/job-1") && !request.url.includes("content")) {
      polls++
      return polls <= pendingPolls ? json(200, { id: "job-1", status: polls === 1 ? "pending" : "in_progress" }) : completed()
    }
    return new Response(new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]), { status: 200, headers: { "content-type": "video/mp4" } })
  }
}

const pollTimes = (seen: ReadonlyArray<Seen>) =>
  seen.filter((s) => s.method === "GET" && /\/videos\/job-1$/.test(s.url)).map((s) => s.at)

/** Runs a generate on the TestClock, stepping time one second at a time. */
const runGenerate = (options: Videos.GenerateOptions, seconds: number) =>
  Effect.gen(function*() {
    const videos = yield* Videos.Videos
    const fiber = yield* Effect.fork(Effect.either(videos.generate(options)))
    for (let i = 0; i < seconds; i++) {
      for (let j = 0; j < 20; j++) yield* Effect.yieldNow()
      yield* TestClock.adjust(Duration.seconds(1))
    }
    return yield* Fiber.join(fiber)
  })

describe("the poller (TestClock)", () => {
  it.effect("the default schedule polls at 0, 2, 5, 9.5 s … and downloads once completed; one submit", () => {
    const script = scripted(jobScript(3))
    return Effect.gen(function*() {
      const result = yield* runGenerate({ prompt: "x", duration: 4 }, 20)
      expect(result._tag).toBe("Right")
      if (result._tag === "Right") expect(result.right.metadata).toMatchObject({ jobId: "job-1", generationId: "gen-1", cost: 0.4, isByok: false })
      expect(pollTimes(script.seen)).toEqual([0, 2000, 5000, 9500])
      expect(script.seen.filter((s) => s.method === "POST")).toHaveLength(1)
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("a Retry-After on a poll replaces the next step", () => {
    let polls = 0
    const script = scripted(jobScript(0, (request) => {
      if (request.method === "GET" && request.url.endsWith("/videos/job-1")) {
        polls++
        if (polls === 1) return json(200, { id: "job-1", status: "in_progress" }, { "retry-after": "7" })
      }
      return undefined
    }))
    return Effect.gen(function*() {
      const result = yield* runGenerate({ prompt: "x" }, 10)
      expect(result._tag).toBe("Right")
      expect(pollTimes(script.seen)).toEqual([0, 7000])
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("a transient poll 503 is retried inside the deadline and never resubmits", () => {
    let polls = 0
    const script = scripted(jobScript(0, (request) => {
      if (request.method === "GET" && request.url.endsWith("/videos/job-1")) {
        polls++
        if (polls <= 2) return json(503, { error: { code: 503, message: "Service temporarily unavailable" } })
      }
      return undefined
    }))
    return Effect.gen(function*() {
      const result = yield* runGenerate({ prompt: "x" }, 120)
      expect(result._tag).toBe("Right")
      expect(script.seen.filter((s) => s.method === "POST")).toHaveLength(1)
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("the deadline fails with a timeout carrying the job id, and no path resubmits", () => {
    const script = scripted(jobScript(10_000))
    return Effect.gen(function*() {
      const result = yield* runGenerate({ prompt: "x", timeoutMs: 30_000 }, 40)
      expect(result._tag).toBe("Left")
      if (result._tag === "Left") {
        expect(result.left).toMatchObject({ _tag: "Timeout", source: "client", timeoutMs: 30_000 })
        expect(result.left.message).toContain("job-1")
      }
      expect(script.seen.filter((s) => s.method === "POST")).toHaveLength(1)
      const videos = yield* Videos.Videos
      expect((yield* videos.jobs).map((job) => [job.id, job.status])).toEqual([["job-1", "submitted"]])
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("failed, cancelled and expired end with the server's message; an unknown status is malformed at once", () =>
    Effect.gen(function*() {
      for (const [status, tag] of [["failed", "VideoJobFailed"], ["cancelled", "VideoJobFailed"], ["expired", "VideoJobFailed"], ["melted", "MalformedResponse"]] as const) {
        const script = scripted(jobScript(0, (request) =>
          request.method === "GET" && request.url.endsWith("/videos/job-1") ? json(200, { id: "job-1", status, error: `the job ${status}` }) : undefined))
        const result = yield* runGenerate({ prompt: "x" }, 2).pipe(Effect.provide(script.layer))
        expect(result._tag).toBe("Left")
        if (result._tag === "Left") {
          expect(result.left._tag).toBe(tag)
          if (tag === "VideoJobFailed") expect(result.left.message).toBe(`the job ${status}`)
        }
        expect(script.seen.filter((s) => s.method === "GET" && s.url.endsWith("/videos/job-1"))).toHaveLength(1)
      }
    }))
})

describe("cross-origin rules and the download", () => {
  it.effect("polls and downloads on another origin carry no authorization; the base origin gets it", () => {
    const script = scripted(jobScript(0, (request) => {
      if (request.method === "POST") return json(202, { id: "job-1", polling_url: "https://poll.example.net/jobs/job-1", status: "pending" })
      if (request.url === "https://poll.example.net/jobs/job-1") return completed()
      return undefined
    }))
    return Effect.gen(function*() {
      const result = yield* runGenerate({ prompt: "x" }, 2)
      expect(result._tag).toBe("Right")
      const submit = script.seen.find((s) => s.method === "POST")
      expect(submit?.headers.authorization).toBe(`Bearer ${KEY}`)
      for (const foreign of script.seen.filter((s) => !s.url.startsWith("https://openrouter.ai/"))) {
        expect(foreign.headers.authorization).toBeUndefined()
        expect(Object.keys(foreign.headers).filter((name) => name.startsWith("x-openrouter") || name === "http-referer")).toEqual([])
      }
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("an expired unsigned URL (403) falls back to the content endpoint; a webm keeps its type", () => {
    const script = scripted(jobScript(0, (request) => {
      if (request.url === "https://cdn.example.com/job-1.mp4") return new Response("denied", { status: 403 })
      if (request.url.endsWith("/videos/job-1/content?index=0")) {
        return new Response(new Uint8Array([26, 69, 223, 163]), { status: 200, headers: { "content-type": "video/webm" } })
      }
      return undefined
    }))
    return Effect.gen(function*() {
      const result = yield* runGenerate({ prompt: "x" }, 2)
      expect(result._tag).toBe("Right")
      if (result._tag === "Right") {
        expect(result.right).toMatchObject({ mimeType: "video/webm", fileName: "video-1.webm", size: 4 })
      }
      const content = script.seen.find((s) => s.url.endsWith("/content?index=0"))
      expect(content?.headers.authorization).toBe(`Bearer ${KEY}`)
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("unsigned_urls as an object is malformed; a JSON answer to the download is malformed", () =>
    Effect.gen(function*() {
      const objectUrls = scripted(jobScript(0, (request) =>
        request.method === "GET" && request.url.endsWith("/videos/job-1") ? completed({ url: "x" }) : undefined))
      const first = yield* runGenerate({ prompt: "x" }, 2).pipe(Effect.provide(objectUrls.layer))
      expect(first._tag === "Left" && first.left._tag).toBe("MalformedResponse")
      const jsonDownload = scripted(jobScript(0, (request) =>
        request.url === "https://cdn.example.com/job-1.mp4" ? json(200, { error: "no" }) : undefined))
      const second = yield* runGenerate({ prompt: "x" }, 2).pipe(Effect.provide(jsonDownload.layer))
      expect(second._tag === "Left" && second.left._tag).toBe("MalformedResponse")
    }))

  it.effect("malformed submit answers: no job details, not JSON; a failed submit is a typed failure", () =>
    Effect.gen(function*() {
      const answers: ReadonlyArray<readonly [() => Response, string]> = [
        [() => json(202, { status: "pending" }), "MalformedResponse"],
        [() => new Response("<html>", { status: 202, headers: { "content-type": "text/html" } }), "MalformedResponse"],
        [() => json(202, { id: "job-1", polling_url: "/api/v1/videos/job-1", unsigned_urls: "x" }), "MalformedResponse"],
        [() => json(202, { id: "job-1", polling_url: "/api/v1/videos/job-1", status: "failed", error: "content policy" }), "VideoJobFailed"]
      ]
      for (const [answer, tag] of answers) {
        const script = scripted(jobScript(0, (request) => (request.method === "POST" ? answer() : undefined)))
        const result = yield* runGenerate({ prompt: "x" }, 1).pipe(Effect.provide(script.layer))
        expect(result._tag === "Left" && result.left._tag).toBe(tag)
        expect(script.seen.filter((s) => s.method === "POST")).toHaveLength(1)
        expect(script.seen.filter((s) => s.url.endsWith("/videos/job-1"))).toHaveLength(0)
      }
    }))

  it.effect("checked before any request: a bad aspect ratio, a non-integer seed, a video input", () => {
    const script = scripted(jobScript(0))
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      for (const options of [{ prompt: "x", aspectRatio: "1:1" }, { prompt: "x", seed: 42.9 }, { prompt: "x", videos: [{}] }]) {
        const error = yield* Effect.flip(videos.generate(options))
        expect(error._tag).toBe("BadInput")
      }
      expect(script.seen.filter((s) => s.method === "POST")).toHaveLength(0)
    }).pipe(Effect.provide(script.layer))
  })
})

describe("prepare", () => {
  it.effect("prepare answers what submit sends: URL, headers (no Authorization), body, the call's settings", () => {
    const script = scripted(jobScript(0))
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const request = { prompt: "a cat", duration: 7, resolution: "720P", timeoutMs: 90_000 }
      const prepared = yield* videos.prepare(request)
      expect(prepared).toMatchObject({
        method: "POST",
        url: "https://openrouter.ai/api/v1/videos",
        body: { model: "google/veo-3.1-fast", prompt: "a cat", duration: 8, resolution: "720p" },
        settings: { model: { slug: "google/veo-3.1-fast" }, timeoutMs: 90_000, baseUrl: "https://openrouter.ai/api/v1" }
      })
      expect(Object.keys(prepared.headers).map((name) => name.toLowerCase())).not.toContain("authorization")
      yield* videos.submit(request)
      const [sent] = script.seen.filter((s) => s.method === "POST")
      expect(sent?.url).toBe(prepared.url)
      expect(JSON.parse(sent?.body ?? "null")).toEqual(prepared.body)
      // Beside what prepare lists: the key, and the body's length (set by the platform).
      const { authorization, "content-length": _length, ...rest } = sent?.headers ?? {}
      expect(authorization).toBe(`Bearer ${KEY}`)
      expect(rest).toEqual(Object.fromEntries(Object.entries(prepared.headers).map(([name, value]) => [name.toLowerCase(), value])))
    }).pipe(Effect.provide(script.layer))
  })

  it.effect("prepare with the bundled capabilities sends nothing; a bad request is refused the same way", () => {
    const script = scripted(jobScript(0))
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const prepared = yield* videos.prepare({ prompt: "x", duration: 5 }, { capabilities: "bundled" })
      expect(prepared.body).toMatchObject({ duration: 6 })
      const error = yield* Effect.flip(videos.prepare({ prompt: "x", aspectRatio: "1:1" }, { capabilities: "bundled" }))
      expect(error).toMatchObject({ _tag: "BadInput", field: "aspectRatio" })
      expect(script.seen).toEqual([])
    }).pipe(Effect.provide(script.layer))
  })
})

// ---- end to end against the simulator ----

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY, CHILD_KEY], videoProcessingMs: 2500, videoBytes: 3_000_000, cdn: true })
})
afterAll(() => sim.close())

describe("against the simulator", () => {
  it.live("submit → poll → streamed download to a file, through the CDN origin", () =>
    Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const output = join(mkdtempSync(join(tmpdir(), "ore-video-")), "cat.mp4")
      const progress: Array<string> = []
      const result = yield* videos.generate({
        prompt: "a cat",
        duration: 7,
        resolution: "720P",
        output,
        schedule: undefined,
        onProgress: (p) => Effect.sync(() => progress.push(p.status))
      })
      expect(result).toMatchObject({ file: output, size: 3_000_000, mimeType: "video/mp4", fileName: "video-1.mp4" })
      expect(statSync(output).size).toBe(3_000_000)
      expect(progress.length).toBeGreaterThan(0)
      const [submit] = sim.journal.list({ method: "POST", path: "/videos" })
      expect(submit?.body).toMatchObject({ duration: 8, resolution: "720p" })
      expect(submit?.validation).toEqual({ ok: true })
    }).pipe(
      Effect.provide(
        // The simulator's CDN is plain http on loopback: allowed by name, as a media host.
        OpenRouter.layerDocument({ document: { models: { providers: { openrouter: { baseUrl: sim.baseUrl } } } }, environment: { OPENROUTER_API_KEY: KEY }, mediaHosts: sim.mediaHosts })
          .pipe(Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeFileSystem.layer)))
      )
    ), 20_000)

  it("a generation killed mid-poll resumes in a new process: one submit, one download, a complete file", async () => {
    sim.journal.clear()
    const testDir = dirname(fileURLToPath(import.meta.url))
    const stateDir = mkdtempSync(join(tmpdir(), "ore-state-"))
    const output = join(stateDir, "resumed.mp4")
    const run = (args: ReadonlyArray<string>, onLine?: (line: string, kill: () => void) => void) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [join(testDir, "..", "build", "fixtures", "video-job.mjs"), ...args], { cwd: join(testDir, ".."), stdio: ["ignore", "pipe", "pipe"] })
        let out = ""
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString()
          for (const line of chunk.toString().split("\n")) if (line !== "") onLine?.(line, () => child.kill("SIGKILL"))
        })
        child.stderr.on("data", (chunk: Buffer) => {
          out += chunk.toString()
        })
        child.on("exit", (code) => resolve({ code, out }))
      })
    let jobId = ""
    const first = await run(["generate", sim.baseUrl, stateDir, output, "-", sim.mediaHosts.join(",")], (line, kill) => {
      const match = /^SUBMITTED (\S+)/.exec(line)
      if (match !== null) {
        jobId = match[1] ?? ""
        // Let it poll once or twice, then kill it mid-poll.
        setTimeout(kill, 400)
      }
    })
    expect(first.code).toBeNull()
    expect(jobId).not.toBe("")
    expect(existsSync(output)).toBe(false)
    expect(sim.journal.list({ method: "GET", path: `/videos/${jobId}` }).length).toBeGreaterThan(0)
    const second = await run(["resume", sim.baseUrl, stateDir, output, jobId, sim.mediaHosts.join(",")])
    expect(second.out).toContain(`DONE ${output} 3000000`)
    expect(second.code).toBe(0)
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
    const downloads = sim.journal.list({ method: "GET", path: `/videos/${jobId}/content` }).length +
      sim.journal.list({ method: "GET", path: "/cdn/*" }).length
    expect(downloads).toBe(1)
    expect(readFileSync(output).length).toBe(3_000_000)
  }, 30_000)
})
