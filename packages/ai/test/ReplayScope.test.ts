// What the replay memory gives back, and to whom. Its memory is shared by every call of a layer:
// only a turn with the very tool calls a response made (ids and names) gets that response's
// reasoning_details back; a turn that merely says the same words ("Sure.") gets nothing, and
// neither does a turn with another conversation's text but no calls. On a scripted transport.
import { Chat, LanguageModel, Prompt, Tool, Toolkit } from "@effect/ai"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema, Stream } from "effect"
import * as Replay from "../src/internal/replay.js"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chunk, completion, scripted } from "./support.js"

const MODEL = "anthropic/claude-sonnet-4.5"
const PRIVATE = [{
  type: "reasoning.text",
  text: "user A's private plan: wire $5000 to account 1234",
  signature: "sigA",
  format: "anthropic-claude-v1",
  index: 0
}]

const GetWeather = Tool.make("GetWeather", {
  description: "Get weather for a location",
  parameters: { location: Schema.String },
  success: Schema.Struct({ temperature: Schema.Number })
})
const Tools = Toolkit.make(GetWeather)
const ToolsLayer = Tools.toLayer({ GetWeather: () => Effect.succeed({ temperature: 7 }) })

type Message = Record<string, unknown>
const assistants = (body: Record<string, any>): Array<Message> =>
  (body.messages as Array<Message>).filter((message) => message.role === "assistant")

describe("replay memory: scoped by tool calls", () => {
  it.live("another conversation's assistant turn with the same text gets none of the first one's reasoning", () =>
    Effect.gen(function*() {
      const { bodies, layer } = scripted((_, n) =>
        n === 0
          ? { json: completion({ content: "Sure.", reasoning: PRIVATE[0]!.text, reasoning_details: PRIVATE }) }
          : { json: completion({ content: "ok" }) }
      )
      yield* Effect.gen(function*() {
        // User A's conversation.
        yield* LanguageModel.generateText({ prompt: "A: help me plan" })
        // User B's, whose history holds an assistant turn with the same words and no reasoning.
        yield* LanguageModel.generateText({
          prompt: Prompt.make([
            { role: "user", content: "B: can you do X?" },
            { role: "assistant", content: [{ type: "text", text: "Sure." }] },
            { role: "user", content: "go on" }
          ])
        })
      }).pipe(Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }).pipe(Layer.provide(layer))))
      expect(bodies).toHaveLength(2)
      const [turn] = assistants(bodies[1]!)
      expect(turn).toEqual({ role: "assistant", content: "Sure." })
      expect(JSON.stringify(bodies[1])).not.toContain("sigA")
      expect(JSON.stringify(bodies[1])).not.toContain("private plan")
    }))

  const toolAnswer = (id: string) =>
    completion({
      content: "",
      reasoning: PRIVATE[0]!.text,
      reasoning_details: PRIVATE,
      tool_calls: [{ id, type: "function", function: { name: "GetWeather", arguments: "{\"location\":\"Oslo\"}" } }]
    }, "tool_calls")

  it.live("a tool loop through Chat still gets its own turn's reasoning_details back, by its call id", () =>
    Effect.gen(function*() {
      const { bodies, layer } = scripted((_, n) => n === 0 ? { json: toolAnswer("toolu_01A") } : { json: completion({ content: "7 degrees" }) })
      yield* Effect.gen(function*() {
        const chat = yield* Chat.empty
        yield* chat.generateText({ prompt: "Weather in Oslo?", toolkit: Tools })
        yield* chat.generateText({ prompt: [], toolkit: Tools })
      }).pipe(Effect.provide(ToolsLayer), Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }).pipe(Layer.provide(layer))))
      const [turn] = assistants(bodies[1]!)
      expect(turn).toMatchObject({ tool_calls: [{ id: "toolu_01A" }], reasoning_details: PRIVATE })
    }))

  it.live("streamed: the same, and a turn with the same text but another call id gets nothing", () =>
    Effect.gen(function*() {
      const { bodies, layer } = scripted((_, n) =>
        n === 0
          ? {
            sse: [
              chunk({ role: "assistant", content: "", reasoning: PRIVATE[0]!.text, reasoning_details: PRIVATE }),
              chunk({ content: "Let me check." }),
              chunk({ tool_calls: [{ index: 0, id: "toolu_02B", type: "function", function: { name: "GetWeather", arguments: "" } }] }),
              chunk({ tool_calls: [{ index: 0, function: { arguments: "{\"location\":\"Oslo\"}" } }] }),
              chunk({}, "tool_calls")
            ]
          }
          : { json: completion({ content: "ok" }) }
      )
      yield* Effect.gen(function*() {
        yield* Stream.runDrain(LanguageModel.streamText({ prompt: "Weather in Oslo?", toolkit: Tools }))
        const turn = (id: string) =>
          Prompt.make([
            { role: "user", content: "Weather in Oslo?" },
            {
              role: "assistant",
              content: [
                { type: "text", text: "Let me check." },
                { type: "tool-call", id, name: "GetWeather", params: { location: "Oslo" }, providerExecuted: false }
              ]
            },
            { role: "tool", content: [{ type: "tool-result", id, name: "GetWeather", isFailure: false, result: { temperature: 7 }, providerExecuted: false }] }
          ])
        yield* LanguageModel.generateText({ prompt: turn("toolu_02B") })
        yield* LanguageModel.generateText({ prompt: turn("toolu_other") })
      }).pipe(Effect.provide(ToolsLayer), Effect.provide(OpenRouterLanguageModel.layer({ model: MODEL }).pipe(Layer.provide(layer))))
      expect(assistants(bodies[1]!)[0]).toMatchObject({ reasoning_details: PRIVATE })
      expect(assistants(bodies[2]!)[0]).not.toHaveProperty("reasoning_details")
    }))

  it("the memory: found by the same calls only (ids and names, in order); id-less calls and text are never keys", () => {
    const memory = Replay.make()
    const calls = [{ id: "call_1", name: "f" }, { id: "call_2", name: "g" }]
    memory.remember(calls, PRIVATE)
    expect(memory.find(calls)).toBe(PRIVATE)
    expect(memory.find([{ id: "call_1", name: "f" }])).toBeUndefined()
    expect(memory.find([{ id: "call_1", name: "h" }, { id: "call_2", name: "g" }])).toBeUndefined()
    expect(memory.find([{ id: "call_2", name: "g" }, { id: "call_1", name: "f" }])).toBeUndefined()
    expect(memory.find([])).toBeUndefined()
    memory.remember([{ id: "", name: "f" }], PRIVATE)
    expect(memory.find([{ id: "", name: "f" }])).toBeUndefined()
  })
})
