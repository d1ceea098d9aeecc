// The service graph against the simulator over a real socket: the route policy and the request
// shaping are services every call consumes through their tags (replacing one changes what is
// sent), the retry schedule is replaceable per layer and per call, and every service sends to the
// base URL the layer was given (speech included).
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import { PayloadTransformers, RouteVerifier } from "@openrouter-effect/core"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Either, Exit, Layer, Schedule } from "effect"
import * as Chat from "../src/Chat.js"
import * as Images from "../src/Images.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as OpenRouterHttp from "../src/OpenRouterHttp.js"
import * as Speech from "../src/Speech.js"

const KEY = "sk-or-v1-graph-test-000000000000000000000000000wxyz"
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(async () => {
  await sim.close()
})
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }

/** All services, at the simulator's own URL (a local route: not OpenRouter's). */
const client = (options: Omit<OpenRouter.Options, "baseUrl"> = {}) =>
  OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, baseUrl: sim.baseUrl, ...options }).pipe(
    Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer])
  )

const ATTRIBUTION = ["http-referer", "x-openrouter-title", "x-openrouter-categories"]

describe("RouteVerifier is consumed through its tag", () => {
  // A host application that runs its own OpenRouter mirror on this machine verifies it.
  const trustsLoopback = Layer.succeed(RouteVerifier.RouteVerifier, {
    ...RouteVerifier.make(),
    classify: (baseUrl, provider) => {
      const classification = RouteVerifier.classify(baseUrl, provider)
      return classification.hostname === "127.0.0.1" ? { ...classification, hostVerified: true } : classification
    }
  })

  it.live("the default policy: the simulator's URL is local, no attribution headers", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" }))
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      for (const name of ATTRIBUTION) expect(entry?.headers[name]).toBeUndefined()
    }).pipe(Effect.provide(client())))

  it.live("a policy that verifies the host: chat, images and speech send attribution there", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" }))
      yield* Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "a red square" }))
      yield* Effect.flatMap(Speech.Speech, (speech) => speech.synthesize({ text: "Hello" }))
      for (const path of ["/chat/completions", "/audio/speech"]) {
        const entries = sim.journal.list({ path })
        expect(entries.length).toBeGreaterThan(0)
        for (const entry of entries) expect(entry.headers["http-referer"]).toBe("https://openclaw.ai")
      }
    }).pipe(Effect.provide(client({ routeVerifier: trustsLoopback }))))
})

describe("PayloadTransformers is consumed through its tag", () => {
  const tagging = Layer.succeed(PayloadTransformers.PayloadTransformers, {
    shape: (context, request) =>
      Either.map(PayloadTransformers.shape(context, request), (shaped) => ({ ...shaped, body: { ...shaped.body, user: "tagged-by-host" } }))
  })

  it.live("a pipeline that adds a field: the request carries it, and prepare shows it", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const prepared = yield* chat.prepare(hello, { model: "openai/gpt-4o" })
      expect(prepared.body["user"]).toBe("tagged-by-host")
      yield* chat.complete(hello, { model: "openai/gpt-4o" })
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect((entry?.body as Record<string, unknown>)["user"]).toBe("tagged-by-host")
    }).pipe(Effect.provide(client({ payloadTransformers: tagging }))))

  it.live("the default pipeline adds nothing of the kind", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" }))
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect((entry?.body as Record<string, unknown>)["user"]).toBeUndefined()
    }).pipe(Effect.provide(client())))
})

describe("one transport", () => {
  it.live("speech goes to the layer's base URL (it used to build its own transport on the config's)", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const prepared = yield* speech.prepare({ text: "Hello" })
      expect(prepared.url).toBe(`${sim.baseUrl}/audio/speech`)
      const audio = yield* speech.synthesize({ text: "Hello" })
      expect(audio.bytes.byteLength).toBeGreaterThan(0)
      expect(sim.journal.list({ path: "/audio/speech" })).toHaveLength(1)
    }).pipe(Effect.provide(client())))

  it.live("a retry schedule per layer: the chat class retried on it (three 503s, then an answer)", () =>
    Effect.gen(function*() {
      sim.faults.add("POST /chat/completions", { kind: "status", status: 503 }, 3)
      const completion = yield* Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" }))
      expect(completion.text.length).toBeGreaterThan(0)
      expect(sim.journal.list({ path: "/chat/completions" })).toHaveLength(4)
    }).pipe(Effect.provide(client({ retry: { chat: Schedule.recurs(3) } }))))

  it.live("a retry schedule per call replaces the layer's ('none': one attempt)", () =>
    Effect.gen(function*() {
      sim.faults.add("GET /models", { kind: "status", status: 503 }, 1)
      const http = yield* OpenRouterHttp.OpenRouterHttp
      const exit = yield* Effect.exit(
        http.execute(
          HttpClientRequest.get(http.url("/models")),
          { retryClass: "idempotent-get", retry: "none", timeout: "5 seconds", operation: "models", authenticate: false }
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(sim.journal.list({ path: "/models" })).toHaveLength(1)
    }).pipe(Effect.provide(client())))

  it.live("transformClient wraps the platform client every service sends through", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(Chat.Chat, (chat) => chat.complete(hello, { model: "openai/gpt-4o" }))
      yield* Effect.flatMap(Speech.Speech, (speech) => speech.synthesize({ text: "Hello" }))
      for (const path of ["/chat/completions", "/audio/speech"]) {
        const [entry] = sim.journal.list({ path })
        expect(entry?.headers["x-host-trace"]).toBe("on")
      }
    }).pipe(Effect.provide(client({ transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-host-trace", "on")) }))))

  it.live("the policy as a platform HttpClient: authorization to the base origin, errors decoded", () =>
    Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      const response = yield* http.client.get(http.url("/key"))
      expect(response.status).toBe(200)
      const [entry] = sim.journal.list({ path: "/key" })
      expect(entry?.headers.authorization).toBe("Bearer …wxyz")
      sim.faults.add("GET /key", { kind: "status", status: 503 }, 1)
      const failed = yield* Effect.flip(http.client.get(http.url("/key")))
      expect(failed._tag).toBe("Upstream")
    }).pipe(Effect.provide(client())))
})
