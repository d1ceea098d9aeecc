/**
 * The one transport every service sends through: a policy over `@effect/platform`'s
 * `HttpClient`. It adds the base URL, `Authorization` to the destination's origin only (never a
 * caller's own), redirects (GET only; across origins neither `Authorization` nor attribution,
 * cache, configured or caller headers follow), `connectTo` as the last request mapping (before
 * the platform client's own), per-attempt timeouts, OpenRouter's error bodies decoded into the
 * core's typed errors (from at most `Limits.errorBodyBytes`), and retries: a `Schedule` per retry
 * class ({@link Retry.schedule}), replaceable per layer (`retry`) and per call
 * (`ExecuteOptions.retry`).
 *
 * URLs off the API's origin (a video's `polling_url` and `unsigned_urls`, redirect targets) must
 * pass `MediaUrl.refusal`: https to a public host, the `connectTo` target, or a host named in
 * {@link Options.mediaHosts}. Plain http carries requests only to a loopback address: a base URL
 * or `connectTo` naming `localhost` is resolved first ({@link Options.resolveHost}), every
 * address must be loopback, and requests go to the address checked (so the `Host` header names
 * that address, as with `connectTo`).
 *
 * Each call may name its own destination (`target`: base URL, route, key): the services resolve
 * their settings once per call and pass them here. {@link Service.client} is the same policy as a
 * platform `HttpClient` (no retry), for platform combinators; `transformClient` wraps the
 * underlying client, like `@effect/ai-openrouter`'s option of that name.
 *
 * Transports: `NodeHttpClient.layerUndici` (fastest; never follows redirects itself) or
 * {@link layerFetch} (global `fetch` told not to follow redirects). A transport that follows
 * redirects on its own would bypass the redirect rules here.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Predicate from "effect/Predicate"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Transport from "./internal/transport.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import * as Retry from "./Retry.js"

/**
 * Where a call goes and with which key: exactly the fields resolved settings
 * (`Settings.Chat`, `Media`, `Speech`) have, so a service passes its settings as they are.
 *
 * @since 0.1.0 @category Models
 */
export interface Target {
  /** The logical base URL, normalised. */
  readonly baseUrl: string
  readonly route: RouteVerifier.Classification
  readonly key: { readonly apiKey: Option.Option<Redacted.Redacted<string>> }
}

/** @since 0.1.0 @category Models */
export interface Options {
  /** The logical base URL (default `https://openrouter.ai/api/v1`; the legacy form is rewritten). */
  readonly baseUrl?: string | undefined
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** `HOST:PORT` on this machine: requests to the base URL's origin are sent there over plain http. */
  readonly connectTo?: string | undefined
  /** Retries after the first attempt under the default schedules (default 2). */
  readonly maxRetries?: number | undefined
  /** The retry schedule of a class, instead of the default ({@link Retry.schedule}). */
  readonly retry?: Partial<Record<Retry.RetryClass, Retry.Policy>> | undefined
  /** Send W3C trace-context headers (default false: a CDN sees nothing from us). */
  readonly tracePropagation?: boolean | undefined
  /** Wraps the platform client every request goes through (add headers, log, instrument). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * Hosts (`host` or `host:port`) that media and poll URLs may point at over http or https,
   * whatever their address: a test CDN on loopback, an in-house media proxy. Without an entry, a
   * URL off the API's origin must be https to a public host (or plain http to the `connectTo`
   * target). `layerConfig` adds `models.providers.openrouter.mediaHosts` from the config.
   */
  readonly mediaHosts?: ReadonlyArray<string> | undefined
  /**
   * Resolves a host name to its addresses, to check `localhost` (in a plain-http base URL or in
   * `connectTo`) is this machine before anything is sent. Default: the system resolver
   * (`node:dns` `lookup`), loaded on first use; where it does not exist, `localhost` is refused
   * (use `127.0.0.1`).
   */
  readonly resolveHost?: ((hostname: string) => Effect.Effect<ReadonlyArray<string>, unknown>) | undefined
}

/** @since 0.1.0 @category Models */
export interface ExecuteOptions {
  readonly retryClass: Retry.RetryClass
  /**
   * This call's retry policy instead of the layer's for its class; `"none"` for one attempt (a
   * poller, whose own schedule is the only retry).
   */
  readonly retry?: Retry.Policy | "none" | undefined
  /** Where to send, with which key: default the service's {@link Service.target}. */
  readonly target?: Target | undefined
  /**
   * Per attempt, until the response headers arrive. `undefined` sets no timer here: for a caller
   * that bounds the whole call (headers, body and retries) itself.
   */
  readonly timeout: Duration.DurationInput | undefined
  /** A name for the span: `OpenRouterHttp.<operation>`. */
  readonly operation: string
  /** Send `Authorization` (to the target's origin only). Default true. */
  readonly authenticate?: boolean
  /**
   * `"own"` (default): a span of its own, `OpenRouterHttp.<operation>`. `"caller"`: no span; the
   * same attributes (retry class, route, status, retries) go on the caller's span. For an
   * operation on a hot path that already has a span (`Chat.complete`, `Chat.stream`).
   */
  readonly span?: "own" | "caller" | undefined
  /**
   * The request's lifetime: closing this scope aborts the request, its body included (the
   * platform's `AbortSignal`), without interrupting the fiber that reads it. `Chat.stream` stops a
   * read that waits past its idle or end limit this way. Default: the request lives as long as its
   * response is read.
   */
  readonly scope?: Scope.Scope | undefined
}

/** What an execution can fail with; a `ConfigError` when a key is needed and none is configured. @since 0.1.0 @category Models */
export type ExecuteError =
  | OpenRouterError.ApiError
  | OpenRouterError.TransportError
  | OpenRouterError.ConfigError
  | OpenRouterError.LimitExceeded

/** @since 0.1.0 @category Models */
export interface Service {
  /** The destination of calls that name none: the layer's base URL, route and key. */
  readonly target: Target
  /** The default target's base URL. */
  readonly baseUrl: string
  /** The default target's route. */
  readonly route: RouteVerifier.Classification
  /** The target's base URL (default {@link target}) + `path`. */
  readonly url: (path: string, target?: Target) => string
  /**
   * Sends a request and answers its 2xx response (the body unread); anything else is a typed
   * error. Retries per the class's schedule; follows redirects for GET only.
   */
  readonly execute: (
    request: HttpClientRequest.HttpClientRequest,
    options: ExecuteOptions
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, ExecuteError>
  /**
   * The policy as a platform `HttpClient` on the default target: authorization, redirects,
   * `connectTo` and decoded errors, no retry (add your own with `HttpClient.retry`).
   */
  readonly client: HttpClient.HttpClient.With<Retry.AttemptError>
}

/** @since 0.1.0 @category Context */
export class OpenRouterHttp extends Context.Tag("@openrouter-effect/client/OpenRouterHttp")<OpenRouterHttp, Service>() {}

/** The errno-style code somewhere in a cause chain (`cause.code`, `cause.cause.code`, …). @since 0.1.0 @category Errors */
export const causeCode: (cause: unknown) => string | undefined = Transport.causeCode

/**
 * Checks a `connectTo` target: `HOST:PORT` with a loopback host.
 *
 * @since 0.1.0 @category Constructors
 */
export const parseConnectTo = (value: string): Either.Either<string, OpenRouterError.ConfigError> =>
  Transport.parseConnectTo(value, RouteVerifier.isLoopbackHost)

const NO_KEY: Target["key"] = { apiKey: Option.none() }

/**
 * Builds the service on the `HttpClient` in context. The base URL is classified by the
 * `RouteVerifier` in context, else the default one.
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (options: Options = {}): Effect.Effect<Service, OpenRouterError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const verifier = Option.getOrElse(yield* Effect.serviceOption(RouteVerifier.RouteVerifier), RouteVerifier.make)
    const baseUrl = verifier.normalizeBaseUrl(options.baseUrl)
    const refusal = verifier.keyRefusal(baseUrl)
    if (refusal !== undefined) return yield* Effect.fail(new OpenRouterError.ConfigError({ message: `baseUrl: ${refusal}`, path: "baseUrl" }))
    const target: Target = {
      baseUrl,
      route: verifier.classify(options.baseUrl),
      key: options.apiKey === undefined ? NO_KEY : { apiKey: Option.some(options.apiKey) }
    }
    return yield* makeOn(target, options.connectTo, options)
  })

// The service on the platform client in context, once `connectTo` (when given) is checked. A
// `localhost` there, or in a plain-http base URL, is resolved now: every address must be
// loopback, and requests go to the first (a later lookup cannot move them).
const makeOn = (
  target: Target,
  connectTo: string | undefined,
  options: Options
): Effect.Effect<Service, OpenRouterError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const resolve = options.resolveHost ?? Transport.systemResolve
    const given = connectTo === undefined || connectTo.trim() === ""
      ? undefined
      : yield* Transport.parseConnectTo(connectTo, RouteVerifier.isLoopbackHost)
    let connectHost = given
    if (given !== undefined) {
      const url = new URL(`http://${given}`)
      if (!RouteVerifier.isLoopbackAddress(url.hostname)) {
        const address = yield* Transport.resolveLoopback(resolve, url.hostname).pipe(
          Effect.mapError((reason) => new OpenRouterError.ConfigError({ message: `connectTo ${JSON.stringify(connectTo)}: ${reason}`, path: "connectTo" }))
        )
        connectHost = `${address}:${url.port}`
      }
    }
    const destination = destinationOf(target)
    if (given === undefined && destination.loopbackName !== undefined) {
      yield* Transport.pinnedAddress(resolve, destination).pipe(
        Effect.mapError((error) => new OpenRouterError.ConfigError({ message: `baseUrl: ${error.message}`, path: "baseUrl" }))
      )
    }
    const base = yield* HttpClient.HttpClient
    return makeWith(base, target, { ...options, connectHost, connectGiven: given, resolve })
  })

// A target's destination is computed once per base URL and key (a call usually passes the same
// settings object, resolved from a cache, so this is one lookup).
const destinations = new WeakMap<Target["key"], Map<string, Transport.Destination>>()
const destinationOf = (target: Target): Transport.Destination => {
  let byUrl = destinations.get(target.key)
  if (byUrl === undefined) destinations.set(target.key, byUrl = new Map())
  let found = byUrl.get(target.baseUrl)
  if (found === undefined) {
    if (byUrl.size > 16) byUrl.clear()
    byUrl.set(target.baseUrl, found = Transport.destination(target.baseUrl, target.key.apiKey))
  }
  return found
}

const makeWith = (
  base: HttpClient.HttpClient,
  target: Target,
  options: Options & {
    readonly connectHost: string | undefined
    readonly connectGiven: string | undefined
    readonly resolve: Transport.Resolve
  }
): Service => {
  const defaults = Retry.schedules({ maxRetries: options.maxRetries })
  const policies: Record<Retry.RetryClass, Retry.Policy> = { ...defaults, ...options.retry }
  // By default the transport's own per-request span (URL and redacted header attributes) is off:
  // our span records what matters, the hot path is cheaper without it, and with no span there is
  // no trace context to send. Propagation needs that span, so opting in keeps it.
  const traced = options.tracePropagation === true
    ? HttpClient.withTracerPropagation(base, true)
    : HttpClient.withTracerDisabledWhen(base, () => true)
  const transformed = options.transformClient === undefined ? traced : options.transformClient(traced)
  // Decisions (authorization, redirects) use the logical URL; only the socket address changes, as
  // the request enters the platform client (whose own mappings, `transformClient`'s included,
  // see the address it is sent to).
  const defaultDestination = destinationOf(target)
  const connectHost = options.connectHost
  const wire = connectHost === undefined ? transformed : HttpClient.mapRequestInput(transformed, (request) => {
    if (!defaultDestination.isBaseOrigin(request.url)) return request
    const url = new URL(request.url)
    return HttpClientRequest.setUrl(request, `http://${connectHost}${url.pathname}${url.search}`)
  })
  const attemptOptions = {
    urlPolicy: { connectTo: options.connectGiven, allowHosts: options.mediaHosts },
    resolve: options.resolve,
    connected: (url: string) => connectHost !== undefined && defaultDestination.isBaseOrigin(url)
  }

  const execute: Service["execute"] = (request, execute) => {
    const callTarget = execute.target ?? target
    const destination = callTarget === target ? defaultDestination : destinationOf(callTarget)
    const authenticate = execute.authenticate ?? true
    const routeAttributes = { "openrouter.retry_class": execute.retryClass, "openrouter.route": callTarget.route.endpointClass }
    if (authenticate && destination.authorization === undefined) return Effect.fail(Settings.missingKey())
    const once = Transport.attempt(wire, request, destination, {
      ...attemptOptions,
      authenticate,
      timeout: execute.timeout,
      operation: execute.operation,
      scope: execute.scope
    })
    const policy = execute.retry === "none" ? undefined : execute.retry ?? policies[execute.retryClass]
    let retries = 0
    const succeed = (response: HttpClientResponse.HttpClientResponse) =>
      Effect.as(Effect.annotateCurrentSpan({ ...routeAttributes, "http.status": response.status, "openrouter.retries": retries }), response)
    const fail = (error: Retry.AttemptError) =>
      Effect.zipRight(
        Effect.annotateCurrentSpan({
          ...routeAttributes,
          "http.status": "status" in error && typeof error.status === "number" ? error.status : 0,
          "openrouter.retries": retries,
          "openrouter.error": error._tag
        }),
        Effect.fail(error)
      )
    // The schedule's driver is only built once an attempt has failed: a first attempt that
    // succeeds pays nothing for it.
    const retryFrom = (policy: Retry.Policy) => (first: Retry.AttemptError) =>
      Effect.flatMap(Schedule.driver(policy), (driver) => {
        const next = (error: Retry.AttemptError): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> =>
          Effect.matchEffect(driver.next(error), {
            onFailure: () => fail(error),
            onSuccess: () => {
              retries++
              return Effect.matchEffect(once, { onSuccess: succeed, onFailure: next })
            }
          })
        return next(first)
      })
    const annotated = Effect.matchEffect(once, { onSuccess: succeed, onFailure: policy === undefined ? fail : retryFrom(policy) })
    return execute.span === "caller"
      ? annotated
      : annotated.pipe(Effect.withSpan(`OpenRouterHttp.${execute.operation}`, { captureStackTrace: false, attributes: routeAttributes }))
  }

  const client: Service["client"] = HttpClient.makeWith<never, never, Retry.AttemptError, never>(
    (request) =>
      Effect.flatMap(request, (request) =>
        Transport.attempt(wire, request, defaultDestination, {
          ...attemptOptions,
          authenticate: true,
          timeout: undefined,
          operation: request.method,
          scope: undefined
        })),
    Effect.succeed
  )

  return {
    target,
    baseUrl: target.baseUrl,
    route: target.route,
    url: (path, to = target) => `${to.baseUrl}${path.startsWith("/") ? path : `/${path}`}`,
    execute,
    client
  }
}

/**
 * The service on the `HttpClient` in context.
 *
 * @since 0.1.0 @category Layers
 */
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
 * The service from the config: its default target is the resolved chat settings (base URL,
 * route, key; a base URL override belongs to the config: `OpenRouterConfig.layer({ baseUrl })`),
 * and `connectTo` comes from the options, else `OPENROUTER_CONNECT_TO` in the environment
 * snapshot. `mediaHosts` is the options' entries and the config's
 * `models.providers.openrouter.mediaHosts` (an array of strings) together.
 *
 * @since 0.1.0 @category Layers
 */
export const layerConfig = (
  options: Omit<Options, "baseUrl" | "apiKey"> = {}
): Layer.Layer<OpenRouterHttp, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient | OpenRouterConfig> =>
  Layer.effect(OpenRouterHttp, makeConfig(options))

/**
 * The service from the `OpenRouterConfig` in context (what {@link layerConfig} builds): the
 * settings of a call that names nothing, `connectTo` from the options else
 * `OPENROUTER_CONNECT_TO` in the config's environment, and the options' `mediaHosts` with the
 * config's. For a layer that builds its services in one effect (`OpenRouterChat.layer`).
 *
 * @since 0.1.0 @category Constructors
 */
export const makeConfig = (
  options: Omit<Options, "baseUrl" | "apiKey"> = {}
): Effect.Effect<Service, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient | OpenRouterConfig> =>
  Effect.gen(function*() {
    const config = yield* OpenRouterConfig
    const settings = yield* config.chat()
    const connectTo = options.connectTo ?? config.environment["OPENROUTER_CONNECT_TO"]
    const mediaHosts = [...(options.mediaHosts ?? []), ...mediaHostsOf(config.raw)]
    return yield* makeOn(settings, connectTo, { ...options, mediaHosts })
  })

/**
 * `models.providers.openrouter.mediaHosts` of a raw config document: its string entries (anything
 * else there is ignored).
 *
 * @since 0.1.0 @category Constructors
 */
export const mediaHostsOf = (raw: unknown): ReadonlyArray<string> => {
  const models = Predicate.isRecord(raw) ? raw["models"] : undefined
  const providers = Predicate.isRecord(models) ? models["providers"] : undefined
  const openrouter = Predicate.isRecord(providers) ? providers["openrouter"] : undefined
  const hosts = Predicate.isRecord(openrouter) && Object.hasOwn(openrouter, "mediaHosts") ? openrouter["mediaHosts"] : undefined
  return Array.isArray(hosts) ? hosts.filter((host): host is string => typeof host === "string") : []
}
