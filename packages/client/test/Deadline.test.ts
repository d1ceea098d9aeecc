// The cheap deadline behind Chat.complete: under the live clock it forks one fiber and arms a
// plain timer; under TestClock it is Effect.timeoutFail. Both must agree on what a caller sees.
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Deferred, Duration, Effect, Exit, Fiber, Stream, TestClock } from "effect"
import { deadline, failWhenIdle, failWhenIdleOrLate } from "../src/internal/deadline.js"

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

// Chat.stream's limits under the live clock: reads stay in the consumer's fiber and one watchdog
// per stream stops a read that waits by aborting the request (here: failing a Deferred the
// upstream waits on, as an aborted body fails its read).
describe("failWhenIdleOrLate, live clock: one watchdog, stopped by abort", () => {
  class Idle {
    readonly _tag = "Idle"
  }
  class Broken {
    readonly _tag = "Broken"
  }
  // An upstream of `chunks` elements, then a read that waits until `aborted` (and fails, as an
  // aborted body does), with an abort that counts its calls.
  const stalled = (chunks: number) =>
    Effect.gen(function*() {
      const aborted = yield* Deferred.make<void>()
      let aborts = 0
      const stream = Stream.concat(
        Stream.range(1, chunks),
        Stream.fromEffect(Effect.zipRight(Deferred.await(aborted), Effect.fail(new Broken())))
      )
      const abort = Effect.suspend(() => {
        aborts++
        return Deferred.succeed(aborted, undefined)
      })
      return { stream, abort, aborts: () => aborts }
    })

  it.live("a read that waits past the idle limit: the request is aborted once, the stream fails with onIdle after the elements before it", () =>
    Effect.gen(function*() {
      const { abort, aborts, stream } = yield* stalled(3)
      const seen: Array<number> = []
      const exit = yield* Effect.exit(
        Stream.runForEach(
          failWhenIdleOrLate(stream, { idle: "30 millis", onIdle: () => new Idle(), endAt: Date.now() + 60_000, onLate: () => new Late(), abort }),
          (n) => Effect.sync(() => seen.push(n))
        )
      )
      expect(seen).toEqual([1, 2, 3])
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Idle)
      expect(aborts()).toBe(1)
    }))

  it.live("past endAt while reads keep arriving: aborted, and the stream fails with onLate", () =>
    Effect.gen(function*() {
      const aborted = yield* Deferred.make<void>()
      // An element every 5 ms forever (never idle), until the abort breaks the read.
      const stream = Stream.repeatEffect(
        Effect.raceFirst(Effect.as(Effect.sleep("5 millis"), 1), Effect.zipRight(Deferred.await(aborted), Effect.fail(new Broken())))
      )
      const exit = yield* Effect.exit(
        Stream.runDrain(
          failWhenIdleOrLate(stream, {
            idle: "1 second",
            onIdle: () => new Idle(),
            endAt: Date.now() + 60,
            onLate: () => new Late(),
            abort: Deferred.succeed(aborted, undefined)
          })
        )
      )
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Late)
    }))

  it.live("a consumer slower than the idle limit is not idle: only the time a read waits counts", () =>
    Effect.gen(function*() {
      let aborts = 0
      const abort = Effect.sync(() => void aborts++)
      const out = yield* Stream.runCollect(
        failWhenIdleOrLate(Stream.range(1, 4), { idle: "20 millis", onIdle: () => new Idle(), endAt: Date.now() + 60_000, onLate: () => new Late(), abort }).pipe(
          Stream.tap(() => Effect.sleep("50 millis"))
        )
      )
      expect(Chunk.toReadonlyArray(out)).toEqual([1, 2, 3, 4])
      expect(aborts).toBe(0)
    }))

  it.live("a failure of upstream that is not the abort passes through as it is", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Stream.runDrain(
          failWhenIdleOrLate(Stream.fail(new Broken()), { idle: "1 second", onIdle: () => new Idle(), endAt: Date.now() + 60_000, onLate: () => new Late(), abort: Effect.void })
        )
      )
      expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error).toBeInstanceOf(Broken)
    }))

  it.live("the watchdog ends with the stream: a consumer interrupted mid-read aborts nothing later", () =>
    Effect.gen(function*() {
      let aborts = 0
      const abort = Effect.sync(() => void aborts++)
      const fiber = yield* Effect.fork(
        Stream.runDrain(
          failWhenIdleOrLate(Stream.concat(Stream.make(1), Stream.never), {
            idle: "20 millis",
            onIdle: () => new Idle(),
            endAt: Date.now() + 60_000,
            onLate: () => new Late(),
            abort
          })
        )
      )
      // The second read is waiting: interrupt the consumer well before the idle limit.
      yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(fiber)
      yield* Effect.sleep("60 millis")
      expect(aborts).toBe(0)
    }))
})
