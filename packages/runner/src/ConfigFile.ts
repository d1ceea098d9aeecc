/**
 * Reading and writing the config file for the CLI's editing commands. Reads keep the raw JSON5
 * document (before `${VAR}` substitution); writes are atomic (the client's `AtomicFile`: a
 * temporary file `<name>.<random>.tmp` in the same directory, then a rename), mode 0600, and keep
 * the previous file as `<file>.bak` (also 0600, written the same way).
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as AtomicFile from "@openrouter-effect/client/AtomicFile"
import * as Limits from "@openrouter-effect/client/Limits"
import * as LocalFile from "@openrouter-effect/client/LocalFile"
import * as ConfigDocument from "@openrouter-effect/core/ConfigDocument"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import JSON5 from "json5"

/** A config file as read. @since 0.1.0 @category Models */
export interface Loaded {
  readonly file: string
  readonly exists: boolean
  /** The raw document; `{}` when the file does not exist. */
  readonly raw: Record<string, unknown>
}

const configError = (file: string, reason: string) =>
  new OpenRouterError.ConfigError({ message: `${file}: ${reason}`, file })

/**
 * Reads the raw document, checking it with the config Schema (a broken file is a ConfigError
 * with its line:column or JSON path). Only a regular file (or a symbolic link to one) is read, at
 * most `configFileBytes` (`Limits`): a FIFO, a device or a huge file is a ConfigError naming it.
 *
 * @since 0.1.0 @category Reading
 */
export const load = (file: string): Effect.Effect<Loaded, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const text = yield* LocalFile.readConfigText(file)
    if (Option.isNone(text)) return { file, exists: false, raw: {} }
    const parsed = yield* ConfigDocument.parseText(text.value, file)
    return { file, exists: true, raw: { ...parsed.raw } }
  })

/** What a save wrote. @since 0.1.0 @category Models */
export interface Saved {
  /** The file written: the config file, or where it leads when it is a symbolic link. */
  readonly written: string
  /** The config file was a symbolic link: its target was replaced, the link kept. */
  readonly viaSymlink: boolean
}

/**
 * Writes a document: the previous file is kept as `<file>.bak`, the new one written to a
 * temporary file and renamed over it; both 0600. The directory is created when missing.
 *
 * Only a regular file is replaced: a device (`--config /dev/null`), a FIFO, a directory or a
 * dangling symbolic link is a ConfigError and nothing is written. When the config file is a
 * symbolic link to a regular file, its target is replaced atomically (with its own `.bak` beside
 * it), the link stays, and the command says so on stderr. Every temporary file is created
 * exclusively under a random name (a planted file or symlink is never followed), the backup's
 * too: it is written from the bytes read (bounded by `configFileBytes`), not copied onto a name.
 *
 * @since 0.1.0 @category Writing
 */
export const save = (file: string, document: unknown): Effect.Effect<Saved, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const limits = yield* Limits.Limits
    const slash = file.lastIndexOf("/")
    const directory = slash > 0 ? file.slice(0, slash) : "."
    yield* fs.makeDirectory(directory, { recursive: true })
    const kind = yield* LocalFile.inspect(file)
    if (kind._tag === "Other") {
      return yield* Effect.fail(configError(file, `cannot write the config file: it is ${LocalFile.describeType(kind.type)}, not a regular file; it was left as it is`))
    }
    if (kind._tag === "DanglingLink") {
      return yield* Effect.fail(configError(file, "cannot write the config file: it is a symbolic link to a missing file; it was left as it is"))
    }
    const target = kind._tag === "File" ? kind.real : file
    // The backup and the new file are each written beside their final name and renamed into
    // place: a failure, an interruption or a crash at any point leaves each name either as it was
    // or complete. A temporary file is removed when its step fails (a crash may leave one, never
    // under a final name).
    if (kind._tag === "File") {
      const previous = yield* LocalFile.readRegular(target, limits.configFileBytes)
      yield* AtomicFile.writeFile(`${target}.bak`, previous, { mode: 0o600 })
    }
    yield* AtomicFile.writeFile(target, `${JSON5.stringify(document, null, 2)}\n`, { mode: 0o600 })
    const viaSymlink = kind._tag === "File" && kind.symlink
    if (viaSymlink) yield* Console.error(`${file} is a symbolic link: wrote its target ${target} (the link is kept)`)
    return { written: target, viaSymlink }
  }).pipe(Effect.mapError((error) => error._tag === "ConfigError" ? error : configError(file, `cannot write the config file: ${error.message}`)))
