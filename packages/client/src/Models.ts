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
import type * as Thinking from "@openrouter-effect/core/Thinking"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as disk from "./internal/modelsDisk.js"
import * as parse from "./internal/modelsParse.js"
import * as service from "./internal/modelsService.js"
import type * as OpenRouterHttp from "./OpenRouterHttp.js"

// The parsing of `/models` entries is in internal/modelsParse.ts, the disk cache in
// internal/modelsDisk.ts and the lookups in internal/modelsService.ts.

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
  /**
   * Structured outputs: `supported_parameters` includes `structured_outputs`, so a
   * `response_format` of type `json_schema` is enforced; `undefined` when the model did not say
   * (no `supported_parameters` list, a bundled entry, an unknown model). `response_format` alone
   * is JSON mode (`json_object`, valid JSON of no particular shape) and does not count.
   */
  readonly structuredOutputs: boolean | undefined
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
export const LIVE_DEFAULT_CONTEXT_WINDOW: number = parse.LIVE_DEFAULT_CONTEXT_WINDOW

/** The output-token limit of a live model that does not state one (§1.3). @since 0.1.0 @category Constants */
export const LIVE_DEFAULT_MAX_TOKENS: number = parse.LIVE_DEFAULT_MAX_TOKENS

/** The bundled catalogue as capabilities. @since 0.1.0 @category Catalogue */
export const bundled: ReadonlyArray<Capabilities> = service.bundled

/**
 * Parses a `/models` body (`{ "data": [...] }`, reference §1.3, §8.1) into capabilities: entries
 * that do not decode are skipped (and of several with one id the first is kept); a body that is
 * not `{ "data": [...] }` has none. Never throws.
 *
 * - `reasoning`: `supported_parameters` includes `reasoning` (never for Hunter Alpha);
 * - `tools`: `supported_parameters` includes `tools`, `undefined` when it is not an array;
 * - `structuredOutputs`: `supported_parameters` includes `structured_outputs` (`response_format`
 *   alone is JSON mode, not a schema), `undefined` when it is not an array;
 * - input: `"text"`, then `architecture.input_modalities` and the part of `architecture.modality`
 *   (or `modality`) before `->`; output: `architecture.output_modalities` and the part after
 *   `->`, else `["text"]`;
 * - `contextWindow`: `top_provider.context_length` ?? `context_length` ?? 128 000;
 * - `maxTokens`: `top_provider.max_completion_tokens` ?? `max_completion_tokens` ??
 *   `max_output_tokens` ?? 8192;
 * - pricing in US dollars per million tokens; an unparsable, negative or non-finite price is 0.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseModels: (body: unknown) => ReadonlyArray<Capabilities> = parse.parseModels

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

/** The disk cache's format version. @since 0.1.0 @category Constants */
export const CACHE_VERSION: number = disk.CACHE_VERSION

/** How long a disk copy is used before the network is asked again. @since 0.1.0 @category Constants */
export const CACHE_TTL: Duration.Duration = disk.CACHE_TTL

/** After a failed lookup, how long callers get the fallback without asking the network again. @since 0.1.0 @category Constants */
export const FAILURE_COOLDOWN: Duration.Duration = service.FAILURE_COOLDOWN

/** Per attempt, until the response headers arrive (§1.3). @since 0.1.0 @category Constants */
export const FETCH_TIMEOUT: Duration.Duration = service.FETCH_TIMEOUT

/** Reading the `/models` body, after the headers. @since 0.1.0 @category Constants */
export const BODY_TIMEOUT: Duration.Duration = service.BODY_TIMEOUT

/** The cache file under a state directory: `<stateDir>/cache/openrouter-models.json`. @since 0.1.0 @category Constants */
export const cacheFile: (stateDir: string) => string = disk.cacheFile

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
    return yield* service.make(stateDir === undefined || stateDir === "" ? undefined : disk.make(fs, stateDir))
  })

/**
 * Builds the service without a disk cache.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeMemory: Effect.Effect<Service, never, OpenRouterHttp.OpenRouterHttp> = service.make(undefined)

/** @since 0.1.0 @category Layers */
export const layer = (
  options: Options = {}
): Layer.Layer<Models, never, OpenRouterHttp.OpenRouterHttp | FileSystem.FileSystem> => Layer.effect(Models, make(options))

/** The service without a disk cache: no `FileSystem` needed. @since 0.1.0 @category Layers */
export const layerMemory: Layer.Layer<Models, never, OpenRouterHttp.OpenRouterHttp> = Layer.effect(Models, makeMemory)
