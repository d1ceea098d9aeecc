/**
 * The lookup endpoints (reference §8, §12.9): `GET /models`, `GET /models/count`,
 * `GET /model/{author}/{slug}` and `GET /models/{author}/{slug}/endpoints` over every model the
 * simulator serves (`Listing`), `GET /generation?id=` from the recorded generations, and
 * `GET /key` for the calling key.
 *
 * `Generation` (Types.ts) carries what every generating handler knows; the finer details
 * `/generation` reports (finish reasons, router, reasoning tokens, cache source…) can be attached
 * with {@link annotateGeneration}, and the credit a key has used with {@link addKeyUsage}.
 *
 * @since 0.1.0
 */
import * as Catalog from "./Catalog.js"
import { error, USER_ID } from "./Errors.js"
import * as Listing from "./Listing.js"
import { findSpeechModel, transcriptionModels } from "./media/Speech.js"
import * as VideoModels from "./media/VideoModels.js"
import type { Handler, Reply, SimContext } from "./Types.js"

/** The `context.state` key of the per-generation details. @since 0.1.0 @category Constants */
export const DETAILS_KEY = "generation-details"

/** The `context.state` key of the credit used per API key. @since 0.1.0 @category Constants */
export const KEY_USAGE_KEY = "key-usage"

/** What `/generation` reports beyond {@link Generation}; every field optional. @since 0.1.0 @category Models */
export interface GenerationDetails {
  readonly apiType?: "completions" | "embeddings" | "rerank" | "tts" | "stt" | "video" | "image" | null
  readonly finishReason?: string | null
  readonly nativeFinishReason?: string | null
  /** The router the request named, e.g. `openrouter/auto`. */
  readonly router?: string | null
  readonly reasoningTokens?: number
  readonly cachedTokens?: number
  readonly imageTokens?: number
  readonly mediaPrompt?: number
  readonly mediaCompletion?: number
  /** The generation a response-cache hit replayed. */
  readonly responseCacheSourceId?: string | null
  readonly httpReferer?: string | null
  readonly userAgent?: string | null
  readonly sessionId?: string | null
  readonly externalUser?: string | null
  readonly serviceTier?: string | null
}

const stateMap = <V>(context: SimContext, key: string): Map<string, V> => {
  const existing = context.state.get(key)
  if (existing instanceof Map) return existing as Map<string, V>
  const created = new Map<string, V>()
  context.state.set(key, created)
  return created
}

/** Attaches details to a recorded (or about to be recorded) generation. @since 0.1.0 @category State */
export const annotateGeneration = (context: SimContext, id: string, details: GenerationDetails): void => {
  const map = stateMap<GenerationDetails>(context, DETAILS_KEY)
  map.set(id, { ...map.get(id), ...details })
}

/** Adds `cost` (USD) to what `apiKey` has used, as `GET /key` reports it. @since 0.1.0 @category State */
export const addKeyUsage = (context: SimContext, apiKey: string | undefined, cost: number): void => {
  if (apiKey === undefined || !Number.isFinite(cost)) return
  const map = stateMap<number>(context, KEY_USAGE_KEY)
  map.set(apiKey, (map.get(apiKey) ?? 0) + cost)
}

const list = (value: string | null): ReadonlyArray<string> | undefined => {
  if (value === null) return undefined
  const items = value.split(",").map((item) => item.trim().toLowerCase()).filter((item) => item !== "")
  return items.length === 0 ? undefined : items
}

const nonNegativeInt = (value: string | null): number | undefined => {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined
  return Number(value.trim())
}

/** The largest page `GET /models?limit=` returns. @since 0.1.0 @category Constants */
export const MAX_MODELS_LIMIT = 1000

/**
 * The `output_modalities` filter of `GET /models` and `GET /models/count`: the comma list (default
 * `text`), or the 400 for a value that is not an OpenAPI `OutputModality` nor `all`.
 */
const outputFilter = (query: URLSearchParams): ReadonlyArray<string> | Reply => {
  const outputs = list(query.get("output_modalities")) ?? ["text"]
  const unknown = outputs.filter((m) => !Listing.OUTPUT_MODALITIES.includes(m))
  if (unknown.length === 0) return outputs
  return error(400, `output_modalities ${unknown.join(",")} is not valid; supported: a comma list of ${Listing.OUTPUT_MODALITIES.join(", ")}`, {
    metadata: { error_type: "invalid_request" }
  })
}

/**
 * `GET /models` → `{data, total_count, links: {next}}` over every model the simulator serves
 * (chat, speech, transcription, video: see `Listing`). Filters: `output_modalities` (comma list of
 * `text`, `image`, `embeddings`, `audio`, `video`, `rerank`, `speech`, `transcription`; a model
 * qualifies when it outputs any of them; `all` disables the filter; default `text`; another value
 * is a 400), `input_modalities` (accepts any of them), `supported_parameters` (supports all of
 * them), `q` (substring of id or name). Pagination with `offset`/`limit` (limit ≤ 1000) is
 * opt-in; `links.next` names the next page, else `null`.
 *
 * @since 0.1.0 @category Handlers
 */
export const models: Handler = (request) => {
  const query = request.query
  const outputs = outputFilter(query)
  if (!Array.isArray(outputs)) return outputs as Reply
  const inputs = list(query.get("input_modalities"))
  const parameters = list(query.get("supported_parameters"))
  const q = query.get("q")?.trim().toLowerCase()
  const limitText = query.get("limit")
  const offsetText = query.get("offset")
  const limit = nonNegativeInt(limitText)
  const offset = nonNegativeInt(offsetText)
  if ((limitText !== null && (limit === undefined || limit < 1 || limit > MAX_MODELS_LIMIT)) ||
    (offsetText !== null && offset === undefined)) {
    return error(400, `Invalid pagination: limit must be an integer in 1..${MAX_MODELS_LIMIT}, offset a non-negative integer`, {
      metadata: { error_type: "invalid_request" }
    })
  }
  const matching = Listing.all
    .filter((listing) => Listing.outputsAny(listing, outputs))
    .map((listing) => listing.info)
    .filter((info) =>
      (inputs === undefined || inputs.some((m) => info.architecture.input_modalities.includes(m))) &&
      (parameters === undefined || parameters.every((p) => info.supported_parameters.includes(p))) &&
      (q === undefined || q === "" || info.id.toLowerCase().includes(q) || info.name.toLowerCase().includes(q))
    )
  const paginated = limit !== undefined || offset !== undefined
  const start = offset ?? 0
  const size = limit ?? 500
  const data = paginated ? matching.slice(start, start + size) : matching
  const next = paginated && start + size < matching.length ? `/api/v1/models?offset=${start + size}&limit=${size}` : null
  return { _tag: "json", status: 200, body: { data, total_count: matching.length, links: { next } } }
}

/**
 * `GET /models/count` → `{data: {count}}`: how many models `GET /models` lists with the same
 * `output_modalities` filter (the only one this operation takes; default `text`).
 *
 * @since 0.1.0 @category Handlers
 */
export const modelsCount: Handler = (request) => {
  const outputs = outputFilter(request.query)
  if (!Array.isArray(outputs)) return outputs as Reply
  return { _tag: "json", status: 200, body: { data: { count: Listing.all.filter((l) => Listing.outputsAny(l, outputs)).length } } }
}

/**
 * The model id of `/model/{author}/{slug}` or `/models/{author}/{slug}/endpoints`: the two path
 * segments after `skip` of them, percent-decoded (the SDK encodes `:` in `gpt-4o:free`).
 */
const modelIdOf = (path: string, skip: number): string | undefined => {
  const segments = path.split("/").slice(1 + skip, 3 + skip)
  try {
    const [author, slug] = segments.map((segment) => decodeURIComponent(segment))
    return author === undefined || slug === undefined || author === "" || slug === "" ? undefined : `${author}/${slug}`
  } catch {
    return undefined
  }
}

const modelNotFound = (id: string | undefined): Reply =>
  error(404, id === undefined ? "Model not found" : `Model ${id} not found`, { metadata: { error_type: "not_found" } })

/**
 * `GET /model/{author}/{slug}` → `{data: Model}`: one model as `GET /models` lists it, by its id,
 * a `:variant` of a chat model (`openai/gpt-4o:free`) or a `~author/family-latest` alias (which
 * answers the model it resolves to). 404 for an unknown model.
 *
 * @since 0.1.0 @category Handlers
 */
export const model: Handler = (request) => {
  const id = modelIdOf(request.path, 1)
  const found = id === undefined ? undefined : Listing.find(id)
  if (found === undefined) return modelNotFound(id)
  return { _tag: "json", status: 200, body: { data: found.info } }
}

/**
 * `GET /models/{author}/{slug}/endpoints` → `{data: {id, name, created, description,
 * architecture, endpoints}}`: the one endpoint the simulator serves the model from (none for a
 * router), with latency and throughput only for a caller that sent a key. 404 for an unknown
 * model.
 *
 * @since 0.1.0 @category Handlers
 */
export const modelEndpoints: Handler = (request) => {
  const id = modelIdOf(request.path, 1)
  const found = id === undefined ? undefined : Listing.find(id)
  if (found === undefined) return modelNotFound(id)
  return { _tag: "json", status: 200, body: { data: Listing.endpoints(found, request.apiKey !== undefined) } }
}

/**
 * The `api_type` of a generation not annotated with one, from the catalogue its model is in:
 * `completions`, `tts`, `stt`, `video`, else `null`.
 *
 * @since 0.1.0 @category Handlers
 */
export const apiTypeOf = (model: string): GenerationDetails["apiType"] =>
  Catalog.find(model) !== undefined
    ? "completions"
    : findSpeechModel(model) !== undefined
    ? "tts"
    : transcriptionModels.includes(model)
    ? "stt"
    : VideoModels.find(model) !== undefined
    ? "video"
    : null

/**
 * `GET /generation?id=` → `{data: {…}}` with every field the spec requires (reference §8.2,
 * §12.9): 400 without `id`, 404 (`Generation not found`) for an unknown one. Latencies are 0:
 * the simulator does not measure them.
 *
 * @since 0.1.0 @category Handlers
 */
export const generation: Handler = (request, context) => {
  const id = request.query.get("id")?.trim() ?? ""
  if (id === "") {
    return error(400, "Missing required query parameter: id", { metadata: { error_type: "invalid_request" } })
  }
  const found = context.generation(id)
  if (found === undefined) return error(404, "Generation not found", { metadata: { error_type: "not_found" } })
  const details = stateMap<GenerationDetails>(context, DETAILS_KEY).get(id) ?? {}
  const apiType = details.apiType !== undefined ? details.apiType : apiTypeOf(found.model)
  const cached = found.cached
  return {
    _tag: "json",
    status: 200,
    body: {
      data: {
        id: found.id,
        upstream_id: cached ? null : `sim-${found.id}`,
        model: found.model,
        provider_name: found.provider,
        api_type: apiType,
        created_at: new Date(found.createdAt).toISOString(),
        streamed: found.streamed,
        cancelled: false,
        finish_reason: details.finishReason ?? null,
        native_finish_reason: details.nativeFinishReason ?? null,
        tokens_prompt: found.promptTokens,
        tokens_completion: found.completionTokens,
        native_tokens_prompt: found.promptTokens,
        native_tokens_completion: found.completionTokens,
        native_tokens_reasoning: details.reasoningTokens ?? 0,
        native_tokens_cached: details.cachedTokens ?? 0,
        native_tokens_completion_images: details.imageTokens ?? 0,
        num_media_prompt: details.mediaPrompt ?? 0,
        num_media_completion: details.mediaCompletion ?? 0,
        num_input_audio_prompt: 0,
        num_search_results: 0,
        num_fetches: 0,
        total_cost: found.totalCost,
        usage: found.totalCost,
        upstream_inference_cost: cached ? null : found.totalCost,
        cache_discount: null,
        is_byok: false,
        latency: 0,
        generation_time: 0,
        moderation_latency: null,
        origin: details.httpReferer ?? "",
        http_referer: details.httpReferer ?? null,
        app_id: null,
        user_agent: details.userAgent ?? null,
        external_user: details.externalUser ?? null,
        router: details.router ?? null,
        request_id: null,
        session_id: details.sessionId ?? null,
        preset_id: null,
        workspace_id: null,
        data_region: "global",
        service_tier: details.serviceTier ?? null,
        web_search_engine: null,
        response_cache_source_id: details.responseCacheSourceId ?? null,
        provider_responses: null
      }
    }
  }
}

/**
 * How `GET /key` shows a key: the first 13 characters, `...`, the last 4 (as §12.9:
 * `sk-or-v1-0000...0000`); a key of 17 characters or fewer shows only its first 3.
 *
 * @since 0.1.0 @category Handlers
 */
export const label = (apiKey: string): string =>
  apiKey.length > 17 ? `${apiKey.slice(0, 13)}...${apiKey.slice(-4)}` : `${apiKey.slice(0, 3)}...`

/**
 * The daily request allowance on `:free` models `GET /key` reports: 1000, an account with credits
 * (reference §7.3). @since 0.1.0 @category Constants
 */
export const FREE_MODEL_DAILY_LIMIT = 1000

/**
 * `GET /key` → `{data: {…}}` for the calling key (reference §8.3, §12.9): no limit, not free
 * tier, and `usage` = the credit this key's generations cost since the simulator started (the
 * same figure for the daily, weekly and monthly windows). Beside the OpenAPI copy's fields, the
 * four the current @openrouter/sdk requires: `allowed_data_regions` (`["global"]`),
 * `free_model_daily_requests` (`{limit: 1000, remaining: 1000, used: 0}`: free-model requests
 * are not counted), `organization_id` and `workspace_id` (`null`: a personal key).
 *
 * @since 0.1.0 @category Handlers
 */
export const key: Handler = (request, context) => {
  const apiKey = request.apiKey ?? ""
  const used = stateMap<number>(context, KEY_USAGE_KEY).get(apiKey) ?? 0
  return {
    _tag: "json",
    status: 200,
    body: {
      data: {
        label: label(apiKey),
        limit: null,
        limit_remaining: null,
        limit_reset: null,
        include_byok_in_limit: false,
        usage: used,
        usage_daily: used,
        usage_weekly: used,
        usage_monthly: used,
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        creator_user_id: USER_ID,
        expires_at: null,
        rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." },
        // Required by the current @openrouter/sdk (GetCurrentKeyData), newer than the OpenAPI copy
        // the response schemas come from; `ResponseValidation.exceptions` lists them.
        allowed_data_regions: ["global"],
        free_model_daily_requests: { limit: FREE_MODEL_DAILY_LIMIT, remaining: FREE_MODEL_DAILY_LIMIT, used: 0 },
        organization_id: null,
        workspace_id: null
      }
    }
  }
}
