// The cheap deadline behind Chat.complete: under the live clock it forks one fiber and arms a
// plain timer; under TestClock it is Effect.timeoutFail. Both must agree on what a caller sees.
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Duration, Effect, Exit, Fiber, Stream, TestClock } from "effect"
import { deadline, failWhenIdle } from "../src/internal/deadline.js"

class Late {
  readonly _tag = "Late"
}

describe("deadline, live clock", () => {
  it.live("a result in time is returned, and a failure passes through", () =>
    Effect.gen(function*() {
      expect(yield* deadline(Effect.succeed(42), "1 second", () => new Late())).toBe(42)
      const failed = yield* Effect.exit(deadline(Effect.fail("boom" as const), "1 second", () => new Late()))
      expect(failed).toEqual(Exit.fail("boom"))
    }))

  it.live("past the deadline: fails with onTimeout and interrupts the work (its finalizer runs)", () =>
    Effect.gen(function*() {
      const finalized = yield* Deferred.make<void>()
      const work = Effect.never.pipe(Effect.onInterrupt(() => Deferred.succeed(finalized, undefined)))
      const exit = yield* Effect.exit(deadline(work, "20 millis", () => new Late()))
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Late)
      expect(yield* Deferred.isDone(finalized)).toBe(true)
    }))

  it.live("interrupting the caller interrupts the work", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      const finalized = yield* Deferred.make<void>()
      const work = Deferred.succeed(started, undefined).pipe(
        Effect.zipRight(Effect.never),
        Effect.onInterrupt(() => Deferred.succeed(finalized, undefined))
      )
      const caller = yield* Effect.fork(deadline(work, "10 seconds", () => new Late()))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(caller)
      expect(yield* Deferred.isDone(finalized)).toBe(true)
    }))
})

describe("deadline, TestClock", () => {
  it.effect("follows the test clock: not failed a millisecond early, failed at the deadline", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(deadline(Effect.never, "5 seconds", () => new Late()))
      yield* TestClock.adjust("4999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Late)
    }))
})

describe("failWhenIdle", () => {
  it.live("elements that keep coming pass through whole, however long the stream lasts", () =>
    Effect.gen(function*() {
      // 10 elements 20 ms apart: 200 ms in all, against an idle limit of 100 ms.
      const ticking = Stream.range(1, 10).pipe(Stream.tap(() => Effect.sleep("20 millis")))
      const all = yield* Stream.runCollect(failWhenIdle(ticking, "100 millis", () => new Late()))
      expect(Chunk.toReadonlyArray(all)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    }))

  it.live("a gap longer than the limit fails the stream after the elements before it", () =>
    Effect.gen(function*() {
      const stalled = Stream.concat(Stream.make(1, 2), Stream.fromEffect(Effect.as(Effect.sleep("2 seconds"), 3)))
      const seen: Array<number> = []
      const exit = yield* Effect.exit(Stream.runForEach(failWhenIdle(stalled, "50 millis", () => new Late()), (n) => Effect.sync(() => seen.push(n))))
      expect(seen).toEqual([1, 2])
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Late)
    }))

  it.effect("under TestClock: a pull is not failed a millisecond early, and is at the limit", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Stream.runCollect(failWhenIdle(Stream.never, "3 seconds", () => new Late())))
      yield* TestClock.adjust("2999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Late)
    }))
})

// Issue 17, defect 11: timers hold a signed 32-bit count of milliseconds; a longer delay overflows
// and fires at once, so a deadline of 2^31 ms (about 24.8 days) used to time out immediately.
describe("deadline beyond the timer maximum (issue 17)", () => {
  const beyond = [2 ** 31, 2 ** 31 - 1 + 1000, 3_000_000_000, 34 * 24 * 3600 * 1000, Number.MAX_SAFE_INTEGER]

  it.live("a deadline longer than 2^31 - 1 ms never fires early: the work finishes", () =>
    Effect.gen(function*() {
      for (const ms of beyond) {
        const result = yield* deadline(Effect.as(Effect.sleep("30 millis"), ms), Duration.millis(ms), () => new Late())
        expect(result).toBe(ms)
      }
      // An infinite deadline is none.
      expect(yield* deadline(Effect.as(Effect.sleep("30 millis"), 1), Duration.infinity, () => new Late())).toBe(1)
    }))

  it.live("a stream's idle limit beyond 2^31 - 1 ms does not fail a pull that takes a moment", () =>
    Effect.gen(function*() {
      const slow = Stream.range(1, 3).pipe(Stream.tap(() => Effect.sleep("20 millis")))
      const all = yield* Stream.runCollect(failWhenIdle(slow, Duration.millis(2 ** 32), () => new Late()))
      expect(Chunk.toReadonlyArray(all)).toEqual([1, 2, 3])
    }))

  it.live("the long deadline is still interruptible, and clears its timer", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(deadline(Effect.never, Duration.millis(2 ** 33), () => new Late()))
      yield* Effect.sleep("20 millis")
      expect(fiber.unsafePoll()).toBeNull()
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
    }))
})
