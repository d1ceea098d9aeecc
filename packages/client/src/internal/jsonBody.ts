/**
 * The one reader of a JSON response body: read the text, `JSON.parse` it, and turn each way that
 * can fail into the caller's typed error. Unlike `HttpClientResponse.json`, an empty body is not
 * JSON (the platform reads it as `null`), and the caller gets the text to quote in its
 * `MalformedResponse`.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OpenRouterError } from "@openrouter-effect/core"
import * as Effect from "effect/Effect"

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
 * The body of `response` as JSON. Not JSON: `options.malformed(text, cause)`. Not readable (a
 * reset mid-body): `options.readFailed(error)`, by default a `TransportError` in the `response`
 * phase, "Reading <what> failed: …".
 */
export function readJson(
  response: HttpClientResponse.HttpClientResponse,
  options: Options & { readonly readFailed?: undefined }
): Effect.Effect<JsonBody, OpenRouterError.MalformedResponse | OpenRouterError.TransportError>
export function readJson<E>(
  response: HttpClientResponse.HttpClientResponse,
  options: Options & { readonly readFailed: (error: HttpClientError.ResponseError) => E }
): Effect.Effect<JsonBody, OpenRouterError.MalformedResponse | E>
export function readJson<E>(
  response: HttpClientResponse.HttpClientResponse,
  options: Options & { readonly readFailed?: ((error: HttpClientError.ResponseError) => E) | undefined }
): Effect.Effect<JsonBody, OpenRouterError.MalformedResponse | OpenRouterError.TransportError | E> {
  return response.text.pipe(
    Effect.mapError((error): OpenRouterError.TransportError | E =>
      options.readFailed !== undefined
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
