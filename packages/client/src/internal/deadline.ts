/**
 * A cheaper `Effect.timeoutFail`, used for every timeout on the request path (`Chat.complete`'s
 * whole call, `OpenRouterHttp`'s per-attempt timeout, a stream's idle timeout). Effect's own forks
 * two fibers per call (the work and a sleeper) and races them; under the live clock this forks
 * only the work and arms a plain timer, which measured as the largest single cost of
 * `Chat.complete` at high concurrency. Under
 * any other clock (`TestClock` in tests) it is `Effect.timeoutFail` itself, so time policies stay
 * testable.
 *
 * Any duration is safe: one beyond the timer maximum (2^31 - 1 ms) is a chain of timers, and an
 * infinite one is no timer, never an immediate timeout.
 */
import type * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Stream from "effect/Stream"
import { MAX_TIMER_MS } from "./timeouts.js"

// Whether `clock` is the live clock (its class is taken from Effect's default services on first
// use, not at import: running an effect at import cost start-up time, packages/bench/NOTES.md).
let liveClockClass: unknown
const isLive = (clock: { readonly constructor: unknown }): boolean =>
  clock.constructor === (liveClockClass ??= Effect.runSync(Effect.clock).constructor)

/** Fails with `onTimeout()` when `self` has not finished within `duration`, interrupting it. */
export const deadline = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.clockWith((clock) => {
    if (!isLive(clock)) return Effect.timeoutFail(self, { duration, onTimeout })
    const ms = Duration.toMillis(Duration.decode(duration))
    // No deadline at all: arming a timer with `Infinity` would fire it at once.
    if (ms === Infinity) return self
    // The work starts at once, on this stack (`Runtime.runFork` runs a fiber until its first
    // wait): work that is already done (a cached lookup, a retry schedule that gives up) answers
    // with no timer and no hop through the scheduler. Only work that waits gets the timer. Its
    // failure comes back as a value (`Effect.exit`): a fiber that fails, even with the `None`
    // that ends a stream's pull, is logged at debug level as "Fiber terminated with an unhandled
    // error" when only an observer sees it.
    return Effect.flatMap(Effect.runtime<R>(), (runtime) => {
      const fiber = Runtime.runFork(runtime)(Effect.exit(self))
      const done = fiber.unsafePoll()
      if (done !== null) return Exit.isSuccess(done) ? done.value : (done as Exit.Exit<never>)
      return Effect.async<A, E | E2>((resume) => {
        let settled = false
        let timer: ReturnType<typeof setTimeout> | undefined
        // A timer holds at most 2^31 - 1 ms (a longer delay overflows and fires at once): a
        // longer deadline is a chain of timers, each re-armed with what remains.
        const arm = (remaining: number) => {
          timer = setTimeout(() => {
            if (settled) return
            if (remaining > MAX_TIMER_MS) return arm(remaining - MAX_TIMER_MS)
            settled = true
            resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
          }, Math.min(remaining, MAX_TIMER_MS))
        }
        arm(ms)
        fiber.addObserver((exit: Exit.Exit<Exit.Exit<A, E>>) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          resume(Exit.isSuccess(exit) ? exit.value : (exit as Exit.Exit<never>))
        })
        return Effect.suspend(() => {
          settled = true
          clearTimeout(timer)
          return Fiber.interrupt(fiber)
        })
      })
    })
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

/**
 * {@link failWhenIdle}, and the whole stream must end by `endAt` (in the clock's milliseconds): what
 * arrives (keep-alive comments included) renews the idle limit but never the end. Past the end:
 * `onLate()`.
 *
 * Under the live clock the reads stay in the consumer's fiber, and one watchdog per stream stops
 * a read that waits too long by running `abort` (which must make that read end: closing the
 * request's scope aborts it, body included); the read's failure is then reported as `onIdle()`
 * or `onLate()`. A deadline per read would run every read in a fiber of its own: against a
 * socket, that made a 20,000-chunk chat stream about 40 % slower (packages/bench/NOTES.md). The
 * watchdog sleeps until the earliest moment the stream could be idle or late and looks again, so
 * a read costs two assignments. Only the time a read waits counts as idle, never the consumer's.
 * Under any other clock (`TestClock`) each read gets {@link deadline}, as before, so time
 * policies stay testable with any test double.
 */
export const failWhenIdleOrLate = <A, E, R, E2, E3>(
  self: Stream.Stream<A, E, R>,
  options: {
    readonly idle: Duration.DurationInput
    readonly onIdle: () => E2
    readonly endAt: number
    readonly onLate: () => E3
    /** Makes a read that waits end (with any failure): the request's abort. */
    readonly abort: Effect.Effect<void>
  }
): Stream.Stream<A, E | E2 | E3, R> => {
  const idleMs = Duration.toMillis(Duration.decode(options.idle))
  return Stream.unwrapScoped(Effect.flatMap(Effect.clock, (clock) => {
    if (!isLive(clock)) return Effect.succeed(perRead(self, options, idleMs))
    // When the read in progress began (`undefined` between reads), and why the stream was stopped.
    let readingSince: number | undefined
    let stopped: E2 | E3 | undefined
    const stop = (error: E2 | E3) =>
      Effect.suspend(() => {
        stopped = error
        return options.abort
      })
    const watch: Effect.Effect<void> = Effect.suspend(() => {
      const now = clock.unsafeCurrentTimeMillis()
      const lateIn = options.endAt - now
      if (lateIn <= 0) return stop(options.onLate())
      const idleIn = readingSince === undefined ? idleMs : readingSince + idleMs - now
      if (idleIn <= 0) return stop(options.onIdle())
      // A sleep past the timer maximum never wakes (Effect's clock drops it): wake at most that
      // late and look again, so an `Infinity` idle limit or a far end is still safe.
      return Effect.zipRight(Effect.sleep(Duration.millis(Math.min(lateIn, idleIn, MAX_TIMER_MS))), watch)
    })
    const reads = Stream.fromPull(
      Effect.map(
        Stream.toPull(self),
        (pull): Effect.Effect<Chunk.Chunk<A>, Option.Option<E | E2 | E3>, R> =>
          Effect.suspend(() => {
            if (stopped !== undefined) return Effect.fail(Option.some<E | E2 | E3>(stopped))
            readingSince = clock.unsafeCurrentTimeMillis()
            return Effect.matchCauseEffect(pull, {
              onSuccess: (chunk) => {
                readingSince = undefined
                return Effect.succeed(chunk)
              },
              // A read ended by the abort fails (or ends) as the transport saw it: say why.
              onFailure: (cause): Effect.Effect<never, Option.Option<E | E2 | E3>> => {
                readingSince = undefined
                return stopped !== undefined ? Effect.fail(Option.some<E | E2 | E3>(stopped)) : Effect.failCause(cause)
              }
            })
          })
      )
    )
    // One fiber per stream, in the stream's scope: it ends with the stream.
    return Effect.as(Effect.forkScoped(watch), reads)
  }))
}

// Each read under its own deadline: the shorter of the idle limit and the time left.
const perRead = <A, E, R, E2, E3>(
  self: Stream.Stream<A, E, R>,
  options: { readonly idle: Duration.DurationInput; readonly onIdle: () => E2; readonly endAt: number; readonly onLate: () => E3 },
  idleMs: number
): Stream.Stream<A, E | E2 | E3, R> =>
  Stream.fromPull(
    Effect.map(
      Stream.toPull(self),
      (pull): Effect.Effect<Chunk.Chunk<A>, Option.Option<E | E2 | E3>, R> =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const left = options.endAt - now
          if (left <= 0) return Effect.fail(Option.some<E | E2 | E3>(options.onLate()))
          return left < idleMs
            ? deadline(pull, Duration.millis(left), () => Option.some<E | E2 | E3>(options.onLate()))
            : deadline(pull, options.idle, () => Option.some<E | E2 | E3>(options.onIdle()))
        })
    )
  )
