// The faults the reliability matrix needs, over a real socket: a 5xx after acceptance, a body cut
// after N bytes, an undocumented poll status, a JSON answer swapped for another content type; and
// coherent rate limits (the platform's, a provider's, every provider at capacity) and in-band
// stream errors whose error_type matches their code.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { request as httpRequest } from "node:http"
import * as Control from "../src/Control.js"
import * as Faults from "../src/Faults.js"
import * as Server from "../src/Server.js"
import * as Videos from "../src/media/Videos.js"

const KEY = "sk-or-v1-faults-test-00000000000000000000000wxyz"
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" }
const videoBody = { model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm" }
const chatBody = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Say hello" }] }

let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 20, videoBytes: 300_000, cdn: true })
})
afterAll(() => sim.close())
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const post = (path: string, body: unknown) => fetch(`${sim.baseUrl}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) })
const get = (url: string) => fetch(url, { headers: auth })

const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(condition()).toBe(true)
}

/** A raw GET: the declared length, the bytes that arrived, and whether the body ended or broke. */
const rawGet = (url: string) =>
  new Promise<{ status: number; declared: number; received: number; outcome: "end" | "error" | "aborted" }>((resolve, reject) => {
    const req = httpRequest(url, { headers: auth }, (response) => {
      let received = 0
      let settled = false
      const settle = (outcome: "end" | "error" | "aborted") => {
        if (settled) return
        settled = true
        resolve({ status: response.statusCode ?? 0, declared: Number(response.headers["content-length"]), received, outcome })
      }
      response.on("data", (chunk: Buffer) => {
        received += chunk.length
      })
      response.on("end", () => settle(response.complete ? "end" : "aborted"))
      response.on("aborted", () => settle("aborted"))
      response.on("error", () => settle("error"))
      response.on("close", () => settle(response.complete ? "end" : "aborted"))
    })
    req.on("error", reject)
    req.end()
  })

const submitted = async () => {
  const response = await post("/videos", videoBody)
  expect(response.status).toBe(202)
  return (await response.json()) as { id: string; polling_url: string }
}

describe("fail-after-accept", () => {
  it("the handler runs (the job exists), then the answer is the scripted 5xx with OpenRouter's body", async () => {
    const before = Videos.jobs(sim.context).size
    sim.faults.add("POST /videos", Faults.failAfterAccept(500))
    const response = await post("/videos", videoBody)
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ error: { code: 500 } })
    expect(Videos.jobs(sim.context).size).toBe(before + 1)
    expect(sim.journal.list({ path: "/videos" })[0]).toMatchObject({ status: 500, faults: ["fail-after-accept"] })
  })

  it("a plain status fault answers instead of the handler: no job", async () => {
    const before = Videos.jobs(sim.context).size
    sim.faults.add("POST /videos", Faults.upstream(500))
    expect((await post("/videos", videoBody)).status).toBe(500)
    expect(Videos.jobs(sim.context).size).toBe(before)
  })

  it("a request the handler refuses keeps its own error", async () => {
    sim.faults.add("POST /videos", Faults.failAfterAccept(502))
    const response = await post("/videos", { ...videoBody, aspect_ratio: "1:1" })
    expect(response.status).toBe(400)
  })
})

describe("cut-body", () => {
  it("a download declares its full length, sends the first N bytes and breaks", async () => {
    const { id } = await submitted()
    await waitFor(() => Videos.statusAt(Videos.job(sim.context, id)!, Date.now()) === "completed")
    sim.faults.add("GET /videos/:id/content", { kind: "cut-body", afterBytes: 100_000 })
    const cut = await rawGet(`${sim.baseUrl}/videos/${id}/content?index=0`)
    expect(cut).toMatchObject({ status: 200, declared: 300_000, received: 100_000, outcome: "aborted" })
    // The CDN origin plays it too; the next download is whole.
    sim.faults.add("GET /cdn/*", { kind: "cut-body", afterBytes: 70_000 })
    const cdnUrl = `${sim.cdnOrigin}${Videos.cdnPath(id)}`
    expect(await rawGet(cdnUrl)).toMatchObject({ declared: 300_000, received: 70_000, outcome: "aborted" })
    expect(await rawGet(cdnUrl)).toMatchObject({ declared: 300_000, received: 300_000, outcome: "end" })
    await waitFor(() => sim.journal.inFlight === 0)
    expect(sim.journal.list({ path: "/cdn/*" }).map((e) => e.clientDisconnected)).toEqual([true, false])
  })

  it("a JSON answer cut after N bytes is not JSON", async () => {
    sim.faults.add("POST /chat/completions", { kind: "cut-body", afterBytes: 10 })
    const response = await post("/chat/completions", chatBody)
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })
})

describe("video-status", () => {
  it("one poll reports the scripted status; the job is unchanged", async () => {
    const { id } = await submitted()
    sim.faults.add("GET /videos/:id", { kind: "video-status", status: "melted" })
    const first = (await (await get(`${sim.baseUrl}/videos/${id}`)).json()) as { id: string; status: string }
    expect(first).toMatchObject({ id, status: "melted" })
    const second = (await (await get(`${sim.baseUrl}/videos/${id}`)).json()) as { status: string }
    expect(["pending", "in_progress", "completed"]).toContain(second.status)
  })
})

describe("content-type on a JSON answer", () => {
  it("text/html replaces the JSON with a page; application/json with an unrelated object; the status stays", async () => {
    sim.faults.add("POST /videos", { kind: "content-type", contentType: "text/html" })
    const html = await post("/videos", videoBody)
    expect(html.status).toBe(202)
    expect(html.headers.get("content-type")).toBe("text/html")
    expect(await html.text()).toContain("<html>")
    sim.faults.add("POST /audio/transcriptions", { kind: "content-type", contentType: "application/json" })
    const other = await post("/audio/transcriptions", { model: "openai/whisper-large-v3-turbo", input_audio: { data: "AAAA", format: "wav" } })
    expect(other.status).toBe(200)
    expect(await other.json()).not.toHaveProperty("text")
  })
})

describe("the control endpoint", () => {
  it("accepts the new kinds", () => {
    for (const fault of [{ kind: "video-status", status: "x" }, { kind: "fail-after-accept", status: 500 }, { kind: "cut-body", afterBytes: 1 }]) {
      expect(Control.faultFrom({ route: "*", fault })).toEqual(fault)
    }
  })
})

describe("rate limits: the platform's and the providers' are told apart", () => {
  const limitHeaders = (response: Response) =>
    ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map((name) => response.headers.get(name))

  it("platform (per minute): X-RateLimit-* headers mirrored in metadata.headers, Retry-After, no provider", async () => {
    sim.faults.add("POST /chat/completions", Faults.platformRateLimited({ retryAfter: 12, nowMs: 1_786_000_000_000 }))
    const response = await post("/chat/completions", chatBody)
    expect(response.status).toBe(429)
    expect(response.headers.get("retry-after")).toBe("12")
    expect(limitHeaders(response)).toEqual(["20", "0", "1786000012000"])
    const body = (await response.json()) as { error: { message: string; metadata: Record<string, unknown> } }
    expect(body.error.message).toMatch(/^Rate limit exceeded: free-models-per-min/)
    expect(body.error.metadata).toEqual({
      headers: { "X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1786000012000" },
      provider_name: null
    })
  })

  it("platform (daily): the free tier's daily cap, reset at the next midnight UTC, as documented", async () => {
    sim.faults.add("POST /chat/completions", Faults.platformRateLimited({ daily: true, nowMs: 1_786_000_000_000 }))
    const response = await post("/chat/completions", chatBody)
    expect(limitHeaders(response)).toEqual(["50", "0", "1786060800000"])
    expect(response.headers.get("retry-after")).toBeNull()
    expect(await response.json()).toEqual({
      error: {
        message: "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
        code: 429,
        metadata: {
          headers: { "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1786060800000" },
          limit_source: "openrouter_free_tier_daily",
          provider_name: null
        }
      },
      user_id: expect.any(String)
    })
  })

  it("provider: the upstream's words in metadata.raw, provider_name, rate_limit_exceeded; no platform headers", async () => {
    sim.faults.add("POST /chat/completions", Faults.providerRateLimited({ retryAfter: 3, provider: "DeepInfra", model: "meta-llama/llama-3.3-70b-instruct" }))
    const response = await post("/chat/completions", chatBody)
    expect(response.status).toBe(429)
    expect(response.headers.get("retry-after")).toBe("3")
    expect(limitHeaders(response)).toEqual([null, null, null])
    const body = (await response.json()) as { error: { message: string; metadata: Record<string, unknown> } }
    expect(body.error.message).toBe("Provider returned error")
    expect(body.error.metadata).toMatchObject({
      provider_name: "DeepInfra",
      error_type: "rate_limit_exceeded",
      raw: expect.stringContaining("meta-llama/llama-3.3-70b-instruct is temporarily rate-limited upstream")
    })
    expect(body.error.metadata).not.toHaveProperty("headers")
    // Without retryAfter, no Retry-After.
    sim.faults.add("POST /chat/completions", Faults.providerRateLimited())
    expect((await post("/chat/completions", chatBody)).headers.get("retry-after")).toBeNull()
  })

  it("every provider at capacity (and rateLimited without daily): Retry-After and availability; no platform headers", async () => {
    for (const fault of [Faults.capacityExhausted({ retryAfter: 4, model: "openai/gpt-4o" }), Faults.rateLimited({ retryAfter: 4 })]) {
      sim.faults.add("POST /chat/completions", fault)
      const response = await post("/chat/completions", chatBody)
      expect(response.status).toBe(429)
      expect(response.headers.get("retry-after")).toBe("4")
      expect(limitHeaders(response)).toEqual([null, null, null])
      const body = (await response.json()) as { error: { message: string; metadata: Record<string, unknown>; availability: Record<string, unknown> } }
      expect(body.error.message).toMatch(/^All providers for .+ are at capacity\. Retry after 4 seconds\.$/)
      expect(body.error.metadata).toMatchObject({ error_type: "rate_limit_exceeded" })
      expect(body.error.availability).toMatchObject({ code: "capacity_exhausted", retryable: true, retry_after: 4 })
    }
    // rateLimited({ daily }) is the platform's daily cap.
    expect(Faults.rateLimited({ daily: true, nowMs: 0 })).toEqual(Faults.platformRateLimited({ daily: true, nowMs: 0 }))
  })

  it("the control endpoint schedules each preset", () => {
    expect(Control.faultFrom({ route: "*", preset: "platformRateLimited", options: { daily: true } })).toMatchObject({ kind: "status", status: 429 })
    const provider = Control.faultFrom({ route: "*", preset: "providerRateLimited", options: { provider: "Together" } })
    expect(provider).toMatchObject({ kind: "status", status: 429, body: { error: { metadata: { provider_name: "Together" } } } })
    expect(Control.faultFrom({ route: "*", preset: "capacityExhausted", options: { retryAfter: 9 } })).toMatchObject({ headers: { "Retry-After": "9" } })
  })
})

describe("in-band stream errors: error_type matches the code", () => {
  const streamed = async () => {
    const text = await (await post("/chat/completions", { ...chatBody, stream: true })).text()
    const data = text.split("\n\n").filter((event) => event.startsWith("data: ")).map((event) => event.slice(6))
    return JSON.parse(data.at(-1)!) as { error: { code: number; message: string; metadata: Record<string, unknown> }; choices: Array<{ finish_reason: string }> }
  }

  it.each([
    [429, "rate_limit_exceeded", "Rate limit exceeded"],
    [502, "provider_unavailable", "Provider returned error"],
    [503, "provider_overloaded", "Service temporarily unavailable"],
    [529, "provider_overloaded", "Provider returned error"],
    [524, "timeout", "Request timed out. Please try again later."],
    [500, "server", "Internal Server Error"],
    [400, "invalid_request", "Provider returned error"]
  ] as const)("sse-error with code %i → %s", async (code, errorType, message) => {
    sim.faults.add("POST /chat/completions", { kind: "sse-error", afterDeltas: 1, code })
    const last = await streamed()
    expect(last.error).toMatchObject({ code, message, metadata: { error_type: errorType } })
    expect(last.choices[0]?.finish_reason).toBe("error")
    expect(Faults.errorTypeOf(code)).toBe(errorType)
  })

  it("a 429 names the provider's code; the default code is 502; a message given is kept", async () => {
    expect(Faults.streamError({ kind: "sse-error", afterDeltas: 0, code: 429 }).metadata).toEqual({ error_type: "rate_limit_exceeded", provider_code: "rate_limited" })
    expect(Faults.streamError({ kind: "sse-error", afterDeltas: 0 })).toEqual({
      code: 502,
      message: "Provider returned error",
      metadata: { error_type: "provider_unavailable" }
    })
    sim.faults.add("POST /chat/completions", { kind: "sse-error", afterDeltas: 0, code: 429, message: "slow down" })
    expect((await streamed()).error.message).toBe("slow down")
  })
})
