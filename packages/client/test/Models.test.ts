import * as PlatformError from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Catalog, Thinking } from "@openrouter-effect/core"
import { Deferred, Duration, Effect, FastCheck as fc, Fiber, Layer, Logger, Redacted, TestClock } from "effect"
import * as ModelsParse from "../src/internal/modelsParse.js"
import * as Models from "../src/Models.js"
import * as OpenRouterHttp from "../src/OpenRouterHttp.js"

const BASE = "http://127.0.0.1:9/api/v1"
const KEY = "sk-or-v1-models-test-0000000000000000001"

// ---------------------------------------------------------------------------------------------
// Fixtures: /models entries in the §8.1 / §12.9 shape
// ---------------------------------------------------------------------------------------------

const geminiImage = {
  id: "google/gemini-2.5-flash-image",
  canonical_slug: "google/gemini-2.5-flash-image",
  name: "Google: Gemini 2.5 Flash Image",
  created: 1758000000,
  description: "Image generation and editing model.",
  context_length: 32768,
  architecture: {
    modality: "text+image->text+image",
    input_modalities: ["image", "text"],
    output_modalities: ["image", "text"],
    tokenizer: "Gemini",
    instruct_type: null
  },
  pricing: { prompt: "0.0000003", completion: "0.0000025", request: "0", image: "0.001238", image_output: "0.039" },
  top_provider: { context_length: 32768, max_completion_tokens: 8192, is_moderated: false },
  per_request_limits: null,
  supported_parameters: ["max_tokens", "temperature", "top_p", "seed", "response_format", "structured_outputs", "stop"],
  default_parameters: null,
  supported_voices: null,
  expiration_date: null,
  knowledge_cutoff: null,
  links: { details: "/api/v1/models/google/gemini-2.5-flash-image/endpoints" }
}

const claude = {
  id: "anthropic/claude-sonnet-4.5",
  canonical_slug: "anthropic/claude-4.5-sonnet-20250929",
  name: "Anthropic: Claude Sonnet 4.5",
  created: 1759161676,
  description: "A reasoning model.",
  context_length: 1000000,
  architecture: {
    modality: "text+image+file->text",
    input_modalities: ["text", "image", "file"],
    output_modalities: ["text"],
    tokenizer: "Claude",
    instruct_type: null
  },
  pricing: {
    prompt: "0.000003",
    completion: "0.000015",
    request: "0",
    image: "0.0048",
    web_search: "0.01",
    internal_reasoning: "0",
    input_cache_read: "0.0000003",
    input_cache_write: "0.00000375"
  },
  top_provider: { context_length: 1000000, max_completion_tokens: 64000, is_moderated: true },
  per_request_limits: null,
  supported_parameters: ["include_reasoning", "max_tokens", "reasoning", "stop", "temperature", "tool_choice", "tools", "top_k", "top_p"],
  default_parameters: { temperature: null, top_p: null, frequency_penalty: null },
  supported_voices: null,
  reasoning: { supported_efforts: ["low", "medium", "high"], default_effort: "medium", default_enabled: false, mandatory: false },
  expiration_date: null,
  knowledge_cutoff: "2025-07-31",
  links: { details: "/api/v1/models/anthropic/claude-sonnet-4.5/endpoints" }
}

// A live entry for a bundled id, with other numbers than the bundled table.
const kimiLive = {
  id: "moonshotai/kimi-k2.6",
  name: "MoonshotAI: Kimi K2.6 (live)",
  context_length: 131072,
  architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["text"] },
  pricing: { prompt: "0.0000006", completion: "0.000003" },
  top_provider: { context_length: null, max_completion_tokens: null, is_moderated: false },
  supported_parameters: ["reasoning", "tools"]
}

const malformed: ReadonlyArray<unknown> = [
  { name: "no id" },
  { id: 42, name: "numeric id" },
  { id: "" },
  "google/gemini-2.5-flash",
  null,
  { id: "acme/bad-context", context_length: "lots" },
  { id: "acme/bad-architecture", architecture: "text->text" }
]

const body = (...data: ReadonlyArray<unknown>) => ({ data, total_count: data.length, links: { next: null } })

const liveBody = body(geminiImage, ...malformed, claude, kimiLive)

// ---------------------------------------------------------------------------------------------
// A test HTTP transport (no sockets) that counts calls
// ---------------------------------------------------------------------------------------------

interface Answer {
  readonly status: number
  readonly body: unknown
  readonly headers?: Record<string, string>
}

interface Server {
  calls: number
  readonly urls: Array<string>
  readonly authorization: Array<string | undefined>
}

const ok = (value: unknown = liveBody): Answer => ({ status: 200, body: value })

const serve = (
  answer: (call: number, request: HttpClientRequest.HttpClientRequest) => Effect.Effect<Answer, HttpClientError.HttpClientError>,
  options: { readonly maxRetries?: number } = {}
) => {
  const server: Server = { calls: 0, urls: [], authorization: [] }
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      server.calls++
      server.urls.push(url.toString())
      server.authorization.push(request.headers["authorization"])
      return Effect.map(answer(server.calls, request), (a) =>
        HttpClientResponse.fromWeb(
          request,
          new Response(typeof a.body === "string" ? a.body : JSON.stringify(a.body), {
            status: a.status,
            headers: { "content-type": "application/json", ...a.headers }
          })
        ))
    })
  )
  const http = OpenRouterHttp.layer({ baseUrl: BASE, apiKey: Redacted.make(KEY), maxRetries: options.maxRetries ?? 0 }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
    Layer.orDie
  )
  return { server, http }
}

const transportFailure = (
  call: number,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<Answer, HttpClientError.HttpClientError> =>
  Effect.fail(
    new HttpClientError.RequestError({
      request,
      reason: "Transport",
      cause: Object.assign(new Error(`connect ECONNREFUSED (call ${call})`), { code: "ECONNREFUSED" })
    })
  )

const memoryService = (http: Layer.Layer<OpenRouterHttp.OpenRouterHttp>) => Effect.provide(Models.makeMemory, http)

const diskService = (http: Layer.Layer<OpenRouterHttp.OpenRouterHttp>, stateDir: string) =>
  Effect.provide(Models.make({ stateDir }), Layer.merge(http, NodeFileSystem.layer))

const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
    })
  )
  return { lines, logger }
}

const tempStateDir = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix: "models-test-" }))

const readCache = (stateDir: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(Models.cacheFile(stateDir))).pipe(
    Effect.map((text) => JSON.parse(text) as { version: number; baseUrl: string; fetchedAt: number; models: Array<unknown> })
  )

const writeCache = (stateDir: string, content: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    yield* fs.makeDirectory(`${stateDir}/cache`, { recursive: true })
    yield* fs.writeFileString(Models.cacheFile(stateDir), content)
  })

const cacheDocument = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, baseUrl: BASE, fetchedAt: 0, models: [geminiImage, claude], ...overrides })

const expectWellFormed = (c: Models.Capabilities) => {
  expect(typeof c.id).toBe("string")
  expect(c.id.trim()).not.toBe("")
  expect(typeof c.name).toBe("string")
  expect(c.name.trim()).not.toBe("")
  expect(typeof c.reasoning).toBe("boolean")
  expect([true, false, undefined]).toContain(c.tools)
  expect([true, false, undefined]).toContain(c.structuredOutputs)
  expect(c.inputModalities[0]).toBe("text")
  expect(new Set(c.inputModalities).size).toBe(c.inputModalities.length)
  expect(c.outputModalities.length).toBeGreaterThan(0)
  for (const m of [...c.inputModalities, ...c.outputModalities]) {
    expect(typeof m).toBe("string")
    expect(m).toBe(m.trim().toLowerCase())
    expect(m).not.toBe("")
  }
  for (const n of [c.contextWindow, c.maxTokens]) {
    expect(Number.isInteger(n)).toBe(true)
    expect(n).toBeGreaterThan(0)
  }
  for (const price of Object.values(c.pricing)) {
    expect(Number.isFinite(price)).toBe(true)
    expect(price).toBeGreaterThanOrEqual(0)
  }
  expect(c.source).toBe("live")
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

describe("Models parsing (§1.3, §8.1)", () => {
  it("turns a realistic /models body into capabilities, skipping malformed entries", () => {
    const parsed = Models.parseModels(liveBody)
    expect(parsed.map((c) => c.id)).toEqual(["google/gemini-2.5-flash-image", "anthropic/claude-sonnet-4.5", "moonshotai/kimi-k2.6"])
    const [gemini, sonnet, kimi] = parsed
    expect(gemini).toEqual({
      id: "google/gemini-2.5-flash-image",
      name: "Google: Gemini 2.5 Flash Image",
      reasoning: false,
      tools: false,
      structuredOutputs: true,
      inputModalities: ["text", "image"],
      outputModalities: ["image", "text"],
      contextWindow: 32768,
      maxTokens: 8192,
      pricing: { prompt: 0.3, completion: 2.5, cacheRead: 0, cacheWrite: 0 },
      source: "live"
    })
    expect(sonnet).toEqual({
      id: "anthropic/claude-sonnet-4.5",
      name: "Anthropic: Claude Sonnet 4.5",
      reasoning: true,
      tools: true,
      structuredOutputs: false,
      inputModalities: ["text", "image", "file"],
      outputModalities: ["text"],
      contextWindow: 1000000,
      maxTokens: 64000,
      pricing: { prompt: 3, completion: 15, cacheRead: 0.3, cacheWrite: 3.75 },
      source: "live"
    })
    // top_provider values are null: context_length, then the 8192 default
    expect(kimi?.contextWindow).toBe(131072)
    expect(kimi?.maxTokens).toBe(8192)
    expect(kimi?.pricing).toEqual({ prompt: 0.6, completion: 3, cacheRead: 0, cacheWrite: 0 })
  })

  it("keeps unknown fields of an entry", () => {
    const [decoded] = ModelsParse.decodeEntries([claude])
    expect(decoded?.model["canonical_slug"]).toBe("anthropic/claude-4.5-sonnet-20250929")
    expect(decoded?.model["knowledge_cutoff"]).toBe("2025-07-31")
    expect(decoded?.raw).toBe(claude)
  })

  it("applies the §1.3 fallbacks to a minimal entry", () => {
    expect(Models.parseModels(body({ id: "acme/minimal" }))).toEqual([{
      id: "acme/minimal",
      name: "acme/minimal",
      reasoning: false,
      tools: undefined,
      structuredOutputs: undefined,
      inputModalities: ["text"],
      outputModalities: ["text"],
      contextWindow: 128_000,
      maxTokens: 8192,
      pricing: { prompt: 0, completion: 0, cacheRead: 0, cacheWrite: 0 },
      source: "live"
    }])
  })

  it("reads the max-token fallbacks in order and the top-level modality", () => {
    const [a, b] = Models.parseModels(body(
      { id: "acme/a", max_completion_tokens: 4000, max_output_tokens: 2000, modality: "text+image->text" },
      { id: "acme/b", max_output_tokens: 2000, top_provider: { context_length: 0 }, context_length: 50000 }
    ))
    expect(a?.maxTokens).toBe(4000)
    expect(a?.inputModalities).toEqual(["text", "image"])
    expect(b?.maxTokens).toBe(2000)
    expect(b?.contextWindow).toBe(50000)
  })

  it("tools is only set when supported_parameters is an array; Hunter Alpha never reasons", () => {
    const [none, nulled, hunter] = Models.parseModels(body(
      { id: "acme/none" },
      { id: "acme/null", supported_parameters: null },
      { id: "openrouter/hunter-alpha", supported_parameters: ["reasoning", "tools"] }
    ))
    expect(none?.tools).toBeUndefined()
    expect(nulled?.tools).toBeUndefined()
    expect(hunter).toMatchObject({ reasoning: false, tools: true })
  })

  it("structuredOutputs: structured_outputs listed; response_format alone is JSON mode, not a schema; undefined without a list", () => {
    const [both, schema, jsonMode, neither, none, nulled, notAList] = Models.parseModels(body(
      { id: "acme/both", supported_parameters: ["response_format", "structured_outputs", "tools"] },
      { id: "acme/schema", supported_parameters: ["structured_outputs"] },
      { id: "acme/json-mode", supported_parameters: ["response_format", "tools"] },
      { id: "acme/neither", supported_parameters: [] },
      { id: "acme/none" },
      { id: "acme/null", supported_parameters: null },
      { id: "acme/not-a-list", supported_parameters: "structured_outputs" }
    ))
    expect(both).toMatchObject({ structuredOutputs: true, tools: true })
    expect(schema).toMatchObject({ structuredOutputs: true, tools: false })
    expect(jsonMode).toMatchObject({ structuredOutputs: false, tools: true })
    expect(neither?.structuredOutputs).toBe(false)
    expect(none?.structuredOutputs).toBeUndefined()
    expect(nulled?.structuredOutputs).toBeUndefined()
    // a supported_parameters that is not a list does not decode: the entry is skipped
    expect(notAList).toBeUndefined()
    // bundled entries and the unknown-model defaults do not say
    for (const bundled of Models.bundled) expect(bundled.structuredOutputs).toBeUndefined()
    expect(ModelsParse.fromCatalogEntry(Catalog.describe("acme/unknown")).structuredOutputs).toBeUndefined()
  })

  it("prices: strict decimal strings × 1e6; anything else is 0", () => {
    expect(ModelsParse.perMillion("0.000003")).toBe(3)
    expect(ModelsParse.perMillion(" 1e-6 ")).toBe(1)
    expect(ModelsParse.perMillion(0.0000025)).toBe(2.5)
    expect(ModelsParse.perMillion("-1")).toBe(0)
    expect(ModelsParse.perMillion("free")).toBe(0)
    expect(ModelsParse.perMillion("0x10")).toBe(0)
    expect(ModelsParse.perMillion("")).toBe(0)
    expect(ModelsParse.perMillion(null)).toBe(0)
    expect(ModelsParse.perMillion("1e400")).toBe(0)
  })

  it("a body without a data array has no models", () => {
    expect(Models.parseModels({ data: "nope" })).toEqual([])
    expect(Models.parseModels([geminiImage])).toEqual([])
    expect(Models.parseModels(null)).toEqual([])
  })

  const entry = fc.record(
    {
      id: fc.oneof(fc.string(), fc.constantFrom("acme/x", "openrouter/hunter-alpha:free"), fc.jsonValue()),
      name: fc.oneof(fc.string(), fc.constant(null), fc.jsonValue()),
      context_length: fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.jsonValue()),
      max_completion_tokens: fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
      max_output_tokens: fc.oneof(fc.integer(), fc.constant(null)),
      modality: fc.oneof(fc.string(), fc.constantFrom("text+image->text", "->", "+", " IMAGE + text -> audio")),
      architecture: fc.oneof(
        fc.record({
          modality: fc.oneof(fc.string(), fc.constant(null)),
          input_modalities: fc.oneof(fc.array(fc.oneof(fc.string(), fc.jsonValue())), fc.constant(null)),
          output_modalities: fc.oneof(fc.array(fc.oneof(fc.string(), fc.jsonValue())), fc.constant(null))
        }, { requiredKeys: [] }),
        fc.jsonValue()
      ),
      pricing: fc.oneof(
        fc.record({
          prompt: fc.oneof(fc.string(), fc.double().map(String), fc.double(), fc.constant("-1")),
          completion: fc.oneof(fc.string(), fc.double()),
          input_cache_read: fc.oneof(fc.string(), fc.constant(null)),
          input_cache_write: fc.jsonValue()
        }, { requiredKeys: [] }),
        fc.jsonValue()
      ),
      top_provider: fc.oneof(
        fc.record({ context_length: fc.oneof(fc.integer(), fc.double()), max_completion_tokens: fc.oneof(fc.integer(), fc.constant(null)) }, {
          requiredKeys: []
        }),
        fc.constant(null)
      ),
      supported_parameters: fc.oneof(
        fc.array(fc.constantFrom("reasoning", "tools", "temperature", "structured_outputs", "response_format", 7)),
        fc.constant(null),
        fc.jsonValue()
      )
    },
    { requiredKeys: [] }
  )

  it.prop(
    "any JSON value as a /models body parses without throwing into well-formed capabilities",
    [fc.oneof(fc.jsonValue(), fc.record({ data: fc.array(fc.oneof(entry, fc.jsonValue()), { maxLength: 8 }) }))],
    ([value]) => {
      const parsed = Models.parseModels(value)
      for (const c of parsed) expectWellFormed(c)
      expect(new Set(parsed.map((c) => c.id)).size).toBe(parsed.length)
    }
  )

  it.prop(
    "structuredOutputs is exactly whether supported_parameters lists structured_outputs (undefined without a list)",
    [
      fc.oneof(
        fc.array(fc.oneof(fc.constantFrom("structured_outputs", "response_format", "tools", "Structured_Outputs", " structured_outputs"), fc.string(), fc.jsonValue())),
        fc.constant(null),
        fc.constant(undefined)
      )
    ],
    ([parameters]) => {
      const [parsed] = Models.parseModels(body({ id: "acme/x", ...(parameters === undefined ? {} : { supported_parameters: parameters }) }))
      expect(parsed?.structuredOutputs).toBe(Array.isArray(parameters) ? parameters.includes("structured_outputs") : undefined)
      // independent of tools, and of response_format
      expect(parsed?.tools).toBe(Array.isArray(parameters) ? parameters.includes("tools") : undefined)
    }
  )
})

// ---------------------------------------------------------------------------------------------
// The service, in memory
// ---------------------------------------------------------------------------------------------

describe("Models service (memory)", () => {
  it.effect("GET {baseUrl}/models without Authorization; find answers live, bundled and unknown models", () =>
    Effect.gen(function*() {
      const { http, server } = serve(() => Effect.succeed(ok()))
      const models = yield* memoryService(http)

      const gemini = yield* models.find("google/gemini-2.5-flash-image")
      expect(gemini.source).toBe("live")
      expect(gemini.outputModalities).toContain("image")
      expect(gemini.structuredOutputs).toBe(true)

      // live wins over the bundled entry of the same id
      const kimi = yield* models.find("moonshotai/kimi-k2.6")
      expect(kimi).toMatchObject({ source: "live", contextWindow: 131072, name: "MoonshotAI: Kimi K2.6 (live)" })

      // bundled only
      const kimi25 = yield* models.find("moonshotai/kimi-k2.5")
      const bundled = Catalog.find("moonshotai/kimi-k2.5")!
      expect(kimi25).toEqual({
        id: "moonshotai/kimi-k2.5",
        name: bundled.name,
        reasoning: true,
        tools: undefined,
        structuredOutputs: undefined,
        inputModalities: ["text", "image"],
        outputModalities: ["text"],
        contextWindow: bundled.contextWindow,
        maxTokens: bundled.maxTokens,
        pricing: { prompt: 0.44, completion: 2, cacheRead: 0.22, cacheWrite: 0 },
        source: "bundled"
      })

      // unknown: Catalog.describe's defaults
      const unknown = yield* models.find("acme/never-heard-of-it")
      expect(unknown).toEqual(ModelsParse.fromCatalogEntry(Catalog.describe("acme/never-heard-of-it")))
      expect(unknown).toMatchObject({ name: "acme/never-heard-of-it", reasoning: false, contextWindow: 200_000, maxTokens: 8192 })

      // a malformed entry was skipped, so its id is unknown
      expect((yield* models.find("acme/bad-context")).source).toBe("bundled")

      // a variant without an entry of its own takes its base model's capabilities
      const nitro = yield* models.find("anthropic/claude-sonnet-4.5:nitro")
      expect(nitro).toMatchObject({ id: "anthropic/claude-sonnet-4.5:nitro", source: "live", reasoning: true, structuredOutputs: false })

      expect(server.calls).toBe(1)
      expect(server.urls).toEqual([`${BASE}/models`])
      expect(server.authorization).toEqual([undefined])
    }))

  it.effect("thinkingCapabilities feeds Thinking.defaultLevel", () =>
    Effect.gen(function*() {
      const { http } = serve(() => Effect.succeed(ok()))
      const models = yield* memoryService(http)
      const sonnet = yield* models.thinkingCapabilities("anthropic/claude-sonnet-4.5")
      expect(sonnet).toEqual({ reasoning: true })
      expect(Thinking.defaultLevel("anthropic/claude-sonnet-4.5", sonnet)).toBe("low")
      const gemini = yield* models.thinkingCapabilities("google/gemini-2.5-flash-image")
      expect(Thinking.defaultLevel("google/gemini-2.5-flash-image", gemini)).toBe("off")
      expect(yield* models.thinkingCapabilities("acme/unknown")).toEqual({ reasoning: false })
    }))

  it.effect("list: bundled and live together, sorted by id, live winning", () =>
    Effect.gen(function*() {
      const { http } = serve(() => Effect.succeed(ok()))
      const models = yield* memoryService(http)
      const all = yield* models.list
      expect(all.map((c) => [c.id, c.source])).toEqual([
        ["anthropic/claude-sonnet-4.5", "live"],
        ["google/gemini-2.5-flash-image", "live"],
        ["moonshotai/kimi-k2.5", "bundled"],
        ["moonshotai/kimi-k2.6", "live"],
        ["openrouter/auto", "bundled"]
      ])
    }))

  it.effect("many concurrent finds share one network call", () =>
    Effect.gen(function*() {
      const gate = yield* Deferred.make<void>()
      const { http, server } = serve(() => Effect.as(Deferred.await(gate), ok()))
      const models = yield* memoryService(http)
      const slugs = Array.from({ length: 40 }, (_, i) => i % 2 === 0 ? "anthropic/claude-sonnet-4.5" : `acme/m-${i}`)
      const fiber = yield* Effect.fork(Effect.all(slugs.map(models.find), { concurrency: "unbounded" }))
      for (let i = 0; i < 50 && server.calls === 0; i++) yield* Effect.yieldNow()
      for (let i = 0; i < 50; i++) yield* Effect.yieldNow()
      expect(server.calls).toBe(1)
      yield* Deferred.succeed(gate, undefined)
      const found = yield* Fiber.join(fiber)
      expect(found.filter((c) => c.source === "live")).toHaveLength(20)
      yield* models.list
      expect(server.calls).toBe(1)
    }))

  it.effect("a 503 falls back to the bundled table, logs a warning without the key, and does not fail", () =>
    Effect.gen(function*() {
      const { lines, logger } = captureLogs()
      const { http, server } = serve(() => Effect.succeed({ status: 503, body: { error: { code: 503, message: "down" } } }))
      const models = yield* memoryService(http)
      const kimi = yield* models.find("moonshotai/kimi-k2.6").pipe(Effect.provide(logger))
      expect(kimi).toEqual(Models.bundled.find((c) => c.id === "moonshotai/kimi-k2.6"))
      expect((yield* models.find("acme/x")).source).toBe("bundled")
      expect(server.calls).toBe(1)
      const warnings = lines.filter((l) => l.startsWith("WARN"))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("the bundled catalogue")
      expect(lines.join("\n")).not.toContain(KEY)
    }))

  it.effect("a 503 is retried as an idempotent GET before falling back", () =>
    Effect.gen(function*() {
      const { http, server } = serve(
        () => Effect.succeed({ status: 503, body: { error: { code: 503, message: "down" } }, headers: { "retry-after": "0" } }),
        { maxRetries: 2 }
      )
      const models = yield* memoryService(http)
      const fiber = yield* Effect.fork(models.find("moonshotai/kimi-k2.6"))
      yield* TestClock.adjust(Duration.minutes(1))
      expect((yield* Fiber.join(fiber)).source).toBe("bundled")
      expect(server.calls).toBe(3)
    }))

  it.effect("a failing transport and a malformed body fall back too", () =>
    Effect.gen(function*() {
      const transport = serve(transportFailure)
      const a = yield* memoryService(transport.http)
      expect((yield* a.find("moonshotai/kimi-k2.6")).source).toBe("bundled")
      expect(transport.server.calls).toBe(1)

      for (const bad of ["<html>gateway</html>", { data: "none" }, { models: [] }, body(...malformed)]) {
        const served = serve(() => Effect.succeed(ok(bad)))
        const models = yield* memoryService(served.http)
        expect(yield* models.list).toEqual([...Models.bundled].sort((x, y) => x.id < y.id ? -1 : 1))
        expect(served.server.calls).toBe(1)
      }
    }))

  it.effect("after a failure the network rests for the cooldown, then is asked again", () =>
    Effect.gen(function*() {
      const { http, server } = serve((call, request) => call === 1 ? transportFailure(call, request) : Effect.succeed(ok()))
      const models = yield* memoryService(http)
      expect((yield* models.find("anthropic/claude-sonnet-4.5")).source).toBe("bundled")
      yield* TestClock.adjust(Duration.minutes(4))
      expect((yield* models.find("anthropic/claude-sonnet-4.5")).source).toBe("bundled")
      expect(server.calls).toBe(1)
      yield* TestClock.adjust(Duration.minutes(2))
      expect((yield* models.find("anthropic/claude-sonnet-4.5")).source).toBe("live")
      expect(server.calls).toBe(2)
    }))

  it.effect("refresh fetches again, and reports its failure", () =>
    Effect.gen(function*() {
      const answers: Array<Answer> = [ok(), ok(body({ ...geminiImage, context_length: 1, top_provider: null })), ok("not json")]
      const { http, server } = serve((call) => Effect.succeed(answers[call - 1] ?? ok()))
      const models = yield* memoryService(http)
      expect((yield* models.find("google/gemini-2.5-flash-image")).contextWindow).toBe(32768)
      yield* models.refresh
      expect((yield* models.find("google/gemini-2.5-flash-image")).contextWindow).toBe(1)
      expect((yield* models.find("anthropic/claude-sonnet-4.5")).source).toBe("bundled")
      const error = yield* Effect.flip(models.refresh)
      expect(error._tag).toBe("MalformedResponse")
      // the last good list stays
      expect((yield* models.find("google/gemini-2.5-flash-image")).contextWindow).toBe(1)
      expect(server.calls).toBe(3)
    }))

  it.effect("layerMemory provides the service with no FileSystem", () =>
    Effect.gen(function*() {
      const { http, server } = serve(() => Effect.succeed(ok()))
      const found = yield* Effect.flatMap(Models.Models, (m) => m.find("anthropic/claude-sonnet-4.5")).pipe(
        Effect.provide(Models.layerMemory.pipe(Layer.provide(http)))
      )
      expect(found.source).toBe("live")
      expect(server.calls).toBe(1)
    }))
})

// ---------------------------------------------------------------------------------------------
// The disk cache
// ---------------------------------------------------------------------------------------------

describe("Models disk cache", () => {
  it.scoped("is written with version/baseUrl/fetchedAt and read back by a second service without a network call", () =>
    Effect.gen(function*() {
      const stateDir = yield* tempStateDir
      yield* TestClock.setTime(1_760_000_000_000)
      const first = serve(() => Effect.succeed(ok()))
      const a = yield* diskService(first.http, stateDir)
      expect((yield* a.find("anthropic/claude-sonnet-4.5")).source).toBe("live")
      expect(first.server.calls).toBe(1)

      const written = yield* readCache(stateDir)
      expect(written.version).toBe(1)
      expect(written.baseUrl).toBe(BASE)
      expect(written.fetchedAt).toBe(1_760_000_000_000)
      // the raw entries that decoded, unknown fields included
      expect(written.models).toEqual([geminiImage, claude, kimiLive])
      const fs = yield* FileSystem.FileSystem
      expect(yield* fs.readDirectory(`${stateDir}/cache`)).toEqual(["openrouter-models.json"])

      yield* TestClock.adjust(Duration.hours(23))
      const second = serve(() => Effect.succeed(ok(body())))
      const b = yield* diskService(second.http, stateDir)
      expect(yield* b.find("anthropic/claude-sonnet-4.5")).toEqual(yield* a.find("anthropic/claude-sonnet-4.5"))
      // the capabilities are read again from the raw entries: structured outputs included
      expect(yield* b.find("google/gemini-2.5-flash-image")).toMatchObject({ source: "live", structuredOutputs: true })
      expect(yield* b.list).toEqual(yield* a.list)
      expect(second.server.calls).toBe(0)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("creates the state directory's cache folder", () =>
    Effect.gen(function*() {
      const root = yield* tempStateDir
      const stateDir = `${root}/nested/state/`
      const { http } = serve(() => Effect.succeed(ok()))
      yield* Effect.flatMap(diskService(http, stateDir), (m) => m.list)
      expect((yield* readCache(stateDir)).models).toHaveLength(3)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("a file older than 24 h is refreshed", () =>
    Effect.gen(function*() {
      const stateDir = yield* tempStateDir
      const first = serve(() => Effect.succeed(ok()))
      yield* Effect.flatMap(diskService(first.http, stateDir), (m) => m.list)
      expect(first.server.calls).toBe(1)

      yield* TestClock.adjust(Duration.hours(25))
      const second = serve(() => Effect.succeed(ok(body(geminiImage))))
      const b = yield* diskService(second.http, stateDir)
      expect((yield* b.find("anthropic/claude-sonnet-4.5")).source).toBe("bundled")
      expect(second.server.calls).toBe(1)
      const rewritten = yield* readCache(stateDir)
      expect(rewritten.fetchedAt).toBe(Duration.toMillis(Duration.hours(25)))
      expect(rewritten.models).toEqual([geminiImage])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("an old fetchedAt, another version or another baseUrl is refreshed", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Duration.toMillis(Duration.days(30)))
      for (
        const overrides of [
          { fetchedAt: 0 },
          { version: 2 },
          { baseUrl: "https://openrouter.ai/api/v1" },
          { fetchedAt: Duration.toMillis(Duration.days(31)) } // from the future
        ]
      ) {
        const stateDir = yield* tempStateDir
        yield* writeCache(stateDir, cacheDocument({ fetchedAt: Duration.toMillis(Duration.days(30)) - 1000, ...overrides }))
        const { http, server } = serve(() => Effect.succeed(ok()))
        const models = yield* diskService(http, stateDir)
        expect((yield* models.find("moonshotai/kimi-k2.6")).source).toBe("live")
        expect(server.calls).toBe(1)
        expect(yield* readCache(stateDir)).toMatchObject({ version: 1, baseUrl: BASE, fetchedAt: Duration.toMillis(Duration.days(30)) })
      }
      // and the control: a fresh file of this version and base URL is used as it is
      const stateDir = yield* tempStateDir
      yield* writeCache(stateDir, cacheDocument({ fetchedAt: Duration.toMillis(Duration.days(30)) - 1000 }))
      const { http, server } = serve(() => Effect.succeed(ok()))
      const models = yield* diskService(http, stateDir)
      expect((yield* models.find("moonshotai/kimi-k2.6")).source).toBe("bundled")
      expect((yield* models.find("anthropic/claude-sonnet-4.5")).source).toBe("live")
      expect(server.calls).toBe(0)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("a corrupt file is ignored and replaced", () =>
    Effect.gen(function*() {
      for (const corrupt of ["{\"version\": 1, \"baseUrl\": ", "", "[]", "null", cacheDocument({ models: "nope" }), cacheDocument({ fetchedAt: "0" })]) {
        const stateDir = yield* tempStateDir
        yield* writeCache(stateDir, corrupt)
        const { http, server } = serve(() => Effect.succeed(ok()))
        const models = yield* diskService(http, stateDir)
        expect((yield* models.find("anthropic/claude-sonnet-4.5")).source).toBe("live")
        expect(server.calls).toBe(1)
        expect((yield* readCache(stateDir)).version).toBe(1)
      }
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("when the network fails, an expired copy beats the bundled table", () =>
    Effect.gen(function*() {
      const { lines, logger } = captureLogs()
      const stateDir = yield* tempStateDir
      yield* writeCache(stateDir, cacheDocument())
      yield* TestClock.adjust(Duration.days(3))
      const { http, server } = serve(transportFailure)
      const models = yield* diskService(http, stateDir)
      const sonnet = yield* models.find("anthropic/claude-sonnet-4.5").pipe(Effect.provide(logger))
      expect(sonnet.source).toBe("live")
      expect(server.calls).toBe(1)
      expect(lines.filter((l) => l.startsWith("WARN")).join("\n")).toContain("expired cached copy")
      // the file is left as it was
      expect((yield* readCache(stateDir)).fetchedAt).toBe(0)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("a cache that cannot be written does not fail the lookup", () =>
    Effect.gen(function*() {
      const denied = FileSystem.layerNoop({
        makeDirectory: (path) =>
          Effect.fail(
            new PlatformError.SystemError({ reason: "PermissionDenied", module: "FileSystem", method: "makeDirectory", pathOrDescriptor: path })
          )
      })
      // layerNoop's own makeDirectory dies: a defect is survived as well
      for (const fs of [denied, FileSystem.layerNoop({})]) {
        const { lines, logger } = captureLogs()
        const { http, server } = serve(() => Effect.succeed(ok()))
        const models = yield* Effect.provide(Models.make({ stateDir: "/nowhere" }), Layer.merge(http, fs))
        expect((yield* models.find("anthropic/claude-sonnet-4.5").pipe(Effect.provide(logger))).source).toBe("live")
        expect(server.calls).toBe(1)
        expect(lines.filter((l) => l.startsWith("WARN")).join("\n")).toContain("Could not write the model cache /nowhere/cache/openrouter-models.json")
      }
    }))

  it.effect("without a stateDir nothing touches the disk", () =>
    Effect.gen(function*() {
      const touched: Array<string> = []
      const fs = FileSystem.layerNoop({
        readFileString: (path) => Effect.sync(() => touched.push(path)).pipe(Effect.as("")),
        writeFileString: (path) => Effect.sync(() => void touched.push(path))
      })
      const { http } = serve(() => Effect.succeed(ok()))
      const models = yield* Effect.provide(Models.make({}), Layer.merge(http, fs))
      yield* models.list
      expect(touched).toEqual([])
    }))
})
