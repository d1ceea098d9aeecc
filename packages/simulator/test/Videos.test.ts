import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import * as VideoModels from "../src/media/VideoModels.js"
import * as Videos from "../src/media/Videos.js"
import type { Fault, Options, Reply, SimContext } from "../src/Types.js"
import { context, request, TEST_BASE } from "./support.js"

// A context whose clock the test moves.
const clocked = (options: Options = {}) => {
  let t = 1_786_000_000_000
  const ctx = context({ videoProcessingMs: 1000, ...options }, () => t)
  return { ctx, advance: (ms: number) => void (t += ms) }
}

const json = (reply: Reply) => {
  if (reply._tag !== "json") throw new Error(`expected a JSON reply, got ${reply._tag}`)
  return reply as { readonly status: number; readonly body: any; readonly headers?: Record<string, string> }
}

const submit = async (ctx: SimContext, body: unknown, extra: { readonly fault?: Fault; readonly apiKey?: string } = {}) =>
  json(await Videos.submitVideo(request("POST", "/videos", body, extra), ctx))

const poll = async (ctx: SimContext, id: string, apiKey?: string) =>
  json(await Videos.pollVideo(request("GET", `/videos/${id}`, undefined, apiKey !== undefined ? { apiKey } : {}), ctx))

const content = (ctx: SimContext, id: string, query = "index=0") =>
  Videos.videoContent(request("GET", `/videos/${id}/content`, undefined, { query }), ctx)

const FAST = { model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm" }

// openrouter-api.md §12.5 L, verbatim.
const EXAMPLE_L = {
  model: "google/veo-3.1-lite",
  prompt: "Slow dolly-in on a greenhouse at sunrise, mist drifting between the plants",
  duration: 4,
  resolution: "720p",
  aspect_ratio: "16:9",
  generate_audio: false,
  frame_images: [{ type: "image_url", image_url: { url: "https://example.test/first.jpg" }, frame_type: "first_frame" }],
  provider: { options: { "google-vertex": { parameters: { negativePrompt: "blurry, low quality" } } } }
}

// openclaw-behaviour.md §13.3, the shape OpenClaw sends.
const OPENCLAW_BODY = {
  model: "google/veo-3.1",
  prompt: "A cat surfing",
  duration: 6,
  resolution: "720p",
  aspect_ratio: "16:9",
  size: "1280x720",
  generate_audio: false,
  frame_images: [
    { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" }, frame_type: "first_frame" },
    { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" }, frame_type: "last_frame" }
  ],
  input_references: [{ type: "image_url", image_url: { url: "data:image/webp;base64,UklGRg==" } }],
  callback_url: "https://example.com/openrouter-video-hook",
  seed: 42
}

describe("POST /videos", () => {
  it("answers 202 with exactly {id, polling_url, status: pending}", async () => {
    const { ctx } = clocked()
    const reply = await submit(ctx, FAST)
    expect(reply.status).toBe(202)
    expect(Object.keys(reply.body).sort()).toEqual(["id", "polling_url", "status"])
    expect(reply.body.status).toBe("pending")
    expect(reply.body.id).toMatch(/^[A-Za-z0-9]{20}$/)
  })

  it("gives every job a fresh id", async () => {
    const { ctx } = clocked()
    const a = await submit(ctx, FAST)
    const b = await submit(ctx, FAST)
    expect(a.body.id).not.toBe(b.body.id)
  })

  it("makes polling_url absolute on publicBaseUrl by default", async () => {
    const { ctx } = clocked()
    const { body } = await submit(ctx, FAST)
    expect(body.polling_url).toBe(`${TEST_BASE}/videos/${body.id}`)
  })

  it("builds the absolute polling_url from publicBaseUrl when one is given", async () => {
    const { ctx } = clocked({ publicBaseUrl: "https://sim.example.test/api/v1", pollingUrl: "absolute" })
    const { body } = await submit(ctx, FAST)
    expect(body.polling_url).toBe(`https://sim.example.test/api/v1/videos/${body.id}`)
  })

  it("makes polling_url relative (/api/v1/videos/<id>) when pollingUrl is relative", async () => {
    const { ctx } = clocked({ pollingUrl: "relative" })
    const { body } = await submit(ctx, FAST)
    expect(body.polling_url).toBe(`/api/v1/videos/${body.id}`)
    expect(new URL(body.polling_url, "http://127.0.0.1:4010").href).toBe(`${TEST_BASE}/videos/${body.id}`)
    const polled = await poll(ctx, body.id)
    expect(polled.body.polling_url).toBe(body.polling_url)
  })

  it("keeps the path of publicBaseUrl in a relative polling_url", async () => {
    const { ctx } = clocked({ pollingUrl: "relative", publicBaseUrl: "https://proxy.example.test/openrouter/api/v1" })
    const { body } = await submit(ctx, FAST)
    expect(body.polling_url).toBe(`/openrouter/api/v1/videos/${body.id}`)
  })

  it("accepts the reference's submit example and OpenClaw's request shape", async () => {
    const { ctx } = clocked()
    expect((await submit(ctx, EXAMPLE_L)).status).toBe(202)
    expect((await submit(ctx, OPENCLAW_BODY)).status).toBe(202)
  })

  it("keeps the original request with the job", async () => {
    const { ctx } = clocked()
    const { body } = await submit(ctx, { ...FAST, duration: 6, resolution: "1080p" })
    const job = Videos.job(ctx, body.id)
    expect(job?.request).toMatchObject({ model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm", duration: 6, resolution: "1080p" })
  })
})

describe("GET /videos/{jobId}: status by time", () => {
  it("is pending for the first half, in_progress for the second, then completed", async () => {
    const { ctx, advance } = clocked({ videoProcessingMs: 1000 })
    const { body } = await submit(ctx, FAST)
    const statuses: Array<string> = []
    for (const step of [0, 499, 1, 499, 1]) {
      advance(step)
      statuses.push((await poll(ctx, body.id)).body.status)
    }
    expect(statuses).toEqual(["pending", "pending", "in_progress", "in_progress", "completed"])
  })

  it("reports pending without generation_id and in_progress with it (§12.5 M, N)", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, FAST)
    const pending = await poll(ctx, body.id)
    expect(pending.status).toBe(200)
    expect(pending.body).toEqual({ id: body.id, polling_url: body.polling_url, status: "pending" })
    advance(600)
    const running = await poll(ctx, body.id)
    expect(Object.keys(running.body).sort()).toEqual(["generation_id", "id", "polling_url", "status"])
    expect(running.body.generation_id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/)
  })

  it("completes with generation_id, unsigned_urls on the content endpoint and usage (§12.5 O)", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, EXAMPLE_L)
    advance(500)
    const generationId = (await poll(ctx, body.id)).body.generation_id
    advance(500)
    const done = await poll(ctx, body.id)
    expect(done.status).toBe(200)
    expect(done.body).toEqual({
      id: body.id,
      polling_url: body.polling_url,
      status: "completed",
      generation_id: generationId,
      unsigned_urls: [`${TEST_BASE}/videos/${body.id}/content?index=0`],
      usage: { cost: 0.4, is_byok: false }
    })
  })

  it("prices by the resolution's SKU and the duration, defaulting to the longest duration", async () => {
    const { ctx, advance } = clocked()
    const hd = await submit(ctx, { ...FAST, duration: 6, resolution: "1080p" })
    const plain = await submit(ctx, FAST)
    const bySize = await submit(ctx, { ...FAST, duration: 4, size: "1920x1080" })
    const flat = await submit(ctx, { model: "minimax/hailuo-2.3", prompt: "x" })
    advance(1000)
    expect((await poll(ctx, hd.body.id)).body.usage).toEqual({ cost: 1.2, is_byok: false })
    expect((await poll(ctx, plain.body.id)).body.usage).toEqual({ cost: 1.2, is_byok: false })
    expect((await poll(ctx, bySize.body.id)).body.usage).toEqual({ cost: 0.8, is_byok: false })
    expect((await poll(ctx, flat.body.id)).body.usage).toEqual({ cost: 0.28, is_byok: false })
  })

  it("records the completed generation for GET /generation", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, EXAMPLE_L)
    advance(1000)
    const done = await poll(ctx, body.id)
    expect(ctx.generation(done.body.generation_id)).toMatchObject({
      id: done.body.generation_id,
      model: "google/veo-3.1-lite",
      provider: "Google Vertex",
      totalCost: 0.4,
      streamed: false
    })
  })

  it("puts unsigned_urls on the CDN origin when cdn is on", async () => {
    const { ctx, advance } = clocked({ cdn: true })
    const { body } = await submit(ctx, FAST)
    advance(1000)
    const done = await poll(ctx, body.id)
    expect(done.body.unsigned_urls).toEqual([`http://127.0.0.1:4011/videos/${body.id}.mp4`])
    expect(done.body.polling_url).toBe(`${TEST_BASE}/videos/${body.id}`)
  })

  it("answers 404 with OpenRouter's body for an unknown job", async () => {
    const { ctx } = clocked()
    const reply = await poll(ctx, "doesNotExist00000000")
    expect(reply.status).toBe(404)
    expect(reply.body.error).toMatchObject({ code: 404, message: expect.stringContaining("doesNotExist00000000") })
    expect(reply.body.error.metadata).toEqual({ error_type: "not_found" })
  })

  it("answers 404 for a job another key submitted", async () => {
    const { ctx } = clocked()
    const { body } = await submit(ctx, FAST, { apiKey: "sk-or-v1-alice" })
    expect((await poll(ctx, body.id, "sk-or-v1-alice")).status).toBe(200)
    expect((await poll(ctx, body.id, "sk-or-v1-bob")).status).toBe(404)
  })
})

describe("video-outcome faults", () => {
  const cases = [
    { outcome: "failed", error: "Content policy violation", generationId: true },
    { outcome: "cancelled", error: "Job was cancelled", generationId: true },
    { outcome: "expired", error: "Job exceeded maximum time to live", generationId: false }
  ] as const

  for (const c of cases) {
    it(`runs pending → in_progress → ${c.outcome} with a string error`, async () => {
      const { ctx, advance } = clocked()
      const { body } = await submit(ctx, FAST, { fault: { kind: "video-outcome", outcome: c.outcome } })
      expect((await poll(ctx, body.id)).body.status).toBe("pending")
      advance(500)
      expect((await poll(ctx, body.id)).body.status).toBe("in_progress")
      advance(500)
      const ended = await poll(ctx, body.id)
      expect(ended.status).toBe(200)
      expect(ended.body).toMatchObject({ id: body.id, polling_url: body.polling_url, status: c.outcome, error: c.error })
      expect(typeof ended.body.error).toBe("string")
      expect("generation_id" in ended.body).toBe(c.generationId)
      expect(ended.body.unsigned_urls).toBeUndefined()
      expect(ended.body.usage).toBeUndefined()
      const download = json(await content(ctx, body.id))
      expect(download.status).toBe(404)
    })
  }

  it("uses the fault's own error message", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, FAST, { fault: { kind: "video-outcome", outcome: "failed", error: "Provider exploded" } })
    advance(1000)
    expect((await poll(ctx, body.id)).body).toMatchObject({ status: "failed", error: "Provider exploded" })
  })

  it("ignores faults of other kinds", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, FAST, { fault: { kind: "truncate-json" } })
    advance(1000)
    expect((await poll(ctx, body.id)).body.status).toBe("completed")
  })
})

describe("GET /videos/{jobId}/content", () => {
  it("answers the video bytes only once the job has completed", async () => {
    const { ctx, advance } = clocked({ videoBytes: 4096 })
    const { body } = await submit(ctx, FAST)
    const early = json(await content(ctx, body.id))
    expect(early.status).toBe(404)
    expect(early.body.error.message).toContain("pending")
    advance(600)
    expect(json(await content(ctx, body.id)).status).toBe(404)
    advance(400)
    const reply = await content(ctx, body.id)
    expect(reply).toMatchObject({ _tag: "bytes", status: 200, size: 4096, headers: { "content-type": "video/mp4" } })
    // The bytes are an MP4 (see Media.test.ts): ftyp first.
    if (reply._tag !== "bytes" || reply.bytesAt === undefined) throw new Error("expected generated video bytes")
    expect(String.fromCharCode(...reply.bytesAt(4, 4))).toBe("ftyp")
  })

  it("defaults index to 0 and rejects any other index with 400", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, FAST)
    advance(1000)
    expect((await content(ctx, body.id, "")).status).toBe(200)
    for (const query of ["index=1", "index=-1", "index=abc", "index=0.5"]) {
      const reply = json(await content(ctx, body.id, query))
      expect(reply.status).toBe(400)
      expect(reply.body.error.message).toMatch(/^index .+; .*supported: 0\)?$/)
    }
  })

  it("answers 404 for an unknown job", async () => {
    const { ctx } = clocked()
    expect(json(await content(ctx, "nope")).status).toBe(404)
  })

  it("serves the same bytes from the CDN origin without a key, once completed", async () => {
    const { ctx, advance } = clocked({ cdn: true, videoBytes: 12_345 })
    const { body } = await submit(ctx, FAST)
    const cdn = (path: string) =>
      Videos.cdnContent({ ...request("GET", path), apiKey: undefined }, ctx)
    expect((await cdn(Videos.cdnPath(body.id))).status).toBe(404)
    advance(1000)
    const served = await cdn(Videos.cdnPath(body.id))
    expect(served).toMatchObject({ _tag: "bytes", status: 200, size: 12_345, headers: { "content-type": "video/mp4" } })
    const direct = await content(ctx, body.id)
    if (served._tag !== "bytes" || direct._tag !== "bytes") throw new Error("expected generated video bytes")
    expect(served.bytesAt?.(0, 12_345)).toEqual(direct.bytesAt?.(0, 12_345))
    const missing = await cdn("/videos/unknown.mp4")
    expect(missing.status).toBe(404)
    expect(missing.headers?.["content-type"]).toContain("text/plain")
    expect((await cdn("/elsewhere")).status).toBe(404)
  })
})

describe("paths", () => {
  it("takes the job id from the poll and content paths", () => {
    expect(Videos.jobIdOf("/videos/abc123")).toBe("abc123")
    expect(Videos.jobIdOf("/videos/abc123/content")).toBe("abc123")
    expect(Videos.jobIdOf("/videos/job%2D1")).toBe("job-1")
    expect(Videos.jobIdOf("/videos/")).toBeUndefined()
    expect(Videos.jobIdOf("/videos/a/b")).toBeUndefined()
    expect(Videos.jobIdOf("/chat/completions")).toBeUndefined()
  })

  it("names a job's CDN file /videos/<id>.mp4 and reads it back", () => {
    expect(Videos.cdnPath("Vd4kP9sQw2Lr7Tm1Xc8B")).toBe("/videos/Vd4kP9sQw2Lr7Tm1Xc8B.mp4")
    expect(Videos.cdnJobIdOf("/videos/Vd4kP9sQw2Lr7Tm1Xc8B.mp4")).toBe("Vd4kP9sQw2Lr7Tm1Xc8B")
    expect(Videos.cdnJobIdOf("/videos/Vd4kP9sQw2Lr7Tm1Xc8B")).toBeUndefined()
  })
})

describe("previous_job_id", () => {
  it("extends only a completed job of the same model, owned by the caller", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, FAST)
    const early = await submit(ctx, { ...FAST, previous_job_id: body.id })
    expect(early.status).toBe(409)
    expect(early.body.error.message).toContain("pending")
    advance(1000)
    const otherModel = await submit(ctx, { ...FAST, model: "google/veo-3.1", previous_job_id: body.id })
    expect(otherModel.status).toBe(400)
    expect(otherModel.body.error.message).toContain("google/veo-3.1-fast")
    expect((await submit(ctx, { ...FAST, previous_job_id: "missing" })).status).toBe(404)
    expect((await submit(ctx, { ...FAST, previous_job_id: body.id }, { apiKey: "sk-or-v1-other" })).status).toBe(404)
    expect((await submit(ctx, { ...FAST, previous_job_id: body.id })).status).toBe(202)
  })
})

describe("webhooks", () => {
  it("describes the POST to callback_url once the job has ended", async () => {
    const { ctx, advance } = clocked()
    const { body } = await submit(ctx, { ...FAST, callback_url: "https://hooks.example.test/video" })
    expect(Videos.webhook(ctx, body.id)).toBeUndefined()
    advance(1000)
    const hook = Videos.webhook(ctx, body.id)
    expect(hook?.url).toBe("https://hooks.example.test/video")
    expect(hook?.headers["X-OpenRouter-Idempotency-Key"]).toBe(`${body.id}-completed`)
    expect(hook?.body).toMatchObject({
      type: "video.generation.completed",
      created_at: new Date(1_786_000_001_000).toISOString(),
      data: { id: body.id, status: "completed", model: "google/veo-3.1-fast", usage: { is_byok: false } }
    })
  })

  it("reports a scripted failure, and nothing for a job without callback_url", async () => {
    const { ctx, advance } = clocked()
    const failing = await submit(ctx, { ...FAST, callback_url: "https://hooks.example.test/video" }, {
      fault: { kind: "video-outcome", outcome: "expired" }
    })
    const silent = await submit(ctx, FAST)
    advance(1000)
    expect(Videos.webhook(ctx, failing.body.id)?.body).toMatchObject({
      type: "video.generation.expired",
      data: { status: "expired", generation_id: null, error: "Job exceeded maximum time to live" }
    })
    expect(Videos.webhook(ctx, silent.body.id)).toBeUndefined()
  })
})

describe("capability checks (400)", () => {
  it("rejects an unknown model with the not-a-valid-model-ID body", async () => {
    const { ctx } = clocked()
    const reply = await submit(ctx, { model: "acme/not-a-model", prompt: "x" })
    expect(reply.status).toBe(400)
    expect(reply.body.error).toMatchObject({
      code: 400,
      message: "acme/not-a-model is not a valid model ID",
      metadata: { error_type: "invalid_request" },
      availability: { code: "model_not_found", retryable: false, requested_models: ["acme/not-a-model"] }
    })
  })

  it("rejects an unsupported duration with the reference's exact body (§12.5 R)", async () => {
    const { ctx } = clocked()
    const reply = await submit(ctx, { ...EXAMPLE_L, duration: 7 })
    expect(reply.status).toBe(400)
    expect(reply.body).toEqual({
      error: {
        code: 400,
        message: "duration 7 is not supported by google/veo-3.1-lite; supported: 4, 6, 8",
        metadata: { error_type: "invalid_request" }
      },
      user_id: expect.any(String)
    })
  })

  const rejected: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["a missing model", { prompt: "x" }, "model is required, got undefined"],
    ["a missing prompt without frame images", { model: "google/veo-3.1-fast" }, "prompt is required by google/veo-3.1-fast unless frame_images are given"],
    ["a non-integer duration", { ...FAST, duration: 5.5 }, "duration must be an integer >= 1, got 5.5"],
    ["a duration of another model", { ...FAST, model: "kwaivgi/kling-v3.0-std", duration: 8 }, "duration 8 is not supported by kwaivgi/kling-v3.0-std; supported: 5, 10"],
    ["an unsupported resolution", { ...FAST, resolution: "4K" }, "resolution 4K is not supported by google/veo-3.1-fast; supported: 720p, 1080p"],
    ["an unknown resolution", { ...FAST, resolution: "720P" }, "resolution 720P is not a valid resolution; supported: 720p, 1080p"],
    ["an unsupported aspect ratio", { ...FAST, aspect_ratio: "1:1" }, "aspect_ratio 1:1 is not supported by google/veo-3.1-fast; supported: 16:9, 9:16"],
    ["an unknown aspect ratio", { ...FAST, aspect_ratio: "5:4" }, "aspect_ratio 5:4 is not a valid aspect_ratio; supported: 16:9, 9:16"],
    ["an unsupported size", { ...FAST, size: "640x480" }, "size 640x480 is not supported by google/veo-3.1-fast; supported: 1280x720, 720x1280, 1920x1080, 1080x1920"],
    ["a size on a model without sizes", { model: "kwaivgi/kling-v3.0-std", prompt: "x", size: "1280x720" }, "size 1280x720 is not supported by kwaivgi/kling-v3.0-std; supported: none (use resolution and aspect_ratio)"],
    ["a malformed size", { ...FAST, size: "big" }, "size big is not valid; supported: WIDTHxHEIGHT, e.g. 1280x720"],
    [
      "a frame type the model lacks",
      { model: "minimax/hailuo-2.3", prompt: "x", frame_images: [{ type: "image_url", image_url: { url: "https://e.test/a.png" }, frame_type: "last_frame" }] },
      "frame_type last_frame is not supported by minimax/hailuo-2.3; supported: first_frame"
    ],
    [
      "a frame image on a model without frame images",
      { model: "kwaivgi/kling-v3.0-std", prompt: "x", frame_images: [{ type: "image_url", image_url: { url: "https://e.test/a.png" }, frame_type: "first_frame" }] },
      "frame_type first_frame is not supported by kwaivgi/kling-v3.0-std; supported: none"
    ],
    [
      "too many frame images",
      {
        ...FAST,
        frame_images: ["first_frame", "last_frame", "first_frame"].map((frame_type) => ({ type: "image_url", image_url: { url: "https://e.test/a.png" }, frame_type }))
      },
      "frame_images has 3 images; google/veo-3.1-fast accepts at most 2 (first_frame, last_frame)"
    ],
    [
      "two images on a one-frame model",
      {
        model: "minimax/hailuo-2.3",
        prompt: "x",
        frame_images: ["first_frame", "first_frame"].map((frame_type) => ({ type: "image_url", image_url: { url: "https://e.test/a.png" }, frame_type }))
      },
      "frame_images has 2 images; minimax/hailuo-2.3 accepts at most 1 (first_frame)"
    ],
    [
      "the same frame type twice",
      {
        ...FAST,
        frame_images: ["first_frame", "first_frame"].map((frame_type) => ({ type: "image_url", image_url: { url: "https://e.test/a.png" }, frame_type }))
      },
      "frame_images has more than one first_frame; each frame_type may appear once"
    ],
    [
      "an unknown frame type",
      { ...FAST, frame_images: [{ type: "image_url", image_url: { url: "https://e.test/a.png" }, frame_type: "middle_frame" }] },
      "frame_images[0].frame_type middle_frame is not valid; supported: first_frame, last_frame"
    ],
    [
      "a frame image URL that is neither https nor data",
      { ...FAST, frame_images: [{ type: "image_url", image_url: { url: "ftp://e.test/a.png" }, frame_type: "first_frame" }] },
      "frame_images[0].image_url.url ftp://e.test/a.png is not valid; supported: an https URL or a data:image/...;base64 URL"
    ],
    [
      "an input reference of an unknown type",
      { ...FAST, input_references: [{ type: "file_url", file_url: { url: "https://e.test/a" } }] },
      "input_references[0].type file_url is not valid; supported: image_url, audio_url, video_url"
    ],
    ["audio from a model without audio", { model: "kwaivgi/kling-v3.0-std", prompt: "x", generate_audio: true }, "generate_audio true is not supported by kwaivgi/kling-v3.0-std; supported: false"],
    ["a fractional seed", { ...FAST, seed: 1.5 }, "seed must be an integer, got 1.5"],
    ["an http callback_url", { ...FAST, callback_url: "http://hooks.example.test/x" }, "callback_url http://hooks.example.test/x is not valid; supported: an https URL"],
    [
      "a passthrough parameter the model does not allow",
      { ...FAST, provider: { options: { "google-vertex": { parameters: { sampleCount: 4 } } } } },
      "provider.options.google-vertex.parameters.sampleCount is not an allowed passthrough parameter for google/veo-3.1-fast; allowed: personGeneration, negativePrompt, enhancePrompt"
    ],
    ["upscale_factor on a generation model", { ...FAST, upscale_factor: 2 }, "upscale_factor 2 is not supported by google/veo-3.1-fast; supported: upscaling models only"],
    ["creativity on a generation model", { ...FAST, creativity: 1 }, "creativity 1 is not supported by google/veo-3.1-fast; supported: upscaling models only"],
    ["a body that is not an object", [] as unknown as Record<string, unknown>, "Request body must be a JSON object, got []"]
  ]

  for (const [name, body, message] of rejected) {
    it(`rejects ${name}`, async () => {
      const { ctx } = clocked()
      const reply = await submit(ctx, body)
      expect(reply.status).toBe(400)
      expect(reply.body.error).toEqual({ code: 400, message, metadata: { error_type: "invalid_request" } })
      expect(Videos.jobs(ctx).size).toBe(0)
    })
  }

  const accepted: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["every veo duration", { ...FAST, duration: 4 }],
    ["kling's 10 s square video", { model: "kwaivgi/kling-v3.0-std", prompt: "x", duration: 10, aspect_ratio: "1:1", resolution: "1080p" }],
    ["hailuo's 768p", { model: "minimax/hailuo-2.3", prompt: "x", resolution: "768p", duration: 6 }],
    [
      "a frame image without a prompt",
      { model: "google/veo-3.1-fast", frame_images: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" }, frame_type: "first_frame" }] }
    ],
    ["an allowed passthrough parameter", { ...FAST, provider: { options: { "google-vertex": { parameters: { personGeneration: "allow_all" } } } } }],
    ["provider options without parameters", { ...FAST, provider: { options: { "google-vertex": { output_config: { effort: "low" } } } } }],
    ["audio and video references (ignored by most providers)", { ...FAST, input_references: [{ type: "audio_url", audio_url: { url: "https://e.test/a.mp3" } }] }],
    ["a seed on a model without seed support (ignored)", { model: "kwaivgi/kling-v3.0-std", prompt: "x", seed: 7 }],
    ["unknown extra fields", { ...FAST, something_new: true }]
  ]

  for (const [name, body] of accepted) {
    it(`accepts ${name}`, async () => {
      const { ctx } = clocked()
      expect((await submit(ctx, body)).status).toBe(202)
    })
  }
})

describe("GET /videos/models", () => {
  const REQUIRED = [
    "id", "canonical_slug", "name", "created", "supported_resolutions", "supported_aspect_ratios", "supported_sizes",
    "supported_durations", "supported_frame_images", "upscale_factor", "creativity", "generate_audio", "seed",
    "allowed_passthrough_parameters"
  ]

  it("lists every model in the VideoModel shape", async () => {
    const reply = json(await VideoModels.videoModels(request("GET", "/videos/models"), context()))
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body)).toEqual(["data"])
    const data: ReadonlyArray<Record<string, unknown>> = reply.body.data
    expect(data.length).toBeGreaterThanOrEqual(3)
    for (const model of data) {
      for (const key of REQUIRED) expect(model).toHaveProperty(key)
      expect(typeof model["id"]).toBe("string")
      expect(model["canonical_slug"]).toBe(model["id"])
      expect(Number.isInteger(model["created"])).toBe(true)
      const listOrNull = (key: string, allowed?: ReadonlyArray<unknown>) => {
        const value = model[key]
        if (value === null) return
        expect(Array.isArray(value)).toBe(true)
        if (allowed !== undefined) for (const v of value as Array<unknown>) expect(allowed).toContain(v)
      }
      listOrNull("supported_resolutions", VideoModels.RESOLUTIONS)
      listOrNull("supported_aspect_ratios", VideoModels.ASPECT_RATIOS)
      listOrNull("supported_frame_images", VideoModels.FRAME_TYPES)
      listOrNull("supported_sizes")
      listOrNull("supported_durations")
      for (const key of ["generate_audio", "seed"]) expect([true, false, null]).toContain(model[key])
      const skus = model["pricing_skus"] as Record<string, unknown> | null
      if (skus !== null) for (const price of Object.values(skus)) expect(price).toMatch(/^\d+(\.\d+)?$/)
      expect(Array.isArray(model["allowed_passthrough_parameters"])).toBe(true)
    }
  })

  it("lists google/veo-3.1-fast with OpenClaw's expected capabilities", () => {
    expect(VideoModels.find("google/veo-3.1-fast")).toMatchObject({
      supported_durations: [4, 6, 8],
      supported_resolutions: ["720p", "1080p"],
      supported_aspect_ratios: ["16:9", "9:16"],
      supported_frame_images: ["first_frame", "last_frame"],
      generate_audio: true,
      pricing_skus: { "per-video-second": expect.any(String) },
      allowed_passthrough_parameters: expect.arrayContaining(["negativePrompt"])
    })
  })

  it("lists a model with 5/10 s and 1:1 but no frame images", () => {
    expect(VideoModels.find("kwaivgi/kling-v3.0-std")).toMatchObject({
      supported_durations: [5, 10],
      supported_aspect_ratios: expect.arrayContaining(["1:1"]),
      supported_frame_images: null
    })
  })

  it("serves the reference's veo-3.1-lite entry exactly (§12.5 S)", () => {
    expect(VideoModels.find("google/veo-3.1-lite")).toEqual({
      id: "google/veo-3.1-lite",
      canonical_slug: "google/veo-3.1-lite",
      name: "Google: Veo 3.1 Lite",
      description: "Fast, low-cost Veo 3.1 variant.",
      created: 1774000000,
      supported_resolutions: ["720p", "1080p"],
      supported_aspect_ratios: ["16:9", "9:16"],
      supported_sizes: ["1280x720", "720x1280", "1920x1080", "1080x1920"],
      supported_durations: [4, 6, 8],
      supported_frame_images: ["first_frame", "last_frame"],
      generate_audio: true,
      seed: true,
      pricing_skus: { "per-video-second": "0.10", "per-video-second-1080p": "0.15" },
      allowed_passthrough_parameters: ["personGeneration", "negativePrompt", "enhancePrompt"],
      upscale_factor: null,
      creativity: null,
      hugging_face_id: null
    })
  })

  it("finds nothing for an unknown id", () => {
    expect(VideoModels.find("acme/nothing")).toBeUndefined()
  })
})

describe("capability checker: properties", () => {
  const modelIds = VideoModels.catalogue.map((m) => m.id)
  const frame = fc.record({
    type: fc.constantFrom("image_url", "image"),
    image_url: fc.record({ url: fc.constantFrom("https://e.test/a.png", "data:image/png;base64,AAAA", "ftp://x", "") }),
    frame_type: fc.constantFrom("first_frame", "last_frame", "middle_frame")
  })
  const plausible = fc.record(
    {
      model: fc.oneof(fc.constantFrom(...modelIds), fc.constantFrom("acme/x", ""), fc.jsonValue()),
      prompt: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue()),
      duration: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double(), fc.jsonValue()),
      resolution: fc.oneof(fc.constantFrom(...VideoModels.RESOLUTIONS, "720P", "8K"), fc.jsonValue()),
      aspect_ratio: fc.oneof(fc.constantFrom(...VideoModels.ASPECT_RATIOS, "5:4"), fc.jsonValue()),
      size: fc.oneof(fc.constantFrom("1280x720", "1920x1080", "720x720", "640x480", "big"), fc.jsonValue()),
      frame_images: fc.oneof(fc.array(frame, { maxLength: 4 }), fc.jsonValue()),
      input_references: fc.oneof(fc.constant([{ type: "image_url", image_url: { url: "https://e.test/r.png" } }]), fc.jsonValue()),
      generate_audio: fc.oneof(fc.boolean(), fc.jsonValue()),
      seed: fc.oneof(fc.integer(), fc.jsonValue()),
      callback_url: fc.oneof(fc.constantFrom("https://e.test/hook", "http://e.test/hook", "nope"), fc.jsonValue()),
      provider: fc.oneof(
        fc.record({ options: fc.dictionary(fc.string({ maxLength: 8 }), fc.record({ parameters: fc.dictionary(fc.constantFrom("negativePrompt", "sampleCount", "cfg_scale"), fc.jsonValue()) })) }),
        fc.jsonValue()
      ),
      previous_job_id: fc.oneof(fc.string({ maxLength: 5 }), fc.jsonValue())
    },
    { requiredKeys: [] }
  )

  it.prop(
    "never throws on arbitrary JSON, and rejects with an OpenRouter 400",
    [fc.oneof(fc.jsonValue(), plausible)],
    ([body]) => {
      const result = VideoModels.check(body)
      if (Either.isLeft(result)) {
        const reply = json(result.left)
        expect(reply.status).toBe(400)
        expect(reply.body.error.code).toBe(400)
        expect(typeof reply.body.error.message).toBe("string")
      }
    },
    { fastCheck: { numRuns: propertyRuns(2000) } }
  )

  it.prop(
    "accepted bodies use only values the model allows",
    [plausible],
    ([body]) => {
      const result = VideoModels.check(body)
      if (Either.isLeft(result)) return
      const b = body as Record<string, any>
      const model = VideoModels.find(b["model"])
      expect(model).toBeDefined()
      if (model === undefined) return
      if (b["duration"] !== undefined && model.supported_durations !== null) expect(model.supported_durations).toContain(b["duration"])
      expect(model.supported_durations ?? [result.right.duration]).toContain(result.right.duration)
      if (b["resolution"] !== undefined) expect(model.supported_resolutions ?? VideoModels.RESOLUTIONS).toContain(b["resolution"])
      if (b["aspect_ratio"] !== undefined) expect(model.supported_aspect_ratios ?? VideoModels.ASPECT_RATIOS).toContain(b["aspect_ratio"])
      if (b["size"] !== undefined) expect(model.supported_sizes ?? []).toContain(b["size"])
      const frames: Array<any> = b["frame_images"] ?? []
      expect(frames.length).toBeLessThanOrEqual((model.supported_frame_images ?? []).length)
      for (const f of frames) expect(model.supported_frame_images).toContain(f.frame_type)
      expect(new Set(frames.map((f) => f.frame_type)).size).toBe(frames.length)
      if (b["generate_audio"] === true) expect(model.generate_audio).toBe(true)
      if (b["prompt"] === undefined || String(b["prompt"]).trim() === "") expect(frames.length).toBeGreaterThan(0)
      if (b["callback_url"] !== undefined) expect(String(b["callback_url"])).toMatch(/^https:/)
      const options = b["provider"]?.options ?? {}
      for (const settings of Object.values<any>(options)) {
        for (const name of Object.keys(settings?.parameters ?? {})) expect(model.allowed_passthrough_parameters).toContain(name)
      }
    },
    { fastCheck: { numRuns: propertyRuns(3000) } }
  )

  it.prop(
    "submitting answers 202 exactly when the checker accepts",
    [plausible],
    ([body]) => {
      const ctx = context()
      const answer = Videos.submitVideo(request("POST", "/videos", body), ctx)
      if (answer instanceof Promise) throw new Error("expected a synchronous reply")
      const reply = json(answer)
      const accepted = Either.isRight(VideoModels.check(body))
      const chained = typeof (body as Record<string, unknown>)["previous_job_id"] === "string" &&
        (body as Record<string, unknown>)["previous_job_id"] !== ""
      if (accepted && !chained) expect(reply.status).toBe(202)
      if (!accepted) expect(reply.status).toBe(400)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )
})
