// generateObject's mode: `structuredOutputs: "auto"` (the default) asks the client's `Models`
// catalogue whether the call's model has structured outputs: response_format json_schema when it
// has them or does not say, one forced tool when it says it has none. Against the simulator, whose
// catalogue gives every chat model `structured_outputs`: the models that lack it here are served
// by a `GET /models` answer of our own (the simulator's listing with one entry's parameters
// changed), and the journal shows what each chat request carried and how many times the
// catalogue was fetched.
import { LanguageModel } from "@effect/ai"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Logger, Schema } from "effect"
import * as Structured from "../src/internal/structured.js"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chatRequests, client, KEY } from "./support.js"

let sim: Server.Running
let listing: { readonly data: ReadonlyArray<Record<string, unknown>> }
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
  listing = await (await fetch(`${sim.baseUrl}/models`)).json() as typeof listing
  sim.journal.clear()
})
afterAll(() => sim.close())
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const MODEL = "openai/gpt-4o"

const Contact = Schema.Struct({ name: Schema.String, email: Schema.String })
const extract = LanguageModel.generateObject({ prompt: "Extract contact: John Doe, john@example.com", schema: Contact, objectName: "contact" })

type Body = Record<string, unknown>

// The simulator's own listing, with `id`'s supported_parameters changed (removed with `undefined`).
const listingWith = (id: string, change: (parameters: ReadonlyArray<string>) => ReadonlyArray<string> | undefined) => {
  const data = listing.data.map((entry) => {
    if (entry.id !== id) return entry
    const { supported_parameters, ...rest } = entry
    const changed = change(supported_parameters as ReadonlyArray<string>)
    return changed === undefined ? rest : { ...rest, supported_parameters: changed }
  })
  expect(data.some((entry) => entry.id === id)).toBe(true)
  return { ...listing, data }
}

const without = (...names: ReadonlyArray<string>) => (parameters: ReadonlyArray<string>) => parameters.filter((p) => !names.includes(p))

// Answer the next catalogue fetches with `body` (the client's Models asks `GET /models`).
const serveCatalogue = (body: unknown) => sim.faults.add("GET /models", { kind: "status", status: 200, body }, 10)

const catalogueFetches = () => sim.journal.list({ method: "GET", path: "/models" }).length

const run = <A, E>(
  effect: Effect.Effect<A, E, LanguageModel.LanguageModel>,
  config: OpenRouterLanguageModel.Options["config"] = {}
) => effect.pipe(Effect.provide(OpenRouterLanguageModel.model(MODEL, config)), Effect.provide(client(sim)))

const onlyRequest = () => {
  const requests = chatRequests(sim)
  expect(requests).toHaveLength(1)
  expect(requests[0]?.validation).toEqual({ ok: true })
  return requests[0]!.body as Body
}

const expectJsonSchema = (body: Body) => {
  expect(body.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "contact", strict: true } })
  expect(body.tools).toBeUndefined()
  expect(body.tool_choice).toBeUndefined()
}

const expectTool = (body: Body) => {
  expect(body.response_format).toBeUndefined()
  expect(body.tools).toMatchObject([{ type: "function", function: { name: "contact", parameters: { type: "object" } } }])
  expect(body.tool_choice).toEqual({ type: "function", function: { name: "contact" } })
}

describe("structuredOutputs: \"auto\" (the default)", () => {
  it("the simulator's catalogue gives every chat model structured outputs", () => {
    // so the tests below change the listing to get a model without them
    const chat = listing.data.filter((entry) => (entry.architecture as { output_modalities?: Array<string> }).output_modalities?.includes("text"))
    expect(chat.length).toBeGreaterThan(0)
    for (const entry of chat) expect(entry.supported_parameters).toContain("structured_outputs")
  })

  it.live("a model with structured outputs: response_format json_schema, the catalogue fetched once", () =>
    Effect.gen(function*() {
      const response = yield* run(extract)
      expect(response.value).toEqual(expect.objectContaining({ name: expect.any(String), email: expect.any(String) }))
      expectJsonSchema(onlyRequest())
      // the fetch Chat makes anyway for the model's thinking default: shared, not doubled
      expect(catalogueFetches()).toBe(1)
    }))

  it.live("a model without structured outputs (tools listed): one forced tool, the value decoded, no tool call reported", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs", "response_format")))
      const response = yield* run(extract)
      expect(Schema.is(Contact)(response.value)).toBe(true)
      expect(response.toolCalls).toEqual([])
      expectTool(onlyRequest())
    }))

  it.live("response_format without structured_outputs is JSON mode, not a schema: tool mode", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs")))
      yield* run(extract)
      expectTool(onlyRequest())
    }))

  it.live("several calls on one layer: the catalogue is fetched once, text calls look nothing up", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs")))
      yield* run(Effect.gen(function*() {
        yield* extract
        yield* LanguageModel.generateText({ prompt: "Say hello" })
        yield* extract
      }))
      const bodies = chatRequests(sim).map((request) => request.body as Body)
      expect(bodies).toHaveLength(3)
      expectTool(bodies[0]!)
      expect(bodies[1]!.tools).toBeUndefined()
      expect(bodies[1]!.response_format).toBeUndefined()
      expectTool(bodies[2]!)
      expect(catalogueFetches()).toBe(1)
    }))

  it.live("a model that says it has neither structured outputs nor tools: json_schema (a forced tool would be refused)", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs", "response_format", "tools", "tool_choice")))
      yield* run(extract)
      expectJsonSchema(onlyRequest())
    }))

  it.live("a model whose entry does not say (no supported_parameters): json_schema", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, () => undefined))
      yield* run(extract)
      expectJsonSchema(onlyRequest())
    }))

  it.live("a failed catalogue lookup falls back quietly: json_schema, the call succeeds", () =>
    Effect.gen(function*() {
      sim.faults.add("GET /models", { kind: "status", status: 500 }, 10)
      const warnings: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        if (logLevel._tag === "Warning") warnings.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      const response = yield* run(extract).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(Schema.is(Contact)(response.value)).toBe(true)
      expectJsonSchema(onlyRequest())
      expect(catalogueFetches()).toBeGreaterThan(0)
      // the catalogue's own warning (once), nothing from the provider
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("model list is unavailable")
    }))

  it.live("chat.catalog \"bundled\": nothing is fetched, json_schema", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs")))
      yield* run(extract, { chat: { catalog: "bundled" } })
      expectJsonSchema(onlyRequest())
      expect(catalogueFetches()).toBe(0)
    }))

  it.live("with the thinking level given (Chat looks nothing up): generateText fetches nothing, generateObject fetches once", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs")))
      yield* run(LanguageModel.generateText({ prompt: "Say hello" }), { chat: { thinking: "off" } })
      expect(catalogueFetches()).toBe(0)
      yield* run(extract, { chat: { thinking: "off" } })
      expect(catalogueFetches()).toBe(1)
      expectTool(chatRequests(sim).at(-1)!.body as Body)
    }))

  it.live("the model of withConfigOverride is the one looked up", () =>
    Effect.gen(function*() {
      const other = "anthropic/claude-sonnet-4.5"
      serveCatalogue(listingWith(other, without("structured_outputs")))
      yield* run(extract.pipe(OpenRouterLanguageModel.withConfigOverride({ model: other })))
      const body = onlyRequest()
      expect(body.model).toBe(other)
      expectTool(body)
    }))

  it.live("a prompt that cannot be sent is refused before any lookup", () =>
    Effect.gen(function*() {
      const exit = yield* run(LanguageModel.generateObject({ prompt: [], schema: Contact })).pipe(Effect.exit)
      expect(exit._tag).toBe("Failure")
      expect(catalogueFetches()).toBe(0)
      expect(chatRequests(sim)).toHaveLength(0)
    }))
})

describe("an explicit mode is the caller's", () => {
  it.live("\"json_schema\" for a model without structured outputs", () =>
    Effect.gen(function*() {
      serveCatalogue(listingWith(MODEL, without("structured_outputs")))
      yield* run(extract, { structuredOutputs: "json_schema" })
      expectJsonSchema(onlyRequest())
    }))

  it.live("\"tool\" for a model with structured outputs", () =>
    Effect.gen(function*() {
      yield* run(extract, { structuredOutputs: "tool" })
      expectTool(onlyRequest())
    }))

  it.live("withConfigOverride picks the mode over the model's config", () =>
    Effect.gen(function*() {
      yield* run(extract.pipe(OpenRouterLanguageModel.withConfigOverride({ structuredOutputs: "tool" })), { structuredOutputs: "json_schema" })
      expectTool(onlyRequest())
    }))
})

describe("the choice, from the capabilities", () => {
  it("tool only when the model says it has no structured outputs and does not say it has no tools", () => {
    const cases: ReadonlyArray<readonly [Structured.Support | undefined, "json_schema" | "tool"]> = [
      [undefined, "json_schema"],
      [{ structuredOutputs: true, tools: true }, "json_schema"],
      [{ structuredOutputs: true, tools: false }, "json_schema"],
      [{ structuredOutputs: undefined, tools: true }, "json_schema"],
      [{ structuredOutputs: undefined, tools: undefined }, "json_schema"],
      [{ structuredOutputs: false, tools: true }, "tool"],
      [{ structuredOutputs: false, tools: undefined }, "tool"],
      [{ structuredOutputs: false, tools: false }, "json_schema"]
    ]
    for (const [support, mode] of cases) expect(Structured.modeFor(support)).toBe(mode)
  })
})
