// StreamFile (issue 22, the video download's throughput): a body streamed to a file through two
// reusable write buffers. Every byte lands in order whatever the sizes of the pieces against the
// buffers; a refused piece, a failed write and an idle pull each end the write with their error.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Schedule, Stream } from "effect"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as StreamFile from "../src/internal/streamFile.js"

const dir = () => mkdtempSync(join(tmpdir(), "ore-stream-file-"))

/** `total` bytes of a pattern that differs at every offset a swap could misplace. */
const bytesOf = (total: number) => Uint8Array.from({ length: total }, (_, i) => (i * 31 + (i >> 8)) & 0xff)

/** `bytes` in pieces of `piece` bytes, `perPull` pieces to a pull. */
const body = (bytes: Uint8Array, piece: number, perPull = 1) => {
  const pieces: Array<Uint8Array> = []
  for (let at = 0; at < bytes.byteLength; at += piece) pieces.push(bytes.subarray(at, at + piece))
  return Stream.fromChunks(...Array.from({ length: Math.ceil(pieces.length / perPull) }, (_, i) => Chunk.unsafeFromArray(pieces.slice(i * perPull, (i + 1) * perPull))))
}

const write = <E>(path: string, stream: Stream.Stream<Uint8Array, E>, options: StreamFile.Options<never, never> = {}) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    Effect.scoped(Effect.flatMap(fs.open(path, { flag: "wx" }), (file) => StreamFile.writeStream(file, stream, options))))

describe("StreamFile.writeStream", () => {
  it.effect("every byte in order: pieces smaller, larger and not multiples of the buffer", () =>
    Effect.gen(function*() {
      const at = dir()
      const bytes = bytesOf(1_000_003)
      const cases: ReadonlyArray<readonly [piece: number, perPull: number, bufferBytes: number | undefined, size?: number]> = [
        [70_001, 1, 65_536], // pieces larger than a buffer
        [1_000, 7, 4_096], // several pieces to a pull, many swaps
        [65_536, 1, 65_536], // pieces exactly a buffer
        [333_333, 2, undefined], // the default buffer, bigger than the body's pieces
        [2_003, 1, 1, 5_003] // one-byte buffers, a write per byte
      ]
      for (const [i, [piece, perPull, bufferBytes, size]] of cases.entries()) {
        const path = join(at, `out-${i}`)
        const expected = bytes.subarray(0, size)
        yield* write(path, body(expected, piece, perPull), { bufferBytes })
        expect(Buffer.compare(readFileSync(path), expected), `case ${i}`).toBe(0)
      }
      // An empty body: an empty file.
      yield* write(join(at, "empty"), Stream.empty)
      expect(readFileSync(join(at, "empty")).byteLength).toBe(0)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("a piece refused by inspect ends the write with its error, and nothing after it is pulled", () =>
    Effect.gen(function*() {
      const path = join(dir(), "out")
      let pulled = 0
      const stream = Stream.repeatEffect(Effect.sync(() => (pulled++, new Uint8Array(1000)))).pipe(Stream.take(100))
      let seen = 0
      const error = yield* Effect.flip(
        write(path, stream, {
          bufferBytes: 4096,
          inspect: (piece) => (seen += piece.byteLength) > 10_000 ? Effect.fail("cap" as never) : undefined
        })
      )
      expect(error).toBe("cap")
      expect(pulled).toBe(11)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("a write that fails (a file opened for reading) ends the write with the platform error", () =>
    Effect.gen(function*() {
      const path = join(dir(), "read-only")
      writeFileSync(path, "")
      const fs = yield* FileSystem.FileSystem
      const error = yield* Effect.flip(
        Effect.scoped(Effect.flatMap(fs.open(path, { flag: "r" }), (file) => StreamFile.writeStream(file, body(bytesOf(300_000), 10_000), { bufferBytes: 65_536 })))
      )
      expect(error).toMatchObject({ _tag: "SystemError" })
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.live("a pull that brings nothing for idle.ms fails with onIdle(); steady pieces never do", () =>
    Effect.gen(function*() {
      const at = dir()
      const stalls = Stream.concat(body(bytesOf(10_000), 1_000), Stream.never)
      const error = yield* Effect.flip(
        write(join(at, "stalls"), stalls, { idle: { ms: 200, onIdle: () => "idle" as never } }).pipe(
          Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "no end" })
        )
      )
      expect(error).toBe("idle")
      // Pieces every 50 ms for a second: never idle for 200 ms, whatever the total.
      const slow = Stream.fromSchedule(Schedule.spaced("50 millis")).pipe(Stream.take(20), Stream.map(() => new Uint8Array(10)))
      yield* write(join(at, "slow"), slow, { idle: { ms: 200, onIdle: () => "idle" as never } })
      expect(readFileSync(join(at, "slow")).byteLength).toBe(200)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
