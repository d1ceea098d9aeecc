/**
 * The largest timeout a call accepts. Node's timers (and the browsers') store the delay as a signed
 * 32-bit count of milliseconds: a longer one overflows and fires at once, so a `timeoutMs` of a
 * year would time the call out immediately. A value above the maximum is refused where the caller
 * gives it (a `BadInput` naming the field) rather than silently shortened.
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Effect from "effect/Effect"

/** 2^31 − 1 ms, about 24.8 days: the longest delay a timer can hold. */
export const MAX_TIMER_MS = 2_147_483_647

/**
 * `value` itself when it is absent or a positive number of milliseconds the timer can hold;
 * otherwise a `BadInput` naming `field`, the value and the maximum. Zero, negative, `NaN` and
 * infinite values are refused too: none of them is a timeout a caller means.
 */
export const checkTimeoutMs = (
  field: string,
  value: number | undefined
): Effect.Effect<number | undefined, OpenRouterError.BadInput> => {
  if (value === undefined) return Effect.succeed(undefined)
  if (Number.isFinite(value) && value > 0 && value <= MAX_TIMER_MS) return Effect.succeed(value)
  const reason = Number.isFinite(value) && value > MAX_TIMER_MS
    ? `exceeds the maximum of ${MAX_TIMER_MS} ms (about 24.8 days)`
    : `must be a positive number of milliseconds, at most ${MAX_TIMER_MS} (about 24.8 days)`
  return Effect.fail(
    new OpenRouterError.BadInput({
      message: `${field} ${String(value)} ${reason}`,
      field,
      value: String(value)
    })
  )
}
