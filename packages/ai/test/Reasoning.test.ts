// Reasoning against the simulator's reasoning models: parts, reasoning_details kept verbatim
// (signatures split across deltas come out whole), and sent back on the next turn, through
// @effect/ai's Chat (which keeps no part metadata) as well as through a hand-built prompt.
import { Chat, LanguageModel, Prompt, Tool, Toolkit } from "@effect/ai"
import { afterAll, afterEach, beforeAll, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Schema, Stream } from "effect"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chatRequests, client, KEY } from "./support.js"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())
afterEach(() => sim.journal.clear())

const Claude = OpenRouterLanguageModel.model("anthropic/claude-sonnet-4.5", { chat: { thinking: "medium" } })
const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) => effect.pipe(Effect.provide(Claude), Effect.provide(client(sim)))

type Detail = { readonly type: string; readonly text?: string; readonly signature?: string }

const GetWeather = Tool.make("GetWeather", {
  description: "Get weather for a location",
  parameters: { location: Schema.String },
  success: Schema.Struct({ temperature: Schema.Number })
})
const Tools = Toolkit.make(GetWeather)
const ToolsLayer = Tools.toLayer({ GetWeather: () => Effect.succeed({ temperature: 7 }) })

it.live("generateText: a reasoning part carrying the response's reasoning_details verbatim", () =>
  Effect.gen(function*() {
    const response = yield* provide(LanguageModel.generateText({ prompt: "Why is the sky blue?" }))
    const [reasoning] = response.reasoning
    expect(reasoning?.text.length).toBeGreaterThan(0)
    const details = reasoning?.metadata.openrouter?.reasoningDetails as ReadonlyArray<Detail>
    expect(details.some((detail) => typeof detail.signature === "string" && detail.signature.length > 0)).toBe(true)
    const [request] = chatRequests(sim)
    expect(request?.body).toMatchObject({ reasoning: expect.anything() })
  }))

it.live("streamText: reasoning-start, deltas, and a reasoning-end whose details have the whole signature", () =>
  Effect.gen(function*() {
    const parts = [...yield* provide(Stream.runCollect(LanguageModel.streamText({ prompt: "Why is the sky blue?" })))]
    const types = parts.map((part) => part.type)
    expect(types.indexOf("reasoning-start")).toBeLessThan(types.indexOf("reasoning-end"))
    expect(types.indexOf("reasoning-end")).toBeLessThan(types.indexOf("text-start"))
    const end = parts.find((part) => part.type === "reasoning-end")
    const streamed = end?.metadata.openrouter?.reasoningDetails as ReadonlyArray<Detail>
    const whole = yield* provide(LanguageModel.generateText({ prompt: "Why is the sky blue?" }))
    // The pieces of each entry joined: the same entries as the JSON answer's.
    expect(streamed.map(({ signature, text, type }) => ({ type, text, signature }))).toEqual(
      (whole.reasoning[0]?.metadata.openrouter?.reasoningDetails as ReadonlyArray<Detail>).map(({ signature, text, type }) => ({ type, text, signature }))
    )
    const reasoningText = parts.flatMap((part) => (part.type === "reasoning-delta" ? [part.delta] : [])).join("")
    expect(reasoningText).toBe(whole.reasoningText)
  }))

it.live("a tool loop through Chat sends the model's reasoning_details back verbatim, signatures included", () =>
  Effect.gen(function*() {
    const { first } = yield* provide(Effect.gen(function*() {
      const chat = yield* Chat.empty
      const first = yield* chat.generateText({ prompt: "What is the weather in Oslo?", toolkit: Tools })
      expect(first.finishReason).toBe("tool-calls")
      const final = yield* chat.generateText({ prompt: [], toolkit: Tools })
      expect(final.text).toContain("GetWeather returned")
      return { first }
    }).pipe(Effect.provide(ToolsLayer)))
    const sent = first.reasoning[0]?.metadata.openrouter?.reasoningDetails
    expect(sent).toBeDefined()
    const requests = chatRequests(sim)
    expect(requests.map((request) => request.validation)).toEqual([{ ok: true }, { ok: true }])
    const assistant = (requests[1]?.body as { messages: Array<Record<string, unknown>> }).messages.find((message) => message.role === "assistant")
    expect(assistant?.reasoning_details).toEqual(sent)
  }))

it.live("a hand-built prompt: reasoning details given in the part's options are sent as they are", () =>
  Effect.gen(function*() {
    const details = [{ type: "reasoning.text", text: "Rayleigh scattering.", signature: "c2lnbmF0dXJl", format: "anthropic-claude-v1", index: 0 }]
    const prompt = Prompt.make([
      { role: "user", content: "Why is the sky blue?" },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Rayleigh scattering.", options: { openrouter: { reasoningDetails: details } } },
          { type: "text", text: "Because of Rayleigh scattering." }
        ]
      },
      { role: "user", content: "And sunsets?" }
    ])
    yield* provide(LanguageModel.generateText({ prompt }))
    const [request] = chatRequests(sim)
    expect(request?.validation).toEqual({ ok: true })
    const assistant = (request?.body as { messages: Array<Record<string, unknown>> }).messages[1]
    expect(assistant).toMatchObject({ role: "assistant", content: "Because of Rayleigh scattering.", reasoning_details: details })
  }))
