/**
 * Reading the local files a user names, bounded: only regular files (or symbolic links to one)
 * are read, never a FIFO (the read would block for good) or a device such as `/dev/zero` (it never
 * ends), and never past the `Limits` that apply:
 *
 * - {@link readInput}: a file sent as input (an image, a video frame, audio to transcribe), at most
 *   `inputMediaBytes`; anything else is a `BadInput` naming the file (and the limit).
 * - {@link readRegular}: any regular file under a cap the caller gives, failing with a
 *   {@link LocalFileError} saying why.
 * - {@link readConfigText}: a config file, at most `configFileBytes`; a `ConfigError` naming the
 *   file (and the limit); no file is `None`.
 *
 * @since 0.1.0
 */
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as FileSystemTag from "@effect/platform/FileSystem"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as ConfigFile from "./internal/configFile.js"
import * as internal from "./internal/localFile.js"
import * as Limits from "./Limits.js"

/**
 * The bytes of the input file at `path`, at most `inputMediaBytes`. `field` names the option the
 * path came from (`--input`, `first_frame`, …) in the error.
 *
 * @since 0.1.0 @category Reading
 */
export const readInput = (
  path: string,
  field = "file"
): Effect.Effect<Uint8Array, OpenRouterError.BadInput, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystemTag.FileSystem
    const limits = yield* Limits.Limits
    return yield* internal.readBounded(fs, path, limits.inputMediaBytes).pipe(
      Effect.mapError((problem) =>
        new OpenRouterError.BadInput({
          field,
          value: path,
          message: problem._tag === "NotFound"
            ? `Cannot read ${path}: no such file`
            : problem._tag === "NotRegular"
            ? `Cannot read ${path}: it is ${internal.describeType(problem.type)}, not a regular file`
            : problem._tag === "TooLarge"
            ? `${path} exceeds inputMediaBytes (${Limits.formatBytes(problem.maxBytes)})`
            : `Cannot read ${path}: ${problem.error.message}`
        })
      )
    )
  })

/**
 * The text of the config file at `path`, or `None` when there is none; at most `configFileBytes`.
 *
 * @since 0.1.0 @category Reading
 */
export const readConfigText = (
  path: string
): Effect.Effect<Option.Option<string>, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystemTag.FileSystem, (fs) => ConfigFile.readText(fs, path))

/**
 * A bounded read was refused or failed: `reason` says why (`NotFound`, `NotRegular`, `TooLarge`,
 * `Unreadable`).
 *
 * @since 0.1.0 @category Errors
 */
export class LocalFileError extends Schema.TaggedError<LocalFileError>("@openrouter-effect/client/LocalFileError")("LocalFileError", {
  message: Schema.String,
  path: Schema.String,
  reason: Schema.Literal("NotFound", "NotRegular", "TooLarge", "Unreadable")
}) {}

/**
 * The bytes of the regular file at `path` (symbolic links followed), at most `maxBytes`; a FIFO,
 * a device or a directory is refused before it is opened.
 *
 * @since 0.1.0 @category Reading
 */
export const readRegular = (
  path: string,
  maxBytes: number
): Effect.Effect<Uint8Array, LocalFileError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystemTag.FileSystem, (fs) =>
    internal.readBounded(fs, path, maxBytes).pipe(
      Effect.mapError((problem) =>
        problem._tag === "NotFound"
          ? new LocalFileError({ path, reason: "NotFound", message: `${path}: no such file` })
          : problem._tag === "NotRegular"
          ? new LocalFileError({ path, reason: "NotRegular", message: `${path} is ${internal.describeType(problem.type)}, not a regular file` })
          : problem._tag === "TooLarge"
          ? new LocalFileError({ path, reason: "TooLarge", message: `${path} exceeds ${Limits.formatBytes(problem.maxBytes)}` })
          : new LocalFileError({ path, reason: "Unreadable", message: `cannot read ${path}: ${problem.error.message}` })
      )
    ))

/**
 * What is at a path: `Missing`; `File` (a regular file, or a symbolic link to one: `symlink` and
 * `real`, where the links lead); `DanglingLink`; `Other` (a directory, a device, a FIFO…).
 *
 * @since 0.1.0 @category Models
 */
export type Kind = internal.Kind

/**
 * What is at `path`, following symbolic links (see {@link Kind}).
 *
 * @since 0.1.0 @category Reading
 */
export const inspect = (path: string): Effect.Effect<Kind, PlatformError.PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(FileSystemTag.FileSystem, (fs) => internal.inspect(fs, path))

/**
 * "a directory", "a FIFO (named pipe)", "a character device"… for messages.
 *
 * @since 0.1.0 @category Formatting
 */
export const describeType: (type: FileSystem.File.Type) => string = internal.describeType
