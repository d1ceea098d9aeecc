/**
 * The one reader of a JSON response body: read the text, `JSON.parse` it, and turn each way that
 * can fail into the caller's typed error. Unlike `HttpClientResponse.json`, an empty body is not
 * JSON (the platform reads it as `null`), and the caller gets the text to quote in its
 * `MalformedResponse`.
 *
 * The body is read with a byte cap (`jsonBodyBytes` of the `Limits` in force): a declared
 * `Content-Length` above it fails before reading, and a body that goes past it while streaming
 * fails at that read, so no more than the cap is ever held (an endless or 500 MB body costs the
 * cap, not the process). Either way the error is `LimitExceeded` naming the limit.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { declaredLength } from "../AudioResponse.js"
import * as Limits from "../Limits.js"
import { concat } from "./bytes.js"

/** The error for a body past `max` bytes under the limit `limit`. */
export const bodyTooLarge = (what: string, limit: string, max: number): OpenRouterError.LimitExceeded =>
  new OpenRouterError.LimitExceeded({
    message: `${what.charAt(0).toUpperCase()}${what.slice(1)} exceeded ${limit} (${Limits.formatBytes(max)})`,
    limit,
    max
  })

/**
 * The body's bytes, at most `max` of them: past that, `LimitExceeded` naming `limit` (the read
 * stops there, the rest is never pulled). A body that declares a larger `Content-Length` fails
 * before any read.
 */
export const readBytes = (
  response: HttpClientResponse.HttpClientResponse,
  options: { readonly what: string; readonly limit: string; readonly max: number }
): Effect.Effect<Uint8Array, OpenRouterError.LimitExceeded | HttpClientError.ResponseError> =>
  Effect.suspend(() => {
    const { limit, max, what } = options
    const declared = declaredLength(response.headers)
    if (declared !== undefined && declared > max) return Effect.fail(bodyTooLarge(what, limit, max))
    const pieces: Array<Uint8Array> = []
    let total = 0
    return Stream.runForEachChunk(response.stream, (chunk) => {
      for (const piece of chunk) {
        total += piece.length
        if (total > max) return Effect.fail(bodyTooLarge(what, limit, max))
        pieces.push(piece)
      }
      return Effect.void
    }).pipe(Effect.map(() => concat(pieces)))
  })

/**
 * The body as text (UTF-8, a leading byte order mark dropped, invalid bytes as U+FFFD, like
 * `Response.text()`), at most `jsonBodyBytes` of the `Limits` in force (or `max`).
 */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  options: { readonly what: string; readonly max?: number | undefined }
): Effect.Effect<string, OpenRouterError.LimitExceeded | HttpClientError.ResponseError> =>
  Effect.flatMap(Limits.Limits, (limits) => {
    const max = options.max ?? limits.jsonBodyBytes
    // A declared length within the cap bounds the read by itself (the body ends there): the
    // platform's own reader is the fast path, as before the cap.
    const declared = declaredLength(response.headers)
    if (declared !== undefined && declared <= max) return response.text
    return Effect.map(readBytes(response, { what: options.what, limit: "jsonBodyBytes", max }), (bytes) => new TextDecoder().decode(bytes))
  })

/** What to call the body and which error to fail with when it is not JSON. */
export interface Options {
  /** The body, for messages: `"the chat response"`. */
  readonly what: string
  /** The error when the text is not JSON; given the text as received and `JSON.parse`'s error. */
  readonly malformed: (text: string, cause: unknown) => OpenRouterError.MalformedResponse
}

/** `JSON.parse`, as a result instead of a throw. */
export const parse = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly cause: unknown } => {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (cause) {
    return { ok: false, cause }
  }
}

/** A body read as JSON: the text as received (to quote in a later error) and its value. */
export interface JsonBody {
  readonly text: string
  readonly value: unknown
}

/**
 * The body of `response` as JSON, read with the `jsonBodyBytes` cap ({@link readText}). Past the
 * cap: `LimitExceeded`. Not JSON: `options.malformed(text, cause)`. Not readable (a
 * reset mid-body): `options.readFailed(error)`, by default a `TransportError` in the `response`
 * phase, "Reading <what> failed: …".
 */
export function readJson(
  response: HttpClientResponse.HttpClientResponse,
  options: Options & { readonly readFailed?: undefined }
): Effect.Effect<JsonBody, OpenRouterError.MalformedResponse | OpenRouterError.LimitExceeded | OpenRouterError.TransportError>
export function readJson<E>(
  response: HttpClientResponse.HttpClientResponse,
  options: Options & { readonly readFailed: (error: HttpClientError.ResponseError) => E }
): Effect.Effect<JsonBody, OpenRouterError.MalformedResponse | OpenRouterError.LimitExceeded | E>
export function readJson<E>(
  response: HttpClientResponse.HttpClientResponse,
  options: Options & { readonly readFailed?: ((error: HttpClientError.ResponseError) => E) | undefined }
): Effect.Effect<JsonBody, OpenRouterError.MalformedResponse | OpenRouterError.LimitExceeded | OpenRouterError.TransportError | E> {
  return readText(response, options).pipe(
    Effect.mapError((error): OpenRouterError.LimitExceeded | OpenRouterError.TransportError | E =>
      error._tag === "LimitExceeded"
        ? error
        : options.readFailed !== undefined
        ? options.readFailed(error)
        : new OpenRouterError.TransportError({
          message: `Reading ${options.what} failed: ${error.message}`,
          phase: "response",
          cause: error
        })
    ),
    Effect.flatMap((text) => {
      const parsed = parse(text)
      return parsed.ok ? Effect.succeed({ text, value: parsed.value }) : Effect.fail(options.malformed(text, parsed.cause))
    })
  )
}
