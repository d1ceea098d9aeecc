/**
 * Crash-safe file replacement over `@effect/platform`'s `FileSystem`, the way the client writes
 * its own files (the model cache, stored video jobs) and the CLI writes the config: the content
 * goes to a temporary file beside the target, `<path>.<16 random hex digits>.tmp`, created
 * exclusively, which is then renamed over the target. A reader, or a process after a crash, sees
 * the old file or the complete new one; a failed or interrupted write removes its temporary file
 * and leaves the target as it was. (A process killed outright can leave a `*.tmp` behind, never a
 * partial file under the target's name.)
 *
 * ```ts
 * import * as AtomicFile from "@openrouter-effect/client/AtomicFile"
 *
 * const save = AtomicFile.writeFile("/home/me/.openclaw/notes.json", "{}\n", { mode: 0o600 })
 * ```
 *
 * @since 0.1.0
 */
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Effect from "effect/Effect"
import * as internal from "./internal/atomicFile.js"

/**
 * How a replaced file is created: `mode` (e.g. `0o600`) is given at creation and set again with
 * `chmod` before the rename, since the creation mode is reduced by the umask. Without it, the
 * platform's default.
 *
 * @since 0.1.0 @category Models
 */
export interface Options extends internal.Options {}

/**
 * Writes `data` (text as UTF-8, or bytes) to `path` atomically. The directory must exist.
 *
 * @since 0.1.0 @category Writing
 */
export const writeFile: (
  path: string,
  data: string | Uint8Array,
  options?: Options
) => Effect.Effect<void, PlatformError.PlatformError, FileSystem.FileSystem> = internal.writeFileAtomic

/**
 * Replaces `path` with whatever `write` puts under the temporary name it is given (a copy, a
 * stream), then renames it over `path`; on failure or interruption the temporary file is removed.
 * Prefer {@link writeFile} when the content is in memory: it also creates the file exclusively.
 *
 * @since 0.1.0 @category Writing
 */
export const replace: <E, R>(
  path: string,
  write: (temporary: string) => Effect.Effect<void, E, R>,
  options?: Options
) => Effect.Effect<void, E | PlatformError.PlatformError, FileSystem.FileSystem | R> = internal.replaceFile
