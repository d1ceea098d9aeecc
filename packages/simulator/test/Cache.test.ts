import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as Cache from "../src/chat/Cache.js"
import type { Reply } from "../src/Types.js"
import { context, request } from "./support.js"

const bodyOf = (reply: Reply): any => {
  if (reply._tag !== "json") throw new Error(`expected json, got ${reply._tag}`)
  return reply.body
}

const CACHE_ON = { "X-OpenRouter-Cache": "true" }

/** A clock the test moves by hand. */
const clock = (start = 1_786_001_100_000) => {
  let now = start
  return { now: () => now, advance: (ms: number) => void (now += ms) }
}

/** A producer that answers like a chat completion and counts its calls. */
const producer = (ctx: ReturnType<typeof context>, status = 200) => {
  let calls = 0
  const produce = (): Reply => {
    calls++
    const id = ctx.nextId("gen")
    return {
      _tag: "json",
      status,
      headers: { "X-Generation-Id": id },
      body: {
        id,
        object: "chat.completion",
        created: Math.floor(ctx.now() / 1000),
        choices: [{ index: 0, message: { role: "assistant", content: "hi" } }],
        usage: {
          prompt_tokens: 3,
          completion_tokens: 1,
          total_tokens: 4,
          cost: 0.5,
          is_byok: false,
          cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0.2 },
          completion_tokens_details: { reasoning_tokens: 1 }
        }
      }
    }
  }
  return { produce, calls: () => calls }
}

const chatRequest = (headers: Record<string, string>, body: unknown = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }) =>
  request("POST", "/chat/completions", body, { headers })

const run = (ctx: ReturnType<typeof context>, headers: Record<string, string>, produce: () => Reply, stream = false, body?: unknown) =>
  Cache.apply(chatRequest(headers, body), ctx, { endpoint: "chat", model: "openai/gpt-4o", stream }, produce)

describe("Cache.parseTtl (§6)", () => {
  const cases: ReadonlyArray<readonly [unknown, number | undefined]> = [
    ["600", 600],
    ["60abc", 60],
    ["1.5", 1],
    ["300", 300],
    [" 42", 42],
    ["+7", 7],
    ["0", 1],
    ["-5", 1],
    ["86400", 86400],
    ["86401", 86400],
    ["999999", 86400],
    ["000000000000000000060", 60],
    ["9".repeat(400), 86400],
    ["1e3", 1],
    ["abc", undefined],
    ["", undefined],
    ["   ", undefined],
    [".5", undefined],
    ["Infinity", undefined],
    [undefined, undefined],
    [600, undefined]
  ]
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => expect(Cache.parseTtl(input)).toBe(expected))
  }

  it.prop(
    "never throws; a result is an integer in 1..86400; digit strings are read and clamped",
    [fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.stringMatching(/^\s*[+-]?\d{1,12}[.a-z]?\d*$/))],
    ([value]) => {
      const ttl = Cache.parseTtl(value)
      if (ttl !== undefined) {
        expect(Number.isInteger(ttl)).toBe(true)
        expect(ttl).toBeGreaterThanOrEqual(Cache.MIN_TTL_SECONDS)
        expect(ttl).toBeLessThanOrEqual(Cache.MAX_TTL_SECONDS)
      }
      const parsed = Number.parseInt(value, 10)
      if (Number.isNaN(parsed)) expect(ttl).toBeUndefined()
      else expect(ttl).toBe(Math.min(86400, Math.max(1, parsed)))
    },
    { fastCheck: { numRuns: propertyRuns(2000) } }
  )
})

describe("Cache.settings", () => {
  it("reads the headers case-insensitively; off by default; Clear only when enabled", () => {
    expect(Cache.settings({})).toEqual({ enabled: false, clear: false, ttlSeconds: 300 })
    expect(Cache.settings({ "x-openrouter-cache": "true", "x-openrouter-cache-ttl": "600" })).toEqual({
      enabled: true,
      clear: false,
      ttlSeconds: 600
    })
    expect(Cache.settings({ "X-OPENROUTER-CACHE": "TRUE", "X-OpenRouter-Cache-Clear": "true" }).clear).toBe(true)
    expect(Cache.settings({ "X-OpenRouter-Cache": "false", "X-OpenRouter-Cache-Clear": "true" })).toEqual({
      enabled: false,
      clear: false,
      ttlSeconds: 300
    })
    expect(Cache.settings({ "x-openrouter-cache": ["true", "false"] }).enabled).toBe(true)
    expect(Cache.settings({ "x-openrouter-cache": "true", "x-openrouter-cache-ttl": "soon" }).ttlSeconds).toBe(300)
  })
})

describe("Cache.key", () => {
  const base = { apiKey: "k", endpoint: "chat", model: "m", stream: false, body: { a: 1, b: [1, 2] } }
  it("depends on the parsed body (not whitespace), key order, stream mode, API key and model", () => {
    expect(Cache.key(base)).toBe(Cache.key({ ...base, body: JSON.parse(" { \"a\" : 1 , \"b\" : [ 1 , 2 ] } ") }))
    expect(Cache.key(base)).not.toBe(Cache.key({ ...base, body: { b: [1, 2], a: 1 } }))
    expect(Cache.key(base)).not.toBe(Cache.key({ ...base, stream: true }))
    expect(Cache.key(base)).not.toBe(Cache.key({ ...base, apiKey: "other" }))
    expect(Cache.key(base)).not.toBe(Cache.key({ ...base, model: "n" }))
  })
})

describe("Cache.apply", () => {
  it("misses, then hits with a new id, a new created, zeroed usage and the §12.7 headers", () => {
    const time = clock()
    const ctx = context({}, time.now)
    const p = producer(ctx)
    const headers = { ...CACHE_ON, "X-OpenRouter-Cache-TTL": "600" }
    const first = run(ctx, headers, p.produce)
    expect(first.status).toBe("MISS")
    const firstBody = bodyOf(first.reply)
    expect(first.reply.headers).toMatchObject({
      "X-OpenRouter-Cache-Status": "MISS",
      "X-OpenRouter-Cache-TTL": "600",
      "X-Generation-Id": firstBody.id
    })
    expect(first.reply.headers?.["X-OpenRouter-Cache-Age"]).toBeUndefined()

    time.advance(45_000)
    const second = run(ctx, headers, p.produce)
    expect(p.calls()).toBe(1)
    expect(second.status).toBe("HIT")
    const secondBody = bodyOf(second.reply)
    expect(secondBody.id).not.toBe(firstBody.id)
    expect(secondBody.id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/)
    expect(secondBody.created).toBe(firstBody.created + 45)
    expect(second.reply.headers).toEqual({
      "X-Generation-Id": secondBody.id,
      "X-OpenRouter-Cache-Status": "HIT",
      "X-OpenRouter-Cache-Age": "45",
      "X-OpenRouter-Cache-TTL": "555",
      "X-OpenRouter-Cache-Source-Id": firstBody.id
    })
    if (second.status === "HIT") {
      expect(second.id).toBe(secondBody.id)
      expect(second.sourceId).toBe(firstBody.id)
      expect(second.ageSeconds).toBe(45)
    }
    expect(secondBody.usage).toEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
      cost: 0,
      is_byok: false,
      cost_details: { upstream_inference_cost: null, upstream_inference_prompt_cost: 0 },
      completion_tokens_details: { reasoning_tokens: 0 }
    })
    // Everything else is replayed verbatim.
    expect(secondBody.choices).toEqual(firstBody.choices)
    expect(secondBody.object).toBe("chat.completion")
    // The stored entry is untouched by the replay.
    time.advance(1000)
    const third = bodyOf(run(ctx, headers, p.produce).reply)
    expect(third.usage.completion_tokens).toBe(0)
    expect(third.id).not.toBe(secondBody.id)
  })

  it("expires an entry after its TTL, by the context's clock", () => {
    const time = clock()
    const ctx = context({}, time.now)
    const p = producer(ctx)
    const headers = { ...CACHE_ON, "x-openrouter-cache-ttl": "60" }
    expect(run(ctx, headers, p.produce).status).toBe("MISS")
    time.advance(59_999)
    const hit = run(ctx, headers, p.produce)
    expect(hit.status).toBe("HIT")
    expect(hit.reply.headers?.["X-OpenRouter-Cache-TTL"]).toBe("1")
    time.advance(1)
    expect(run(ctx, headers, p.produce).status).toBe("MISS")
    expect(p.calls()).toBe(2)
  })

  it("uses the default TTL of 300 s and clamps the TTL header", () => {
    const time = clock()
    const ctx = context({}, time.now)
    const p = producer(ctx)
    expect(run(ctx, CACHE_ON, p.produce).reply.headers?.["X-OpenRouter-Cache-TTL"]).toBe("300")
    time.advance(299_000)
    expect(run(ctx, CACHE_ON, p.produce).status).toBe("HIT")
    time.advance(1000)
    expect(run(ctx, CACHE_ON, p.produce).status).toBe("MISS")

    const big = { ...CACHE_ON, "X-OpenRouter-Cache-TTL": "999999" }
    const body = { model: "openai/gpt-4o", messages: [{ role: "user", content: "long" }] }
    expect(run(ctx, big, p.produce, false, body).reply.headers?.["X-OpenRouter-Cache-TTL"]).toBe("86400")
    time.advance(86_399_000)
    expect(run(ctx, big, p.produce, false, body).status).toBe("HIT")
    time.advance(1000)
    expect(run(ctx, big, p.produce, false, body).status).toBe("MISS")

    const small = { ...CACHE_ON, "X-OpenRouter-Cache-TTL": "0" }
    const other = { model: "openai/gpt-4o", messages: [{ role: "user", content: "short" }] }
    expect(run(ctx, small, p.produce, false, other).reply.headers?.["X-OpenRouter-Cache-TTL"]).toBe("1")
    time.advance(999)
    expect(run(ctx, small, p.produce, false, other).status).toBe("HIT")
    time.advance(1)
    expect(run(ctx, small, p.produce, false, other).status).toBe("MISS")
  })

  it("Clear deletes the entry, misses, and stores the fresh answer", () => {
    const time = clock()
    const ctx = context({}, time.now)
    const p = producer(ctx)
    const first = bodyOf(run(ctx, CACHE_ON, p.produce).reply)
    time.advance(5000)
    const cleared = run(ctx, { ...CACHE_ON, "X-OpenRouter-Cache-Clear": "true" }, p.produce)
    expect(cleared.status).toBe("MISS")
    expect(cleared.reply.headers?.["X-OpenRouter-Cache-Status"]).toBe("MISS")
    const fresh = bodyOf(cleared.reply)
    expect(fresh.id).not.toBe(first.id)
    expect(fresh.usage.prompt_tokens).toBe(3)
    time.advance(1000)
    const hit = run(ctx, CACHE_ON, p.produce)
    expect(hit.status).toBe("HIT")
    expect(hit.reply.headers?.["X-OpenRouter-Cache-Source-Id"]).toBe(fresh.id)
    expect(hit.reply.headers?.["X-OpenRouter-Cache-Age"]).toBe("1")
    expect(p.calls()).toBe(2)
  })

  it("caches stream and non-stream apart", () => {
    const ctx = context()
    const p = producer(ctx)
    expect(run(ctx, CACHE_ON, p.produce, false).status).toBe("MISS")
    expect(run(ctx, CACHE_ON, p.produce, true).status).toBe("MISS")
    expect(run(ctx, CACHE_ON, p.produce, false).status).toBe("HIT")
    expect(run(ctx, CACHE_ON, p.produce, true).status).toBe("HIT")
  })

  it("is off without the header (or with false) and never stores an error", () => {
    const ctx = context()
    const p = producer(ctx)
    const off = run(ctx, {}, p.produce)
    expect(off.status).toBe("BYPASS")
    expect(off.reply.headers).toEqual({ "X-Generation-Id": bodyOf(off.reply).id })
    expect(run(ctx, { "X-OpenRouter-Cache": "false" }, p.produce).status).toBe("BYPASS")
    expect(run(ctx, {}, p.produce).status).toBe("BYPASS")
    expect(p.calls()).toBe(3)

    const failing = producer(ctx, 429)
    const first = run(ctx, CACHE_ON, failing.produce)
    expect(first.status).toBe("MISS")
    expect(first.reply.headers?.["X-OpenRouter-Cache-Status"]).toBeUndefined()
    expect(run(ctx, CACHE_ON, failing.produce).status).toBe("MISS")
    expect(failing.calls()).toBe(2)
  })

  it("keys on the API key", () => {
    const ctx = context()
    const p = producer(ctx)
    const body = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }
    const withKey = (apiKey: string) =>
      Cache.apply(request("POST", "/chat/completions", body, { headers: CACHE_ON, apiKey }), ctx, {
        endpoint: "chat",
        model: "openai/gpt-4o",
        stream: false
      }, p.produce)
    expect(withKey("sk-or-v1-a").status).toBe("MISS")
    expect(withKey("sk-or-v1-b").status).toBe("MISS")
    expect(withKey("sk-or-v1-a").status).toBe("HIT")
  })
})

describe("Cache.replay", () => {
  it("rewrites every JSON data event of a stream and leaves comments and [DONE] alone", () => {
    const stored: Reply = {
      _tag: "sse",
      status: 200,
      headers: { "x-generation-id": "gen-old" },
      events: [
        { comment: "OPENROUTER PROCESSING" },
        { data: JSON.stringify({ id: "gen-old", created: 1, choices: [{ delta: { content: "a" } }] }) },
        { data: JSON.stringify({ id: "gen-old", created: 1, choices: [], usage: { prompt_tokens: 4, cost: 0.1, is_byok: false } }) },
        { data: "[DONE]" }
      ]
    }
    const replayed = Cache.replay(stored, "gen-new", 99)
    if (replayed._tag !== "sse") throw new Error("expected sse")
    expect(replayed.headers).toEqual({ "X-Generation-Id": "gen-new" })
    expect(replayed.events).toEqual([
      { comment: "OPENROUTER PROCESSING" },
      { data: JSON.stringify({ id: "gen-new", created: 99, choices: [{ delta: { content: "a" } }] }) },
      { data: JSON.stringify({ id: "gen-new", created: 99, choices: [], usage: { prompt_tokens: 0, cost: 0, is_byok: false } }) },
      { data: "[DONE]" }
    ])
  })

  it("zeroUsage zeroes numbers at any depth and keeps booleans and nulls", () => {
    expect(Cache.zeroUsage({ a: 1, b: { c: 2.5, d: null, e: true }, f: [3] })).toEqual({
      a: 0,
      b: { c: 0, d: null, e: true },
      f: [0]
    })
  })
})
