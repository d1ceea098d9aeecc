/**
 * Chat completions: `complete` (one JSON response) and `stream` (typed events from a linear SSE
 * decoder). Both check the caller's {@link Request} (typed; a wrong documented field is a
 * `BadInput` naming its path, before anything else), resolve the call's settings from the config
 * once, shape the request with the `PayloadTransformers` in context (else the core's pipeline),
 * set `model` and `stream`, and send it through `OpenRouterHttp` to the settings' base URL with
 * their key, in the `chat` retry class.
 *
 * A stream reads `reasoning_details` as well as keeping them: `reasoning.text` entries are
 * `Reasoning` deltas and `response.output_text` / `response.text` entries `Text` deltas, in
 * arrival order (some models stream their whole output there). A streaming request answered with
 * a JSON completion gives the events its stream would have.
 *
 * @since 0.1.0
 */
import type * as Headers from "@effect/platform/Headers"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as ChatRequest from "@openrouter-effect/core/ChatRequest"
import * as ChatRequestCheck from "@openrouter-effect/core/ChatRequestCheck"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import type * as Params from "@openrouter-effect/core/Params"
import * as PayloadTransformers from "@openrouter-effect/core/PayloadTransformers"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Thinking from "@openrouter-effect/core/Thinking"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Response, Usage } from "./ChatResponse.js"
import * as ChatCollect from "./internal/chatCollect.js"
import * as ChatStream from "./internal/chatStream.js"
import { isJsonContentType, parseCompletion } from "./internal/chatWire.js"
import { deadline } from "./internal/deadline.js"
import { readText } from "./internal/jsonBody.js"
import { checkTimeoutMs } from "./internal/timeouts.js"
import * as Limits from "./Limits.js"
import { Models } from "./Models.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import { type ExecuteError, OpenRouterHttp } from "./OpenRouterHttp.js"

/** The default time for a whole completion, and for a stream's response headers. @since 0.1.0 @category Constants */
export const DEFAULT_TIMEOUT = Duration.minutes(10)

const DEFAULT_TIMEOUT_MS = Duration.toMillis(DEFAULT_TIMEOUT)

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
  /**
   * The whole call: a completion, or a stream from the request to its last event (default: 10
   * minutes for a completion; a stream's response headers within 10 minutes and the stream within
   * `streamTotalMs` of `Limits`). At most 2^31 - 1 ms (about 24.8 days): a longer one is a
   * `BadInput`, as timers cannot hold it.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Streams only: the longest time without a byte (keep-alive comments count). Same maximum. */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /**
   * Where a model's default thinking level comes from: the live catalogue (default; a lookup
   * that fails falls back to the bundled one) or only the bundled one, which sends nothing
   * (for `--dry-run`).
   */
  readonly catalog?: "live" | "bundled" | undefined
  /**
   * Streams only: read `reasoning_details` entries of the ambiguous type `"text"` as answer text
   * (`Text` events, `content`) instead of reasoning. Default off: entries of type
   * `response.output_text` / `response.text` are always answer text and `reasoning.text` always
   * reasoning, but some providers put reasoning under `"text"`, so it is opt-in.
   */
  readonly textDetailsAsAnswer?: boolean | undefined
}

/**
 * A request in OpenAI shape, typed from the core's `ChatRequest` Schema: messages by role
 * (system, developer, user, assistant, tool) with their content parts (text, image_url, file,
 * input_audio, video_url), tools, tool_choice, response_format, reasoning, provider routing,
 * plugins and the sampling params. A misspelt field or a value of the wrong type does not compile;
 * at run time the documented fields are checked before anything is resolved or sent, and a wrong
 * one is a `BadInput` whose `field` is its path (`messages[0].role`). A field OpenRouter documents
 * after this type goes in `Options.params.extraBody`; a request of unknown shape (a log, a JSON
 * file) becomes one through `ChatRequest.fromUnknown`.
 *
 * @since 0.1.0 @category Models
 */
export type Request = ChatRequest.Request

/** What a chat call can fail with. @since 0.1.0 @category Models */
export type ChatError = ExecuteError | Settings.ResolveError

export {
  /** @since 0.1.0 @category Schemas */
  Choice,
  /** @since 0.1.0 @category Schemas */
  Image,
  /** @since 0.1.0 @category Schemas */
  Message,
  /** @since 0.1.0 @category Schemas */
  Response,
  /** @since 0.1.0 @category Schemas */
  ToolCall,
  /** @since 0.1.0 @category Schemas */
  Usage
} from "./ChatResponse.js"

/** OpenRouter's response-cache headers. @since 0.1.0 @category Models */
export interface CacheStatus {
  /** `HIT` or `MISS`, when the request asked for caching. */
  readonly status: string | undefined
  readonly ttl: string | undefined
  readonly age: string | undefined
}

const cacheOf = (headers: Readonly<Record<string, string | undefined>>): CacheStatus => ({
  status: headers["x-openrouter-cache-status"],
  ttl: headers["x-openrouter-cache-ttl"],
  age: headers["x-openrouter-cache-age"]
})

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
  | {
    readonly _tag: "Start"
    readonly id: string
    readonly model: string
    readonly provider: string | undefined
    /** The response-cache headers of the stream's response. */
    readonly cache: CacheStatus
  }
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
  /** The body as shaped (the caller's request through the pipeline, with `model` and `stream`). */
  readonly body: PayloadTransformers.Body
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

// A caller's duration as milliseconds a timer can hold, or a `BadInput` naming the option.
const checkDuration = (field: string, input: Duration.DurationInput | undefined): Effect.Effect<number | undefined, OpenRouterError.BadInput> => {
  if (input === undefined) return Effect.succeed(undefined)
  const decoded = Duration.decodeUnknown(input)
  return decoded._tag === "Some"
    ? checkTimeoutMs(field, Duration.toMillis(decoded.value))
    : Effect.fail(new OpenRouterError.BadInput({ message: `${field} is not a duration`, field, value: String(input) }))
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
  const transformers = Option.getOrElse(yield* Effect.serviceOption(PayloadTransformers.PayloadTransformers), PayloadTransformers.make)

  // The calls below run this inside their own span; only the public `prepare` gets one of its own.
  // The shaped request from the settings and the call's thinking level: synchronous (the shaping
  // is a function), so the hot path has no generator step for it.
  const shaped = (
    request: Request,
    options: Options,
    stream: boolean,
    settings: Settings.Chat,
    thinking: Thinking.Level
  ): Effect.Effect<Prepared, Settings.ResolveError> => {
    const context = PayloadTransformers.contextOf(settings, { callerHeaders: options.headers, identity: config.identity, thinking })
    const result = transformers.shape(context, request)
    if (Either.isLeft(result)) return Effect.fail(result.left)
    const body: PayloadTransformers.Body = { ...result.right.body, model: settings.model.slug, stream }
    return Effect.succeed({ url: http.url("/chat/completions", settings), body, headers: result.right.headers, settings })
  }
  // Run when the effect runs (never when it is built): the caller's request is checked then.
  const shapeNow = (request: Request, options: Options, stream: boolean): Effect.Effect<Prepared, Settings.ResolveError> => {
    // The boundary: the documented fields of the caller's request. Answered synchronously for a
    // common request; one the twin cannot accept alone loads the ChatRequest Schemas (once).
    const checked = ChatRequestCheck.checkNow(request)
    if (checked === undefined) return Effect.flatMap(ChatRequestCheck.check(request), () => resolveAndShape(request, options, stream))
    if (Either.isLeft(checked)) return Effect.fail(checked.left)
    return resolveAndShape(request, options, stream)
  }
  const resolveAndShape = (request: Request, options: Options, stream: boolean): Effect.Effect<Prepared, Settings.ResolveError> => {
    return Effect.flatMap(
      config.chat({ model: options.model, thinking: options.thinking, params: options.params, agentId: options.agentId }, { span: "caller" }),
      (settings) => {
        // A level from the call or from the model's config entry stands; otherwise the model's
        // default comes from its capabilities: the live catalogue when it answers, else the
        // bundled one (a failed lookup never fails the call).
        const bundledOnly = settings.thinkingSource !== "default" || options.catalog === "bundled"
        if (bundledOnly) return shaped(request, options, stream, settings, settings.thinking)
        // Without a key the send fails anyway (OpenRouterHttp refuses it): say so before the live
        // catalogue lookup, so a missing key is reported before any request, as documented.
        if (Option.isNone(settings.key.apiKey)) return Effect.fail(Settings.missingKey())
        return Effect.flatMap(
          models.thinkingCapabilities(settings.model.slug),
          (capabilities) => shaped(request, options, stream, settings, Thinking.defaultLevel(settings.model.slug, capabilities))
        )
      }
    )
  }
  const shapeCall = (request: Request, options: Options, stream: boolean) => Effect.suspend(() => shapeNow(request, options, stream))
  const prepare: Service["prepare"] = (request, options = {}, stream = false) =>
    shapeCall(request, options, stream).pipe(Effect.withSpan("Chat.prepare", { captureStackTrace: false }))

  // `complete` bounds the whole call with one timer; a stream bounds its response headers here
  // and its body with the idle timeout.
  const send = (prepared: Prepared, timeout: Duration.DurationInput | undefined, operation: string, scope?: Scope.Scope) =>
    http.execute(
      HttpClientRequest.post(prepared.url).pipe(
        HttpClientRequest.setHeaders(prepared.headers),
        HttpClientRequest.bodyText(JSON.stringify(prepared.body), "application/json")
      ),
      { retryClass: "chat", target: prepared.settings, timeout, operation, span: "caller", scope }
    )

  // One span; its attributes are set on the span object directly, and the steps are a chain of
  // `flatMap`s rather than a generator: this is the hot path of the library (see
  // packages/bench/NOTES.md), and each `annotateCurrentSpan` or generator step is work per call.
  const complete: Service["complete"] = (request, options = {}) =>
    Effect.useSpan("Chat.complete", { captureStackTrace: false }, (span) =>
      Effect.withParentSpan(
        Effect.flatMap(checkDuration("timeout", options.timeout), (timeoutMs) =>
          deadline(
            Effect.flatMap(shapeNow(request, options, false), (prepared) => {
              span.attribute("openrouter.model", prepared.settings.model.slug)
              // The route, status and retries come from `send` (its attributes land on this span).
              return Effect.flatMap(send(prepared, undefined, "chat.complete"), (httpResponse) => {
                // Each read of `headers` copies them on some transports (undici): read them once.
                const headers = httpResponse.headers
                return Effect.flatMap(readChatBody(httpResponse), (text): Effect.Effect<Completion, ChatError> => {
                  const parsed = parseCompletion(text, headers["x-request-id"] ?? headers["x-generation-id"])
                  if (!parsed.ok) return Effect.fail(parsed.error)
                  const response: Response = parsed.response
                  const cache = cacheOf(headers)
                  span.attribute("openrouter.cache", cache.status ?? "none")
                  return Effect.succeed({
                    response,
                    text: response.choices[0]?.message.content ?? "",
                    cache,
                    generationId: headers["x-generation-id"] ?? response.id
                  })
                })
              })
            }),
            timeoutMs ?? DEFAULT_TIMEOUT,
            () => new OpenRouterError.Timeout({ message: "The chat completion did not finish in time", source: "client" })
          )),
        span
      ))

  // A JSON body, at most `jsonBodyBytes` of the `Limits` in force (`LimitExceeded` past it).
  const readChatBody = (response: HttpClientResponse.HttpClientResponse) =>
    readText(response, { what: "the chat response" }).pipe(
      Effect.mapError((error) =>
        error._tag === "LimitExceeded"
          ? error
          : new OpenRouterError.TransportError({ message: `Reading the chat response failed: ${error.message}`, phase: "response", cause: error })
      )
    )

  // A JSON completion that answers a streaming request (some proxies and providers do): read
  // whole, bounded by the call's timeout like `complete`, and given as the events a stream would.
  const jsonAnswer = (
    response: HttpClientResponse.HttpClientResponse,
    headers: Headers.Headers,
    options: Options,
    model: string,
    timeout: Duration.DurationInput
  ): Effect.Effect<Stream.Stream<Event>, ChatError> =>
    readChatBody(response).pipe(
      Effect.flatMap((text) => {
        const parsed = parseCompletion(text, headers["x-request-id"] ?? headers["x-generation-id"])
        return parsed.ok
          ? Effect.succeed(Stream.fromIterable(
            ChatStream.completionEvents(parsed.response as unknown as Record<string, unknown>, {
              model,
              textDetailsAsAnswer: options.textDetailsAsAnswer,
              cache: cacheOf(headers)
            })
          ))
          : Effect.fail(parsed.error)
      }),
      (work) =>
        deadline(work, timeout, () => new OpenRouterError.Timeout({ message: "The chat completion did not finish in time", source: "client" }))
    )

  // A stream ends by the caller's timeout when one is given, and by `streamTotalMs` in any case,
  // counted from the call: keep-alive comments renew only the idle timeout. The earlier of the
  // two decides the error: `Timeout` for the caller's, `LimitExceeded` for the limit's.
  const endOf = (timeoutMs: number | undefined, streamTotalMs: number) =>
    timeoutMs !== undefined && timeoutMs <= streamTotalMs
      ? {
        ms: timeoutMs,
        onLate: (): ChatError =>
          new OpenRouterError.Timeout({
            message: `The chat stream did not finish within ${Duration.format(Duration.millis(timeoutMs))}`,
            source: "client",
            timeoutMs
          })
      }
      : {
        ms: streamTotalMs,
        onLate: (): ChatError =>
          new OpenRouterError.LimitExceeded({
            message: `The chat stream exceeded streamTotalMs (${Duration.format(Duration.millis(streamTotalMs))})`,
            limit: "streamTotalMs",
            max: streamTotalMs
          })
      }

  const stream: Service["stream"] = (request, options = {}) =>
    Stream.unwrapScoped(Effect.gen(function*() {
      const timeoutMs = yield* checkDuration("timeout", options.timeout)
      const idleMs = yield* checkDuration("idleTimeout", options.idleTimeout)
      const end = endOf(timeoutMs, (yield* Limits.Limits).streamTotalMs)
      const endAt = (yield* Clock.currentTimeMillis) + end.ms
      // The request's own scope, within the stream's: closing it aborts the request (the body
      // included), which is how the idle and end limits stop a read that waits.
      const requestScope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
      // The request and its response headers: each attempt within the timeout (default 10
      // minutes), all of them before the stream's end.
      const { headers, prepared, response } = yield* deadline(
        Effect.gen(function*() {
          const prepared = yield* shapeCall(request, options, true)
          const response = yield* send(prepared, timeoutMs ?? DEFAULT_TIMEOUT, "chat.stream", requestScope)
          // Each read of `headers` copies them on some transports (undici): read them once.
          return { headers: response.headers, prepared, response }
        }),
        end.ms,
        end.onLate
      )
      const model = prepared.settings.model.slug
      if (isJsonContentType(headers["content-type"])) {
        const left = Math.max(1, endAt - (yield* Clock.currentTimeMillis))
        return yield* jsonAnswer(response, headers, options, model, Math.min(left, timeoutMs ?? DEFAULT_TIMEOUT_MS))
      }
      return ChatStream.events(response, {
        cache: cacheOf(headers),
        idle: idleMs ?? DEFAULT_IDLE_TIMEOUT,
        requestId: headers["x-generation-id"],
        model,
        textDetailsAsAnswer: options.textDetailsAsAnswer,
        endAt,
        onLate: end.onLate,
        abort: Scope.close(requestScope, Exit.void)
      })
    })).pipe(Stream.withSpan("Chat.stream", { captureStackTrace: false }))

  return { prepare, complete, stream }
})

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<Chat, never, OpenRouterConfig | OpenRouterHttp | Models> = Layer.effect(Chat, make)

/**
 * Folds a stream into the assistant message to replay on the next turn: the text (answer text
 * from `reasoning_details` included), the reasoning, the tool calls by index, and the raw
 * `reasoning_details` with the pieces of each entry (same `index`) joined, so split signatures and
 * encrypted blobs come out whole.
 *
 * @since 0.1.0 @category Streams
 */
export const collect = <E, R>(events: Stream.Stream<Event, E, R>) =>
  Stream.runFold(events, ChatCollect.emptyAccumulated(), ChatCollect.accumulate).pipe(Effect.map(ChatCollect.toMessage))
