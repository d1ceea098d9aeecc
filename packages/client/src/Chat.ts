/**
 * Chat completions: `complete` (one JSON response) and `stream` (typed events from a linear SSE
 * decoder). Both resolve the call's settings from the config, shape the request with the core's
 * `PayloadTransformers`, set `model` and `stream`, and send it through `OpenRouterHttp` with the
 * `chat` retry class.
 *
 * @since 0.1.0
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { OpenRouterError, type Params, PayloadTransformers, Secret, type Settings, Thinking } from "@openrouter-effect/core"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { deadline, failWhenIdle } from "./internal/deadline.js"
import { isChatResponse } from "./internal/responseGuard.js"
import { Models } from "./Models.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import { type ExecuteError, OpenRouterHttp } from "./OpenRouterHttp.js"
import * as Sse from "./Sse.js"

/** The default time for a whole completion, and for a stream's response headers. @since 0.1.0 @category Constants */
export const DEFAULT_TIMEOUT = Duration.minutes(10)

/** The default time a stream may go without a byte (keep-alive comments count). @since 0.1.0 @category Constants */
export const DEFAULT_IDLE_TIMEOUT = Duration.minutes(5)

/** @since 0.1.0 @category Models */
export interface Options {
  /** A model ref; default the configured primary, else `openrouter/auto`. */
  readonly model?: string | undefined
  /** A thinking level or alias; default the model's. */
  readonly thinking?: string | undefined
  /** Params over the configured ones (sampling, `provider`, `extraBody`, cache settings). */
  readonly params?: Params.Params | undefined
  /** The agent whose `agents.list[].params` apply. */
  readonly agentId?: string | undefined
  /** Extra request headers (never overriding attribution). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly timeout?: Duration.DurationInput | undefined
  /** Streams only. */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /**
   * Where a model's default thinking level comes from: the live catalogue (default; a lookup
   * that fails falls back to the bundled one) or only the bundled one, which sends nothing
   * (for `--dry-run`).
   */
  readonly catalog?: "live" | "bundled" | undefined
}

/** A request in OpenAI shape: a JSON object with `messages`. @since 0.1.0 @category Models */
export type Request = PayloadTransformers.Body

/** What a chat call can fail with. @since 0.1.0 @category Models */
export type ChatError = ExecuteError | Settings.ResolveError

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** Token usage with OpenRouter's cost. @since 0.1.0 @category Schemas */
export const Usage = Schema.Struct({
  prompt_tokens: Schema.Number,
  completion_tokens: Schema.Number,
  total_tokens: Schema.Number,
  cost: opt(Schema.NullOr(Schema.Number)),
  is_byok: opt(Schema.Boolean)
})

/** @since 0.1.0 @category Models */
export type Usage = typeof Usage.Type

/** A tool call. @since 0.1.0 @category Schemas */
export const ToolCall = Schema.Struct({
  id: Schema.String,
  type: opt(Schema.String),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.String })
})

/** An image in a response. @since 0.1.0 @category Schemas */
export const Image = Schema.Struct({ type: opt(Schema.String), image_url: Schema.Struct({ url: Schema.String }) })

/** The assistant message. `reasoning_details` is kept exactly as received, for replay. @since 0.1.0 @category Schemas */
export const Message = Schema.Struct({
  role: Schema.String,
  content: opt(Schema.NullOr(Schema.String)),
  reasoning: opt(Schema.NullOr(Schema.String)),
  reasoning_details: opt(Schema.Array(Schema.Unknown)),
  tool_calls: opt(Schema.Array(ToolCall)),
  images: opt(Schema.Array(Image))
})

/** A choice. @since 0.1.0 @category Schemas */
export const Choice = Schema.Struct({
  index: opt(Schema.Number),
  message: Message,
  finish_reason: opt(Schema.NullOr(Schema.String)),
  native_finish_reason: opt(Schema.NullOr(Schema.String)),
  error: opt(Schema.Unknown)
})

/** The response, unknown fields kept. @since 0.1.0 @category Schemas */
export const Response = Schema.Struct({
  id: Schema.String,
  model: Schema.String,
  provider: opt(Schema.String),
  created: opt(Schema.Number),
  choices: Schema.Array(Choice),
  usage: opt(Usage)
})

/** @since 0.1.0 @category Models */
export type Response = typeof Response.Type

/** OpenRouter's response-cache headers. @since 0.1.0 @category Models */
export interface CacheStatus {
  /** `HIT` or `MISS`, when the request asked for caching. */
  readonly status: string | undefined
  readonly ttl: string | undefined
  readonly age: string | undefined
}

/** A completion: the decoded response and what the headers said. @since 0.1.0 @category Models */
export interface Completion {
  readonly response: Response
  /** The first choice's text. */
  readonly text: string
  readonly cache: CacheStatus
  /** `X-Generation-Id`, else the response id. */
  readonly generationId: string
}

/** One event of a stream. @since 0.1.0 @category Models */
export type Event =
  | { readonly _tag: "Start"; readonly id: string; readonly model: string; readonly provider: string | undefined }
  | { readonly _tag: "Text"; readonly delta: string }
  | { readonly _tag: "Reasoning"; readonly delta: string; readonly details: ReadonlyArray<unknown> }
  | {
    readonly _tag: "ToolCall"
    readonly index: number
    readonly id: string | undefined
    readonly name: string | undefined
    readonly argumentsDelta: string
    /** Everything received for this tool call so far. */
    readonly accumulated: { readonly id: string; readonly name: string; readonly arguments: string }
  }
  | { readonly _tag: "Image"; readonly url: string }
  | { readonly _tag: "Usage"; readonly usage: Usage }
  | { readonly _tag: "Finish"; readonly reason: string; readonly nativeReason: string | undefined }

/** A prepared request: exactly what would be sent. @since 0.1.0 @category Models */
export interface Prepared {
  readonly url: string
  readonly body: Request
  readonly headers: Readonly<Record<string, string>>
  readonly settings: Settings.Chat
}

/** @since 0.1.0 @category Models */
export interface Service {
  /** The shaped request without sending it (`--dry-run`). */
  readonly prepare: (request: Request, options?: Options, stream?: boolean) => Effect.Effect<Prepared, Settings.ResolveError>
  readonly complete: (request: Request, options?: Options) => Effect.Effect<Completion, ChatError>
  readonly stream: (request: Request, options?: Options) => Stream.Stream<Event, ChatError>
}

/** @since 0.1.0 @category Context */
export class Chat extends Context.Tag("@openrouter-effect/client/Chat")<Chat, Service>() {}

const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : undefined

/**
 * The typed error of a 200 body or chunk that carries `error` (top level, or a choice's with
 * `finish_reason: "error"`).
 *
 * @since 0.1.0 @category Errors
 */
export const inBandError = (body: unknown, requestId?: string): OpenRouterError.ApiError | undefined => {
  const root = record(body)
  // A loop, not map/find: this runs on every event of a stream.
  let choiceError: unknown
  if (Array.isArray(root?.choices)) {
    for (const choice of root.choices) {
      const candidate = record(choice)?.error
      if (candidate !== undefined && candidate !== null) {
        choiceError = candidate
        break
      }
    }
  }
  const error = record(root?.error) ?? record(choiceError)
  if (error === undefined) return undefined
  const code = typeof error.code === "number" && error.code >= 400 ? error.code : 502
  return OpenRouterError.fromResponse({
    status: code,
    body: { error },
    ...(requestId !== undefined ? { headers: { "x-request-id": requestId } } : {})
  })
}

const malformed = (message: string, body?: string) =>
  new OpenRouterError.MalformedResponse({ message, ...(body !== undefined ? { body: Secret.redactSecrets(body.slice(0, 2000)) } : {}) })

// Marks, in a stream's events, where a failure cut it.
const STOP: unique symbol = Symbol("openrouter-effect/Chat/stop")

const decodeResponse = Schema.decodeUnknownEither(Response, { onExcessProperty: "preserve" })
// `Response` has no transformations, so a body that passes the check is already the decoded value
// (unknown fields included). The check is a hand-written twin of `Schema.is(Response)` (held to it
// by a property test) and allocates nothing; the decode runs only to describe a mismatch.
const isResponse = isChatResponse as (u: unknown) => u is Response

// The schema's account of a mismatch. Effect formats the value found recursively, which overflows
// the stack on a (hostile) body nested thousands of levels deep: then the account is shorter.
const shapeError = (error: { readonly message: string }): string => {
  try {
    return error.message
  } catch {
    return "a value is nested too deeply to describe"
  }
}

/**
 * Builds the service.
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<Service, never, OpenRouterConfig | OpenRouterHttp | Models> = Effect.gen(function*() {
  const config = yield* OpenRouterConfig
  const http = yield* OpenRouterHttp
  const models = yield* Models

  // The calls below run this inside their own span; only the public `prepare` gets one of its own.
  const shapeCall = (request: Request, options: Options, stream: boolean) =>
    Effect.gen(function*() {
      const settings = yield* config.chat({
        model: options.model,
        thinking: options.thinking,
        params: options.params,
        agentId: options.agentId
      }, { span: "caller" })
      // Without a level from the call, the model's default comes from its capabilities: the live
      // catalogue when it answers, else the bundled one (a failed lookup never fails the call).
      const thinking = options.thinking !== undefined || options.catalog === "bundled"
        ? settings.thinking
        : Thinking.defaultLevel(settings.model.slug, yield* models.thinkingCapabilities(settings.model.slug))
      const context = {
        ...PayloadTransformers.contextOf(settings, { callerHeaders: options.headers }),
        route: http.route,
        thinking
      }
      const shaped = yield* PayloadTransformers.shape(context, request)
      const body: Request = { ...shaped.body, model: settings.model.slug, stream }
      return { url: http.url("/chat/completions"), body, headers: shaped.headers, settings }
    })
  const prepare: Service["prepare"] = (request, options = {}, stream = false) =>
    shapeCall(request, options, stream).pipe(Effect.withSpan("Chat.prepare", { captureStackTrace: false }))

  // `complete` bounds the whole call with one timer; a stream bounds its response headers here
  // and its body with the idle timeout.
  const send = (prepared: Prepared, timeout: Duration.DurationInput | undefined, operation: string) =>
    http.execute(
      HttpClientRequest.post(prepared.url).pipe(
        HttpClientRequest.setHeaders(prepared.headers),
        HttpClientRequest.bodyText(JSON.stringify(prepared.body), "application/json")
      ),
      { retryClass: "chat", timeout, operation, span: "caller" }
    )

  const complete: Service["complete"] = (request, options = {}) =>
    Effect.gen(function*() {
      const prepared = yield* shapeCall(request, options, false)
      // The route, status and retries come from `send` (its attributes land on this span).
      yield* Effect.annotateCurrentSpan("openrouter.model", prepared.settings.model.slug)
      const httpResponse = yield* send(prepared, undefined, "chat.complete")
      // Each read of `headers` copies them on some transports (undici): read them once.
      const headers = httpResponse.headers
      const text = yield* httpResponse.text.pipe(
        Effect.mapError((error) =>
          new OpenRouterError.TransportError({ message: `Reading the chat response failed: ${error.message}`, phase: "response", cause: error })
        )
      )
      const requestId = headers["x-request-id"] ?? headers["x-generation-id"]
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        return yield* Effect.fail(malformed("The chat response is not JSON", text))
      }
      const error = inBandError(body, requestId)
      if (error !== undefined) return yield* Effect.fail(error)
      if (!isResponse(body)) {
        const decoded = decodeResponse(body)
        const account = decoded._tag === "Left" ? shapeError(decoded.left) : "it does not match the response schema"
        return yield* Effect.fail(malformed(`The chat response has an unexpected shape: ${account}`, text))
      }
      const response: Response = body
      const cache: CacheStatus = {
        status: headers["x-openrouter-cache-status"],
        ttl: headers["x-openrouter-cache-ttl"],
        age: headers["x-openrouter-cache-age"]
      }
      yield* Effect.annotateCurrentSpan("openrouter.cache", cache.status ?? "none")
      return {
        response,
        text: response.choices[0]?.message.content ?? "",
        cache,
        generationId: headers["x-generation-id"] ?? response.id
      }
    }).pipe(
      (work) =>
        deadline(
          work,
          options.timeout ?? DEFAULT_TIMEOUT,
          () => new OpenRouterError.Timeout({ message: "The chat completion did not finish in time", source: "client" })
        ),
      Effect.withSpan("Chat.complete", { captureStackTrace: false })
    )

  const stream: Service["stream"] = (request, options = {}) =>
    Stream.unwrapScoped(Effect.gen(function*() {
      const prepared = yield* shapeCall(request, options, true)
      const response = yield* send(prepared, options.timeout ?? DEFAULT_TIMEOUT, "chat.stream")
      const idle = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT
      const requestId = response.headers["x-generation-id"]
      const tools = new Map<number, { id: string; name: string; arguments: string }>()
      let done = false
      let started = false
      let failure: ChatError | undefined

      // Appends the events of one chunk to `events` (no array per chunk: this runs per event).
      const eventsOf = (chunk: Record<string, unknown>, events: Array<Event | typeof STOP>): void => {
        if (!started && typeof chunk.id === "string") {
          started = true
          events.push({
            _tag: "Start",
            id: chunk.id,
            model: typeof chunk.model === "string" ? chunk.model : prepared.settings.model.slug,
            provider: typeof chunk.provider === "string" ? chunk.provider : undefined
          })
        }
        const choices = Array.isArray(chunk.choices) ? chunk.choices : []
        for (const raw of choices) {
          const choice = record(raw)
          const delta = record(choice?.delta)
          if (delta !== undefined) {
            const details = Array.isArray(delta.reasoning_details) ? delta.reasoning_details : []
            if ((typeof delta.reasoning === "string" && delta.reasoning !== "") || details.length > 0) {
              events.push({ _tag: "Reasoning", delta: typeof delta.reasoning === "string" ? delta.reasoning : "", details })
            }
            if (typeof delta.content === "string" && delta.content !== "") events.push({ _tag: "Text", delta: delta.content })
            for (const rawCall of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
              const call = record(rawCall)
              if (call === undefined) continue
              const index = typeof call.index === "number" ? call.index : 0
              const fn = record(call.function)
              const current = tools.get(index) ?? { id: "", name: "", arguments: "" }
              const id = typeof call.id === "string" ? call.id : undefined
              const name = typeof fn?.name === "string" ? fn.name : undefined
              const argumentsDelta = typeof fn?.arguments === "string" ? fn.arguments : ""
              const next = { id: id ?? current.id, name: name ?? current.name, arguments: current.arguments + argumentsDelta }
              tools.set(index, next)
              events.push({ _tag: "ToolCall", index, id, name, argumentsDelta, accumulated: next })
            }
            for (const rawImage of Array.isArray(delta.images) ? delta.images : []) {
              const url = record(record(rawImage)?.image_url)?.url
              if (typeof url === "string") events.push({ _tag: "Image", url })
            }
          }
          if (typeof choice?.finish_reason === "string") {
            events.push({
              _tag: "Finish",
              reason: choice.finish_reason,
              nativeReason: typeof choice.native_finish_reason === "string" ? choice.native_finish_reason : undefined
            })
          }
        }
        const usage = record(chunk.usage)
        if (usage !== undefined && typeof usage.total_tokens === "number") events.push({ _tag: "Usage", usage: usage as unknown as Usage })
      }

      const events = response.stream.pipe(
        Stream.mapError((error) =>
          new OpenRouterError.TransportError({ message: `The chat stream broke: ${error.message}`, phase: "response", cause: error })
        ),
        (bytes) =>
          failWhenIdle(
            bytes,
            idle,
            () => new OpenRouterError.Timeout({ message: `The chat stream sent nothing for ${Duration.format(Duration.decode(idle))}`, source: "client" })
          ),
        Sse.decode,
        // One pass per read, not per event. A malformed chunk or an in-band error ends the read
        // there: the events before it are delivered, then the stream fails with it.
        Stream.mapChunks((sseEvents): Chunk.Chunk<Event | typeof STOP> => {
          const out: Array<Event | typeof STOP> = []
          for (const event of sseEvents) {
            if (event._tag === "Comment" || done) continue
            if (event.data === "[DONE]") {
              done = true
              continue
            }
            let chunk: unknown
            try {
              chunk = JSON.parse(event.data)
            } catch {
              failure = malformed("A chat stream chunk is not JSON", event.data)
              out.push(STOP)
              break
            }
            const error = inBandError(chunk, requestId)
            if (error !== undefined) {
              failure = error
              out.push(STOP)
              break
            }
            const body = record(chunk)
            if (body !== undefined) eventsOf(body, out)
          }
          return Chunk.unsafeFromArray(out)
        }),
        // The marker ends the stream (and the read of the body) right after the events before it.
        Stream.takeWhile((item): item is Event => item !== STOP),
        Stream.concat(Stream.suspend(() =>
          failure !== undefined
            ? Stream.fail(failure)
            : done
            ? Stream.empty
            : Stream.fail(new OpenRouterError.MalformedResponse({ message: "The chat stream ended without [DONE]" }))
        ))
      )
      return events
    })).pipe(Stream.withSpan("Chat.stream", { captureStackTrace: false }))

  return { prepare, complete, stream }
})

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<Chat, never, OpenRouterConfig | OpenRouterHttp | Models> = Layer.effect(Chat, make)

/**
 * Folds a stream into the assistant message to replay on the next turn: the text, the reasoning,
 * the tool calls by index, and `reasoning_details` with the pieces of each entry (same `index`)
 * joined, so split signatures and encrypted blobs come out whole.
 *
 * @since 0.1.0 @category Streams
 */
export const collect = <E, R>(events: Stream.Stream<Event, E, R>) =>
  Stream.runFold(events, emptyAccumulated(), accumulate).pipe(Effect.map(toMessage))

interface Accumulated {
  text: string
  reasoning: string
  details: Array<Record<string, unknown>>
  tools: Map<number, { id: string; name: string; arguments: string }>
  usage: Usage | undefined
  finish: string | undefined
}

const emptyAccumulated = (): Accumulated => ({ text: "", reasoning: "", details: [], tools: new Map(), usage: undefined, finish: undefined })

const JOINED = new Set(["text", "signature", "data", "summary"])

/**
 * Merges one `reasoning_details` delta entry into the list: an entry with the same `index` (and
 * type) as the last one is continued (its string pieces joined), anything else starts a new one.
 *
 * @since 0.1.0 @category Streams
 */
export const mergeDetail = (details: Array<Record<string, unknown>>, piece: unknown): void => {
  const entry = record(piece)
  if (entry === undefined) return
  const last = details[details.length - 1]
  if (last !== undefined && last.index === entry.index && (entry.type === undefined || last.type === entry.type)) {
    for (const [key, value] of Object.entries(entry)) {
      if (JOINED.has(key) && typeof value === "string") last[key] = (typeof last[key] === "string" ? last[key] : "") + value
      else if (last[key] === undefined || last[key] === null) last[key] = value
    }
    return
  }
  details.push({ ...entry })
}

const accumulate = (acc: Accumulated, event: Event): Accumulated => {
  switch (event._tag) {
    case "Text":
      acc.text += event.delta
      break
    case "Reasoning":
      acc.reasoning += event.delta
      for (const piece of event.details) mergeDetail(acc.details, piece)
      break
    case "ToolCall":
      acc.tools.set(event.index, { ...event.accumulated })
      break
    case "Usage":
      acc.usage = event.usage
      break
    case "Finish":
      acc.finish = event.reason
      break
  }
  return acc
}

const toMessage = (acc: Accumulated) => ({
  message: {
    role: "assistant" as const,
    content: acc.text,
    ...(acc.reasoning !== "" ? { reasoning: acc.reasoning } : {}),
    ...(acc.details.length > 0 ? { reasoning_details: acc.details } : {}),
    ...(acc.tools.size > 0
      ? {
        tool_calls: [...acc.tools.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({
          id: call.id,
          type: "function" as const,
          function: { name: call.name, arguments: call.arguments }
        }))
      }
      : {})
  },
  usage: Option.fromNullable(acc.usage),
  finishReason: acc.finish
})
