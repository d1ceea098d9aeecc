// The property: any prompt `LanguageModel` accepts (any `Prompt.Message` list its Schema allows:
// system, user text and files, assistant text, reasoning, tool calls and tool results, tool
// messages, any provider options), with or without a toolkit and any tool choice, as text or as
// an object in either structured mode, becomes a chat request that OpenRouter's OpenAPI request
// schema accepts (the simulator validates every body it receives) — after the client's whole
// pipeline, for a plain model and for a reasoning model with cache markers. The only prompts we
// refuse are those with no message to send (none, or only tool messages without results: OpenRouter
// needs a message): a MalformedInput, nothing sent.
import { AiError, LanguageModel, Prompt, Tool, Toolkit } from "@effect/ai"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Arbitrary, Effect, Exit, FastCheck, Layer, ManagedRuntime, Schema } from "effect"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chatRequests, client, KEY } from "./support.js"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

const GetCurrentTime = Tool.make("GetCurrentTime", { description: "Get the current timestamp", success: Schema.Number })
const GetWeather = Tool.make("GetWeather", {
  description: "Get weather for a location",
  parameters: { location: Schema.String, unit: Schema.optional(Schema.Literal("c", "f")) },
  success: Schema.Struct({ temperature: Schema.Number })
})
const Tools = Toolkit.make(GetCurrentTime, GetWeather)
const ToolsLayer = Tools.toLayer({ GetCurrentTime: () => Effect.succeed(0), GetWeather: () => Effect.succeed({ temperature: 7 }) })
const Contact = Schema.Struct({ name: Schema.String, email: Schema.String, tags: Schema.optional(Schema.Array(Schema.String)) })

const messages = FastCheck.array(Arbitrary.make(Prompt.Message), { minLength: 0, maxLength: 6 })
const toolChoice = FastCheck.constantFrom<LanguageModel.ToolChoice<"GetCurrentTime" | "GetWeather">>(
  "auto",
  "none",
  "required",
  { tool: "GetWeather" },
  { oneOf: ["GetCurrentTime"] },
  { mode: "auto", oneOf: ["GetWeather", "GetCurrentTime"] }
)
const call = FastCheck.record({
  messages,
  kind: FastCheck.constantFrom("text", "tools", "object", "object-tool"),
  toolChoice,
  model: FastCheck.constantFrom("openai/gpt-4o", "anthropic/claude-sonnet-4.5")
})

const runtime = ManagedRuntime.make(Layer.unwrapEffect(Effect.sync(() => client(sim, { maxRetries: 0 }))))
afterAll(() => runtime.dispose())

// 200 generated calls at depth (`npm run test:deep`), fewer in `npm test`.
const RUNS = propertyRuns(200)

it("any prompt LanguageModel accepts becomes a request OpenRouter's OpenAPI request schema accepts", async () => {
  let sent = 0
  await FastCheck.assert(
    FastCheck.asyncProperty(call, async ({ kind, messages, model, toolChoice }) => {
      sim.journal.clear()
      const prompt = Prompt.fromMessages(messages)
      const program: Effect.Effect<unknown, AiError.AiError, LanguageModel.LanguageModel | Tool.Handler<"GetCurrentTime" | "GetWeather">> = kind === "text"
        ? LanguageModel.generateText({ prompt })
        : kind === "tools"
        ? LanguageModel.generateText({ prompt, toolkit: Tools, toolChoice, disableToolCallResolution: true })
        : LanguageModel.generateObject({ prompt, schema: Contact }).pipe(
          OpenRouterLanguageModel.withConfigOverride({ structuredOutputs: kind === "object" ? "json_schema" : "tool" })
        )
      const exit = await runtime.runPromiseExit(program.pipe(
        Effect.provide(OpenRouterLanguageModel.model(model)),
        Effect.provide(ToolsLayer)
      ))
      const requests = chatRequests(sim)
      const nothingToSend = messages.every((message) => message.role === "tool" && message.content.length === 0)
      if (nothingToSend) {
        // Refused before sending.
        expect(requests).toEqual([])
        expect(Exit.isFailure(exit) && exit.cause._tag === "Fail" && (exit.cause.error as AiError.AiError)._tag).toBe("MalformedInput")
        return
      }
      expect(requests).toHaveLength(1)
      const [request] = requests
      if (request?.validation?.ok !== true) {
        throw new Error(`invalid request: ${JSON.stringify(request?.validation)}\n${JSON.stringify(request?.body).slice(0, 2000)}`)
      }
      sent++
      // Whatever the simulator answered, the call never failed on a refused request.
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
        const error = exit.cause.error as AiError.AiError
        expect(error._tag === "HttpResponseError" && error.response.status === 400).toBe(false)
      }
    }),
    { numRuns: RUNS }
  )
  // Most generated prompts are sent (about one in five, only empty tool messages, is refused by
  // LanguageModel itself): the property is not vacuous.
  expect(sent).toBeGreaterThan(RUNS / 2)
}, 60_000)
