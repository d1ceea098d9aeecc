/**
 * The configuration service: the OpenClaw-shaped JSON5 config file and the environment, read
 * once, with the core's pure resolvers (`Settings.resolveChat` / `resolveMedia` /
 * `resolveSpeech`) lifted into Effect.
 *
 * - {@link layer}: in memory, no I/O (a document and an environment given in code).
 * - {@link layerFile}: the file through `@effect/platform`'s `FileSystem`, at the location the
 *   core's `ConfigLocation.resolve` picks (`--config`, else `$OPENCLAW_CONFIG_PATH`, else
 *   `$OPENCLAW_STATE_DIR/openclaw.json`, else `~/.openclaw/openclaw.json`); the environment
 *   through Effect's `Config` (so any `ConfigProvider` can supply it).
 * - {@link layerConfig}: `layerFile()` with the location taken from the environment alone.
 *
 * ```ts
 * import { OpenRouterConfig } from "@openrouter-effect/client"
 * import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const config = yield* OpenRouterConfig.OpenRouterConfig
 *   const chat = yield* config.chat({ model: "openrouter/auto" })
 *   return chat.model.slug
 * })
 *
 * program.pipe(Effect.provide(OpenRouterConfig.layerConfig.pipe(Layer.provide(NodeFileSystem.layer))))
 * ```
 *
 * Base URLs are classified by the `RouteVerifier` in context when the service is built, else the
 * core's default policy: a host application swaps the route policy by providing its own. A
 * `baseUrl` override (`Overrides`) applies to every call that names none.
 *
 * The key never leaves `Redacted`: spans carry the model slug, the route class and the key's
 * source, never the key; a service that is logged or serialized shows its location and the names
 * of its variables and sections, never their values.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as ConfigDocument from "@openrouter-effect/core/ConfigDocument"
import * as ConfigLocation from "@openrouter-effect/core/ConfigLocation"
import * as Environment from "@openrouter-effect/core/Environment"
import type * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import * as ConfigFile from "./internal/configFile.js"

/**
 * Every variable named by a `${NAME}` reference (upper-case names, as the core substitutes them)
 * in any string of a raw document, at any depth. `$${NAME}` is an escaped literal and is not a
 * reference.
 *
 * @since 0.1.0 @category Environment
 */
export const referencedNames: (raw: unknown) => ReadonlySet<string> = ConfigFile.referencedNames

/**
 * Reads the named environment variables through Effect's `Config` (so the current
 * `ConfigProvider` decides where they come from: the process environment by default, a map in
 * tests). A variable that is missing is absent from the snapshot; one that is set but empty stays
 * empty (the core treats blank as unset). A provider cannot list its variables, so callers name
 * them: {@link FIXED_NAMES} and {@link referencedNames}.
 *
 * @since 0.1.0 @category Environment
 */
export const snapshot: (names: Iterable<string>) => Effect.Effect<Environment.Environment> = ConfigFile.snapshot

/**
 * The environment variables this provider reads by name, whatever the config says: the key, the
 * `connectTo` override, the config location variables and `HOME`.
 *
 * @since 0.1.0 @category Constants
 */
export const FIXED_NAMES: ReadonlyArray<string> = [
  Settings.API_KEY_VARIABLE,
  "OPENROUTER_CONNECT_TO",
  "OPENCLAW_CONFIG_PATH",
  "OPENCLAW_STATE_DIR",
  "HOME"
]

/**
 * The configuration service.
 *
 * @since 0.1.0 @category Models
 */
export interface Service {
  /** Where the file is (or would be); `undefined` when the document was given in code. */
  readonly location: ConfigLocation.Location | undefined
  /** Whether a config file was found and read. */
  readonly fileFound: boolean
  /** The document as parsed, before decoding and substitution: for writers that must keep `${VAR}` references. */
  readonly raw: Readonly<Record<string, unknown>>
  /** The decoded document (no `${VAR}` substituted yet: the resolvers do that). */
  readonly document: ConfigDocument.Document
  /** The environment snapshot the resolvers read (a missing variable is absent). */
  readonly environment: Environment.Environment
  /**
   * Who every request says it comes from (app attribution, on verified routes only); `undefined`
   * is the core's `HeaderPolicy.defaultIdentity`.
   */
  readonly identity?: HeaderPolicy.Identity | undefined
  /**
   * `Settings.resolveChat` over this document and environment, in a span of its own
   * (`OpenRouterConfig.chat`), or with `span: "caller"` as attributes of the caller's span.
   */
  readonly chat: (call?: Settings.ChatCall, options?: { readonly span?: "own" | "caller" | undefined }) => Effect.Effect<Settings.Chat, Settings.ResolveError>
  /** `Settings.resolveMedia` over this document and environment. */
  readonly media: (call: Settings.MediaCall) => Effect.Effect<Settings.Media, Settings.ResolveError>
  /** `Settings.resolveSpeech` over this document and environment. */
  readonly speech: (call?: Settings.SpeechCall) => Effect.Effect<Settings.Speech, Settings.ResolveError>
}

/**
 * The configuration service's tag.
 *
 * @since 0.1.0 @category Context
 */
export class OpenRouterConfig extends Context.Tag("@openrouter-effect/client/OpenRouterConfig")<
  OpenRouterConfig,
  Service
>() {}

interface Parts {
  readonly location: ConfigLocation.Location | undefined
  readonly fileFound: boolean
  readonly raw: Readonly<Record<string, unknown>>
  readonly document: ConfigDocument.Document
  readonly environment: Environment.Environment
}

// Resolution is a pure function of the document, the environment snapshot (both fixed for the
// service) and the call, so the settings of a call seen before are reused: chat resolves on every
// request. Calls that carry their own key are not cached (no secret in a cache key).
const CACHE_SIZE = 64

/**
 * What every resolution starts from, beside the document and the environment.
 *
 * @since 0.1.0 @category Models
 */
export interface Overrides {
  /**
   * The base URL of every call that names none, over the config's (the CLI's `--base-url`, the
   * `baseUrl` of `OpenRouter.layer`).
   */
  readonly baseUrl?: string | undefined
  /**
   * The key of every call that gives none, over the config's and the environment's (the `apiKey`
   * of `OpenRouter.layer`). Its source is reported as `"call"`.
   */
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** App attribution (`HTTP-Referer`, `X-OpenRouter-Title`, `X-OpenRouter-Categories`); default the core's. */
  readonly attribution?: HeaderPolicy.Identity | undefined
}

const build = (parts: Parts, overrides: Overrides, verifier: RouteVerifier.Service): Service => {
  const { document, environment } = parts
  const { apiKey, baseUrl } = overrides
  const withBase = <C extends { readonly baseUrl?: string | undefined; readonly apiKey?: string | Redacted.Redacted<string> | undefined }>(
    call: C
  ): C => {
    let out = call
    if (baseUrl !== undefined && out.baseUrl === undefined) out = { ...out, baseUrl }
    if (apiKey !== undefined && out.apiKey === undefined) out = { ...out, apiKey }
    return out
  }
  const cache = new Map<string, ReturnType<typeof Settings.resolveChat>>()
  const resolveChat = (call: Settings.ChatCall = {}) => Settings.resolveChat(document, environment, withBase(call), verifier)
  // The last call without params and its settings: such a call (the common case) is the same
  // strings call after call, compared without building the JSON key. Resolution is a function of
  // the call (the document and environment are snapshots), so this answers as the cache would.
  let last: {
    readonly model: string | undefined
    readonly baseUrl: string | undefined
    readonly agentId: string | undefined
    readonly thinking: string | undefined
    readonly result: ReturnType<typeof Settings.resolveChat>
  } | undefined
  const resolveChatCached = (call: Settings.ChatCall | undefined) => {
    if (call?.apiKey !== undefined) return resolveChat(call)
    const noParams = call?.params === undefined
    if (
      noParams && last !== undefined && last.model === call?.model && last.baseUrl === call?.baseUrl &&
      last.agentId === call?.agentId && last.thinking === call?.thinking
    ) return last.result
    const key = JSON.stringify([call?.model, call?.baseUrl, call?.agentId, call?.thinking, call?.params])
    let result = cache.get(key)
    if (result === undefined) {
      result = resolveChat(call)
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
      cache.set(key, result)
    }
    if (noParams) last = { model: call?.model, baseUrl: call?.baseUrl, agentId: call?.agentId, thinking: call?.thinking, result }
    return result
  }
  // A chat's span attributes, built once per settings object (the cache hands out the same one).
  const chatAttributes = new WeakMap<Settings.Chat, Record<string, unknown>>()
  const attributesOf = (chat: Settings.Chat) => {
    let attributes = chatAttributes.get(chat)
    if (attributes === undefined) {
      attributes = { ...ConfigFile.commonAttributes(chat), "openrouter.model.source": chat.modelSource }
      chatAttributes.set(chat, attributes)
    }
    return attributes
  }
  return Object.assign(Object.create(ConfigFile.ServiceProto) as object, {
    ...parts,
    identity: overrides.attribution,
    chat: (call, options) => {
      const resolved = Effect.suspend(() => resolveChatCached(call)).pipe(
        Effect.tap((chat) => Effect.annotateCurrentSpan(attributesOf(chat)))
      )
      return options?.span === "caller" ? resolved : Effect.withSpan(resolved, "OpenRouterConfig.chat", { captureStackTrace: false })
    },
    media: (call) =>
      Effect.suspend(() => Settings.resolveMedia(document, environment, withBase(call), verifier)).pipe(
        Effect.tap((media) => Effect.annotateCurrentSpan(ConfigFile.commonAttributes(media))),
        Effect.withSpan("OpenRouterConfig.media", { captureStackTrace: false, attributes: { "openrouter.media.kind": call.kind } })
      ),
    speech: (call) =>
      Effect.suspend(() => Settings.resolveSpeech(document, environment, withBase(call ?? {}), verifier)).pipe(
        Effect.tap((speech) => Effect.annotateCurrentSpan(ConfigFile.commonAttributes(speech))),
        Effect.withSpan("OpenRouterConfig.speech", { captureStackTrace: false })
      )
  } satisfies Service)
}

// The route policy in context, else the default one.
const currentVerifier = Effect.map(Effect.serviceOption(RouteVerifier.RouteVerifier), Option.getOrElse(RouteVerifier.make))

const isEmptyPlainObject = (value: unknown): boolean => {
  if (typeof value !== "object" || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return (proto === Object.prototype || proto === null) && Reflect.ownKeys(value).length === 0
}

const rawOf = (document: unknown): Readonly<Record<string, unknown>> =>
  Predicate.isRecord(document) && !Array.isArray(document) ? document : {}

/**
 * Builds the service from a document given in code and an environment snapshot. The document may
 * be a decoded `ConfigDocument.Document` or a raw object (as parsed from JSON5): either way it is
 * checked with `ConfigDocument.decode`, and a mismatch is a `ConfigError` naming the JSON path.
 * No document is the empty one.
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (options: Overrides & {
  readonly document?: ConfigDocument.Document | unknown
  readonly environment: Environment.Environment
  readonly location?: ConfigLocation.Location | undefined
  readonly fileFound?: boolean | undefined
}): Effect.Effect<Service, OpenRouterError.ConfigError> =>
  Effect.flatMap(currentVerifier, (verifier) => {
    const given = options.document ?? ConfigDocument.empty
    // An empty plain object (what `OpenRouter.layer` gives without model, params or headers) is
    // the empty document: decoding it would only build the whole document's parser on the
    // start-up path.
    const decoded = isEmptyPlainObject(given)
      ? Either.right(ConfigDocument.empty)
      : ConfigDocument.decode(given, options.location?.file)
    return Either.match(decoded, {
      onLeft: (error) => Effect.fail(error),
      onRight: (document) =>
        Effect.succeed(build({
          location: options.location,
          fileFound: options.fileFound ?? false,
          raw: rawOf(given),
          document,
          environment: options.environment
        }, options, verifier))
    })
  })

/**
 * The service from a document and an environment given in code: no file, no environment read, no
 * I/O. The environment defaults to `{}`.
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (options: Overrides & {
  readonly document?: unknown
  readonly environment?: Environment.Environment | undefined
} = {}): Layer.Layer<OpenRouterConfig, OpenRouterError.ConfigError> =>
  Layer.effect(OpenRouterConfig, make({ ...options, environment: options.environment ?? {} }))

/**
 * Builds the service from the config file and the environment.
 *
 * The environment snapshot is read through Effect's `Config` ({@link snapshot}): first
 * {@link FIXED_NAMES}, which locate the file (`ConfigLocation.resolve` with `path` as the
 * `--config` flag and `$HOME`, else `~`, as the home directory); then every name the file refers
 * to as `${NAME}` ({@link referencedNames}).
 *
 * A missing file is an empty document (`fileFound: false`). A file that does not parse is the
 * core's `ConfigError` with the file and `line:column`; one that does not match the schema names
 * the JSON path; one that cannot be read (permission, a directory) names the file and the reason.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeFile = (
  path?: string,
  overrides: Overrides = {}
): Effect.Effect<Service, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const verifier = yield* currentVerifier
    const fixed = yield* snapshot(FIXED_NAMES)
    const homeDir = Environment.get(fixed, "HOME") ?? "~"
    const location = ConfigLocation.resolve({ flag: path, environment: fixed, homeDir })
    yield* Effect.annotateCurrentSpan({
      "openrouter.config.file": location.file,
      "openrouter.config.source": location.source
    })
    const text = yield* ConfigFile.readText(fs, location.file)
    const parsed: ConfigDocument.Parsed = Option.isNone(text)
      ? { raw: {}, document: ConfigDocument.empty }
      : yield* ConfigDocument.parseText(text.value, location.file)
    yield* Effect.annotateCurrentSpan("openrouter.config.found", Option.isSome(text))
    const referenced = [...referencedNames(parsed.raw)].filter((name) => !FIXED_NAMES.includes(name))
    const more = referenced.length === 0 ? {} : yield* snapshot(referenced)
    return build({
      location,
      fileFound: Option.isSome(text),
      raw: parsed.raw,
      document: parsed.document,
      environment: { ...fixed, ...more }
    }, overrides, verifier)
  }).pipe(Effect.withSpan("OpenRouterConfig.load", { captureStackTrace: false }))

/**
 * The service from the config file and the environment (see {@link makeFile}). `path`, when
 * given, is the `--config` flag: it overrides `$OPENCLAW_CONFIG_PATH` and `$OPENCLAW_STATE_DIR`.
 *
 * @since 0.1.0 @category Layers
 */
export const layerFile = (
  path?: string,
  overrides: Overrides = {}
): Layer.Layer<OpenRouterConfig, OpenRouterError.ConfigError, FileSystem.FileSystem> =>
  Layer.effect(OpenRouterConfig, makeFile(path, overrides))

/**
 * `layerFile()`: the location from the environment alone (`$OPENCLAW_CONFIG_PATH`, else
 * `$OPENCLAW_STATE_DIR/openclaw.json`, else `~/.openclaw/openclaw.json`), every variable through
 * the current `ConfigProvider`. Use {@link layerFile} with a path for a `--config` flag.
 *
 * @since 0.1.0 @category Layers
 */
export const layerConfig: Layer.Layer<OpenRouterConfig, OpenRouterError.ConfigError, FileSystem.FileSystem> =
  layerFile()
