/**
 * `POST /chat/completions` (reference §2, §3, §10.3–§10.5, §12.2–§12.4): a deterministic model that
 * answers with `context.options.replyText`, reasons when asked (and the model reasons), calls the
 * first tool when given tools, returns real PNGs from image models, as JSON or as SSE, through
 * the response cache of §6.
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
import type { Handler, Reply, SimContext, SimRequest, SseEvent } from "../Types.js"
import * as Cache from "./Cache.js"
import * as Png from "./Png.js"

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

const DOCS_ERRORS = "https://openrouter.ai/docs/errors"

/** The model a request without `model` (and without `models`) gets. @since 0.1.0 @category Constants */
export const DEFAULT_MODEL = "openrouter/auto"

/** The most images one answer carries (`n`). @since 0.1.0 @category Constants */
export const MAX_IMAGES = 4

/** The keep-alive comment sent before the first chunk of a stream. @since 0.1.0 @category Constants */
export const PROCESSING_COMMENT = "OPENROUTER PROCESSING"

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

// ---------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------

/**
 * `text` cut into word pieces whose concatenation is `text` exactly: each piece is a word with the
 * whitespace before it (`"Paris is"` → `["Paris", " is"]`), trailing whitespace stays on the last.
 *
 * @since 0.1.0 @category Text
 */
export const wordPieces = (text: string): ReadonlyArray<string> => {
  const pieces = text.match(/\s*\S+/g)
  if (pieces === null) return text === "" ? [] : [text]
  const joined = pieces.join("")
  if (joined.length < text.length) pieces[pieces.length - 1] += text.slice(joined.length)
  return pieces
}

/**
 * `text` cut into `count` non-empty pieces that concatenate to it: whole words grouped evenly when
 * there are enough words, else characters; fewer pieces only when the text is shorter than
 * `count` characters.
 *
 * @since 0.1.0 @category Text
 */
export const splitInto = (text: string, count: number): ReadonlyArray<string> => {
  if (text === "") return []
  const n = Math.max(1, Math.floor(count))
  const words = wordPieces(text)
  const units = words.length >= n ? words : Array.from(text)
  const pieces = Math.min(n, units.length)
  const out: Array<string> = []
  for (let i = 0; i < pieces; i++) {
    const from = Math.floor((i * units.length) / pieces)
    const to = Math.floor(((i + 1) * units.length) / pieces)
    out.push(units.slice(from, to).join(""))
  }
  return out
}

const countWords = (text: string): number => text.match(/\S+/g)?.length ?? 0

const messageText = (content: unknown): string => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return ""
  return content
    .map((part) => (isRecord(part) && typeof part["text"] === "string" ? part["text"] : ""))
    .join(" ")
}

/** Prompt tokens of a request: the words of every message's text (and of a legacy `prompt`). @since 0.1.0 @category Text */
export const promptTokens = (body: Json): number => {
  const messages = Array.isArray(body["messages"]) ? body["messages"] : []
  let total = typeof body["prompt"] === "string" ? countWords(body["prompt"]) : 0
  for (const message of messages) if (isRecord(message)) total += countWords(messageText(message["content"]))
  return total
}

const halves = (text: string): ReadonlyArray<string> => {
  if (text.length < 2) return [text]
  const middle = Math.floor(text.length / 2)
  return [text.slice(0, middle), text.slice(middle)]
}

const round = (value: number): number => Math.round(value * 1e12) / 1e12

// ---------------------------------------------------------------------------------------------
// JSON Schema samples (tool arguments, structured outputs)
// ---------------------------------------------------------------------------------------------

/**
 * A small value matching a JSON Schema: an object with its `required` properties, the first
 * `enum` or `const`, `minimum` or 1 for numbers, `true`, `[]`, `null`, and `text` for strings.
 *
 * @since 0.1.0 @category Text
 */
export const sample = (schema: unknown, text = "example", depth = 0): unknown => {
  if (!isRecord(schema) || depth > 8) return text
  if ("const" in schema) return schema["const"]
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return schema["enum"][0]
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const options = schema[key]
    if (Array.isArray(options) && options.length > 0) return sample(options[0], text, depth + 1)
  }
  const declared = schema["type"]
  const type = Array.isArray(declared) ? declared.find((t) => t !== "null") ?? declared[0] : declared
  if (type === "object" || (type === undefined && isRecord(schema["properties"]))) {
    const properties = isRecord(schema["properties"]) ? schema["properties"] : {}
    const required = Array.isArray(schema["required"]) ? schema["required"].filter((k) => typeof k === "string") : []
    return Object.fromEntries(required.map((k: string) => [k, sample(properties[k], text, depth + 1)]))
  }
  switch (type) {
    case "integer":
    case "number":
      return typeof schema["minimum"] === "number" ? schema["minimum"] : 1
    case "boolean":
      return true
    case "array":
      return []
    case "null":
      return null
    default:
      return text
  }
}

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

interface ImageOut {
  readonly urls: ReadonlyArray<string>
  readonly tokens: number
}

interface Reasoning {
  readonly text: string
  readonly signature: string
  readonly format: Catalog.ReasoningFormat
  /** `reasoning.exclude`: the model reasons (and bills it) but the text is not returned. */
  readonly excluded: boolean
}

interface ToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: string
}

interface Answer {
  readonly id: string
  readonly created: number
  readonly entry: Catalog.Entry
  readonly content: string
  /** The content as streamed (pieces concatenating to `content`). */
  readonly pieces: ReadonlyArray<string>
  readonly reasoning: Reasoning | undefined
  readonly toolCall: ToolCall | undefined
  readonly images: ImageOut | undefined
  readonly finishReason: "stop" | "length" | "tool_calls"
  readonly nativeFinishReason: string
  readonly usage: Json
  readonly promptTokens: number
  readonly completionTokens: number
  readonly reasoningTokens: number
  readonly cost: number
}

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

const toolPlan = (body: Json, context: SimContext, entry: Catalog.Entry): ToolCall | Reply | undefined => {
  const tools = Array.isArray(body["tools"])
    ? body["tools"].filter((t): t is Json =>
      isRecord(t) && t["type"] === "function" && isRecord(t["function"]) && typeof t["function"]["name"] === "string"
    )
    : []
  const choice = body["tool_choice"]
  if (tools.length === 0 || choice === "none") return undefined
  const named = isRecord(choice) && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string"
    ? choice["function"]["name"]
    : undefined
  const tool = named === undefined ? tools[0]! : tools.find((t) => (t["function"] as Json)["name"] === named)
  if (tool === undefined) return invalidRequest(`tool_choice names a function that is not in tools: ${named}`)
  const fn = tool["function"] as Json
  const prefix = entry.provider === "Anthropic" ? "toolu_" : "call_"
  return {
    id: `${prefix}${context.nextId("call").replace(/^call-/, "")}`,
    name: fn["name"] as string,
    arguments: JSON.stringify(sample(fn["parameters"], "example") ?? {})
  }
}

const contentText = (body: Json, context: SimContext): string => {
  const reply = context.options.replyText
  const format = body["response_format"]
  if (!isRecord(format)) return reply
  if (format["type"] === "json_object") return JSON.stringify({ answer: reply })
  if (format["type"] === "json_schema" && isRecord(format["json_schema"])) {
    return JSON.stringify(sample(format["json_schema"]["schema"] ?? { type: "object" }, reply))
  }
  return reply
}

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
  const toolCall = toolPlan(body, context, entry)
  if (isReply(toolCall)) return toolCall
  const asked = wantsReasoning(body)
  const reasoningText = toolCall !== undefined
    ? `The request needs the ${toolCall.name} tool, so I should call it.`
    : "Let me think about the request before answering. I will answer briefly and clearly."
  const reasoning: Reasoning | undefined = asked.on && entry.reasons
    ? {
      text: reasoningText,
      signature: signatureOf(entry.id, reasoningText),
      format: entry.reasoningFormat,
      excluded: asked.excluded
    }
    : undefined
  const modalities = stringList(body["modalities"])
  const textWanted = modalities.length === 0 || modalities.includes("text")
  let pieces = toolCall !== undefined || !textWanted ? [] : wordPieces(contentText(body, context))
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

const imageItems = (images: ImageOut): ReadonlyArray<Json> =>
  images.urls.map((url) => ({ type: "image_url", image_url: { url } }))

const toJson = (a: Answer): Reply => {
  const shown = a.reasoning !== undefined && !a.reasoning.excluded ? a.reasoning : undefined
  const message: Json = {
    role: "assistant",
    content: a.content,
    refusal: null,
    reasoning: shown?.text ?? null,
    ...(shown !== undefined
      ? {
        reasoning_details: [{
          type: "reasoning.text",
          text: shown.text,
          signature: shown.signature,
          id: null,
          format: shown.format,
          index: 0
        }]
      }
      : {}),
    ...(a.toolCall !== undefined
      ? {
        tool_calls: [{
          id: a.toolCall.id,
          type: "function",
          function: { name: a.toolCall.name, arguments: a.toolCall.arguments }
        }]
      }
      : {}),
    ...(a.images !== undefined ? { images: imageItems(a.images) } : {})
  }
  return {
    _tag: "json",
    status: 200,
    headers: { "X-Generation-Id": a.id },
    body: {
      id: a.id,
      provider: a.entry.provider,
      model: a.entry.id,
      object: "chat.completion",
      created: a.created,
      system_fingerprint: a.entry.systemFingerprint,
      choices: [{
        index: 0,
        logprobs: null,
        finish_reason: a.finishReason,
        native_finish_reason: a.nativeFinishReason,
        message
      }],
      usage: a.usage
    }
  }
}

const toSse = (a: Answer): Reply => {
  const head = {
    id: a.id,
    provider: a.entry.provider,
    model: a.entry.id,
    object: "chat.completion.chunk",
    created: a.created,
    system_fingerprint: a.entry.systemFingerprint
  }
  const chunk = (delta: Json, finish: string | null = null, native: string | null = null): SseEvent => ({
    data: JSON.stringify({
      ...head,
      choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: native, logprobs: null }]
    })
  })
  const events: Array<SseEvent> = [{ comment: PROCESSING_COMMENT }, { comment: PROCESSING_COMMENT }]
  events.push(chunk({ role: "assistant", content: "" }))
  const shown = a.reasoning !== undefined && !a.reasoning.excluded ? a.reasoning : undefined
  if (shown !== undefined) {
    for (const piece of wordPieces(shown.text)) {
      events.push(chunk({
        role: "assistant",
        content: "",
        reasoning: piece,
        reasoning_details: [{ type: "reasoning.text", text: piece, format: shown.format, index: 0 }]
      }))
    }
    for (const part of halves(shown.signature)) {
      events.push(chunk({
        role: "assistant",
        content: "",
        reasoning_details: [{ type: "reasoning.text", text: "", signature: part, format: shown.format, index: 0 }]
      }))
    }
  }
  if (a.images !== undefined) events.push(chunk({ role: "assistant", content: "", images: imageItems(a.images) }))
  for (const piece of a.pieces) events.push(chunk({ role: "assistant", content: piece }))
  if (a.toolCall !== undefined) {
    events.push(chunk({
      role: "assistant",
      content: null,
      tool_calls: [{ index: 0, id: a.toolCall.id, type: "function", function: { name: a.toolCall.name, arguments: "" } }]
    }))
    for (const part of halves(a.toolCall.arguments)) {
      events.push(chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, function: { arguments: part } }] }))
    }
  }
  events.push(chunk({ role: "assistant", content: "" }, a.finishReason, a.nativeFinishReason))
  events.push({ data: JSON.stringify({ ...head, choices: [], usage: a.usage }) })
  events.push({ data: "[DONE]" })
  return { _tag: "sse", status: 200, headers: { "X-Generation-Id": a.id }, events }
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
 * `reasoning_details` deltas), an `images` chunk, content chunks (one per word of `replyText`, or
 * `streamDeltas` pieces) or tool-call chunks (id and name, then the arguments in two fragments),
 * the finish chunk, the usage chunk with `choices: []`, and `data: [DONE]`.
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
  const produced: { answer?: Answer } = {}
  const outcome = Cache.apply(
    request,
    context,
    { endpoint: "chat", model: typeof body["model"] === "string" ? body["model"] : DEFAULT_MODEL, stream },
    () => {
      const result = answer(body, context, selection, limit)
      if (isReply(result)) return result
      produced.answer = result
      return stream ? toSse(result) : toJson(result)
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
