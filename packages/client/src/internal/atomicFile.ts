/**
 * The one way this project replaces a file: write a temporary file beside it, then rename it over
 * the final name. A reader (or a process after a crash) sees the old file or the complete new one,
 * never half of one. `AtomicFile` is the public face of this module.
 *
 * The temporary name is `<path>.<16 random hex digits>.tmp`: in the same directory (a rename
 * across file systems is not atomic), unguessable (another local user cannot plant a file or a
 * symlink under it in advance) and created exclusively (`wx`: an existing file or symlink under
 * that name fails the write rather than being followed or truncated).
 */
import type * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** How a replaced file is created. */
export interface Options {
  /**
   * The file's permission bits, e.g. `0o600`. Given at creation and set again with `chmod` before
   * the rename (the creation mode is reduced by the umask). Without it, the platform's default.
   */
  readonly mode?: number | undefined
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")

/** A fresh temporary name beside `path`: `<path>.<16 random hex digits>.tmp`. */
export const temporaryName = (path: string): string =>
  `${path}.${hex(globalThis.crypto.getRandomValues(new Uint8Array(8)))}.tmp`

/**
 * Replaces `path` with whatever `write` puts under the temporary name it is given, then renames
 * that over `path` (after a `chmod` when `mode` is given). When any step fails or is interrupted,
 * the temporary file is removed and `path` is as it was. Use it when the content does not come
 * from memory (a copy, a stream); `write` should create the file exclusively where it can.
 */
export const replaceFile = <E, R>(
  path: string,
  write: (temporary: string) => Effect.Effect<void, E, R>,
  options: Options = {}
): Effect.Effect<void, E | PlatformError.PlatformError, FileSystem.FileSystem | R> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => {
    const mode = options.mode
    const attempt = (left: number): Effect.Effect<void, E | PlatformError.PlatformError, R> =>
      Effect.suspend(() => {
        const temporary = temporaryName(path)
        let written = false
        // Someone holds the name the write was to create (a planted file or symlink, or an
        // astronomically rare clash): it was neither followed nor truncated, and it is not ours.
        const planted = (error: unknown) => !written && isAlreadyExists(error)
        return write(temporary).pipe(
          Effect.tap(() => {
            written = true
          }),
          Effect.zipRight(mode === undefined ? Effect.void : fs.chmod(temporary, mode)),
          Effect.zipRight(fs.rename(temporary, path)),
          // Also on interruption. After a rename that went through, nothing is left to remove.
          Effect.onError((cause) =>
            Cause.failureOption(cause).pipe(Option.exists(planted)) ? Effect.void : fs.remove(temporary).pipe(Effect.ignore)
          ),
          // …so take another random name.
          Effect.catchIf((error) => left > 0 && planted(error), () => attempt(left - 1))
        )
      })
    return attempt(3)
  })

/** A write that failed because its exclusive name already existed. */
export const isAlreadyExists = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "SystemError" &&
  (error as { reason?: unknown }).reason === "AlreadyExists"

/**
 * Writes `data` (text as UTF-8, or bytes) to `path` atomically: {@link replaceFile} with the
 * temporary file created exclusively (`wx`) with `mode`. The directory must exist.
 */
export const writeFileAtomic = (
  path: string,
  data: string | Uint8Array,
  options: Options = {}
): Effect.Effect<void, PlatformError.PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => {
    const flags = options.mode === undefined ? { flag: "wx" as const } : { flag: "wx" as const, mode: options.mode }
    return replaceFile(
      path,
      (temporary) => typeof data === "string" ? fs.writeFileString(temporary, data, flags) : fs.writeFile(temporary, data, flags),
      options
    )
  })
