// Hostile responses (issue 10, "Reliability"): whatever OpenRouter (or anything pretending to be
// it) answers, every client operation ends in a value or a typed error: never a defect (a thrown
// exception, `Effect.die`) and never a hang. The response decoders are internal, so they are fed
// through the public services on a scripted `HttpClient.make` double. Each run is bounded by an
// `Effect.timeoutFail` whose `Hung` error fails the property: no timed assertions.
//
// The pure decoders (ImageExtraction.extract, VideoRequest.parseJob / capabilitiesFromCatalog,
// Models.parseModels, AudioResponse.checkAudio) already have `fc.anything()` properties in their
// own test files; the SSE decoder's chunk-split and arbitrary-byte properties are in Sse.test.ts.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Data, Effect, Exit, FastCheck as fc, Layer, Logger, LogLevel, Option, Schedule, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import * as Images from "../src/Images.js"
import * as Models from "../src/Models.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Speech from "../src/Speech.js"
import * as Sse from "../src/Sse.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-hostile-test-00000000000000000000000000"

interface Seen {
  readonly method: string
  readonly url: string
}

/** An answer: status, headers and a body (text, bytes, or pieces streamed one by one). */
interface Answer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body: string | Uint8Array | ReadonlyArray<Uint8Array>
}

const NULL_BODY = new Set([101, 103, 204, 205, 304])

const toResponse = (answer: Answer): Response => {
  const body = NULL_BODY.has(answer.status)
    ? null
    : typeof answer.body === "string" || answer.body instanceof Uint8Array
    ? answer.body
    : new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of answer.body as ReadonlyArray<Uint8Array>) controller.enqueue(piece)
        controller.close()
      }
    })
  return new Response(body, { status: answer.status, headers: answer.headers ?? {} })
}

/** All services over a scripted OpenRouter; no retries, so an answer is used once per request. */
const scripted = (answer: (request: Seen) => Answer) => {
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => HttpClientResponse.fromWeb(request, toResponse(answer({ method: request.method, url: url.toString() }))))
  )
  return OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, maxRetries: 0 }).pipe(
    Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
  )
}

class Hung extends Data.TaggedError("Hung")<{}> {}

/** Runs a program against a script, bounded in time; answers its Exit. */
const settle = <A, E>(
  program: Effect.Effect<A, E, OpenRouter.Services>,
  answer: (request: Seen) => Answer
): Effect.Effect<Exit.Exit<A, unknown>> =>
  program.pipe(
    Effect.provide(scripted(answer)),
    // The catalogue fallbacks log their failures; hundreds of runs need not print them.
    Logger.withMinimumLogLevel(LogLevel.None),
    Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new Hung() }),
    Effect.exit
  )

/** A value, or a failure whose cause holds no defect, no interruption and a tagged error that is not `Hung`. */
const expectTyped = (exit: Exit.Exit<unknown, unknown>): void => {
  if (Exit.isSuccess(exit)) return
  if (Cause.isDie(exit.cause)) throw new Error(`a defect: ${Cause.pretty(exit.cause)}`)
  expect(Cause.isInterruptedOnly(exit.cause)).toBe(false)
  const failure = Cause.failureOption(exit.cause)
  expect(Option.isSome(failure)).toBe(true)
  const error = Option.getOrThrow(failure) as { readonly _tag?: unknown }
  expect(typeof error._tag).toBe("string")
  expect(error._tag).not.toBe("Hung")
}

// ---------------------------------------------------------------------------------------------
// Hostile answers

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const nested = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth)

const validCompletion = {
  id: "gen-1",
  model: "openai/gpt-4o",
  provider: "OpenAI",
  created: 1786000000,
  choices: [{
    index: 0,
    message: {
      role: "assistant",
      content: "hi data:image/png;base64,iVBORw0KGgo=",
      reasoning: "because",
      reasoning_details: [{ type: "reasoning.text", text: "x", index: 0 }],
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
      images: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }]
    },
    finish_reason: "stop"
  }],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, cost: 0.0001 }
}

const validJob = { id: "job-1", polling_url: "/api/v1/videos/job-1", status: "completed", generation_id: "gen-1", unsigned_urls: ["https://cdn.example.com/job-1.mp4"], usage: { cost: 0.4, is_byok: false } }

const validModels = { data: [{ id: "acme/model", name: "Acme", context_length: 1000, supported_parameters: ["reasoning"], pricing: { prompt: "0.000001", completion: "0.000002" } }] }

/** The paths of every value in a JSON value (for mutations). */
const pathsOf = (value: unknown, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(value.flatMap((item, i) => pathsOf(item, [...prefix, i])))
  if (typeof value === "object" && value !== null) return here.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k])))
  return here
}

const setAt = (root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown => {
  if (path.length === 0) return value
  const [head, ...rest] = path
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>
  copy[head!] = setAt(copy[head!], rest, value)
  return copy
}

const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, "", -1, 1e308, "http://[", "//evil.example/x", "javascript:alert(1)", "%", [], {}, [null], { error: { code: 500, message: "boom" } })
)

/** A valid body with one value replaced (or removed) by something hostile. */
const mutated = (valid: unknown) =>
  fc.tuple(fc.constantFrom(...pathsOf(valid)), replacement, fc.boolean()).map(([path, value, remove]) =>
    JSON.stringify(remove && path.length > 0 ? setAt(valid, path, undefined) : setAt(valid, path, value))
  )

const hostileText = (valid: unknown) =>
  fc.oneof(
    { weight: 4, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom("", "null", "[]", "{", "{\"error\":null}", "{\"choices\":null}", "\uFEFF{}", "{\"error\":{\"code\":\"x\",\"metadata\":{\"raw\":{}}}}") },
    { weight: 1, arbitrary: fc.constantFrom(3000, 30_000).map((depth) => `{"error":{"message":"deep","metadata":{"raw":${nested(depth)},"x":${nested(depth)}}}}`) },
    { weight: 1, arbitrary: fc.constantFrom(`{"id":"x","model":"m","choices":[{"message":{"role":"assistant","content":${nested(30_000)}}}]}`, `{"data":${nested(30_000)}}`, `{"choices":${nested(30_000, "{}")}}`) }
  )

const bodyOf = (valid: unknown) =>
  fc.oneof(
    { weight: 8, arbitrary: hostileText(valid) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.constantFrom(Uint8Array.from([0xff, 0xfe, 0x7b, 0x22, 0xc3]), Uint8Array.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])) }
  )

const status = fc.oneof(
  { weight: 5, arbitrary: fc.constant(200) },
  { weight: 4, arbitrary: fc.constantFrom(201, 202, 204, 206, 299, 301, 302, 303, 307, 400, 401, 402, 403, 404, 408, 413, 418, 422, 429, 500, 502, 503, 524, 529, 599) }
)

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,24}$/).map((s) => s.trim())
const headers = fc.record(
  {
    "content-type": fc.constantFrom("application/json", "text/event-stream", "audio/mpeg", "video/mp4", "text/html; charset=utf-8", "application/problem+json", "", "image/png"),
    "retry-after": fc.oneof(headerValue, fc.constantFrom("0", "1", "99999999999999999999", "Wed, 21 Oct 2999 07:28:00 GMT")),
    "x-request-id": headerValue,
    location: fc.constantFrom("http://[", "//evil.example/x", "/api/v1/videos/job-1", "https://openrouter.ai/api/v1/x", "", "javascript:alert(1)", "http://a b")
  },
  { requiredKeys: [] }
)

const answerArb = (valid: unknown) =>
  fc.record({ status, headers, body: bodyOf(valid) }).map((answer): Answer => answer)

// Not real time: a hang is caught by the 15 s bound above, and no answer here needs a wait.
const numRuns = 60

// ---------------------------------------------------------------------------------------------
// (b) The response decoders of every operation

describe("hostile responses: typed error or value, never a defect", () => {
  it.live.prop("Chat.complete", [answerArb(validCompletion)], ([answer]) =>
    Effect.gen(function*() {
      const exit = yield* settle(
        Effect.flatMap(Chat.Chat, (chat) => chat.complete({ messages: [{ role: "user", content: "x" }] }, { model: "openai/gpt-4o", thinking: "off" })),
        (request) => (request.url.endsWith("/models") ? { status: 200, body: JSON.stringify(validModels) } : answer)
      )
      expectTyped(exit)
    }), { fastCheck: { numRuns } })

  it.live.prop("Chat.complete on a valid body with one field mutated decodes or fails with MalformedResponse / an in-band API error", [mutated(validCompletion)], ([body]) =>
    Effect.gen(function*() {
      const exit = yield* settle(
        Effect.flatMap(Chat.Chat, (chat) => chat.complete({ messages: [{ role: "user", content: "x" }] }, { model: "openai/gpt-4o", thinking: "off" })),
        () => ({ status: 200, headers: { "content-type": "application/json" }, body })
      )
      expectTyped(exit)
    }), { fastCheck: { numRuns } })

  it.live.prop("Images.generate", [answerArb(validCompletion)], ([answer]) =>
    Effect.gen(function*() {
      const exit = yield* settle(Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "x" })), () => answer)
      expectTyped(exit)
    }), { fastCheck: { numRuns } })

  it.live.prop("Speech.synthesize and Speech.transcribe", [answerArb({ text: "hello" }), answerArb({ text: "hello" })], ([synth, transcript]) =>
    Effect.gen(function*() {
      expectTyped(yield* settle(Effect.flatMap(Speech.Speech, (speech) => speech.synthesize({ text: "x" })), () => synth))
      expectTyped(yield* settle(
        Effect.flatMap(Speech.Speech, (speech) => speech.transcribe({ audio: new Uint8Array([1, 2, 3]), mimeType: "audio/mpeg" })),
        () => transcript
      ))
    }), { fastCheck: { numRuns } })

  it.live.prop("Models.refresh, list and find over a hostile /models body", [answerArb(validModels)], ([answer]) =>
    Effect.gen(function*() {
      const exit = yield* settle(
        Effect.gen(function*() {
          const models = yield* Models.Models
          const refreshed = yield* Effect.either(models.refresh)
          const list = yield* models.list
          expect(list.length).toBeGreaterThanOrEqual(Models.bundled.length)
          yield* models.find("acme/model:free")
          return refreshed
        }),
        () => answer
      )
      expectTyped(exit)
      if (Exit.isSuccess(exit) && exit.value._tag === "Left") expect(typeof exit.value.left._tag).toBe("string")
    }), { fastCheck: { numRuns } })

  const videoScript = fc.record({ catalogue: answerArb({ data: [{ id: "google/veo-3.1-fast", supported_durations: [4, 8] }] }), submit: answerArb({ ...validJob, status: "pending" }), poll: answerArb(validJob), video: fc.record({ status, headers, body: fc.oneof(fc.uint8Array({ maxLength: 32 }), fc.string({ maxLength: 20 })) }) })

  it.live.prop("Videos.generate: catalogue, submit, poll and download answers", [videoScript], ([script]) =>
    Effect.gen(function*() {
      const exit = yield* settle(
        Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "x", timeoutMs: 300, schedule: Schedule.spaced("5 millis") })),
        (request) =>
          request.url.endsWith("/videos/models")
            ? script.catalogue
            : request.method === "POST"
            ? script.submit
            : request.url.includes("/videos/job-1") && !request.url.includes("/content")
            ? script.poll
            : script.video
      )
      expectTyped(exit)
    }), { fastCheck: { numRuns } })
})

describe("hostile redirects (counterexamples kept)", () => {
  // Found by this suite: a 3xx whose Location does not parse ("http://[") made OpenRouterHttp's
  // `new URL(location, …)` throw inside the Effect: a defect for every GET (models, video polls
  // and downloads). It is now a MalformedResponse.
  it.live("a redirect to an unparsable Location is a MalformedResponse", () =>
    Effect.gen(function*() {
      const exit = yield* settle(Effect.flatMap(Models.Models, (models) => models.refresh), () => ({ status: 303, headers: { location: "http://[" }, body: "{}" }))
      expectTyped(exit)
      expect(Exit.isFailure(exit) && Option.getOrThrow(Cause.failureOption(exit.cause))).toMatchObject({ _tag: "MalformedResponse", status: 303 })
    }))

  it.live("a redirect loop ends after the redirect limit with a MalformedResponse", () =>
    Effect.gen(function*() {
      const exit = yield* settle(Effect.flatMap(Models.Models, (models) => models.refresh), () => ({ status: 302, headers: { location: "/api/v1/models" }, body: "" }))
      expect(Exit.isFailure(exit) && Option.getOrThrow(Cause.failureOption(exit.cause))).toMatchObject({ _tag: "MalformedResponse", message: "More than 5 redirects" })
    }))
})

describe("deeply nested 200 bodies (counterexamples kept)", () => {
  // Found by this suite: a completion whose `content` nests 3,000+ arrays made Chat.complete's
  // error message (Effect's formatting of the value found) overflow the stack: a defect. The
  // message is now shorter in that case, and the failure a MalformedResponse.
  for (const depth of [3000, 30_000]) {
    it.live(`Chat.complete on content nested ${depth} deep is a MalformedResponse`, () =>
      Effect.gen(function*() {
        const body = `{"id":"x","model":"m","choices":[{"message":{"role":"assistant","content":${nested(depth)}}}]}`
        const exit = yield* settle(
          Effect.flatMap(Chat.Chat, (chat) => chat.complete({ messages: [{ role: "user", content: "x" }] }, { model: "openai/gpt-4o", thinking: "off" })),
          (request) => (request.url.endsWith("/models") ? { status: 200, body: JSON.stringify(validModels) } : { status: 200, body })
        )
        expectTyped(exit)
        expect(Exit.isFailure(exit) && Option.getOrThrow(Cause.failureOption(exit.cause))).toMatchObject({ _tag: "MalformedResponse" })
      }))
  }
})

describe("hostile video job URLs (counterexamples kept)", () => {
  const run = (job: Record<string, unknown>) =>
    settle(
      Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "x", timeoutMs: 2000, schedule: Schedule.spaced("5 millis") })),
      (request) =>
        request.url.endsWith("/videos/models")
          ? { status: 200, body: "{\"data\":[]}" }
          : request.method === "POST"
          ? { status: 202, body: JSON.stringify({ id: "job-1", polling_url: "/api/v1/videos/job-1", status: "pending", ...job }) }
          : request.url.endsWith("/videos/job-1")
          ? { status: 200, body: JSON.stringify({ ...validJob, ...job }) }
          : { status: 200, headers: { "content-type": "video/mp4" }, body: new Uint8Array([0, 0, 0, 24]) }
    )

  // Found by this suite: a polling URL or an unsigned URL that does not parse made Videos'
  // `new URL(url, base)` throw inside the Effect (a defect); it is now a MalformedResponse.
  for (const [name, job] of [
    ["a polling_url", { polling_url: "http://[" }],
    ["an unsigned URL", { unsigned_urls: ["http://["] }],
    ["a job id", { id: "job-1", polling_url: "//[" }]
  ] as const) {
    it.live(`${name} that does not parse is a MalformedResponse`, () =>
      Effect.gen(function*() {
        const exit = yield* run(job)
        expectTyped(exit)
        expect(Exit.isFailure(exit) && Option.getOrThrow(Cause.failureOption(exit.cause))).toMatchObject({ _tag: "MalformedResponse" })
      }))
  }
})

// ---------------------------------------------------------------------------------------------
// (a) The SSE decoder, as Chat.stream sees it

const chunkOf = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "gen-1",
  object: "chat.completion.chunk",
  model: "openai/gpt-4o",
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra
})

const validDelta = fc.oneof(
  fc.string({ maxLength: 12 }).map((content) => ({ content })),
  fc.string({ maxLength: 8 }).map((reasoning) => ({ reasoning, reasoning_details: [{ type: "reasoning.text", text: reasoning, index: 0 }] })),
  fc.string({ maxLength: 6 }).map((args) => ({ tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: args } }] }))
)

const eol = fc.constantFrom("\n", "\r\n", "\r")

/** A valid stream: comments, `data:` with or without the space, `event:`/`id:`/`retry:` lines, mixed line ends, then [DONE]. */
const sseText = fc.tuple(
  fc.array(fc.tuple(validDelta, fc.boolean(), fc.constantFrom("", ": keep-alive", ": OPENROUTER PROCESSING", "event: message", "id: 7", "retry: 1000", "unknown: x"), eol), { maxLength: 8 }),
  eol
).map(([events, close]) => {
  let text = ": OPENROUTER PROCESSING" + close + close
  for (const [delta, compact, field, end] of events) {
    if (field !== "") text += field + end
    // a CR followed by a blank line's LF would read as one CRLF: close an event with its own end twice
    text += `data:${compact ? "" : " "}${JSON.stringify(chunkOf(delta))}${end}${end === "\r" ? "\r" : end}`
  }
  text += `data: ${JSON.stringify(chunkOf({}, { choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }))}${close}${close}`
  return text + "data: [DONE]" + close + close
})

const splitAt = (bytes: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Array<Uint8Array> = []
  let start = 0
  for (const point of points) {
    out.push(bytes.subarray(start, point))
    start = point
  }
  out.push(bytes.subarray(start))
  return out
}

const streamed = (pieces: ReadonlyArray<Uint8Array>) =>
  settle(
    Effect.flatMap(Chat.Chat, (chat) =>
      Stream.runCollect(chat.stream({ messages: [{ role: "user", content: "x" }] }, { model: "openai/gpt-4o", thinking: "off" })).pipe(
        Effect.map(Chunk.toReadonlyArray)
      )),
    (request) => (request.url.endsWith("/models") ? { status: 200, body: JSON.stringify(validModels) } : { status: 200, headers: { "content-type": "text/event-stream" }, body: pieces })
  )

/** The events delivered before a failure, or all of them. */
const eventsOf = (exit: Exit.Exit<ReadonlyArray<Chat.Event>, unknown>): ReadonlyArray<Chat.Event> => (Exit.isSuccess(exit) ? exit.value : [])

describe("hostile event streams through Chat.stream", () => {
  it.live.prop("random chunk splits of a valid stream give the same events as one chunk", [sseText, fc.array(fc.nat(), { maxLength: 20 })], ([text, cuts]) =>
    Effect.gen(function*() {
      const bytes = utf8(text)
      const whole = yield* streamed([bytes])
      const split = yield* streamed(splitAt(bytes, cuts))
      expect(Exit.isSuccess(whole)).toBe(true)
      expect(split).toEqual(whole)
    }), { fastCheck: { numRuns } })

  it.live.prop("a stream cut anywhere gives the events so far and a typed error, or everything", [sseText, fc.nat(), fc.array(fc.nat(), { maxLength: 6 })], ([text, at, cuts]) =>
    Effect.gen(function*() {
      const bytes = utf8(text)
      const full = eventsOf(yield* streamed([bytes]))
      const cut = bytes.subarray(0, at % (bytes.length + 1))
      const exit = yield* streamed(splitAt(cut, cuts))
      expectTyped(exit)
      // Events are pulled one read at a time, so whatever came out is a prefix of the full run.
      if (Exit.isSuccess(exit)) expect(exit.value).toEqual(full)
      else expect(Option.getOrThrow(Cause.failureOption(exit.cause))).toMatchObject({ _tag: "MalformedResponse" })
    }), { fastCheck: { numRuns } })

  const hostileData = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    mutated(chunkOf({ content: "x", tool_calls: [{ index: 0, id: "c", function: { name: "f", arguments: "{" } }], images: [{ image_url: { url: "u" } }] }, { usage: { total_tokens: 1 } })),
    fc.constantFrom("", "[DONE] ", "{\"error\":{\"code\":429,\"message\":\"slow down\"}}", "{\"choices\":[{\"error\":{\"code\":\"x\"},\"finish_reason\":\"error\"}]}", `{"error":{"metadata":{"raw":${nested(30_000)}}}}`, nested(30_000)),
    fc.string({ maxLength: 20 })
  )

  it.live.prop("arbitrary data payloads, invalid UTF-8 and stray fields: typed errors or events", [fc.array(fc.oneof(hostileData.map((d) => `data: ${d.replace(/[\r\n]/g, " ")}\n\n`), fc.constantFrom(": keep-alive\n", "event: error\n", "id:\n", "retry: x\n", "\r\n", "data\n\n", "\uFEFF")), { maxLength: 6 }), fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }), fc.boolean()], ([lines, garbage, done]) =>
    Effect.gen(function*() {
      const head = utf8(lines.join(""))
      const tail = utf8(done ? "data: [DONE]\n\n" : "")
      const exit = yield* streamed(garbage === undefined ? [head, tail] : [head, garbage, utf8("\n\n"), tail])
      expectTyped(exit)
    }), { fastCheck: { numRuns } })

  it.live("a several-MB content line, arriving in small reads with no line end for a long time, completes whole", () =>
    Effect.gen(function*() {
      const content = "é😀x".repeat(700_000) // ~5 MB of UTF-8
      const bytes = utf8(`data: ${JSON.stringify(chunkOf({ content }))}\n\ndata: [DONE]\n\n`)
      const pieces: Array<Uint8Array> = []
      for (let start = 0; start < bytes.length; start += 65_531) pieces.push(bytes.subarray(start, start + 65_531))
      const exit = yield* streamed(pieces)
      expectTyped(exit)
      expect(Exit.isSuccess(exit) && exit.value.filter((e) => e._tag === "Text").map((e) => (e as { delta: string }).delta).join("")).toBe(content)
    }))
})

describe("the SSE decoder over streams: long lines, comments and cut streams", () => {
  const collect = (pieces: ReadonlyArray<Uint8Array>) =>
    Stream.fromIterable(pieces).pipe(
      Sse.decode,
      Stream.runCollect,
      Effect.map(Chunk.toReadonlyArray),
      Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new Hung() })
    )

  it.live("an 8 MB line without a newline, then its end, is one event; cut before its end, nothing is dispatched", () =>
    Effect.gen(function*() {
      const line = "data:" + "a".repeat(8 * 1024 * 1024)
      const bytes = utf8(line)
      const pieces: Array<Uint8Array> = []
      for (let start = 0; start < bytes.length; start += 16_384) pieces.push(bytes.subarray(start, start + 16_384))
      const events = yield* collect([...pieces, utf8("\r\n\r\n: keep-alive\r")])
      expect(events).toHaveLength(2)
      expect(events[0]).toEqual({ _tag: "Data", data: "a".repeat(8 * 1024 * 1024) })
      expect(events[1]).toEqual({ _tag: "Comment", text: "keep-alive" })
      expect(yield* collect(pieces)).toEqual([])
    }))

  it.live.prop("bytes that are not UTF-8 inside data lines decode to U+FFFD, whole or split", [fc.uint8Array({ minLength: 1, maxLength: 24 }).map((b) => b.map((x) => (x === 10 || x === 13 ? 0xff : x))), fc.array(fc.nat(), { maxLength: 8 })], ([junk, cuts]) =>
    Effect.gen(function*() {
      const bytes = new Uint8Array([...utf8("data:"), ...junk, ...utf8("\n\n")])
      const whole = yield* collect([bytes])
      expect(yield* collect(splitAt(bytes, cuts))).toEqual(whole)
      expect(whole).toHaveLength(1)
      expect(whole[0]?._tag).toBe("Data")
    }), { fastCheck: { numRuns: propertyRuns(200) } })
})

describe("a key echoed in a malformed 200 body", () => {
  // A MalformedResponse keeps the start of the body for diagnosis; a key in it is masked.
  const echoed = "sk-or-v1-echoed0123456789abcdef0123456789abcdef0123456789abcdef"
  const text = `<html>proxy error for Bearer ${echoed} and key ${echoed}</html>`
  const program = {
    chat: Effect.flatMap(Chat.Chat, (chat) => chat.complete({ messages: [{ role: "user", content: "x" }] }, { model: "openai/gpt-4o", thinking: "off" })),
    image: Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "x", model: "google/gemini-2.5-flash-image" }))
  }
  for (const [name, run] of Object.entries(program)) {
    it.live(`${name}: the body kept in MalformedResponse has the key masked`, () =>
      Effect.gen(function*() {
        const exit = yield* settle(run as Effect.Effect<unknown, unknown, OpenRouter.Services>, () => ({ status: 200, headers: { "content-type": "application/json" }, body: text }))
        const error = Exit.isFailure(exit) ? Option.getOrThrow(Cause.failureOption(exit.cause)) : undefined
        expect(error).toMatchObject({ _tag: "MalformedResponse" })
        expect(JSON.stringify(error)).not.toContain(echoed.slice(9, 30))
        expect((error as { body?: string }).body).toContain("sk-or-v1-…cdef")
      }))
  }
})
