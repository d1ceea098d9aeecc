/**
 * OpenRouter's error body (openrouter-api.md §7.1): `{"error": {"code", "message", "metadata"?},
 * "user_id"?}` with `code` equal to the HTTP status.
 *
 * @since 0.1.0
 */
import type { Headers, Reply } from "./Types.js"

/** The user id the simulator reports. @since 0.1.0 @category Constants */
export const USER_ID = "user_2xSimulatorUser000000000"

/**
 * An error reply.
 *
 * @since 0.1.0 @category Constructors
 */
export const error = (
  status: number,
  message: string,
  extra: {
    readonly metadata?: Readonly<Record<string, unknown>>
    readonly availability?: Readonly<Record<string, unknown>>
    readonly headers?: Headers
    readonly userId?: boolean
  } = {}
): Reply => ({
  _tag: "json",
  status,
  ...(extra.headers !== undefined ? { headers: extra.headers } : {}),
  body: {
    error: {
      message,
      code: status,
      ...(extra.metadata !== undefined ? { metadata: extra.metadata } : {}),
      ...(extra.availability !== undefined ? { availability: extra.availability } : {})
    },
    ...(extra.userId === false ? {} : { user_id: USER_ID })
  }
})

/** 400 for a request that does not match the schema. @since 0.1.0 @category Constructors */
export const invalidRequest = (message: string): Reply =>
  error(400, message, { metadata: { error_type: "invalid_request" } })
