/**
 * Local files the client reads or replaces on a user's behalf: what a path is (missing, a regular
 * file, a symbolic link to one, something else), a bounded read of a regular file, and a short
 * stable digest for file names derived from server data (job ids of any length).
 *
 * A read checks the type before opening: opening a FIFO blocks until a writer appears and a
 * device such as `/dev/zero` never ends, so only regular files are read, and never past the cap
 * (a file that grows while it is read stops at the cap + 1 byte).
 */
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import { concat } from "./bytes.js"

/** What is at a path. `real` is where a symbolic link leads (all links followed). */
export type Kind =
  | { readonly _tag: "Missing" }
  | { readonly _tag: "File"; readonly size: number; readonly symlink: boolean; readonly real: string }
  | { readonly _tag: "DanglingLink"; readonly link: string }
  | { readonly _tag: "Other"; readonly type: FileSystem.File.Type; readonly symlink: boolean }

const isNotFound = (error: PlatformError.PlatformError): boolean => error._tag === "SystemError" && error.reason === "NotFound"

/** Whether `path` is itself a symbolic link (not followed). */
export const isSymlink = (fs: FileSystem.FileSystem, path: string): Effect.Effect<boolean> =>
  fs.readLink(path).pipe(Effect.as(true), Effect.orElseSucceed(() => false))

/** What is at `path`, following symbolic links. */
export const inspect = (fs: FileSystem.FileSystem, path: string): Effect.Effect<Kind, PlatformError.PlatformError> =>
  Effect.gen(function*() {
    const symlink = yield* isSymlink(fs, path)
    const info = yield* fs.stat(path).pipe(
      Effect.map((info) => ({ info })),
      Effect.catchIf(isNotFound, () => Effect.succeed(undefined))
    )
    if (info === undefined) return symlink ? { _tag: "DanglingLink", link: path } as const : { _tag: "Missing" } as const
    if (info.info.type !== "File") return { _tag: "Other", type: info.info.type, symlink } as const
    const real = symlink ? yield* fs.realPath(path) : path
    return { _tag: "File", size: Number(info.info.size), symlink, real } as const
  })

/** Why a bounded read failed. */
export type ReadProblem =
  | { readonly _tag: "NotFound" }
  | { readonly _tag: "NotRegular"; readonly type: FileSystem.File.Type }
  | { readonly _tag: "TooLarge"; readonly maxBytes: number }
  | { readonly _tag: "Failed"; readonly error: PlatformError.PlatformError }

const CHUNK = 64 * 1024

/**
 * The bytes of the regular file at `path` (symbolic links followed), at most `maxBytes` of them.
 * Anything that is not a regular file (a FIFO, a device, a directory) is refused before it is
 * opened; a file larger than the cap is refused from its size, and one that grows while read is
 * refused once the cap is passed: memory held stays ≤ the cap plus one chunk.
 */
export const readBounded = (
  fs: FileSystem.FileSystem,
  path: string,
  maxBytes: number
): Effect.Effect<Uint8Array, ReadProblem> =>
  Effect.gen(function*() {
    const failed = (error: PlatformError.PlatformError): ReadProblem =>
      isNotFound(error) ? { _tag: "NotFound" } : { _tag: "Failed", error }
    const before = yield* fs.stat(path).pipe(Effect.mapError(failed))
    if (before.type !== "File") return yield* Effect.fail<ReadProblem>({ _tag: "NotRegular", type: before.type })
    if (Number(before.size) > maxBytes) return yield* Effect.fail<ReadProblem>({ _tag: "TooLarge", maxBytes })
    return yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* fs.open(path, { flag: "r" }).pipe(Effect.mapError(failed))
      // Swapped between the stat and the open: check what was opened.
      const info = yield* file.stat.pipe(Effect.mapError(failed))
      if (info.type !== "File") return yield* Effect.fail<ReadProblem>({ _tag: "NotRegular", type: info.type })
      const chunks: Array<Uint8Array> = []
      let total = 0
      while (true) {
        const chunk = yield* file.readAlloc(CHUNK).pipe(Effect.mapError(failed))
        if (chunk._tag === "None" || chunk.value.byteLength === 0) break
        total += chunk.value.byteLength
        if (total > maxBytes) return yield* Effect.fail<ReadProblem>({ _tag: "TooLarge", maxBytes })
        chunks.push(chunk.value)
      }
      return concat(chunks)
    }))
  })

const TYPE_NAMES: Record<FileSystem.File.Type, string> = {
  File: "a regular file",
  Directory: "a directory",
  SymbolicLink: "a symbolic link",
  BlockDevice: "a block device",
  CharacterDevice: "a character device",
  FIFO: "a FIFO (named pipe)",
  Socket: "a socket",
  Unknown: "not a regular file"
}

/** "a directory", "a FIFO (named pipe)", … for messages. */
export const describeType = (type: FileSystem.File.Type): string => TYPE_NAMES[type]

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")

/** The SHA-256 of `text` (UTF-8) in hex, through Web Crypto (Node, Deno, Bun, browsers). */
export const sha256Hex = (text: string): Effect.Effect<string> =>
  Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))).pipe(
    Effect.map((digest) => hex(new Uint8Array(digest)))
  )
