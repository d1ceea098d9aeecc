/**
 * The resource limits of the client: how much of a response (or of a local input) is read or held
 * before the call fails with `LimitExceeded`, and how long a stream or a download may take in all.
 * An upstream that misbehaves (a line without an end, an endless body, a keep-alive that never
 * stops) costs at most these, never the process.
 *
 * `Limits` is a `Context.Reference`: without a layer every service uses {@link defaults}. Override
 * them per layer with {@link layer}, or from the config's `models.providers.openrouter.limits` with
 * {@link layerFromConfig} (what `OpenRouter.layerDocument`/`layerFile` do, with their `limits` option as
 * the overrides) or {@link fromDocument}. A value given to the layer wins over the file's.
 *
 * | Limit | Default | Bounds |
 * |---|---|---|
 * | `sseLineBytes` | 16 MiB | one line of an event stream (characters, UTF-16 code units) |
 * | `sseEventBytes` | 16 MiB | the joined `data:` lines of one event |
 * | `jsonBodyBytes` | 64 MiB | a JSON response body read whole (chat, images, speech JSON, models, videos) |
 * | `errorBodyBytes` | 1 MiB | the body of an error response, read to decode the error |
 * | `configFileBytes` | 4 MiB | the config file (regular files only); from the layer only |
 * | `inputMediaBytes` | 32 MiB | one local file sent as input (an image, a frame, audio): OpenRouter caps a request at 50 MiB, base64 makes 37.5 MiB of bytes into 50 |
 * | `downloadBytes` | 8 GiB | a download streamed to a file when the server declares no size; a declared size is the cap otherwise |
 * | `streamBytes` | 128 MiB | the data of all events of one chat stream (characters), so the answer, its reasoning and tool-call arguments built from it stay far under what a string can hold |
 * | `streamTotalMs` | 30 min | a whole chat stream; keep-alive comments do not extend it |
 * | `downloadIdleMs` | 60 s | a download with no byte |
 * | `downloadTotalMs` | 2 h | a whole download, also bounded by the call's own deadline |
 *
 * Times above 2^31 - 1 ms (about 24.8 days) are clamped to it.
 *
 * What is held in memory is bounded separately by `agents.defaults.mediaMaxMb` (the media cap):
 * a video larger than it still streams to a file, up to `downloadBytes`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Predicate from "effect/Predicate"
import type * as OpenRouterConfig from "./OpenRouterConfig.js"

/**
 * The limits, sizes in bytes and times in milliseconds.
 *
 * @since 0.1.0 @category Models
 */
export interface Values {
  readonly sseLineBytes: number
  readonly sseEventBytes: number
  readonly jsonBodyBytes: number
  readonly errorBodyBytes: number
  readonly configFileBytes: number
  readonly inputMediaBytes: number
  readonly downloadBytes: number
  readonly streamBytes: number
  readonly streamTotalMs: number
  readonly downloadIdleMs: number
  readonly downloadTotalMs: number
}

const MiB = 1024 * 1024

/**
 * The documented defaults.
 *
 * @since 0.1.0 @category Defaults
 */
export const defaults: Values = {
  sseLineBytes: 16 * MiB,
  sseEventBytes: 16 * MiB,
  jsonBodyBytes: 64 * MiB,
  errorBodyBytes: 1 * MiB,
  configFileBytes: 4 * MiB,
  inputMediaBytes: 32 * MiB,
  downloadBytes: 8 * 1024 * MiB,
  streamBytes: 128 * MiB,
  streamTotalMs: 30 * 60 * 1000,
  downloadIdleMs: 60 * 1000,
  downloadTotalMs: 2 * 60 * 60 * 1000
}

/**
 * The limits in force. A `Context.Reference`: {@link defaults} unless a layer provides others.
 *
 * @since 0.1.0 @category Tags
 */
export class Limits extends Context.Reference<Limits>()("@openrouter-effect/client/Limits", {
  defaultValue: (): Values => defaults
}) {}

/**
 * The names of the limits the config file may set (`configFileBytes` is not among them: the file
 * cannot bound its own read).
 *
 * @since 0.1.0 @category Models
 */
export const documentNames = [
  "sseLineBytes",
  "sseEventBytes",
  "jsonBodyBytes",
  "errorBodyBytes",
  "inputMediaBytes",
  "downloadBytes",
  "streamBytes",
  "streamTotalMs",
  "downloadIdleMs",
  "downloadTotalMs"
] as const satisfies ReadonlyArray<keyof Values>

// The longest delay a timer holds (2^31 - 1 ms).
const MAX_TIMER_MS = 2_147_483_647

/**
 * Merges overrides over a base (by default the {@link defaults}); an override that is not a
 * positive integer is ignored, and a time (`…Ms`) above 2^31 - 1 ms is clamped to it.
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (overrides: Partial<Values> = {}, base: Values = defaults): Values => {
  const merged: Record<string, number> = { ...base }
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(base, name) || !Number.isSafeInteger(value) || (value as number) <= 0) continue
    // A time past the timer maximum would turn the deadline off (Effect reads such a delay as
    // "never"): it is clamped to the maximum, about 24.8 days.
    merged[name] = name.endsWith("Ms") ? Math.min(value as number, MAX_TIMER_MS) : value as number
  }
  return merged as unknown as Values
}

/**
 * The limits a raw config document sets in `models.providers.openrouter.limits`, over the
 * defaults. The document is assumed decoded (`ConfigDocument.decode` checks each is a positive
 * integer); anything else is ignored here.
 *
 * @since 0.1.0 @category Constructors
 */
export const fromDocument = (raw: unknown, base: Values = defaults): Values => {
  const models = Predicate.isRecord(raw) ? raw["models"] : undefined
  const providers = Predicate.isRecord(models) ? models["providers"] : undefined
  const openrouter = Predicate.isRecord(providers) ? providers["openrouter"] : undefined
  const limits = Predicate.isRecord(openrouter) ? openrouter["limits"] : undefined
  if (!Predicate.isRecord(limits)) return base
  const overrides: Partial<Record<keyof Values, number>> = {}
  for (const name of documentNames) {
    const value = Object.hasOwn(limits, name) ? limits[name] : undefined
    if (typeof value === "number") overrides[name] = value
  }
  return make(overrides, base)
}

/**
 * Provides the {@link defaults} with `overrides` over them.
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (overrides: Partial<Values> = {}): Layer.Layer<never> => Layer.succeed(Limits, make(overrides))

// The config's tag by its key, not by importing `OpenRouterConfig.ts`: that module reads the config
// file, which is bounded by these limits, so a value import here would make the two modules import
// each other. Tags with the same key are the same service.
const ConfigTag = Context.GenericTag<OpenRouterConfig.OpenRouterConfig, OpenRouterConfig.Service>(
  "@openrouter-effect/client/OpenRouterConfig"
)

/**
 * Provides the limits of the config in context: the {@link defaults}, then the document's
 * `models.providers.openrouter.limits` over them, then `overrides` over both (a value given in code
 * wins over the file's). `configFileBytes` can only come from `overrides`.
 *
 * @since 0.1.0 @category Layers
 */
export const layerFromConfig = (
  overrides: Partial<Values> = {}
): Layer.Layer<never, never, OpenRouterConfig.OpenRouterConfig> =>
  Layer.effect(Limits, Effect.map(ConfigTag, (config) => make(overrides, fromDocument(config.raw))))

/**
 * The limits in force (for code that reads them outside a service).
 *
 * @since 0.1.0 @category Accessors
 */
export const current: Effect.Effect<Values> = Limits

/**
 * A size for messages: `16 MiB`, `1.5 GiB`, `512 bytes`.
 *
 * @since 0.1.0 @category Formatting
 */
export const formatBytes = (bytes: number): string => {
  if (bytes >= 1024 * MiB) return `${+(bytes / (1024 * MiB)).toFixed(2)} GiB`
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(2)} MiB`
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(2)} KiB`
  return `${bytes} bytes`
}
