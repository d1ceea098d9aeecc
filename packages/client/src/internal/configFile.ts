/**
 * The machinery of `OpenRouterConfig`: which variables a document refers to, the environment
 * snapshot through Effect's `Config`, reading the file with errors that name it, and how the
 * service shows itself in logs and spans (never a value).
 *
 * @internal
 */
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Environment from "@openrouter-effect/core/Environment"
import type * as Settings from "@openrouter-effect/core/Settings"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Limits from "../Limits.js"
import type { Service } from "../OpenRouterConfig.js"
import * as LocalFile from "./localFile.js"

const REFERENCE = /\$\$\{[A-Z_][A-Z0-9_]*\}|\$\{([A-Z_][A-Z0-9_]*)\}/g

/**
 * Every variable named by a `${NAME}` reference (upper-case names, as the core substitutes them)
 * in any string of a raw document, at any depth. `$${NAME}` is an escaped literal and is not a
 * reference.
 *
 * @since 0.1.0 @category Environment
 */
export const referencedNames = (raw: unknown): ReadonlySet<string> => {
  const names = new Set<string>()
  const seen = new Set<object>()
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      for (const match of value.matchAll(REFERENCE)) {
        if (match[1] !== undefined) names.add(match[1])
      }
      return
    }
    if (typeof value !== "object" || value === null || seen.has(value)) return
    seen.add(value)
    for (const item of Array.isArray(value) ? value : Object.values(value)) visit(item)
  }
  visit(raw)
  return names
}

/**
 * Reads the named environment variables through Effect's `Config` (so the current
 * `ConfigProvider` decides where they come from: the process environment by default, a map in
 * tests). A variable that is missing is absent from the snapshot; one that is set but empty stays
 * empty (the core treats blank as unset). A provider cannot list its variables, so callers name
 * them: {@link FIXED_NAMES} and {@link referencedNames}.
 *
 * @since 0.1.0 @category Environment
 */
export const snapshot = (names: Iterable<string>): Effect.Effect<Environment.Environment> =>
  Effect.forEach(
    new Set(names),
    (name) =>
      Config.option(Config.string(name)).pipe(
        Effect.orElseSucceed(() => Option.none<string>()),
        Effect.map((value) => [name, value] as const)
      )
  ).pipe(
    Effect.map((entries) => {
      const environment: Record<string, string> = {}
      for (const [name, value] of entries) {
        if (Option.isSome(value)) environment[name] = value.value
      }
      return environment
    })
  )

const REASONS: Record<PlatformError.SystemErrorReason, string> = {
  AlreadyExists: "it already exists",
  BadResource: "it is not a readable file",
  Busy: "the resource is busy",
  InvalidData: "invalid data",
  NotFound: "no such file",
  PermissionDenied: "permission denied",
  TimedOut: "timed out",
  UnexpectedEof: "unexpected end of file",
  Unknown: "unknown error",
  WouldBlock: "the operation would block",
  WriteZero: "nothing was written"
}

const unreadable = (file: string, error: PlatformError.PlatformError): OpenRouterError.ConfigError =>
  new OpenRouterError.ConfigError({
    message: error._tag === "SystemError"
      ? `${file}: cannot read the config file: ${REASONS[error.reason]}${
        error.description !== undefined ? ` (${error.description})` : ""
      }`
      : `${file}: cannot read the config file: ${error.message}`,
    file
  })

/**
 * The config file's text, or none when there is no file. Only a regular file (or a symbolic link
 * to one) is read, and at most `configFileBytes` (from `Limits`) of it: a FIFO would block the read
 * for good, `/dev/zero` never ends, and a huge file would be held whole.
 */
export const readText = (
  fs: FileSystem.FileSystem,
  file: string
): Effect.Effect<Option.Option<string>, OpenRouterError.ConfigError> =>
  Effect.flatMap(Limits.Limits, (limits) =>
    LocalFile.readBounded(fs, file, limits.configFileBytes).pipe(
      Effect.map((bytes) => Option.some(new TextDecoder().decode(bytes))),
      Effect.catchAll((problem) => {
        switch (problem._tag) {
          case "NotFound":
            return Effect.succeed(Option.none<string>())
          case "NotRegular":
            return Effect.fail(
              new OpenRouterError.ConfigError({
                message: `${file}: cannot read the config file: it is ${LocalFile.describeType(problem.type)}, not a regular file`,
                file
              })
            )
          case "TooLarge":
            return Effect.fail(
              new OpenRouterError.ConfigError({
                message: `${file}: the config file exceeds configFileBytes (${Limits.formatBytes(problem.maxBytes)})`,
                file
              })
            )
          case "Failed":
            return Effect.fail(unreadable(file, problem.error))
        }
      })
    ))

// Span attributes of resolved settings: what was chosen and where the key came from, never the key.
export const commonAttributes = (
  settings: Pick<Settings.Common, "route" | "key"> & { readonly model: { readonly slug: string } }
) => ({
  "openrouter.model": settings.model.slug,
  "openrouter.route": settings.route.endpointClass,
  "openrouter.route.host_verified": settings.route.hostVerified,
  "openrouter.key.source": settings.key.source
})

// What a service shows when it is logged, serialized or ends up in a span's exit: where the file
// is, which variables and sections there are; never a value (the environment and the document
// may hold the key).
export const ServiceProto = {
  toJSON(this: Service) {
    return {
      _id: "OpenRouterConfig",
      location: this.location,
      fileFound: this.fileFound,
      variables: Object.keys(this.environment).sort(),
      sections: Object.keys(this.raw)
    }
  },
  toString(this: Service & { toJSON(): unknown }) {
    return Inspectable.format(this.toJSON())
  },
  [Inspectable.NodeInspectSymbol](this: Service & { toJSON(): unknown }) {
    return this.toJSON()
  }
}

