/**
 * The lookup endpoints (reference §8, §12.9): `GET /models` from the chat catalogue,
 * `GET /generation?id=` from the recorded generations, and `GET /key` for the calling key.
 *
 * `Generation` (Types.ts) carries what every generating handler knows; the finer details
 * `/generation` reports (finish reasons, router, reasoning tokens, cache source…) can be attached
 * with {@link annotateGeneration}, and the credit a key has used with {@link addKeyUsage}.
 *
 * @since 0.1.0
 */
import * as Catalog from "./Catalog.js"
import { error, USER_ID } from "./Errors.js"
import { findSpeechModel, transcriptionModels } from "./media/Speech.js"
import * as VideoModels from "./media/VideoModels.js"
import type { Handler, SimContext } from "./Types.js"

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
 * `GET /models` → `{data, total_count, links: {next}}`. Filters: `output_modalities` (comma
 * list; a model qualifies when it outputs any of them; `all` disables the filter; default
 * `text`), `input_modalities` (accepts any of them), `supported_parameters` (supports all of
 * them), `q` (substring of id or name). Pagination with `offset`/`limit` (limit ≤ 1000) is
 * opt-in; `links.next` names the next page, else `null`.
 *
 * @since 0.1.0 @category Handlers
 */
export const models: Handler = (request) => {
  const query = request.query
  const outputs = list(query.get("output_modalities")) ?? ["text"]
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
  const matching = Catalog.all
    .map((entry) => entry.info)
    .filter((info) =>
      (outputs.includes("all") || outputs.some((m) => info.architecture.output_modalities.includes(m))) &&
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
 * `GET /key` → `{data: {…}}` for the calling key (reference §8.3, §12.9): no limit, not free
 * tier, and `usage` = the credit this key's generations cost since the simulator started (the
 * same figure for the daily, weekly and monthly windows).
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
        rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." }
      }
    }
  }
}
