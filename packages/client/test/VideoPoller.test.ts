// VideoPoller: polls on its schedule (TestClock), a Retry-After overrides the next delay, a
// finite schedule ends the poll at once, the deadline, progress as a callback and as a Stream;
// against the simulator, a poll answered 503 twice is retried on the poller's schedule only; and a
// VideoPoller swapped under Videos changes its polling.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as Server from "@openrouter-effect/simulator/Server"
import { Cause, Chunk, Clock, Duration, Effect, Exit, FastCheck as fc, Fiber, Layer, Option, Schedule, Stream, TestClock } from "effect"
import * as OpenRouterConfig from "../src/OpenRouterConfig.js"
import * as OpenRouterHttp from "../src/OpenRouterHttp.js"
import * as VideoJobStore from "../src/VideoJobStore.js"
import * as VideoPoller from "../src/VideoPoller.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-video-poller-test-000000000000000000"

/** Lets every forked fiber run until it sleeps on the TestClock. */
const untilSleeping = Effect.gen(function*() {
  for (let i = 0; i < 1000; i++) {
    if (Chunk.isNonEmpty(yield* TestClock.sleeps())) return
    yield* Effect.yieldNow()
  }
})

/** Runs `effect` forked, advancing the TestClock `step` at a time, each once the fiber sleeps. */
const driven = <A, E, R>(effect: Effect.Effect<A, E, R>, step: Duration.DurationInput, steps: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    for (let i = 0; i < steps && fiber.unsafePoll() === null; i++) {
      yield* untilSleeping
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })

/** A check that answers `pending` (with `headers(n)`) for its first `pendingPolls` calls, then done; the TestClock time of each call. */
const scriptedCheck = (pendingPolls: number, headers: (n: number) => Record<string, string> = () => ({})) => {
  const times: Array<number> = []
  const check = Effect.map(Clock.currentTimeMillis, (now) => {
    times.push(now)
    return times.length <= pendingPolls ? VideoPoller.pending(`running ${times.length}`, { headers: headers(times.length) }) : VideoPoller.done("the video")
  })
  return { times, check }
}

/** The typed failure of an exit, if it failed with one. */
const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined

/** What Videos needs beside its poller: config, transport, job store, file system. */
const foundation = (document: unknown, client: Layer.Layer<HttpClient.HttpClient>, maxRetries?: number) =>
  Layer.mergeAll(OpenRouterHttp.layerConfig({ maxRetries }), VideoJobStore.layerMemory).pipe(
    Layer.provideMerge(OpenRouterConfig.layer({ document, environment: { OPENROUTER_API_KEY: KEY } })),
    Layer.provideMerge(Layer.mergeAll(client, NodeFileSystem.layer))
  )

const options = { jobId: "job-1", timeoutMs: 600_000 }

describe("VideoPoller on the TestClock", () => {
  it.effect("a custom Schedule.spaced(7 s) polls at 0, 7, 14, 21 s", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("7 seconds"))
      const { check, times } = scriptedCheck(3)
      const exit = yield* driven(poller.poll(check, options), "7 seconds", 10)
      expect(exit).toEqual(Exit.succeed("the video"))
      expect(times).toEqual([0, 7000, 14_000, 21_000])
    }))

  it.effect("the default schedule: 0, 2, 5, 9.5, 16.25 s, then at most 15 s apart", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make()
      const { check, times } = scriptedCheck(8)
      yield* driven(poller.poll(check, options), "250 millis", 400)
      expect(times.slice(0, 5)).toEqual([0, 2000, 5000, 9500, 16_250])
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(gaps.every((gap) => gap <= 15_000)).toBe(true)
      expect(gaps.at(-1)).toBe(15_000)
    }))

  it.effect("a Retry-After (seconds, ms or an HTTP date) overrides the next delay; the schedule does not advance", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("7 seconds"))
      const { check, times } = scriptedCheck(4, (n) =>
        n === 1 ? { "retry-after": "3" } : n === 2 ? { "retry-after-ms": "1500" } : n === 3 ? { "Retry-After": new Date(4500 + 10_000).toUTCString() } : {})
      yield* driven(poller.poll(check, options), "500 millis", 100)
      // 0 → +3 s → +1.5 s → the date (14.5 s, read to the second: 14 s) → +7 s.
      expect(times).toEqual([0, 3000, 4500, 14_000, 21_000])
    }))

  it.effect("a finite schedule that ends fails with PollExhausted at once, not at the deadline", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(2))))
      const { check, times } = scriptedCheck(100)
      const exit = yield* driven(poller.poll(check, { jobId: "job-9", timeoutMs: 600_000 }), "1 second", 700)
      expect(times).toEqual([0, 1000, 2000])
      expect(exit).toEqual(Exit.fail(new VideoPoller.PollExhausted({
        message: "The poll schedule ended after 3 polls; job job-9 is still running 3 on the server: resume it with its id",
        jobId: "job-9",
        attempts: 3,
        status: "running 3"
      })))
      // Right after the third poll: the schedule had no step left.
      expect(yield* Clock.currentTimeMillis).toBe(2000)
    }))

  it.effect("the deadline fails with a client Timeout naming the job", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("2 seconds"))
      const { check } = scriptedCheck(1_000)
      const exit = yield* driven(poller.poll(check, { jobId: "job-2", timeoutMs: 9000 }), "1 second", 20)
      expect(failureOf(exit)).toMatchObject({ _tag: "Timeout", source: "client", timeoutMs: 9000 })
      expect(failureOf(exit)?.message).toBe("OpenRouter video generation timed out after 9000ms (job job-2 is still on the server: resume it with its id)")
      expect(yield* Clock.currentTimeMillis).toBe(9000)
    }))

  it.effect("the schedule's input is the poll's Progress: Schedule.whileInput stops on a status", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("1 second").pipe(Schedule.whileInput((p: VideoPoller.Progress) => p.status !== "running 2")))
      const { check, times } = scriptedCheck(5)
      const exit = yield* driven(poller.poll(check, options), "1 second", 10)
      expect(times).toEqual([0, 1000])
      expect(failureOf(exit)).toMatchObject({ _tag: "PollExhausted", attempts: 2, status: "running 2" })
    }))

  it.effect("progress: the callback sees each pending poll; the Stream emits them and then Done", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("1 second"))
      const seen: Array<VideoPoller.Progress> = []
      const first = scriptedCheck(2)
      yield* driven(poller.poll(first.check, { ...options, onProgress: (p) => Effect.sync(() => seen.push(p)) }), "1 second", 10)
      expect(seen).toEqual([
        { jobId: "job-1", status: "running 1", attempt: 1, elapsedMs: 0, nextPollMs: 1000 },
        { jobId: "job-1", status: "running 2", attempt: 2, elapsedMs: 1000, nextPollMs: 1000 }
      ])
      const second = scriptedCheck(2)
      const exit = yield* driven(Stream.runCollect(poller.stream(second.check, options)), "1 second", 10)
      expect(Exit.map(exit, (updates) => Chunk.toArray(updates).map((u) => [u._tag, u.progress.status, u.progress.attempt]))).toEqual(
        Exit.succeed([["Pending", "running 1", 1], ["Pending", "running 2", 2], ["Done", "completed", 3]])
      )
    }))

  it.effect("the Stream fails with the Timeout at the deadline", () =>
    Effect.gen(function*() {
      const poller = VideoPoller.make(Schedule.spaced("1 second"))
      const { check } = scriptedCheck(1_000)
      const exit = yield* driven(Stream.runDrain(poller.stream(check, { jobId: "job-3", timeoutMs: 2500 })), "500 millis", 20)
      expect(failureOf(exit)).toMatchObject({ _tag: "Timeout", timeoutMs: 2500 })
      expect(yield* Clock.currentTimeMillis).toBe(2500)
    }))
})

describe("serverDelay (properties)", () => {
  const pending = (headers: Record<string, string> | undefined, retryAfter?: number) =>
    VideoPoller.pending("running", { headers, retryAfter: retryAfter === undefined ? undefined : Duration.millis(retryAfter) }) as VideoPoller.Pending

  it.prop("retry-after-ms wins, capped at 60 s", [fc.nat({ max: 10_000_000 }), fc.nat({ max: 100_000 })], ([ms, seconds]) => {
    const delay = VideoPoller.serverDelay(pending({ "retry-after-ms": String(ms), "retry-after": String(seconds) }), 0)
    expect(delay).toEqual(Option.some(Duration.millis(Math.min(ms, 60_000))))
  })

  it.prop("Retry-After in seconds, capped at 60 s", [fc.nat({ max: 100_000 })], ([seconds]) => {
    const delay = VideoPoller.serverDelay(pending({ "Retry-After": String(seconds) }), 0)
    expect(delay.pipe(Option.map(Duration.toMillis))).toEqual(Option.some(Math.min(seconds * 1000, 60_000)))
  })

  it.prop("an HTTP date: the time until it from now, never negative, capped at 60 s", [fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: -100_000, max: 100_000 })], ([now, ahead]) => {
    const date = new Date(now + ahead * 1000)
    const delay = VideoPoller.serverDelay(pending({ "retry-after": date.toUTCString() }), now)
    const expected = Math.min(60_000, Math.max(0, Math.floor((now + ahead * 1000) / 1000) * 1000 - now))
    expect(delay.pipe(Option.map(Duration.toMillis))).toEqual(Option.some(expected))
  })

  it.prop("without a usable header: the step's own retryAfter (capped), else None: the schedule decides", [
    fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined }),
    fc.constantFrom(undefined, {}, { "retry-after": "" }, { "retry-after": "-5" }, { "retry-after": "soon" }, { "retry-after-ms": "x" })
  ], ([retryAfter, headers]) => {
    const delay = VideoPoller.serverDelay(pending(headers, retryAfter), 1_000)
    expect(delay).toEqual(retryAfter === undefined ? Option.none() : Option.some(Duration.millis(Math.min(retryAfter, 60_000))))
  })
})

// ---- Videos over a VideoPoller ----

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/** A scripted OpenRouter that completes job-1 at its 4th poll, recording each poll's TestClock time. */
const scriptedOpenRouter = () => {
  const polls: Array<number> = []
  const client = HttpClient.make((request, url) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const path = url.pathname
      if (path.endsWith("/videos/models")) return HttpClientResponse.fromWeb(request, json(200, { data: [] }))
      if (request.method === "POST") return HttpClientResponse.fromWeb(request, json(202, { id: "job-1", polling_url: "/api/v1/videos/job-1", status: "pending" }))
      if (path.endsWith("/videos/job-1")) {
        polls.push(now)
        return HttpClientResponse.fromWeb(request, json(200, polls.length < 4 ? { id: "job-1", status: "in_progress" } : { id: "job-1", status: "completed", unsigned_urls: [] }))
      }
      return HttpClientResponse.fromWeb(request, new Response(new Uint8Array([0, 0, 0, 24]), { status: 200, headers: { "content-type": "video/mp4" } }))
    }))
  const base = foundation({}, Layer.succeed(HttpClient.HttpClient, client))
  return { polls, base }
}

describe("Videos over a swapped VideoPoller", () => {
  it.effect("VideoPoller.layer(Schedule.spaced(7 s)) under Videos.layer: polls at 0, 7, 14, 21 s", () => {
    const script = scriptedOpenRouter()
    const videos = Videos.layer.pipe(Layer.provide(VideoPoller.layer(Schedule.spaced("7 seconds"))))
    return Effect.gen(function*() {
      const exit = yield* driven(Effect.flatMap(Videos.Videos, (v) => v.generate({ prompt: "x" })), "1 second", 60)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(script.polls).toEqual([0, 7000, 14_000, 21_000])
    }).pipe(Effect.provide(videos), Effect.provide(script.base))
  })

  it.effect("a VideoPoller of one's own (a fixed 1 s, no schedule at all) is what Videos polls with", () => {
    const script = scriptedOpenRouter()
    const everySecond: VideoPoller.Service = {
      ...VideoPoller.make(),
      // No schedule, no deadline: check, sleep 1 s, check again.
      poll: <A, E, R>(check: Effect.Effect<VideoPoller.Step<A>, E, R>) => {
        const loop: Effect.Effect<A, E, R> = Effect.flatMap(check, (step) =>
          step._tag === "Done" ? Effect.succeed(step.value) : Effect.zipRight(Effect.sleep("1 second"), loop))
        return loop
      }
    }
    const videos = Videos.layer.pipe(Layer.provide(Layer.succeed(VideoPoller.VideoPoller, everySecond)))
    return Effect.gen(function*() {
      const exit = yield* driven(Effect.flatMap(Videos.Videos, (v) => v.generate({ prompt: "x" })), "1 second", 10)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(script.polls).toEqual([0, 1000, 2000, 3000])
    }).pipe(Effect.provide(videos), Effect.provide(script.base))
  })
})

// ---- against the simulator: no nested retries ----

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 1, videoBytes: 1000 })
})
afterAll(() => sim.close())

describe("a poll against the simulator", () => {
  it.live("a poll answered 503 twice is retried on the poller's schedule only: 3 poll requests, 2 of them seen by the poller", () =>
    Effect.gen(function*() {
      sim.journal.clear()
      const videos = yield* Videos.Videos
      const job = yield* videos.submit({ prompt: "a cat", duration: 4 })
      sim.faults.add("GET /videos/:id", Faults.upstream(503), 2)
      const seen: Array<string> = []
      const completed = yield* videos.poll(job, { onProgress: (p) => Effect.sync(() => seen.push(p.status)) })
      expect(completed.status).toBe("completed")
      const polls = sim.journal.list({ method: "GET", path: `/videos/${job.id}` })
      expect(polls.map((entry) => entry.status)).toEqual([503, 503, 200])
      // Each 503 came back to the poller (the transport sent it once, with no retry of its own)…
      expect(seen).toEqual(["unreachable", "unreachable"])
      // …and the next poll waited for the poller's schedule (50 ms), not the transport's backoff.
      expect(polls[1]!.time - polls[0]!.time).toBeGreaterThanOrEqual(45)
      expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
    }).pipe(
      Effect.provide(Videos.layer.pipe(Layer.provide(VideoPoller.layer(Schedule.spaced("50 millis"))))),
      // The transport would retry a 503 five times, if a poll let it.
      Effect.provide(
        foundation({ models: { providers: { openrouter: { baseUrl: sim.baseUrl } } } }, NodeHttpClient.layerUndici, 5)
      )
    ), 20_000)
})
