// Images and speech: the request bodies of the reference (§12.3, §14.4), capability checks before
// any request, timeouts on TestClock, and end to end against the simulator.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Duration, Effect, Either, Fiber, Layer, TestClock } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Images from "../src/Images.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Speech from "../src/Speech.js"

const KEY = "sk-or-v1-media-test-000000000000000000000000000"

describe("image request bodies (§12.3)", () => {
  const prompt = "a lighthouse at dusk"

  it("Gemini gets image_config with the trimmed hints; n defaults to 1", () => {
    expect(Images.body("google/gemini-3.1-flash-image-preview", { prompt, aspectRatio: " 16:9 ", resolution: "2K" })).toEqual(
      Either.right({
        model: "google/gemini-3.1-flash-image-preview",
        messages: [{ role: "user", content: prompt }],
        modalities: ["image", "text"],
        n: 1,
        image_config: { aspect_ratio: "16:9", image_size: "2K" }
      })
    )
  })

  it("non-Gemini models never get image_config; n is truncated and clamped to 1–4", () => {
    const body = Either.getOrThrow(Images.body("openai/gpt-5.4-image-2", { prompt, aspectRatio: "1:1", count: 9.7 }))
    expect(body).not.toHaveProperty("image_config")
    expect(body.n).toBe(4)
    expect([0, -3, 2.9, Number.NaN, Infinity].map((count) => Images.countOf(count))).toEqual([1, 1, 2, 1, 1])
  })

  it("input images become data URLs in a content array after the prompt text", () => {
    const body = Either.getOrThrow(Images.body("google/gemini-3-pro-image-preview", {
      prompt,
      inputImages: [{ bytes: new Uint8Array([1, 2, 3]), mimeType: "image/jpeg" }, { dataUrl: "data:image/png;base64,AAAA" }]
    }))
    expect(body.messages).toEqual([{
      role: "user",
      content: [
        { type: "text", text: prompt },
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,AQID" } },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }
      ]
    }])
  })

  it("a value the model does not support is bad input listing what is allowed; unknown models pass through", () => {
    const error = Either.getLeft(Images.body("google/gemini-3-pro-image-preview", { prompt, aspectRatio: "1:4" }))
    expect(error._tag === "Some" && error.value).toMatchObject({ _tag: "BadInput", field: "aspectRatio", value: "1:4" })
    expect(error._tag === "Some" && error.value.message).toContain("21:9")
    expect(Either.isRight(Images.body("google/gemini-3.1-flash-image-preview", { prompt, aspectRatio: "1:4", resolution: "0.5K" }))).toBe(true)
    expect(Either.isLeft(Images.body("google/gemini-3-pro-image-preview", { prompt, resolution: "0.5K" }))).toBe(true)
    expect(Either.isRight(Images.body("acme/new-image-model", { prompt, aspectRatio: "7:3", resolution: "8K" }))).toBe(true)
    const tooMany = Images.body("google/gemini-3-pro-image-preview", { prompt, inputImages: Array.from({ length: 6 }, () => ({ dataUrl: "data:image/png;base64,AAAA" })) })
    expect(Either.isLeft(tooMany)).toBe(true)
  })
})

// ---- timeouts on TestClock, with a transport that never answers ----

const hanging = Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.never))

const withConfig = (timeoutMs?: number) =>
  OpenRouter.layerDocument({
    document: timeoutMs === undefined ? {} : { agents: { defaults: { imageGenerationModel: { primary: "openrouter/google/gemini-3.1-flash-image-preview", timeoutMs } } } },
    environment: { OPENROUTER_API_KEY: KEY }
  }).pipe(Layer.provide([hanging, NodeFileSystem.layer]))

const timesOutAt = (expectedMs: number, call: Images.GenerateOptions) =>
  Effect.gen(function*() {
    const images = yield* Images.Images
    const fiber = yield* Effect.fork(Effect.flip(images.generate(call)))
    for (let i = 0; i < 1000 && (yield* TestClock.sleeps()).length === 0; i++) yield* Effect.yieldNow()
    yield* TestClock.adjust(Duration.millis(expectedMs - 1))
    expect(fiber.unsafePoll()).toBeNull()
    yield* TestClock.adjust(Duration.millis(1))
    const error = yield* Fiber.join(fiber)
    expect(error).toMatchObject({ _tag: "Timeout", source: "client", timeoutMs: expectedMs })
  })

describe("image timeouts (TestClock)", () => {
  it.effect("the call's timeoutMs wins over the config", () =>
    timesOutAt(2000, { prompt: "x", timeoutMs: 2000 }).pipe(Effect.provide(withConfig(5000))))
  it.effect("the config's timeoutMs wins over 180 s", () =>
    timesOutAt(5000, { prompt: "x" }).pipe(Effect.provide(withConfig(5000))))
  it.effect("180 s when nothing is set", () =>
    timesOutAt(180_000, { prompt: "x" }).pipe(Effect.provide(withConfig())))
})

describe("speech requests (§14.4)", () => {
  const plain = (document: unknown = {}) =>
    OpenRouter.layerDocument({ document, environment: { OPENROUTER_API_KEY: KEY } }).pipe(
      Layer.provide([Layer.succeed(HttpClient.HttpClient, HttpClient.make((request) => Effect.succeed(HttpClientResponse.fromWeb(request, new Response("x"))))), NodeFileSystem.layer])
    )

  it.effect("defaults kokoro, af_alloy and mp3, always sending response_format", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const prepared = yield* speech.prepare({ text: "Hello there" })
      expect(prepared.body).toEqual({ model: "hexgrad/kokoro-82m", input: "Hello there", voice: "af_alloy", response_format: "mp3" })
      expect(prepared.url).toBe("https://openrouter.ai/api/v1/audio/speech")
      expect(prepared.headers["X-OpenRouter-Title"]).toBe("OpenClaw")
      expect(prepared.headers["content-type"]).toBe("application/json")
    }).pipe(Effect.provide(plain())))

  it.effect("config with modelId/voiceId, speed, provider routing and the configured base URL", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const prepared = yield* speech.prepare({ text: "Hi" })
      expect(prepared.body).toEqual({
        model: "openai/gpt-4o-mini-tts",
        input: "Hi",
        voice: "nova",
        response_format: "pcm",
        speed: 1.25,
        provider: { order: ["openai"] }
      })
      expect(prepared.url).toBe("https://proxy.example.com/v1/audio/speech")
      expect(prepared.headers).not.toHaveProperty("X-OpenRouter-Title")
    }).pipe(Effect.provide(plain({
      models: { providers: { openrouter: { baseUrl: "https://proxy.example.com/v1" } } },
      messages: { tts: { providers: { openrouter: { modelId: "openai/gpt-4o-mini-tts", voiceId: "nova", responseFormat: "PCM", speed: 1.25, provider: { order: ["openai"] } } } } }
    }))))

  it.effect("a responseFormat other than mp3 or pcm is a config error", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const error = yield* Effect.flip(speech.prepare({ text: "Hi", format: "wav" }))
      expect(error._tag).toBe("BadInput")
      expect(error.message).toContain("mp3, pcm")
    }).pipe(Effect.provide(plain())))
})

// ---- end to end against the simulator ----

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

const live = () =>
  OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, connectTo: `127.0.0.1:${sim.port}` }).pipe(
    Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeFileSystem.layer))
  )

const pngSize = (bytes: Uint8Array) => {
  const view = Buffer.from(bytes)
  expect(view.subarray(1, 4).toString("latin1")).toBe("PNG")
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) }
}

describe("against the simulator", () => {
  it.live("a generated image decodes as a PNG with the requested aspect ratio, and is saved atomically", () =>
    Effect.gen(function*() {
      const images = yield* Images.Images
      const result = yield* images.generate({ prompt: "a wide landscape", aspectRatio: "16:9", resolution: "1K", count: 2 })
      expect(result.images).toHaveLength(2)
      const { width, height } = pngSize(result.images[0]!.bytes)
      expect(width / height).toBeCloseTo(16 / 9, 1)
      expect(result.images.map((image) => image.fileName)).toEqual(["image-1.png", "image-2.png"])
      const dir = join(mkdtempSync(join(tmpdir(), "ore-images-")), "out")
      const paths = yield* Images.save(result.images, dir)
      expect(pngSize(readFileSync(paths[0]!))).toEqual({ width, height })
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.validation).toEqual({ ok: true })
      expect(entry?.headers["content-type"]).toBe("application/json")
    }).pipe(Effect.provide(live())))

  it.live("speech bytes are written as .mp3", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const path = join(mkdtempSync(join(tmpdir(), "ore-speech-")), "hello.mp3")
      const saved = yield* speech.synthesizeToFile({ text: "Hello from the test" }, path)
      expect(saved).toMatchObject({ format: "mp3", mimeType: "audio/mpeg", fileExtension: ".mp3", path })
      const bytes = readFileSync(path)
      expect(bytes.length).toBe(saved.size)
      expect(bytes[0]).toBe(0xff)
      const inMemory = yield* speech.synthesize({ text: "Hello from the test", format: "pcm" })
      expect(inMemory.mimeType).toBe("audio/pcm")
      expect(inMemory.bytes.byteLength).toBeGreaterThan(0)
    }).pipe(Effect.provide(live())))

  it.live("a transcription returns its text", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const transcript = yield* speech.transcribe({ audio: new Uint8Array(64).fill(7), fileName: "clip.wav" })
      expect(typeof transcript.text).toBe("string")
      expect(transcript.model).toBe("openai/whisper-large-v3-turbo")
      const [entry] = sim.journal.list({ path: "/audio/transcriptions" })
      expect((entry?.body as { input_audio: { format: string } }).input_audio.format).toBe("wav")
    }).pipe(Effect.provide(live())))

  it.live("an image request the server may have accepted is not repeated (502)", () =>
    Effect.gen(function*() {
      const images = yield* Images.Images
      sim.journal.clear()
      sim.faults.add("POST /chat/completions", { kind: "status", status: 502 })
      const error = yield* Effect.flip(images.generate({ prompt: "x" }))
      expect(error._tag).toBe("Upstream")
      expect(sim.journal.list({ path: "/chat/completions" })).toHaveLength(1)
    }).pipe(Effect.provide(live())))
})
