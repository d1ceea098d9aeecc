/**
 * The typed errors of openrouter-effect, and the table from an OpenRouter error response (status,
 * body, headers) to a tag.
 *
 * Every error carries what a user needs to act on it (HTTP status, OpenRouter's `error.code`, the
 * message, the request id). Which exit code an error gives is the CLI's business (the runner maps
 * tags to codes), not the error's.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as internal from "./internal/errorResponse.js"

/**
 * A configuration problem: a broken config file (with `file`, `line`, `column`), a value of the
 * wrong shape (with its JSON `path`), an unresolved `${VAR}`, a missing API key.
 *
 * @since 0.1.0 @category Errors
 */
export class ConfigError extends Schema.TaggedError<ConfigError>("@openrouter-effect/core/ConfigError")(
  "ConfigError",
  {
    message: Schema.String,
    file: Schema.optional(Schema.String),
    line: Schema.optional(Schema.Number),
    column: Schema.optional(Schema.Number),
    path: Schema.optional(Schema.String)
  }
) {}

/**
 * Input we refuse before sending anything: an aspect ratio the model does not support, a bad
 * thinking level. `field` names what was wrong, `value` what was given, `allowed` what is accepted.
 *
 * @since 0.1.0 @category Errors
 */
export class BadInput extends Schema.TaggedError<BadInput>("@openrouter-effect/core/BadInput")("BadInput", {
  message: Schema.String,
  field: Schema.String,
  value: Schema.optional(Schema.String),
  allowed: Schema.optional(Schema.Array(Schema.String))
}) {}

/**
 * A model ref that is not one of the accepted forms, or carries an `@profile` suffix.
 *
 * @since 0.1.0 @category Errors
 */
export class InvalidModelRef extends Schema.TaggedError<InvalidModelRef>("@openrouter-effect/core/InvalidModelRef")(
  "InvalidModelRef",
  {
    message: Schema.String,
    input: Schema.String,
    reason: Schema.String
  }
) {}

/**
 * The fields every error decoded from an OpenRouter error response carries.
 *
 * @since 0.1.0 @category Models
 */
export const ApiErrorFields = {
  message: Schema.String,
  /** The HTTP status. */
  status: Schema.Number,
  /** OpenRouter's `error.code` (usually the status again). */
  code: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  /** `x-request-id` / `request-id`, when the response had one. */
  requestId: Schema.optional(Schema.String),
  /** `error.metadata.error_type` (or `error.error_type`). */
  errorType: Schema.optional(Schema.String),
  /** `error.metadata.provider_name`. */
  providerName: Schema.optional(Schema.String),
  /** `error.metadata.raw`: the upstream provider's own error body. */
  raw: Schema.optional(Schema.String),
  /** `error.metadata`, verbatim. */
  metadata: Schema.optional(Schema.Unknown),
  /** `error.availability`, verbatim (model-availability failures). */
  availability: Schema.optional(Schema.Unknown)
}


/** 400, 413 and 422: the server refused the request as sent. @since 0.1.0 @category Errors */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("@openrouter-effect/core/InvalidRequest")(
  "InvalidRequest",
  ApiErrorFields
) {}

/** 401: missing, invalid or disabled key. @since 0.1.0 @category Errors */
export class AuthenticationError extends Schema.TaggedError<AuthenticationError>(
  "@openrouter-effect/core/AuthenticationError"
)("AuthenticationError", ApiErrorFields) {}

/** 402: the balance or the key's limit cannot pay for the request. Never retried. @since 0.1.0 @category Errors */
export class InsufficientCredits extends Schema.TaggedError<InsufficientCredits>(
  "@openrouter-effect/core/InsufficientCredits"
)("InsufficientCredits", ApiErrorFields) {}

/**
 * Why a 403 happened.
 *
 * @since 0.1.0 @category Models
 */
export const ForbiddenReason = Schema.Literal("moderation", "guardrail", "key-limit", "permission")
/** @since 0.1.0 @category Models */
export type ForbiddenReason = typeof ForbiddenReason.Type

/** 403: moderation flag, guardrail block, a key's spend cap, or missing permission. @since 0.1.0 @category Errors */
export class Forbidden extends Schema.TaggedError<Forbidden>("@openrouter-effect/core/Forbidden")("Forbidden", {
  ...ApiErrorFields,
  reason: ForbiddenReason,
  /** Moderation reasons (`metadata.reasons`). */
  reasons: Schema.optional(Schema.Array(Schema.String))
}) {}

/** 404: unknown model or resource, or no endpoint matches the routing constraints. @since 0.1.0 @category Errors */
export class NotFound extends Schema.TaggedError<NotFound>("@openrouter-effect/core/NotFound")("NotFound", {
  ...ApiErrorFields,
  /** True for "No endpoints found" / routing-constraint misses. */
  noEndpoints: Schema.Boolean
}) {}

/** 429: rate limited. `retryAfter` from the headers or `availability.retry_after`. @since 0.1.0 @category Errors */
export class RateLimited extends Schema.TaggedError<RateLimited>("@openrouter-effect/core/RateLimited")("RateLimited", {
  ...ApiErrorFields,
  retryAfter: Schema.optional(Schema.DurationFromSelf),
  /** `metadata.limit_source`, e.g. `openrouter_free_tier_daily`. */
  limitSource: Schema.optional(Schema.String),
  /** False for a daily cap or when `availability.retryable` is false: waiting a little does not help. */
  retryable: Schema.Boolean
}) {}

/** Who gave up: the server (408, 524) or this client (its own deadline). @since 0.1.0 @category Models */
export const TimeoutSource = Schema.Literal("server", "client")

/** 408 and 524 from the server, and our own deadlines. @since 0.1.0 @category Errors */
export class Timeout extends Schema.TaggedError<Timeout>("@openrouter-effect/core/Timeout")("Timeout", {
  message: Schema.String,
  source: TimeoutSource,
  status: Schema.optional(Schema.Number),
  code: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  requestId: Schema.optional(Schema.String),
  timeoutMs: Schema.optional(Schema.Number)
}) {}

/** 5xx (other than 524): OpenRouter or the upstream provider failed. @since 0.1.0 @category Errors */
export class Upstream extends Schema.TaggedError<Upstream>("@openrouter-effect/core/Upstream")("Upstream", {
  ...ApiErrorFields,
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {}

/** A response we cannot use: not the documented shape, missing data, or an unexpected status. @since 0.1.0 @category Errors */
export class MalformedResponse extends Schema.TaggedError<MalformedResponse>(
  "@openrouter-effect/core/MalformedResponse"
)("MalformedResponse", {
  message: Schema.String,
  status: Schema.optional(Schema.Number),
  requestId: Schema.optional(Schema.String),
  body: Schema.optional(Schema.String)
}) {}

/**
 * The request never got a response: connection refused, DNS failure, reset. `phase` says whether
 * it failed while connecting (the server provably never saw it) or later.
 *
 * @since 0.1.0 @category Errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@openrouter-effect/core/TransportError")(
  "TransportError",
  {
    message: Schema.String,
    phase: Schema.Literal("connect", "request", "response"),
    code: Schema.optional(Schema.String),
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * A response (or a local input) went past one of the documented limits (`Limits` in the client:
 * an SSE line or event, a JSON or error body, a download, a stream's total time). `limit` names
 * the limit as it is configured (`sseLineBytes`, …) and `max` is its value. Nothing past the
 * limit was read or kept.
 *
 * @since 0.1.0 @category Errors
 */
export class LimitExceeded extends Schema.TaggedError<LimitExceeded>("@openrouter-effect/core/LimitExceeded")(
  "LimitExceeded",
  {
    message: Schema.String,
    limit: Schema.String,
    max: Schema.Number
  }
) {}

/** Any error decoded from an OpenRouter error response. @since 0.1.0 @category Models */
export type ApiError =
  | InvalidRequest
  | AuthenticationError
  | InsufficientCredits
  | Forbidden
  | NotFound
  | RateLimited
  | Timeout
  | Upstream
  | MalformedResponse

/** Every error of openrouter-effect. @since 0.1.0 @category Models */
export type OpenRouterError = ConfigError | BadInput | InvalidModelRef | TransportError | LimitExceeded | ApiError

const tags = new Set([
  "ConfigError",
  "BadInput",
  "InvalidModelRef",
  "InvalidRequest",
  "AuthenticationError",
  "InsufficientCredits",
  "Forbidden",
  "NotFound",
  "RateLimited",
  "Timeout",
  "Upstream",
  "MalformedResponse",
  "LimitExceeded",
  "TransportError"
])

/** @since 0.1.0 @category Guards */
export const isOpenRouterError = (u: unknown): u is OpenRouterError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag) && u instanceof Error

/**
 * The response an error is decoded from.
 *
 * @since 0.1.0 @category Models
 */
export interface ErrorResponse {
  readonly status: number
  /** The body: text as received, or already-parsed JSON. */
  readonly body: unknown
  /** Response headers; names are matched case-insensitively. */
  readonly headers?: Readonly<Record<string, string | undefined>>
  /** Milliseconds since the epoch, to read a `Retry-After` HTTP date. Without it a date is ignored. */
  readonly now?: number
}

/**
 * Reads `retry-after-ms` (milliseconds), then `Retry-After` (seconds, or an HTTP date when `now`
 * is given). Negative or unparsable values are ignored.
 *
 * @since 0.1.0 @category Parsing
 */
export const retryAfterFromHeaders: (
  headers: ErrorResponse["headers"],
  now?: number
) => Option.Option<Duration.Duration> = internal.retryAfterFromHeaders

/**
 * Decodes an OpenRouter error response into its tag, following OpenRouter's status table:
 * 400/413/422 → InvalidRequest, 401 → AuthenticationError, 402 → InsufficientCredits,
 * 403 → Forbidden (moderation, guardrail, key limit, permission), 404 → NotFound,
 * 408/524 → Timeout, 429 → RateLimited, other 5xx → Upstream, anything else → MalformedResponse;
 * except that a 401 whose message speaks of a spending or credit limit ("Key limit exceeded",
 * "insufficient credits", "credit") is InsufficientCredits, as OpenClaw classifies billing by the
 * message.
 *
 * The message is OpenRouter's `error.message`, with the upstream provider's name and
 * `metadata.raw` appended when present (the top-level message is often only "Provider returned
 * error") and the request id. Text that looks like an API key is masked.
 *
 * @since 0.1.0 @category Constructors
 */
export const fromResponse = (response: ErrorResponse): ApiError => {
  const status = response.status
  const facts = internal.read(response)
  const common = facts.common
  switch (status) {
    case 400:
    case 413:
    case 422:
      return new InvalidRequest(common)
    case 401:
      // OpenClaw reads billing from the message: "Key limit exceeded" or "insufficient credits"
      // on a 401 is not a bad key. Only the 401 is re-read: a 403 key limit stays Forbidden
      // (key-limit), and a 429 or a 403 may mention credits without being about them ("Add 10
      // credits to unlock…", "No credits were charged").
      return facts.billing() ? new InsufficientCredits(common) : new AuthenticationError(common)
    case 402:
      return new InsufficientCredits(common)
    case 403:
      return new Forbidden({ ...common, ...facts.forbidden() })
    case 404:
      return new NotFound({ ...common, noEndpoints: facts.noEndpoints() })
    case 408:
    case 524:
      return new Timeout({
        message: common.message,
        source: "server",
        status,
        ...(common.code !== undefined ? { code: common.code } : {}),
        ...(common.requestId !== undefined ? { requestId: common.requestId } : {})
      })
    case 429:
      return new RateLimited({ ...common, ...facts.retryAfter, ...facts.rateLimit() })
    default:
      if (status >= 500 && status <= 599) return new Upstream({ ...common, ...facts.retryAfter })
      return new MalformedResponse({
        message: `Unexpected HTTP ${status}: ${common.message}`,
        status,
        ...(common.requestId !== undefined ? { requestId: common.requestId } : {})
      })
  }
}
