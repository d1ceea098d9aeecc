/**
 * Output files (generated images, speech, videos) written the way the CLI writes them: the place
 * is decided and checked writable before anything billable is sent ({@link plan}), and the bytes go
 * to an exclusive temporary file that becomes the output without replacing another file unless
 * `force` is given ({@link commit}).
 *
 * - A missing output is created. An existing regular file is kept: the output takes the first
 *   free name `<stem>-<n><ext>` (`speech.mp3` → `speech-1.mp3`). With `force` it is replaced
 *   atomically; a symbolic link to a regular file has its target replaced, the link kept.
 * - What is not a regular file (a directory, a device, a FIFO, a dangling link) is a `BadInput`.
 *
 * ```ts
 * import * as OutputFile from "@openrouter-effect/client/OutputFile"
 *
 * const program = Effect.gen(function*() {
 *   const where = yield* OutputFile.plan("out/speech.mp3")   // before the request
 *   const audio = yield* speech.synthesize({ text: "hi" })
 *   return yield* OutputFile.writeBytes(where, audio.bytes) // the path written
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as PlatformError from "@effect/platform/Error"
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Effect from "effect/Effect"
import * as internal from "./internal/outputFile.js"

/**
 * `force`: replace an existing regular file instead of choosing a new name.
 *
 * @since 0.1.0 @category Models
 */
export interface Options extends internal.Options {}

/**
 * Where an output goes: `requested`, the `path` to write (a new free name, or a symbolic link's
 * target), whether it `replace`s an existing file, and whether that is through a link.
 *
 * @since 0.1.0 @category Models
 */
export interface Plan extends internal.Plan {}

/**
 * Decides where the output asked for at `path` goes and checks its directory exists and is
 * writable, sending nothing. `field` names the option in a `BadInput`.
 *
 * @since 0.1.0 @category Planning
 */
export const plan = (
  path: string,
  options: Options = {},
  field = "out"
): Effect.Effect<Plan, OpenRouterError.BadInput, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => internal.plan(fs, path, options, field))

/**
 * Checks that files can be created in `directory` (created when missing), for outputs whose names
 * are known only from the answer (images).
 *
 * @since 0.1.0 @category Planning
 */
export const checkDirectory = (directory: string, field = "out"): Effect.Effect<void, OpenRouterError.BadInput, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => internal.checkDirectory(fs, directory, field))

/**
 * Puts an output in place: `write` fills the temporary name it is given (it must create it,
 * exclusively where it can), which becomes the planned path, or the next free name when that was
 * taken meanwhile. Answers the path written.
 *
 * @since 0.1.0 @category Writing
 */
export const commit = <E, R>(
  planned: Plan,
  write: (temporary: string) => Effect.Effect<void, E, R>,
  field = "out"
): Effect.Effect<string, E | OpenRouterError.BadInput, FileSystem.FileSystem | R> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => internal.commit(fs, planned, write, field))

/**
 * {@link commit} of bytes in memory, the temporary file created exclusively. Answers the path written.
 *
 * @since 0.1.0 @category Writing
 */
export const writeBytes = (
  planned: Plan,
  bytes: Uint8Array,
  field = "out"
): Effect.Effect<string, OpenRouterError.BadInput, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystem.FileSystem, (fs) =>
    internal.commit(
      fs,
      planned,
      (temporary) => fs.writeFile(temporary, bytes, { flag: "wx" }).pipe(Effect.mapError((error: PlatformError.PlatformError) => cannotWrite(planned, field, error))),
      field
    ))

/**
 * {@link plan} then {@link writeBytes}: a file saved without replacing another (unless `force`).
 *
 * @since 0.1.0 @category Writing
 */
export const save = (
  path: string,
  bytes: Uint8Array,
  options: Options = {},
  field = "out"
): Effect.Effect<string, OpenRouterError.BadInput, FileSystem.FileSystem> =>
  Effect.flatMap(plan(path, options, field), (planned) => writeBytes(planned, bytes, field))

const cannotWrite = (planned: Plan, field: string, error: PlatformError.PlatformError) =>
  internal.cannotWriteError(field, planned.path, error)
