// The plain entry point (issue 20): `OpenRouter.layer({ apiKey })` and `layerConfig`, with no
// config file, no environment and no FileSystem, against the simulator over undici; video over it
// with `layerVideos` and a FileSystem provided separately.
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Config, ConfigProvider, Effect, Layer, Redacted, Stream } from "effect"
import { mkdtempSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Chat, Images, OpenRouter, OpenRouterConfig, Videos } from "../src/index.js"

const KEY = "sk-or-v1-plain-layer-000000000000000000000000000plai"
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 300, videoBytes: 200_000, cdn: true })
})
afterAll(() => sim.close())
afterEach(() => sim.journal.clear())

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }

// The verified route (https://openrouter.ai/api/v1) reached through connectTo: attribution applies.
const plain = (options: Partial<OpenRouter.LayerOptions> = {}) =>
  OpenRouter.layer({ apiKey: Redacted.make(KEY), connectTo: `127.0.0.1:${sim.port}`, ...options }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )

describe("OpenRouter.layer", () => {
  it("needs only an HttpClient (a compile-time check: no FileSystem in its requirements)", () => {
    const layer = OpenRouter.layer({ apiKey: Redacted.make(KEY) })
    const requirements: Layer.Layer<OpenRouter.CoreServices, unknown, HttpClient.HttpClient> = layer
    expect(Layer.isLayer(requirements)).toBe(true)
  })

  it.live("completes and streams with the key given in code; attribution is the default identity", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const completion = yield* chat.complete(hello)
      expect(completion.text).toBe(sim.context.options.replyText)
      const events = yield* Stream.runCollect(chat.stream(hello))
      expect([...events].some((event) => event._tag === "Finish")).toBe(true)
      const entries = sim.journal.list({ path: "/chat/completions" })
      expect(entries).toHaveLength(2)
      for (const entry of entries) {
        expect(entry.status).toBe(200)
        expect(entry.validation).toEqual({ ok: true })
        expect(entry.headers.authorization).toBe(`Bearer …${KEY.slice(-4)}`)
        expect(entry.headers["x-openrouter-title"]).toBe("OpenClaw")
        expect((entry.body as { model: string }).model).toBe("openrouter/auto")
      }
    }).pipe(Effect.provide(plain())))

  it.live("attribution, model, fallbacks, params and headers come from the options", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello)
      yield* chat.complete(hello, { model: "openai/gpt-4o-mini" })
      const [first, second] = sim.journal.list({ path: "/chat/completions" })
      expect(first?.headers["http-referer"]).toBe("https://example.com/my-app")
      expect(first?.headers["x-openrouter-title"]).toBe("My App")
      expect(first?.headers["x-openrouter-categories"]).toBe("general-chat")
      expect(first?.headers["x-team"]).toBe("blue")
      expect(first?.body).toMatchObject({ model: "openai/gpt-4o", models: ["openai/gpt-4o-mini"], temperature: 0.25 })
      // A model of `models`: its params over the shared ones.
      expect(second?.body).toMatchObject({ model: "openai/gpt-4o-mini", temperature: 0.9 })
    }).pipe(Effect.provide(plain({
      attribution: { referer: "https://example.com/my-app", title: "My App", categories: ["general-chat"] },
      model: "openai/gpt-4o",
      fallbacks: ["openai/gpt-4o-mini"],
      models: { "openai/gpt-4o-mini": { params: { temperature: 0.9 } } },
      params: { temperature: 0.25 },
      headers: { "X-Team": "blue" }
    }))))

  it.live("a custom base URL: no attribution (the route policy is the same as the config file's)", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello)
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.headers["x-openrouter-title"]).toBeUndefined()
      expect(entry?.headers.authorization).toBe(`Bearer …${KEY.slice(-4)}`)
    }).pipe(Effect.provide(OpenRouter.layer({ apiKey: Redacted.make(KEY), baseUrl: sim.baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici)))))

  it.live("reads no environment and keeps the key out of the config service", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig.OpenRouterConfig
      expect(config.environment).toEqual({})
      expect(config.fileFound).toBe(false)
      expect(JSON.stringify(config.raw)).not.toContain(KEY)
      expect(String(config)).not.toContain(KEY)
      const settings = yield* config.chat()
      expect(settings.key.source).toBe("call")
      expect(Redacted.value(settings.key.apiKey.pipe((o) => (o._tag === "Some" ? o.value : Redacted.make(""))))).toBe(KEY)
    }).pipe(
      Effect.provide(plain()),
      // A key in the environment would be ignored: none is read.
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", "sk-or-v1-env-must-not-be-used"]])))
    ))

  it.live("images work without a FileSystem", () =>
    Effect.gen(function*() {
      const images = yield* Images.Images
      const result = yield* images.generate({ prompt: "a lighthouse" })
      expect(result.images.length).toBeGreaterThan(0)
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.headers["x-openrouter-title"]).toBe("Video Maker")
    }).pipe(Effect.provide(plain({ attribution: { referer: "https://example.com", title: "Video Maker", categories: [] } }))))

  it.live("a blank key is a ConfigError when the layer is built", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(OpenRouter.layer({ apiKey: Redacted.make("  ") }).pipe(Layer.provide(NodeHttpClient.layerUndici))))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("apiKey is empty")
    }).pipe(Effect.scoped))

  it.live("attribution without categories (a caller without the types): none sent, every call goes through", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello)
      yield* Stream.runDrain(chat.stream(hello))
      const entries = sim.journal.list({ path: "/chat/completions" })
      expect(entries.map((entry) => entry.status)).toEqual([200, 200])
      for (const entry of entries) {
        expect(entry.headers["x-openrouter-title"]).toBe("Untyped App")
        expect(entry.headers["x-openrouter-categories"]).toBeUndefined()
      }
    }).pipe(Effect.provide(plain({ attribution: { referer: "https://example.com", title: "Untyped App" } as unknown as OpenRouter.LayerOptions["attribution"] }))))

  it.live("attribution of the wrong shape is a ConfigError naming the field when the layer is built", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        ["OpenClaw", "attribution"],
        [{ title: "T", categories: [] }, "attribution.referer"],
        [{ referer: "https://example.com", title: 7, categories: [] }, "attribution.title"],
        [{ referer: "https://example.com", title: "T", categories: "general-chat" }, "attribution.categories"],
        [{ referer: "https://example.com", title: "T", categories: ["general-chat", 3] }, "attribution.categories[1]"],
        [{ referer: "https://example.com", title: "T\r\nX-Evil: 1", categories: [] }, "attribution.title"]
      ]
      for (const [attribution, path] of cases) {
        const layer = OpenRouter.layer({ apiKey: Redacted.make(KEY), attribution: attribution as OpenRouter.LayerOptions["attribution"] })
        const error = yield* Effect.flip(Layer.build(layer.pipe(Layer.provide(NodeHttpClient.layerUndici))))
        expect(error._tag).toBe("ConfigError")
        expect(error._tag === "ConfigError" && error.path).toBe(path)
        expect(error.message).toContain(path)
      }
    }).pipe(Effect.scoped))
})

describe("OpenRouter.layerConfig", () => {
  it.live("reads the key through Config (the current ConfigProvider)", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello)
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.headers.authorization).toBe(`Bearer …${KEY.slice(-4)}`)
      expect((entry?.body as { model: string }).model).toBe("openai/gpt-4o")
    }).pipe(
      Effect.provide(
        OpenRouter.layerConfig({
          apiKey: Config.redacted("OPENROUTER_API_KEY"),
          baseUrl: Config.string("MY_BASE_URL").pipe(Config.option, Config.map((o) => (o._tag === "Some" ? o.value : undefined))),
          model: Config.string("MY_MODEL").pipe(Config.withDefault("openai/gpt-4o"))
        }).pipe(Layer.provide(NodeHttpClient.layerUndici))
      ),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", KEY], ["MY_BASE_URL", sim.baseUrl]])))
    ))

  it.live("a missing key is a ConfigError naming the variable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(OpenRouter.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("OPENROUTER_API_KEY")
    }).pipe(Effect.scoped, Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))
})

describe("OpenRouter.layerVideos", () => {
  it.live("adds video over the plain layer, with a FileSystem provided separately", () =>
    Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const stateDir = mkdtempSync(join(tmpdir(), "ore-plain-video-"))
      const output = join(stateDir, "out.mp4")
      const result = yield* videos.generate({ prompt: "a cat", output, schedule: undefined })
      expect(result).toMatchObject({ file: output, size: 200_000 })
      expect(statSync(output).size).toBe(200_000)
      const [submit] = sim.journal.list({ method: "POST", path: "/videos" })
      expect(submit?.headers.authorization).toBe(`Bearer …${KEY.slice(-4)}`)
      expect(submit?.validation).toEqual({ ok: true })
    }).pipe(
      Effect.provide(
        OpenRouter.layerVideos().pipe(
          Layer.provideMerge(OpenRouter.layer({ apiKey: Redacted.make(KEY), baseUrl: sim.baseUrl, mediaHosts: sim.mediaHosts })),
          Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer])
        )
      )
    ), 20_000)
})
