/**
 * Retry classes: every operation declares one, and the class decides which failures are worth
 * another attempt and how long to wait. Each class's policy is a `Schedule` over the failure
 * ({@link schedule}), which a layer or a single call can replace.
 *
 * - `chat`: 408, 429, 500, 502, 503, 524, 529 and transport failures before a response; not a 429
 *   that is a daily cap or says `availability.retryable: false`; never 400/401/402/403/404/413/422.
 * - `idempotent-get` (polls, catalogues, downloads): the same transient failures.
 * - `billable-post` (images, video submit, speech, transcription): only when the request provably
 *   never reached the server (a connect-phase transport failure) or was refused with a 429.
 *   Never after a timeout or a 5xx: the job may exist and cost money.
 *
 * The wait is `Retry-After` / `retry-after-ms` when the server sent one (capped at 60 s), else
 * exponential backoff (500 ms · 2^attempt, capped at 60 s), jittered between half and all of it.
 *
 * @since 0.1.0
 */
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"

/** @since 0.1.0 @category Models */
export type RetryClass = "chat" | "idempotent-get" | "billable-post"

/** The longest wait we accept from `Retry-After`. @since 0.1.0 @category Constants */
export const MAX_DELAY = Duration.seconds(60)

/** The first backoff step. @since 0.1.0 @category Constants */
export const BASE_DELAY = Duration.millis(500)

/** Retries after the first attempt, by default. @since 0.1.0 @category Constants */
export const DEFAULT_MAX_RETRIES = 2

/** What can fail an attempt. @since 0.1.0 @category Models */
export type AttemptError = OpenRouterError.ApiError | OpenRouterError.TransportError | OpenRouterError.LimitExceeded

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 524, 529])

/**
 * Whether a failure may be retried under a class.
 *
 * @since 0.1.0 @category Policy
 */
export const isRetryable = (retryClass: RetryClass, error: AttemptError): boolean => {
  if (error._tag === "TransportError") {
    return retryClass === "billable-post" ? error.phase === "connect" : error.phase !== "response"
  }
  if (error._tag === "RateLimited") return error.retryable
  if (error._tag === "Timeout" && error.source === "client") return false
  if (retryClass === "billable-post") return false
  const status = "status" in error ? error.status : undefined
  return status !== undefined && TRANSIENT_STATUS.has(status)
}

/**
 * The server's own wait, capped at {@link MAX_DELAY}.
 *
 * @since 0.1.0 @category Policy
 */
export const serverDelay = (error: AttemptError): Option.Option<Duration.Duration> => {
  const retryAfter = "retryAfter" in error ? error.retryAfter : undefined
  return retryAfter === undefined ? Option.none() : Option.some(Duration.min(retryAfter, MAX_DELAY))
}

/**
 * The wait before retry number `attempt` (0 for the first retry): the server's, else jittered
 * exponential backoff drawn from Effect's `Random` (deterministic under test).
 *
 * @since 0.1.0 @category Policy
 */
export const delay = (error: AttemptError, attempt: number): Effect.Effect<Duration.Duration> =>
  Option.match(serverDelay(error), {
    onSome: Effect.succeed,
    onNone: () => {
      const ceiling = Math.min(Duration.toMillis(MAX_DELAY), Duration.toMillis(BASE_DELAY) * 2 ** attempt)
      return Effect.map(Random.nextRange(ceiling / 2, ceiling), (ms) => Duration.millis(Math.round(ms)))
    }
  })

/**
 * A retry policy: a `Schedule` fed each failed attempt's error. It decides whether to try again
 * (by continuing) and how long to wait first (its delay).
 *
 * @since 0.1.0 @category Models
 */
export type Policy = Schedule.Schedule<unknown, AttemptError>

/**
 * The default policy of a class: retry while {@link isRetryable}, at most `maxRetries` times
 * (default {@link DEFAULT_MAX_RETRIES}), waiting {@link delay} before each retry (the server's
 * `Retry-After` / `retry-after-ms`, capped at {@link MAX_DELAY}, else jittered exponential
 * backoff).
 *
 * @since 0.1.0 @category Policy
 */
export const schedule = (retryClass: RetryClass, options: { readonly maxRetries?: number | undefined } = {}): Policy =>
  Schedule.identity<AttemptError>().pipe(
    Schedule.whileInput((error: AttemptError) => isRetryable(retryClass, error)),
    Schedule.intersect(Schedule.recurs(options.maxRetries ?? DEFAULT_MAX_RETRIES)),
    Schedule.addDelayEffect(([error, attempt]) => delay(error, attempt))
  )

/**
 * The default policy of every class.
 *
 * @since 0.1.0 @category Policy
 */
export const schedules = (
  options: { readonly maxRetries?: number | undefined } = {}
): Readonly<Record<RetryClass, Policy>> => ({
  "chat": schedule("chat", options),
  "idempotent-get": schedule("idempotent-get", options),
  "billable-post": schedule("billable-post", options)
})
