// The cheap deadline behind Chat.complete: under the live clock it forks one fiber and arms a
// plain timer; under TestClock it is Effect.timeoutFail. Both must agree on what a caller sees.
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, TestClock } from "effect"
import { deadline } from "../src/internal/deadline.js"

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
