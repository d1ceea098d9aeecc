/**
 * What `Chat` reads off the wire besides the stream's events: OpenRouter's in-band errors (a 200
 * body or chunk that carries `error`), the response check and the account of a mismatch.
 *
 * @internal
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Secret from "@openrouter-effect/core/Secret"
import * as Schema from "effect/Schema"
import { Response } from "../ChatResponse.js"
import { isChatResponse } from "./responseGuard.js"
import { lazily } from "./lazily.js"

/** @internal */
export const record = (u: unknown): Record<string, unknown> | undefined =>
  typeof u === "object" && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>) : undefined

/**
 * The typed error of a 200 body or chunk that carries `error` (top level, or a choice's with
 * `finish_reason: "error"`).
 *
 * @internal
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

/** @internal */
export const malformed = (message: string, body?: string) =>
  new OpenRouterError.MalformedResponse({ message, ...(body !== undefined ? { body: Secret.redactSecrets(body.slice(0, 2000)) } : {}) })

// Marks, in a stream's events, where a failure cut it.
/** @internal */
export const STOP: unique symbol = Symbol("openrouter-effect/Chat/stop")

/** @internal */
export const decodeResponse = lazily(() => Schema.decodeUnknownEither(Response, { onExcessProperty: "preserve" }))
// `Response` has no transformations, so a body that passes the check is already the decoded value
// (unknown fields included). The check is a hand-written twin of `Schema.is(Response)` (held to it
// by a property test) and allocates nothing; the decode runs only to describe a mismatch.
/** @internal */
export const isResponse = isChatResponse as (u: unknown) => u is Response

// The schema's account of a mismatch. Effect formats the value found recursively, which overflows
// the stack on a (hostile) body nested thousands of levels deep: then the account is shorter.
/** @internal */
export const shapeError = (error: { readonly message: string }): string => {
  try {
    return error.message
  } catch {
    return "a value is nested too deeply to describe"
  }
}


/**
 * A chat completion's body read: the response, or the typed error (not JSON, an in-band error,
 * an unexpected shape). Shared by `complete` and a stream answered with JSON.
 *
 * @internal
 */
export const parseCompletion = (
  text: string,
  requestId: string | undefined
):
  | { readonly ok: true; readonly response: Response }
  | { readonly ok: false; readonly error: OpenRouterError.ApiError | OpenRouterError.MalformedResponse } =>
{
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return { ok: false, error: malformed("The chat response is not JSON", text) }
  }
  const error = inBandError(body, requestId)
  if (error !== undefined) return { ok: false, error }
  if (!isResponse(body)) {
    const decoded = decodeResponse(body)
    const account = decoded._tag === "Left" ? shapeError(decoded.left) : "it does not match the response schema"
    return { ok: false, error: malformed(`The chat response has an unexpected shape: ${account}`, text) }
  }
  return { ok: true, response: body }
}

/**
 * Whether a `Content-Type` is JSON (`application/json`, `application/problem+json`, parameters
 * ignored): a streaming request answered that way carries one whole completion.
 *
 * @internal
 */
export const isJsonContentType = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false
  const semicolon = contentType.indexOf(";")
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))
}
