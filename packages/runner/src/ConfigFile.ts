/**
 * Reading and writing the config file for the CLI's editing commands. Reads keep the raw JSON5
 * document (before `${VAR}` substitution); writes are atomic (a temporary file in the same
 * directory, then a rename), mode 0600, and keep the previous file as `<file>.bak` (also 0600,
 * written the same way).
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import type * as PlatformError from "@effect/platform/Error"
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
    const replace = (final: string, write: (temporary: string) => Effect.Effect<void, PlatformError.PlatformError>) => {
      const temporary = `${final}.${process.pid}.tmp`
      return Effect.gen(function*() {
        yield* write(temporary)
        yield* fs.chmod(temporary, 0o600)
        yield* fs.rename(temporary, final)
      }).pipe(Effect.onError(() => fs.remove(temporary).pipe(Effect.ignore)))
    }
    if (yield* fs.exists(file)) yield* replace(`${file}.bak`, (temporary) => fs.copyFile(file, temporary))
    yield* replace(file, (temporary) => fs.writeFileString(temporary, `${JSON5.stringify(document, null, 2)}\n`, { mode: 0o600 }))
  }).pipe(Effect.mapError((error) => configError(file, `cannot write the config file: ${error.message}`)))
