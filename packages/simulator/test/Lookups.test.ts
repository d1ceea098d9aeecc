import { describe, expect, it } from "@effect/vitest"
import * as Catalog from "../src/Catalog.js"
import { chatCompletions } from "../src/chat/Chat.js"
import { USER_ID } from "../src/Errors.js"
import * as Lookups from "../src/Lookups.js"
import type { Reply, SimContext } from "../src/Types.js"
import { context, request } from "./support.js"

const bodyOf = (reply: Reply): any => {
  if (reply._tag !== "json") throw new Error(`expected json, got ${reply._tag}`)
  return reply.body
}

const getModels = async (query = "") => bodyOf(await Lookups.models(request("GET", "/models", undefined, { query }), context()))

const chat = async (ctx: SimContext, body: unknown, apiKey = "sk-or-v1-test", headers: Record<string, string> = {}) =>
  bodyOf(await chatCompletions(request("POST", "/chat/completions", body, { apiKey, headers }), ctx))

const REQUIRED_MODEL_FIELDS = [
  "id",
  "canonical_slug",
  "name",
  "created",
  "pricing",
  "context_length",
  "architecture",
  "top_provider",
  "per_request_limits",
  "supported_parameters",
  "default_parameters",
  "supported_voices",
  "links"
]

const IMAGE_MODELS = [
  "google/gemini-2.5-flash-image",
  "google/gemini-3.1-flash-image-preview",
  "google/gemini-3-pro-image-preview",
  "openai/gpt-5.4-image-2"
]

describe("Catalog", () => {
  it("holds the required chat models and routers, and no speech model", () => {
    for (const id of [
      "openai/gpt-4o",
      "openai/gpt-4o-mini",
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-sonnet-4-6",
      "google/gemini-2.5-flash",
      ...IMAGE_MODELS,
      "deepseek/deepseek-v4-pro",
      "deepseek/deepseek-v4-flash",
      "moonshotai/kimi-k2.6",
      "moonshotai/kimi-k2.5",
      "x-ai/grok-4.1-fast",
      "meta-llama/llama-3.3-70b-instruct:free",
      "mistralai/mistral-large-2512",
      "openrouter/auto",
      "openrouter/free"
    ]) {
      expect(Catalog.find(id)?.id).toBe(id)
    }
    expect(Catalog.find("hexgrad/kokoro-82m")).toBeUndefined()
    expect(new Set(Catalog.all.map((e) => e.id)).size).toBe(Catalog.all.length)
    for (const entry of Catalog.all) {
      expect(entry.info.id).toBe(entry.id)
      expect(entry.provider.length).toBeGreaterThan(0)
      for (const value of Object.values(entry.info.pricing)) expect(typeof value).toBe("string")
      expect(entry.info.architecture.modality).toBe(
        `${entry.info.architecture.input_modalities.join("+")}->${entry.info.architecture.output_modalities.join("+")}`
      )
      expect(entry.image !== undefined).toBe(IMAGE_MODELS.includes(entry.id))
      // Routers and non-reasoning models omit the `reasoning` object.
      expect("reasoning" in entry.info).toBe(entry.reasons && !entry.router)
    }
    expect(Catalog.find("openai/gpt-4o")?.provider).toBe("OpenAI")
    expect(Catalog.find("anthropic/claude-sonnet-4.5")?.provider).toBe("Anthropic")
  })

  it("resolves variants of known bases and ~latest aliases, nothing else", () => {
    const nitro = Catalog.find("openai/gpt-4o:nitro")
    expect(nitro?.id).toBe("openai/gpt-4o:nitro")
    expect(nitro?.info.pricing.prompt).toBe("0.0000025")
    expect(Catalog.find("anthropic/claude-sonnet-4.5:free")?.info.pricing.prompt).toBe("0")
    expect(Catalog.find("~anthropic/claude-sonnet-latest")?.id).toBe("anthropic/claude-sonnet-4-6")
    expect(Catalog.find("gpt-4o")).toBeUndefined()
    expect(Catalog.find("openai/gpt-4o:bogus")).toBeUndefined()
    expect(Catalog.find("acme/model:free")).toBeUndefined()
    expect(Catalog.find("openrouter/auto:nitro")).toBeUndefined()
  })

  it("resolveAuto picks the first suitable concrete model", () => {
    expect(Catalog.resolveAuto()?.id).toBe("openai/gpt-4o")
    expect(Catalog.resolveAuto({ outputs: ["image"] })?.id).toBe("google/gemini-2.5-flash-image")
    expect(Catalog.resolveAuto({ free: true })?.id).toBe("meta-llama/llama-3.3-70b-instruct:free")
    expect(Catalog.resolveAuto({ allowed: ["moonshotai/*"] })?.id).toBe("moonshotai/kimi-k2.6")
    expect(Catalog.resolveAuto({ allowed: ["moonshotai/*"], excluded: ["*k2.6"] })?.id).toBe("moonshotai/kimi-k2.5")
    expect(Catalog.resolveAuto({ free: true, outputs: ["image"] })).toBeUndefined()
  })
})

describe("GET /models", () => {
  it("lists the chat catalogue as {data, total_count, links} with every required field (§8.1, §12.9)", async () => {
    const body = await getModels()
    expect(Object.keys(body)).toEqual(["data", "total_count", "links"])
    expect(body.total_count).toBe(body.data.length)
    expect(body.links).toEqual({ next: null })
    expect(body.data.map((m: any) => m.id)).toEqual(Catalog.all.map((e) => e.id))
    for (const model of body.data) {
      for (const field of REQUIRED_MODEL_FIELDS) expect(model).toHaveProperty(field)
      expect(model.links.details).toBe(`/api/v1/models/${model.id}/endpoints`)
      expect(Object.keys(model.top_provider)).toEqual(["context_length", "max_completion_tokens", "is_moderated"])
      expect(typeof model.pricing.prompt).toBe("string")
      expect(typeof model.pricing.completion).toBe("string")
    }
    const flash = body.data.find((m: any) => m.id === "google/gemini-2.5-flash-image")
    expect(flash).toMatchObject({
      canonical_slug: "google/gemini-2.5-flash-image",
      name: "Google: Gemini 2.5 Flash Image",
      context_length: 32768,
      architecture: { modality: "image+text->image+text", input_modalities: ["image", "text"], output_modalities: ["image", "text"], tokenizer: "Gemini", instruct_type: null },
      top_provider: { context_length: 32768, max_completion_tokens: 8192, is_moderated: false },
      per_request_limits: null,
      default_parameters: null,
      supported_voices: null
    })
    const claude = body.data.find((m: any) => m.id === "anthropic/claude-sonnet-4.5")
    expect(claude.supported_parameters).toEqual(expect.arrayContaining(["reasoning", "tools", "max_tokens"]))
    expect(claude.reasoning).toMatchObject({ mandatory: false })
    expect(claude.pricing).toMatchObject({ prompt: "0.000003", completion: "0.000015", input_cache_read: "0.0000003" })
  })

  it("filters by output_modalities, input_modalities, supported_parameters and q", async () => {
    const images = await getModels("output_modalities=image")
    expect(images.data.map((m: any) => m.id).sort()).toEqual([...IMAGE_MODELS, "openrouter/auto"].sort())
    expect((await getModels("output_modalities=all")).total_count).toBe(Catalog.all.length)
    expect((await getModels("output_modalities=speech")).data).toEqual([])
    const audioIn = await getModels("input_modalities=audio")
    expect(audioIn.data.map((m: any) => m.id)).toEqual(["google/gemini-2.5-flash", "openrouter/auto"])
    const tooling = await getModels("supported_parameters=tools,reasoning")
    expect(tooling.data.length).toBeGreaterThan(0)
    for (const model of tooling.data) expect(model.supported_parameters).toEqual(expect.arrayContaining(["tools", "reasoning"]))
    expect((await getModels("q=kimi")).data.map((m: any) => m.id)).toEqual(["moonshotai/kimi-k2.6", "moonshotai/kimi-k2.5"])
  })

  it("paginates with offset and limit", async () => {
    const first = await getModels("limit=5")
    expect(first.data).toHaveLength(5)
    expect(first.total_count).toBe(Catalog.all.length)
    expect(first.links.next).toBe("/api/v1/models?offset=5&limit=5")
    const last = await getModels(`offset=${Catalog.all.length - 2}&limit=5`)
    expect(last.data).toHaveLength(2)
    expect(last.links.next).toBeNull()
    const reply = await Lookups.models(request("GET", "/models", undefined, { query: "limit=0" }), context())
    expect(reply.status).toBe(400)
  })
})

describe("GET /generation", () => {
  it("reports a recorded chat generation with the §8.2 / §12.9 fields", async () => {
    const ctx = context({}, () => 1_786_000_000_512)
    const completion = await chat(ctx, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello there" }] }, "sk-or-v1-test", {
      "HTTP-Referer": "https://example-app.test"
    })
    const reply = await Lookups.generation(request("GET", "/generation", undefined, { query: `id=${completion.id}` }), ctx)
    expect(reply.status).toBe(200)
    const { data } = bodyOf(reply)
    expect(data).toMatchObject({
      id: completion.id,
      model: "openai/gpt-4o-mini",
      provider_name: "OpenAI",
      api_type: "completions",
      created_at: "2026-08-06T07:06:40.512Z",
      streamed: false,
      cancelled: false,
      finish_reason: "stop",
      native_finish_reason: "stop",
      tokens_prompt: 2,
      tokens_completion: 8,
      native_tokens_prompt: 2,
      native_tokens_completion: 8,
      native_tokens_reasoning: 0,
      native_tokens_cached: 0,
      total_cost: completion.usage.cost,
      usage: completion.usage.cost,
      is_byok: false,
      http_referer: "https://example-app.test",
      router: null,
      data_region: "global",
      session_id: null,
      preset_id: null,
      response_cache_source_id: null
    })
    for (const field of [
      "upstream_id", "cache_discount", "upstream_inference_cost", "app_id", "latency", "moderation_latency", "generation_time",
      "service_tier", "native_tokens_completion_images", "num_media_prompt", "num_input_audio_prompt", "num_media_completion",
      "num_search_results", "num_fetches", "web_search_engine", "origin", "external_user", "provider_responses", "user_agent",
      "workspace_id"
    ]) {
      expect(data).toHaveProperty(field)
    }
  })

  it("reports router, reasoning tokens and streaming", async () => {
    const ctx = context()
    const streamed = await chatCompletions(
      request("POST", "/chat/completions", { model: "openrouter/auto", models: [], messages: [{ role: "user", content: "x" }], stream: true }),
      ctx
    )
    const id = streamed.headers?.["X-Generation-Id"]!
    const { data } = bodyOf(await Lookups.generation(request("GET", "/generation", undefined, { query: `id=${id}` }), ctx))
    expect(data).toMatchObject({ router: "openrouter/auto", model: "openai/gpt-4o", streamed: true })
    const reasoning = await chat(ctx, { model: "anthropic/claude-sonnet-4.5", messages: [{ role: "user", content: "x" }], reasoning: {} })
    const details = bodyOf(await Lookups.generation(request("GET", "/generation", undefined, { query: `id=${reasoning.id}` }), ctx)).data
    expect(details.native_tokens_reasoning).toBe(reasoning.usage.completion_tokens_details.reasoning_tokens)
    expect(details.native_tokens_reasoning).toBeGreaterThan(0)
  })

  it("answers 404 for an unknown id and 400 without one", async () => {
    const ctx = context()
    const missing = await Lookups.generation(request("GET", "/generation", undefined, { query: "id=gen-0-nope" }), ctx)
    expect(missing.status).toBe(404)
    expect(bodyOf(missing)).toEqual({
      error: { message: "Generation not found", code: 404, metadata: { error_type: "not_found" } },
      user_id: USER_ID
    })
    for (const query of ["", "id=", "id=%20"]) {
      const reply = await Lookups.generation(request("GET", "/generation", undefined, { query }), ctx)
      expect(reply.status).toBe(400)
      expect(bodyOf(reply).error).toMatchObject({ code: 400, metadata: { error_type: "invalid_request" } })
    }
  })

  it("reports api_type from annotations, else from the catalogue the model is in", async () => {
    const ctx = context()
    const record = (id: string, model: string) =>
      ctx.recordGeneration({ id, model, provider: "P", createdAt: 0, promptTokens: 0, completionTokens: 0, totalCost: 0.4, streamed: false, cached: false })
    const apiType = async (id: string) =>
      bodyOf(await Lookups.generation(request("GET", "/generation", undefined, { query: `id=${id}` }), ctx)).data.api_type
    record("gen-1-video", "google/veo-3.1-lite")
    record("gen-2-tts", "hexgrad/kokoro-82m")
    record("gen-3-other", "acme/unknown")
    expect(await apiType("gen-1-video")).toBe("video")
    expect(await apiType("gen-2-tts")).toBe("tts")
    expect(await apiType("gen-3-other")).toBeNull()
    Lookups.annotateGeneration(ctx, "gen-3-other", { apiType: "image" })
    expect(await apiType("gen-3-other")).toBe("image")
    const data = bodyOf(await Lookups.generation(request("GET", "/generation", undefined, { query: "id=gen-1-video" }), ctx)).data
    expect(data).toMatchObject({ total_cost: 0.4, created_at: "1970-01-01T00:00:00.000Z" })
  })
})

describe("GET /key", () => {
  it("describes the calling key (§8.3, §12.9) and sums what its generations cost", async () => {
    const ctx = context()
    const apiKey = "sk-or-v1-0000000000000000000000000000000000000000000000000000000000001234"
    const fresh = bodyOf(await Lookups.key(request("GET", "/key", undefined, { apiKey }), ctx))
    expect(fresh).toEqual({
      data: {
        label: "sk-or-v1-0000...1234",
        limit: null,
        limit_remaining: null,
        limit_reset: null,
        include_byok_in_limit: false,
        usage: 0,
        usage_daily: 0,
        usage_weekly: 0,
        usage_monthly: 0,
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        creator_user_id: USER_ID,
        expires_at: null,
        rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." }
      }
    })
    const a = await chat(ctx, { model: "openai/gpt-4o", messages: [{ role: "user", content: "one" }] }, apiKey)
    const b = await chat(ctx, { model: "anthropic/claude-sonnet-4.5", messages: [{ role: "user", content: "two" }] }, apiKey)
    await chat(ctx, { model: "openai/gpt-4o", messages: [{ role: "user", content: "other key" }] }, "sk-or-v1-someone-else-entirely")
    const used = bodyOf(await Lookups.key(request("GET", "/key", undefined, { apiKey }), ctx)).data
    expect(used.usage).toBeCloseTo(a.usage.cost + b.usage.cost, 12)
    expect(used.usage_daily).toBe(used.usage)
    expect(Lookups.label("sk-or-v1-test")).toBe("sk-...")
  })
})
