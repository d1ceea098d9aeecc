// Chat against the simulator over a real socket. The simulator runs in its own (promise) runtime;
// the client runs live with undici. The verified route is the logical https://openrouter.ai/api/v1
// reached through connectTo; the custom route is the simulator's own URL.
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as Server from "@openrouter-effect/simulator/Server"
import { Chunk, Effect, Exit, Fiber, Layer, Stream, Tracer } from "effect"
import * as Chat from "../src/Chat.js"
import * as OpenRouter from "../src/OpenRouter.js"

const KEY = "sk-or-v1-chat-test-0000000000000000000000000000wxyz"
let sim: Server.Running
const wireHosts = new Set<string>()

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(async () => {
  await sim.close()
  // No request left this machine: every socket the client opened was to 127.0.0.1.
  expect([...wireHosts]).toEqual(["127.0.0.1"])
})
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

/** undici, with every wire URL recorded. */
const transport = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) => client.pipe(HttpClient.tapRequest((request) => Effect.sync(() => wireHosts.add(new URL(request.url).hostname)))))
).pipe(Layer.provide(NodeHttpClient.layerUndici))

const client = (options: { readonly baseUrl?: string; readonly params?: Record<string, unknown> } = {}) =>
  OpenRouter.layerDocument({
    document: {
      agents: { defaults: { params: options.params ?? {} } },
      ...(options.baseUrl !== undefined ? { models: { providers: { openrouter: { baseUrl: options.baseUrl } } } } : {})
    },
    environment: { OPENROUTER_API_KEY: KEY },
    ...(options.baseUrl === undefined ? { connectTo: `127.0.0.1:${sim.port}` } : {})
  }).pipe(Layer.provide([transport, NodeFileSystem.layer]))

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }

describe("Chat.complete against the simulator", () => {
  it.live("verified route: attribution and cache headers arrive; the body is the pipeline's output and passes the OpenAPI check", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const prepared = yield* chat.prepare(hello, { model: "openai/gpt-4o" })
      const completion = yield* chat.complete(hello, { model: "openai/gpt-4o" })
      expect(completion.text).toBe(sim.context.options.replyText)
      expect(completion.cache.status).toBe("MISS")
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.headers["http-referer"]).toBe("https://openclaw.ai")
      expect(entry?.headers["x-openrouter-title"]).toBe("OpenClaw")
      expect(entry?.headers["x-openrouter-cache"]).toBe("true")
      expect(entry?.headers["x-openrouter-cache-ttl"]).toBe("120")
      expect(entry?.headers.authorization).toBe("Bearer …wxyz")
      expect(entry?.validation).toEqual({ ok: true })
      expect(JSON.stringify(entry?.body)).toBe(JSON.stringify(prepared.body))
      const again = yield* chat.complete(hello, { model: "openai/gpt-4o" })
      expect(again.cache.status).toBe("HIT")
      expect(again.response.usage?.total_tokens).toBe(0)
    }).pipe(Effect.provide(client({ params: { responseCache: true, responseCacheTtlSeconds: 120 } }))))

  it.live("custom base URL: no attribution, no cache headers", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      yield* chat.complete(hello, { model: "openai/gpt-4o" })
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      const names = Object.keys(entry?.headers ?? {})
      expect(names.filter((name) => name.startsWith("x-openrouter") || name === "http-referer")).toEqual([])
      expect(entry?.headers.authorization).toBe("Bearer …wxyz")
    }).pipe(Effect.provide(client({ baseUrl: sim.baseUrl, params: { responseCache: true } }))))

  it.live("an http base URL to another host is refused before any request", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(client({ baseUrl: "http://proxy.example.com/v1" }))))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(JSON.stringify(exit)).toContain("ConfigError")
      expect(sim.journal.list()).toEqual([])
    }))

  it.live("server errors arrive as typed errors with OpenRouter's message", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", Faults.insufficientCredits())
      const error = yield* Effect.flip(chat.complete(hello, { model: "openai/gpt-4o" }))
      expect(error._tag).toBe("InsufficientCredits")
      expect(error.message).toContain("requires more credits")
      expect(sim.journal.list({ path: "/chat/completions" })).toHaveLength(1)
    }).pipe(Effect.provide(client())))

  it.live("the timeout bounds the whole completion", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", { kind: "latency", ms: 1500 })
      const error = yield* Effect.flip(chat.complete(hello, { model: "openai/gpt-4o", timeout: "200 millis" }))
      expect(error).toMatchObject({ _tag: "Timeout", source: "client" })
    }).pipe(Effect.provide(client())))

  it.live("without a thinking level, the model's default comes from the live catalogue", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      // Not in the bundled catalogue; the simulator's /models says it reasons: default low.
      yield* chat.complete(hello, { model: "anthropic/claude-sonnet-4.5" })
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect((entry?.body as { reasoning?: unknown }).reasoning).toEqual({ effort: "low" })
      expect(sim.journal.list({ path: "/models" })).toHaveLength(1)
      // With the bundled catalogue only, preparing sends nothing (the model is unknown there: off).
      sim.journal.clear()
      const offline = yield* chat.prepare(hello, { model: "x-vendor/new-model", catalog: "bundled" })
      expect(offline.body).not.toHaveProperty("reasoning")
      expect(sim.journal.list()).toEqual([])
      yield* chat.complete(hello, { model: "anthropic/claude-sonnet-4.5" })
      // Cached: a second call asks /models no more.
      yield* chat.complete(hello, { model: "openai/gpt-4o" })
      expect(sim.journal.list({ path: "/models" })).toHaveLength(0)
    }).pipe(Effect.provide(client({ baseUrl: sim.baseUrl }))))
})

const collectText = (stream: Stream.Stream<Chat.Event, Chat.ChatError>) =>
  Stream.runCollect(stream).pipe(Effect.map((events) => Chunk.toReadonlyArray(events)))

describe("Chat.stream against the simulator", () => {
  it.live("a clean stream: start, text deltas that make the answer, usage, finish", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const events = yield* collectText(chat.stream(hello, { model: "openai/gpt-4o" }))
      expect(events[0]?._tag).toBe("Start")
      expect(events.filter((e) => e._tag === "Text").map((e) => (e._tag === "Text" ? e.delta : "")).join("")).toBe(sim.context.options.replyText)
      expect(events.some((e) => e._tag === "Usage")).toBe(true)
      expect(events.some((e) => e._tag === "Finish")).toBe(true)
    }).pipe(Effect.provide(client())))

  it.live("an in-band error fails the stream with a typed error after the deltas before it", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", { kind: "sse-error", afterDeltas: 3, code: 502, message: "upstream died" })
      const seen: Array<Chat.Event> = []
      const error = yield* Effect.flip(Stream.runForEach(chat.stream(hello, { model: "openai/gpt-4o" }), (event) => Effect.sync(() => seen.push(event))))
      expect(error._tag).toBe("Upstream")
      expect(error.message).toContain("upstream died")
      // Three data events before the error: the opening role chunk and two text deltas.
      expect(seen.filter((e) => e._tag === "Text").length).toBe(2)
    }).pipe(Effect.provide(client())))

  it.live("a stream cut without [DONE] fails", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", { kind: "sse-cut", afterDeltas: 3 })
      const error = yield* Effect.flip(collectText(chat.stream(hello, { model: "openai/gpt-4o" })))
      expect(error._tag).toBe("MalformedResponse")
      expect(error.message).toContain("[DONE]")
    }).pipe(Effect.provide(client())))

  it.live("keep-alive comments keep the idle timeout from firing", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      // 600 ms of stall with a keep-alive every 50 ms, against a 250 ms idle timeout.
      sim.faults.add("POST /chat/completions", { kind: "stall", ms: 600, keepAliveMs: 50 })
      const events = yield* collectText(chat.stream(hello, { model: "openai/gpt-4o", idleTimeout: "250 millis" }))
      expect(events.some((e) => e._tag === "Finish")).toBe(true)
    }).pipe(Effect.provide(client())))

  it.live("silence longer than the idle timeout fails the stream", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", { kind: "stall", ms: 2000, keepAliveMs: 1000 })
      const error = yield* Effect.flip(collectText(chat.stream(hello, { model: "openai/gpt-4o", idleTimeout: "150 millis" })))
      expect(error).toMatchObject({ _tag: "Timeout", source: "client" })
    }).pipe(Effect.provide(client())))

  it.live("interrupting a stream aborts the request: the simulator sees the client go before the end", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      sim.faults.add("POST /chat/completions", { kind: "stall", ms: 5000, keepAliveMs: 20 })
      const fiber = yield* Effect.fork(collectText(chat.stream(hello, { model: "openai/gpt-4o" })))
      for (let i = 0; i < 200 && sim.journal.inFlight === 0; i++) yield* Effect.sleep("10 millis")
      expect(sim.journal.inFlight).toBe(1)
      yield* Fiber.interrupt(fiber)
      for (let i = 0; i < 200 && sim.journal.inFlight > 0; i++) yield* Effect.sleep("10 millis")
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.clientDisconnected).toBe(true)
      expect(entry?.completed).toBe(false)
    }).pipe(Effect.provide(client())))
})

describe("reasoning replay", () => {
  it.live("reasoning_details with a signature split over deltas come out intact and replay byte-identical", () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const options = { model: "anthropic/claude-sonnet-4.5", thinking: "high" }
      const whole = yield* chat.complete(hello, options)
      const wholeDetails = whole.response.choices[0]?.message.reasoning_details ?? []
      expect(wholeDetails.length).toBeGreaterThan(0)
      const streamed = yield* Chat.collect(chat.stream(hello, options))
      const details = streamed.message.reasoning_details ?? []
      const signature = (list: ReadonlyArray<unknown>) =>
        list.map((d) => (d as { signature?: string }).signature).filter((s) => typeof s === "string").join("")
      expect(signature(details)).toBe(signature(wholeDetails))
      expect(signature(details).length).toBeGreaterThan(8)
      sim.journal.clear()
      yield* chat.complete({ messages: [...hello.messages, streamed.message, { role: "user", content: "And again" }] }, options)
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      const replayed = (entry?.body as { messages: Array<{ reasoning_details?: unknown }> }).messages[1]?.reasoning_details
      expect(JSON.stringify(replayed)).toBe(JSON.stringify(details))
      expect(entry?.validation).toEqual({ ok: true })
    }).pipe(Effect.provide(client({ baseUrl: sim.baseUrl }))))
})

describe("spans", () => {
  it.live("every public operation has a span with model, route, status, retries and cache; never the key or the prompt", () => {
    const spans: Array<Tracer.Span> = []
    const prompt = "a private prompt that must not reach a span"
    return Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const request: Chat.Request = { messages: [{ role: "user", content: prompt }] }
      yield* chat.complete(request, { model: "openai/gpt-4o" })
      yield* Stream.runDrain(chat.stream(request, { model: "openai/gpt-4o" }))
    }).pipe(
      Effect.provide(client({ params: { responseCache: true } })),
      (effect) =>
        Effect.flatMap(Effect.tracer, (native) =>
          Effect.withTracer(effect, Tracer.make({
            span: (...args) => {
              const span = native.span(...args)
              spans.push(span)
              return span
            },
            context: native.context
          }))),
      Effect.map(() => {
        const named = (name: string) => spans.find((span) => span.name === name)
        const attributes = (name: string) => Object.fromEntries(named(name)?.attributes ?? [])
        // One span per chat call: the settings and the HTTP exchange annotate it, with no span of
        // their own. The route is the one the call resolved: no base URL configured is "default"
        // (OpenRouter's own, host- and exact-verified).
        expect(attributes("Chat.complete")).toMatchObject({
          "openrouter.model": "openai/gpt-4o",
          "openrouter.route": "default",
          "openrouter.cache": "MISS",
          "http.status": 200,
          "openrouter.retries": 0,
          "openrouter.retry_class": "chat",
          "openrouter.model.source": "call"
        })
        expect(attributes("Chat.stream")).toMatchObject({ "http.status": 200, "openrouter.retry_class": "chat", "openrouter.retries": 0 })
        expect(spans.map((span) => span.name).filter((name) => name.startsWith("OpenRouterHttp.chat"))).toEqual([])
        // The one settings span is the transport's, resolved once when the layer is built.
        expect(spans.filter((span) => span.name === "OpenRouterConfig.chat")).toHaveLength(1)
        const everything = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: [...span.attributes] })))
        expect(everything).not.toContain(KEY)
        expect(everything).not.toContain(KEY.slice(9, 30))
        expect(everything).not.toContain(prompt)
      })
    )
  })
})
