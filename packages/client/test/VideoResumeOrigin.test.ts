// Issue 18: a video job records the origin it was submitted to, and a resume against another
// origin is refused before any request, naming both; the poller reports the wait before the next
// poll; a download into a file reports its start, its progress (throttled) and its end.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Option, Schedule, TestClock } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as OpenRouter from "../src/OpenRouter.js"
import * as VideoJobStore from "../src/VideoJobStore.js"
import * as VideoPoller from "../src/VideoPoller.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-origin-test-000000000000000000000000000"
const VIDEO = new Uint8Array(3000).fill(7)

/** A scripted OpenRouter that records every request; the video comes in 1000-byte chunks. */
const scripted = (baseUrl: string | undefined) => {
  const seen: Array<string> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      seen.push(`${request.method} ${url.toString()}`)
      const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
      if (url.pathname.endsWith("/videos/models")) return HttpClientResponse.fromWeb(request, json({ data: [] }))
      if (request.method === "POST") return HttpClientResponse.fromWeb(request, json({ id: "job-1", polling_url: "/api/v1/videos/job-1", status: "pending" }, 202))
      if (url.pathname.endsWith("/videos/job-1")) return HttpClientResponse.fromWeb(request, json({ id: "job-1", status: "completed", unsigned_urls: [] }))
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 3; i++) controller.enqueue(VIDEO.slice(i * 1000, (i + 1) * 1000))
          controller.close()
        }
      })
      return HttpClientResponse.fromWeb(request, new Response(body, { status: 200, headers: { "content-type": "video/mp4", "content-length": "3000" } }))
    }))
  // The jobs are kept in `stateDir`, so that a second layer (another base URL) sees them.
  const layer = (stateDir: string) =>
    OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, stateDir, ...(baseUrl !== undefined ? { baseUrl } : {}) }).pipe(
      Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
    )
  return { seen, layer }
}

describe("a resume checks the job's origin", () => {
  it.effect("submit records the base URL's origin; a resume against another origin fails before any request, naming both", () =>
    Effect.gen(function*() {
      const store = mkdtempSync(join(tmpdir(), "ore-origin-"))
      const jobs = yield* VideoJobStore.makeFile(store).pipe(Effect.provide(NodeFileSystem.layer))
      const first = scripted(undefined)
      const job = yield* Effect.flatMap(Videos.Videos, (videos) => videos.submit({ prompt: "a cat" })).pipe(Effect.provide(first.layer(store)))
      expect(job.origin).toBe("https://openrouter.ai")
      expect(Option.getOrThrow(yield* jobs.get("job-1")).origin).toBe("https://openrouter.ai")

      const other = scripted("http://127.0.0.1:9/api/v1")
      const error = yield* Effect.flatMap(Videos.Videos, (videos) => videos.resume("job-1")).pipe(Effect.provide(other.layer(store)), Effect.flip)
      expect([error._tag, "path" in error ? error.path : undefined]).toEqual(["ConfigError", "baseUrl"])
      expect(error.message).toContain("submitted to https://openrouter.ai")
      expect(error.message).toContain("would ask http://127.0.0.1:9")
      expect(other.seen).toEqual([])

      // The same origin resumes (the poll and the download go out).
      const same = scripted(undefined)
      const result = yield* Effect.flatMap(Videos.Videos, (videos) => videos.resume("job-1")).pipe(Effect.provide(same.layer(store)))
      expect(result.size).toBe(3000)
      expect(same.seen.length).toBeGreaterThan(0)
    }))

  it.effect("a record from before origins were kept is checked against the origin of its base URL", () =>
    Effect.gen(function*() {
      const store = mkdtempSync(join(tmpdir(), "ore-origin-"))
      const jobs = yield* VideoJobStore.makeFile(store).pipe(Effect.provide(NodeFileSystem.layer))
      yield* jobs.put({ id: "job-1", pollingUrl: "https://openrouter.ai/api/v1/videos/job-1", model: "google/veo-3.1-fast", baseUrl: "https://openrouter.ai/api/v1", submittedAt: 0, status: "submitted" })
      const other = scripted("http://127.0.0.1:9/api/v1")
      const error = yield* Effect.flatMap(Videos.Videos, (videos) => videos.resume("job-1")).pipe(
        Effect.provide(other.layer(store)),
        Effect.flip
      )
      expect(error.message).toContain("submitted to https://openrouter.ai")
      expect(other.seen).toEqual([])
      // The pure check agrees.
      expect(Exit.isSuccess(yield* Effect.exit(Videos.sameOrigin({ id: "j", pollingUrl: "", model: "m", baseUrl: "https://openrouter.ai/api/v1", submittedAt: 0, status: "submitted" }, "https://openrouter.ai/other")))).toBe(true)
    }))
})

describe("download progress", () => {
  it.effect("a download into a file reports start (with the declared size), then end with every byte", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-dl-"))
      const events: Array<Videos.DownloadProgress> = []
      const { layer } = scripted(undefined)
      const result = yield* Effect.flatMap(Videos.Videos, (videos) =>
        videos.generate({ prompt: "a cat", output: join(dir, "v.mp4"), onDownload: (p) => Effect.sync(() => void events.push(p)) })
      ).pipe(Effect.provide(layer(dir)))
      expect(readFileSync(result.file!).byteLength).toBe(3000)
      expect(events[0]).toMatchObject({ jobId: "job-1", phase: "start", bytes: 0, total: 3000 })
      expect(events.at(-1)).toMatchObject({ jobId: "job-1", phase: "end", bytes: 3000, total: 3000 })
      // On the TestClock no time passes between chunks: the throttle lets no `progress` through.
      expect(events.map((e) => e.phase)).toEqual(["start", "end"])
    }))
})

describe("the poller reports the wait before the next poll", () => {
  const pendingThenDone = (pending: number, step: (n: number) => VideoPoller.Step<string> | undefined = () => undefined) => {
    let n = 0
    return Effect.sync(() => {
      n += 1
      return step(n) ?? (n <= pending ? VideoPoller.pending(`running ${n}`) : VideoPoller.done("ok"))
    })
  }
  const drive = <A, E>(effect: Effect.Effect<A, E>) =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(effect)
      for (let i = 0; i < 60; i++) {
        for (let j = 0; j < 10; j++) yield* Effect.yieldNow()
        yield* TestClock.adjust("1 second")
      }
      return yield* Fiber.join(fiber)
    })

  it.effect("the schedule's next delay, else the server's Retry-After; none once the schedule has ended", () =>
    Effect.gen(function*() {
      const seen: Array<VideoPoller.Progress> = []
      const onProgress = (p: VideoPoller.Progress) => Effect.sync(() => void seen.push(p))
      yield* drive(VideoPoller.make(Schedule.spaced("3 seconds")).poll(pendingThenDone(2), { jobId: "j", timeoutMs: 60_000, onProgress }))
      expect(seen.map((p) => p.nextPollMs)).toEqual([3000, 3000])

      seen.length = 0
      const retryAfter = pendingThenDone(2, (n) => (n === 1 ? VideoPoller.pending("queued", { headers: { "retry-after": "7" } }) : undefined))
      yield* drive(VideoPoller.make(Schedule.spaced("3 seconds")).poll(retryAfter, { jobId: "j", timeoutMs: 60_000, onProgress }))
      expect(seen.map((p) => p.nextPollMs)).toEqual([7000, 3000])

      seen.length = 0
      const exit = yield* drive(Effect.exit(VideoPoller.make(Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(1)))).poll(pendingThenDone(5), { jobId: "j", timeoutMs: 60_000, onProgress })))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(seen.map((p) => p.nextPollMs)).toEqual([1000, undefined])
    }))
})
