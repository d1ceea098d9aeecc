/**
 * A response body streamed into a file at the speed of the disk and the network, in constant
 * memory: the loop that pulls the body, checks each piece synchronously, and copies it into one of
 * two reusable write buffers, while the other is being written.
 *
 * Why not `Stream.run(body, Sink.forEach(file.writeAll))` with `Stream.timeoutFail` and a
 * `Stream.mapEffect` per piece (what the video download did): measured on a 256 MiB download
 * (packages/bench/NOTES.md, "Video download throughput"), that wrote every 64–128 KiB piece with
 * its own `writeAll` and waited for it before pulling the next, so the socket and the disk took
 * turns; it forked two fibers per pull for the idle deadline and ran an effect per piece for the
 * size check and the progress clock. It reached 0.43× `@openrouter/sdk`'s pipe to a write stream.
 * Here:
 *
 * - pieces are copied into a buffer of {@link WRITE_BUFFER_BYTES}; a write of what has arrived
 *   starts as soon as the previous write has finished, and pulling goes on meanwhile into the
 *   other buffer. Reading waits only when that one is full too (back-pressure: at most two
 *   buffers and the piece in hand are held, whatever the size of the body). Writes are as large
 *   as what arrived during the previous one, so a slow disk gets fewer, larger writes.
 * - the per-piece work (`inspect`: a cap, a progress clock) is a plain function that answers an
 *   effect only when there is something to do (a failure, a progress event due): no effect, no
 *   allocation per piece beyond what the body itself allocates.
 * - the idle deadline is one watchdog fiber raced against the loop: the loop notes when it starts
 *   waiting for a pull (a read of the clock), the watchdog sleeps until that wait would be too
 *   long and checks again. One sleep per idle period, not a fork and a timer per pull. Time spent
 *   waiting for the disk is not idle time, as before (the deadline covered the pulls only).
 *
 * @internal
 */
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Chunk from "effect/Chunk"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { MAX_TIMER_MS } from "./timeouts.js"

/**
 * The size of each of the two write buffers. Measured on the bench's 256 MiB download: 256 KiB to
 * 2 MiB were within the noise of each other and 128 KiB slower; smaller buffers mean more writes
 * (a fork and a write call each), larger ones only more memory.
 */
export const WRITE_BUFFER_BYTES = 1024 * 1024

/** A pull that brings nothing for `ms` fails with `onIdle()`. */
export interface Idle<E> {
  readonly ms: number
  readonly onIdle: () => E
}

/** How a body is written. */
export interface Options<E2, R2, E3 = never> {
  /**
   * Called with every piece before it is written, synchronously: answers `undefined` (go on) or
   * an effect to run first (a failure refuses the piece and ends the write; a progress event).
   */
  readonly inspect?: ((piece: Uint8Array) => Effect.Effect<void, E2, R2> | undefined) | undefined
  /** The idle deadline of the body's pulls; none by default. */
  readonly idle?: Idle<E3> | undefined
  /** The size of each write buffer; default {@link WRITE_BUFFER_BYTES}. */
  readonly bufferBytes?: number | undefined
}

/**
 * Fails with `idle.onIdle()` once the pull that started at `waitingSince()` (the clock's
 * milliseconds, `undefined` while nothing is pulled) has waited `idle.ms`. Never succeeds.
 */
const watchdog = <E>(clock: Clock.Clock, idle: Idle<E>, waitingSince: () => number | undefined): Effect.Effect<never, E> => {
  const ms = Math.min(idle.ms, MAX_TIMER_MS)
  const check: Effect.Effect<never, E> = Effect.suspend(() => {
    const since = waitingSince()
    const waited = since === undefined ? 0 : clock.unsafeCurrentTimeMillis() - since
    return waited >= ms ? Effect.fail(idle.onIdle()) : Effect.zipRight(Effect.sleep(Duration.millis(ms - waited)), check)
  })
  return check
}

/**
 * Writes `stream` into `file` from its current position (see the module): every piece through
 * `options.inspect`, pulls bounded by `options.idle`. Answers once every byte is written; on a
 * failure or an interruption, a write in flight is waited for (never abandoned on a descriptor
 * the caller is about to close).
 */
export const writeStream = <E, R, E2 = never, R2 = never, E3 = never>(
  file: FileSystem.File,
  stream: Stream.Stream<Uint8Array, E, R>,
  options: Options<E2, R2, E3> = {}
): Effect.Effect<void, E | E2 | E3 | PlatformError.PlatformError, R | R2> =>
  Effect.clockWith((clock) => {
    const size = Math.max(1, options.bufferBytes ?? WRITE_BUFFER_BYTES)
    const inspect = options.inspect
    const idle = options.idle
    // The buffer being filled and the other one (allocated when first needed: a small body
    // never takes the second), and the write in flight, if any.
    let filling: Uint8Array | undefined
    let spare: Uint8Array | undefined
    let filled = 0
    let writing: Fiber.RuntimeFiber<void, PlatformError.PlatformError> | undefined
    // When the current pull started (clock milliseconds), for the idle watchdog.
    let waitingSince: number | undefined

    // Starts writing what is filled and swaps the buffers. The write is uninterruptible: an
    // interrupted one would leave the OS write running on a descriptor about to be closed.
    const startWrite = Effect.suspend(() => {
      const full = filling!
      const view = full.subarray(0, filled)
      filling = spare
      spare = full
      filled = 0
      return Effect.map(Effect.forkDaemon(Effect.uninterruptible(file.writeAll(view))), (fiber) => {
        writing = fiber
      })
    })
    // Waits for the write in flight (its failure is the write's).
    const settle = Effect.suspend(() => {
      const fiber = writing
      if (fiber === undefined) return Effect.void
      return Effect.flatMap(Fiber.await(fiber), (exit) => {
        writing = undefined
        return exit
      })
    })
    // Copies `piece` into the buffers; answers an effect only when it must wait for the disk.
    const put = (piece: Uint8Array, from: number): Effect.Effect<void, PlatformError.PlatformError> | undefined => {
      let offset = from
      while (offset < piece.byteLength) {
        if (filling === undefined) filling = new Uint8Array(size)
        if (filled === size) {
          // Both buffers are taken: wait for the disk (back-pressure), then go on with the rest.
          const rest = offset
          return Effect.zipRight(Effect.zipRight(settle, startWrite), Effect.suspend(() => put(piece, rest) ?? Effect.void))
        }
        const n = Math.min(piece.byteLength - offset, size - filled)
        filling.set(n === piece.byteLength ? piece : piece.subarray(offset, offset + n), filled)
        filled += n
        offset += n
      }
      return undefined
    }
    // After a pull: the disk is kept busy with whatever has arrived.
    const keepWriting = Effect.suspend(() => {
      if (filled === 0) return Effect.void
      if (writing === undefined) return startWrite
      const done = writing.unsafePoll()
      if (done === null) return Effect.void
      writing = undefined
      return Exit.isFailure(done) ? done : startWrite
    })

    const loop = Effect.gen(function*() {
      const pull = yield* Stream.toPull(stream)
      for (;;) {
        waitingSince = clock.unsafeCurrentTimeMillis()
        const next: Option.Option<Chunk.Chunk<Uint8Array>> = yield* Effect.catchAll(
          Effect.asSome(pull),
          (end) => Option.isNone(end) ? Effect.succeedNone : Effect.fail(end.value)
        )
        waitingSince = undefined
        if (Option.isNone(next)) break
        for (const piece of next.value) {
          const first = inspect?.(piece)
          if (first !== undefined) yield* first
          const wait = put(piece, 0)
          if (wait !== undefined) yield* wait
        }
        yield* keepWriting
      }
      yield* settle
      if (filled > 0) {
        yield* startWrite
        yield* settle
      }
    }).pipe(
      Effect.scoped,
      // Also on failure and interruption: the write in flight finishes before the file is closed.
      Effect.ensuring(Effect.suspend(() => writing === undefined ? Effect.void : Fiber.await(writing)))
    )
    return idle === undefined ? loop : Effect.raceFirst(loop, watchdog(clock, idle, () => waitingSince))
  })
