/**
 * The polling of an asynchronous job (a video generation) as a swappable service: a `Schedule`
 * between polls, a deadline, the server's `Retry-After` overriding the next delay, and progress as
 * a callback or a `Stream`.
 *
 * The poller knows nothing of HTTP: it runs a `check` (one poll) that answers {@link done} or
 * {@link pending}, and waits between checks. A check answers `pending` for a poll that failed for
 * a transient reason too, so the poller's schedule is the only retry: a check must send its
 * request with no retry of its own (`OpenRouterHttp.execute(…, { retry: "none" })`), or retries
 * nest.
 *
 * ```ts
 * import { VideoPoller, Videos } from "@openrouter-effect/client"
 * import * as Layer from "effect/Layer"
 * import * as Schedule from "effect/Schedule"
 *
 * // Poll every 5 seconds, at most 100 times.
 * const poller = VideoPoller.layer(Schedule.spaced("5 seconds").pipe(Schedule.intersect(Schedule.recurs(100))))
 * const videos = Videos.layer.pipe(Layer.provide(poller))
 * ```
 *
 * @since 0.1.0
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Retry from "./Retry.js"

/**
 * Where a job stands after a poll, for progress displays and for the schedule (its input).
 *
 * @since 0.1.0 @category Models
 */
export interface Progress {
  readonly jobId: string
  /** The job's status as the server said it, or `unreachable` after a transient failure. */
  readonly status: string
  /** The number of this poll, from 1. */
  readonly attempt: number
  readonly elapsedMs: number
  /**
   * While the job is pending: the wait before the next poll (the server's `Retry-After`, else the
   * schedule's next step), for a display counting down to it. Absent on the last poll, and when
   * the schedule has ended.
   */
  readonly nextPollMs?: number | undefined
}

/**
 * The schedule between polls. Its input is the {@link Progress} of the poll just made, so a
 * schedule may look at the status (`Schedule.whileInput`); any `Schedule.Schedule<unknown>` fits.
 * When it ends, the poll ends with {@link PollExhausted}.
 *
 * @since 0.1.0 @category Schedules
 */
export type PollSchedule = Schedule.Schedule<unknown, Progress>

/**
 * The default schedule: 2 s, growing ×1.5, at most 15 s between polls; it never ends (the
 * deadline does).
 *
 * @since 0.1.0 @category Schedules
 */
export const defaultSchedule: Schedule.Schedule<unknown> = Schedule.exponential("2 seconds", 1.5).pipe(
  Schedule.union(Schedule.spaced("15 seconds"))
)

/** The job is finished: its value ends the poll. @since 0.1.0 @category Models */
export interface Done<A> {
  readonly _tag: "Done"
  readonly value: A
  /** The final status, for the last progress event; default `completed`. */
  readonly status: string
}

/** The job is still running (or the poll failed for a transient reason). @since 0.1.0 @category Models */
export interface Pending {
  readonly _tag: "Pending"
  readonly status: string
  /** The response's headers: `retry-after-ms` / `Retry-After` (seconds or an HTTP date) override the next delay. */
  readonly headers: Readonly<Record<string, string | undefined>> | undefined
  /** A wait the server asked for already parsed (an error's `retryAfter`); the headers win. */
  readonly retryAfter: Duration.Duration | undefined
}

/** What one check answers. @since 0.1.0 @category Models */
export type Step<A> = Done<A> | Pending

/** @since 0.1.0 @category Constructors */
export const done = <A>(value: A, status = "completed"): Step<A> => ({ _tag: "Done", value, status })

/** @since 0.1.0 @category Constructors */
export const pending = (
  status: string,
  options: {
    readonly headers?: Readonly<Record<string, string | undefined>> | undefined
    readonly retryAfter?: Duration.DurationInput | undefined
  } = {}
): Step<never> => ({
  _tag: "Pending",
  status,
  headers: options.headers,
  retryAfter: options.retryAfter === undefined ? undefined : Duration.decode(options.retryAfter)
})

/** An event of {@link Service.stream}: a poll that left the job pending, or the last one. @since 0.1.0 @category Models */
export type Update<A> =
  | { readonly _tag: "Pending"; readonly progress: Progress }
  | { readonly _tag: "Done"; readonly progress: Progress; readonly value: A }

/**
 * The poll schedule ended before the job did (a finite schedule given by the user). The job is
 * still on the server.
 *
 * @since 0.1.0 @category Errors
 */
export class PollExhausted extends Schema.TaggedError<PollExhausted>("@openrouter-effect/client/PollExhausted")("PollExhausted", {
  message: Schema.String,
  jobId: Schema.String,
  /** The polls made. */
  attempts: Schema.Number,
  /** The last status seen. */
  status: Schema.String
}) {}

/** @since 0.1.0 @category Models */
export interface PollOptions {
  /** Names the job in progress events and errors. */
  readonly jobId: string
  /** The deadline of the whole poll; reaching it fails with a client `Timeout`. */
  readonly timeoutMs: number
  /** Replaces the service's schedule for this poll. */
  readonly schedule?: PollSchedule | undefined
  /** Called after each poll that leaves the job pending, before the wait. */
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/** What a poll adds to the check's own failures. @since 0.1.0 @category Models */
export type PollError = OpenRouterError.Timeout | PollExhausted

/** @since 0.1.0 @category Models */
export interface Service {
  /** The schedule a poll uses unless its options give one. */
  readonly schedule: PollSchedule
  /** Runs `check` until it answers `done`, waiting between checks; fails with the check's error, or at the deadline, or when the schedule ends. */
  readonly poll: <A, E, R>(check: Effect.Effect<Step<A>, E, R>, options: PollOptions) => Effect.Effect<A, E | PollError, R>
  /** The same as a stream: one `Pending` per poll that leaves the job pending, then one `Done`. */
  readonly stream: <A, E, R>(
    check: Effect.Effect<Step<A>, E, R>,
    options: Omit<PollOptions, "onProgress">
  ) => Stream.Stream<Update<A>, E | PollError, R>
}

/** @since 0.1.0 @category Context */
export class VideoPoller extends Context.Tag("@openrouter-effect/client/VideoPoller")<VideoPoller, Service>() {}

/**
 * The wait a pending step asks for, if any: `retry-after-ms`, else `Retry-After` (seconds or an
 * HTTP date, read against `now`) through core's parser, else the step's `retryAfter`; capped at
 * `Retry.MAX_DELAY` (60 s, as for the transport's retries). `None` means: the schedule decides.
 *
 * @since 0.1.0 @category Policy
 */
export const serverDelay = (step: Pending, now: number): Option.Option<Duration.Duration> =>
  OpenRouterError.retryAfterFromHeaders(step.headers, now).pipe(
    Option.orElse(() => Option.fromNullable(step.retryAfter)),
    Option.map((delay) => Duration.min(delay, Retry.MAX_DELAY))
  )

const timeout = (options: Pick<PollOptions, "jobId" | "timeoutMs">) =>
  new OpenRouterError.Timeout({
    message: `OpenRouter video generation timed out after ${options.timeoutMs}ms (job ${options.jobId} is still on the server: resume it with its id)`,
    source: "client",
    timeoutMs: options.timeoutMs
  })

interface State {
  readonly attempt: number
  /** The wait before this poll (none before the first), or the schedule's end after the previous one. */
  readonly wait: { readonly _tag: "Sleep"; readonly ms: number } | { readonly _tag: "Exhausted"; readonly error: PollExhausted } | undefined
}

// The polls as a stream with no deadline; `poll` and `stream` each add the deadline their way.
const updates = <A, E, R>(
  check: Effect.Effect<Step<A>, E, R>,
  options: Omit<PollOptions, "onProgress" | "timeoutMs">,
  fallback: PollSchedule
): Stream.Stream<Update<A>, E | PollExhausted, R> =>
  Stream.unwrap(
    Effect.gen(function*() {
      const schedule = options.schedule ?? fallback
      // The schedule is stepped here rather than through `Schedule.driver`, whose `next` sleeps:
      // the wait is known when the poll's progress is reported, so a display can count down to it.
      let scheduleState: unknown = schedule.initial
      const started = yield* Clock.currentTimeMillis
      // A Retry-After replaces the schedule's next step (the schedule does not advance); an ended
      // schedule ends the poll at once rather than waiting for the deadline.
      const nextWait = (step: Pending, progress: Progress): Effect.Effect<NonNullable<State["wait"]>> =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Option.match(serverDelay(step, now), {
            onSome: (delay) => Effect.succeed({ _tag: "Sleep" as const, ms: Duration.toMillis(delay) }),
            onNone: () =>
              Effect.map(Effect.suspend(() => schedule.step(now, progress, scheduleState)), ([state, _out, decision]) => {
                scheduleState = state
                return ScheduleDecision.isDone(decision)
                  ? {
                    _tag: "Exhausted" as const,
                    error: new PollExhausted({
                      message: `The poll schedule ended after ${progress.attempt} polls; job ${options.jobId} is still ${progress.status} on the server: resume it with its id`,
                      jobId: options.jobId,
                      attempts: progress.attempt,
                      status: progress.status
                    })
                  }
                  : { _tag: "Sleep" as const, ms: Math.max(0, ScheduleIntervals.start(decision.intervals) - now) }
              })
          }))
      return Stream.paginateEffect<State, Update<A>, E | PollExhausted, R>({ attempt: 1, wait: undefined }, (state) =>
        Effect.gen(function*() {
          if (state.wait?._tag === "Exhausted") return yield* Effect.fail(state.wait.error)
          if (state.wait !== undefined && state.wait.ms > 0) yield* Effect.sleep(Duration.millis(state.wait.ms))
          const step = yield* check
          const now = yield* Clock.currentTimeMillis
          const progress: Progress = { jobId: options.jobId, status: step.status, attempt: state.attempt, elapsedMs: now - started }
          if (step._tag === "Done") return [{ _tag: "Done", progress, value: step.value }, Option.none()] as const
          const wait = yield* nextWait(step, progress)
          const reported: Progress = wait._tag === "Sleep" ? { ...progress, nextPollMs: wait.ms } : progress
          return [{ _tag: "Pending", progress: reported }, Option.some({ attempt: state.attempt + 1, wait })] as const
        }))
    })
  )

/**
 * Builds the service on a schedule (default {@link defaultSchedule}).
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (schedule: PollSchedule = defaultSchedule): Service => ({
  schedule,
  poll: (check, options) =>
    updates(check, options, schedule).pipe(
      Stream.tap((update) => (update._tag === "Pending" && options.onProgress !== undefined ? options.onProgress(update.progress) : Effect.void)),
      Stream.runLast,
      // The stream ends with its `Done` or fails: an empty last is impossible.
      Effect.flatMap((last) =>
        Option.isSome(last) && last.value._tag === "Done" ? Effect.succeed(last.value.value) : Effect.dieMessage("VideoPoller: the poll ended without a result")
      ),
      Effect.timeoutFail({ duration: Duration.millis(options.timeoutMs), onTimeout: () => timeout(options) })
    ),
  stream: (check, options) =>
    updates(check, options, schedule).pipe(
      Stream.interruptWhen(Effect.zipRight(Effect.sleep(Duration.millis(options.timeoutMs)), Effect.fail(timeout(options))))
    )
})

/**
 * The service on a schedule (default {@link defaultSchedule}).
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (schedule?: PollSchedule): Layer.Layer<VideoPoller> => Layer.succeed(VideoPoller, make(schedule))
