/**
 * Reading an OpenRouter error response (status, body, headers) into the facts the error tags are
 * built from: the message shown, the fields every API error carries, Retry-After, and the
 * heuristics that pick a 403's reason, a 404's "no endpoints", a 429's retryability and a 401
 * that is about money.
 * `OpenRouterError.fromResponse` turns these into a tag.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import { redactDeep, redactSecrets } from "../Secret.js"

/** The response headers; names are matched case-insensitively. @internal */
export type Headers = Readonly<Record<string, string | undefined>> | undefined

const MAX_DETAIL = 500

/** A header's trimmed value, case-insensitively; blank counts as absent. @internal */
export const header = (headers: Headers, name: string): string | undefined => {
  if (headers === undefined) return undefined
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) {
      const value = headers[key]
      if (value !== undefined && value.trim() !== "") return value.trim()
    }
  }
  return undefined
}

const asRecord = (u: unknown): Record<string, unknown> | undefined =>
  Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined

const asString = (u: unknown): string | undefined => (typeof u === "string" && u.trim() !== "" ? u : undefined)

const parseBody = (body: unknown): unknown => {
  if (typeof body !== "string") return body
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}

const truncate = (text: string): string => (text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text)

// JSON text of a value from a body; one too deeply nested for JSON.stringify's stack (or not JSON
// at all) is named, not shown.
const stringify = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Array.isArray(value) ? "[an array nested too deeply to show]" : `[${typeof value} that cannot be shown]`
  }
}

/** See `OpenRouterError.retryAfterFromHeaders`. @internal */
export const retryAfterFromHeaders = (headers: Headers, now?: number): Option.Option<Duration.Duration> => {
  const ms = header(headers, "retry-after-ms")
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Option.some(Duration.millis(Number(ms)))
  const value = header(headers, "retry-after")
  if (value === undefined) return Option.none()
  if (/^\d+(\.\d+)?$/.test(value)) return Option.some(Duration.seconds(Number(value)))
  // Only an HTTP date (it names a weekday and a month) is read as one: Date.parse would read
  // "-5" as a year.
  if (now === undefined || !/[a-z]/i.test(value)) return Option.none()
  const date = Date.parse(value)
  if (Number.isNaN(date)) return Option.none()
  return Option.some(Duration.millis(Math.max(0, date - now)))
}

const DAILY_LIMIT = /daily|per-day|per_day/i
const KEY_LIMIT = /key limit (exceeded|reached|hit)|api key budget limit (exceeded|reached|hit)/i
const NO_ENDPOINTS = /no endpoints found|no allowed providers|no models match/i
// A message about money rather than identity (OpenClaw classifies billing by the text, issue 16):
// a key's spending limit, or credits. `\bcredits?\b` does not match "credentials".
const BILLING = new RegExp(
  [
    KEY_LIMIT.source,
    /spend(ing)? limit|budget limit|credit limit/.source,
    /insufficient (credits?|funds|balance)|requires more credits|\bcredits?\b/.source
  ].join("|"),
  "i"
)

/** The fields of `OpenRouterError.ApiErrorFields`, as read from a response. @internal */
export interface Common {
  readonly message: string
  readonly status: number
  readonly code?: number | string
  readonly requestId?: string
  readonly errorType?: string
  readonly providerName?: string
  readonly raw?: string
  readonly metadata?: unknown
  readonly availability?: unknown
}

/** What an error response says, read once. @internal */
export interface Facts {
  readonly common: Common
  /** Retry-After (headers, else `availability.retry_after`) as a field, or nothing. */
  readonly retryAfter: { readonly retryAfter?: Duration.Duration }
  /** A 403: what kind, and the moderation reasons when there are some. */
  readonly forbidden: () => {
    readonly reason: "moderation" | "guardrail" | "key-limit" | "permission"
    readonly reasons?: ReadonlyArray<string>
  }
  /** A 404 because routing left no provider. */
  readonly noEndpoints: () => boolean
  /** The message speaks of a spending or credit limit (a 401 that is really a billing error). */
  readonly billing: () => boolean
  /** A 429: `metadata.limit_source`, and whether waiting a little helps (not for a daily cap). */
  readonly rateLimit: () => { readonly limitSource?: string; readonly retryable: boolean }
}

/**
 * Reads a response. The message is OpenRouter's `error.message` (else `error.detail`, the text
 * body, `HTTP <status>`), with the provider name and `metadata.raw` appended and the request id;
 * key-like text is masked.
 *
 * @internal
 */
export const read = (response: {
  readonly status: number
  readonly body: unknown
  readonly headers?: Headers
  readonly now?: number
}): Facts => {
  const status = response.status
  const parsed = parseBody(response.body)
  const root = asRecord(parsed)
  const error = asRecord(root?.error) ?? root
  const metadata = asRecord(error?.metadata)
  const availability = asRecord(error?.availability)
  const requestId = header(response.headers, "x-request-id") ?? header(response.headers, "request-id")
  const code = typeof error?.code === "number" || typeof error?.code === "string" ? error.code : undefined
  const errorType = asString(metadata?.error_type) ?? asString(error?.error_type)
  const providerName = asString(metadata?.provider_name)
  const rawValue = metadata?.raw
  const raw = rawValue === undefined || rawValue === null
    ? undefined
    : redactSecrets(truncate(typeof rawValue === "string" ? rawValue : stringify(rawValue)))
  const baseMessage = asString(error?.message) ?? asString(error?.detail) ??
    (typeof parsed === "string" && parsed.trim() !== "" ? parsed : `HTTP ${status}`)
  const details: Array<string> = []
  if (providerName !== undefined) details.push(`provider ${providerName}`)
  if (raw !== undefined) details.push(`upstream: ${raw}`)
  const message = redactSecrets(truncate(baseMessage)) +
    (details.length > 0 ? ` (${details.join("; ")})` : "") +
    (requestId !== undefined ? ` [request_id=${requestId}]` : "")

  const common: Common = {
    message,
    status,
    ...(code !== undefined ? { code } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(errorType !== undefined ? { errorType } : {}),
    ...(providerName !== undefined ? { providerName } : {}),
    ...(raw !== undefined ? { raw } : {}),
    ...(metadata !== undefined ? { metadata: redactDeep(metadata) } : {}),
    ...(availability !== undefined ? { availability: redactDeep(availability) } : {})
  }

  const retryAfter = Option.orElse(
    retryAfterFromHeaders(response.headers, response.now),
    () =>
      typeof availability?.retry_after === "number" && availability.retry_after >= 0
        ? Option.some(Duration.seconds(availability.retry_after))
        : Option.none()
  )

  return {
    common,
    retryAfter: Option.match(retryAfter, { onNone: () => ({}), onSome: (d) => ({ retryAfter: d }) }),
    forbidden: () => {
      const reasons = Array.isArray(metadata?.reasons)
        ? metadata.reasons.filter((r): r is string => typeof r === "string")
        : undefined
      const reason = reasons !== undefined || metadata?.flagged_input !== undefined
        ? "moderation"
        : Array.isArray(metadata?.patterns)
        ? "guardrail"
        : KEY_LIMIT.test(baseMessage)
        ? "key-limit"
        : "permission"
      return { reason, ...(reasons !== undefined ? { reasons } : {}) }
    },
    noEndpoints: () => NO_ENDPOINTS.test(baseMessage) || availability?.code === "no_endpoints",
    billing: () => BILLING.test(baseMessage),
    rateLimit: () => {
      const limitSource = asString(metadata?.limit_source)
      const daily = (limitSource !== undefined && DAILY_LIMIT.test(limitSource)) || DAILY_LIMIT.test(baseMessage)
      return { ...(limitSource !== undefined ? { limitSource } : {}), retryable: !daily && availability?.retryable !== false }
    }
  }
}
