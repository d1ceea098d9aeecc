// The server over a real socket: auth, validation, the journal, every fault, the control
// endpoint, public base URLs, the CDN origin, bench mode and the bin.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Faults from "../src/Faults.js"
import * as Server from "../src/Server.js"

const KEY = "sk-or-v1-server-test-000000000000000000000wxyz"
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" }
const chatBody = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Say hello" }] }

let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 40, videoBytes: 200_000, cdn: true })
})
afterAll(() => sim.close())
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${sim.baseUrl}${path}`, { method: "POST", headers, body: JSON.stringify(body) })
const get = (path: string, headers: Record<string, string> = auth) => fetch(`${sim.baseUrl}${path}`, { headers })

const sseEvents = (text: string) => text.split("\n\n").filter((e) => e !== "")

const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(condition()).toBe(true)
}

describe("auth (openrouter-api.md §10.1)", () => {
  it("no key: 401 No auth credentials found; an unknown key: 401 User not found.; catalogues are public", async () => {
    const none = await post("/chat/completions", chatBody, { "content-type": "application/json" })
    expect(none.status).toBe(401)
    expect(await none.json()).toEqual({ error: { message: "No auth credentials found", code: 401 } })
    const unknown = await post("/chat/completions", chatBody, { ...auth, authorization: "Bearer sk-or-v1-nobody" })
    expect(await unknown.json()).toEqual({ error: { message: "User not found.", code: 401 } })
    expect((await get("/models", {})).status).toBe(200)
    expect((await get("/videos/models", {})).status).toBe(200)
  })
})

describe("request checking", () => {
  it("a request without messages gets OpenRouter's 400 and is flagged in the journal", async () => {
    const response = await post("/chat/completions", { model: "openai/gpt-4o" })
    expect(response.status).toBe(400)
    const body = await response.json() as { error: { code: number; message: string; metadata: unknown } }
    expect(body.error.code).toBe(400)
    expect(body.error.message).toContain("messages")
    expect(body.error.metadata).toEqual({ error_type: "invalid_request" })
    const [entry] = sim.journal.list({ path: "/chat/completions" })
    expect(entry?.validation?.ok).toBe(false)
  })

  it("an unknown key in provider is rejected too", async () => {
    const response = await post("/chat/completions", { ...chatBody, provider: { bogus: true } })
    expect(response.status).toBe(400)
    expect(sim.journal.list()[0]?.validation?.ok).toBe(false)
  })

  it("a body that is not JSON is a 400", async () => {
    const response = await fetch(`${sim.baseUrl}/chat/completions`, { method: "POST", headers: auth, body: "{nope" })
    expect(response.status).toBe(400)
  })

  it("a valid request passes and is recorded as valid", async () => {
    expect((await post("/chat/completions", chatBody)).status).toBe(200)
    expect(sim.journal.list()[0]?.validation).toEqual({ ok: true })
  })
})

describe("journal", () => {
  it("records method, origin, path, masked Authorization, body, status and completion", async () => {
    await post("/chat/completions", chatBody)
    const [entry] = sim.journal.list()
    expect(entry).toMatchObject({
      method: "POST",
      origin: sim.origin,
      path: "/chat/completions",
      body: chatBody,
      status: 200,
      completed: true,
      clientDisconnected: false
    })
    expect(entry?.headers.authorization).toBe("Bearer …wxyz")
    expect(JSON.stringify(entry)).not.toContain(KEY)
  })

  it("counts in-flight requests and notices a client that goes away", async () => {
    sim.faults.add("POST /chat/completions", { kind: "stall", ms: 5000, keepAliveMs: 20 })
    const response = await post("/chat/completions", { ...chatBody, stream: true })
    // The stream is stalled with keep-alives: one request in flight.
    await waitFor(() => sim.journal.inFlight === 1)
    await response.body?.cancel()
    await waitFor(() => sim.journal.inFlight === 0)
    expect(sim.journal.list()[0]?.clientDisconnected).toBe(true)
  })
})

describe("faults: status answers", () => {
  it("429 with Retry-After and availability; the platform's X-RateLimit-* are not a provider-capacity answer's", async () => {
    sim.faults.add("POST /chat/completions", Faults.rateLimited({ retryAfter: 2 }))
    const response = await post("/chat/completions", chatBody)
    expect(response.status).toBe(429)
    expect(response.headers.get("retry-after")).toBe("2")
    expect(response.headers.get("x-ratelimit-remaining")).toBeNull()
    const body = await response.json() as { error: { availability: { retry_after: number } } }
    expect(body.error.availability.retry_after).toBe(2)
    expect((await post("/chat/completions", chatBody)).status).toBe(200)
  })

  it("the daily-cap 429 names its limit source", async () => {
    sim.faults.add("POST /chat/completions", Faults.rateLimited({ daily: true }))
    const body = await (await post("/chat/completions", chatBody)).json() as { error: { metadata: { limit_source: string } } }
    expect(body.error.metadata.limit_source).toBe("openrouter_free_tier_daily")
  })

  const cases: ReadonlyArray<readonly [string, ReturnType<typeof Faults.upstream>, number, string]> = [
    ["402", Faults.insufficientCredits(), 402, "requires more credits"],
    ["403 moderation", Faults.moderation(), 403, "flagged"],
    ["404 no endpoints", Faults.noEndpoints(), 404, "No allowed providers"],
    ["500", Faults.upstream(500), 500, "Internal Server Error"],
    ["502 with raw", Faults.upstream(502), 502, "Provider returned error"],
    ["503", Faults.upstream(503, { retryAfter: 5 }), 503, "temporarily unavailable"],
    ["524", Faults.upstream(524), 524, "timed out"],
    ["529", Faults.upstream(529), 529, "Provider returned error"]
  ]
  for (const [name, fault, status, text] of cases) {
    it(name, async () => {
      sim.faults.add("POST /chat/completions", fault)
      const response = await post("/chat/completions", chatBody)
      expect(response.status).toBe(status)
      const body = await response.json() as { error: { code: number; message: string } }
      expect(body.error.code).toBe(status)
      expect(body.error.message).toContain(text)
      expect(sim.journal.list()[0]?.faults).toEqual([`status ${status}`])
    })
  }

  it("a fault for the next N requests answers exactly N", async () => {
    sim.faults.add("POST /chat/completions", Faults.upstream(500), 2)
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await post("/chat/completions", chatBody)).status)
    expect(statuses).toEqual([500, 500, 200])
  })
})

describe("faults: transport and body", () => {
  it("latency delays the answer and is journalled", async () => {
    sim.faults.add("POST /chat/completions", { kind: "latency", ms: 30 })
    expect((await post("/chat/completions", chatBody)).status).toBe(200)
    expect(sim.journal.list()[0]?.faults).toEqual(["latency"])
  })

  it("a reset before headers fails the request", async () => {
    sim.faults.add("POST /chat/completions", { kind: "reset", when: "before-headers" })
    await expect(post("/chat/completions", chatBody)).rejects.toThrow()
  })

  it("a reset after headers fails the body", async () => {
    sim.faults.add("POST /chat/completions", { kind: "reset", when: "after-headers" })
    const response = await post("/chat/completions", chatBody)
    expect(response.status).toBe(200)
    await expect(response.text()).rejects.toThrow()
  })

  it("truncated and invalid JSON", async () => {
    sim.faults.add("POST /chat/completions", { kind: "truncate-json" })
    await expect((await post("/chat/completions", chatBody)).json()).rejects.toThrow()
    sim.faults.add("POST /chat/completions", { kind: "invalid-json" })
    const invalid = await post("/chat/completions", chatBody)
    expect(invalid.headers.get("content-type")).toBe("application/json")
    await expect(invalid.json()).rejects.toThrow()
  })
})

describe("faults: streams", () => {
  const stream = async () => sseEvents(await (await post("/chat/completions", { ...chatBody, stream: true })).text())

  it("a clean stream starts with keep-alives and ends with [DONE]", async () => {
    const events = await stream()
    expect(events[0]).toBe(": OPENROUTER PROCESSING")
    expect(events.at(-1)).toBe("data: [DONE]")
  })

  it("an in-band error chunk after 2 deltas ends the stream", async () => {
    sim.faults.add("POST /chat/completions", { kind: "sse-error", afterDeltas: 2, code: 502, message: "upstream died" })
    const data = (await stream()).filter((e) => e.startsWith("data: "))
    expect(data).toHaveLength(3)
    const last = JSON.parse(data[2]!.slice(6)) as { error: { code: number; message: string }; choices: Array<{ finish_reason: string }> }
    expect(last.error).toMatchObject({ code: 502, message: "upstream died" })
    expect(last.choices[0]?.finish_reason).toBe("error")
  })

  it("a stream cut after 2 deltas has no [DONE]", async () => {
    sim.faults.add("POST /chat/completions", { kind: "sse-cut", afterDeltas: 2 })
    const data = (await stream()).filter((e) => e.startsWith("data: "))
    expect(data).toHaveLength(2)
    expect(data).not.toContain("data: [DONE]")
  })

  it("a stall sends keep-alive comments before the first data", async () => {
    sim.faults.add("POST /chat/completions", { kind: "stall", ms: 100, keepAliveMs: 20 })
    const events = await stream()
    const firstData = events.findIndex((e) => e.startsWith("data: "))
    expect(events.slice(0, firstData).filter((e) => e === ": OPENROUTER PROCESSING").length).toBeGreaterThanOrEqual(5)
  })
})

describe("videos over HTTP", () => {
  const submit = async () => {
    const response = await post("/videos", { model: "google/veo-3.1-fast", prompt: "a cat", duration: 4, resolution: "720p", aspect_ratio: "16:9" })
    expect(response.status).toBe(202)
    return await response.json() as { id: string; polling_url: string; status: string }
  }
  const poll = async (url: string) => {
    for (let i = 0; i < 100; i++) {
      const job = await (await fetch(url, { headers: auth })).json() as { status: string; unsigned_urls?: Array<string>; error?: string }
      if (job.status !== "pending" && job.status !== "in_progress") return job
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error("the job never finished")
  }

  it("submit → poll → completed, with unsigned URLs on the CDN origin and streamed bytes", async () => {
    const job = await submit()
    expect(job.polling_url).toBe(`${sim.publicBaseUrl}/videos/${job.id}`)
    const done = await poll(job.polling_url)
    expect(done.status).toBe("completed")
    const url = done.unsigned_urls?.[0] ?? ""
    expect(url.startsWith(sim.cdnOrigin ?? "-")).toBe(true)
    const video = await fetch(url)
    expect(video.headers.get("content-type")).toBe("video/mp4")
    expect((await video.arrayBuffer()).byteLength).toBe(200_000)
    const content = await get(`/videos/${job.id}/content?index=0`)
    expect((await content.arrayBuffer()).byteLength).toBe(200_000)
    expect((await get(`/videos/${job.id}/content?index=0`, {})).status).toBe(401)
  })

  it("a job that fails, is cancelled or expires", async () => {
    for (const outcome of ["failed", "cancelled", "expired"] as const) {
      sim.faults.add("POST /videos", { kind: "video-outcome", outcome, error: `simulated ${outcome}` })
      const done = await poll((await submit()).polling_url)
      expect(done.status).toBe(outcome)
      expect(done.error).toBe(`simulated ${outcome}`)
    }
  })

  it("poll 5xx, unsigned URL 403, and a download answered with JSON or HTML", async () => {
    const job = await submit()
    sim.faults.add("GET /videos/:id", Faults.upstream(502))
    expect((await fetch(job.polling_url, { headers: auth })).status).toBe(502)
    const done = await poll(job.polling_url)
    sim.faults.add("GET /cdn/*", { kind: "status", status: 403 })
    expect((await fetch(done.unsigned_urls?.[0] ?? "")).status).toBe(403)
    sim.faults.add("GET /videos/:id/content", { kind: "content-type", contentType: "text/html" })
    expect((await get(`/videos/${job.id}/content?index=0`)).headers.get("content-type")).toBe("text/html")
    sim.faults.add("GET /videos/:id/content", { kind: "content-type", contentType: "application/json" })
    expect((await get(`/videos/${job.id}/content?index=0`)).headers.get("content-type")).toBe("application/json")
  })
})

describe("speech and lookups over HTTP", () => {
  it("speech answers audio; /models, /key and /generation answer JSON", async () => {
    const mp3 = await post("/audio/speech", { model: "hexgrad/kokoro-82m", input: "hi", voice: "af_alloy", response_format: "mp3" })
    expect(mp3.headers.get("content-type")).toBe("audio/mpeg")
    const pcm = await post("/audio/speech", { model: "hexgrad/kokoro-82m", input: "hi", voice: "af_alloy" })
    expect(pcm.headers.get("content-type")).toBe("audio/pcm")
    const completion = await (await post("/chat/completions", chatBody)).json() as { id: string }
    expect((await get(`/generation?id=${completion.id}`)).status).toBe(200)
    expect((await get("/key")).status).toBe(200)
    const transcript = await post("/audio/transcriptions", {
      model: "openai/whisper-large-v3-turbo",
      input_audio: { data: Buffer.from("RIFF....WAVEfmt ").toString("base64"), format: "wav" }
    })
    expect(transcript.status).toBe(200)
    expect(typeof ((await transcript.json()) as { text: unknown }).text).toBe("string")
    const models = await (await get("/models", {})).json() as { data: Array<{ id: string }> }
    expect(models.data.map((m) => m.id)).toContain("openai/gpt-4o")
  })
})

describe("control endpoint", () => {
  it("schedules faults by preset or shape, lists them, and serves the journal", async () => {
    const control = (path: string, init?: RequestInit) => fetch(`${sim.origin}/__sim/${path}`, init)
    const added = await control("faults", {
      method: "POST",
      body: JSON.stringify({ route: "POST /chat/completions", preset: "rateLimited", options: { retryAfter: 3 }, times: 1 })
    })
    expect(await added.json()).toMatchObject({ id: expect.any(Number) })
    expect(((await (await control("faults")).json()) as { faults: Array<unknown> }).faults).toHaveLength(1)
    expect((await post("/chat/completions", chatBody)).status).toBe(429)
    await control("faults", { method: "POST", body: JSON.stringify({ route: "*", fault: { kind: "status", status: 418 } }) })
    expect((await get("/key")).status).toBe(418)
    const bad = await control("faults", { method: "POST", body: JSON.stringify({ route: "*", fault: { kind: "nope" } }) })
    expect(bad.status).toBe(400)
    const journal = await (await control("journal?path=/chat/*")).json() as { entries: Array<{ path: string; headers: Record<string, string> }> }
    expect(journal.entries.map((e) => e.path)).toEqual(["/chat/completions"])
    expect(journal.entries[0]?.headers.authorization).toBe("Bearer …wxyz")
    expect(await (await control("in-flight")).json()).toEqual({ inFlight: 0 })
    await control("journal", { method: "DELETE" })
    expect(sim.journal.list()).toEqual([])
  })
})

describe("options", () => {
  it("publicBaseUrl builds every absolute URL; relative polling URLs are relative", async () => {
    const other = await Server.start({ publicBaseUrl: "https://openrouter.ai/api/v1", videoProcessingMs: 10 })
    try {
      const job = await (await fetch(`${other.baseUrl}/videos`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ model: "google/veo-3.1-fast", prompt: "x", duration: 4 })
      })).json() as { polling_url: string }
      expect(job.polling_url.startsWith("https://openrouter.ai/api/v1/videos/")).toBe(true)
    } finally {
      await other.close()
    }
    const relative = await Server.start({ pollingUrl: "relative" })
    try {
      const job = await (await fetch(`${relative.baseUrl}/videos`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ model: "google/veo-3.1-fast", prompt: "x", duration: 4 })
      })).json() as { polling_url: string }
      expect(job.polling_url).toMatch(/^\/api\/v1\/videos\//)
    } finally {
      await relative.close()
    }
  })

  it("bench mode answers without validating or journalling", async () => {
    const bench = await Server.start({ bench: true })
    try {
      const response = await fetch(`${bench.baseUrl}/chat/completions`, { method: "POST", headers: auth, body: JSON.stringify(chatBody) })
      expect(response.status).toBe(200)
      const stream = await fetch(`${bench.baseUrl}/chat/completions`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ ...chatBody, stream: true })
      })
      expect((await stream.text()).endsWith("data: [DONE]\n\n")).toBe(true)
      expect(bench.journal.list()).toEqual([])
    } finally {
      await bench.close()
    }
  })
})

describe("the bin", () => {
  it("openrouter-sim --port 0 prints its URL and serves until killed", async () => {
    const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
    const child = spawn(process.execPath, ["bin/openrouter-sim.js", "--port", "0", "--api-key", KEY], {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"]
    })
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = ""
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString()
          if (out.includes("\n")) resolve(out)
        })
        child.on("exit", (code) => reject(new Error(`exited ${code}`)))
      })
      const url = /listening on (\S+)/.exec(line)?.[1] ?? ""
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
      expect((await fetch(`${url}/models`)).status).toBe(200)
    } finally {
      child.kill("SIGTERM")
    }
  })
})
