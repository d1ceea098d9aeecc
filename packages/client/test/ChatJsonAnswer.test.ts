// A streaming request answered with a JSON completion (issue 16, item 3), on a scripted transport:
// the content types that count as JSON, the typed errors (in-band, not JSON, wrong shape) and the
// bound on reading the body. The simulator tests are in ChatStreamFidelity.test.ts.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Logger, LogLevel, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import { isJsonContentType } from "../src/internal/chatWire.js"
import * as OpenRouter from "../src/OpenRouter.js"

const KEY = "sk-or-v1-json-answer-test-000000000000000000000000"

const completion = {
  id: "gen-json-1",
  model: "openai/gpt-4o",
  provider: "OpenAI",
  object: "chat.completion",
  created: 1786000000,
  choices: [{
    index: 0,
    finish_reason: "stop",
    native_finish_reason: "stop",
    message: { role: "assistant", content: "Hello there", reasoning: "brief", reasoning_details: [{ type: "reasoning.text", text: "brief", index: 0 }] }
  }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }
}

/** The chat services over a transport that answers every chat request with `body`. */
const scripted = (contentType: string, body: string | ReadableStream<Uint8Array>) => {
  const client = HttpClient.make((request) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(
        request,
        request.url.endsWith("/models")
          ? new Response(JSON.stringify({ data: [] }), { status: 200, headers: { "content-type": "application/json" } })
          : new Response(body, {
            status: 200,
            headers: {
              "content-type": contentType,
              "x-generation-id": "gen-json-1",
              "x-openrouter-cache-status": "HIT",
              "x-openrouter-cache-ttl": "300",
              "x-openrouter-cache-age": "12"
            }
          })
      )
    )
  )
  return OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, maxRetries: 0 }).pipe(
    Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
  )
}

const run = (options: Chat.Options = {}) =>
  Effect.flatMap(Chat.Chat, (chat) =>
    Stream.runCollect(chat.stream({ messages: [{ role: "user", content: "hi" }] }, { model: "openai/gpt-4o", thinking: "off", ...options })).pipe(
      Effect.map(Chunk.toReadonlyArray)
    ))

const quiet = <A, E, R>(effect: Effect.Effect<A, E, R>) => Logger.withMinimumLogLevel(effect, LogLevel.None)

describe("Chat.stream answered with JSON", () => {
  it("JSON content types: application/json with parameters, +json; not SSE or text", () => {
    expect(isJsonContentType("application/json")).toBe(true)
    expect(isJsonContentType("Application/JSON; charset=utf-8")).toBe(true)
    expect(isJsonContentType("application/vnd.openrouter+json")).toBe(true)
    expect(isJsonContentType("text/event-stream")).toBe(false)
    expect(isJsonContentType("text/plain")).toBe(false)
    expect(isJsonContentType(undefined)).toBe(false)
  })

  it.live("an event stream's Start carries the response-cache headers too (the CLI logs them)", () =>
    Effect.gen(function*() {
      const sse = `data: ${JSON.stringify({ id: "gen-sse-1", model: "openai/gpt-4o", choices: [{ index: 0, delta: { content: "hi" } }] })}\n\ndata: [DONE]\n\n`
      const events = yield* run().pipe(Effect.provide(scripted("text/event-stream", sse)), quiet)
      expect(events[0]).toMatchObject({ _tag: "Start", id: "gen-sse-1", cache: { status: "HIT", ttl: "300", age: "12" } })
    }))

  it.live("gives the events a stream would: start, reasoning, text, finish, usage, in that order", () =>
    Effect.gen(function*() {
      const events = yield* run()
      expect(events.map((e) => e._tag)).toEqual(["Start", "Reasoning", "Text", "Finish", "Usage"])
      expect(events[0]).toEqual({
        _tag: "Start",
        id: "gen-json-1",
        model: "openai/gpt-4o",
        provider: "OpenAI",
        cache: { status: "HIT", ttl: "300", age: "12" }
      })
      const collected = yield* Chat.collect(Stream.fromIterable(events))
      expect(collected.message).toMatchObject({ content: "Hello there", reasoning: "brief", reasoning_details: [{ type: "reasoning.text", text: "brief", index: 0 }] })
      expect(collected.finishReason).toBe("stop")
    }).pipe(Effect.provide(scripted("application/json; charset=utf-8", JSON.stringify(completion))), quiet))

  it.live("an in-band error is the typed error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(run())
      expect(error._tag).toBe("Upstream")
      expect(error.message).toContain("provider fell over")
    }).pipe(
      Effect.provide(scripted("application/json", JSON.stringify({ error: { code: 502, message: "provider fell over" } }))),
      quiet
    ))

  it.live("a body that is not JSON, or not a completion, is a MalformedResponse (not a missing [DONE])", () =>
    Effect.gen(function*() {
      const notJson = yield* Effect.flip(run().pipe(Effect.provide(scripted("application/json", "{\"id\": <html>"))))
      expect(notJson._tag).toBe("MalformedResponse")
      expect(notJson.message).toContain("not JSON")
      const wrongShape = yield* Effect.flip(run().pipe(Effect.provide(scripted("application/json", JSON.stringify({ id: 7 })))))
      expect(wrongShape._tag).toBe("MalformedResponse")
      expect(wrongShape.message).toContain("unexpected shape")
      expect(wrongShape.message).not.toContain("[DONE]")
    }).pipe(quiet))

  it.live("reading the body is bounded by the call's timeout, as Chat.complete is", () =>
    Effect.gen(function*() {
      // Headers at once, then a body that never ends.
      const endless = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{\"id\":"))
        }
      })
      const error = yield* Effect.flip(run({ timeout: "200 millis" }).pipe(Effect.provide(scripted("application/json", endless))))
      expect(error).toMatchObject({ _tag: "Timeout", source: "client", message: "The chat completion did not finish in time" })
    }).pipe(quiet))
})
