// The workflow's logic on WorkflowEngine.layerMemory: the VideoPoller's schedule and the durable
// deadline on the TestClock, Retry-After, replays after a restart (the schedule's position kept),
// and the money-safety rule against the simulator's journal: no second POST after a recorded
// answer, SubmitOutcomeUnknown (and no POST) when a replay finds a submit in flight.
import { describe, expect, it } from "@effect/vitest"
import { Faults } from "@openrouter-effect/simulator"
import * as Server from "@openrouter-effect/simulator/Server"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { SubmitLedger, VideoWorkflow } from "@openrouter-effect/workflow"
import { Duration, Effect, Exit, Fiber, Layer, Logger, LogLevel, Option, Schedule, Scope, TestClock } from "effect"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join } from "node:path"
import { client, memoryEngine, outputDir, pollTimes, posts, scripted, VIDEO } from "./helpers.js"

const W = VideoWorkflow.VideoWorkflow

// One turn of the real event loop: a response body or a file the workflow awaits is real I/O,
// which fibers yielding to each other never let finish.
const eventLoopTurn = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Runs the workflow on the TestClock, one second at a time, and answers its exit. The clock moves
 * only once the workflow is waiting on it (a sleep registered) or done, after its pending I/O had
 * turns of the event loop: on a busy machine, moving it while a poll's body is still being read
 * would put the next poll at the wrong time.
 */
const runFor = (request: VideoWorkflow.VideoJobRequest, seconds: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(W.execute(request)))
    for (let i = 0; i < seconds; i++) {
      for (let turn = 0; turn < 20; turn++) yield* eventLoopTurn
      for (let turn = 0; turn < 10_000; turn++) {
        if ((yield* TestClock.sleeps()).length > 0 || Option.isSome(yield* Fiber.poll(fiber))) break
        yield* eventLoopTurn
      }
      yield* TestClock.adjust(Duration.seconds(1))
    }
    return yield* Fiber.join(fiber)
  })

const request = (key: string, dir: string, options?: VideoWorkflow.VideoOptions): VideoWorkflow.VideoJobRequest => ({
  key,
  prompt: "a lighthouse at dusk",
  output: { _tag: "Directory", path: dir },
  ...(options !== undefined ? { options } : {})
})

describe("the poll on the TestClock", () => {
  it.effect("the VideoPoller's default schedule: polls at 0, 2, 5, 9.5 s, then one download into the directory", () => {
    const script = scripted(3)
    const dir = outputDir("schedule")
    return Effect.gen(function*() {
      const exit = yield* runFor(request("schedule", dir), 20)
      expect(Exit.isSuccess(exit)).toBe(true)
      const executionId = yield* W.executionId(request("schedule", dir))
      if (Exit.isSuccess(exit)) {
        expect(exit.value).toMatchObject({ executionId, jobId: "job-1", generationId: "gen-1", cost: 0.4 })
        expect(exit.value.outputs).toEqual([{ path: join(dir, `video-${executionId}.mp4`), size: VIDEO.length, mimeType: "video/mp4" }])
        expect(new Uint8Array(readFileSync(exit.value.outputs[0]!.path))).toEqual(VIDEO)
      }
      expect(pollTimes(script.seen)).toEqual([0, 2000, 5000, 9500])
      expect(posts(script.seen)).toBe(1)
      // The .partial was put in place: only the video is left.
      expect(readdirSync(dir)).toEqual([`video-${executionId}.mp4`])
    }).pipe(Effect.provide(memoryEngine(client({ http: script.http }), SubmitLedger.layerMemory)))
  })

  it.effect("the deadline is the submit's time plus timeoutMs: the last wait ends on it, one last poll, then PollDeadline", () => {
    const script = scripted(1_000)
    return Effect.gen(function*() {
      const exit = yield* runFor(request("deadline", outputDir("deadline"), { timeoutMs: 35_000 }), 45)
      expect(pollTimes(script.seen)).toEqual([0, 10_000, 20_000, 30_000, 35_000])
      expect(exit).toMatchObject({ _tag: "Failure" })
      const error = Exit.isFailure(exit) ? exit.cause : undefined
      expect(JSON.stringify(error)).toContain("PollDeadline")
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
        expect(exit.cause.error).toMatchObject({ _tag: "PollDeadline", jobId: "job-1", timeoutMs: 35_000, attempts: 5, status: "in_progress" })
      }
      expect(posts(script.seen)).toBe(1)
    }).pipe(Effect.provide(memoryEngine(client({ http: script.http, schedule: Schedule.spaced("10 seconds") }), SubmitLedger.layerMemory)))
  })

  it.effect("a Retry-After replaces the schedule's next step (the schedule does not advance)", () => {
    const script = scripted(3, (seen, poll) =>
      seen.method === "GET" && seen.url.endsWith("/videos/job-1") && poll === 1
        ? new Response(JSON.stringify({ id: "job-1", status: "in_progress" }), { status: 200, headers: { "content-type": "application/json", "retry-after": "7" } })
        : undefined)
    return Effect.gen(function*() {
      const exit = yield* runFor(request("retry-after", outputDir("retry-after")), 20)
      expect(Exit.isSuccess(exit)).toBe(true)
      // 7 s asked by the server, then the schedule's first step (2 s), then its second (3 s).
      expect(pollTimes(script.seen)).toEqual([0, 7000, 9000, 12_000])
    }).pipe(Effect.provide(memoryEngine(client({ http: script.http }), SubmitLedger.layerMemory)))
  })

  it.effect("durable waits (the engine's clock): the workflow suspends and replays at each wake-up, and the schedule keeps its position", () => {
    const script = scripted(3)
    return Effect.gen(function*() {
      const exit = yield* runFor(request("durable-clock", outputDir("durable-clock")), 20)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(pollTimes(script.seen)).toEqual([0, 2000, 5000, 9500])
      expect(posts(script.seen)).toBe(1)
    }).pipe(Effect.provide(memoryEngine(client({ http: script.http }), SubmitLedger.layerMemory, { inMemoryThreshold: 0 })))
  })
})

// ---------------------------------------------------------------------------------------------
// Money safety against the simulator (live clock: real HTTP)
// ---------------------------------------------------------------------------------------------

const withSimulator = <A, E, R>(
  options: Parameters<typeof Server.start>[0],
  body: (sim: Server.Running) => Effect.Effect<A, E, R>
) =>
  Effect.acquireUseRelease(
    Effect.promise(() => Server.start({ apiKeys: ["sk-or-v1-workflow-test-000000000000000000000000"], ...options })),
    body,
    (sim) => Effect.promise(() => sim.close())
  ).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)) // the steps' Info lines

const simClient = (sim: Server.Running) =>
  client({ http: NodeHttpClient.layerUndici, baseUrl: sim.baseUrl, mediaHosts: sim.mediaHosts, schedule: Schedule.spaced("100 millis") })

/** Builds an engine in its own scope: closing the scope is the process going away. */
const startEngine = (layer: Layer.Layer<any, never, never>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(layer, scope)
    return { context, close: Scope.close(scope, Exit.void) }
  })

const until = (what: string, condition: () => Effect.Effect<boolean, any>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* condition()) return
      yield* Effect.sleep("10 millis")
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

describe("money safety (the simulator's journal)", () => {
  it.live("a submit that answered is never sent again: a new engine replays from the ledger, polls and downloads the same job", () =>
    withSimulator({ videoProcessingMs: 1500, videoBytes: 40_000 }, (sim) =>
      Effect.gen(function*() {
        const ledger = yield* SubmitLedger.makeMemory
        const ledgerLayer = Layer.succeed(SubmitLedger.SubmitLedger, ledger)
        const dir = outputDir("answered")
        const job = request("answered", dir)
        const executionId = yield* W.executionId(job)

        const first = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
        yield* Effect.fork(W.execute(job).pipe(Effect.provide(first.context)))
        yield* until("the recorded answer", () => Effect.map(ledger.get(executionId), (entry) => entry?._tag === "Answered"))
        yield* first.close // the process goes away mid-poll

        const second = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
        const outcome = yield* W.execute(job).pipe(Effect.provide(second.context))
        yield* second.close
        expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
        const answered = yield* ledger.get(executionId)
        expect(outcome.jobId).toBe(answered?._tag === "Answered" ? answered.job.id : "none")
        expect(statSync(outcome.outputs[0]!.path).size).toBe(40_000)
        expect(outcome.outputs[0]!.size).toBe(40_000)
      })))

  it.live("a submit answered 502 after the job was accepted: SubmitOutcomeUnknown, and a replay sends nothing and says so again", () =>
    withSimulator({ videoProcessingMs: 60_000 }, (sim) =>
      Effect.gen(function*() {
        sim.faults.add("POST /videos", Faults.failAfterAccept(502), 1)
        const ledger = yield* SubmitLedger.makeMemory
        const ledgerLayer = Layer.succeed(SubmitLedger.SubmitLedger, ledger)
        const job = request("unknown", outputDir("unknown"))
        const executionId = yield* W.executionId(job)

        const first = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
        const failed = yield* Effect.flip(W.execute(job).pipe(Effect.provide(first.context)))
        yield* first.close
        expect(failed).toMatchObject({ _tag: "SubmitOutcomeUnknown", executionId })
        expect(failed._tag === "SubmitOutcomeUnknown" ? failed.cause : "").toContain("Upstream")

        const second = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
        const again = yield* Effect.flip(W.execute(job).pipe(Effect.provide(second.context)))
        yield* second.close
        expect(again).toMatchObject({ _tag: "SubmitOutcomeUnknown", executionId, model: "google/veo-3.1-fast" })
        expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
      })))

  it.live("a replay that finds a submit in flight (its process died mid-POST) fails with SubmitOutcomeUnknown and does not POST", () =>
    withSimulator({}, (sim) =>
      Effect.gen(function*() {
        const ledger = yield* SubmitLedger.makeMemory
        const job = request("in-flight", outputDir("in-flight"))
        const executionId = yield* W.executionId(job)
        // What a process killed during its POST leaves: the claim, no answer.
        const startedAt = Date.now() - 5_000
        expect(yield* ledger.begin({ executionId, token: "dead-process", model: "google/veo-3.1-fast", startedAt })).toEqual({ _tag: "Claimed" })

        const engine = yield* startEngine(memoryEngine(simClient(sim), Layer.succeed(SubmitLedger.SubmitLedger, ledger)))
        const failed = yield* Effect.flip(W.execute(job).pipe(Effect.provide(engine.context)))
        yield* engine.close
        expect(failed).toMatchObject({ _tag: "SubmitOutcomeUnknown", executionId, startedAt, model: "google/veo-3.1-fast" })
        expect(failed.message).toContain("not sent again")
        expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(0)
      })))

  it.live("a refused submit (402) is recorded as refused: nothing billed, a replay refuses again without sending", () =>
    withSimulator({}, (sim) =>
      Effect.gen(function*() {
        sim.faults.add("POST /videos", Faults.insufficientCredits(), 1)
        const ledger = yield* SubmitLedger.makeMemory
        const ledgerLayer = Layer.succeed(SubmitLedger.SubmitLedger, ledger)
        const job = request("refused", outputDir("refused"))
        for (let i = 0; i < 2; i++) {
          const engine = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
          const failed = yield* Effect.flip(W.execute(job).pipe(Effect.provide(engine.context)))
          yield* engine.close
          expect(failed).toMatchObject({ _tag: "SubmitRefused", reason: "InsufficientCredits" })
        }
        expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
      })))

  it.live("a download retry that finds the execution's finished file keeps it and downloads nothing", () =>
    withSimulator({ videoProcessingMs: 200, videoBytes: 5_000 }, (sim) =>
      Effect.gen(function*() {
        const ledger = yield* SubmitLedger.makeMemory
        const ledgerLayer = Layer.succeed(SubmitLedger.SubmitLedger, ledger)
        const dir = outputDir("kept")
        const job = request("kept", dir)
        const first = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
        const outcome = yield* W.execute(job).pipe(Effect.provide(first.context))
        yield* first.close
        const before = statSync(outcome.outputs[0]!.path)
        const downloads = () => sim.journal.list().filter((entry) => entry.path.includes("/content") || entry.path.startsWith("/cdn")).length
        const downloaded = downloads()
        expect(downloaded).toBe(1)

        // A new engine forgets every step; the submit answers from the ledger, one poll, and the
        // download finds its own file.
        const second = yield* startEngine(memoryEngine(simClient(sim), ledgerLayer))
        const again = yield* W.execute(job).pipe(Effect.provide(second.context))
        yield* second.close
        expect(again.outputs).toEqual(outcome.outputs)
        expect(downloads()).toBe(downloaded)
        expect(statSync(outcome.outputs[0]!.path).mtimeMs).toBe(before.mtimeMs)
        expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
        expect(existsSync(dir)).toBe(true)
      })))
})
