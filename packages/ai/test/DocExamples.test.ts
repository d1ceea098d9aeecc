// The usage examples of @effect/ai 0.37's own documentation (the JSDoc of LanguageModel, Toolkit
// and Chat), run with our layer swapped in, against the simulator. Each example's code is kept
// as the documentation has it; only the last lines (which model, which client) are ours, and
// they are the only lines a user of @effect/ai-openrouter changes (README, "Switching").
import { Chat, LanguageModel, Tool, Toolkit } from "@effect/ai"
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Console, Effect, Layer, Schema, Stream } from "effect"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chatRequests, client, KEY } from "./support.js"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())
// The examples print with console.log: keep what they print, quietly.
let printed: Array<unknown> = []
beforeEach(() => {
  printed = []
  vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => void printed.push(...args))
})
afterEach(() => {
  vi.restoreAllMocks()
  sim.journal.clear()
  sim.faults.clear()
})

const Gpt4o = OpenRouterLanguageModel.model("openai/gpt-4o")
const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.provide(Gpt4o), Effect.provide(client(sim)))

const everyRequestValid = () => {
  const requests = chatRequests(sim)
  for (const request of requests) expect(request.validation).toEqual({ ok: true })
  return requests
}

describe("the documentation's examples, on OpenRouterLanguageModel", () => {
  it.live("generateText: basic text generation", () =>
    Effect.gen(function*() {
      // ---- LanguageModel module docs: "Basic text generation" ----
      const program = Effect.gen(function*() {
        const response = yield* LanguageModel.generateText({
          prompt: "Explain quantum computing"
        })

        console.log(response.text)

        return response
      })
      // ----
      const response = yield* provide(program)
      expect(printed).toEqual([response.text])
      expect(response.text).toContain("openai/gpt-4o was asked")
      expect(response.finishReason).toBe("stop")
      expect(response.usage.inputTokens).toBeGreaterThan(0)
      const finish = response.content.find((part) => part.type === "finish")
      expect(finish?.metadata.openrouter).toMatchObject({ provider: expect.any(String), cost: expect.any(Number) })
      const [request] = everyRequestValid()
      expect(request?.body).toMatchObject({ model: "openai/gpt-4o", stream: false, messages: [{ role: "user", content: "Explain quantum computing" }] })
    }))

  it.live("streamText: text deltas, then a finish part with usage and cost", () =>
    Effect.gen(function*() {
      // ---- LanguageModel.streamText docs ----
      const program = LanguageModel.streamText({
        prompt: "Write a story about a space explorer"
      }).pipe(Stream.runForEach((part) => {
        if (part.type === "text-delta") {
          return Console.log(part.delta)
        }
        return Effect.void
      }))
      // ----
      yield* provide(program)
      const parts = yield* provide(Stream.runCollect(LanguageModel.streamText({ prompt: "Write a story about a space explorer" })))
      const types = [...parts].map((part) => part.type)
      expect(types[0]).toBe("response-metadata")
      expect(types.at(-1)).toBe("finish")
      expect(types.filter((type) => type === "text-start")).toHaveLength(1)
      const text = [...parts].flatMap((part) => (part.type === "text-delta" ? [part.delta] : [])).join("")
      expect(printed.join("")).toBe(text)
      const finish = [...parts].find((part) => part.type === "finish")
      expect(finish?.reason).toBe("stop")
      expect(finish?.usage.totalTokens).toBeGreaterThan(0)
      expect(finish?.metadata.openrouter).toMatchObject({ cost: expect.any(Number), cache: expect.anything() })
      // The same answer as the non-streaming call.
      const whole = yield* provide(LanguageModel.generateText({ prompt: "Write a story about a space explorer" }))
      expect(text).toBe(whole.text)
      const requests = everyRequestValid()
      expect(requests.map((request) => (request.body as { stream: boolean }).stream)).toEqual([true, true, false])
    }))

  it.live("generateObject with a Schema: response_format json_schema, the value decoded", () =>
    Effect.gen(function*() {
      // ---- LanguageModel module docs: "Structured output generation" ----
      const ContactSchema = Schema.Struct({
        name: Schema.String,
        email: Schema.String
      })

      const extractContact = Effect.gen(function*() {
        const response = yield* LanguageModel.generateObject({
          prompt: "Extract contact: John Doe, john@example.com",
          schema: ContactSchema
        })

        return response.value
      })
      // ----
      const value = yield* provide(extractContact)
      expect(Schema.is(ContactSchema)(value)).toBe(true)
      const [request] = everyRequestValid()
      expect(request?.body).toMatchObject({
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "generateObject",
            strict: true,
            schema: { type: "object", required: ["name", "email"], additionalProperties: false }
          }
        }
      })
    }))

  it.live("generateObject in tool mode: one forced tool whose arguments are the object", () =>
    Effect.gen(function*() {
      const ContactSchema = Schema.Struct({ name: Schema.String, email: Schema.String })
      const response = yield* provide(
        LanguageModel.generateObject({ prompt: "Extract contact: John Doe, john@example.com", schema: ContactSchema, objectName: "contact" }).pipe(
          OpenRouterLanguageModel.withConfigOverride({ structuredOutputs: "tool" })
        )
      )
      expect(Schema.is(ContactSchema)(response.value)).toBe(true)
      expect(response.toolCalls).toEqual([])
      const [request] = everyRequestValid()
      expect(request?.body).toMatchObject({
        tools: [{ type: "function", function: { name: "contact", parameters: { type: "object" } } }],
        tool_choice: { type: "function", function: { name: "contact" } }
      })
      expect((request?.body as Record<string, unknown>).response_format).toBeUndefined()
    }))

  it.live("a caller-side tool loop with a two-tool Toolkit: one request per step, ending with a final answer", () =>
    Effect.gen(function*() {
      // ---- Toolkit module docs ----
      const GetCurrentTime = Tool.make("GetCurrentTime", {
        description: "Get the current timestamp",
        success: Schema.Number
      })

      const GetWeather = Tool.make("GetWeather", {
        description: "Get weather for a location",
        parameters: { location: Schema.String },
        success: Schema.Struct({
          temperature: Schema.Number,
          condition: Schema.String
        })
      })

      const MyToolkit = Toolkit.make(GetCurrentTime, GetWeather)

      const MyToolkitLayer = MyToolkit.toLayer({
        GetCurrentTime: () => Effect.succeed(Date.now()),
        // (the docs destructure `{ location }` here; unused, which this repository's tsconfig refuses)
        GetWeather: (_params) =>
          Effect.succeed({
            temperature: 72,
            condition: "sunny"
          })
      })
      // ----
      // The caller's loop (@effect/ai 0.37 resolves one step's tool calls; the loop is ours):
      // a `Chat` keeps the history, and each step is one `generateText` until no tool is called.
      const askedFor: Array<string> = []
      const agent = Effect.gen(function*() {
        const chat = yield* Chat.empty
        let response = yield* chat.generateText({ prompt: "What is the weather in Oslo?", toolkit: MyToolkit })
        let steps = 1
        while (response.finishReason === "tool-calls" && steps < 5) {
          for (const call of response.toolCalls) askedFor.push(call.name)
          response = yield* chat.generateText({ prompt: [], toolkit: MyToolkit })
          steps++
        }
        return { text: response.text, steps }
      })
      const { steps, text } = yield* provide(agent.pipe(Effect.provide(MyToolkitLayer)))
      expect(askedFor).toEqual(["GetWeather"])
      expect(text).toContain("GetWeather returned")
      expect(text).toContain("sunny")
      const requests = everyRequestValid()
      // One request per step.
      expect(requests).toHaveLength(steps)
      expect(steps).toBe(2)
      const first = requests[0]?.body as { tools: Array<{ function: { name: string; parameters: unknown } }>; tool_choice: unknown }
      expect(first.tools.map((tool) => tool.function.name)).toEqual(["GetCurrentTime", "GetWeather"])
      expect(first.tool_choice).toBe("auto")
      const second = requests[1]?.body as { messages: Array<Record<string, unknown>> }
      expect(second.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"])
      const call = (second.messages[1]?.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }>)[0]
      expect(call?.function.name).toBe("GetWeather")
      expect(JSON.parse(call?.function.arguments ?? "{}")).toEqual({ location: "Oslo" })
      expect(second.messages[2]).toEqual({ role: "tool", tool_call_id: call?.id, content: JSON.stringify({ temperature: 72, condition: "sunny" }) })
    }))

  it.live("Chat docs: a chat session", () =>
    Effect.gen(function*() {
      // ---- Chat module docs ----
      const program = Effect.gen(function*() {
        const chat = yield* Chat.empty

        // Send a message and get response
        const response = yield* chat.generateText({
          prompt: "Hello! What can you help me with?"
        })

        console.log(response.content)

        return response
      })
      // ----
      const response = yield* provide(program)
      expect(printed).toEqual([response.content])
      expect(response.text).toContain('openai/gpt-4o was asked: "Hello! What can you help me with?"')
      everyRequestValid()
    }))
})

it.live("the layer form: OpenRouterLanguageModel.layer over the client", () =>
  LanguageModel.generateText({ prompt: "Say hello" }).pipe(
    Effect.provide(OpenRouterLanguageModel.layer({ model: "openai/gpt-4o", config: { temperature: 0.2, max_tokens: 64 } })),
    Effect.provide(client(sim)),
    Effect.map((response) => {
      expect(response.text).toBe(sim.context.options.replyText)
      const [request] = everyRequestValid()
      expect(request?.body).toMatchObject({ temperature: 0.2, max_tokens: 64, model: "openai/gpt-4o" })
    })
  ))

it.live("a provided Layer stays a Layer: Layer.provide composes like @effect/ai-openrouter's", () =>
  LanguageModel.generateText({ prompt: "Say hello" }).pipe(
    Effect.provide(Layer.provide(Gpt4o, client(sim))),
    Effect.map((response) => expect(response.text).toBe(sim.context.options.replyText))
  ))
