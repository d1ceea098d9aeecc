// Our errors as AiError variants, one row of the README's table each, from the simulator's faults.
import { AiError, LanguageModel } from "@effect/ai"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Exit, Stream } from "effect"
import { OpenRouterLanguageModel } from "../src/index.js"
import { client, KEY } from "./support.js"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const ROUTE = "POST /chat/completions"

const failure = <A, R>(
  effect: Effect.Effect<A, AiError.AiError, R>,
  config: OpenRouterLanguageModel.Options["config"] = {}
) =>
  effect.pipe(
    Effect.provide(OpenRouterLanguageModel.model("openai/gpt-4o", config)),
    Effect.provide(client(sim, { maxRetries: 0 })),
    Effect.exit,
    Effect.map((exit) => {
      if (!Exit.isFailure(exit) || exit.cause._tag !== "Fail") throw new Error(`expected a failure, got ${String(exit)}`)
      return exit.cause.error as AiError.AiError
    })
  )

const generate = LanguageModel.generateText({ prompt: "Say hello" })
const stream = Stream.runDrain(LanguageModel.streamText({ prompt: "Say hello" }))

describe("errors as AiError", () => {
  it.live("402: HttpResponseError (StatusCode) naming InsufficientCredits, status and code", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, Faults.insufficientCredits())
      const error = yield* failure(generate)
      expect(error._tag).toBe("HttpResponseError")
      if (error._tag !== "HttpResponseError") return
      expect(error.reason).toBe("StatusCode")
      expect(error.response.status).toBe(402)
      expect(error.method).toBe("generateText")
      expect(error.request.url).toBe(`${sim.baseUrl}/chat/completions`)
      expect(error.description).toMatch(/^InsufficientCredits \(status=402, code=402/)
    }))

  it.live("429: HttpResponseError with the retry-after and whether waiting helps", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, Faults.capacityExhausted({ retryAfter: 7 }))
      const error = yield* failure(generate)
      expect(error._tag === "HttpResponseError" && error.response.status).toBe(429)
      expect(error.description).toContain("RateLimited (status=429")
      expect(error.description).toContain("retryAfter=7000ms")
      expect(error.description).toContain("retryable=true")
    }))

  it.live("5xx: HttpResponseError naming Upstream, the provider's raw error in body", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, Faults.upstream(502))
      const error = yield* failure(generate)
      expect(error._tag === "HttpResponseError" && error.response.status).toBe(502)
      expect(error.description).toMatch(/^Upstream \(status=502/)
    }))

  it.live("an in-band stream error: HttpResponseError marked in-band, after the parts before it", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, { kind: "sse-error", afterDeltas: 2, code: 503 })
      const error = yield* failure(stream)
      expect(error._tag === "HttpResponseError" && error.response.status).toBe(503)
      expect(error.method).toBe("streamText")
      expect(error.description).toMatch(/^Upstream \(in-band stream error, status=503/)
    }))

  it.live("our own timeout: HttpRequestError (Transport) with our Timeout as cause", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, { kind: "latency", ms: 2_000 })
      const error = yield* failure(generate, { chat: { timeout: "100 millis" } })
      expect(error._tag).toBe("HttpRequestError")
      if (error._tag !== "HttpRequestError") return
      expect(error.reason).toBe("Transport")
      expect((error.cause as { _tag: string; source: string })._tag).toBe("Timeout")
      expect((error.cause as { source: string }).source).toBe("client")
    }))

  it.live("a server timeout (524): HttpResponseError naming Timeout", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, Faults.upstream(524))
      const error = yield* failure(generate)
      expect(error._tag === "HttpResponseError" && error.response.status).toBe(524)
      expect(error.description).toMatch(/^Timeout \(status=524/)
    }))

  it.live("a malformed response: HttpResponseError (Decode)", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, { kind: "invalid-json" })
      const error = yield* failure(generate)
      expect(error._tag === "HttpResponseError" && error.reason).toBe("Decode")
      expect(error.description).toMatch(/^MalformedResponse/)
    }))

  it.live("a stream cut before [DONE]: HttpResponseError (Decode)", () =>
    Effect.gen(function*() {
      sim.faults.add(ROUTE, { kind: "sse-cut", afterDeltas: 2 })
      const error = yield* failure(stream)
      expect(error._tag === "HttpResponseError" && error.reason).toBe("Decode")
    }))

  it.live("a refused connection: HttpRequestError (Transport) with our TransportError as cause", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.promise(() => Server.start({ apiKeys: [KEY] }))
      yield* Effect.promise(() => closed.close())
      const error = yield* LanguageModel.generateText({ prompt: "Say hello" }).pipe(
        Effect.provide(OpenRouterLanguageModel.model("openai/gpt-4o")),
        Effect.provide(client(closed, { maxRetries: 0 })),
        Effect.flip
      )
      expect(error._tag).toBe("HttpRequestError")
      expect((error as AiError.HttpRequestError).cause).toMatchObject({ _tag: "TransportError", phase: "connect" })
    }))

  it.live("a bad model ref: MalformedInput with our InvalidModelRef as cause, nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* LanguageModel.generateText({ prompt: "Say hello" }).pipe(
        Effect.provide(OpenRouterLanguageModel.model("openai/gpt-4o@work")),
        Effect.provide(client(sim)),
        Effect.flip
      )
      expect(error._tag).toBe("MalformedInput")
      expect((error as AiError.MalformedInput).cause).toMatchObject({ _tag: "InvalidModelRef" })
      expect(sim.journal.list({ path: "/chat/completions" })).toEqual([])
    }))

  it.live("an empty prompt: MalformedInput, nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* failure(LanguageModel.generateText({ prompt: [] }))
      expect(error._tag).toBe("MalformedInput")
      expect(sim.journal.list({ path: "/chat/completions" })).toEqual([])
    }))
})
