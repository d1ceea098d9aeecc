/**
 * Model capabilities (reference §1.3, §8.1): what a model can do and what it costs, from
 * OpenRouter's public `GET /models` list, with the core's bundled catalogue as the fallback.
 *
 * - Lookups go memory → disk → network. The memory copy lives as long as the service; the disk
 *   copy is `<stateDir>/cache/openrouter-models.json` (`{ version: 1, baseUrl, fetchedAt, models }`,
 *   the raw `/models` entries) and is refreshed when it is older than {@link CACHE_TTL}, of
 *   another version or for another base URL. At most one network fetch runs at a time: callers
 *   that arrive while one is under way wait for it and share its result.
 * - A failed lookup (network, non-2xx, malformed body) never fails the caller: it is logged with
 *   `Effect.logWarning`, the answer comes from an expired disk copy if there is one, else from the
 *   bundled catalogue, and the network is not asked again for {@link FAILURE_COOLDOWN}.
 *   {@link Service.refresh} is the one operation that reports the failure.
 *
 * ```ts
 * import { Models, OpenRouterHttp } from "@openrouter-effect/client"
 * import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const models = yield* Models.Models
 *   const kimi = yield* models.find("moonshotai/kimi-k2.6")
 *   return kimi.contextWindow
 * })
 *
 * program.pipe(
 *   Effect.provide(Models.layer({ stateDir: "/home/me/.openclaw" })),
 *   Effect.provide(Layer.mergeAll(OpenRouterHttp.layer(), NodeFileSystem.layer)),
 *   Effect.provide(OpenRouterHttp.layerFetch)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Catalog, OpenRouterError, type Thinking } from "@openrouter-effect/core"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import * as Random from "effect/Random"
import * as Schema from "effect/Schema"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as OpenRouterHttp from "./OpenRouterHttp.js"

// ---------------------------------------------------------------------------------------------
// Capabilities
// ---------------------------------------------------------------------------------------------

/** Where a model's capabilities came from. @since 0.1.0 @category Models */
export type Source = "bundled" | "live"

/** Prices in US dollars per million tokens. @since 0.1.0 @category Models */
export interface Pricing {
  readonly prompt: number
  readonly completion: number
  readonly cacheRead: number
  readonly cacheWrite: number
}

/** What a model can do and what it costs. @since 0.1.0 @category Models */
export interface Capabilities {
  /** The OpenRouter API slug. */
  readonly id: string
  readonly name: string
  /** `supported_parameters` includes `reasoning` (never for Hunter Alpha). */
  readonly reasoning: boolean
  /** `supported_parameters` includes `tools`; `undefined` when the model did not say. */
  readonly tools: boolean | undefined
  /** Lower-case modality names; always starts with `"text"`. */
  readonly inputModalities: ReadonlyArray<string>
  /** Lower-case modality names; never empty (`["text"]` when the model did not say). */
  readonly outputModalities: ReadonlyArray<string>
  /** A positive integer. */
  readonly contextWindow: number
  /** A positive integer. */
  readonly maxTokens: number
  /** Finite and non-negative. */
  readonly pricing: Pricing
  /** `"live"` from `/models`; `"bundled"` from the core's catalogue or its unknown-model defaults. */
  readonly source: Source
}

/** The context window of a live model that does not state one (§1.3). @since 0.1.0 @category Constants */
export const LIVE_DEFAULT_CONTEXT_WINDOW = 128_000

/** The output-token limit of a live model that does not state one (§1.3). @since 0.1.0 @category Constants */
export const LIVE_DEFAULT_MAX_TOKENS = 8192

// ---------------------------------------------------------------------------------------------
// The `/models` entry
// ---------------------------------------------------------------------------------------------

const OptionalCount = Schema.optional(Schema.NullOr(Schema.Number))
const OptionalPrice = Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number)))
const OptionalList = Schema.optional(Schema.NullOr(Schema.Array(Schema.Unknown)))
const OptionalText = Schema.optional(Schema.NullOr(Schema.String))

/**
 * One entry of `GET /models` (§8.1), lean: only the fields capabilities are read from are
 * checked, every other field is kept as it came. `id` must be a non-empty string without
 * surrounding spaces; the fields read must have their documented type (or be absent or `null`).
 *
 * @since 0.1.0 @category Schemas
 */
export const ApiModel = Schema.Struct(
  {
    id: Schema.NonEmptyTrimmedString,
    name: OptionalText,
    context_length: OptionalCount,
    max_completion_tokens: OptionalCount,
    max_output_tokens: OptionalCount,
    modality: OptionalText,
    architecture: Schema.optional(Schema.NullOr(Schema.Struct({
      modality: OptionalText,
      input_modalities: OptionalList,
      output_modalities: OptionalList
    }))),
    pricing: Schema.optional(Schema.NullOr(Schema.Struct({
      prompt: OptionalPrice,
      completion: OptionalPrice,
      input_cache_read: OptionalPrice,
      input_cache_write: OptionalPrice
    }))),
    top_provider: Schema.optional(Schema.NullOr(Schema.Struct({
      context_length: OptionalCount,
      max_completion_tokens: OptionalCount
    }))),
    supported_parameters: OptionalList
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/** @since 0.1.0 @category Models */
export type ApiModel = typeof ApiModel.Type

const decodeApiModel = Schema.decodeUnknownEither(ApiModel)

/** An entry that decoded, with the value it was decoded from (what the disk cache stores). @since 0.1.0 @category Models */
export interface Decoded {
  readonly raw: unknown
  readonly model: ApiModel
}

/**
 * Decodes a list of `/models` entries, skipping (not failing on) those that do not decode, and
 * keeping the first of several entries with the same id.
 *
 * @since 0.1.0 @category Parsing
 */
export const decodeEntries = (entries: ReadonlyArray<unknown>): ReadonlyArray<Decoded> => {
  const seen = new Set<string>()
  const out: Array<Decoded> = []
  for (const raw of entries) {
    const decoded = decodeApiModel(raw)
    if (Either.isLeft(decoded) || seen.has(decoded.right.id)) continue
    seen.add(decoded.right.id)
    out.push({ raw, model: decoded.right })
  }
  return out
}

const STRICT_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i

/**
 * A per-token price (a decimal string or a number) in US dollars per million tokens. Anything
 * unparsable, non-finite or negative (OpenRouter prices variable routers at `"-1"`) is 0.
 *
 * @since 0.1.0 @category Parsing
 */
export const perMillion = (value: unknown): number => {
  const n = typeof value === "number"
    ? value
    : typeof value === "string" && STRICT_NUMBER.test(value.trim())
    ? Number(value.trim())
    : Number.NaN
  const scaled = n * 1e6
  // toPrecision removes the binary noise of the scaling (0.0000003 × 1e6 = 0.3, not 0.29999…)
  return Number.isFinite(scaled) && scaled > 0 ? Number(scaled.toPrecision(12)) : 0
}

// A positive token count, else undefined (so the fallback chain moves on).
const count = (value: number | null | undefined): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined

const names = (list: ReadonlyArray<unknown> | null | undefined): ReadonlyArray<string> =>
  (list ?? []).flatMap((item) => typeof item === "string" && item.trim() !== "" ? [item.trim().toLowerCase()] : [])

// "text+image->text" → [["text", "image"], ["text"]]
const modalitySides = (modality: string | null | undefined): readonly [ReadonlyArray<string>, ReadonlyArray<string>] => {
  if (modality === null || modality === undefined) return [[], []]
  const arrow = modality.indexOf("->")
  const split = (side: string) => names(side.split(/[+,]/))
  return arrow < 0 ? [split(modality), []] : [split(modality.slice(0, arrow)), split(modality.slice(arrow + 2))]
}

const unique = (items: ReadonlyArray<string>): ReadonlyArray<string> => [...new Set(items)]

/**
 * Whether a slug is Hunter Alpha, which never reasons (reference §7.2): lower-cased it is
 * `openrouter/hunter-alpha` or starts with `openrouter/hunter-alpha:`.
 *
 * @since 0.1.0 @category Models
 */
export const isHunterAlpha = (slug: string): boolean => {
  const lower = slug.trim().toLowerCase()
  return lower === "openrouter/hunter-alpha" || lower.startsWith("openrouter/hunter-alpha:")
}

/**
 * The capabilities of a decoded `/models` entry (reference §1.3):
 *
 * - `reasoning`: `supported_parameters` includes `reasoning` (and the model is not Hunter Alpha);
 * - `tools`: `supported_parameters` includes `tools`, `undefined` when it is not an array;
 * - input: `"text"`, then `architecture.input_modalities` and the part of `architecture.modality`
 *   (or `modality`) before `->`; output: `architecture.output_modalities` and the part after
 *   `->`, else `["text"]`;
 * - `contextWindow`: `top_provider.context_length` ?? `context_length` ?? 128 000;
 * - `maxTokens`: `top_provider.max_completion_tokens` ?? `max_completion_tokens` ??
 *   `max_output_tokens` ?? 8192 (a value that is not a positive number counts as absent);
 * - pricing: `prompt`, `completion`, `input_cache_read`, `input_cache_write` through
 *   {@link perMillion}.
 *
 * @since 0.1.0 @category Parsing
 */
export const fromApiModel = (model: ApiModel): Capabilities => {
  const parameters = Array.isArray(model.supported_parameters) ? model.supported_parameters : undefined
  const architecture = model.architecture ?? undefined
  const [modalityIn, modalityOut] = modalitySides(architecture?.modality ?? model.modality)
  const output = unique([...names(architecture?.output_modalities), ...modalityOut])
  const pricing = model.pricing ?? undefined
  const top = model.top_provider ?? undefined
  return {
    id: model.id,
    name: model.name !== undefined && model.name !== null && model.name.trim() !== "" ? model.name : model.id,
    reasoning: parameters !== undefined && parameters.includes("reasoning") && !isHunterAlpha(model.id),
    tools: parameters === undefined ? undefined : parameters.includes("tools"),
    inputModalities: unique(["text", ...names(architecture?.input_modalities), ...modalityIn]),
    outputModalities: output.length > 0 ? output : ["text"],
    contextWindow: count(top?.context_length) ?? count(model.context_length) ?? LIVE_DEFAULT_CONTEXT_WINDOW,
    maxTokens: count(top?.max_completion_tokens) ?? count(model.max_completion_tokens) ??
      count(model.max_output_tokens) ?? LIVE_DEFAULT_MAX_TOKENS,
    pricing: {
      prompt: perMillion(pricing?.prompt),
      completion: perMillion(pricing?.completion),
      cacheRead: perMillion(pricing?.input_cache_read),
      cacheWrite: perMillion(pricing?.input_cache_write)
    },
    source: "live"
  }
}

/**
 * The capabilities of a bundled catalogue entry (or of `Catalog.describe`'s unknown-model
 * defaults): text output, `tools` unknown.
 *
 * @since 0.1.0 @category Constructors
 */
export const fromCatalogEntry = (entry: Catalog.Entry): Capabilities => ({
  id: entry.id,
  name: entry.name,
  reasoning: entry.reasoning,
  tools: undefined,
  inputModalities: unique(["text", ...entry.input]),
  outputModalities: ["text"],
  contextWindow: entry.contextWindow,
  maxTokens: entry.maxTokens,
  pricing: {
    prompt: entry.cost.input,
    completion: entry.cost.output,
    cacheRead: entry.cost.cacheRead,
    cacheWrite: entry.cost.cacheWrite
  },
  source: "bundled"
})

/** The bundled catalogue as capabilities. @since 0.1.0 @category Catalogue */
export const bundled: ReadonlyArray<Capabilities> = Catalog.bundled.map(fromCatalogEntry)

const bundledById: ReadonlyMap<string, Capabilities> = new Map(bundled.map((c) => [c.id, c]))

/**
 * The entries of a `/models` body (`{ "data": [...] }`); anything else has none.
 *
 * @since 0.1.0 @category Parsing
 */
export const entriesOf = (body: unknown): ReadonlyArray<unknown> | undefined =>
  Predicate.isRecord(body) && Array.isArray(body["data"]) ? body["data"] : undefined

/**
 * Parses a `/models` body into capabilities: entries that do not decode are skipped; a body
 * that is not `{ "data": [...] }` has none. Never throws.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseModels = (body: unknown): ReadonlyArray<Capabilities> =>
  decodeEntries(entriesOf(body) ?? []).map(({ model }) => fromApiModel(model))

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

/** The disk cache's format version. @since 0.1.0 @category Constants */
export const CACHE_VERSION = 1

/** How long a disk copy is used before the network is asked again. @since 0.1.0 @category Constants */
export const CACHE_TTL: Duration.Duration = Duration.hours(24)

/** After a failed lookup, how long callers get the fallback without asking the network again. @since 0.1.0 @category Constants */
export const FAILURE_COOLDOWN: Duration.Duration = Duration.minutes(5)

/** Per attempt, until the response headers arrive (§1.3). @since 0.1.0 @category Constants */
export const FETCH_TIMEOUT: Duration.Duration = Duration.seconds(10)

/** Reading the `/models` body, after the headers. @since 0.1.0 @category Constants */
export const BODY_TIMEOUT: Duration.Duration = Duration.seconds(30)

/** The cache file under a state directory: `<stateDir>/cache/openrouter-models.json`. @since 0.1.0 @category Constants */
export const cacheFile = (stateDir: string): string => `${cacheDirectory(stateDir)}/openrouter-models.json`

const cacheDirectory = (stateDir: string): string => `${stateDir.replace(/[\\/]+$/, "")}/cache`

/** The model capabilities service. @since 0.1.0 @category Models */
export interface Service {
  /**
   * The bundled catalogue and the live list together, sorted by id (code-unit order); a live
   * entry replaces the bundled one with the same id.
   */
  readonly list: Effect.Effect<ReadonlyArray<Capabilities>>
  /**
   * A model's capabilities: the live entry, else the bundled one; for a `slug:variant` without
   * an entry of its own, the same for `slug` (answered with the variant's id); else the core's
   * unknown-model defaults (`Catalog.describe`). Never fails.
   */
  readonly find: (slug: string) => Effect.Effect<Capabilities>
  /** What {@link find} says about thinking, for `Thinking.defaultLevel`. */
  readonly thinkingCapabilities: (slug: string) => Effect.Effect<Thinking.Capabilities>
  /** Fetches the list now (memory and disk follow); the one operation that reports a failure. */
  readonly refresh: Effect.Effect<void, OpenRouterHttp.ExecuteError>
}

/** @since 0.1.0 @category Context */
export class Models extends Context.Tag("@openrouter-effect/client/Models")<Models, Service>() {}

/** @since 0.1.0 @category Models */
export interface Options {
  /** The state directory; the disk cache is off without one. */
  readonly stateDir?: string | undefined
}

interface Snapshot {
  readonly fetchedAt: number
  readonly byId: ReadonlyMap<string, Capabilities>
  /** Read from an expired disk copy after the network failed: used, but replaced when possible. */
  readonly stale: boolean
}

interface State {
  readonly live: Snapshot | undefined
  readonly failedAt: number | undefined
}

interface Disk {
  readonly read: (baseUrl: string, now: number) => Effect.Effect<Snapshot | undefined>
  readonly write: (baseUrl: string, fetchedAt: number, entries: ReadonlyArray<Decoded>) => Effect.Effect<void>
}

const snapshotOf = (entries: ReadonlyArray<Decoded>, fetchedAt: number, stale: boolean): Snapshot => ({
  fetchedAt,
  stale,
  byId: new Map(entries.map(({ model }) => [model.id, fromApiModel(model)]))
})

const messageOf = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : String(error)

const makeDisk = (fs: FileSystem.FileSystem, stateDir: string): Disk => {
  const directory = cacheDirectory(stateDir)
  const file = cacheFile(stateDir)
  const ttl = Duration.toMillis(CACHE_TTL)
  return {
    read: (baseUrl, now) =>
      fs.readFileString(file).pipe(
        Effect.map((text): Snapshot | undefined => {
          let document: unknown
          try {
            document = JSON.parse(text)
          } catch {
            return undefined
          }
          if (
            !Predicate.isRecord(document) || document["version"] !== CACHE_VERSION ||
            document["baseUrl"] !== baseUrl || !Array.isArray(document["models"])
          ) return undefined
          const fetchedAt = document["fetchedAt"]
          if (typeof fetchedAt !== "number" || !Number.isFinite(fetchedAt)) return undefined
          const age = now - fetchedAt
          return snapshotOf(decodeEntries(document["models"]), fetchedAt, age < 0 || age >= ttl)
        }),
        // a missing or unreadable file is no cache (nor is a file system that dies on us)
        Effect.catchAllCause(() => Effect.succeed(undefined))
      ),
    write: (baseUrl, fetchedAt, entries) =>
      Effect.gen(function*() {
        yield* fs.makeDirectory(directory, { recursive: true })
        const nonce = yield* Random.nextIntBetween(0, 0x7fffffff)
        const temp = `${file}.${fetchedAt.toString(36)}-${nonce.toString(36)}.tmp`
        const text = JSON.stringify({ version: CACHE_VERSION, baseUrl, fetchedAt, models: entries.map((e) => e.raw) })
        yield* fs.writeFileString(temp, text).pipe(
          Effect.zipRight(fs.rename(temp, file)),
          Effect.tapError(() => fs.remove(temp).pipe(Effect.ignore))
        )
      }).pipe(
        Effect.uninterruptible,
        Effect.catchAllCause((cause) =>
          Effect.logWarning(`Could not write the model cache ${file}: ${messageOf(Cause.squash(cause))}`)
        )
      )
  }
}

const makeWith = (disk: Disk | undefined): Effect.Effect<Service, never, OpenRouterHttp.OpenRouterHttp> =>
  Effect.gen(function*() {
    const http = yield* OpenRouterHttp.OpenRouterHttp
    const state = yield* SynchronizedRef.make<State>({ live: undefined, failedAt: undefined })
    const cooldown = Duration.toMillis(FAILURE_COOLDOWN)

    // GET /models → decoded entries; memory is the caller's business, disk is written here.
    const fetchLive: Effect.Effect<Snapshot, OpenRouterHttp.ExecuteError> = Effect.gen(function*() {
      const response = yield* http.execute(
        HttpClientRequest.get(http.url("/models")).pipe(HttpClientRequest.acceptJson),
        { retryClass: "idempotent-get", timeout: FETCH_TIMEOUT, operation: "models", authenticate: false }
      )
      const body = yield* response.json.pipe(
        Effect.mapError((error) =>
          new OpenRouterError.MalformedResponse({
            message: `OpenRouter's model list is not JSON: ${error.message}`,
            status: response.status
          })
        ),
        Effect.timeoutFail({
          duration: BODY_TIMEOUT,
          onTimeout: () =>
            new OpenRouterError.Timeout({
              message: `OpenRouter did not send the model list within ${Duration.format(BODY_TIMEOUT)}`,
              source: "client",
              timeoutMs: Duration.toMillis(BODY_TIMEOUT)
            })
        })
      )
      const data = entriesOf(body)
      if (data === undefined) {
        return yield* Effect.fail(
          new OpenRouterError.MalformedResponse({
            message: "OpenRouter's model list has no \"data\" array",
            status: response.status
          })
        )
      }
      const entries = decodeEntries(data)
      // a non-empty list of which nothing decodes is not a catalogue worth caching
      if (entries.length === 0 && data.length > 0) {
        return yield* Effect.fail(
          new OpenRouterError.MalformedResponse({
            message: `None of the ${data.length} entries of OpenRouter's model list could be read`,
            status: response.status
          })
        )
      }
      if (entries.length < data.length) {
        yield* Effect.logDebug(`Skipped ${data.length - entries.length} unreadable entries of OpenRouter's model list`)
      }
      const fetchedAt = yield* Clock.currentTimeMillis
      if (disk !== undefined) yield* disk.write(http.baseUrl, fetchedAt, entries)
      return snapshotOf(entries, fetchedAt, false)
    })

    // Disk, then network; a failure is logged and remembered, never raised.
    const load = (current: State, now: number): Effect.Effect<State> =>
      Effect.gen(function*() {
        // (read again even when memory holds an expired copy: another process may have refreshed it)
        const fromDisk = disk === undefined ? undefined : yield* disk.read(http.baseUrl, now)
        if (fromDisk !== undefined && !fromDisk.stale) return { live: fromDisk, failedAt: undefined }
        const fallback = fromDisk === undefined || (current.live !== undefined && current.live.fetchedAt > fromDisk.fetchedAt)
          ? current.live
          : fromDisk
        return yield* fetchLive.pipe(
          Effect.map((live): State => ({ live, failedAt: undefined })),
          Effect.catchAll((error) =>
            Effect.logWarning(
              `OpenRouter's model list is unavailable (${error._tag}: ${error.message}); using ${
                fallback === undefined ? "the bundled catalogue" : "an expired cached copy"
              }`
            ).pipe(Effect.as<State>({ live: fallback, failedAt: now }))
          )
        )
      })

    const usable = (s: State, now: number): boolean =>
      (s.live !== undefined && !s.live.stale) || (s.failedAt !== undefined && now - s.failedAt < cooldown)

    const current: Effect.Effect<Snapshot | undefined> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const seen = yield* SynchronizedRef.get(state)
      if (usable(seen, now)) return seen.live
      // one loader at a time; those waiting see its result when they get the lock
      const next = yield* SynchronizedRef.updateAndGetEffect(state, (s) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => usable(s, at) ? Effect.succeed(s) : load(s, at)))
      return next.live
    })

    const lookup = (live: Snapshot | undefined, slug: string): Capabilities | undefined =>
      live?.byId.get(slug) ?? bundledById.get(slug)

    const resolve = (live: Snapshot | undefined, slug: string): Capabilities => {
      const exact = lookup(live, slug)
      if (exact !== undefined) return exact
      const colon = slug.indexOf(":")
      const base = colon > 0 ? lookup(live, slug.slice(0, colon)) : undefined
      return base !== undefined ? { ...base, id: slug } : fromCatalogEntry(Catalog.describe(slug))
    }

    const find = (slug: string): Effect.Effect<Capabilities> =>
      Effect.map(current, (live) => resolve(live, slug)).pipe(
        Effect.tap((found) => Effect.annotateCurrentSpan({ "openrouter.model.source": found.source })),
        Effect.withSpan("Models.find", { captureStackTrace: false, attributes: { "openrouter.model": slug } })
      )

    const list: Effect.Effect<ReadonlyArray<Capabilities>> = Effect.map(current, (live) => {
      const merged = new Map(bundledById)
      for (const [id, capabilities] of live?.byId ?? []) merged.set(id, capabilities)
      return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    }).pipe(
      Effect.tap((all) => Effect.annotateCurrentSpan({ "openrouter.models.count": all.length })),
      Effect.withSpan("Models.list", { captureStackTrace: false })
    )

    const refresh: Effect.Effect<void, OpenRouterHttp.ExecuteError> = SynchronizedRef.updateEffect(
      state,
      () => Effect.map(fetchLive, (live): State => ({ live, failedAt: undefined }))
    ).pipe(Effect.withSpan("Models.refresh", { captureStackTrace: false }))

    return {
      list,
      find,
      thinkingCapabilities: (slug) =>
        find(slug).pipe(
          Effect.map((found): Thinking.Capabilities => ({ reasoning: found.reasoning })),
          Effect.withSpan("Models.thinkingCapabilities", { captureStackTrace: false, attributes: { "openrouter.model": slug } })
        ),
      refresh
    }
  })

/**
 * Builds the service with the disk cache under `stateDir` (no disk cache without one).
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, never, OpenRouterHttp.OpenRouterHttp | FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const stateDir = options.stateDir?.trim()
    return yield* makeWith(stateDir === undefined || stateDir === "" ? undefined : makeDisk(fs, stateDir))
  })

/**
 * Builds the service without a disk cache.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeMemory: Effect.Effect<Service, never, OpenRouterHttp.OpenRouterHttp> = makeWith(undefined)

/** @since 0.1.0 @category Layers */
export const layer = (
  options: Options = {}
): Layer.Layer<Models, never, OpenRouterHttp.OpenRouterHttp | FileSystem.FileSystem> => Layer.effect(Models, make(options))

/** The service without a disk cache: no `FileSystem` needed. @since 0.1.0 @category Layers */
export const layerMemory: Layer.Layer<Models, never, OpenRouterHttp.OpenRouterHttp> = Layer.effect(Models, makeMemory)
