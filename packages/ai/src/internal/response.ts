/**
 * Our chat answers as `@effect/ai` response parts: a completion as parts, a stream of `Chat.Event`s
 * as stream parts (one pass per chunk of events, no per-delta parsing of tool arguments: a tool
 * call is parsed once, when the model finishes it).
 *
 * @internal
 */
import * as AiError from "@effect/ai/AiError"
import type * as Response from "@effect/ai/Response"
import * as Tool from "@effect/ai/Tool"
import type * as Chat from "@openrouter-effect/client/Chat"
import * as Chunk from "effect/Chunk"
import { MODULE } from "./errors.js"
import type { CallKey, ReplayMemory } from "./replay.js"
import * as ReasoningDetails from "@openrouter-effect/client/ReasoningDetails"

type Json = Record<string, unknown>

const record = (u: unknown): Json | undefined => (typeof u === "object" && u !== null && !Array.isArray(u) ? u as Json : undefined)

const FINISH_REASONS: Record<string, Response.FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  content_filter: "content-filter",
  error: "error"
}

/** OpenRouter's normalized `finish_reason` as `@effect/ai`'s. @internal */
export const finishReason = (reason: string | null | undefined): Response.FinishReason =>
  reason === null || reason === undefined ? "unknown" : FINISH_REASONS[reason] ?? "other"

const num = (u: unknown): number | undefined => (typeof u === "number" ? u : undefined)

/** The usage of the finish part. @internal */
export const usageOf = (usage: unknown): Response.FinishPartEncoded["usage"] => {
  const raw = record(usage)
  const reasoningTokens = num(record(raw?.completion_tokens_details)?.reasoning_tokens)
  const cachedInputTokens = num(record(raw?.prompt_tokens_details)?.cached_tokens)
  return {
    inputTokens: num(raw?.prompt_tokens),
    outputTokens: num(raw?.completion_tokens),
    totalTokens: num(raw?.total_tokens),
    ...(reasoningTokens !== undefined ? { reasoningTokens } : {}),
    ...(cachedInputTokens !== undefined ? { cachedInputTokens } : {})
  }
}

/** What the finish part's `metadata.openrouter` says. @internal */
export interface FinishFacts {
  readonly usage: unknown
  readonly provider: string | undefined
  readonly generationId: string | undefined
  readonly cache: Chat.CacheStatus | undefined
  readonly nativeFinishReason: string | undefined
  readonly imageUrls: ReadonlyArray<string>
}

/** @internal */
export const finishMetadata = (facts: FinishFacts): Json => {
  const usage = record(facts.usage)
  return {
    provider: facts.provider,
    generationId: facts.generationId,
    cost: num(usage?.cost),
    isByok: typeof usage?.is_byok === "boolean" ? usage.is_byok : undefined,
    cache: facts.cache,
    nativeFinishReason: facts.nativeFinishReason,
    usage: facts.usage,
    ...(facts.imageUrls.length > 0 ? { imageUrls: facts.imageUrls } : {})
  }
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*)?;base64,/i

// An image as a file part (`@effect/ai` takes base64 data), or undefined for a remote URL.
const imagePart = (url: string): Response.FilePartEncoded | undefined => {
  const match = DATA_URL.exec(url)
  if (match === null) return undefined
  return { type: "file", mediaType: match[1] ?? "image/png", data: url.slice(match[0].length) }
}

const parseArguments = (name: string, text: string): unknown => {
  if (text.trim() === "") return {}
  try {
    return Tool.unsafeSecureJsonParse(text)
  } catch (cause) {
    throw new AiError.MalformedOutput({
      module: MODULE,
      method: "makeResponse",
      description: `The arguments of a call to the tool ${name} are not JSON: ${text.slice(0, 200)}`,
      cause
    })
  }
}

const reasoningTextOf = (message: Json, details: ReadonlyArray<unknown>): string => {
  if (typeof message.reasoning === "string" && message.reasoning !== "") return message.reasoning
  let text = ""
  for (const raw of details) {
    const entry = record(raw)
    if (entry?.type === "reasoning.text" && typeof entry.text === "string") text += entry.text
    else if (entry?.type === "reasoning.summary" && typeof entry.summary === "string") text += entry.summary
  }
  return text
}

/**
 * A completion as parts. In tool mode (`objectTool`), the call to that tool is the object: its
 * arguments become the text `generateObject` decodes, and that text alone (`@effect/ai` joins the
 * text parts before it parses them): when the call is there, the message's own text ("Sure, here
 * it is.") is left out, and so is any further call to the tool.
 *
 * @internal
 */
export const fromCompletion = (
  completion: Chat.Completion,
  objectTool: string | undefined,
  memory: ReplayMemory
): Array<Response.PartEncoded> | AiError.MalformedOutput => {
  const response = completion.response
  const choice = response.choices[0]
  if (choice === undefined) {
    return new AiError.MalformedOutput({ module: MODULE, method: "makeResponse", description: "The response has no choices" })
  }
  const message = choice.message as unknown as Json
  const parts: Array<Response.PartEncoded> = [{
    type: "response-metadata",
    id: response.id,
    modelId: response.model,
    ...(typeof response.created === "number" ? { timestamp: new Date(response.created * 1000).toISOString() } : {})
  }]
  const details = Array.isArray(message.reasoning_details) ? message.reasoning_details as ReadonlyArray<unknown> : []
  const reasoning = reasoningTextOf(message, details)
  if (reasoning !== "" || details.length > 0) {
    parts.push({
      type: "reasoning",
      text: reasoning,
      ...(details.length > 0 ? { metadata: { openrouter: { reasoningDetails: details } } } : {})
    })
  }
  const toolCalls = choice.message.tool_calls ?? []
  const objectCall = objectTool === undefined ? undefined : toolCalls.find((call) => call.function.name === objectTool)
  const text = typeof message.content === "string" ? message.content : ""
  if (text !== "" && objectCall === undefined) parts.push({ type: "text", text })
  const calls: Array<CallKey> = []
  try {
    for (const call of toolCalls) {
      const { arguments: args, name } = call.function
      if (name === objectTool) {
        if (call === objectCall) parts.push({ type: "text", text: args })
        continue
      }
      calls.push({ id: call.id, name })
      parts.push({ type: "tool-call", id: call.id, name, params: parseArguments(name, args) })
    }
  } catch (error) {
    if (error instanceof AiError.MalformedOutput) return error
    throw error
  }
  const imageUrls: Array<string> = []
  for (const image of choice.message.images ?? []) {
    const part = imagePart(image.image_url.url)
    if (part !== undefined) parts.push(part)
    else imageUrls.push(image.image_url.url)
  }
  memory.remember(calls, details)
  parts.push({
    type: "finish",
    reason: finishReason(choice.finish_reason),
    usage: usageOf(response.usage),
    metadata: {
      openrouter: finishMetadata({
        usage: response.usage,
        provider: response.provider,
        generationId: completion.generationId,
        cache: completion.cache,
        nativeFinishReason: choice.native_finish_reason ?? undefined,
        imageUrls
      })
    }
  })
  return parts
}

/**
 * A streamed tool call: what its events said so far (the latest `accumulated`), and whether its
 * `tool-params-start` went out. A provider may send the id after the name, or the name in pieces:
 * the start waits for both and for the first piece of the arguments (or the end of the call); the
 * call itself is read at the end, from everything received.
 */
interface PendingCall {
  id: string
  name: string
  arguments: string
  started: boolean
}

/**
 * The stream parts of a chat stream: a stateful converter of event chunks (`step`) and the parts
 * that close the stream (`end`).
 *
 * @internal
 */
export const streamConverter = (memory: ReplayMemory) => {
  let nextId = 0
  let textId: string | undefined
  let reasoningId: string | undefined
  // The entries of the current reasoning block, and of the whole answer.
  let blockDetails: Array<Json> = []
  const allDetails: Array<Json> = []
  // The calls in the order they began, and the one in progress at each index.
  const calls: Array<PendingCall> = []
  const callAt = new Map<number, PendingCall>()
  const callKeys: Array<CallKey> = []
  let usage: unknown
  let reason: string | undefined
  let nativeReason: string | undefined
  let provider: string | undefined
  let generationId: string | undefined
  let cache: Chat.CacheStatus | undefined
  const imageUrls: Array<string> = []
  let failure: AiError.MalformedOutput | undefined

  const endText = (out: Array<Response.StreamPartEncoded>) => {
    if (textId === undefined) return
    out.push({ type: "text-end", id: textId })
    textId = undefined
  }
  const endReasoning = (out: Array<Response.StreamPartEncoded>) => {
    if (reasoningId === undefined) return
    out.push(
      blockDetails.length > 0
        ? { type: "reasoning-end", id: reasoningId, metadata: { openrouter: { reasoningDetails: blockDetails } } }
        : { type: "reasoning-end", id: reasoningId }
    )
    reasoningId = undefined
    blockDetails = []
  }
  // The start, once the id and name are known, with the arguments received so far.
  const startCall = (call: PendingCall, out: Array<Response.StreamPartEncoded>) => {
    if (call.started || call.id === "" || call.name === "") return
    call.started = true
    out.push({ type: "tool-params-start", id: call.id, name: call.name })
    if (call.arguments !== "") out.push({ type: "tool-params-delta", id: call.id, delta: call.arguments })
  }
  const flushCalls = (out: Array<Response.StreamPartEncoded>) => {
    for (const [position, call] of calls.entries()) {
      // A call that never got an id: one of its own, so its result can be matched to it.
      if (call.id === "") call.id = `${generationId ?? "call"}-tool-${position}`
      startCall(call, out)
      if (call.started) out.push({ type: "tool-params-end", id: call.id })
      let params: unknown
      try {
        params = parseArguments(call.name, call.arguments)
      } catch (error) {
        if (error instanceof AiError.MalformedOutput) {
          failure = error
          calls.length = 0
          callAt.clear()
          return
        }
        throw error
      }
      callKeys.push({ id: call.id, name: call.name })
      out.push({ type: "tool-call", id: call.id, name: call.name, params })
    }
    calls.length = 0
    callAt.clear()
  }

  const step = (events: Chunk.Chunk<Chat.Event>): Chunk.Chunk<Response.StreamPartEncoded> => {
    const out: Array<Response.StreamPartEncoded> = []
    for (const event of events) {
      switch (event._tag) {
        case "Text":
          if (event.delta === "") break
          if (reasoningId !== undefined) endReasoning(out)
          if (textId === undefined) {
            textId = String(nextId++)
            out.push({ type: "text-start", id: textId })
          }
          out.push({ type: "text-delta", id: textId, delta: event.delta })
          break
        case "Reasoning":
          if (textId !== undefined) endText(out)
          if (reasoningId === undefined) {
            reasoningId = String(nextId++)
            out.push({ type: "reasoning-start", id: reasoningId })
          }
          for (const piece of event.details) {
            ReasoningDetails.merge(blockDetails, piece)
            ReasoningDetails.merge(allDetails, piece)
          }
          if (event.delta !== "") out.push({ type: "reasoning-delta", id: reasoningId, delta: event.delta })
          break
        case "ToolCall": {
          const { accumulated } = event
          let call = callAt.get(event.index)
          // Another id at an index in use is another call (the client's decoder gives it an index
          // of its own; a `Chat` that does not is read the same way).
          if (call === undefined || (call.id !== "" && accumulated.id !== "" && accumulated.id !== call.id)) {
            call = { id: "", name: "", arguments: "", started: false }
            calls.push(call)
            callAt.set(event.index, call)
          }
          // The latest of everything received: an id or a name may come late or in pieces.
          if (call.started) {
            if (event.argumentsDelta !== "") out.push({ type: "tool-params-delta", id: call.id, delta: event.argumentsDelta })
          }
          if (accumulated.id !== "") call.id = accumulated.id
          call.name = accumulated.name
          call.arguments = accumulated.arguments
          if (!call.started && call.arguments !== "") startCall(call, out)
          break
        }
        case "Image": {
          const part = imagePart(event.url)
          if (part !== undefined) out.push(part)
          else imageUrls.push(event.url)
          break
        }
        case "Start":
          generationId = event.id
          provider = event.provider
          cache = event.cache
          out.push({ type: "response-metadata", id: event.id, modelId: event.model, timestamp: new Date().toISOString() })
          break
        case "Usage":
          usage = event.usage
          break
        case "Finish":
          reason = event.reason
          nativeReason = event.nativeReason
          flushCalls(out)
          break
      }
      if (failure !== undefined) break
    }
    return Chunk.unsafeFromArray(out)
  }

  const end = (): Array<Response.StreamPartEncoded> | AiError.MalformedOutput => {
    const out: Array<Response.StreamPartEncoded> = []
    endReasoning(out)
    endText(out)
    flushCalls(out)
    if (failure !== undefined) return failure
    memory.remember(callKeys, allDetails)
    out.push({
      type: "finish",
      reason: finishReason(reason),
      usage: usageOf(usage),
      metadata: {
        openrouter: finishMetadata({ usage, provider, generationId, cache, nativeFinishReason: nativeReason, imageUrls })
      }
    })
    return out
  }

  return { step, end, failed: () => failure, started: () => generationId !== undefined }
}
