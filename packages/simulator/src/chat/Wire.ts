/**
 * A chat answer on the wire: the `chat.completion` JSON body (reference §2.6, §12.2) and the SSE
 * events of a stream (§2.8, §12.3).
 *
 * Fields follow OpenRouter's OpenAPI response schemas (`ChatResult`, `ChatStreamChunk`): a field
 * that is required but nullable is sent as `null` when there is no value (`system_fingerprint`
 * of a completion, `refusal`, `reasoning`, `logprobs`); an optional field that is not nullable
 * is left out (`system_fingerprint` of a stream chunk: the official `@openrouter/sdk` rejects a
 * chunk whose `system_fingerprint` is `null`).
 *
 * @since 0.1.0
 */
import type * as Catalog from "../Catalog.js"
import type { Reply, SseEvent } from "../Types.js"
import { wordPieces } from "./Text.js"
import type { ToolCall } from "./Tools.js"

type Json = Record<string, unknown>

/** The keep-alive comment sent before the first chunk of a stream. @since 0.1.0 @category Constants */
export const PROCESSING_COMMENT = "OPENROUTER PROCESSING"

/** The images of an answer. @since 0.1.0 @category Models */
export interface ImageOut {
  readonly urls: ReadonlyArray<string>
  readonly tokens: number
}

/** The reasoning of an answer. @since 0.1.0 @category Models */
export interface Reasoning {
  readonly text: string
  readonly signature: string
  readonly format: Catalog.ReasoningFormat
  /** `reasoning.exclude`: the model reasons (and bills it) but the text is not returned. */
  readonly excluded: boolean
}

/** Everything an answer carries, whichever way it is sent. @since 0.1.0 @category Models */
export interface Answer {
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

const halves = (text: string): ReadonlyArray<string> => {
  if (text.length < 2) return [text]
  const middle = Math.floor(text.length / 2)
  return [text.slice(0, middle), text.slice(middle)]
}

const imageItems = (images: ImageOut): ReadonlyArray<Json> =>
  images.urls.map((url) => ({ type: "image_url", image_url: { url } }))

const shownReasoning = (a: Answer): Reasoning | undefined =>
  a.reasoning !== undefined && !a.reasoning.excluded ? a.reasoning : undefined

/**
 * The JSON answer: a `chat.completion` with `X-Generation-Id`.
 *
 * @since 0.1.0 @category Rendering
 */
export const toJson = (a: Answer): Reply => {
  const shown = shownReasoning(a)
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
      // Required by ChatResult, nullable: null for the models that have none.
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

/**
 * How a stream carries its text: as usual (`reasoning` and `content`, with `reasoning_details` for
 * the reasoning), or only inside `delta.reasoning_details` (`reasoning.text` entries for the
 * reasoning, `response.output_text` entries for the answer), as OpenRouter streams some models
 * (Qwen3, MiniMax and others).
 *
 * @since 0.1.0 @category Models
 */
export type StreamText = "fields" | "reasoning-details"

/**
 * The SSE answer: two `: OPENROUTER PROCESSING` comments, a role chunk, reasoning chunks (one per
 * word, then the signature in two `reasoning_details` deltas), an `images` chunk, content chunks,
 * tool-call chunks (id and name, then the arguments in two fragments), the finish chunk, the usage
 * chunk with `choices: []`, and `data: [DONE]`.
 *
 * With `text: "reasoning-details"` the reasoning and the answer travel only in
 * `reasoning_details`: no `reasoning` string, `content` always `""`, each answer piece a
 * `response.output_text` entry (index 1); the first answer piece rides in the same chunk as the
 * second half of the signature, so one chunk interleaves reasoning and answer entries.
 *
 * @since 0.1.0 @category Rendering
 */
export const toSse = (a: Answer, text: StreamText = "fields"): Reply => {
  // The fields every chunk repeats, serialised once: a long stream costs one small
  // `JSON.stringify` of its delta per chunk, nothing more.
  const head = JSON.stringify({
    id: a.id,
    provider: a.entry.provider,
    model: a.entry.id,
    object: "chat.completion.chunk",
    created: a.created,
    // Optional and NOT nullable in ChatStreamChunk: absent for the models that have none.
    ...(a.entry.systemFingerprint !== null ? { system_fingerprint: a.entry.systemFingerprint } : {})
  })
  const open = `${head.slice(0, -1)},"choices":[{"index":0,"delta":`
  const chunk = (delta: Json, finish: string | null = null, native: string | null = null): SseEvent => ({
    data: `${open}${JSON.stringify(delta)},"finish_reason":${JSON.stringify(finish)},"native_finish_reason":${
      JSON.stringify(native)
    },"logprobs":null}]}`
  })
  const detailsOnly = text === "reasoning-details"
  const answerEntry = (piece: string): Json => ({ type: "response.output_text", text: piece, index: 1 })
  // Answer pieces already sent inside a reasoning chunk (reasoning-details mode).
  let answered = 0
  const events: Array<SseEvent> = [{ comment: PROCESSING_COMMENT }, { comment: PROCESSING_COMMENT }]
  events.push(chunk({ role: "assistant", content: "" }))
  const shown = shownReasoning(a)
  if (shown !== undefined) {
    for (const piece of wordPieces(shown.text)) {
      const entry = { type: "reasoning.text", text: piece, format: shown.format, index: 0 }
      events.push(chunk(
        detailsOnly
          ? { role: "assistant", content: "", reasoning_details: [entry] }
          : { role: "assistant", content: "", reasoning: piece, reasoning_details: [entry] }
      ))
    }
    const parts = halves(shown.signature)
    parts.forEach((part, i) => {
      const entry: Json = { type: "reasoning.text", text: "", signature: part, format: shown.format, index: 0 }
      const first = a.pieces[0]
      const interleave = detailsOnly && i === parts.length - 1 && first !== undefined
      if (interleave) answered = 1
      events.push(chunk({ role: "assistant", content: "", reasoning_details: interleave ? [entry, answerEntry(first)] : [entry] }))
    })
  }
  if (a.images !== undefined) events.push(chunk({ role: "assistant", content: "", images: imageItems(a.images) }))
  for (let i = answered; i < a.pieces.length; i++) {
    const piece = a.pieces[i]!
    events.push(chunk(detailsOnly ? { role: "assistant", content: "", reasoning_details: [answerEntry(piece)] } : { role: "assistant", content: piece }))
  }
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
  events.push({ data: `${head.slice(0, -1)},"choices":[],"usage":${JSON.stringify(a.usage)}}` })
  events.push({ data: "[DONE]" })
  return { _tag: "sse", status: 200, headers: { "X-Generation-Id": a.id }, events }
}

