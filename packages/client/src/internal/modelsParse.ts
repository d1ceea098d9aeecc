/**
 * Reading OpenRouter's `GET /models` entries (reference §1.3, §8.1) into `Models.Capabilities`,
 * and the bundled catalogue's entries into the same shape. Pure; never throws.
 */
import * as Catalog from "@openrouter-effect/core/Catalog"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type { Capabilities } from "../Models.js"
import { lazily } from "./lazily.js"

/** The context window of a live model that does not state one (§1.3). */
export const LIVE_DEFAULT_CONTEXT_WINDOW = 128_000

/** The output-token limit of a live model that does not state one (§1.3). */
export const LIVE_DEFAULT_MAX_TOKENS = 8192

const OptionalCount = Schema.optional(Schema.NullOr(Schema.Number))
const OptionalPrice = Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Number)))
const OptionalList = Schema.optional(Schema.NullOr(Schema.Array(Schema.Unknown)))
const OptionalText = Schema.optional(Schema.NullOr(Schema.String))

/**
 * One entry of `GET /models` (§8.1), lean: only the fields capabilities are read from are
 * checked, every other field is kept as it came. `id` must be a non-empty string without
 * surrounding spaces; the fields read must have their documented type (or be absent or `null`).
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

/** */
export type ApiModel = typeof ApiModel.Type

const decodeApiModel = lazily(() => Schema.decodeUnknownEither(ApiModel))

/** An entry that decoded, with the value it was decoded from (what the disk cache stores). */
export interface Decoded {
  readonly raw: unknown
  readonly model: ApiModel
}

/**
 * Decodes a list of `/models` entries, skipping (not failing on) those that do not decode, and
 * keeping the first of several entries with the same id.
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
 * - `structuredOutputs`: `supported_parameters` includes `structured_outputs` (`response_format`
 *   alone is JSON mode, not a schema), `undefined` when it is not an array;
 * - input: `"text"`, then `architecture.input_modalities` and the part of `architecture.modality`
 *   (or `modality`) before `->`; output: `architecture.output_modalities` and the part after
 *   `->`, else `["text"]`;
 * - `contextWindow`: `top_provider.context_length` ?? `context_length` ?? 128 000;
 * - `maxTokens`: `top_provider.max_completion_tokens` ?? `max_completion_tokens` ??
 *   `max_output_tokens` ?? 8192 (a value that is not a positive number counts as absent);
 * - pricing: `prompt`, `completion`, `input_cache_read`, `input_cache_write` through
 *   {@link perMillion}.
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
    structuredOutputs: parameters === undefined ? undefined : parameters.includes("structured_outputs"),
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
 * defaults): text output, `tools` and `structuredOutputs` unknown.
 */
export const fromCatalogEntry = (entry: Catalog.Entry): Capabilities => ({
  id: entry.id,
  name: entry.name,
  reasoning: entry.reasoning,
  tools: undefined,
  structuredOutputs: undefined,
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

/**
 * The entries of a `/models` body (`{ "data": [...] }`); anything else has none.
 */
export const entriesOf = (body: unknown): ReadonlyArray<unknown> | undefined =>
  Predicate.isRecord(body) && Array.isArray(body["data"]) ? body["data"] : undefined

/**
 * Parses a `/models` body into capabilities: entries that do not decode are skipped; a body
 * that is not `{ "data": [...] }` has none. Never throws.
 */
export const parseModels = (body: unknown): ReadonlyArray<Capabilities> =>
  decodeEntries(entriesOf(body) ?? []).map(({ model }) => fromApiModel(model))
