/**
 * A video job as a durable workflow: submit (billable, at most once), poll on the `VideoPoller`'s
 * schedule with durable waits and a durable deadline, download into the output target.
 *
 * Any engine runs it: `WorkflowEngine.layerMemory` (tests), or `@effect/cluster`'s
 * `ClusterWorkflowEngine` on SQLite or PostgreSQL (see `Engine`). The engine records each step's
 * result; after a crash the workflow replays: recorded steps answer from the record, the rest run.
 *
 * Money safety (the submit): the `SubmitLedger` row of the execution is claimed before the POST
 * and answered when the job id arrives. A replay that finds the claim with no answer (the process
 * died mid-POST) fails with {@link SubmitOutcomeUnknown} and sends nothing; an answered submit is
 * never sent again.
 *
 * The poll: each check is an activity (`poll/N`, its time recorded), each wait a
 * `DurableClock.sleep` (`wait/N`). The schedule's position is rebuilt on replay by stepping it
 * again over the recorded checks; a `Retry-After` replaces the schedule's step; the deadline is the
 * recorded submit time plus the timeout, so a restart neither resets nor extends it.
 *
 * The download: into `<directory>/<name>` (default `video-<execution id>.mp4`), through the
 * client's streamed download (a `.partial` put in place when whole, its size checked against the
 * declared one), then checked on disk. A retry that finds that file keeps it and writes nothing:
 * the name is the execution's own and the file only appears there whole.
 *
 * @since 0.1.0
 */
import * as Activity from "@effect/workflow/Activity"
import * as DurableClock from "@effect/workflow/DurableClock"
import * as Workflow from "@effect/workflow/Workflow"
import type * as VideoRequest from "@openrouter-effect/client/VideoRequest"
import { VideoJobSchema } from "@openrouter-effect/client/VideoJobStore"
import type { VideoJob } from "@openrouter-effect/client/VideoJobStore"
import * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import * as Videos from "@openrouter-effect/client/Videos"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type * as Layer from "effect/Layer"
import type { WorkflowEngine } from "@effect/workflow/WorkflowEngine"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import { randomUUID } from "node:crypto"
import * as Path from "node:path"
import { SubmitLedger } from "./SubmitLedger.js"
import type * as SubmitLedgerNs from "./SubmitLedger.js"
import { VideoSteps } from "./VideoSteps.js"

// -----------------------------------------------------------------------------
// The payload
// -----------------------------------------------------------------------------

/**
 * Where the video goes. A directory today; the union leaves room for object storage.
 *
 * @since 0.1.0 @category Models
 */
export const OutputTarget = Schema.Union(
  Schema.TaggedStruct("Directory", {
    /** The directory (created when missing). */
    path: Schema.String,
    /** The file name; default `video-<execution id>.mp4`. */
    name: Schema.optional(Schema.String)
  })
)
/** @since 0.1.0 @category Models */
export type OutputTarget = typeof OutputTarget.Type

/** The request's options (the client's `SubmitOptions` that fit in a durable record). @since 0.1.0 @category Models */
export const VideoOptions = Schema.Struct({
  duration: Schema.optional(Schema.Number),
  resolution: Schema.optional(Schema.String),
  aspectRatio: Schema.optional(Schema.String),
  size: Schema.optional(Schema.String),
  audio: Schema.optional(Schema.Boolean),
  seed: Schema.optional(Schema.Number),
  /** Image inputs by URL (`first_frame`, `last_frame`, `reference_image`). */
  images: Schema.optional(Schema.Array(Schema.Struct({
    url: Schema.String,
    role: Schema.optional(Schema.Literal("first_frame", "last_frame", "reference_image"))
  }))),
  provider: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  /** The deadline of the whole poll from the submit; default the config's video timeout (10 minutes). */
  timeoutMs: Schema.optional(Schema.Number)
})
/** @since 0.1.0 @category Models */
export type VideoOptions = typeof VideoOptions.Type

/**
 * The payload: `key` names the job (one execution per key: starting the same key again joins the
 * running execution or answers its result; it never submits twice).
 *
 * @since 0.1.0 @category Models
 */
export const VideoJobRequest = Schema.Struct({
  key: Schema.String,
  prompt: Schema.String,
  /** A model ref; default the config's video model. */
  model: Schema.optional(Schema.String),
  options: Schema.optional(VideoOptions),
  output: OutputTarget
})
/** @since 0.1.0 @category Models */
export type VideoJobRequest = typeof VideoJobRequest.Type

// -----------------------------------------------------------------------------
// The result
// -----------------------------------------------------------------------------

/** One stored output. @since 0.1.0 @category Models */
export const StoredOutput = Schema.Struct({
  path: Schema.String,
  size: Schema.Number,
  mimeType: Schema.String
})
/** @since 0.1.0 @category Models */
export type StoredOutput = typeof StoredOutput.Type

/** What the workflow answers. @since 0.1.0 @category Models */
export const VideoOutcome = Schema.Struct({
  executionId: Schema.String,
  jobId: Schema.String,
  model: Schema.String,
  generationId: Schema.optional(Schema.String),
  cost: Schema.optional(Schema.Number),
  outputs: Schema.Array(StoredOutput)
})
/** @since 0.1.0 @category Models */
export type VideoOutcome = typeof VideoOutcome.Type

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

/**
 * A submit was in flight when its process died: the POST may or may not have reached OpenRouter
 * (and may be billed). The workflow does not send it again; a person or a policy decides (look the
 * job up on OpenRouter's side, or start a new key).
 *
 * @since 0.1.0 @category Errors
 */
export class SubmitOutcomeUnknown extends Schema.TaggedError<SubmitOutcomeUnknown>("@openrouter-effect/workflow/SubmitOutcomeUnknown")(
  "SubmitOutcomeUnknown",
  {
    message: Schema.String,
    executionId: Schema.String,
    model: Schema.String,
    /** When the submit was claimed (ms since the epoch). */
    startedAt: Schema.Number,
    /** The error that left the outcome unknown, when this attempt saw one. */
    cause: Schema.optional(Schema.String)
  }
) {}

/** OpenRouter refused the submit (nothing billed), or the request was refused before sending. @since 0.1.0 @category Errors */
export class SubmitRefused extends Schema.TaggedError<SubmitRefused>("@openrouter-effect/workflow/SubmitRefused")("SubmitRefused", {
  message: Schema.String,
  /** The client's error tag (`InvalidRequest`, `InsufficientCredits`, `BadInput`, …). */
  reason: Schema.String
}) {}

/** The poll reached its deadline; the job is still on the server. @since 0.1.0 @category Errors */
export class PollDeadline extends Schema.TaggedError<PollDeadline>("@openrouter-effect/workflow/PollDeadline")("PollDeadline", {
  message: Schema.String,
  jobId: Schema.String,
  timeoutMs: Schema.Number,
  attempts: Schema.Number,
  status: Schema.String
}) {}

/** A step failed after the client's own retries (a poll's or a download's error). @since 0.1.0 @category Errors */
export class StepFailed extends Schema.TaggedError<StepFailed>("@openrouter-effect/workflow/StepFailed")("StepFailed", {
  message: Schema.String,
  step: Schema.Literal("submit", "poll", "download"),
  /** The client's error tag. */
  reason: Schema.String
}) {}

/** Every way the workflow fails. @since 0.1.0 @category Errors */
export const VideoWorkflowError = Schema.Union(
  SubmitOutcomeUnknown,
  SubmitRefused,
  PollDeadline,
  StepFailed,
  Videos.VideoJobFailed,
  VideoPoller.PollExhausted
)
/** @since 0.1.0 @category Errors */
export type VideoWorkflowError = typeof VideoWorkflowError.Type

// -----------------------------------------------------------------------------
// The workflow
// -----------------------------------------------------------------------------

/**
 * The workflow's definition: start it with `VideoWorkflow.execute(request)` (waits for the
 * outcome) or `execute(request, { discard: true })` (answers the execution id at once); ask with
 * `VideoWorkflow.poll(executionId)`.
 *
 * @since 0.1.0 @category Workflows
 */
export const VideoWorkflow = Workflow.make({
  name: "OpenRouterVideo",
  payload: VideoJobRequest,
  success: VideoOutcome,
  error: VideoWorkflowError,
  idempotencyKey: (request) => request.key
})

/** The activities' records. */
const Submitted = Schema.Struct({ job: VideoJobSchema, deadlineAt: Schema.Number, timeoutMs: Schema.Number })

const Usage = Schema.Struct({ cost: Schema.optional(Schema.Number), isByok: Schema.optional(Schema.Boolean) })
/** A job payload as recorded (the client's `JobPayload` with absent fields left out). */
const RecordedPayload = Schema.Struct({
  id: Schema.optional(Schema.String),
  pollingUrl: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  generationId: Schema.optional(Schema.String),
  unsignedUrls: Schema.Array(Schema.String),
  error: Schema.optional(Schema.String),
  model: Schema.optional(Schema.String),
  usage: Schema.optional(Usage)
})
type RecordedPayload = typeof RecordedPayload.Type

const Checked = Schema.Union(
  Schema.TaggedStruct("Done", { payload: RecordedPayload, at: Schema.Number }),
  Schema.TaggedStruct("Pending", { status: Schema.String, at: Schema.Number, serverDelayMs: Schema.optional(Schema.Number) })
)

const Stored = Schema.Struct({ ...StoredOutput.fields, kept: Schema.Boolean })

const defined = <A extends Record<string, unknown>>(record: A): { [K in keyof A]: Exclude<A[K], undefined> } =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as never

const toRecorded = (payload: VideoRequest.JobPayload): RecordedPayload =>
  defined({
    id: payload.id,
    pollingUrl: payload.pollingUrl,
    status: payload.status,
    generationId: payload.generationId,
    unsignedUrls: [...payload.unsignedUrls],
    error: payload.error,
    model: payload.model,
    usage: payload.usage === undefined ? undefined : defined({ cost: payload.usage.cost, isByok: payload.usage.isByok })
  })

const fromRecorded = (payload: RecordedPayload): VideoRequest.JobPayload => ({
  id: payload.id,
  pollingUrl: payload.pollingUrl,
  status: payload.status,
  generationId: payload.generationId,
  unsignedUrls: payload.unsignedUrls,
  error: payload.error,
  model: payload.model,
  usage: payload.usage === undefined ? undefined : { cost: payload.usage.cost, isByok: payload.usage.isByok }
})

const submitOptions = (request: VideoJobRequest): VideoRequest.SubmitOptions =>
  defined({
    prompt: request.prompt,
    model: request.model,
    duration: request.options?.duration,
    resolution: request.options?.resolution,
    aspectRatio: request.options?.aspectRatio,
    size: request.options?.size,
    audio: request.options?.audio,
    seed: request.options?.seed,
    images: request.options?.images?.map((image) => defined({ url: image.url, role: image.role })),
    provider: request.options?.provider,
    timeoutMs: request.options?.timeoutMs
  })

/** Errors that prove the submit was not accepted: nothing is billed, and a new attempt may send. */
const refusals = new Set([
  "BadInput",
  "ConfigError",
  "InvalidModelRef",
  "InvalidRequest",
  "AuthenticationError",
  "InsufficientCredits",
  "Forbidden",
  "NotFound",
  "RateLimited",
  "MissingKey",
  "ResolveError"
])

const describe = (error: { readonly _tag: string; readonly message?: string }) => `${error._tag}: ${error.message ?? ""}`

/**
 * The default file name of an execution's video.
 *
 * @since 0.1.0 @category Output
 */
export const defaultFileName = (executionId: string) => `video-${executionId}.mp4`

/** The path an execution's video goes to. @since 0.1.0 @category Output */
export const outputPath = (target: OutputTarget, executionId: string) => Path.join(target.path, target.name ?? defaultFileName(executionId))

const mimeOf = (path: string) => {
  const extension = Path.extname(path).slice(1).toLowerCase()
  return extension === "mov" ? "video/quicktime" : `video/${extension === "" ? "mp4" : extension}`
}

/** Options of {@link run} and {@link layer}. @since 0.1.0 @category Models */
export interface RunOptions {
  /**
   * Waits up to this long run as a recorded in-memory sleep (redone whole after a crash); longer
   * ones as the engine's durable clock. Default `DurableClock`'s (60 s).
   */
  readonly inMemoryThreshold?: Duration.DurationInput | undefined
}

/**
 * The submit activity: claim, POST, answer (see the module's money-safety rule).
 *
 * @since 0.1.0 @category Activities
 */
export const submitActivity = (request: VideoJobRequest, executionId: string) =>
  Activity.make({
    name: "submit",
    success: Submitted,
    error: Schema.Union(SubmitOutcomeUnknown, SubmitRefused, StepFailed, Videos.VideoJobFailed),
    execute: Effect.gen(function*() {
      const steps = yield* VideoSteps
      const ledger = yield* SubmitLedger
      const options = submitOptions(request)
      // Checked and built first: a request refused here costs nothing and claims nothing.
      const prepared = yield* Effect.mapError(steps.prepare(options), (error) => new SubmitRefused({ message: describe(error), reason: error._tag }))
      const timeoutMs = prepared.settings.timeoutMs
      const submitted = (job: VideoJob) => ({ job, timeoutMs, deadlineAt: job.submittedAt + timeoutMs })
      const claim: SubmitLedgerNs.Claim = {
        executionId,
        token: randomUUID(),
        model: prepared.settings.model.slug,
        startedAt: yield* Clock.currentTimeMillis
      }
      const unknown = (known: SubmitLedgerNs.Claim, cause?: string) =>
        new SubmitOutcomeUnknown({
          message: `The submit of ${executionId} (${known.model}, started ${new Date(known.startedAt).toISOString()}) was sent ` +
            "but its answer was never recorded: it may be billed. It is not sent again; look the job up on OpenRouter, or start a new key.",
          executionId,
          model: known.model,
          startedAt: known.startedAt,
          ...(cause !== undefined ? { cause } : {})
        })
      const ledgerFailed = (error: SubmitLedgerNs.LedgerError) => new StepFailed({ message: error.message, step: "submit", reason: error._tag })
      // The claim, the POST and the answer run to the end once started: a graceful shutdown waits
      // for the answer rather than leaving an unknown outcome behind.
      return yield* Effect.uninterruptible(Effect.gen(function*() {
        const begun = yield* Effect.mapError(ledger.begin(claim), ledgerFailed)
        switch (begun._tag) {
          case "Answered":
            return submitted(begun.job)
          case "Refused":
            return yield* Effect.fail(new SubmitRefused({ message: begun.error.message, reason: begun.error.tag }))
          case "InFlight":
            return yield* Effect.fail(unknown(begun.claim))
        }
        yield* Effect.logInfo(`submit sending ${executionId}`)
        const result = yield* Effect.either(steps.submit(options))
        if (result._tag === "Right") {
          // The job is paid for: recorded before anything else (retried; if the ledger is gone,
          // the engine's record of this activity still holds the job).
          yield* ledger.answer(claim, result.right).pipe(
            Effect.retry(Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(5)))),
            Effect.catchAll((error) => Effect.logWarning(`SubmitLedger: the answer of ${executionId} was not recorded: ${error.message}`))
          )
          yield* Effect.logInfo(`submit answered ${executionId} ${result.right.id}`)
          return submitted(result.right)
        }
        const error = result.left
        if (error._tag === "VideoJobFailed" || refusals.has(error._tag)) {
          yield* ledger.refuse(claim, { tag: error._tag, message: error.message }).pipe(Effect.ignore)
          return yield* Effect.fail(error._tag === "VideoJobFailed" ? error : new SubmitRefused({ message: describe(error), reason: error._tag }))
        }
        // Sent, and no usable answer (a cut connection, a timeout, a 5xx, a malformed 2xx): the
        // claim stays in flight.
        return yield* Effect.fail(unknown(claim, describe(error)))
      }))
    })
  })

/**
 * One poll, recorded with its time.
 *
 * @since 0.1.0 @category Activities
 */
export const pollActivity = (job: VideoJob, attempt: number, executionId?: string) =>
  Activity.make({
    name: `poll/${attempt}`,
    success: Checked,
    error: Schema.Union(StepFailed, Videos.VideoJobFailed),
    execute: Effect.gen(function*() {
      const steps = yield* VideoSteps
      yield* Effect.logInfo(`poll ${attempt} ${executionId ?? ""} ${job.id}`)
      const checked = yield* steps.check(job).pipe(
        Effect.mapError((error) => (error._tag === "VideoJobFailed" ? error : new StepFailed({ message: describe(error), step: "poll", reason: error._tag })))
      )
      return checked._tag === "Done"
        ? { _tag: "Done" as const, payload: toRecorded(checked.payload), at: checked.at }
        : { _tag: "Pending" as const, ...defined({ status: checked.status, at: checked.at, serverDelayMs: checked.serverDelayMs }) }
    })
  })

/**
 * The download: keeps the execution's finished file, else streams it there.
 *
 * @since 0.1.0 @category Activities
 */
export const downloadActivity = (job: VideoJob, completed: RecordedPayload, target: OutputTarget, executionId: string) =>
  Activity.make({
    name: "download",
    success: Stored,
    error: StepFailed,
    execute: Effect.gen(function*() {
      const steps = yield* VideoSteps
      const fs = steps.fs
      const failed = (error: { readonly _tag: string; readonly message?: string }) =>
        new StepFailed({ message: describe(error), step: "download", reason: error._tag })
      const path = outputPath(target, executionId)
      const existing = yield* Effect.option(fs.stat(path))
      if (existing._tag === "Some" && existing.value.type === "File") {
        return { path, size: Number(existing.value.size), mimeType: mimeOf(path), kept: true }
      }
      yield* Effect.mapError(fs.makeDirectory(target.path, { recursive: true }), failed)
      yield* Effect.logInfo(`download started ${executionId} ${path}`)
      const result = yield* Effect.mapError(steps.download(job, fromRecorded(completed), path), failed)
      const file = result.file ?? path
      const info = yield* Effect.mapError(fs.stat(file), failed)
      if (Number(info.size) !== result.size) {
        return yield* Effect.fail(
          new StepFailed({ message: `${file} has ${info.size} bytes on disk, ${result.size} were downloaded`, step: "download", reason: "SizeMismatch" })
        )
      }
      yield* Effect.logInfo(`download written ${executionId} ${file} ${result.size}`)
      return { path: file, size: result.size, mimeType: result.mimeType, kept: false }
    })
  })

/**
 * The workflow's body.
 *
 * @since 0.1.0 @category Workflows
 */
export const run = (request: VideoJobRequest, executionId: string, options: RunOptions = {}) =>
  Effect.gen(function*() {
    const steps = yield* VideoSteps
    const { deadlineAt, job, timeoutMs } = yield* submitActivity(request, executionId)
    const schedule = steps.schedule
    let scheduleState: unknown = schedule.initial
    let completed: RecordedPayload | undefined
    for (let attempt = 1; completed === undefined; attempt++) {
      const checked = yield* pollActivity(job, attempt, executionId)
      if (checked._tag === "Done") {
        completed = checked.payload
        break
      }
      const at = checked.at
      if (at >= deadlineAt) {
        return yield* Effect.fail(
          new PollDeadline({
            message: `OpenRouter video job ${job.id} was still ${checked.status} at its deadline (${timeoutMs} ms after the submit): it is still on the server`,
            jobId: job.id,
            timeoutMs,
            attempts: attempt,
            status: checked.status
          })
        )
      }
      let waitMs: number
      if (checked.serverDelayMs !== undefined) {
        // Retry-After replaces the schedule's step (the schedule does not advance), as in the client.
        waitMs = checked.serverDelayMs
      } else {
        const progress: VideoPoller.Progress = { jobId: job.id, status: checked.status, attempt, elapsedMs: at - job.submittedAt }
        const [state, , decision] = yield* schedule.step(at, progress, scheduleState)
        scheduleState = state
        if (ScheduleDecision.isDone(decision)) {
          return yield* Effect.fail(
            new VideoPoller.PollExhausted({
              message: `The poll schedule ended after ${attempt} polls; job ${job.id} is still ${checked.status} on the server`,
              jobId: job.id,
              attempts: attempt,
              status: checked.status
            })
          )
        }
        waitMs = Math.max(0, ScheduleIntervals.start(decision.intervals) - at)
      }
      // The last wait ends at the deadline, for one last poll there.
      waitMs = Math.min(waitMs, deadlineAt - at)
      yield* DurableClock.sleep({
        name: `wait/${attempt}`,
        duration: Duration.millis(waitMs),
        ...(options.inMemoryThreshold !== undefined ? { inMemoryThreshold: options.inMemoryThreshold } : {})
      })
    }
    const stored = yield* downloadActivity(job, completed, request.output, executionId)
    return {
      executionId,
      jobId: job.id,
      model: job.model,
      ...defined({ generationId: completed.generationId, cost: completed.usage?.cost }),
      outputs: [{ path: stored.path, size: stored.size, mimeType: stored.mimeType }]
    }
  })

/**
 * Registers the workflow with the engine in context; its activities need `VideoSteps` and a
 * `SubmitLedger`.
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (options: RunOptions = {}): Layer.Layer<never, never, WorkflowEngine | VideoSteps | SubmitLedger> =>
  VideoWorkflow.toLayer((request, executionId) => run(request, executionId, options))

// -----------------------------------------------------------------------------
// Where an execution stands
// -----------------------------------------------------------------------------

/**
 * Where an execution stands, from the engine's record and the submit ledger (both in the
 * database): `Completed` (with the outcome), `Failed` (with the error), `Suspended` (waiting on its
 * durable clock), `Running` (its submit is recorded, no outcome yet) or `Unknown` (no outcome and
 * no submit: an id nobody started, or one not yet at its submit). `submit` is the ledger's row.
 *
 * @since 0.1.0 @category Models
 */
export interface Status {
  readonly executionId: string
  readonly state: "Completed" | "Failed" | "Suspended" | "Running" | "Unknown"
  readonly submit?: {
    readonly state: "InFlight" | "Answered" | "Refused"
    readonly model: string
    readonly startedAt: number
    readonly jobId?: string | undefined
  } | undefined
  readonly outcome?: VideoOutcome | undefined
  readonly error?: { readonly _tag: string; readonly message: string } | undefined
}

/** Whether an execution has ended. @since 0.1.0 @category Models */
export const isDone = (status: Status): boolean => status.state === "Completed" || status.state === "Failed"

/**
 * Where an execution stands (see {@link Status}). Reads only: it works from a client-only engine
 * (a process that runs no workflow) as well as from a runner.
 *
 * @since 0.1.0 @category Status
 */
export const status = (executionId: string): Effect.Effect<Status, SubmitLedgerNs.LedgerError, WorkflowEngine | SubmitLedger> =>
  Effect.gen(function*() {
    const ledger = yield* SubmitLedger
    const result = yield* VideoWorkflow.poll(executionId)
    const entry = yield* ledger.get(executionId)
    const submit = entry === undefined ? undefined : defined({
      state: entry._tag,
      model: entry.claim.model,
      startedAt: entry.claim.startedAt,
      jobId: entry._tag === "Answered" ? entry.job.id : undefined
    })
    const base = { executionId, ...(submit !== undefined ? { submit } : {}) }
    if (result === undefined) return { ...base, state: entry === undefined ? "Unknown" as const : "Running" as const }
    if (result._tag === "Suspended") return { ...base, state: "Suspended" as const }
    if (Exit.isSuccess(result.exit)) return { ...base, state: "Completed" as const, outcome: result.exit.value }
    const failure = Cause.failureOption(result.exit.cause)
    const error = Option.isSome(failure)
      ? { _tag: failure.value._tag, message: failure.value.message }
      : { _tag: "Defect", message: Cause.pretty(result.exit.cause) }
    return { ...base, state: "Failed" as const, error }
  })

/**
 * Waits until an execution ends (checking its {@link status} every `every`, default 500 ms) and
 * answers its last status. From any process connected to the database.
 *
 * @since 0.1.0 @category Status
 */
export const waitUntilDone = (
  executionId: string,
  options: { readonly every?: Duration.DurationInput | undefined } = {}
): Effect.Effect<Status, SubmitLedgerNs.LedgerError, WorkflowEngine | SubmitLedger> => {
  const loop = (current: Status): Effect.Effect<Status, SubmitLedgerNs.LedgerError, WorkflowEngine | SubmitLedger> =>
    isDone(current) ? Effect.succeed(current) : Effect.flatMap(Effect.zipRight(Effect.sleep(options.every ?? "500 millis"), status(executionId)), loop)
  return Effect.flatMap(status(executionId), loop)
}
