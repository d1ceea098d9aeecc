/**
 * The machinery of `OpenRouterHttp`: transport errors, the `connectTo` check, and one attempt of
 * a request (authorization to the target's origin only, redirects for GET only, OpenRouter's
 * error bodies decoded, the per-attempt timer). No retry here: that is the caller's schedule.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OpenRouterError } from "@openrouter-effect/core"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Retry from "../Retry.js"
import { deadline } from "./deadline.js"

const MAX_REDIRECTS = 5
const MAX_ERROR_BODY = 64 * 1024
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
        message: `connectTo ${JSON.stringify(value)} is not this machine: only loopback targets (localhost, 127.0.0.0/8, [::1]) are allowed`,
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
  readonly isBaseOrigin: (url: string) => boolean
  readonly authorization: string | undefined
}

/** @internal */
export const destination = (baseUrl: string, apiKey: Option.Option<Redacted.Redacted<string>>): Destination => {
  const baseOrigin = originOf(baseUrl)
  // A URL that starts with the serialized origin and a slash has that origin; anything else
  // (another case, an explicit default port) is parsed to be sure.
  const originPrefix = `${baseOrigin}/`
  return {
    isBaseOrigin: (url) => baseOrigin !== undefined && (url.startsWith(originPrefix) || originOf(url) === baseOrigin),
    authorization: Option.isSome(apiKey) ? `Bearer ${Redacted.value(apiKey.value)}` : undefined
  }
}

// Ours, or none at all: a caller's own Authorization never leaves.
const withAuth = (request: HttpClientRequest.HttpClientRequest, destination: Destination, authenticate: boolean) => {
  if (authenticate && destination.authorization !== undefined && destination.isBaseOrigin(request.url)) {
    return HttpClientRequest.setHeader(request, "authorization", destination.authorization)
  }
  if (request.headers["authorization"] === undefined) return request
  // `modify`/`setHeaders` merge into the headers already there, so removing one means building
  // the request again.
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

/**
 * One attempt: the request through `wire` with our authorization, redirects followed for GET
 * only (`Authorization` only to the destination's origin), a non-2xx answer decoded into the
 * core's typed error, and the attempt bounded by `timeout` when one is given.
 *
 * @internal
 */
export const attempt = (
  wire: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  destination: Destination,
  options: { readonly authenticate: boolean; readonly timeout: Duration.DurationInput | undefined; readonly operation: string }
): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> => {
  const once = (current: HttpClientRequest.HttpClientRequest, hops: number): Effect.Effect<HttpClientResponse.HttpClientResponse, Retry.AttemptError> =>
    wire.execute(withAuth(current, destination, options.authenticate)).pipe(
      Effect.mapError(transportError),
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
    return once(HttpClientRequest.setUrl(current, next), hops + 1)
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
