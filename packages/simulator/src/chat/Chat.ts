/**
 * `POST /chat/completions` (reference §2, §3, §10.3–§10.5, §12.2–§12.4): a deterministic model
 * whose answers vary with the model and the prompt (`Answers`), that reasons when asked (and the
 * model reasons), calls tools with arguments valid against their schemas and gives a final answer
 * once a tool result comes back (`Tools`), answers `response_format` with valid JSON
 * (`JsonSchema`), returns real PNGs from image models, as JSON or as SSE (`Wire`), through the
 * response cache of §6.
 *
 * What the server already did: authentication, JSON parsing, schema validation and faults. What
 * this handler checks on top: the model is known (400 with `availability` otherwise),
 * `max_tokens` / `max_completion_tokens` are positive integers, `messages` is non-empty, and the
 * image options are valid for the model.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import * as Catalog from "../Catalog.js"
import { error, invalidRequest } from "../Errors.js"
import * as Lookups from "../Lookups.js"
import type { Handler, Reply, SimContext, SimRequest } from "../Types.js"
import * as Answers from "./Answers.js"
import * as Cache from "./Cache.js"
import * as JsonSchema from "./JsonSchema.js"
import * as Png from "./Png.js"
import { countWords, promptTokens, splitInto, wordPieces } from "./Text.js"
import * as Tools from "./Tools.js"
import { type Answer, type ImageOut, type Reasoning, toJson, toSse } from "./Wire.js"

export {
  /** @since 0.1.0 @category Text */
  promptTokens,
  /** @since 0.1.0 @category Text */
  splitInto,
  /** @since 0.1.0 @category Text */
  wordPieces
} from "./Text.js"

export {
  /** @since 0.1.0 @category Constants */
  PROCESSING_COMMENT
} from "./Wire.js"

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

const DOCS_ERRORS = "https://openrouter.ai/docs/errors"

/** The model a request without `model` (and without `models`) gets. @since 0.1.0 @category Constants */
export const DEFAULT_MODEL = "openrouter/auto"

/**
 * The request header that picks how a `stream: true` request is answered (the simulator's own;
 * OpenRouter has no such header): `reasoning-details` streams the reasoning and the answer only
 * inside `delta.reasoning_details`, as OpenRouter streams some models (Qwen3, MiniMax, …);
 * `json` answers with one `chat.completion` JSON body (`application/json`) instead of SSE, as some
 * providers and proxies do. Absent or anything else: the usual stream.
 *
 * @since 0.1.0 @category Constants
 */
export const STREAM_HEADER = "X-Simulator-Stream"

/** How a stream is answered, from {@link STREAM_HEADER}. */
const streamMode = (request: SimRequest): "sse" | "reasoning-details" | "json" => {
  const value = Cache.header(request.headers, STREAM_HEADER)?.trim().toLowerCase()
  return value === "json" ? "json" : value === "reasoning-details" ? "reasoning-details" : "sse"
}

/** The most images one answer carries (`n`). @since 0.1.0 @category Constants */
export const MAX_IMAGES = 4

/**
 * The `context.state` key of the set of model slugs that are "down": a request for one of them
 * falls back to the next of `models`, or fails with 502 when none is left.
 *
 * @since 0.1.0 @category Constants
 */
export const DOWN_KEY = "chat.models-down"

const downSet = (context: SimContext): Set<string> => {
  const existing = context.state.get(DOWN_KEY)
  if (existing instanceof Set) return existing as Set<string>
  const created = new Set<string>()
  context.state.set(DOWN_KEY, created)
  return created
}

/** Marks model slugs as down (`true`) or up again (`false`). @since 0.1.0 @category State */
export const setDown = (context: SimContext, slugs: ReadonlyArray<string>, down = true): void => {
  const set = downSet(context)
  for (const slug of slugs) {
    if (down) set.add(slug)
    else set.delete(slug)
  }
}

const round = (value: number): number => Math.round(value * 1e12) / 1e12

// ---------------------------------------------------------------------------------------------
// Model selection
// ---------------------------------------------------------------------------------------------

interface Selection {
  /** The concrete model that answers. */
  readonly entry: Catalog.Entry
  /** The router the request named, if any. */
  readonly router: string | null
}

const unknownModel = (requested: ReadonlyArray<string>): Reply =>
  error(400, `${requested[0] ?? ""} is not a valid model ID`, {
    metadata: { error_type: "invalid_request" },
    availability: {
      code: "model_not_found",
      retryable: false,
      requested_models: requested,
      docs_url: `${DOCS_ERRORS}#model_not_found`
    },
    userId: false
  })

const stringList = (value: unknown): ReadonlyArray<string> =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []

const autoRouterPlugin = (body: Json): Json | undefined =>
  Array.isArray(body["plugins"])
    ? body["plugins"].find((p): p is Json => isRecord(p) && p["id"] === "auto-router" && p["enabled"] !== false)
    : undefined

const select = (body: Json, context: SimContext, wantsImage: boolean): Selection | Reply => {
  const candidates = [...new Set([
    ...(typeof body["model"] === "string" ? [body["model"]] : []),
    ...stringList(body["models"])
  ])]
  if (candidates.length === 0) candidates.push(DEFAULT_MODEL)
  const down = downSet(context)
  const unknown: Array<string> = []
  let downModel: Catalog.Entry | undefined
  let unmatchedRouter = false
  for (const slug of candidates) {
    const found = Catalog.find(slug)
    if (found === undefined) {
      unknown.push(slug)
      continue
    }
    let entry: Catalog.Entry | undefined = found
    if (found.router) {
      const plugin = autoRouterPlugin(body)
      entry = Catalog.resolveAuto({
        ...(wantsImage ? { outputs: ["image"] } : {}),
        ...(found.id === "openrouter/free" ? { free: true } : {}),
        ...(found.id === "openrouter/auto" && plugin !== undefined
          ? { allowed: stringList(plugin["allowed_models"]), excluded: stringList(plugin["excluded_models"]) }
          : {})
      })
      if (entry === undefined) {
        unmatchedRouter = true
        continue
      }
    }
    if (down.has(slug) || down.has(entry.id)) {
      downModel ??= entry
      continue
    }
    return { entry, router: found.router ? found.id : null }
  }
  if (downModel !== undefined) {
    return error(502, "Provider returned error", {
      metadata: { error_type: "provider_unavailable", provider_name: downModel.provider }
    })
  }
  if (unmatchedRouter) {
    return error(404, "No models match your request and model restrictions", { metadata: { error_type: "not_found" } })
  }
  return unknownModel(unknown)
}

// ---------------------------------------------------------------------------------------------
// The answer
// ---------------------------------------------------------------------------------------------

const PALETTE: ReadonlyArray<readonly [Png.Rgba, Png.Rgba]> = [
  [[32, 64, 160, 255], [240, 160, 48, 255]],
  [[20, 120, 90, 255], [230, 230, 120, 255]],
  [[120, 30, 90, 255], [250, 180, 200, 255]],
  [[40, 40, 40, 255], [200, 220, 255, 255]]
]

/**
 * Output tokens of an image relative to the model's 1K figure, per `image_size` (Gemini 3 bills
 * 1K and 2K alike and about 1.8 times that for 4K; 0.5K is the simulator's guess).
 *
 * @since 0.1.0 @category Constants
 */
export const IMAGE_TOKEN_SCALE: Readonly<Record<string, number>> = { "0.5K": 0.5, "1K": 1, "2K": 1, "4K": 1.8 }

const pngMemo = new Map<string, string>()

/** The data URL of the `index`-th simulated image of `width`×`height` (memoised, a few entries). */
const imageUrl = (width: number, height: number, index: number): string => {
  const memoKey = `${width}x${height}#${index % PALETTE.length}`
  const cached = pngMemo.get(memoKey)
  if (cached !== undefined) return cached
  const [from, to] = PALETTE[index % PALETTE.length]!
  const url = Png.dataUrl(Png.encode(width, height, { from, to }))
  if (pngMemo.size >= 8) pngMemo.delete(pngMemo.keys().next().value!)
  pngMemo.set(memoKey, url)
  return url
}

const imagePlan = (body: Json, entry: Catalog.Entry, model: string): ImageOut | Reply | undefined => {
  const modalities = stringList(body["modalities"])
  if (!modalities.includes("image")) return undefined
  const support = entry.image
  if (support === undefined || !Catalog.outputs(entry, "image")) {
    return error(404, `No endpoints found that support the requested output modalities: ${modalities.join(", ")}`, {
      metadata: { error_type: "not_found" },
      availability: {
        code: "no_endpoints",
        retryable: false,
        requested_models: [model],
        docs_url: `${DOCS_ERRORS}#no_endpoints`
      }
    })
  }
  const config = isRecord(body["image_config"]) ? body["image_config"] : {}
  const invalid = (field: string, value: unknown, allowed: ReadonlyArray<string>): Reply =>
    invalidRequest(
      `Invalid image_config.${field} ${JSON.stringify(value)} for ${entry.id}. Supported values: ${allowed.join(", ")}`
    )
  const rawRatio = config["aspect_ratio"] ?? Png.DEFAULT_ASPECT_RATIO
  const ratio = typeof rawRatio === "string" ? Png.normalizeAspectRatio(rawRatio) : undefined
  if (ratio === undefined || !support.aspectRatios.includes(ratio)) {
    return invalid("aspect_ratio", rawRatio, support.aspectRatios)
  }
  const rawSize = config["image_size"] ?? Png.DEFAULT_IMAGE_SIZE
  const size = typeof rawSize === "string" ? Png.normalizeImageSize(rawSize) : undefined
  if (size === undefined || !support.imageSizes.includes(size)) return invalid("image_size", rawSize, support.imageSizes)
  const { height, width } = Png.imageSize(ratio, size)!
  const requested = body["n"]
  const n = typeof requested === "number" && Number.isInteger(requested) && requested > 1
    ? Math.min(requested, MAX_IMAGES)
    : 1
  const tokens = Math.round(support.tokensPer1K * (IMAGE_TOKEN_SCALE[size] ?? 1)) * n
  return { urls: Array.from({ length: n }, (_, i) => imageUrl(width, height, i)), tokens }
}

const wantsReasoning = (body: Json): { readonly on: boolean; readonly excluded: boolean } => {
  const reasoning = body["reasoning"]
  const effort = body["reasoning_effort"]
  if (isRecord(reasoning)) {
    const on = reasoning["enabled"] !== false && reasoning["effort"] !== "none" && reasoning["max_tokens"] !== 0
    return { on, excluded: reasoning["exclude"] === true }
  }
  if (typeof effort === "string") return { on: effort !== "none", excluded: false }
  if (body["include_reasoning"] === true) return { on: true, excluded: false }
  return { on: false, excluded: false }
}

/** The signature a model gives its reasoning: deterministic, so stream and JSON agree. */
const signatureOf = (model: string, text: string): string =>
  createHash("sha512").update(`openrouter-simulator\n${model}\n${text}`).digest("base64")

/** The content before `max_tokens`: the text answer, or JSON for a `response_format` that asks for it. */
const contentText = (body: Json, context: SimContext, model: string, seed: number): string => {
  const reply = Answers.text({ body, model, seed }, context)
  const format = body["response_format"]
  if (!isRecord(format)) return reply
  if (format["type"] === "json_object") return JSON.stringify({ answer: reply })
  if (format["type"] === "json_schema" && isRecord(format["json_schema"])) {
    const schema = format["json_schema"]["schema"]
    if (schema === undefined) return JSON.stringify({ answer: reply })
    return JSON.stringify(JsonSchema.instance(schema, { seed, words: Answers.properNouns(Answers.lastUserText(body)) }))
  }
  return reply
}

/** What the model reasons, in a sentence that fits what it does next. */
const reasoningText = (body: Json, toolCall: Tools.ToolCall | undefined): string =>
  toolCall !== undefined
    ? `The request needs the ${toolCall.name} tool, so I should call it.`
    : Answers.trailingToolResults(body).length > 0
    ? "The tool result is in, so I can answer with it now."
    : "Let me think about the request before answering. I will answer briefly and clearly."

const positiveLimit = (body: Json): number | Reply | undefined => {
  let limit: number | undefined
  for (const name of ["max_tokens", "max_completion_tokens"]) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      return invalidRequest(`Invalid ${name}: must be a positive integer, got ${JSON.stringify(value)}`)
    }
    if (name === "max_completion_tokens" || limit === undefined) limit = value
  }
  return limit
}

const isReply = (value: unknown): value is Reply => isRecord(value) && typeof value["_tag"] === "string"

const answer = (body: Json, context: SimContext, selection: Selection, limit: number | undefined): Answer | Reply => {
  const { entry } = selection
  const images = imagePlan(body, entry, entry.id)
  if (isReply(images)) return images
  const seed = Answers.seedOf(body, entry.id)
  const toolCall = Tools.plan(body, context, entry, seed)
  if (isReply(toolCall)) return toolCall
  const asked = wantsReasoning(body)
  const thought = reasoningText(body, toolCall)
  const reasoning: Reasoning | undefined = asked.on && entry.reasons
    ? {
      text: thought,
      signature: signatureOf(entry.id, thought),
      format: entry.reasoningFormat,
      excluded: asked.excluded
    }
    : undefined
  const modalities = stringList(body["modalities"])
  const textWanted = modalities.length === 0 || modalities.includes("text")
  let pieces = toolCall !== undefined || !textWanted ? [] : wordPieces(contentText(body, context, entry.id, seed))
  let finishReason: Answer["finishReason"] = toolCall !== undefined ? "tool_calls" : "stop"
  if (limit !== undefined && toolCall === undefined && pieces.length > limit) {
    pieces = pieces.slice(0, limit)
    finishReason = "length"
  }
  const content = pieces.join("")
  const streamPieces = context.options.streamDeltas !== undefined ? splitInto(content, context.options.streamDeltas) : pieces
  const reasoningTokens = reasoning !== undefined ? countWords(reasoning.text) : 0
  const toolTokens = toolCall !== undefined ? Math.ceil((toolCall.name.length + toolCall.arguments.length) / 4) : 0
  const imageTokens = images?.tokens ?? 0
  const prompt = promptTokens(body)
  const completion = pieces.length + reasoningTokens + toolTokens + imageTokens
  const promptCost = round(prompt * Catalog.price(entry, "prompt"))
  const imagePrice = entry.info.pricing["image_output"] !== undefined
    ? Catalog.price(entry, "image_output")
    : Catalog.price(entry, "completion")
  const completionCost = round((completion - imageTokens) * Catalog.price(entry, "completion") + imageTokens * imagePrice)
  const cost = round(promptCost + completionCost)
  const id = context.nextId("gen")
  const native = finishReason === "tool_calls"
    ? entry.nativeFinish.toolCalls
    : finishReason === "length"
    ? entry.nativeFinish.length
    : entry.nativeFinish.stop
  return {
    id,
    created: Math.floor(context.now() / 1000),
    entry,
    content,
    pieces: streamPieces,
    reasoning,
    toolCall,
    images,
    finishReason,
    nativeFinishReason: native,
    promptTokens: prompt,
    completionTokens: completion,
    reasoningTokens,
    cost,
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost,
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0, audio_tokens: 0, video_tokens: 0 },
      cost_details: {
        upstream_inference_cost: cost,
        upstream_inference_prompt_cost: promptCost,
        upstream_inference_completions_cost: completionCost
      },
      completion_tokens_details: { reasoning_tokens: reasoningTokens, image_tokens: imageTokens, audio_tokens: 0 }
    }
  }
}

const requestDetails = (request: SimRequest, body: Json): Lookups.GenerationDetails => {
  const session = typeof body["session_id"] === "string" ? body["session_id"] : Cache.header(request.headers, "x-session-id")
  return {
    apiType: "completions",
    httpReferer: Cache.header(request.headers, "HTTP-Referer") ?? null,
    userAgent: Cache.header(request.headers, "User-Agent") ?? null,
    sessionId: session ?? null,
    externalUser: typeof body["user"] === "string" ? body["user"] : null,
    serviceTier: typeof body["service_tier"] === "string" ? body["service_tier"] : null
  }
}

/**
 * `POST /chat/completions`. JSON answers are a `chat.completion` as in §12.2 with
 * `X-Generation-Id`; `stream: true` answers SSE as in §12.3: two `: OPENROUTER PROCESSING`
 * comments, a role chunk, reasoning chunks (one per word, then the signature in two
 * `reasoning_details` deltas), an `images` chunk, content chunks (one per word of the answer, or
 * `streamDeltas` pieces) or tool-call chunks (id and name, then the arguments in two fragments),
 * the finish chunk, the usage chunk with `choices: []`, and `data: [DONE]`. Stream chunks leave
 * out `system_fingerprint` for models without one; the JSON answer sends it as `null`.
 * {@link STREAM_HEADER} answers a stream with its text only in `reasoning_details`, or with the
 * JSON answer.
 *
 * @since 0.1.0 @category Handlers
 */
export const chatCompletions: Handler = (request, context) => {
  const body = request.body
  if (!isRecord(body)) return invalidRequest("The request body must be a JSON object")
  const messages = body["messages"]
  const hasPrompt = typeof body["prompt"] === "string" && body["prompt"] !== ""
  if (!hasPrompt && (!Array.isArray(messages) || messages.length === 0)) {
    return invalidRequest("messages must be a non-empty array")
  }
  const limit = positiveLimit(body)
  if (isReply(limit)) return limit
  const selection = select(body, context, stringList(body["modalities"]).includes("image"))
  if (isReply(selection)) return selection
  const stream = body["stream"] === true
  const mode = stream ? streamMode(request) : "sse"
  const produced: { answer?: Answer } = {}
  const outcome = Cache.apply(
    request,
    context,
    {
      // A stream answered with JSON shares the JSON answers' entries; one that streams its text in
      // `reasoning_details` has entries of its own.
      endpoint: mode === "reasoning-details" ? "chat+reasoning-details" : "chat",
      model: typeof body["model"] === "string" ? body["model"] : DEFAULT_MODEL,
      stream: stream && mode !== "json"
    },
    () => {
      const result = answer(body, context, selection, limit)
      if (isReply(result)) return result
      produced.answer = result
      return !stream || mode === "json" ? toJson(result) : toSse(result, mode === "reasoning-details" ? "reasoning-details" : "fields")
    }
  )
  const details = requestDetails(request, body)
  const made = produced.answer
  if (made !== undefined) {
    context.recordGeneration({
      id: made.id,
      model: made.entry.id,
      provider: made.entry.provider,
      createdAt: context.now(),
      promptTokens: made.promptTokens,
      completionTokens: made.completionTokens,
      totalCost: made.cost,
      streamed: stream,
      cached: false
    })
    Lookups.annotateGeneration(context, made.id, {
      ...details,
      finishReason: made.finishReason,
      nativeFinishReason: made.nativeFinishReason,
      router: selection.router,
      reasoningTokens: made.reasoningTokens,
      imageTokens: made.images?.tokens ?? 0,
      mediaCompletion: made.images?.urls.length ?? 0
    })
    Lookups.addKeyUsage(context, request.apiKey, made.cost)
  } else if (outcome.status === "HIT") {
    context.recordGeneration({
      id: outcome.id,
      model: selection.entry.id,
      provider: selection.entry.provider,
      createdAt: context.now(),
      promptTokens: 0,
      completionTokens: 0,
      totalCost: 0,
      streamed: stream,
      cached: true
    })
    Lookups.annotateGeneration(context, outcome.id, {
      ...details,
      router: selection.router,
      responseCacheSourceId: outcome.sourceId
    })
  }
  return outcome.reply
}
