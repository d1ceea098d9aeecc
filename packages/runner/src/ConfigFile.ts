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
import * as ConfigDocument from "@openrouter-effect/core/ConfigDocument"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Effect from "effect/Effect"
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
 * with its line:column or JSON path).
 *
 * @since 0.1.0 @category Reading
 */
export const load = (file: string): Effect.Effect<Loaded, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const exists = yield* fs.exists(file).pipe(Effect.mapError((error) => configError(file, error.message)))
    if (!exists) return { file, exists, raw: {} }
    const text = yield* fs.readFileString(file).pipe(Effect.mapError((error) => configError(file, `cannot read the config file: ${error.message}`)))
    const parsed = yield* ConfigDocument.parseText(text, file)
    return { file, exists, raw: { ...parsed.raw } }
  })

/**
 * Writes a document: the previous file is kept as `<file>.bak`, the new one written to a
 * temporary file and renamed over it; both 0600. The directory is created when missing.
 *
 * @since 0.1.0 @category Writing
 */
export const save = (file: string, document: unknown): Effect.Effect<void, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const slash = file.lastIndexOf("/")
    const directory = slash > 0 ? file.slice(0, slash) : "."
    yield* fs.makeDirectory(directory, { recursive: true })
    // The backup and the new file are each written beside their final name and renamed into
    // place: a failure, an interruption or a crash at any point leaves each name either as it was
    // or complete. A temporary file is removed when its step fails (a crash may leave one, never
    // under a final name).
    if (yield* fs.exists(file)) yield* AtomicFile.replace(`${file}.bak`, (temporary) => fs.copyFile(file, temporary), { mode: 0o600 })
    yield* AtomicFile.writeFile(file, `${JSON5.stringify(document, null, 2)}\n`, { mode: 0o600 })
  }).pipe(Effect.mapError((error) => configError(file, `cannot write the config file: ${error.message}`)))
