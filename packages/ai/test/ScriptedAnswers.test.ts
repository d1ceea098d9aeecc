// Answers the simulator does not give, on a scripted transport: generateObject in tool mode when
// the model writes text before its call (or calls the tool twice), and streamed tool calls whose
// id comes late, whose name comes in pieces, or that share an index.
import { Chat, LanguageModel, Tool, Toolkit } from "@effect/ai"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Schema, Stream } from "effect"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chunk, completion, scripted, type ScriptedAnswer } from "./support.js"

const Person = Schema.Struct({ name: Schema.String, age: Schema.Number })

const objectCall = (name: string, args: string, id = "call_1") => ({ id, type: "function", function: { name, arguments: args } })

describe("generateObject in tool mode", () => {
  const generate = (answer: (body: Record<string, any>) => ScriptedAnswer) => {
    const { bodies, layer } = scripted((body) => answer(body))
    return LanguageModel.generateObject({ prompt: "make a person", schema: Person, objectName: "person" }).pipe(
      Effect.provide(OpenRouterLanguageModel.layer({ model: "mistralai/some-model", config: { structuredOutputs: "tool" } }).pipe(Layer.provide(layer))),
      Effect.map((response) => ({ response, bodies }))
    )
  }

  it.live("text the model writes before the call is left out: the call's arguments are the object", () =>
    Effect.gen(function*() {
      const { bodies, response } = yield* generate((body) => ({
        json: completion({
          content: "Sure, here is the person.",
          tool_calls: [objectCall(body.tools[0].function.name, "{\"name\":\"Ada\",\"age\":36}")]
        }, "tool_calls")
      }))
      expect(bodies[0]!.tool_choice).toEqual({ type: "function", function: { name: "person" } })
      expect(response.value).toEqual({ name: "Ada", age: 36 })
      expect(response.text).toBe("{\"name\":\"Ada\",\"age\":36}")
      expect(response.toolCalls).toEqual([])
    }))

  it.live("two calls to the tool: the first is the object", () =>
    Effect.gen(function*() {
      const { response } = yield* generate((body) => ({
        json: completion({
          content: null,
          tool_calls: [
            objectCall(body.tools[0].function.name, "{\"name\":\"Ada\",\"age\":36}"),
            objectCall(body.tools[0].function.name, "{\"name\":\"Grace\",\"age\":45}", "call_2")
          ]
        }, "tool_calls")
      }))
      expect(response.value).toEqual({ name: "Ada", age: 36 })
    }))

  it.live("without the call, the text is the answer (and fails to decode when it is not the object)", () =>
    Effect.gen(function*() {
      const { response } = yield* generate(() => ({ json: completion({ content: "{\"name\":\"Ada\",\"age\":36}" }) }))
      expect(response.value).toEqual({ name: "Ada", age: 36 })
      const error = yield* Effect.flip(generate(() => ({ json: completion({ content: "I cannot do that." }) })))
      expect(error._tag).toBe("MalformedOutput")
    }))
})

describe("streamed tool calls", () => {
  const GetWeather = Tool.make("get_weather", { description: "weather", parameters: { city: Schema.String }, success: Schema.String })
  const Tools = Toolkit.make(GetWeather)
  const ToolsLayer = Tools.toLayer({ get_weather: ({ city }) => Effect.succeed(`sunny in ${city}`) })

  const stream = (chunks: ReadonlyArray<unknown>) => {
    const { bodies, layer } = scripted((_, n) => (n === 0 ? { sse: chunks } : { json: completion({ content: "ok" }) }))
    return Stream.runCollect(LanguageModel.streamText({ prompt: "weather in Oslo", toolkit: Tools })).pipe(
      Effect.map((parts) => ({ parts: Chunk.toReadonlyArray(parts), bodies })),
      Effect.provide(ToolsLayer),
      Effect.provide(OpenRouterLanguageModel.layer({ model: "anthropic/claude-sonnet-4.5" }).pipe(Layer.provide(layer)))
    )
  }

  type Part = { readonly type: string; readonly id?: unknown }
  const ofType = (parts: ReadonlyArray<Part>, type: string): Array<Part> => parts.filter((part) => part.type === type)

  const begin = chunk({ role: "assistant", content: "" })
  const finish = chunk({}, "tool_calls")

  it.live("an id that comes after the name: the call, its params parts and its result all have it", () =>
    Effect.gen(function*() {
      const { parts } = yield* stream([
        begin,
        chunk({ tool_calls: [{ index: 0, type: "function", function: { name: "get_weather", arguments: "" } }] }),
        chunk({ tool_calls: [{ index: 0, id: "call_9", function: { arguments: "{\"city\":\"Oslo\"}" } }] }),
        finish
      ])
      expect(ofType(parts, "tool-params-start")).toMatchObject([{ type: "tool-params-start", id: "call_9", name: "get_weather" }])
      expect(ofType(parts, "tool-params-delta").map((part) => part.id)).toEqual(["call_9"])
      expect(ofType(parts, "tool-params-end").map((part) => part.id)).toEqual(["call_9"])
      expect(ofType(parts, "tool-call")).toMatchObject([{ id: "call_9", name: "get_weather", params: { city: "Oslo" } }])
      expect(ofType(parts, "tool-result")).toMatchObject([{ id: "call_9", name: "get_weather", result: "sunny in Oslo" }])
    }))

  it.live("a name in pieces: one call to the whole name", () =>
    Effect.gen(function*() {
      const { parts } = yield* stream([
        begin,
        chunk({ tool_calls: [{ index: 0, id: "call_9", type: "function", function: { name: "get_", arguments: "" } }] }),
        chunk({ tool_calls: [{ index: 0, function: { name: "weather", arguments: "{\"city\":\"Oslo\"}" } }] }),
        finish
      ])
      expect(ofType(parts, "tool-params-start")).toMatchObject([{ id: "call_9", name: "get_weather" }])
      expect(ofType(parts, "tool-call")).toMatchObject([{ id: "call_9", name: "get_weather", params: { city: "Oslo" } }])
      expect(ofType(parts, "tool-result")).toMatchObject([{ id: "call_9", result: "sunny in Oslo" }])
    }))

  it.live("two whole calls at index 0 with their own ids: two calls, arguments apart", () =>
    Effect.gen(function*() {
      const { parts } = yield* stream([
        begin,
        chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" } }] }),
        chunk({ tool_calls: [{ index: 0, id: "call_2", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Rome\"}" } }] }),
        finish
      ])
      expect(ofType(parts, "tool-call")).toMatchObject([
        { id: "call_1", params: { city: "Oslo" } },
        { id: "call_2", params: { city: "Rome" } }
      ])
      expect(ofType(parts, "tool-result")).toMatchObject([{ id: "call_1", result: "sunny in Oslo" }, { id: "call_2", result: "sunny in Rome" }])
      expect(ofType(parts, "tool-params-start").map((part) => part.id)).toEqual(["call_1", "call_2"])
    }))

  it.live("the replayed turn carries the ids the calls ended with", () =>
    Effect.gen(function*() {
      const chunks = [
        begin,
        chunk({ tool_calls: [{ index: 0, type: "function", function: { name: "get_weather", arguments: "" } }] }),
        chunk({ tool_calls: [{ index: 0, id: "call_9", function: { arguments: "{\"city\":\"Oslo\"}" } }] }),
        finish
      ]
      const { bodies, layer } = scripted((_, n) => (n === 0 ? { sse: chunks } : { json: completion({ content: "ok" }) }))
      yield* Effect.gen(function*() {
        const chat = yield* Chat.empty
        yield* Stream.runDrain(chat.streamText({ prompt: "weather in Oslo", toolkit: Tools }))
        yield* chat.generateText({ prompt: [], toolkit: Tools })
      }).pipe(
        Effect.provide(ToolsLayer),
        Effect.provide(OpenRouterLanguageModel.layer({ model: "anthropic/claude-sonnet-4.5" }).pipe(Layer.provide(layer)))
      )
      const messages = bodies[1]!.messages as Array<Record<string, any>>
      expect(messages.find((message) => message.role === "assistant")?.tool_calls).toEqual([
        { id: "call_9", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" } }
      ])
      expect(messages.find((message) => message.role === "tool")).toMatchObject({ tool_call_id: "call_9" })
    }))
})
