/**
 * A cheaper `Effect.timeoutFail`, used for every timeout on the request path (`Chat.complete`'s
 * whole call, `OpenRouterHttp`'s per-attempt timeout, a stream's idle timeout). Effect's own forks
 * two fibers per call (the work and a sleeper) and races them; under the live clock this forks
 * only the work and arms a plain timer, which measured as the largest single cost of
 * `Chat.complete` at high concurrency. Under
 * any other clock (`TestClock` in tests) it is `Effect.timeoutFail` itself, so time policies stay
 * testable.
 */
import type * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

// The class of the live clock, taken from Effect's default services.
const LiveClock = Effect.runSync(Effect.clock).constructor

/** Fails with `onTimeout()` when `self` has not finished within `duration`, interrupting it. */
export const deadline = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.clockWith((clock) => {
    if (clock.constructor !== LiveClock) return Effect.timeoutFail(self, { duration, onTimeout })
    const ms = Duration.toMillis(Duration.decode(duration))
    return Effect.flatMap(Effect.fork(self), (fiber) =>
      Effect.async<A, E | E2>((resume) => {
        let settled = false
        const timer = setTimeout(() => {
          if (settled) return
          settled = true
          resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
        }, ms)
        fiber.addObserver((exit: Exit.Exit<A, E>) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resume(exit)
        })
        return Effect.suspend(() => {
          settled = true
          clearTimeout(timer)
          return Fiber.interrupt(fiber)
        })
      }))
  })

/**
 * Fails the stream with `onIdle()` when a pull brings nothing for `duration`: `Stream.timeoutFail`
 * with {@link deadline} on each pull (one fork and a plain timer under the live clock instead of
 * two forked fibers).
 */
export const failWhenIdle = <A, E, R, E2>(
  self: Stream.Stream<A, E, R>,
  duration: Duration.DurationInput,
  onIdle: () => E2
): Stream.Stream<A, E | E2, R> =>
  Stream.fromPull(
    Effect.map(
      Stream.toPull(self),
      (pull): Effect.Effect<Chunk.Chunk<A>, Option.Option<E | E2>, R> => deadline(pull, duration, () => Option.some<E | E2>(onIdle()))
    )
  )
