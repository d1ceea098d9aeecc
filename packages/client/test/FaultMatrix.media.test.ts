// The fault matrix of the billable operations (image, speech, transcription, video submit) and of
// the video poll and download (issue 10, "Reliability"), against the simulator over a real socket.
//
// Every cell asserts: success or the exact typed error `_tag`, never a defect; retries exactly
// where the retry class allows them (attempts counted on the wire and in the simulator's
// journal); a billable request sent once, except for a refused connection (the server provably
// never saw it) and a 429; nothing left in flight. No unhandled rejection for the whole file.
//
// The one cell that needs a real clock too long for a test (the video submit's fixed 60 s
// per-request timeout) runs on the TestClock over a scripted HttpClient.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as SimVideos from "@openrouter-effect/simulator/media/Videos"
import * as Server from "@openrouter-effect/simulator/Server"
import type { Fault } from "@openrouter-effect/simulator/Types"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Option, Schedule, TestClock } from "effect"
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import * as Images from "../src/Images.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Speech from "../src/Speech.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-fault-matrix-00000000000000000000000wxyz"
const VIDEO_BYTES = 400_000
// Polls of the live cells: fast, so a 150 ms job completes in a few of them.
const FAST_POLL = Schedule.spaced("25 millis")

// ---- the whole file: no unhandled rejection ----

const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason)
}
process.on("unhandledRejection", onUnhandled)

let sim: Server.Running
/** A loopback port nothing listens on. */
let closedPort: number

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

beforeAll(async () => {
  // polling_url on the logical origin (reached through connectTo); unsigned_urls on the CDN origin.
  sim = await Server.start({
    apiKeys: [KEY],
    publicBaseUrl: "https://openrouter.ai/api/v1",
    cdn: true,
    videoProcessingMs: 150,
    videoBytes: VIDEO_BYTES
  })
  closedPort = await freePort()
})

afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

afterAll(async () => {
  await sim.close()
  process.off("unhandledRejection", onUnhandled)
  expect(unhandled).toEqual([])
})

// ---- a client per cell, with its wire requests counted ----

// The simulator's CDN is plain http on another loopback port: allowed by name (mediaHosts), as a
// media URL there would be refused otherwise (issue 17, SSRF).
const makeClient = (connectTo = `127.0.0.1:${sim.port}`, maxRetries?: number, mediaHosts: ReadonlyArray<string> = sim.mediaHosts) => {
  const wire: Array<{ readonly method: string; readonly host: string; readonly path: string }> = []
  const transport = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      client.pipe(HttpClient.tapRequest((request) =>
        Effect.sync(() => {
          const url = new URL(request.url)
          wire.push({ method: request.method, host: url.hostname, path: url.pathname })
        })
      )))
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const layer = OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, connectTo, mediaHosts, ...(maxRetries !== undefined ? { maxRetries } : {}) }).pipe(
    Layer.provideMerge(Layer.mergeAll(transport, NodeFileSystem.layer))
  )
  const sent = (method: string, path: string) => wire.filter((w) => w.method === method && w.path === `/api/v1${path}`).length
  return { wire, layer, sent }
}

/** `success`, or the failure's `_tag`; a defect or a bare interruption fails the test. */
const outcomeOf = <A, E>(exit: Exit.Exit<A, E>): string => {
  if (Exit.isSuccess(exit)) return "success"
  expect(Cause.isDie(exit.cause)).toBe(false)
  expect(Cause.isInterruptedOnly(exit.cause)).toBe(false)
  return Option.match(Cause.failureOption(exit.cause), {
    onNone: () => `no failure: ${Cause.pretty(exit.cause)}`,
    onSome: (error) => (error as { readonly _tag: string })._tag
  })
}

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The end of every cell: the simulator has finished every response (the client read it or went
 * away) and every handler has answered (a late one after a client timeout included).
 */
const settled = Effect.promise(async () => {
  const done = () => sim.journal.inFlight === 0 && sim.journal.list().every((entry) => entry.status !== undefined)
  for (let i = 0; i < 500 && !done(); i++) await sleep(10)
  expect(sim.journal.inFlight).toBe(0)
  expect(done()).toBe(true)
})

const posts = (path: string) => sim.journal.list({ method: "POST", path })

const outputPath = () => join(mkdtempSync(join(tmpdir(), "ore-fault-matrix-")), "video.mp4")

/** The files of the output's directory: no `.partial` may be left, nor a file under the final name on failure. */
const filesBeside = (output: string) => readdirSync(dirname(output))

// ---- the billable operations ----

interface Billable {
  readonly name: string
  /** The fault route. */
  readonly route: string
  /** The journal path. */
  readonly path: string
  readonly run: (timeoutMs?: number) => Effect.Effect<unknown, unknown, OpenRouter.Services>
}

const withTimeout = (timeoutMs: number | undefined) => (timeoutMs !== undefined ? { timeoutMs } : {})

const image: Billable = {
  name: "image",
  route: "POST /chat/completions",
  path: "/chat/completions",
  run: (timeoutMs) => Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "a red square", ...withTimeout(timeoutMs) }))
}
const speech: Billable = {
  name: "speech",
  route: "POST /audio/speech",
  path: "/audio/speech",
  run: (timeoutMs) => Effect.flatMap(Speech.Speech, (s) => s.synthesize({ text: "Hello from the fault matrix", ...withTimeout(timeoutMs) }))
}
const transcription: Billable = {
  name: "transcription",
  route: "POST /audio/transcriptions",
  path: "/audio/transcriptions",
  run: (timeoutMs) =>
    Effect.flatMap(Speech.Speech, (s) => s.transcribe({ audio: new Uint8Array(64).fill(7), fileName: "clip.wav", ...withTimeout(timeoutMs) }))
}
const videoSubmit: Billable = {
  name: "video submit",
  route: "POST /videos",
  path: "/videos",
  // The submit's per-request timeout is fixed (60 s); its timeout cell runs on the TestClock below.
  run: () => Effect.flatMap(Videos.Videos, (videos) => videos.submit({ prompt: "a cat on a skateboard", duration: 4 }))
}
const billable = [image, speech, transcription, videoSubmit]

const jobCount = () => SimVideos.jobs(sim.context).size

/** Runs one billable cell: the fault, the call, the outcome and the POSTs the server received. */
const cell = (op: Billable, fault: Fault | undefined, times = 1, timeoutMs?: number, maxRetries?: number) =>
  Effect.gen(function*() {
    const client = makeClient(undefined, maxRetries)
    if (fault !== undefined) sim.faults.add(op.route, fault, times)
    const jobsBefore = jobCount()
    const exit = yield* Effect.exit(op.run(timeoutMs).pipe(Effect.provide(client.layer)))
    yield* settled
    expect(client.wire.every((w) => w.host === "127.0.0.1")).toBe(true)
    return {
      outcome: outcomeOf(exit),
      error: failureOf(exit),
      received: posts(op.path),
      wirePosts: client.sent("POST", op.path),
      jobsCreated: jobCount() - jobsBefore
    }
  })

describe("billable: connection refused (a closed loopback port)", () => {
  it.live("each operation is tried 1 + 2 times (the server provably never saw it) and fails TransportError(connect)", () =>
    Effect.gen(function*() {
      // Concurrently: each cell has its own client and counters, and none reaches the simulator.
      const results = yield* Effect.forEach(billable, (op) =>
        Effect.gen(function*() {
          const client = makeClient(`127.0.0.1:${closedPort}`)
          const exit = yield* Effect.exit(op.run().pipe(Effect.provide(client.layer)))
          return { op: op.name, outcome: outcomeOf(exit), error: failureOf(exit), attempts: client.sent("POST", op.path) }
        }), { concurrency: "unbounded" })
      for (const result of results) {
        expect({ op: result.op, outcome: result.outcome, attempts: result.attempts }).toEqual({ op: result.op, outcome: "TransportError", attempts: 3 })
        expect(result.error).toMatchObject({ phase: "connect", code: "ECONNREFUSED" })
      }
      expect(sim.journal.list()).toEqual([])
      yield* settled
    }))
})

describe.each(billable.map((op) => [op.name, op] as const))("billable: %s", (_name, op) => {
  it.live("429 with Retry-After: retried once, then succeeds (two POSTs, one job at most)", () =>
    Effect.gen(function*() {
      const result = yield* cell(op, Faults.rateLimited({ retryAfter: 0.02 }))
      expect(result.outcome).toBe("success")
      expect(result.received.map((entry) => entry.status)).toEqual([429, op === videoSubmit ? 202 : 200])
      expect(result.wirePosts).toBe(2)
      if (op === videoSubmit) expect(result.jobsCreated).toBe(1)
    }))

  it.live("429 every time: 1 + 2 attempts, then RateLimited", () =>
    Effect.gen(function*() {
      const result = yield* cell(op, Faults.rateLimited({ retryAfter: 0.02 }), 3)
      expect(result.outcome).toBe("RateLimited")
      expect(result.error).toMatchObject({ status: 429, retryable: true })
      expect(result.received.map((entry) => entry.status)).toEqual([429, 429, 429])
      expect(result.wirePosts).toBe(3)
      expect(result.jobsCreated).toBe(0)
    }))

  it.live("429 with maxRetries 0 in the layer options: one POST, RateLimited (speech's own HTTP service included)", () =>
    Effect.gen(function*() {
      const result = yield* cell(op, Faults.rateLimited({ retryAfter: 0.02 }), 2, undefined, 0)
      expect(result.outcome).toBe("RateLimited")
      expect(result.wirePosts).toBe(1)
      sim.faults.clear()
    }))

  it.live("500 after acceptance: sent once, Upstream", () =>
    Effect.gen(function*() {
      const result = yield* cell(op, Faults.failAfterAccept(500))
      expect(result.outcome).toBe("Upstream")
      expect(result.error).toMatchObject({ status: 500 })
      expect(result.received).toHaveLength(1)
      expect(result.received[0]).toMatchObject({ status: 500, faults: ["fail-after-accept"] })
      expect(result.wirePosts).toBe(1)
      // The server did the work: a video job exists that the client never learned about.
      if (op === videoSubmit) expect(result.jobsCreated).toBe(1)
    }))

  it.live("503 inviting a retry (retry-after-ms): still sent once, Upstream", () =>
    Effect.gen(function*() {
      const result = yield* cell(op, { kind: "status", status: 503, headers: { "retry-after-ms": "10" } })
      expect(result.outcome).toBe("Upstream")
      expect(result.received).toHaveLength(1)
      expect(result.wirePosts).toBe(1)
    }))

  if (op !== videoSubmit) {
    it.live("latency beyond the configured timeout: Timeout(client), sent once, never resent", () =>
      Effect.gen(function*() {
        const result = yield* cell(op, { kind: "latency", ms: 700 }, 1, 150)
        expect(result.outcome).toBe("Timeout")
        expect(result.error).toMatchObject({ source: "client", timeoutMs: 150 })
        expect(result.received).toHaveLength(1)
        // The client went away before the late answer.
        expect(result.received[0]?.clientDisconnected).toBe(true)
        expect(result.wirePosts).toBe(1)
      }))
  }

  // A JSON answer broken three ways; speech answers audio, so only the cut applies to it.
  const broken: ReadonlyArray<readonly [string, Fault, string]> = op === speech
    ? [["cut after 16 bytes", { kind: "cut-body", afterBytes: 16 }, "TransportError"]]
    : [
      ["invalid JSON", { kind: "invalid-json" }, "MalformedResponse"],
      ["truncated JSON", { kind: "truncate-json" }, "MalformedResponse"],
      // Images read the body as text (a broken read is a transport failure); transcription and
      // the video submit report any unreadable answer as malformed.
      ["cut after 16 bytes", { kind: "cut-body", afterBytes: 16 }, op === image ? "TransportError" : "MalformedResponse"]
    ]
  for (const [label, fault, tag] of broken) {
    it.live(`malformed body (${label}): ${tag}, sent once`, () =>
      Effect.gen(function*() {
        const result = yield* cell(op, fault)
        expect(result.outcome).toBe(tag)
        if (tag === "TransportError") expect(result.error).toMatchObject({ phase: "response" })
        expect(result.received).toHaveLength(1)
        expect(result.wirePosts).toBe(1)
      }))
  }

  for (const contentType of ["text/html", "application/json"] as const) {
    it.live(`a 2xx of the wrong kind (${contentType} page instead of the answer): MalformedResponse, sent once`, () =>
      Effect.gen(function*() {
        const result = yield* cell(op, { kind: "content-type", contentType })
        expect(result.outcome).toBe("MalformedResponse")
        expect(result.received).toHaveLength(1)
        expect(result.wirePosts).toBe(1)
      }))
  }
})

describe("billable: speech streamed to a file", () => {
  const toFile = (fault: Fault) =>
    Effect.gen(function*() {
      const client = makeClient()
      const output = join(mkdtempSync(join(tmpdir(), "ore-fault-matrix-")), "hello.mp3")
      sim.faults.add(speech.route, fault)
      const exit = yield* Effect.exit(
        Effect.flatMap(Speech.Speech, (s) => s.synthesizeToFile({ text: "Hello from the fault matrix" }, output)).pipe(Effect.provide(client.layer))
      )
      yield* settled
      expect(posts(speech.path)).toHaveLength(1)
      expect(client.sent("POST", speech.path)).toBe(1)
      return { exit, output }
    })

  it.live("the audio breaks mid-stream: TransportError(response), sent once, no file under the final name nor a partial one", () =>
    Effect.gen(function*() {
      const { exit, output } = yield* toFile({ kind: "cut-body", afterBytes: 16 })
      expect(outcomeOf(exit)).toBe("TransportError")
      expect(failureOf(exit)).toMatchObject({ phase: "response" })
      expect(filesBeside(output)).toEqual([])
    }))

  it.live("a JSON page instead of audio: MalformedResponse before a byte is written, sent once", () =>
    Effect.gen(function*() {
      const { exit, output } = yield* toFile({ kind: "content-type", contentType: "application/json" })
      expect(outcomeOf(exit)).toBe("MalformedResponse")
      expect(filesBeside(output)).toEqual([])
    }))
})

describe("billable: video submit timeout (TestClock, scripted transport)", () => {
  it.effect("a submit that never answers fails Timeout(client) after 60 s; sent once, never resent", () => {
    const seen: Array<string> = []
    const client = HttpClient.make((request, url) => {
      seen.push(`${request.method} ${url.pathname}`)
      if (request.method === "GET") {
        return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(JSON.stringify({ data: [] }), { headers: { "content-type": "application/json" } })))
      }
      return Effect.never
    })
    const layer = OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY } }).pipe(
      Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
    )
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const fiber = yield* Effect.fork(Effect.exit(videos.submit({ prompt: "x", duration: 4 })))
      for (let i = 0; i < 1000 && !seen.includes("POST /api/v1/videos"); i++) yield* Effect.yieldNow()
      for (let i = 0; i < 1000 && (yield* TestClock.sleeps()).length === 0; i++) yield* Effect.yieldNow()
      yield* TestClock.adjust(Duration.seconds(59))
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.minutes(10))
      const exit = yield* Fiber.join(fiber)
      expect(outcomeOf(exit)).toBe("Timeout")
      expect(failureOf(exit)).toMatchObject({ source: "client", timeoutMs: 60_000 })
      expect(seen.filter((s) => s === "POST /api/v1/videos")).toHaveLength(1)
      expect(yield* videos.jobs).toEqual([])
    }).pipe(Effect.provide(layer))
  })
})

// ---- video poll and download ----

/** A video cell: a fresh client, its Videos service, and the journal counts of a job. */
const videoCell = <A>(body: (videos: Videos.Service, client: ReturnType<typeof makeClient>) => Effect.Effect<A, never, OpenRouter.Services>) =>
  Effect.gen(function*() {
    const client = makeClient()
    const result = yield* Effect.flatMap(Videos.Videos, (videos) => body(videos, client)).pipe(Effect.provide(client.layer))
    yield* settled
    expect(client.wire.every((w) => w.host === "127.0.0.1")).toBe(true)
    expect(posts("/videos")).toHaveLength(1)
    expect(client.sent("POST", "/videos")).toBe(1)
    return result
  })

const pollsOf = (id: string) => sim.journal.list({ method: "GET", path: `/videos/${id}` })
const cdnGets = () => sim.journal.list({ method: "GET", path: "/cdn/*" })
const contentGets = (id: string) => sim.journal.list({ method: "GET", path: `/videos/${id}/content` })

/** Submits for real (no fault), so the faults scheduled next meet the poll or the download. */
const submitted = (videos: Videos.Service, output?: string) =>
  videos.submit({ prompt: "a cat on a skateboard", duration: 4, ...(output !== undefined ? { output } : {}) }).pipe(Effect.orDie)

describe("video poll", () => {
  it.live("poll 5xx (idempotent-get): retried inside the call and across the schedule, then completes; one submit", () =>
    videoCell((videos) =>
      Effect.gen(function*() {
        const job = yield* submitted(videos)
        // Four 502s: the request's own 1 + 2 attempts, then the poller's next step.
        sim.faults.add("GET /videos/:id", { kind: "status", status: 502, headers: { "retry-after-ms": "10" } }, 4)
        const exit = yield* Effect.exit(videos.poll(job, { schedule: FAST_POLL }))
        expect(outcomeOf(exit)).toBe("success")
        if (Exit.isSuccess(exit)) expect(exit.value.status).toBe("completed")
        const statuses = pollsOf(job.id).map((entry) => entry.status)
        expect(statuses.slice(0, 4)).toEqual([502, 502, 502, 502])
        expect(statuses.slice(4).every((status) => status === 200)).toBe(true)
        expect(statuses.length).toBeGreaterThan(4)
      })))

  it.live("an undocumented status in a poll answer: MalformedResponse at once, not polled again", () =>
    videoCell((videos) =>
      Effect.gen(function*() {
        const job = yield* submitted(videos)
        sim.faults.add("GET /videos/:id", { kind: "video-status", status: "melted" })
        const exit = yield* Effect.exit(videos.poll(job, { schedule: FAST_POLL }))
        expect(outcomeOf(exit)).toBe("MalformedResponse")
        expect(pollsOf(job.id)).toHaveLength(1)
        // The job is still known, for a resume.
        expect((yield* videos.jobs.pipe(Effect.orDie)).map((j) => [j.id, j.status])).toEqual([[job.id, "submitted"]])
      })))

  for (const outcome of ["failed", "cancelled", "expired"] as const) {
    it.live(`a job that ends ${outcome}: VideoJobFailed with the server's message, no download`, () =>
      videoCell((videos) =>
        Effect.gen(function*() {
          sim.faults.add("POST /videos", { kind: "video-outcome", outcome })
          const output = outputPath()
          const exit = yield* Effect.exit(videos.generate({ prompt: "a cat on a skateboard", duration: 4, schedule: FAST_POLL, output }))
          expect(outcomeOf(exit)).toBe("VideoJobFailed")
          const [job] = yield* videos.jobs.pipe(Effect.orDie)
          expect(failureOf(exit)).toMatchObject({ jobId: job?.id, status: outcome, message: SimVideos.OUTCOME_ERRORS[outcome] })
          expect(job?.status).toBe("failed")
          expect(cdnGets()).toHaveLength(0)
          expect(contentGets(job?.id ?? "")).toHaveLength(0)
          expect(filesBeside(output)).toEqual([])
        })))
  }

  it.live("the poll deadline passes during a slow poll: Timeout(client) naming the job, which resumes to completion", () =>
    videoCell((videos) =>
      Effect.gen(function*() {
        const job = yield* submitted(videos)
        sim.faults.add("GET /videos/:id", { kind: "latency", ms: 600 })
        const exit = yield* Effect.exit(videos.poll(job, { schedule: FAST_POLL, timeoutMs: 100 }))
        expect(outcomeOf(exit)).toBe("Timeout")
        const error = failureOf(exit)
        expect(error).toMatchObject({ source: "client", timeoutMs: 100 })
        expect(error?.message).toContain(job.id)
        expect((yield* videos.jobs.pipe(Effect.orDie)).map((j) => [j.id, j.status])).toEqual([[job.id, "submitted"]])
        // The slow poll was abandoned, not left hanging.
        yield* settled
        expect(pollsOf(job.id)[0]?.clientDisconnected).toBe(true)
        const resumed = yield* Effect.exit(videos.resume(job.id, { schedule: FAST_POLL, timeoutMs: 30_000 }))
        expect(outcomeOf(resumed)).toBe("success")
        if (Exit.isSuccess(resumed)) expect(resumed.value).toMatchObject({ size: VIDEO_BYTES, mimeType: "video/mp4" })
        expect((yield* videos.jobs.pipe(Effect.orDie)).map((j) => j.status)).toEqual(["downloaded"])
      })))
})

describe("video download", () => {
  /** Submit and poll for real; the download is the cell. */
  const completedJob = (videos: Videos.Service, output: string) =>
    Effect.gen(function*() {
      const job = yield* submitted(videos, output)
      const payload = yield* videos.poll(job, { schedule: FAST_POLL }).pipe(Effect.orDie)
      return { job, payload }
    })

  it.live("the unsigned URL answers 403 (CDN): one fallback to the content endpoint, a complete file", () =>
    videoCell((videos) =>
      Effect.gen(function*() {
        const output = outputPath()
        const { job, payload } = yield* completedJob(videos, output)
        sim.faults.add("GET /cdn/*", { kind: "status", status: 403 })
        const exit = yield* Effect.exit(videos.download(job, payload))
        expect(outcomeOf(exit)).toBe("success")
        expect(cdnGets().map((entry) => entry.status)).toEqual([403])
        expect(contentGets(job.id).map((entry) => entry.status)).toEqual([200])
        expect(statSync(output).size).toBe(VIDEO_BYTES)
        expect(filesBeside(output)).toEqual(["video.mp4"])
      })))

  it.live("the CDN and the content endpoint both refuse (403): Forbidden, no file", () =>
    videoCell((videos) =>
      Effect.gen(function*() {
        const output = outputPath()
        const { job, payload } = yield* completedJob(videos, output)
        sim.faults.add("GET /cdn/*", { kind: "status", status: 403 })
        sim.faults.add("GET /videos/:id/content", { kind: "status", status: 403 })
        const exit = yield* Effect.exit(videos.download(job, payload))
        expect(outcomeOf(exit)).toBe("Forbidden")
        expect(cdnGets()).toHaveLength(1)
        expect(contentGets(job.id)).toHaveLength(1)
        expect(filesBeside(output)).toEqual([])
      })))

  for (const contentType of ["application/json", "text/html"] as const) {
    it.live(`the download answers ${contentType}: MalformedResponse, fetched once, no file`, () =>
      videoCell((videos) =>
        Effect.gen(function*() {
          const output = outputPath()
          const { job, payload } = yield* completedJob(videos, output)
          sim.faults.add("GET /cdn/*", { kind: "content-type", contentType })
          const exit = yield* Effect.exit(videos.download(job, payload))
          expect(outcomeOf(exit)).toBe("MalformedResponse")
          expect(failureOf(exit)?.message).toContain(contentType)
          expect(cdnGets()).toHaveLength(1)
          expect(contentGets(job.id)).toHaveLength(0)
          expect(filesBeside(output)).toEqual([])
        })))
  }

  // A cut after 1 000 bytes breaks the body before the client reads it (the transport then ends
  // the stream quietly, empty); after 150 000 bytes it breaks while the client reads.
  for (const afterBytes of [1_000, 150_000]) {
    it.live(`the connection resets after ${afterBytes} bytes of the download: TransportError(response), no partial file; a second download completes`, () =>
      videoCell((videos) =>
        Effect.gen(function*() {
          const output = outputPath()
          const { job, payload } = yield* completedJob(videos, output)
          sim.faults.add("GET /cdn/*", { kind: "cut-body", afterBytes })
          const exit = yield* Effect.exit(videos.download(job, payload))
          expect(outcomeOf(exit)).toBe("TransportError")
          expect(failureOf(exit)).toMatchObject({ phase: "response" })
          expect(existsSync(output)).toBe(false)
          expect(filesBeside(output)).toEqual([])
          yield* settled
          expect(cdnGets().map((entry) => entry.clientDisconnected)).toEqual([true])
          // The job is still downloadable: nothing was submitted again.
          const again = yield* Effect.exit(videos.download(job, payload))
          expect(outcomeOf(again)).toBe("success")
          expect(statSync(output).size).toBe(VIDEO_BYTES)
          expect(filesBeside(output)).toEqual(["video.mp4"])
          expect(cdnGets()).toHaveLength(2)
        })))

    it.live(`the connection resets after ${afterBytes} bytes of a download into memory: TransportError(response), nothing returned`, () =>
      videoCell((videos) =>
        Effect.gen(function*() {
          const job = yield* submitted(videos)
          const payload = yield* videos.poll(job, { schedule: FAST_POLL }).pipe(Effect.orDie)
          sim.faults.add("GET /cdn/*", { kind: "cut-body", afterBytes })
          const exit = yield* Effect.exit(videos.download(job, payload))
          expect(outcomeOf(exit)).toBe("TransportError")
          expect(failureOf(exit)).toMatchObject({ phase: "response" })
          expect((yield* videos.jobs.pipe(Effect.orDie)).map((j) => j.status)).toEqual(["submitted"])
        })))
  }
})
