/**
 * A chat stream's body as typed events: bytes → SSE events (`Sse.decode`) → JSON chunks → events,
 * one pass per read. The stream fails when the body goes idle too long, runs past its end (the
 * call's timeout or `streamTotalMs`), a line or event passes its `Limits` (or the whole stream's
 * data passes `streamBytes`), a chunk is not JSON,
 * a chunk carries an in-band error (after the events before it), or the body ends without
 * `[DONE]`. A JSON completion that answers a streaming request gives the same events
 * ({@link completionEvents}).
 *
 * Tool calls are read by `index`, each delta adding to the call at its index: an id or a name may
 * come after the first delta, or in pieces. A delta with a new non-empty `id` at an index whose
 * call already has another one is another call (some providers send every call at index 0): it
 * gets an index of its own, the next one free, and the deltas at that wire index go to it from
 * then on. So the events' `index` is the wire's except in that case, and always one per call.
 *
 * `reasoning_details` entries are read as well as kept: `reasoning.text` (and the ambiguous
 * `text`, unless `textDetailsAsAnswer`) is reasoning, `response.output_text` / `response.text` is
 * answer text, in the order the entries come. Some models (Qwen3, MiniMax, …) stream their whole
 * output there.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { CacheStatus, Event } from "../Chat.js"
import type { Usage } from "../ChatResponse.js"
import * as Limits from "../Limits.js"
import * as Sse from "../Sse.js"
import { inBandError, malformed, record, STOP } from "./chatWire.js"
import { failWhenIdleOrLate } from "./deadline.js"

/** How chunks become events. @internal */
export interface DecodeOptions {
  /** The model asked for: the `Start` event's when a chunk names none. */
  readonly model: string
  /** `reasoning_details` entries of type `"text"` are answer text (default: reasoning). */
  readonly textDetailsAsAnswer?: boolean | undefined
  /**
   * Whether answer-text entries of `reasoning_details` become `Text` events (default true). A JSON
   * message whose `content` already holds the answer turns it off, so the answer is not doubled.
   */
  readonly answerFromDetails?: boolean | undefined
  /** The response's cache headers, carried by the `Start` event. */
  readonly cache?: CacheStatus | undefined
}

const NO_CACHE: CacheStatus = { status: undefined, ttl: undefined, age: undefined }

// Shared by the events that carry no raw entries (a chunk's raw list rides on one event only).
const NO_DETAILS: ReadonlyArray<unknown> = []

const REASONING = 1
const ANSWER = 2

/**
 * The chunk decoder: appends the events of each chunk to `events`, keeping what spans chunks
 * (whether `Start` was sent, the tool calls by index). No array per chunk: this runs per event.
 *
 * @internal
 */
export const decoder = (options: DecodeOptions) => {
  const { model } = options
  const textIsAnswer = options.textDetailsAsAnswer === true
  const answerFromDetails = options.answerFromDetails !== false
  const tools = new Map<number, { id: string; name: string; arguments: string }>()
  // The event index of the call in progress at each wire index (the same index, unless a new call
  // took that wire index over), and the next index no call has.
  const indexAt = new Map<number, number>()
  let nextFree = 0
  let started = false

  // What an entry's `text` is: reasoning, answer text, or neither (summaries, encrypted data).
  const kindOf = (type: unknown): number =>
    type === "reasoning.text"
      ? REASONING
      : type === "response.output_text" || type === "response.text"
      ? (answerFromDetails ? ANSWER : 0)
      : type === "text"
      ? (textIsAnswer ? (answerFromDetails ? ANSWER : 0) : REASONING)
      : 0

  // Whether the entries give reasoning text of their own: then the chunk's fallback string
  // (`reasoning` / `reasoning_content`) says the same again and is not counted.
  const givesReasoning = (details: ReadonlyArray<unknown>): boolean => {
    for (const raw of details) {
      const entry = record(raw)
      if (entry !== undefined && typeof entry.text === "string" && entry.text !== "" && kindOf(entry.type) === REASONING) return true
    }
    return false
  }

  return (chunk: Record<string, unknown>, events: Array<Event | typeof STOP>): void => {
    if (!started && typeof chunk.id === "string") {
      started = true
      events.push({
        _tag: "Start",
        id: chunk.id,
        model: typeof chunk.model === "string" ? chunk.model : model,
        provider: typeof chunk.provider === "string" ? chunk.provider : undefined,
        cache: options.cache ?? NO_CACHE
      })
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : NO_DETAILS
    for (const raw of choices) {
      const choice = record(raw)
      const delta = record(choice?.delta)
      if (delta !== undefined) {
        const fallback = typeof delta.reasoning === "string" && delta.reasoning !== ""
          ? delta.reasoning
          : typeof delta.reasoning_content === "string"
          ? delta.reasoning_content
          : ""
        const details = Array.isArray(delta.reasoning_details) ? delta.reasoning_details : NO_DETAILS
        if (details.length === 0) {
          if (fallback !== "") events.push({ _tag: "Reasoning", delta: fallback, details: NO_DETAILS })
        } else {
          // Reasoning text is gathered until an answer entry comes, then sent before it: the
          // events keep the entries' order. The raw list rides on the first reasoning event.
          let pending = fallback !== "" && !givesReasoning(details) ? fallback : ""
          let attached = false
          for (const rawEntry of details) {
            const entry = record(rawEntry)
            if (entry === undefined) continue
            const text = entry.text
            if (typeof text !== "string" || text === "") continue
            const kind = kindOf(entry.type)
            if (kind === REASONING) {
              pending += text
            } else if (kind === ANSWER) {
              if (pending !== "") {
                events.push({ _tag: "Reasoning", delta: pending, details: attached ? NO_DETAILS : details })
                attached = true
                pending = ""
              }
              events.push({ _tag: "Text", delta: text })
            }
          }
          if (pending !== "" || !attached) events.push({ _tag: "Reasoning", delta: pending, details: attached ? NO_DETAILS : details })
        }
        if (typeof delta.content === "string" && delta.content !== "") events.push({ _tag: "Text", delta: delta.content })
        for (const rawCall of Array.isArray(delta.tool_calls) ? delta.tool_calls : NO_DETAILS) {
          const call = record(rawCall)
          if (call === undefined) continue
          const wire = typeof call.index === "number" ? call.index : 0
          const fn = record(call.function)
          const id = typeof call.id === "string" ? call.id : undefined
          let index = indexAt.get(wire)
          let current = index === undefined ? undefined : tools.get(index)
          if (index === undefined || (current !== undefined && current.id !== "" && id !== undefined && id !== "" && id !== current.id)) {
            // A call first seen here, or another call at a wire index in use.
            index = index === undefined && !tools.has(wire) ? wire : nextFree
            indexAt.set(wire, index)
            current = undefined
          }
          if (index >= nextFree) nextFree = index + 1
          current ??= { id: "", name: "", arguments: "" }
          const name = typeof fn?.name === "string" ? fn.name : undefined
          const argumentsDelta = typeof fn?.arguments === "string" ? fn.arguments : ""
          // A name in pieces ("get_" then "weather", before the arguments) is joined; a name sent
          // again whole is not doubled.
          let fullName = current.name
          if (name !== undefined && name !== current.name) {
            fullName = current.name !== "" && current.arguments === "" ? current.name + name : name
          }
          const next = {
            id: id !== undefined && id !== "" ? id : current.id,
            name: fullName,
            arguments: current.arguments + argumentsDelta
          }
          tools.set(index, next)
          events.push({ _tag: "ToolCall", index, id, name, argumentsDelta, accumulated: next })
        }
        for (const rawImage of Array.isArray(delta.images) ? delta.images : NO_DETAILS) {
          const url = record(record(rawImage)?.image_url)?.url
          if (typeof url === "string") events.push({ _tag: "Image", url })
        }
      }
      if (typeof choice?.finish_reason === "string") {
        events.push({
          _tag: "Finish",
          reason: choice.finish_reason,
          nativeReason: typeof choice.native_finish_reason === "string" ? choice.native_finish_reason : undefined
        })
      }
    }
    const usage = record(chunk.usage)
    if (usage !== undefined && typeof usage.total_tokens === "number") events.push({ _tag: "Usage", usage: usage as unknown as Usage })
  }
}

/**
 * The events of a JSON completion, as its stream would give them: each choice's `message` read as
 * one delta (tool calls indexed by position, arguments whole), then finish and usage. When a
 * message's `content` holds the answer, answer-text `reasoning_details` entries are not read again.
 *
 * @internal
 */
export const completionEvents = (body: Record<string, unknown>, options: DecodeOptions): Array<Event> => {
  const choices: Array<Record<string, unknown>> = []
  let hasContent = false
  for (const raw of Array.isArray(body.choices) ? body.choices : NO_DETAILS) {
    const choice = record(raw)
    if (choice === undefined) continue
    const message = record(choice.message)
    if (typeof message?.content === "string" && message.content !== "") hasContent = true
    const calls = message !== undefined && Array.isArray(message.tool_calls) ? message.tool_calls : undefined
    choices.push({
      delta: calls === undefined ? message : { ...message, tool_calls: calls.map((call, index) => ({ ...record(call), index })) },
      finish_reason: choice.finish_reason,
      native_finish_reason: choice.native_finish_reason
    })
  }
  const out: Array<Event | typeof STOP> = []
  decoder({ ...options, answerFromDetails: !hasContent })({ ...body, choices }, out)
  return out as Array<Event>
}

/** @internal */
export const events = <L>(
  response: HttpClientResponse.HttpClientResponse,
  options: DecodeOptions & {
    readonly idle: Duration.DurationInput
    readonly requestId: string | undefined
    /** When the whole stream must have ended (clock milliseconds), and the error past it. */
    readonly endAt: number
    readonly onLate: () => L
    /** Aborts the request (its body included): how a read that waits past a limit is stopped. */
    readonly abort: Effect.Effect<void>
  }
): Stream.Stream<Event, OpenRouterError.ApiError | OpenRouterError.TransportError | OpenRouterError.LimitExceeded | L> => {
  const { idle, requestId } = options
  const eventsOf = decoder(options)
  let done = false
  let failure: OpenRouterError.ApiError | OpenRouterError.TransportError | OpenRouterError.LimitExceeded | undefined
  // Every event is under the SSE limits, but a stream of many of them could still build an answer
  // (or tool-call arguments) past what a string can hold: the data of the whole stream is bounded.
  let received = 0

  return Stream.unwrap(Effect.map(Limits.Limits, ({ streamBytes }) => response.stream.pipe(
    Stream.mapError((error) =>
      new OpenRouterError.TransportError({ message: `The chat stream broke: ${error.message}`, phase: "response", cause: error })
    ),
    // Keep-alive comments are bytes: they renew the idle limit, never the end.
    (bytes) =>
      failWhenIdleOrLate(bytes, {
        idle,
        onIdle: () =>
          new OpenRouterError.Timeout({ message: `The chat stream sent nothing for ${Duration.format(Duration.decode(idle))}`, source: "client" }),
        endAt: options.endAt,
        onLate: options.onLate,
        abort: options.abort
      }),
    // Lines and events bounded by the `Limits` in force (`LimitExceeded` past them).
    (bytes) => Sse.decode(bytes),
    // One pass per read, not per event. A malformed chunk or an in-band error ends the read
    // there: the events before it are delivered, then the stream fails with it.
    Stream.mapChunks((sseEvents): Chunk.Chunk<Event | typeof STOP> => {
      const out: Array<Event | typeof STOP> = []
      for (const event of sseEvents) {
        if (event._tag === "Comment" || done) continue
        if (event.data === "[DONE]") {
          done = true
          continue
        }
        received += event.data.length
        if (received > streamBytes) {
          failure = new OpenRouterError.LimitExceeded({
            message: `The chat stream exceeded streamBytes (${Limits.formatBytes(streamBytes)})`,
            limit: "streamBytes",
            max: streamBytes
          })
          out.push(STOP)
          break
        }
        let chunk: unknown
        try {
          chunk = JSON.parse(event.data)
        } catch {
          failure = malformed("A chat stream chunk is not JSON", event.data)
          out.push(STOP)
          break
        }
        const error = inBandError(chunk, requestId)
        if (error !== undefined) {
          failure = error
          out.push(STOP)
          break
        }
        const body = record(chunk)
        if (body !== undefined) eventsOf(body, out)
      }
      return Chunk.unsafeFromArray(out)
    }),
    // The marker ends the stream (and the read of the body) right after the events before it.
    Stream.takeWhile((item): item is Event => item !== STOP),
    Stream.concat(Stream.suspend(() =>
      failure !== undefined
        ? Stream.fail(failure)
        : done
        ? Stream.empty
        : Stream.fail(new OpenRouterError.MalformedResponse({ message: "The chat stream ended without [DONE]" }))
    ))
  )))
}
