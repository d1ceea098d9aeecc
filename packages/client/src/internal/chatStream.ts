/**
 * A chat stream's body as typed events: bytes → SSE events (`Sse.decode`) → JSON chunks → events,
 * one pass per read. The stream fails when the body goes idle too long, a chunk is not JSON,
 * a chunk carries an in-band error (after the events before it), or the body ends without
 * `[DONE]`.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OpenRouterError } from "@openrouter-effect/core"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Stream from "effect/Stream"
import type { Event } from "../Chat.js"
import type { Usage } from "../ChatResponse.js"
import * as Sse from "../Sse.js"
import { inBandError, malformed, record, STOP } from "./chatWire.js"
import { failWhenIdle } from "./deadline.js"

/** @internal */
export const events = (
  response: HttpClientResponse.HttpClientResponse,
  options: { readonly idle: Duration.DurationInput; readonly requestId: string | undefined; readonly model: string }
): Stream.Stream<Event, OpenRouterError.ApiError | OpenRouterError.TransportError> => {
  const { idle, model, requestId } = options
  const tools = new Map<number, { id: string; name: string; arguments: string }>()
  let done = false
  let started = false
  let failure: OpenRouterError.ApiError | OpenRouterError.TransportError | undefined

  // Appends the events of one chunk to `events` (no array per chunk: this runs per event).
  const eventsOf = (chunk: Record<string, unknown>, events: Array<Event | typeof STOP>): void => {
    if (!started && typeof chunk.id === "string") {
      started = true
      events.push({
        _tag: "Start",
        id: chunk.id,
        model: typeof chunk.model === "string" ? chunk.model : model,
        provider: typeof chunk.provider === "string" ? chunk.provider : undefined
      })
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : []
    for (const raw of choices) {
      const choice = record(raw)
      const delta = record(choice?.delta)
      if (delta !== undefined) {
        const details = Array.isArray(delta.reasoning_details) ? delta.reasoning_details : []
        if ((typeof delta.reasoning === "string" && delta.reasoning !== "") || details.length > 0) {
          events.push({ _tag: "Reasoning", delta: typeof delta.reasoning === "string" ? delta.reasoning : "", details })
        }
        if (typeof delta.content === "string" && delta.content !== "") events.push({ _tag: "Text", delta: delta.content })
        for (const rawCall of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
          const call = record(rawCall)
          if (call === undefined) continue
          const index = typeof call.index === "number" ? call.index : 0
          const fn = record(call.function)
          const current = tools.get(index) ?? { id: "", name: "", arguments: "" }
          const id = typeof call.id === "string" ? call.id : undefined
          const name = typeof fn?.name === "string" ? fn.name : undefined
          const argumentsDelta = typeof fn?.arguments === "string" ? fn.arguments : ""
          const next = { id: id ?? current.id, name: name ?? current.name, arguments: current.arguments + argumentsDelta }
          tools.set(index, next)
          events.push({ _tag: "ToolCall", index, id, name, argumentsDelta, accumulated: next })
        }
        for (const rawImage of Array.isArray(delta.images) ? delta.images : []) {
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

  return response.stream.pipe(
    Stream.mapError((error) =>
      new OpenRouterError.TransportError({ message: `The chat stream broke: ${error.message}`, phase: "response", cause: error })
    ),
    (bytes) =>
      failWhenIdle(
        bytes,
        idle,
        () => new OpenRouterError.Timeout({ message: `The chat stream sent nothing for ${Duration.format(Duration.decode(idle))}`, source: "client" })
      ),
    Sse.decode,
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
  )
}
