import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as zlib from "node:zlib"
import Ajv2020 from "ajv/dist/2020.js"
import * as Catalog from "../src/Catalog.js"
import * as Answers from "../src/chat/Answers.js"
import { chatCompletions, DOWN_KEY, setDown, splitInto, wordPieces } from "../src/chat/Chat.js"
import * as Context from "../src/Context.js"
import * as Lookups from "../src/Lookups.js"
import type { Reply, SimContext, SseEvent } from "../src/Types.js"
import { context, request } from "./support.js"

const REPLY = "Hello from the OpenRouter simulator. Everything is working."
const GEN_ID = /^gen-\d+-[A-Za-z0-9]{20}$/
const NOW = 1_786_000_000_512

const send = async (body: unknown, ctx: SimContext = context({}, () => NOW), headers: Record<string, string> = {}) =>
  await chatCompletions(request("POST", "/chat/completions", body, { headers }), ctx)

const bodyOf = (reply: Reply): any => {
  if (reply._tag !== "json") throw new Error(`expected json, got ${reply._tag}`)
  return reply.body
}

const user = (content: unknown) => [{ role: "user", content }]

const words = (text: string): number => text.split(/\s+/).filter((w) => w !== "").length

// --- SSE: render the events as the server writes them, then parse the bytes back --------------

const render = (events: ReadonlyArray<SseEvent>): string =>
  events.map((event) => ("data" in event ? `data: ${event.data}\n\n` : `: ${event.comment}\n\n`)).join("")

type Parsed = { readonly comment: string } | { readonly data: string }

const parseSse = (text: string): ReadonlyArray<Parsed> => {
  expect(text.endsWith("\n\n")).toBe(true)
  const blocks = text.slice(0, -2).split("\n\n")
  return blocks.map((block) => {
    expect(block.includes("\n")).toBe(false) // one line per event: single-line JSON
    if (block.startsWith(": ")) return { comment: block.slice(2) }
    expect(block.startsWith("data: ")).toBe(true)
    return { data: block.slice("data: ".length) }
  })
}

const sseOf = (reply: Reply): ReadonlyArray<Parsed> => {
  if (reply._tag !== "sse") throw new Error(`expected sse, got ${reply._tag}`)
  expect(reply.status).toBe(200)
  expect(reply.delayMs).toBeUndefined()
  return parseSse(render(reply.events))
}

const chunksOf = (events: ReadonlyArray<Parsed>): Array<any> =>
  events.flatMap((event) => ("data" in event && event.data !== "[DONE]" ? [JSON.parse(event.data)] : []))

const deltas = (chunks: ReadonlyArray<any>): Array<any> => chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta)

// --- PNG: IHDR and CRCs, read independently of the encoder --------------------------------------

const crc = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (const byte of bytes) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

const decodeDataUrl = (url: string): { width: number; height: number; types: Array<string> } => {
  const prefix = "data:image/png;base64,"
  expect(url.startsWith(prefix)).toBe(true)
  const png = new Uint8Array(Buffer.from(url.slice(prefix.length), "base64"))
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const types: Array<string> = []
  const idat: Array<Uint8Array> = []
  let offset = 8
  while (offset < png.length) {
    const length = view.getUint32(offset)
    types.push(String.fromCharCode(...png.subarray(offset + 4, offset + 8)))
    expect(view.getUint32(offset + 8 + length)).toBe(crc(png.subarray(offset + 4, offset + 8 + length)))
    if (types.at(-1) === "IDAT") idat.push(png.subarray(offset + 8, offset + 8 + length))
    offset += 12 + length
  }
  expect(types[0]).toBe("IHDR")
  expect(types.at(-1)).toBe("IEND")
  const width = view.getUint32(16)
  const height = view.getUint32(20)
  expect(zlib.inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * (png[25] === 6 ? 4 : 3)))
  return { width, height, types }
}

// -----------------------------------------------------------------------------------------------

describe("chat completions: JSON", () => {
  it("answers a ChatResult shaped like §12.2 C, with X-Generation-Id", async () => {
    const ctx = context({}, () => NOW)
    const reply = await send({
      model: "openai/gpt-4o-mini",
      messages: [
        { role: "system", content: "Answer in one sentence." },
        { role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url: "https://x.test/c.jpg" } }] }
      ]
    }, ctx)
    expect(reply.status).toBe(200)
    const body = bodyOf(reply)
    expect(Object.keys(body)).toEqual(["id", "provider", "model", "object", "created", "system_fingerprint", "choices", "usage"])
    expect(body.id).toMatch(GEN_ID)
    expect(reply.headers).toEqual({ "X-Generation-Id": body.id })
    expect(body).toMatchObject({
      provider: "OpenAI",
      model: "openai/gpt-4o-mini",
      object: "chat.completion",
      created: Math.floor(NOW / 1000),
      system_fingerprint: expect.stringMatching(/^fp_/)
    })
    const content: string = body.choices[0].message.content
    expect(body.choices).toEqual([{
      index: 0,
      logprobs: null,
      finish_reason: "stop",
      native_finish_reason: "stop",
      message: { role: "assistant", content, refusal: null, reasoning: null }
    }])
    // Not a greeting: an answer naming the model and quoting the prompt.
    expect(content).toContain("openai/gpt-4o-mini was asked: \"What is in this picture?\"")
    // 4 words of system text + 5 of the user's text part.
    const prompt = 4 + 5
    const completion = words(content)
    const cost = prompt * 0.00000015 + completion * 0.0000006
    expect(body.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      cost: expect.closeTo(cost, 12),
      is_byok: false,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0, audio_tokens: 0, video_tokens: 0 },
      cost_details: {
        upstream_inference_cost: expect.closeTo(cost, 12),
        upstream_inference_prompt_cost: expect.closeTo(prompt * 0.00000015, 12),
        upstream_inference_completions_cost: expect.closeTo(completion * 0.0000006, 12)
      },
      completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0, audio_tokens: 0 }
    })
    // Recorded for GET /generation.
    expect(ctx.generation(body.id)).toEqual({
      id: body.id,
      model: "openai/gpt-4o-mini",
      provider: "OpenAI",
      createdAt: NOW,
      promptTokens: prompt,
      completionTokens: completion,
      totalCost: body.usage.cost,
      streamed: false,
      cached: false
    })
  })

  it("answers with the configured replyText", async () => {
    const body = bodyOf(await send({ model: "openai/gpt-4o", messages: user("hi") }, context({ replyText: "Paris is the capital of France." })))
    expect(body.choices[0].message.content).toBe("Paris is the capital of France.")
    expect(body.usage.completion_tokens).toBe(6)
  })

  it("truncates to max_tokens words with finish_reason length and the provider's native reason", async () => {
    const body = bodyOf(await send({ model: "anthropic/claude-sonnet-4.5", messages: user("hi"), max_tokens: 3 }))
    expect(body.choices[0].message.content).toBe("Hello from the")
    expect(body.choices[0].finish_reason).toBe("length")
    expect(body.choices[0].native_finish_reason).toBe("max_tokens")
    expect(body.usage.completion_tokens).toBe(3)
    const google = bodyOf(await send({ model: "google/gemini-2.5-flash", messages: user("hi"), max_completion_tokens: 2 }))
    expect(google.choices[0].native_finish_reason).toBe("MAX_TOKENS")
    expect(google.provider).toBe("Google AI Studio")
  })

  it("rejects max_tokens / max_completion_tokens that are not positive integers, and empty messages", async () => {
    for (const extra of [{ max_tokens: 0 }, { max_tokens: -1 }, { max_completion_tokens: 0 }, { max_tokens: 2.5 }, { max_completion_tokens: "10" }]) {
      const reply = await send({ model: "openai/gpt-4o", messages: user("hi"), ...extra })
      expect(reply.status).toBe(400)
      expect(bodyOf(reply).error).toMatchObject({ code: 400, metadata: { error_type: "invalid_request" } })
    }
    expect((await send({ model: "openai/gpt-4o", messages: user("hi"), max_tokens: null })).status).toBe(200)
    expect((await send({ model: "openai/gpt-4o", messages: [] })).status).toBe(400)
    expect((await send("not an object")).status).toBe(400)
  })

  it("answers JSON for response_format json_object and json_schema", async () => {
    const object = bodyOf(await send({ model: "openai/gpt-4o", messages: user("hi"), response_format: { type: "json_object" } }))
    expect(JSON.parse(object.choices[0].message.content)).toEqual({ answer: REPLY })
    const schema = bodyOf(await send({
      model: "openai/gpt-4o",
      messages: user("hi"),
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "city",
          schema: { type: "object", properties: { city: { type: "string" }, pop: { type: "integer" }, x: { type: "string" } }, required: ["city", "pop"] }
        }
      }
    }))
    const parsed = JSON.parse(schema.choices[0].message.content)
    expect(parsed).toEqual({ city: expect.any(String), pop: expect.any(Number), x: expect.any(String) })
    expect(Number.isInteger(parsed.pop)).toBe(true)
  })
})

describe("chat completions: models", () => {
  it("defaults to openrouter/auto, which answers as a concrete model", async () => {
    const ctx = context()
    const body = bodyOf(await send({ messages: user("hi") }, ctx))
    expect(body.model).toBe("openai/gpt-4o")
    expect(body.provider).toBe("OpenAI")
    const explicit = bodyOf(await send({ model: "openrouter/auto", messages: user("hi") }, ctx))
    expect(explicit.model).toBe("openai/gpt-4o")
    const generation = bodyOf(await Lookups.generation(request("GET", "/generation", undefined, { query: `id=${explicit.id}` }), ctx))
    expect(generation.data.router).toBe("openrouter/auto")
    expect(generation.data.model).toBe("openai/gpt-4o")
  })

  it("openrouter/auto honours the auto-router plugin's allowed and excluded models", async () => {
    const body = bodyOf(await send({
      model: "openrouter/auto",
      messages: user("hi"),
      plugins: [{ id: "auto-router", allowed_models: ["anthropic/*", "google/*"], excluded_models: ["anthropic/claude-sonnet-4.5"] }]
    }))
    expect(body.model).toBe("anthropic/claude-sonnet-4-6")
    const none = await send({ model: "openrouter/auto", messages: user("hi"), plugins: [{ id: "auto-router", allowed_models: ["acme/*"] }] })
    expect(none.status).toBe(404)
    expect(bodyOf(none).error.message).toBe("No models match your request and model restrictions")
  })

  it("openrouter/free answers as a free model at no cost", async () => {
    const body = bodyOf(await send({ model: "openrouter/free", messages: user("hi") }))
    expect(body.model).toBe("meta-llama/llama-3.3-70b-instruct:free")
    expect(body.usage.cost).toBe(0)
  })

  it("echoes a variant of a known model and resolves ~latest aliases", async () => {
    expect(bodyOf(await send({ model: "openai/gpt-4o:nitro", messages: user("hi") })).model).toBe("openai/gpt-4o:nitro")
    const free = bodyOf(await send({ model: "openai/gpt-4o:free", messages: user("hi") }))
    expect(free.model).toBe("openai/gpt-4o:free")
    expect(free.usage.cost).toBe(0)
    expect(bodyOf(await send({ model: "~anthropic/claude-sonnet-latest", messages: user("hi") })).model).toBe(
      "anthropic/claude-sonnet-4-6"
    )
  })

  it("rejects an unknown model with 400 and availability (§12.8)", async () => {
    const reply = await send({ model: "acme/not-a-model", messages: user("hi") })
    expect(reply.status).toBe(400)
    expect(bodyOf(reply)).toEqual({
      error: {
        message: "acme/not-a-model is not a valid model ID",
        code: 400,
        metadata: { error_type: "invalid_request" },
        availability: {
          code: "model_not_found",
          retryable: false,
          requested_models: ["acme/not-a-model"],
          docs_url: "https://openrouter.ai/docs/errors#model_not_found"
        }
      }
    })
    expect((await send({ model: "gpt-4o", messages: user("hi") })).status).toBe(400)
    expect((await send({ model: "openai/gpt-4o:turbo", messages: user("hi") })).status).toBe(400)
  })

  it("falls back along models: unknown or down models are skipped; the response names the model used", async () => {
    const ctx = context()
    const skipUnknown = bodyOf(await send({ model: "acme/nope", models: ["acme/nope", "anthropic/claude-sonnet-4.5"], messages: user("hi") }, ctx))
    expect(skipUnknown.model).toBe("anthropic/claude-sonnet-4.5")
    expect(skipUnknown.provider).toBe("Anthropic")
    const onlyModels = bodyOf(await send({ models: ["google/gemini-2.5-flash", "openai/gpt-4o"], messages: user("hi") }, ctx))
    expect(onlyModels.model).toBe("google/gemini-2.5-flash")

    setDown(ctx, ["openai/gpt-4o-mini"])
    expect(ctx.state.get(DOWN_KEY)).toBeInstanceOf(Set)
    const down = bodyOf(await send({ model: "openai/gpt-4o-mini", models: ["openai/gpt-4o-mini", "x-ai/grok-4.1-fast"], messages: user("hi") }, ctx))
    expect(down.model).toBe("x-ai/grok-4.1-fast")
    expect(down.provider).toBe("xAI")

    const allDown = await send({ model: "openai/gpt-4o-mini", messages: user("hi") }, ctx)
    expect(allDown.status).toBe(502)
    expect(bodyOf(allDown).error.metadata).toEqual({ error_type: "provider_unavailable", provider_name: "OpenAI" })
    setDown(ctx, ["openai/gpt-4o-mini"], false)
    expect((await send({ model: "openai/gpt-4o-mini", messages: user("hi") }, ctx)).status).toBe(200)

    const allUnknown = await send({ models: ["acme/a", "acme/b"], messages: user("hi") }, ctx)
    expect(allUnknown.status).toBe(400)
    expect(bodyOf(allUnknown).error.availability.requested_models).toEqual(["acme/a", "acme/b"])
  })
})

describe("chat completions: reasoning and tools", () => {
  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] }
    }
  }
  const clock = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } }

  it("returns reasoning and a signed reasoning.text detail in Anthropic format when asked", async () => {
    const ctx = context()
    const body = bodyOf(await send({ model: "anthropic/claude-sonnet-4.5", messages: user("hi"), reasoning: { effort: "high" } }, ctx))
    const message = body.choices[0].message
    expect(typeof message.reasoning).toBe("string")
    expect(message.reasoning.length).toBeGreaterThan(0)
    expect(message.reasoning_details).toEqual([{
      type: "reasoning.text",
      text: message.reasoning,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      id: null,
      format: "anthropic-claude-v1",
      index: 0
    }])
    expect(message.content).toBe(REPLY)
    const reasoningTokens = message.reasoning.split(/\s+/).length
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(reasoningTokens)
    expect(body.usage.completion_tokens).toBe(8 + reasoningTokens)
    expect(body.choices[0].native_finish_reason).toBe("end_turn")
  })

  it("uses the provider's format, honours reasoning_effort, exclude, and models that do not reason", async () => {
    const gemini = bodyOf(await send({ model: "google/gemini-2.5-flash", messages: user("hi"), reasoning_effort: "medium" }))
    expect(gemini.choices[0].message.reasoning_details[0].format).toBe("google-gemini-v1")
    const none = bodyOf(await send({ model: "google/gemini-2.5-flash", messages: user("hi"), reasoning_effort: "none" }))
    expect(none.choices[0].message.reasoning).toBeNull()
    const notAsked = bodyOf(await send({ model: "anthropic/claude-sonnet-4.5", messages: user("hi") }))
    expect(notAsked.choices[0].message.reasoning).toBeNull()
    expect(notAsked.choices[0].message).not.toHaveProperty("reasoning_details")
    const gpt4o = bodyOf(await send({ model: "openai/gpt-4o", messages: user("hi"), reasoning: { effort: "high" } }))
    expect(gpt4o.choices[0].message.reasoning).toBeNull()
    expect(gpt4o.usage.completion_tokens_details.reasoning_tokens).toBe(0)
    const excluded = bodyOf(await send({ model: "moonshotai/kimi-k2.6", messages: user("hi"), reasoning: { exclude: true } }))
    expect(excluded.choices[0].message.reasoning).toBeNull()
    expect(excluded.choices[0].message).not.toHaveProperty("reasoning_details")
    expect(excluded.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0)
  })

  it("calls the first tool with arguments for its required parameters (§12.2 D)", async () => {
    const body = bodyOf(await send({
      model: "anthropic/claude-sonnet-4.5",
      messages: user("What's the weather in Oslo right now?"),
      tools: [weather, clock],
      tool_choice: "auto",
      reasoning: { max_tokens: 2048 }
    }))
    const choice = body.choices[0]
    expect(choice.finish_reason).toBe("tool_calls")
    expect(choice.native_finish_reason).toBe("tool_use")
    expect(choice.message.content).toBe("")
    expect(choice.message.reasoning).toContain("get_weather")
    expect(choice.message.tool_calls).toHaveLength(1)
    const call = choice.message.tool_calls[0]
    expect(call).toEqual({ id: expect.stringMatching(/^toolu_/), type: "function", function: { name: "get_weather", arguments: expect.any(String) } })
    // The city comes from the prompt; the optional integer is an integer.
    const args = JSON.parse(call.function.arguments)
    expect(args).toEqual({ city: "Oslo", days: expect.any(Number) })
    expect(Number.isInteger(args.days)).toBe(true)
  })

  it("follows a named tool_choice, skips tools for tool_choice none, rejects an unknown named tool", async () => {
    const named = bodyOf(await send({
      model: "openai/gpt-4o",
      messages: user("time?"),
      tools: [weather, clock],
      tool_choice: { type: "function", function: { name: "get_time" } }
    }))
    expect(named.choices[0].message.tool_calls[0]).toMatchObject({ id: expect.stringMatching(/^call_/), function: { name: "get_time", arguments: "{}" } })
    expect(named.choices[0].native_finish_reason).toBe("tool_calls")
    const none = bodyOf(await send({ model: "openai/gpt-4o", messages: user("hi"), tools: [weather], tool_choice: "none" }))
    expect(none.choices[0].message).not.toHaveProperty("tool_calls")
    expect(none.choices[0].finish_reason).toBe("stop")
    const unknown = await send({ model: "openai/gpt-4o", messages: user("hi"), tools: [weather], tool_choice: { type: "function", function: { name: "nope" } } })
    expect(unknown.status).toBe(400)
  })
})

describe("chat completions: streaming", () => {
  it("sends the §12.3 events in order with exact framing", async () => {
    const ctx = context()
    const question = { model: "openai/gpt-4o-mini", messages: user("What is the capital of France?") }
    const answer: string = bodyOf(await send(question, ctx)).choices[0].message.content
    const reply = await send({ ...question, stream: true }, ctx)
    const events = sseOf(reply)
    // Comments first, then only data events, [DONE] last.
    const firstData = events.findIndex((e) => "data" in e)
    expect(firstData).toBeGreaterThanOrEqual(1)
    expect(events.slice(0, firstData)).toEqual(Array(firstData).fill({ comment: "OPENROUTER PROCESSING" }))
    expect(events.slice(firstData).every((e) => "data" in e)).toBe(true)
    expect(events.at(-1)).toEqual({ data: "[DONE]" })
    expect(events.filter((e) => "data" in e && e.data === "[DONE]")).toHaveLength(1)

    const chunks = chunksOf(events)
    const [first] = chunks
    expect(first.id).toMatch(GEN_ID)
    expect(reply.headers).toEqual({ "X-Generation-Id": first.id })
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: first.id, provider: "OpenAI", model: "openai/gpt-4o-mini", object: "chat.completion.chunk", created: first.created })
      expect(Object.keys(chunk).slice(0, 7)).toEqual(["id", "provider", "model", "object", "created", "system_fingerprint", "choices"])
    }
    // Role chunk.
    expect(first.choices).toEqual([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null, native_finish_reason: null, logprobs: null }])
    // Content deltas: one per word, concatenating to the same answer as the JSON one.
    const content = chunks.slice(1, -2)
    expect(content).toHaveLength(words(answer))
    for (const chunk of content) {
      expect(chunk.choices[0]).toMatchObject({ index: 0, finish_reason: null, native_finish_reason: null, logprobs: null })
      expect(chunk.choices[0].delta.role).toBe("assistant")
    }
    expect(content.map((c) => c.choices[0].delta.content).join("")).toBe(answer)
    expect(content[1].choices[0].delta.content).toBe(` ${answer.split(" ")[1]}`)
    // Finish chunk, then usage with choices: [].
    const finish = chunks.at(-2)
    expect(finish.choices).toEqual([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: "stop", native_finish_reason: "stop", logprobs: null }])
    const usage = chunks.at(-1)
    expect(usage.choices).toEqual([])
    expect(usage.usage).toMatchObject({
      prompt_tokens: 6,
      completion_tokens: words(answer),
      total_tokens: 6 + words(answer),
      is_byok: false,
      completion_tokens_details: { reasoning_tokens: 0 }
    })
    expect(usage.usage.cost).toBeGreaterThan(0)
  })

  it("streams the same answer as JSON and records a streamed generation", async () => {
    const ctx = context()
    const request = { model: "deepseek/deepseek-v4-flash", messages: user("hi"), reasoning: { enabled: true } }
    const json = bodyOf(await send(request, ctx))
    const chunks = chunksOf(sseOf(await send({ ...request, stream: true }, ctx)))
    expect(chunks.at(-1).usage).toEqual(json.usage)
    expect(ctx.generation(chunks[0].id)?.streamed).toBe(true)
  })

  it("splits content into streamDeltas pieces", async () => {
    const chunks = chunksOf(sseOf(await send({ model: "openai/gpt-4o", messages: user("hi"), stream: true }, context({ streamDeltas: 3 }))))
    const content = deltas(chunks).filter((d) => typeof d.content === "string" && d.content !== "")
    expect(content.map((d) => d.content)).toHaveLength(3)
    expect(content.map((d) => d.content).join("")).toBe(REPLY)
  })

  it("streams reasoning deltas, and the signature split across two reasoning_details deltas that concatenate to the JSON one", async () => {
    const ctx = context()
    const request = { model: "anthropic/claude-sonnet-4-6", messages: user("hi"), reasoning: { effort: "low" } }
    const json = bodyOf(await send(request, ctx)).choices[0].message
    const chunks = chunksOf(sseOf(await send({ ...request, stream: true }, ctx)))
    const all = deltas(chunks)
    const reasoning = all.filter((d) => typeof d.reasoning === "string").map((d) => d.reasoning).join("")
    expect(reasoning).toBe(json.reasoning)
    // Merge reasoning_details by index, concatenating text and signature fragments.
    const merged = new Map<number, { type: string; text: string; signature: string; format: string }>()
    let signatureDeltas = 0
    for (const delta of all) {
      for (const detail of delta.reasoning_details ?? []) {
        const previous = merged.get(detail.index) ?? { type: detail.type, text: "", signature: "", format: detail.format }
        if (typeof detail.signature === "string") signatureDeltas++
        merged.set(detail.index, {
          ...previous,
          text: previous.text + (detail.text ?? ""),
          signature: previous.signature + (detail.signature ?? "")
        })
      }
    }
    expect(signatureDeltas).toBe(2)
    expect([...merged.values()]).toEqual([{
      type: "reasoning.text",
      text: json.reasoning_details[0].text,
      signature: json.reasoning_details[0].signature,
      format: "anthropic-claude-v1"
    }])
    // Reasoning comes before the content.
    const lastReasoning = all.map((d) => d.reasoning_details !== undefined).lastIndexOf(true)
    const firstContent = all.findIndex((d) => typeof d.content === "string" && d.content !== "")
    expect(lastReasoning).toBeLessThan(firstContent)
    expect(all.map((d) => d.content ?? "").join("")).toBe(REPLY)
  })

  it("streams tool-call deltas that accumulate by index (§12.3 G)", async () => {
    const ctx = context()
    const request = {
      model: "google/gemini-2.5-flash",
      messages: user("weather?"),
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }]
    }
    const json = bodyOf(await send(request, ctx)).choices[0]
    const chunks = chunksOf(sseOf(await send({ ...request, stream: true }, ctx)))
    const calls = new Map<number, { id?: string; type?: string; name: string; arguments: string }>()
    let fragments = 0
    for (const delta of deltas(chunks)) {
      for (const call of delta.tool_calls ?? []) {
        fragments++
        expect(delta.content).toBeNull()
        const previous = calls.get(call.index) ?? { name: "", arguments: "" }
        calls.set(call.index, {
          ...previous,
          ...(call.id !== undefined ? { id: call.id } : {}),
          ...(call.type !== undefined ? { type: call.type } : {}),
          name: previous.name + (call.function?.name ?? ""),
          arguments: previous.arguments + (call.function?.arguments ?? "")
        })
      }
    }
    expect(fragments).toBe(3)
    expect([...calls.keys()]).toEqual([0])
    const call = calls.get(0)!
    expect(call).toEqual({ id: expect.stringMatching(/^call_/), type: "function", name: "get_weather", arguments: json.message.tool_calls[0].function.arguments })
    expect(JSON.parse(call.arguments)).toEqual({ city: expect.any(String) })
    const finish = chunks.at(-2).choices[0]
    expect(finish).toMatchObject({ finish_reason: "tool_calls", native_finish_reason: "STOP" })
  })
})

describe("chat completions: image output (§3)", () => {
  const imageRequest = (model: string, image_config?: unknown, extra: object = {}) => ({
    model,
    messages: user("A watercolor lighthouse at dusk"),
    modalities: ["image", "text"],
    ...(image_config !== undefined ? { image_config } : {}),
    ...extra
  })

  it("returns a PNG whose IHDR matches the aspect ratio and size (§12.4)", async () => {
    const ctx = context()
    const body = bodyOf(await send(imageRequest("google/gemini-3-pro-image-preview", { aspect_ratio: "16:9", image_size: "2K" }), ctx))
    expect(body.model).toBe("google/gemini-3-pro-image-preview")
    expect(body.provider).toBe("Google AI Studio")
    const message = body.choices[0].message
    expect(message.content).toContain("A watercolor lighthouse at dusk")
    expect(message.images).toHaveLength(1)
    expect(message.images[0]).toEqual({ type: "image_url", image_url: { url: expect.any(String) } })
    const png = decodeDataUrl(message.images[0].image_url.url)
    expect([png.width, png.height]).toEqual([2688, 1536])
    expect(body.usage.completion_tokens_details.image_tokens).toBeGreaterThan(0)
    expect(body.usage.completion_tokens).toBe(words(message.content) + body.usage.completion_tokens_details.image_tokens)
    expect(body.choices[0].native_finish_reason).toBe("STOP")
  })

  it("defaults to 1K 1:1, compares case-insensitively, honours n (max 4) and extended ratios", async () => {
    const defaults = bodyOf(await send(imageRequest("openai/gpt-5.4-image-2")))
    expect(decodeDataUrl(defaults.choices[0].message.images[0].image_url.url)).toMatchObject({ width: 1024, height: 1024 })
    const lower = bodyOf(await send(imageRequest("google/gemini-3-pro-image-preview", { aspect_ratio: "9:16", image_size: "1k" }, { n: 2 })))
    const images = lower.choices[0].message.images
    expect(images).toHaveLength(2)
    for (const image of images) expect(decodeDataUrl(image.image_url.url)).toMatchObject({ width: 768, height: 1344 })
    expect(images[0].image_url.url).not.toBe(images[1].image_url.url)
    expect(bodyOf(await send(imageRequest("google/gemini-3-pro-image-preview", undefined, { n: 9 }))).choices[0].message.images).toHaveLength(4)
    const extended = bodyOf(await send(imageRequest("google/gemini-3.1-flash-image-preview", { aspect_ratio: "1:8", image_size: "0.5K" })))
    expect(decodeDataUrl(extended.choices[0].message.images[0].image_url.url)).toMatchObject({ width: 176, height: 1408 })
    const imageOnly = bodyOf(await send({ ...imageRequest("google/gemini-2.5-flash-image"), modalities: ["image"] }))
    expect(imageOnly.choices[0].message.content).toBe("")
    expect(imageOnly.choices[0].message.images).toHaveLength(1)
  })

  it("rejects unknown aspect ratios and sizes with 400, per model", async () => {
    for (const config of [
      { aspect_ratio: "7:5" },
      { aspect_ratio: "1:8" }, // extended: only gemini-3.1-flash-image-preview
      { image_size: "8K" },
      { image_size: "0.5K" }, // only gemini-3.1-flash-image-preview
      { aspect_ratio: 1.5 }
    ]) {
      const reply = await send(imageRequest("google/gemini-3-pro-image-preview", config))
      expect(reply.status).toBe(400)
      expect(bodyOf(reply).error).toMatchObject({ code: 400, metadata: { error_type: "invalid_request" } })
      expect(bodyOf(reply).error.message).toContain("image_config.")
    }
    expect((await send(imageRequest("google/gemini-2.5-flash-image", { image_size: "2K" }))).status).toBe(400)
  })

  it("answers 404 when the model cannot output images; openrouter/auto picks an image model", async () => {
    const reply = await send(imageRequest("openai/gpt-4o"))
    expect(reply.status).toBe(404)
    expect(bodyOf(reply).error).toMatchObject({
      code: 404,
      message: "No endpoints found that support the requested output modalities: image, text",
      availability: { code: "no_endpoints", requested_models: ["openai/gpt-4o"] }
    })
    const auto = bodyOf(await send(imageRequest("openrouter/auto")))
    expect(auto.model).toBe("google/gemini-2.5-flash-image")
    expect(auto.choices[0].message.images).toHaveLength(1)
  })

  it("streams the images in one delta.images chunk (§12.4 K)", async () => {
    const chunks = chunksOf(sseOf(await send(imageRequest("google/gemini-3.1-flash-image-preview", { aspect_ratio: "4:3" }, { stream: true }))))
    const withImages = deltas(chunks).filter((d) => d.images !== undefined)
    expect(withImages).toHaveLength(1)
    expect(withImages[0]).toMatchObject({ role: "assistant", content: "" })
    expect(decodeDataUrl(withImages[0].images[0].image_url.url)).toMatchObject({ width: 1184, height: 864 })
    expect(deltas(chunks).map((d) => d.content ?? "").join("")).toContain("A watercolor lighthouse at dusk")
  })
})

describe("chat completions: response cache", () => {
  it("misses, then hits with a new id, zeroed usage and the cache headers; recorded as cached", async () => {
    let now = NOW
    const ctx = context({}, () => now)
    const request = { model: "openai/gpt-4o", messages: user("cache me") }
    const headers = { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-TTL": "600" }
    const miss = await send(request, ctx, headers)
    const first = bodyOf(miss)
    expect(miss.headers).toEqual({ "X-Generation-Id": first.id, "X-OpenRouter-Cache-Status": "MISS", "X-OpenRouter-Cache-TTL": "600" })
    expect(first.usage.prompt_tokens).toBe(2)
    now += 45_000
    const hit = await send(request, ctx, headers)
    const second = bodyOf(hit)
    expect(hit.headers).toEqual({
      "X-Generation-Id": second.id,
      "X-OpenRouter-Cache-Status": "HIT",
      "X-OpenRouter-Cache-Age": "45",
      "X-OpenRouter-Cache-TTL": "555",
      "X-OpenRouter-Cache-Source-Id": first.id
    })
    expect(second.id).not.toBe(first.id)
    expect(second.id).toMatch(GEN_ID)
    expect(second.created).toBe(first.created + 45)
    expect(second.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0, is_byok: false })
    expect(second.choices).toEqual(first.choices)
    expect(ctx.generation(second.id)).toMatchObject({ cached: true, totalCost: 0, model: "openai/gpt-4o" })
    const generation = bodyOf(await Lookups.generation(requestFor(`id=${second.id}`), ctx))
    expect(generation.data.response_cache_source_id).toBe(first.id)
  })

  it("caches stream and non-stream apart, and replays a stream with the new id in every chunk", async () => {
    const ctx = context()
    const headers = { "x-openrouter-cache": "true" }
    const request = { model: "openai/gpt-4o", messages: user("stream me") }
    expect((await send(request, ctx, headers)).headers?.["X-OpenRouter-Cache-Status"]).toBe("MISS")
    const streamMiss = await send({ ...request, stream: true }, ctx, headers)
    expect(streamMiss.headers?.["X-OpenRouter-Cache-Status"]).toBe("MISS")
    const streamed = deltas(chunksOf(sseOf(streamMiss))).map((d) => d.content ?? "").join("")
    const streamHit = await send({ ...request, stream: true }, ctx, headers)
    expect(streamHit.headers?.["X-OpenRouter-Cache-Status"]).toBe("HIT")
    const chunks = chunksOf(sseOf(streamHit))
    const id = streamHit.headers?.["X-Generation-Id"]
    expect(chunks.every((c) => c.id === id)).toBe(true)
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0 })
    expect(deltas(chunks).map((d) => d.content ?? "").join("")).toBe(streamed)
    expect(sseOf(streamHit).at(-1)).toEqual({ data: "[DONE]" })
  })

  it("Clear forces a miss and stores the new answer", async () => {
    const ctx = context()
    const request = { model: "openai/gpt-4o", messages: user("clear me") }
    const first = bodyOf(await send(request, ctx, { "X-OpenRouter-Cache": "true" }))
    const cleared = await send(request, ctx, { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-Clear": "true" })
    expect(cleared.headers?.["X-OpenRouter-Cache-Status"]).toBe("MISS")
    expect(bodyOf(cleared).usage.prompt_tokens).toBe(2)
    const hit = await send(request, ctx, { "X-OpenRouter-Cache": "true" })
    expect(hit.headers?.["X-OpenRouter-Cache-Source-Id"]).toBe(bodyOf(cleared).id)
    expect(hit.headers?.["X-OpenRouter-Cache-Source-Id"]).not.toBe(first.id)
  })

  it("never caches an error", async () => {
    const ctx = context()
    const headers = { "X-OpenRouter-Cache": "true" }
    const bad = { model: "google/gemini-3-pro-image-preview", messages: user("x"), modalities: ["image"], image_config: { aspect_ratio: "7:5" } }
    expect((await send(bad, ctx, headers)).status).toBe(400)
    expect((await send(bad, ctx, headers)).headers?.["X-OpenRouter-Cache-Status"]).toBeUndefined()
  })
})

describe("chat completions: answers vary with the model and the prompt, deterministically", () => {
  const concrete = Catalog.all.filter((entry) => !entry.router)

  it("a greeting gets the simulator's greeting from every model (the default replyText)", async () => {
    expect(Context.resolveOptions().replyText).toBe(Answers.GREETING)
    expect(REPLY).toBe(Answers.GREETING)
    for (const entry of concrete) {
      for (const greeting of ["hi", "Hello!", "Say hello", "hello there", [{ type: "text", text: "Hey!" }]]) {
        expect(bodyOf(await send({ model: entry.id, messages: user(greeting) })).choices[0].message.content).toBe(REPLY)
      }
    }
  })

  it("any other prompt: an answer naming the model and quoting the prompt, the same for the same request", async () => {
    const answers = new Set<string>()
    for (const entry of concrete) {
      for (const prompt of ["What is the capital of France?", "Write a haiku about autumn"]) {
        const first = bodyOf(await send({ model: entry.id, messages: user(prompt) }, context())).choices[0].message.content
        const again = bodyOf(await send({ model: entry.id, messages: user(prompt) }, context())).choices[0].message.content
        expect(again).toBe(first)
        expect(first).toContain(`${entry.id} was asked: "${prompt}"`)
        answers.add(first)
      }
    }
    expect(answers.size).toBe(concrete.length * 2)
    // The earlier turns count too (the whole conversation seeds the answer's wording).
    const long = bodyOf(await send({ model: "openai/gpt-4o", messages: user("word ".repeat(40)) })).choices[0].message.content
    expect(long).toContain("word word")
    expect(long).toContain("…")
  })

  it("an explicit replyText, and bench mode, answer with replyText whatever the prompt", async () => {
    const fixed = bodyOf(await send({ model: "openai/gpt-4o", messages: user("What is the capital of France?") }, context({ replyText: "w0 w1 w2" })))
    expect(fixed.choices[0].message.content).toBe("w0 w1 w2")
    const bench = bodyOf(await send({ model: "anthropic/claude-sonnet-4.5", messages: user("What is the capital of France?") }, context({ bench: true })))
    expect(bench.choices[0].message.content).toBe(REPLY)
  })
})

describe("chat completions: agent loops end", () => {
  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        type: "object",
        properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
        required: ["city", "unit"],
        additionalProperties: false
      }
    }
  }
  const clock = {
    type: "function",
    function: { name: "get_time", description: "The time in a timezone", parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] } }
  }
  const question = user("What's the weather in Oslo today?")
  const turn = (call: { id: string; function: { name: string; arguments: string } }, result: string) => [
    ...question,
    { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: call.function }] },
    { role: "tool", tool_call_id: call.id, content: result }
  ]

  it("calls the tool that fits the prompt, with arguments valid against its parameters", async () => {
    const body = bodyOf(await send({ model: "openai/gpt-4o", messages: question, tools: [clock, weather] }))
    const call = body.choices[0].message.tool_calls[0]
    expect(call.function.name).toBe("get_weather")
    const args = JSON.parse(call.function.arguments)
    expect(args.city).toBe("Oslo")
    const Ajv = Ajv2020.default ?? (Ajv2020 as unknown as typeof Ajv2020.default)
    expect(new Ajv({ strict: false }).validate(weather.function.parameters, args)).toBe(true)
  })

  it("a conversation that ends with a tool result gets a final answer quoting it, JSON and stream", async () => {
    const ctx = context()
    const call = bodyOf(await send({ model: "anthropic/claude-sonnet-4.5", messages: question, tools: [weather] }, ctx)).choices[0].message.tool_calls[0]
    const request = { model: "anthropic/claude-sonnet-4.5", messages: turn(call, "{\"temperature\":7,\"sky\":\"overcast\"}"), tools: [weather], reasoning: { effort: "low" } }
    const final = bodyOf(await send(request, ctx)).choices[0]
    expect(final.finish_reason).toBe("stop")
    expect(final.native_finish_reason).toBe("end_turn")
    expect(final.message).not.toHaveProperty("tool_calls")
    expect(final.message.content).toContain("get_weather returned {\"temperature\":7,\"sky\":\"overcast\"}")
    expect(final.message.reasoning).toContain("tool result")
    const chunks = chunksOf(sseOf(await send({ ...request, stream: true }, ctx)))
    expect(deltas(chunks).some((d) => d.tool_calls !== undefined)).toBe(false)
    expect(deltas(chunks).map((d) => d.content ?? "").join("")).toBe(final.message.content)
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop")
  })

  it("quotes every trailing result of parallel calls; a forced tool_choice still calls", async () => {
    const messages = [
      ...question,
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Oslo\"}" } },
          { id: "call_b", type: "function", function: { name: "get_time", arguments: "{\"timezone\":\"CET\"}" } }
        ]
      },
      { role: "tool", tool_call_id: "call_a", content: "rain" },
      { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "09:41" }] }
    ]
    const final = bodyOf(await send({ model: "openai/gpt-4o", messages, tools: [weather, clock] })).choices[0].message.content
    expect(final).toContain("get_weather returned rain; get_time returned 09:41")
    const required = bodyOf(await send({ model: "openai/gpt-4o", messages, tools: [weather, clock], tool_choice: "required" }))
    expect(required.choices[0].finish_reason).toBe("tool_calls")
    const named = bodyOf(await send({ model: "openai/gpt-4o", messages, tools: [weather, clock], tool_choice: { type: "function", function: { name: "get_time" } } }))
    expect(named.choices[0].message.tool_calls[0].function.name).toBe("get_time")
    // A new user message after the results starts a new round.
    const next = bodyOf(await send({ model: "openai/gpt-4o", messages: [...messages, { role: "assistant", content: "It rains." }, ...user("And the weather in Bergen?")], tools: [weather, clock] }))
    expect(JSON.parse(next.choices[0].message.tool_calls[0].function.arguments).city).toBe("Bergen")
  })
})

describe("chat completions: structured outputs", () => {
  const Ajv = Ajv2020.default ?? (Ajv2020 as unknown as typeof Ajv2020.default)
  const schema = {
    type: "object",
    properties: {
      name: { type: "string" },
      population: { type: "integer", minimum: 0 },
      founded: { type: "string", format: "date" },
      districts: { type: "array", items: { $ref: "#/$defs/district" }, minItems: 2 },
      capital: { type: "boolean" },
      motto: { anyOf: [{ type: "string" }, { type: "null" }] }
    },
    required: ["name", "population", "founded", "districts", "capital", "motto"],
    additionalProperties: false,
    $defs: {
      district: {
        type: "object",
        properties: { label: { type: "string", minLength: 3 }, kind: { enum: ["urban", "rural"] } },
        required: ["label", "kind"],
        additionalProperties: false
      }
    }
  }
  const format = { type: "json_schema", json_schema: { name: "city", strict: true, schema } }

  it("json_schema: content valid against the schema, the same for the same request, stream and JSON alike", async () => {
    const ctx = context()
    const request = { model: "mistralai/mistral-large-2512", messages: user("Describe Lisbon"), response_format: format }
    const content = bodyOf(await send(request, ctx)).choices[0].message.content
    const parsed = JSON.parse(content)
    expect(new Ajv({ strict: false }).validate(schema, parsed)).toBe(true)
    expect(parsed.name).toBe("Lisbon")
    expect(bodyOf(await send(request, context())).choices[0].message.content).toBe(content)
    const streamed = deltas(chunksOf(sseOf(await send({ ...request, stream: true }, ctx)))).map((d) => d.content ?? "").join("")
    expect(streamed).toBe(content)
    const other = bodyOf(await send({ ...request, messages: user("Describe Porto") }, ctx)).choices[0].message.content
    expect(JSON.parse(other).name).toBe("Porto")
  })

  it("json_object: a JSON object carrying the answer", async () => {
    const body = bodyOf(await send({ model: "openai/gpt-4o", messages: user("List three colours"), response_format: { type: "json_object" } }))
    const parsed = JSON.parse(body.choices[0].message.content)
    expect(typeof parsed.answer).toBe("string")
    expect(parsed.answer).toContain("List three colours")
  })
})

describe("chat completions: fields without a value are left out where the schema does not allow null", () => {
  it("a stream chunk has no system_fingerprint for a model without one (ChatStreamChunk: optional, not nullable); JSON has null (ChatResult: required, nullable)", async () => {
    for (const entry of Catalog.all) {
      const ctx = context()
      const request = { model: entry.id, messages: user("hi"), reasoning: { effort: "low" }, tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }] }
      const json = bodyOf(await send(request, ctx))
      expect(json).toHaveProperty("system_fingerprint")
      const fingerprint = Catalog.find(json.model)?.systemFingerprint
      expect(json.system_fingerprint).toBe(fingerprint)
      for (const chunk of chunksOf(sseOf(await send({ ...request, stream: true }, ctx)))) {
        for (const [key, value] of Object.entries(chunk)) expect(value, `${entry.id} chunk.${key}`).not.toBeNull()
        if (fingerprint === null) expect(chunk).not.toHaveProperty("system_fingerprint")
        else expect(chunk.system_fingerprint).toBe(fingerprint)
      }
    }
  })
})

describe("chat text helpers", () => {
  it("cuts words with their leading whitespace", () => {
    expect(wordPieces("Paris is  the capital. ")).toEqual(["Paris", " is", "  the", " capital. "])
    expect(wordPieces("")).toEqual([])
    expect(wordPieces("   ")).toEqual(["   "])
  })

  it.prop(
    "splitInto gives non-empty pieces that concatenate to the text",
    [fc.string({ maxLength: 80 }), fc.integer({ min: 1, max: 30 })],
    ([text, count]) => {
      const pieces = splitInto(text, count)
      expect(pieces.join("")).toBe(text)
      expect(pieces.every((p) => p.length > 0)).toBe(true)
      expect(pieces.length).toBeLessThanOrEqual(count)
      if (Array.from(text).length >= count) expect(pieces.length).toBe(count)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )

  it.prop(
    "wordPieces always concatenates to the text",
    [fc.string({ unit: fc.constantFrom("a", "b", " ", "\n", "\t", "é"), maxLength: 40 })],
    ([text]) => {
      expect(wordPieces(text).join("")).toBe(text)
    }
  )
})

const requestFor = (query: string) => request("GET", "/generation", undefined, { query })
