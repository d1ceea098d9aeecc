// Streamed tool calls as providers really send them, on the chunk decoder and through `Chat.stream`
// and `Chat.collect` on a scripted transport: an id after the name, a name in pieces, a name sent
// again whole, and two whole calls at the same index with different ids.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Logger, LogLevel, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import { decoder } from "../src/internal/chatStream.js"
import * as OpenRouter from "../src/OpenRouter.js"

const KEY = "sk-or-v1-stream-tool-calls-0000000000000000000000"

type Delta = Record<string, unknown>

const chunk = (delta: Delta, finish: string | null = null) => ({
  id: "gen-tools-1",
  model: "openai/gpt-4o",
  provider: "OpenAI",
  object: "chat.completion.chunk",
  created: 1786000000,
  choices: [{ index: 0, delta, finish_reason: finish }]
})

const call = (index: number, fields: { id?: string; name?: string; arguments?: string }) => ({
  index,
  ...(fields.id !== undefined ? { id: fields.id, type: "function" } : {}),
  function: {
    ...(fields.name !== undefined ? { name: fields.name } : {}),
    ...(fields.arguments !== undefined ? { arguments: fields.arguments } : {})
  }
})

const scripts = {
  lateId: [
    chunk({ role: "assistant", content: "" }),
    chunk({ tool_calls: [call(0, { name: "get_weather", arguments: "" })] }),
    chunk({ tool_calls: [call(0, { id: "call_9", arguments: "{\"city\":\"Oslo\"}" })] }),
    chunk({}, "tool_calls")
  ],
  splitName: [
    chunk({ role: "assistant", content: "" }),
    chunk({ tool_calls: [call(0, { id: "call_9", name: "get_", arguments: "" })] }),
    chunk({ tool_calls: [call(0, { name: "weather", arguments: "{\"city\":\"Oslo\"}" })] }),
    chunk({}, "tool_calls")
  ],
  repeatedName: [
    chunk({ tool_calls: [call(0, { id: "call_9", name: "get_weather", arguments: "" })] }),
    chunk({ tool_calls: [call(0, { id: "call_9", name: "get_weather", arguments: "{\"city\":" })] }),
    chunk({ tool_calls: [call(0, { name: "get_weather", arguments: "\"Oslo\"}" })] }),
    chunk({}, "tool_calls")
  ],
  sameIndex: [
    chunk({ role: "assistant", content: "" }),
    chunk({ tool_calls: [call(0, { id: "call_1", name: "get_weather", arguments: "{\"city\":\"Oslo\"}" })] }),
    chunk({ tool_calls: [call(0, { id: "call_2", name: "get_weather", arguments: "{\"city\":" })] }),
    chunk({ tool_calls: [call(0, { arguments: "\"Rome\"}" })] }),
    chunk({ tool_calls: [call(1, { id: "call_3", name: "get_time", arguments: "{}" })] }),
    chunk({}, "tool_calls")
  ]
} as const

const decode = (chunks: ReadonlyArray<Record<string, unknown>>) => {
  const events: Array<unknown> = []
  const eventsOf = decoder({ model: "openai/gpt-4o" })
  for (const body of chunks) eventsOf(body, events as Array<Chat.Event>)
  return events as Array<Chat.Event>
}

const toolEvents = (events: ReadonlyArray<Chat.Event>) =>
  events.flatMap((event) => (event._tag === "ToolCall" ? [event] : []))

/** The last `accumulated` of each index: the calls the stream gave. */
const callsOf = (events: ReadonlyArray<Chat.Event>) => {
  const calls = new Map<number, { id: string; name: string; arguments: string }>()
  for (const event of toolEvents(events)) calls.set(event.index, event.accumulated)
  return [...calls.entries()].sort(([a], [b]) => a - b).map(([, value]) => value)
}

const sse = (chunks: ReadonlyArray<unknown>) =>
  [...chunks.map((body) => `data: ${JSON.stringify(body)}\n\n`), "data: [DONE]\n\n"].join("")

/** The chat services over a transport that answers every chat request with `body` as SSE. */
const scripted = (body: string) => {
  const client = HttpClient.make((request) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(
        request,
        request.url.endsWith("/models")
          ? new Response(JSON.stringify({ data: [] }), { status: 200, headers: { "content-type": "application/json" } })
          : new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } })
      )
    )
  )
  return OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, maxRetries: 0 }).pipe(
    Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
  )
}

const quiet = <A, E, R>(effect: Effect.Effect<A, E, R>) => Logger.withMinimumLogLevel(effect, LogLevel.None)

const OSLO = { id: "call_9", name: "get_weather", arguments: "{\"city\":\"Oslo\"}" }

describe("streamed tool calls: the decoder", () => {
  it("an id that comes after the name is the call's id", () => {
    expect(callsOf(decode(scripts.lateId))).toEqual([OSLO])
  })

  it("a name in pieces is joined", () => {
    expect(callsOf(decode(scripts.splitName))).toEqual([OSLO])
  })

  it("a name (and id) sent again whole is not doubled", () => {
    expect(callsOf(decode(scripts.repeatedName))).toEqual([OSLO])
  })

  it("a new id at an index in use is another call, with an index of its own; the next wire index still gets its own", () => {
    const events = decode(scripts.sameIndex)
    expect(callsOf(events)).toEqual([
      { id: "call_1", name: "get_weather", arguments: "{\"city\":\"Oslo\"}" },
      { id: "call_2", name: "get_weather", arguments: "{\"city\":\"Rome\"}" },
      { id: "call_3", name: "get_time", arguments: "{}" }
    ])
    // The deltas of the second call (its first, and the id-less one after it) share its index.
    expect(toolEvents(events).map((event) => [event.index, event.id, event.argumentsDelta])).toEqual([
      [0, "call_1", "{\"city\":\"Oslo\"}"],
      [1, "call_2", "{\"city\":"],
      [1, undefined, "\"Rome\"}"],
      [2, "call_3", "{}"]
    ])
  })

  it("wire indices that come out of order keep their own index", () => {
    const events = decode([
      chunk({ tool_calls: [call(1, { id: "b", name: "g", arguments: "{}" })] }),
      chunk({ tool_calls: [call(0, { id: "a", name: "f", arguments: "{}" })] })
    ])
    expect(toolEvents(events).map((event) => [event.index, event.accumulated.id])).toEqual([[1, "b"], [0, "a"]])
  })
})

describe("streamed tool calls: Chat.stream and Chat.collect", () => {
  const collected = (chunks: ReadonlyArray<unknown>) =>
    Effect.flatMap(Chat.Chat, (chat) =>
      Chat.collect(chat.stream({ messages: [{ role: "user", content: "weather?" }] }, { model: "openai/gpt-4o", thinking: "off" }))).pipe(
        Effect.map(({ message }) => message.tool_calls),
        Effect.provide(scripted(sse(chunks))),
        quiet
      )

  it.live("the message to replay has each call whole, with its own id", () =>
    Effect.gen(function*() {
      const wholeCall = (value: { id: string; name: string; arguments: string }) => ({
        id: value.id,
        type: "function",
        function: { name: value.name, arguments: value.arguments }
      })
      expect(yield* collected(scripts.lateId)).toEqual([wholeCall(OSLO)])
      expect(yield* collected(scripts.splitName)).toEqual([wholeCall(OSLO)])
      expect(yield* collected(scripts.sameIndex)).toEqual([
        wholeCall({ id: "call_1", name: "get_weather", arguments: "{\"city\":\"Oslo\"}" }),
        wholeCall({ id: "call_2", name: "get_weather", arguments: "{\"city\":\"Rome\"}" }),
        wholeCall({ id: "call_3", name: "get_time", arguments: "{}" })
      ])
    }))

  it.live("the events of a stream are the decoder's", () =>
    Effect.gen(function*() {
      const events = yield* Effect.flatMap(Chat.Chat, (chat) =>
        Stream.runCollect(chat.stream({ messages: [{ role: "user", content: "weather?" }] }, { model: "openai/gpt-4o", thinking: "off" }))).pipe(
          Effect.map(Chunk.toReadonlyArray),
          Effect.provide(scripted(sse(scripts.sameIndex))),
          quiet
        )
      expect(callsOf(events).map((value) => value.id)).toEqual(["call_1", "call_2", "call_3"])
    }))
})
