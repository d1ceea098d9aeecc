// The chat-only layers (issue 22, start-up): `OpenRouterChat.layer` builds `Chat` as
// `OpenRouter.layer` does and nothing of images, speech or video, and its module graph does not
// import theirs; the READMEs' embedding of a chat-only service runs verbatim. Also the empty
// config document, which is no longer decoded (no parser built on the start-up path).
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { ConfigDocument, PayloadTransformers, RouteVerifier } from "@openrouter-effect/core"
import * as Server from "@openrouter-effect/simulator/Server"
import { ConfigProvider, Effect, Either, Layer, Logger, Option, Redacted, Stream } from "effect"
import { readFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import * as Chat from "../src/Chat.js"
import * as Images from "../src/Images.js"
import * as Limits from "../src/Limits.js"
import * as Models from "../src/Models.js"
import * as OpenRouterChat from "../src/OpenRouterChat.js"
import * as OpenRouterConfig from "../src/OpenRouterConfig.js"
import * as Speech from "../src/Speech.js"
import * as VideoJobStore from "../src/VideoJobStore.js"
import * as VideoPoller from "../src/VideoPoller.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-chat-layer-00000000000000000000000000000chat"
const here = dirname(fileURLToPath(import.meta.url))
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())
afterEach(() => sim.journal.clear())

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }

const chatOnly = (options: Partial<OpenRouterChat.LayerOptions> = {}) =>
  OpenRouterChat.layer({ apiKey: Redacted.make(KEY), connectTo: `127.0.0.1:${sim.port}`, ...options }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )

describe("OpenRouterChat.layer", () => {
  it("needs only an HttpClient (a compile-time check)", () => {
    const layer: Layer.Layer<OpenRouterChat.Services, unknown, HttpClient.HttpClient> = OpenRouterChat.layer({ apiKey: Redacted.make(KEY) })
    expect(Layer.isLayer(layer)).toBe(true)
  })

  it.live("completes and streams through the same pipeline as OpenRouter.layer (attribution, model, params, headers)", () =>
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
        expect(entry.headers["x-openrouter-title"]).toBe("My App")
        expect(entry.headers["x-team"]).toBe("blue")
        expect(entry.body).toMatchObject({ model: "openai/gpt-4o", models: ["openai/gpt-4o-mini"], temperature: 0.25 })
      }
    }).pipe(Effect.provide(chatOnly({
      attribution: { referer: "https://example.com/my-app", title: "My App", categories: ["general-chat"] },
      model: "openai/gpt-4o",
      fallbacks: ["openai/gpt-4o-mini"],
      params: { temperature: 0.25 },
      headers: { "X-Team": "blue" }
    }))))

  it.live("builds no image, speech or video service", () =>
    Effect.gen(function*() {
      expect(Option.isSome(yield* Effect.serviceOption(Chat.Chat))).toBe(true)
      expect(Option.isSome(yield* Effect.serviceOption(Models.Models))).toBe(true)
      expect(Option.isSome(yield* Effect.serviceOption(OpenRouterConfig.OpenRouterConfig))).toBe(true)
      for (const tag of [Images.Images, Speech.Speech, Videos.Videos, VideoJobStore.VideoJobStore, VideoPoller.VideoPoller] as const) {
        expect(Option.isNone(yield* Effect.serviceOption(tag as never))).toBe(true)
      }
    }).pipe(Effect.provide(chatOnly())))

  it.live("a blank key and a malformed attribution are ConfigErrors naming the layer", () =>
    Effect.gen(function*() {
      const blank = yield* Effect.flip(Layer.build(OpenRouterChat.layer({ apiKey: Redacted.make("  ") }).pipe(Layer.provide(NodeHttpClient.layerUndici))))
      expect(blank._tag).toBe("ConfigError")
      expect(blank.message).toBe("OpenRouterChat.layer: apiKey is empty (give the key as Redacted.make(key))")
      const attribution = yield* Effect.flip(Layer.build(chatOnly({ attribution: { referer: "x", title: "a\nb", categories: [] } })))
      expect(attribution.message).toBe("OpenRouterChat.layer: attribution.title must not contain control characters (a header value)")
    }).pipe(Effect.scoped))
})

describe("OpenRouterChat.layer with services of your own (built as layers, beneath as in OpenRouter.layer)", () => {
  // At the simulator's own URL (a local route): the default policy sends no attribution there.
  const local = (options: Partial<OpenRouterChat.LayerOptions>) =>
    OpenRouterChat.layer({ apiKey: Redacted.make(KEY), baseUrl: sim.baseUrl, ...options }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const trustsLoopback = Layer.succeed(RouteVerifier.RouteVerifier, {
    ...RouteVerifier.make(),
    classify: (baseUrl, provider) => {
      const classification = RouteVerifier.classify(baseUrl, provider)
      return classification.hostname === "127.0.0.1" ? { ...classification, hostVerified: true } : classification
    }
  })
  const tagging = Layer.succeed(PayloadTransformers.PayloadTransformers, {
    shape: (context, request) =>
      Either.map(PayloadTransformers.shape(context, request), (shaped) => ({ ...shaped, body: { ...shaped.body, user: "tagged-by-host" } }))
  })
  const sent = () => sim.journal.list({ path: "/chat/completions" }).at(-1)

  it.live("the defaults: no attribution on a local route, nothing added to the body", () =>
    Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" })).pipe(
      Effect.map(() => {
        expect(sent()?.headers["http-referer"]).toBeUndefined()
        expect((sent()?.body as Record<string, unknown>)["user"]).toBeUndefined()
      }),
      Effect.provide(local({}))
    ))

  it.live("a route policy and a request shaping of your own are the ones every call consumes", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello, { model: "openai/gpt-4o" })
      expect(sent()?.headers["http-referer"]).toBe("https://openclaw.ai")
      expect((sent()?.body as Record<string, unknown>)["user"]).toBe("tagged-by-host")
      expect(Option.isSome(yield* Effect.serviceOption(RouteVerifier.RouteVerifier))).toBe(true)
    }).pipe(Effect.provide(local({ routeVerifier: trustsLoopback, payloadTransformers: tagging }))))

  it.live("a catalogue of your own is the Models in context", () => {
    const catalog = Layer.succeed(Models.Models, {
      list: Effect.succeed([]),
      find: () => Effect.die("not asked"),
      thinkingCapabilities: () => Effect.die("not asked: thinking is off"),
      refresh: Effect.void
    })
    return Effect.gen(function*() {
      const models = yield* Models.Models
      expect(yield* models.list).toEqual([])
      yield* Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o", thinking: "off" }))
      expect(sent()?.status).toBe(200)
    }).pipe(Effect.provide(local({ catalog })))
  })

  it.live("the limits given are the ones in force, for the services and the program", () =>
    Effect.gen(function*() {
      expect((yield* Limits.Limits).jsonBodyBytes).toBe(64)
      // A reply larger than the bound is refused by the chat service.
      const exit = yield* Effect.exit(Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" })))
      expect(exit._tag).toBe("Failure")
    }).pipe(Effect.provide(local({ limits: { jsonBodyBytes: 64 } }))))
})

describe("OpenRouterChat.layerConfig", () => {
  it.live("reads the key through Config", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello)
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.headers.authorization).toBe(`Bearer …${KEY.slice(-4)}`)
    }).pipe(
      Effect.provide(OpenRouterChat.layerConfig({ connectTo: `127.0.0.1:${sim.port}` }).pipe(Layer.provide(NodeHttpClient.layerUndici))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OPENROUTER_API_KEY", KEY]])))
    ))

  it.live("a missing key is a ConfigError naming the variable", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(OpenRouterChat.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("OpenRouterChat.layerConfig: apiKey")
      expect(error.message).toContain("OPENROUTER_API_KEY")
    }).pipe(Effect.scoped, Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))
})

// The relative imports of a source module that are values (type-only imports are erased).
const valueImports = (file: string): ReadonlyArray<string> => {
  const source = readFileSync(file, "utf8")
  return [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"(\.[^"]+)"/gms)].map((match) =>
    resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts"))
  )
}

describe("what a chat-only program loads", () => {
  it("the modules of Chat and OpenRouterChat import no image, speech or video module", () => {
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const next of valueImports(file)) visit(next)
    }
    visit(join(here, "../src/Chat.ts"))
    visit(join(here, "../src/OpenRouterChat.ts"))
    const names = [...seen].map((file) => file.slice(join(here, "../src/").length))
    expect(names).toContain("internal/chatLayers.ts")
    const media = names.filter((name) =>
      /^(Images|ImageExtraction|Speech|SpokenReply|Videos|VideoJobStore|VideoPoller|VideoRequest|OutputFile|ConversationLog|OpenRouter)\.ts$|^internal\/(video|outputFile|streamFile|openRouterLayers)/
        .test(name)
    )
    expect(media).toEqual([])
  })
})

describe("the READMEs' chat-only embedding", () => {
  it.live("runs, verbatim", () => {
    const saved = { key: process.env.OPENROUTER_API_KEY, base: process.env.OPENROUTER_BASE_URL }
    process.env.OPENROUTER_API_KEY = KEY
    process.env.OPENROUTER_BASE_URL = sim.baseUrl
    const logged: Array<unknown> = []

    // ---- the README's code ----
    const OpenRouterLive = OpenRouterChat.layer({
      apiKey: Redacted.make(process.env.OPENROUTER_API_KEY ?? ""),
      baseUrl: process.env.OPENROUTER_BASE_URL // undefined: https://openrouter.ai/api/v1
    }).pipe(Layer.provide(NodeHttpClient.layerUndici))

    const program = Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const { text } = yield* chat.complete({ messages: [{ role: "user", content: "Hello!" }] })
      yield* Effect.log(text)
    })
    // ----

    // The code above is both READMEs', character for character, after their imports by path.
    const source = readFileSync(fileURLToPath(import.meta.url), "utf8")
    const block = source.split("// ---- the README's code ----\n").at(-1)!.split("    // ----\n")[0]!
    const dedented = block.split("\n").map((line) => line.replace(/^ {4}/, "")).join("\n")
    const imports = [
      `import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"`,
      `import * as Chat from "@openrouter-effect/client/Chat"`,
      `import * as OpenRouterChat from "@openrouter-effect/client/OpenRouterChat"`,
      `import { Effect, Layer, Redacted } from "effect"`
    ].join("\n")
    for (const readme of [join(here, "../README.md"), join(here, "../../../README.md")]) {
      expect(readFileSync(readme, "utf8")).toContain(`${imports}\n\n${dedented}`)
    }

    return program.pipe(
      Effect.provide(OpenRouterLive),
      Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logged.push(message)))),
      Effect.map(() => {
        const [entry] = sim.journal.list({ path: "/chat/completions" }).slice(-1)
        expect(entry?.status).toBe(200)
        expect(logged).toEqual([[sim.context.options.replyText]])
      }),
      Effect.ensuring(Effect.sync(() => {
        if (saved.key === undefined) delete process.env.OPENROUTER_API_KEY
        else process.env.OPENROUTER_API_KEY = saved.key
        if (saved.base === undefined) delete process.env.OPENROUTER_BASE_URL
        else process.env.OPENROUTER_BASE_URL = saved.base
      }))
    )
  })
})

describe("the empty config document", () => {
  it.effect("is the empty document, as decoding it gives, without decoding it", () =>
    Effect.gen(function*() {
      expect(ConfigDocument.decode({})).toEqual(Either.right(ConfigDocument.empty))
      for (const document of [undefined, {}, Object.create(null) as object]) {
        const service = yield* OpenRouterConfig.make({ document, environment: {} })
        expect(service.document).toEqual(ConfigDocument.empty)
        expect(service.raw).toEqual({})
      }
    }))

  it.effect("anything else is still decoded: a wrong field is a ConfigError naming its path", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(OpenRouterConfig.make({ document: { agents: 42 }, environment: {} }))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("agents")
      // Not a plain object: decoded (and refused) as before.
      const array = yield* Effect.either(OpenRouterConfig.make({ document: [], environment: {} }))
      expect(Either.isLeft(array)).toBe(true)
    }))
})
