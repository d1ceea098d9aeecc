import { describe, expect, it } from "@effect/vitest"
import * as Catalog from "../src/Catalog.js"
import { chatCompletions } from "../src/chat/Chat.js"
import { USER_ID } from "../src/Errors.js"
import * as Listing from "../src/Listing.js"
import * as Lookups from "../src/Lookups.js"
import * as Speech from "../src/media/Speech.js"
import * as VideoModels from "../src/media/VideoModels.js"
import * as ResponseValidation from "../src/ResponseValidation.js"
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
    expect((await getModels("output_modalities=all")).total_count).toBe(Listing.all.length)
    expect((await getModels("output_modalities=speech")).data.map((m: any) => m.id)).toEqual(Speech.speechModels.map((m) => m.id))
    expect((await getModels("output_modalities=transcription")).data.map((m: any) => m.id)).toEqual(Speech.transcriptionModels)
    expect((await getModels("output_modalities=video")).data.map((m: any) => m.id)).toEqual(VideoModels.catalogue.map((m) => m.id))
    expect((await getModels("output_modalities=Speech,%20video")).total_count).toBe(Speech.speechModels.length + VideoModels.catalogue.length)
    expect((await getModels("output_modalities=text,image")).data).toEqual((await getModels()).data)
    expect((await getModels("output_modalities=embeddings,rerank,audio")).data).toEqual([])
    const invalid = await Lookups.models(request("GET", "/models", undefined, { query: "output_modalities=text,smell" }), context())
    expect(invalid.status).toBe(400)
    expect(bodyOf(invalid).error.message).toBe(
      "output_modalities smell is not valid; supported: a comma list of text, image, embeddings, audio, video, rerank, speech, transcription, all"
    )
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
        rate_limit: { requests: -1, interval: "10s", note: "This field is deprecated and safe to ignore." },
        allowed_data_regions: ["global"],
        free_model_daily_requests: { limit: 1000, remaining: 1000, used: 0 },
        organization_id: null,
        workspace_id: null
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

/** The issues of a body against the response schema of `route`, `excused` ones aside. */
const issues = (route: string, body: unknown): ReadonlyArray<string> =>
  ResponseValidation.format(ResponseValidation.validateResponse({ route, status: 200, body }), route)

const reply = async (handler: typeof Lookups.model, path: string, query = "", apiKey?: string) => {
  const req = request("GET", path, undefined, { query })
  return handler(apiKey === undefined ? { ...req, apiKey: undefined } : { ...req, apiKey }, context())
}

describe("the media models in GET /models", () => {
  it("lists speech, transcription and video models as spec-valid Model entries", async () => {
    const all = await getModels("output_modalities=all")
    expect(issues("GET /models", all)).toEqual([])
    const kokoro = all.data.find((m: any) => m.id === "hexgrad/kokoro-82m")
    expect(kokoro).toMatchObject({
      architecture: { modality: "text->speech", input_modalities: ["text"], output_modalities: ["speech"], tokenizer: "Other" },
      pricing: { prompt: "0.0000008", completion: "0" },
      context_length: null,
      hugging_face_id: "hexgrad/Kokoro-82M",
      links: { details: "/api/v1/models/hexgrad/kokoro-82m/endpoints" }
    })
    expect(kokoro.supported_voices).toEqual(Speech.findSpeechModel("hexgrad/kokoro-82m")?.voices)
    // A model that passes any voice id on lists its default voice; one with neither, none.
    expect(all.data.find((m: any) => m.id === "mistralai/voxtral-mini-tts-2603").supported_voices).toEqual(["en_paul_neutral"])
    expect(all.data.find((m: any) => m.id === "elevenlabs/eleven-turbo-v2").supported_voices).toEqual([])
    expect(all.data.find((m: any) => m.id === "openai/whisper-large-v3").architecture).toMatchObject({
      modality: "audio->transcription",
      input_modalities: ["audio"],
      output_modalities: ["transcription"]
    })
    expect(all.data.find((m: any) => m.id === "google/veo-3.1-fast")).toMatchObject({
      name: "Google: Veo 3.1 Fast",
      architecture: { modality: "text+image->video" },
      supported_parameters: ["seed"],
      supported_voices: null
    })
    expect(all.data.find((m: any) => m.id === "kwaivgi/kling-v3.0-std").architecture.input_modalities).toEqual(["text"])
    // Media models are not in the default (text) listing, nor found by input modality alone.
    expect((await getModels()).data.map((m: any) => m.id)).toEqual(Catalog.all.map((e) => e.id))
    expect((await getModels("output_modalities=all&input_modalities=audio")).data.map((m: any) => m.id))
      .toEqual(["google/gemini-2.5-flash", "openrouter/auto", ...Speech.transcriptionModels])
  })
})

describe("GET /models/count", () => {
  it("counts what GET /models lists for the same output_modalities, default text", async () => {
    for (const query of ["", "output_modalities=speech", "output_modalities=video,transcription", "output_modalities=all", "output_modalities=image"]) {
      const count = bodyOf(await Lookups.modelsCount(request("GET", "/models/count", undefined, { query }), context()))
      expect(count).toEqual({ data: { count: (await getModels(query)).total_count } })
      expect(issues("GET /models/count", count)).toEqual([])
    }
    expect((await Lookups.modelsCount(request("GET", "/models/count", undefined, { query: "output_modalities=bogus" }), context())).status).toBe(400)
  })
})

describe("GET /model/{author}/{slug}", () => {
  it("answers every listed model as /models lists it, by id, variant and alias, percent-decoded", async () => {
    for (const listing of Listing.all) {
      const body = bodyOf(await reply(Lookups.model, `/model/${listing.info.id}`))
      expect(body).toEqual({ data: listing.info })
      expect(issues("GET /model/:author/:slug", body)).toEqual([])
    }
    expect(bodyOf(await reply(Lookups.model, "/model/openai/gpt-4o%3Afree")).data).toMatchObject({ id: "openai/gpt-4o:free", pricing: { prompt: "0" } })
    expect(bodyOf(await reply(Lookups.model, "/model/~anthropic/claude-sonnet-latest")).data.id).toBe("anthropic/claude-sonnet-4-6")
  })

  it("answers 404 for an unknown model or a path that does not decode", async () => {
    const missing = await reply(Lookups.model, "/model/acme/nothing")
    expect(missing.status).toBe(404)
    expect(bodyOf(missing)).toEqual({ error: { message: "Model acme/nothing not found", code: 404, metadata: { error_type: "not_found" } }, user_id: USER_ID })
    expect((await reply(Lookups.model, "/model/openai/%E0%A4%A")).status).toBe(404)
  })
})

describe("GET /models/{author}/{slug}/endpoints", () => {
  it("describes one endpoint per model (none for a router), spec-valid but for providers the spec does not name", async () => {
    for (const listing of Listing.all) {
      const body = bodyOf(await reply(Lookups.modelEndpoints, `/models/${listing.info.id}/endpoints`, "", "sk-or-v1-test"))
      expect(body.data).toMatchObject({ id: listing.info.id, name: listing.info.name, architecture: { modality: listing.info.architecture.modality } })
      expect(body.data.endpoints).toHaveLength(listing.router ? 0 : 1)
      // ElevenLabs and Kling are not in the OpenAPI copy's ProviderName enum (Listing.providerName).
      const expected = ["ElevenLabs", "Kling"].includes(listing.provider)
        ? [expect.stringMatching(/\/data\/endpoints\/0\/provider_name must be one of /)]
        : []
      expect(issues("GET /models/:author/:slug/endpoints", body)).toEqual(expected)
    }
  })

  it("reports the endpoint of a chat model, with statistics only for a caller with a key", async () => {
    const signed = bodyOf(await reply(Lookups.modelEndpoints, "/models/anthropic/claude-sonnet-4.5/endpoints", "", "sk-or-v1-test")).data.endpoints[0]
    expect(signed).toMatchObject({
      name: "Anthropic: Claude Sonnet 4.5",
      model_id: "anthropic/claude-4.5-sonnet-20250929",
      model_name: "Anthropic: Claude Sonnet 4.5",
      provider_name: "Anthropic",
      tag: "anthropic",
      context_length: 1000000,
      max_completion_tokens: 64000,
      status: 0,
      supports_implicit_caching: true,
      supports_tool_choice: { auto: true, function: true, none: true, required: true },
      latency_last_30m: { p50: expect.any(Number), p75: expect.any(Number), p90: expect.any(Number), p99: expect.any(Number) }
    })
    const anonymous = bodyOf(await reply(Lookups.modelEndpoints, "/models/anthropic/claude-sonnet-4.5/endpoints")).data.endpoints[0]
    expect(anonymous).toMatchObject({ latency_last_30m: null, throughput_last_30m: null })
    const image = bodyOf(await reply(Lookups.modelEndpoints, "/models/google/gemini-2.5-flash-image/endpoints")).data.endpoints[0]
    expect(image.supports_tool_choice).toEqual({ auto: false, function: false, none: false, required: false })
    const veo = bodyOf(await reply(Lookups.modelEndpoints, "/models/google/veo-3.1/endpoints")).data.endpoints[0]
    expect(veo).toMatchObject({ provider_name: "Google", tag: "google" })
    expect(veo).not.toHaveProperty("supports_voice_cloning")
    const voxtral = bodyOf(await reply(Lookups.modelEndpoints, "/models/mistralai/voxtral-mini-tts-2603/endpoints")).data.endpoints[0]
    expect(voxtral.supports_voice_cloning).toBe(true)
    expect((await reply(Lookups.modelEndpoints, "/models/acme/nothing/endpoints")).status).toBe(404)
  })
})
