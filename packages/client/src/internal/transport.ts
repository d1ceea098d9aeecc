/**
 * The machinery of `OpenRouterHttp`: transport errors, the `connectTo` check, and one attempt of
 * a request (authorization to the target's origin only, redirects for GET only and without our
 * headers across origins, URLs off the API's origin checked against `MediaUrl`, `localhost`
 * resolved and checked before anything is sent to it, OpenRouter's error bodies decoded from at
 * most `errorBodyBytes`, the per-attempt timer). No retry here: that is the caller's schedule.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as MediaUrl from "@openrouter-effect/core/MediaUrl"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Limits from "../Limits.js"
import type * as Retry from "../Retry.js"
import { deadline } from "./deadline.js"
import { concat } from "./bytes.js"

const MAX_REDIRECTS = 5
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"])

/** @internal */
export const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

/** The errno-style code somewhere in a cause chain (`cause.code`, `cause.cause.code`, …). @internal */
export const causeCode = (cause: unknown): string | undefined => {
  let current: unknown = cause
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** @internal */
export const transportError = (error: HttpClientError.HttpClientError): OpenRouterError.TransportError => {
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

/** `HOST:PORT` with a loopback host, per `isLoopback`. @internal */
export const parseConnectTo = (
  value: string,
  isLoopback: (hostname: string) => boolean
): Either.Either<string, OpenRouterError.ConfigError> => {
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
  if (!isLoopback(url.hostname)) {
    return Either.left(
      new OpenRouterError.ConfigError({
        message: `connectTo ${JSON.stringify(value)} is not this machine: only loopback targets (127.0.0.0/8, [::1], or localhost, which must resolve to loopback) are allowed`,
        path: "connectTo"
      })
    )
  }
  return Either.right(url.host)
}

/**
 * What an attempt needs to know of its destination, computed once per base URL: the origin that
 * may receive `Authorization`, and the header value.
 *
 * @internal
 */
export interface Destination {
  readonly baseUrl: string
  readonly isBaseOrigin: (url: string) => boolean
  readonly authorization: string | undefined
  /**
   * `localhost` when the base URL is plain http to that name: it is resolved, every address
   * checked to be loopback, and requests to the base origin go to the checked address (so a
   * second lookup cannot send them elsewhere).
   */
  readonly loopbackName: string | undefined
  /** The checked address (`127.0.0.1`, `[::1]`), once resolved. */
  pinned: string | undefined
}

/** @internal */
export const destination = (baseUrl: string, apiKey: Option.Option<Redacted.Redacted<string>>): Destination => {
  const baseOrigin = originOf(baseUrl)
  // A URL that starts with the serialized origin and a slash has that origin; anything else
  // (another case, an explicit default port) is parsed to be sure.
  const originPrefix = `${baseOrigin}/`
  const route = RouteVerifier.keyRoute(baseUrl)
  return {
    baseUrl,
    isBaseOrigin: (url) => baseOrigin !== undefined && (url.startsWith(originPrefix) || originOf(url) === baseOrigin),
    authorization: Option.isSome(apiKey) ? `Bearer ${Redacted.value(apiKey.value)}` : undefined,
    loopbackName: route._tag === "LoopbackName" ? route.hostname : undefined,
    pinned: undefined
  }
}

/**
 * Resolves a host name: its addresses, in the resolver's order. The default is Node's
 * `dns.lookup` (the system resolver, `/etc/hosts` included), loaded on first use so the client
 * still loads where `node:dns` does not exist (there, resolving fails and `localhost` is refused).
 *
 * @internal
 */
export type Resolve = (hostname: string) => Effect.Effect<ReadonlyArray<string>, unknown>

/** @internal */
export const systemResolve: Resolve = (hostname) =>
  Effect.tryPromise(async () => {
    const dns = await import("node:dns")
    const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true })
    return answers.map((answer) => answer.address)
  })

const bracketed = (address: string): string => (address.includes(":") && !address.startsWith("[") ? `[${address}]` : address)

/**
 * The addresses of `hostname`, every one of them loopback, as the first one (bracketed when
 * IPv6); else the reason it may not be used.
 *
 * @internal
 */
export const resolveLoopback = (resolve: Resolve, hostname: string): Effect.Effect<string, string> =>
  resolve(hostname).pipe(
    Effect.mapError((cause) => `${hostname} could not be resolved to check it is this machine (${cause instanceof Error ? cause.message : String(cause)})`),
    Effect.flatMap((addresses) => {
      const outside = addresses.filter((address) => !RouteVerifier.isLoopbackAddress(address))
      const first = addresses[0]
      if (first === undefined) return Effect.fail(`${hostname} resolved to no address`)
      if (outside.length > 0) {
        return Effect.fail(`${hostname} resolves to ${outside.slice(0, 3).join(", ")}, which is not this machine; nothing is sent to it over plain http`)
      }
      return Effect.succeed(bracketed(first))
    })
  )

/**
 * The address `destination`'s name was checked to be (resolved on first use), as a connect
 * failure when it cannot be: nothing was sent.
 *
 * @internal
 */
export const pinnedAddress = (resolve: Resolve, destination: Destination): Effect.Effect<string, OpenRouterError.TransportError> =>
  destination.pinned !== undefined || destination.loopbackName === undefined
    ? Effect.succeed(destination.pinned ?? "")
    : resolveLoopback(resolve, destination.loopbackName).pipe(
      Effect.tap((address) => Effect.sync(() => (destination.pinned = address))),
      Effect.mapError((reason) =>
        new OpenRouterError.TransportError({ message: `Request to OpenRouter not sent: ${reason}`, phase: "connect", code: "ENOTLOOPBACK" })
      )
    )

/** `url` with its host replaced by `address` (same scheme, port, path and query). @internal */
export const withAddress = (url: string, address: string): string => {
  const parsed = new URL(url)
  return `${parsed.protocol}//${address}${parsed.port === "" ? "" : `:${parsed.port}`}${parsed.pathname}${parsed.search}`
}

// The headers a request keeps when a redirect takes it to another origin: content negotiation
// only. Attribution, cache, configured and caller headers were meant for the origin asked.
const CROSS_ORIGIN_HEADERS = new Set(["accept", "accept-encoding", "accept-language", "range", "user-agent"])

const rebuild = (request: HttpClientRequest.HttpClientRequest, url: string, headers: Headers.Headers) =>
  HttpClientRequest.make(request.method)(url, {
    headers,
    urlParams: request.urlParams,
    hash: Option.getOrUndefined(request.hash),
    body: request.body
  })

// Ours, or none at all: a caller's own Authorization never leaves.
const withAuth = (request: HttpClientRequest.HttpClientRequest, destination: Destination, authenticate: boolean) => {
  if (authenticate && destination.authorization !== undefined && destination.isBaseOrigin(request.url)) {
    return HttpClientRequest.setHeader(request, "authorization", destination.authorization)
  }
  if (request.headers["authorization"] === undefined) return request
  // `modify`/`setHeaders` merge into the headers already there, so removing one means building
  // the request again.
  return rebuild(request, request.url, Headers.remove(request.headers, "authorization"))
}

/**
 * The first `max` bytes of a body as text; reading stops there (the rest is never received into
 * memory: the body is cancelled), and a body that breaks gives what arrived before.
 *
 * @internal
 */
export const readPrefix = (response: HttpClientResponse.HttpClientResponse, max: number): Effect.Effect<string> =>
  Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return response.stream.pipe(
      Stream.takeWhile(() => size < max),
      Stream.runForEach((chunk) =>
        Effect.sync(() => {
          const room = max - size
          const kept = chunk.byteLength > room ? chunk.subarray(0, room) : chunk
          chunks.push(kept)
          size += kept.byteLength
        })
      ),
      Effect.ignore,
      Effect.map(() => new TextDecoder().decode(concat(chunks)))
    )
  })

// An error body is decoded from its first `errorBodyBytes`: a longer one is cut (its status still
// decides the error), so a hostile 500 MB error body costs no more memory than the limit.
const failFrom = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<never, OpenRouterError.ApiError> =>
  Effect.gen(function*() {
    const limits = yield* Limits.Limits
    const text = yield* readPrefix(response, limits.errorBodyBytes)
    const now = yield* Clock.currentTimeMillis
    return yield* Effect.fail(OpenRouterError.fromResponse({ status: response.status, body: text, headers: response.headers, now }))
  })

/** What an attempt needs beside the request and its destination. @internal */
export interface AttemptOptions {
  readonly authenticate: boolean
  readonly timeout: Duration.DurationInput | undefined
  readonly operation: string
  /** The rule for URLs off the destination's origin (its `baseUrl` is the destination's). */
  readonly urlPolicy: Omit<MediaUrl.Policy, "baseUrl">
  readonly resolve: Resolve
  /** Whether the wire sends this URL to `connectTo` (then the request is not re-addressed here). */
  readonly connected: (url: string) => boolean
  /** Closing this scope aborts the request, body included (see `OpenRouterHttp.ExecuteOptions.scope`). */
  readonly scope: Scope.Scope | undefined
}

/**
 * One attempt: the request through `wire` with our authorization, redirects followed for GET
 * only (`Authorization` only to the destination's origin, none of the request's other headers
 * but content negotiation across origins), every URL off the destination's origin checked by
 * `MediaUrl` (a refused one is a `MalformedResponse`: a server named it), a base URL on plain
 * http to `localhost` reached at its checked loopback address, a non-2xx answer decoded into the
 * core's typed error, and the attempt bounded by `timeout` when one is given.
 *
 * @internal
 */
export const attempt = (
  wire: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  destination: Destination,
  options: AttemptOptions
): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> => {
  const policy: MediaUrl.Policy = { ...options.urlPolicy, baseUrl: destination.baseUrl }
  const scope = options.scope
  // `withScope` ties the request's `AbortSignal` to the scope; it must be the outermost client, so
  // that the request it records is the one the platform client receives.
  const execute = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.mapError(
      scope === undefined ? wire.execute(request) : Effect.provideService(HttpClient.withScope(wire).execute(request), Scope.Scope, scope),
      transportError
    )
  const send = (current: HttpClientRequest.HttpClientRequest): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> => {
    const authorized = withAuth(current, destination, options.authenticate)
    if (!destination.isBaseOrigin(current.url)) {
      const refusal = MediaUrl.refusal(current.url, policy)
      if (refusal !== undefined) {
        return Effect.fail(new OpenRouterError.MalformedResponse({ message: `OpenRouter pointed the client at a URL it will not fetch: ${refusal}` }))
      }
      return execute(authorized)
    }
    if (destination.loopbackName === undefined || options.connected(current.url)) return execute(authorized)
    return Effect.flatMap(pinnedAddress(options.resolve, destination), (address) =>
      execute(HttpClientRequest.setUrl(authorized, withAddress(authorized.url, address))))
  }
  const once = (current: HttpClientRequest.HttpClientRequest, hops: number): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> =>
    send(current).pipe(
      Effect.flatMap((response) => {
        // The status first: reading `headers` copies them on some transports (undici).
        const location = response.status >= 300 && response.status < 400 ? response.headers["location"] : undefined
        if (location !== undefined) return redirect(current, response.status, location, hops)
        return response.status >= 200 && response.status < 300 ? Effect.succeed(response) : failFrom(response)
      })
    )
  const redirect = (current: HttpClientRequest.HttpClientRequest, status: number, location: string, hops: number) => {
    if (current.method !== "GET") {
      return Effect.fail(
        new OpenRouterError.MalformedResponse({
          message: `OpenRouter answered ${current.method} ${new URL(current.url).pathname} with a redirect (HTTP ${status}); redirects are followed for GET only`,
          status
        })
      )
    }
    if (hops >= MAX_REDIRECTS) {
      return Effect.fail(new OpenRouterError.MalformedResponse({ message: `More than ${MAX_REDIRECTS} redirects`, status }))
    }
    let next: string
    try {
      next = new URL(location, current.url).toString()
    } catch {
      return Effect.fail(
        new OpenRouterError.MalformedResponse({
          message: `OpenRouter redirected to an invalid URL ${JSON.stringify(location.slice(0, 200))} (HTTP ${status})`,
          status
        })
      )
    }
    if (originOf(next) === originOf(current.url)) return once(HttpClientRequest.setUrl(current, next), hops + 1)
    // Another origin: the headers chosen for the origin asked stay behind (attribution, cache,
    // configured and caller headers; Authorization is decided again per hop by `withAuth`).
    const kept = Headers.fromInput(Object.entries(current.headers).filter(([name]) => CROSS_ORIGIN_HEADERS.has(name.toLowerCase())))
    return once(rebuild(current, next, kept), hops + 1)
  }
  if (options.timeout === undefined) return once(request, 0)
  const timeout = options.timeout
  return deadline(once(request, 0), timeout, () =>
    new OpenRouterError.Timeout({
      message: `OpenRouter did not answer ${options.operation} within ${Duration.format(Duration.decode(timeout))}`,
      source: "client",
      timeoutMs: Duration.toMillis(Duration.decode(timeout))
    }))
}
