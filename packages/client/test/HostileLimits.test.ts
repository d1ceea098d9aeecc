// Issue 17: a hostile upstream costs at most the documented limits, and a caller's timeout is
// honoured whatever its size. Defect 1 (an SSE line without end), 11 (a timeout above 2^31 - 1 ms
// overflowed the timer and fired at once), 14 (a JSON body read whole however large; a stream that
// keep-alive comments kept alive past the call's timeout). Each case runs through the public
// services on a scripted `HttpClient`, bounded by a `Hung` guard (no timed assertions).
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Data, Duration, Effect, Exit, Layer, Logger, LogLevel, Option, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import * as Images from "../src/Images.js"
import * as Limits from "../src/Limits.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as OpenRouterConfig from "../src/OpenRouterConfig.js"

const KEY = "sk-or-v1-limits-test-0000000000000000000000000000"
const encoder = new TextEncoder()

/** A body served piece by piece, counting the pieces pulled; `endless` never closes. */
interface Body {
  readonly pulled: () => number
  readonly stream: ReadableStream<Uint8Array>
}

const pieces = (piece: (n: number) => Uint8Array | undefined, delayMs = 0): Body => {
  let pulled = 0
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
      const next = piece(pulled)
      pulled++
      if (next === undefined) controller.close()
      else controller.enqueue(next)
    }
  }, { highWaterMark: 0 })
  return { pulled: () => pulled, stream }
}

interface Script {
  readonly status?: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: () => Body
}

/** All services over a scripted OpenRouter; answers how many requests were sent and the last body. */
const scripted = (script: Script, limits?: Partial<Limits.Values>) => {
  const seen = { requests: 0, body: undefined as Body | undefined }
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      seen.requests++
      const body = script.body()
      seen.body = body
      return HttpClientResponse.fromWeb(request, new Response(body.stream, { status: script.status ?? 200, headers: script.headers }))
    })
  )
  const layer = OpenRouter.layerDocument({
    document: {},
    environment: { OPENROUTER_API_KEY: KEY },
    maxRetries: 0,
    ...(limits !== undefined ? { limits } : {})
  }).pipe(Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer)))
  return { seen, layer }
}

class Hung extends Data.TaggedError("Hung")<{}> {}

const run = <A, E>(program: Effect.Effect<A, E, OpenRouter.Services>, layer: Layer.Layer<OpenRouter.Services, unknown>) =>
  program.pipe(
    Effect.provide(layer),
    Logger.withMinimumLogLevel(LogLevel.None),
    Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Hung() }),
    Effect.exit
  )

/** The failure of an exit (a typed one: a defect or an interruption fails the test). */
const failureOf = (exit: Exit.Exit<unknown, unknown>): Record<string, unknown> => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)?.slice(0, 200)}`)
  if (Cause.isDie(exit.cause)) throw new Error(`a defect: ${Cause.pretty(exit.cause)}`)
  return Option.getOrThrow(Cause.failureOption(exit.cause)) as Record<string, unknown>
}

const completion = JSON.stringify({
  id: "gen-1",
  model: "openai/gpt-4o",
  choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }]
})
const once = (text: string) => () => pieces((n) => (n === 0 ? encoder.encode(text) : undefined))
const messages: Chat.Request = { messages: [{ role: "user", content: "hi" }] }
const collect = (options: Chat.Options) => Effect.flatMap(Chat.Chat, (chat) => Stream.runDrain(chat.stream(messages, options)))
const complete = (options: Chat.Options) => Effect.flatMap(Chat.Chat, (chat) => chat.complete(messages, options))

// ---------------------------------------------------------------------------------------------
// Defect 11: timeouts above the timer maximum

describe("timeouts above 2^31 - 1 ms (defect 11)", () => {
  const json = { headers: { "content-type": "application/json" }, body: once(completion) }

  it.live("Chat.complete and Chat.stream refuse them with BadInput naming the option, before any request", () =>
    Effect.gen(function*() {
      for (
        const [field, program] of [
          ["timeout", complete({ timeout: Duration.millis(2 ** 31) })],
          ["timeout", collect({ timeout: Duration.days(34) })],
          ["idleTimeout", collect({ idleTimeout: Duration.millis(2 ** 31) })]
        ] as const
      ) {
        const { layer, seen } = scripted(json)
        const error = failureOf(yield* run<unknown, unknown>(program, layer))
        expect(error._tag).toBe("BadInput")
        expect(error.field).toBe(field)
        expect(String(error.message)).toContain("2147483647")
        expect(seen.requests).toBe(0)
      }
    }))

  it.live("Images.generate refuses timeoutMs above the maximum before any request", () =>
    Effect.gen(function*() {
      const { layer, seen } = scripted(json)
      const error = failureOf(yield* run(Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "a cat", timeoutMs: 3e9 })), layer))
      expect(error._tag).toBe("BadInput")
      expect(error.field).toBe("timeoutMs")
      expect(seen.requests).toBe(0)
    }))

  it.live("a timeout of exactly the maximum is a long deadline, not an immediate one", () =>
    Effect.gen(function*() {
      const { layer } = scripted({ headers: json.headers, body: () => pieces((n) => (n === 0 ? encoder.encode(completion) : undefined), 30) })
      const exit = yield* run(complete({ timeout: Duration.millis(2 ** 31 - 1) }), layer)
      expect(Exit.isSuccess(exit) && exit.value.text).toBe("hi")
    }))
})

// ---------------------------------------------------------------------------------------------
// Defect 14: a stream that keep-alive comments keep alive; JSON bodies without end

const keepAlive = () => pieces(() => encoder.encode(": OPENROUTER PROCESSING\n\n"), 100)
const sse = { "content-type": "text/event-stream" }

describe("a stream's total deadline (defect 14)", () => {
  it.live("2 s timeout, 1 s idle, keep-alive comments every 100 ms forever: ends with Timeout", () =>
    Effect.gen(function*() {
      const { layer } = scripted({ headers: sse, body: keepAlive })
      const error = failureOf(yield* run(collect({ timeout: "2 seconds", idleTimeout: "1 second" }), layer))
      expect(error._tag).toBe("Timeout")
      expect(error.source).toBe("client")
      expect(error.timeoutMs).toBe(2000)
    }), 30_000)

  it.live("no caller timeout: streamTotalMs ends it, with LimitExceeded naming the limit", () =>
    Effect.gen(function*() {
      const { layer } = scripted({ headers: sse, body: keepAlive }, { streamTotalMs: 1500 })
      const error = failureOf(yield* run(collect({ idleTimeout: "1 second" }), layer))
      expect(error._tag).toBe("LimitExceeded")
      expect(error.limit).toBe("streamTotalMs")
      expect(error.max).toBe(1500)
    }), 30_000)

  it.live("the earlier of the two decides: streamTotalMs below the caller's timeout", () =>
    Effect.gen(function*() {
      const { layer } = scripted({ headers: sse, body: keepAlive }, { streamTotalMs: 1000 })
      const error = failureOf(yield* run(collect({ timeout: "1 minute" }), layer))
      expect(error._tag).toBe("LimitExceeded")
      expect(error.limit).toBe("streamTotalMs")
    }))
})

describe("JSON bodies are read with the jsonBodyBytes cap (defect 14)", () => {
  const MiB = 1024 * 1024
  // 64 MiB of JSON-ish bytes in 64 KiB pieces, never read whole: the cap is 1 MiB.
  const huge = () => pieces((n) => (n < 1024 ? encoder.encode(n === 0 ? "{\"x\":\"" : "a".repeat(64 * 1024)) : undefined))
  const limits = { jsonBodyBytes: MiB }

  const expectCapped = (error: Record<string, unknown>, body: Body | undefined) => {
    expect(error._tag).toBe("LimitExceeded")
    expect(error.limit).toBe("jsonBodyBytes")
    expect(error.max).toBe(MiB)
    expect(String(error.message)).toContain("jsonBodyBytes (1 MiB)")
    // The read stopped at the cap: 17 pieces of 64 KiB pass 1 MiB, a few more may be buffered.
    expect(body?.pulled()).toBeLessThan(40)
  }

  it.live("Chat.complete", () =>
    Effect.gen(function*() {
      const { layer, seen } = scripted({ headers: { "content-type": "application/json" }, body: huge }, limits)
      expectCapped(failureOf(yield* run(complete({}), layer)), seen.body)
    }))

  it.live("Chat.stream answered with JSON", () =>
    Effect.gen(function*() {
      const { layer, seen } = scripted({ headers: { "content-type": "application/json" }, body: huge }, limits)
      expectCapped(failureOf(yield* run(collect({}), layer)), seen.body)
    }))

  it.live("Images.generate", () =>
    Effect.gen(function*() {
      const { layer, seen } = scripted({ headers: { "content-type": "application/json" }, body: huge }, limits)
      expectCapped(failureOf(yield* run(Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "a cat" })), layer)), seen.body)
    }))

  it.live("an endless body", () =>
    Effect.gen(function*() {
      const endless = () => pieces(() => encoder.encode(" ".repeat(64 * 1024)))
      const { layer, seen } = scripted({ headers: { "content-type": "application/json" }, body: endless }, limits)
      expectCapped(failureOf(yield* run(complete({}), layer)), seen.body)
    }))

  it.live("a declared Content-Length above the cap fails before reading", () =>
    Effect.gen(function*() {
      const { layer, seen } = scripted({
        headers: { "content-type": "application/json", "content-length": String(500 * MiB) },
        body: () => pieces(() => undefined)
      }, limits)
      const error = failureOf(yield* run(complete({}), layer))
      expect(error._tag).toBe("LimitExceeded")
      expect(seen.body?.pulled()).toBe(0)
    }))

  it.live("the config file's limits apply, and the layer's option wins over them", () =>
    Effect.gen(function*() {
      const fromFile = (document: unknown, limits?: Partial<Limits.Values>) => {
        const client = HttpClient.make((request) =>
          Effect.sync(() => HttpClientResponse.fromWeb(request, new Response(huge().stream, { headers: { "content-type": "application/json" } })))
        )
        return OpenRouter.layerDocument({ document, environment: { OPENROUTER_API_KEY: KEY }, maxRetries: 0, ...(limits ? { limits } : {}) }).pipe(
          Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
        )
      }
      const document = { models: { providers: { openrouter: { limits: { jsonBodyBytes: 2 * MiB } } } } }
      expect(failureOf(yield* run(complete({}), fromFile(document))).max).toBe(2 * MiB)
      expect(failureOf(yield* run(complete({}), fromFile(document, { jsonBodyBytes: 512 * 1024 }))).max).toBe(512 * 1024)
    }))
})

// ---------------------------------------------------------------------------------------------
// Defect 1 through the service (the process-level attack is in HostileStream.slow.test.ts)

describe("an SSE line without end through Chat.stream (defect 1)", () => {
  it.live("fails with LimitExceeded naming sseLineBytes, reading little past it", () =>
    Effect.gen(function*() {
      const line = () => pieces((n) => encoder.encode(n === 0 ? "data: {\"id\":\"" : "z".repeat(64 * 1024)))
      const { layer, seen } = scripted({ headers: sse, body: line }, { sseLineBytes: 1024 * 1024 })
      const error = failureOf(yield* run(collect({}), layer))
      expect(error._tag).toBe("LimitExceeded")
      expect(error.limit).toBe("sseLineBytes")
      expect(error.message).toBe("An event-stream line exceeded sseLineBytes (1 MiB)")
      expect(seen.body?.pulled()).toBeLessThan(40)
    }))
})

describe("Limits.layerFromConfig", () => {
  it.effect("defaults, then the document's limits, then the overrides", () =>
    Effect.gen(function*() {
      const document = { models: { providers: { openrouter: { limits: { sseLineBytes: 1000, jsonBodyBytes: 2000 } } } } }
      const values = yield* Limits.current.pipe(
        Effect.provide(Limits.layerFromConfig({ jsonBodyBytes: 3000, configFileBytes: 4000 }).pipe(Layer.provide(OpenRouterConfig.layer({ document, environment: {} }))))
      )
      expect(values).toEqual({ ...Limits.defaults, sseLineBytes: 1000, jsonBodyBytes: 3000, configFileBytes: 4000 })
    }))

  it("a time above the timer maximum is clamped to it, never read as no deadline (found in review)", () => {
    const values = Limits.make({ downloadIdleMs: 2 ** 40, downloadTotalMs: 3e9, streamTotalMs: 1000, downloadBytes: 2 ** 40 })
    expect(values.downloadIdleMs).toBe(2 ** 31 - 1)
    expect(values.downloadTotalMs).toBe(2 ** 31 - 1)
    expect(values.streamTotalMs).toBe(1000)
    // Sizes are not times: kept as given.
    expect(values.downloadBytes).toBe(2 ** 40)
  })
})

// ---------------------------------------------------------------------------------------------
// A stream of many ordinary events: each is under the SSE limits, together they would build an
// answer (or tool-call arguments) past what a string can hold (a RangeError, found in review).

describe("the data of a whole stream is bounded by streamBytes", () => {
  const delta = (field: "content" | "arguments") =>
    encoder.encode(`data: ${
      JSON.stringify({
        id: "gen-1",
        model: "openai/gpt-4o",
        choices: [{
          index: 0,
          delta: field === "content"
            ? { content: "x".repeat(1024) }
            : { tool_calls: [{ index: 0, id: "call-1", function: { name: "f", arguments: "x".repeat(1024) } }] }
        }]
      })
    }\n\n`)

  for (const field of ["content", "arguments"] as const) {
    it.live(`endless 1 KiB ${field} deltas: LimitExceeded(streamBytes) after about the limit, the rest never read`, () =>
      Effect.gen(function*() {
        const piece = delta(field)
        const { layer, seen } = scripted({ headers: sse, body: () => pieces(() => piece) }, { streamBytes: 256 * 1024 })
        const error = failureOf(yield* run(collect({}), layer))
        expect(error._tag).toBe("LimitExceeded")
        expect(error.limit).toBe("streamBytes")
        expect(String(error.message)).toContain("streamBytes (256 KiB)")
        // About 256 pieces of 1.1 KiB; the reader stopped there.
        expect(seen.body!.pulled()).toBeLessThan(400)
      }))
  }
})
