// Issue 16, items 1 and 3, against the simulator over a real socket: a model that streams its
// reasoning and its answer only inside `reasoning_details`, and a streaming request answered with
// one JSON completion (the simulator's `X-Simulator-Stream` header picks either).
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Chunk, Effect, Layer, Option, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import * as OpenRouter from "../src/OpenRouter.js"

const KEY = "sk-or-v1-chat-fidelity-00000000000000000000000wxyz"
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const client = () =>
  OpenRouter.layerDocument({
    document: {},
    environment: { OPENROUTER_API_KEY: KEY },
    connectTo: `127.0.0.1:${sim.port}`
  }).pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }
const weather = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }
} as const
const DETAILS = { "X-Simulator-Stream": "reasoning-details" }
const JSON_ANSWER = { "X-Simulator-Stream": "json" }
const reasoned = { model: "anthropic/claude-sonnet-4.5", thinking: "high" }

const withoutIds = (calls: ReadonlyArray<{ readonly type?: string | undefined; readonly function: { readonly name: string; readonly arguments: string } }> | undefined) =>
  calls?.map((call) => ({ type: call.type, name: call.function.name, arguments: call.function.arguments }))

const all = (stream: Stream.Stream<Chat.Event, Chat.ChatError>) => Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray))
const joined = (events: ReadonlyArray<Chat.Event>, tag: "Text" | "Reasoning") =>
  events.flatMap((e) => (e._tag === tag ? [e.delta] : [])).join("")

describe("a model that streams its output only in reasoning_details", () => {
  it.live("reasoning.text entries become reasoning, response.output_text entries the answer; collect gives both", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const whole = (yield* chat.complete(hello, reasoned)).response.choices[0]!.message
      const events = yield* all(chat.stream(hello, { ...reasoned, headers: DETAILS }))
      const [entry] = sim.journal.list({ path: "/chat/completions" }).filter((e) => (e.body as { stream?: boolean }).stream === true)
      expect(entry?.headers["x-simulator-stream"]).toBe("reasoning-details")
      expect(whole.content).not.toBe("")
      expect(joined(events, "Text")).toBe(whole.content)
      expect(joined(events, "Reasoning")).toBe(whole.reasoning)
      const collected = yield* Chat.collect(Stream.fromIterable(events))
      expect(collected.message.content).toBe(whole.content)
      expect(collected.message.reasoning).toBe(whole.reasoning)
      // The raw entries are kept for replay: the signature whole, the answer entry joined.
      const details = collected.message.reasoning_details as ReadonlyArray<Record<string, unknown>>
      expect(details.map((d) => d.type)).toEqual(["reasoning.text", "response.output_text"])
      expect(details[0]?.signature).toBe((whole.reasoning_details as ReadonlyArray<Record<string, unknown>>)[0]?.signature)
      expect(details[1]?.text).toBe(whole.content)
    }).pipe(Effect.provide(client())))

  it.live("tool calls in the same stream come out intact", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const request: Chat.Request = { ...hello, tools: [weather], tool_choice: "auto" }
      const whole = (yield* chat.complete(request, reasoned)).response.choices[0]!.message
      const collected = yield* Chat.collect(chat.stream(request, { ...reasoned, headers: DETAILS }))
      expect(whole.tool_calls?.length).toBe(1)
      // Ids are fresh per answer; name and arguments are the model's.
      expect(withoutIds(collected.message.tool_calls)).toEqual(withoutIds(whole.tool_calls))
      expect(collected.message.tool_calls?.[0]?.id).toMatch(/^toolu_/)
      expect(collected.message.reasoning).toBe(whole.reasoning)
      expect(collected.finishReason).toBe("tool_calls")
    }).pipe(Effect.provide(client())))
})

describe("a JSON completion answering a streaming request", () => {
  it.live("is read whole and given as the stream's events: start, text, usage, finish", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const events = yield* all(chat.stream(hello, { model: "openai/gpt-4o", headers: JSON_ANSWER }))
      expect(events.map((e) => e._tag)).toEqual(["Start", "Text", "Finish", "Usage"])
      expect(joined(events, "Text")).toBe(sim.context.options.replyText)
      expect(events[0]).toMatchObject({ _tag: "Start", model: "openai/gpt-4o", provider: "OpenAI" })
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect((entry?.body as { stream?: boolean }).stream).toBe(true)
    }).pipe(Effect.provide(client())))

  it.live("reasoning and tool calls collect to what the stream would have given", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const request: Chat.Request = { ...hello, tools: [weather], tool_choice: "auto" }
      const fromJson = yield* Chat.collect(chat.stream(request, { ...reasoned, headers: JSON_ANSWER }))
      const fromSse = yield* Chat.collect(chat.stream(request, reasoned))
      expect(fromJson.message.content).toBe(fromSse.message.content)
      expect(fromJson.message.reasoning).toBe(fromSse.message.reasoning)
      expect(withoutIds(fromJson.message.tool_calls)).toEqual(withoutIds(fromSse.message.tool_calls))
      expect(fromJson.message.tool_calls?.[0]?.id).toMatch(/^toolu_/)
      expect(fromJson.finishReason).toBe(fromSse.finishReason)
      const signature = (m: typeof fromJson.message) => (m.reasoning_details as ReadonlyArray<{ signature?: string }>)[0]?.signature
      expect(signature(fromJson.message)).toBe(signature(fromSse.message))
      expect(Option.isSome(fromJson.usage)).toBe(true)
    }).pipe(Effect.provide(client())))

  it.live("an in-band error in the JSON fails the stream with the typed error", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", { kind: "status", status: 200, body: { error: { code: 429, message: "slow down, upstream" } } })
      const error = yield* Effect.flip(all(chat.stream(hello, { model: "openai/gpt-4o" })))
      expect(error._tag).toBe("RateLimited")
      expect(error.message).toContain("slow down, upstream")
    }).pipe(Effect.provide(client())))
})
