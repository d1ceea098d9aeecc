/**
 * What `Chat` reads off the wire besides the stream's events: OpenRouter's in-band errors (a 200
 * body or chunk that carries `error`), the response check and the account of a mismatch.
 *
 * @internal
 */
import { OpenRouterError, Secret } from "@openrouter-effect/core"
import * as Schema from "effect/Schema"
import { Response } from "../ChatResponse.js"
import { isChatResponse } from "./responseGuard.js"

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
export const decodeResponse = Schema.decodeUnknownEither(Response, { onExcessProperty: "preserve" })
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

