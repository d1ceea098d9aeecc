/**
 * HTTP to OpenRouter over any @effect/platform `HttpClient`: the base URL, `Authorization` to the
 * base URL's origin only, redirects handled here (GET only; no `Authorization` across origins),
 * trace propagation off, `connectTo` as the last request mapping, per-attempt timeouts, retry
 * classes, and OpenRouter error bodies decoded into the core's typed errors.
 *
 * Transports: `NodeHttpClient.layerUndici` (fastest; never follows redirects itself) or
 * {@link layerFetch} (global `fetch` told not to follow redirects). A transport that follows
 * redirects on its own would bypass the redirect rules here.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OpenRouterError, RouteVerifier, Settings } from "@openrouter-effect/core"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import { deadline } from "./internal/deadline.js"
import * as Retry from "./Retry.js"

/** @since 0.1.0 @category Models */
export interface Options {
  /** The logical base URL (default `https://openrouter.ai/api/v1`; the legacy form is rewritten). */
  readonly baseUrl?: string | undefined
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** `HOST:PORT` on this machine: requests to the base URL's origin are sent there over plain http. */
  readonly connectTo?: string | undefined
  /** Retries after the first attempt (default 2). */
  readonly maxRetries?: number | undefined
  /** Send W3C trace-context headers (default false: a CDN sees nothing from us). */
  readonly tracePropagation?: boolean | undefined
}

/** @since 0.1.0 @category Models */
export interface ExecuteOptions {
  readonly retryClass: Retry.RetryClass
  /**
   * Per attempt, until the response headers arrive. `undefined` sets no timer here: for a caller
   * that bounds the whole call (headers, body and retries) itself.
   */
  readonly timeout: Duration.DurationInput | undefined
  /** A name for the span: `OpenRouterHttp.<operation>`. */
  readonly operation: string
  /** Send `Authorization` (to the base URL's origin only). Default true. */
  readonly authenticate?: boolean
  /**
   * `"own"` (default): a span of its own, `OpenRouterHttp.<operation>`. `"caller"`: no span; the
   * same attributes (retry class, route, status, retries) go on the caller's span. For an
   * operation on a hot path that already has a span (`Chat.complete`, `Chat.stream`).
   */
  readonly span?: "own" | "caller" | undefined
}

/** What an execution can fail with; a `ConfigError` when a key is needed and none is configured. @since 0.1.0 @category Models */
export type ExecuteError = OpenRouterError.ApiError | OpenRouterError.TransportError | OpenRouterError.ConfigError

/** @since 0.1.0 @category Models */
export interface Service {
  /** The logical base URL, normalised. */
  readonly baseUrl: string
  /** Its classification. */
  readonly route: RouteVerifier.Classification
  /** `baseUrl` + `path`. */
  readonly url: (path: string) => string
  /**
   * Sends a request and answers its 2xx response (the body unread); anything else is a typed
   * error. Retries per the class; follows redirects for GET only.
   */
  readonly execute: (
    request: HttpClientRequest.HttpClientRequest,
    options: ExecuteOptions
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, ExecuteError>
}

/** @since 0.1.0 @category Context */
export class OpenRouterHttp extends Context.Tag("@openrouter-effect/client/OpenRouterHttp")<OpenRouterHttp, Service>() {}

const MAX_REDIRECTS = 5
const MAX_ERROR_BODY = 64 * 1024
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** The errno-style code somewhere in a cause chain (`cause.code`, `cause.cause.code`, …). @since 0.1.0 @category Errors */
export const causeCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const transportError = (error: HttpClientError.HttpClientError): OpenRouterError.TransportError => {
  const code = causeCode(error.cause)
  const phase = code !== undefined && CONNECT_CODES.has(code)
    ? "connect"
    : error._tag === "ResponseError"
    ? "response"
    : "request"
  return new OpenRouterError.TransportError({
    message: `Request to OpenRouter failed${code !== undefined ? ` (${code})` : ""}: ${error.message}`,
    phase,
    ...(code !== undefined ? { code } : {}),
    cause: error.cause
  })
}

/**
 * Checks a `connectTo` target: `HOST:PORT` with a loopback host.
 *
 * @since 0.1.0 @category Constructors
 */
export const parseConnectTo = (value: string): Either.Either<string, OpenRouterError.ConfigError> => {
  const url = (() => {
    try {
      return new URL(`http://${value.trim()}`)
    } catch {
      return undefined
    }
  })()
  if (url === undefined || url.port === "" || url.pathname !== "/" || url.username !== "") {
    return Either.left(new OpenRouterError.ConfigError({ message: `connectTo must be HOST:PORT, got ${JSON.stringify(value)}`, path: "connectTo" }))
  }
  if (!RouteVerifier.isLoopbackHost(url.hostname)) {
    return Either.left(
      new OpenRouterError.ConfigError({
        message: `connectTo ${JSON.stringify(value)} is not this machine: only loopback targets (localhost, 127.0.0.0/8, [::1]) are allowed`,
        path: "connectTo"
      })
    )
  }
  return Either.right(url.host)
}

/**
 * Builds the service on the `HttpClient` in context.
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, OpenRouterError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const baseUrl = RouteVerifier.normalizeBaseUrl(options.baseUrl)
    const refusal = RouteVerifier.keyRefusal(baseUrl)
    if (refusal !== undefined) return yield* Effect.fail(new OpenRouterError.ConfigError({ message: `baseUrl: ${refusal}`, path: "baseUrl" }))
    const route = RouteVerifier.classify(options.baseUrl)
    const baseOrigin = originOf(baseUrl)
    // A URL that starts with the serialized origin and a slash has that origin; anything else
    // (another case, an explicit default port) is parsed to be sure.
    const originPrefix = `${baseOrigin}/`
    const isBaseOrigin = (url: string) => baseOrigin !== undefined && (url.startsWith(originPrefix) || originOf(url) === baseOrigin)
    const connectHost = options.connectTo === undefined || options.connectTo.trim() === ""
      ? undefined
      : yield* parseConnectTo(options.connectTo)
    const maxRetries = options.maxRetries ?? Retry.DEFAULT_MAX_RETRIES
    const authorization = options.apiKey === undefined ? undefined : `Bearer ${Redacted.value(options.apiKey)}`
    const base = yield* HttpClient.HttpClient
    // By default the transport's own per-request span (URL and redacted header attributes) is
    // off: our span records what matters, the hot path is cheaper without it, and with no span
    // there is no trace context to send. Propagation needs that span, so opting in keeps it.
    const client = options.tracePropagation === true
      ? HttpClient.withTracerPropagation(base, true)
      : HttpClient.withTracerDisabledWhen(base, () => true)

    // Decisions use the logical URL; only the socket address changes.
    const toWire = (request: HttpClientRequest.HttpClientRequest): HttpClientRequest.HttpClientRequest => {
      if (connectHost === undefined || !isBaseOrigin(request.url)) return request
      const url = new URL(request.url)
      return HttpClientRequest.setUrl(request, `http://${connectHost}${url.pathname}${url.search}`)
    }

    // Ours, or none at all: a caller's own Authorization never leaves.
    const withAuth = (request: HttpClientRequest.HttpClientRequest, authenticate: boolean) => {
      if (authenticate && authorization !== undefined && isBaseOrigin(request.url)) {
        return HttpClientRequest.setHeader(request, "authorization", authorization)
      }
      if (request.headers["authorization"] === undefined) return request
      // `modify`/`setHeaders` merge into the headers already there, so removing one means
      // building the request again.
      return HttpClientRequest.make(request.method)(request.url, {
        headers: Headers.remove(request.headers, "authorization"),
        urlParams: request.urlParams,
        hash: Option.getOrUndefined(request.hash),
        body: request.body
      })
    }

    const failFrom = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<never, OpenRouterError.ApiError> =>
      Effect.gen(function*() {
        const text = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        const now = yield* Clock.currentTimeMillis
        return yield* Effect.fail(
          OpenRouterError.fromResponse({ status: response.status, body: text.slice(0, MAX_ERROR_BODY), headers: response.headers, now })
        )
      })

    const attempt = (request: HttpClientRequest.HttpClientRequest, execute: ExecuteOptions) => {
      const authenticate = execute.authenticate ?? true
      const once = (current: HttpClientRequest.HttpClientRequest, hops: number): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> =>
        client.execute(toWire(withAuth(current, authenticate))).pipe(
          Effect.mapError(transportError),
          Effect.flatMap((response) => {
            // The status first: reading `headers` copies them on some transports (undici).
            const location = response.status >= 300 && response.status < 400 ? response.headers["location"] : undefined
            if (location !== undefined) {
              if (current.method !== "GET") {
                return Effect.fail(
                  new OpenRouterError.MalformedResponse({
                    message: `OpenRouter answered ${current.method} ${new URL(current.url).pathname} with a redirect (HTTP ${response.status}); redirects are followed for GET only`,
                    status: response.status
                  })
                )
              }
              if (hops >= MAX_REDIRECTS) {
                return Effect.fail(new OpenRouterError.MalformedResponse({ message: `More than ${MAX_REDIRECTS} redirects`, status: response.status }))
              }
              let next: string
              try {
                next = new URL(location, current.url).toString()
              } catch {
                return Effect.fail(
                  new OpenRouterError.MalformedResponse({
                    message: `OpenRouter redirected to an invalid URL ${JSON.stringify(location.slice(0, 200))} (HTTP ${response.status})`,
                    status: response.status
                  })
                )
              }
              return once(HttpClientRequest.setUrl(current, next), hops + 1)
            }
            return response.status >= 200 && response.status < 300 ? Effect.succeed(response) : failFrom(response)
          })
        )
      if (execute.timeout === undefined) return once(request, 0)
      const timeout = execute.timeout
      return deadline(once(request, 0), timeout, () =>
        new OpenRouterError.Timeout({
          message: `OpenRouter did not answer ${execute.operation} within ${Duration.format(Duration.decode(timeout))}`,
          source: "client",
          timeoutMs: Duration.toMillis(Duration.decode(timeout))
        }))
    }

    const execute: Service["execute"] = (request, options) => {
      const routeAttributes = { "openrouter.retry_class": options.retryClass, "openrouter.route": route.endpointClass }
      const loop = (retries: number): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> =>
        Effect.matchEffect(attempt(request, options), {
          onSuccess: (response) =>
            Effect.as(Effect.annotateCurrentSpan({ ...routeAttributes, "http.status": response.status, "openrouter.retries": retries }), response),
          onFailure: (error) =>
            retries >= maxRetries || !Retry.isRetryable(options.retryClass, error)
              ? Effect.zipRight(
                Effect.annotateCurrentSpan({
                  ...routeAttributes,
                  "http.status": "status" in error && typeof error.status === "number" ? error.status : 0,
                  "openrouter.retries": retries,
                  "openrouter.error": error._tag
                }),
                Effect.fail(error)
              )
              : Effect.flatMap(Retry.delay(error, retries), (wait) => Effect.zipRight(Effect.sleep(wait), loop(retries + 1)))
        })
      const run: Effect.Effect<HttpClientResponse.HttpClientResponse, ExecuteError> =
        (options.authenticate ?? true) && authorization === undefined ? Effect.fail(Settings.missingKey()) : loop(0)
      return options.span === "caller"
        ? run
        : run.pipe(Effect.withSpan(`OpenRouterHttp.${options.operation}`, { captureStackTrace: false, attributes: routeAttributes }))
    }

    return {
      baseUrl,
      route,
      url: (path) => `${baseUrl}${path.startsWith("/") ? path : `/${path}`}`,
      execute
    }
  })

/** @since 0.1.0 @category Layers */
export const layer = (options: Options = {}): Layer.Layer<OpenRouterHttp, OpenRouterError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(OpenRouterHttp, make(options))

/**
 * The global `fetch` as transport, told not to follow redirects (this service does).
 *
 * @since 0.1.0 @category Layers
 */
export const layerFetch: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer.pipe(
  Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, { redirect: "manual" }))
)

/**
 * The service from the config: the base URL and key of the resolved chat settings, and
 * `connectTo` from the options, else `OPENROUTER_CONNECT_TO` in the environment snapshot.
 *
 * @since 0.1.0 @category Layers
 */
export const layerConfig = (
  options: Omit<Options, "baseUrl" | "apiKey"> & { readonly baseUrl?: string | undefined } = {}
): Layer.Layer<OpenRouterHttp, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient | OpenRouterConfig> =>
  Layer.effect(
    OpenRouterHttp,
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig
      const settings = yield* config.chat({ baseUrl: options.baseUrl })
      const connectTo = options.connectTo ?? config.environment["OPENROUTER_CONNECT_TO"]
      return yield* make({
        ...options,
        baseUrl: settings.baseUrl,
        apiKey: Option.getOrUndefined(settings.key.apiKey),
        connectTo
      })
    })
  )
