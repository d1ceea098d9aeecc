/**
 * Scripted faults: scheduled per route for the next N requests, in code or over the control
 * endpoint, and constructors for OpenRouter's own error answers (openrouter-api.md §12.8).
 *
 * Routes are written `METHOD /path` with `:name` segments (`GET /videos/:id`), or `*` for every
 * route; the path is the one after `/api/v1`.
 *
 * @since 0.1.0
 */
import { USER_ID } from "./Errors.js"
import type { Fault, Headers } from "./Types.js"

/** A fault waiting for its requests. @since 0.1.0 @category Models */
export interface Scheduled {
  readonly id: number
  readonly route: string
  readonly fault: Fault
  remaining: number
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

// `METHOD /a/:id/b`, `METHOD /a/*` (any rest), `* /path` (any method) or `*`.
const compile = (route: string): ((key: string) => boolean) => {
  if (route.trim() === "*") return () => true
  const [method = "*", path = ""] = route.trim().split(/\s+/)
  const segments = path.split("/").map((segment, i, all) =>
    segment === "*" && i === all.length - 1 ? ".*" : segment.startsWith(":") ? "[^/]+" : escape(segment)
  )
  const pattern = new RegExp(`^${method === "*" ? "[A-Z]+" : escape(method.toUpperCase())} ${segments.join("/")}$`)
  return (key) => pattern.test(key)
}

/**
 * The schedule of faults.
 *
 * @since 0.1.0 @category Models
 */
export class FaultQueue {
  private nextId = 1
  private readonly scheduled: Array<Scheduled & { readonly matches: (key: string) => boolean }> = []

  /** Schedules `fault` for the next `times` requests matching `route`. Returns its id. */
  add(route: string, fault: Fault, times = 1): number {
    const id = this.nextId++
    this.scheduled.push({ id, route, fault, remaining: Math.max(1, Math.floor(times)), matches: compile(route) })
    return id
  }

  /** The faults for one request (`METHOD /path`), each used up by one. */
  take(method: string, path: string): ReadonlyArray<Fault> {
    const key = `${method.toUpperCase()} ${path}`
    const taken: Array<Fault> = []
    for (const entry of this.scheduled) {
      if (entry.remaining > 0 && entry.matches(key)) {
        entry.remaining--
        taken.push(entry.fault)
      }
    }
    for (let i = this.scheduled.length - 1; i >= 0; i--) if (this.scheduled[i]!.remaining <= 0) this.scheduled.splice(i, 1)
    return taken
  }

  /** What is still scheduled. */
  list(): ReadonlyArray<Scheduled> {
    return this.scheduled.map(({ id, route, fault, remaining }) => ({ id, route, fault, remaining }))
  }

  remove(id: number): void {
    const index = this.scheduled.findIndex((entry) => entry.id === id)
    if (index >= 0) this.scheduled.splice(index, 1)
  }

  clear(): void {
    this.scheduled.length = 0
  }
}

const statusFault = (status: number, body: unknown, headers?: Headers): Fault => ({
  kind: "status",
  status,
  body,
  ...(headers !== undefined ? { headers } : {})
})

const DOCS_ERRORS = "https://openrouter.ai/docs/errors"

const rateLimitHeaders = (limit: number, resetMs: number) => ({
  "X-RateLimit-Limit": String(limit),
  "X-RateLimit-Remaining": "0",
  "X-RateLimit-Reset": String(resetMs)
})

/**
 * 429 from OpenRouter's own limiter (reference §7.3, §12.8): the free models' per-minute limit
 * (20 requests), or with `daily` their per-day cap (50 requests; not worth retrying). The answer
 * carries the platform's `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
 * (epoch milliseconds) headers, mirrored in `metadata.headers`, and `metadata.provider_name:
 * null`: no provider was involved. The daily cap names its `metadata.limit_source`
 * (`openrouter_free_tier_daily`); the per-minute limit sends `Retry-After` (default 30 seconds).
 *
 * @since 0.1.0 @category Constructors
 */
export const platformRateLimited = (
  options: { readonly retryAfter?: number; readonly daily?: boolean; readonly nowMs?: number } = {}
): Fault => {
  const now = options.nowMs ?? Date.now()
  if (options.daily === true) {
    // The next midnight UTC, when the daily counter resets.
    const headers = rateLimitHeaders(50, Math.ceil((now + 1) / 86_400_000) * 86_400_000)
    return statusFault(429, {
      error: {
        message: "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
        code: 429,
        metadata: { headers, limit_source: "openrouter_free_tier_daily", provider_name: null }
      },
      user_id: USER_ID
    }, headers)
  }
  const retryAfter = options.retryAfter ?? 30
  const headers = rateLimitHeaders(20, now + retryAfter * 1000)
  return statusFault(429, {
    error: {
      message: "Rate limit exceeded: free-models-per-min.",
      code: 429,
      metadata: { headers, provider_name: null }
    },
    user_id: USER_ID
  }, { "Retry-After": String(retryAfter), ...headers })
}

/**
 * 429 from the upstream provider (reference §7.1, §7.2): OpenRouter relays it as "Provider
 * returned error" with the provider's own words in `metadata.raw`, `metadata.provider_name`, and
 * `error_type: "rate_limit_exceeded"`; no `X-RateLimit-*` headers (they are the platform's).
 * `Retry-After` only when `retryAfter` is given.
 *
 * @since 0.1.0 @category Constructors
 */
export const providerRateLimited = (
  options: { readonly retryAfter?: number; readonly provider?: string; readonly model?: string } = {}
): Fault => {
  const model = options.model ?? "meta-llama/llama-3.3-70b-instruct:free"
  return statusFault(429, {
    error: {
      message: "Provider returned error",
      code: 429,
      metadata: {
        raw: `${model} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`,
        provider_name: options.provider ?? "Venice",
        error_type: "rate_limit_exceeded",
        limit_source: "upstream_provider_shared_pool"
      }
    },
    user_id: USER_ID
  }, options.retryAfter !== undefined ? { "Retry-After": String(options.retryAfter) } : undefined)
}

/**
 * 429 when every provider of the model is at capacity (reference §12.8): OpenRouter's routing
 * message, `metadata.previous_errors` (one per provider tried), and `error.availability` with
 * `capacity_exhausted` and `retry_after` mirrored in `Retry-After` (default 30 seconds). No
 * `X-RateLimit-*` headers.
 *
 * @since 0.1.0 @category Constructors
 */
export const capacityExhausted = (
  options: { readonly retryAfter?: number; readonly model?: string } = {}
): Fault => {
  const retryAfter = options.retryAfter ?? 30
  const model = options.model ?? "anthropic/claude-sonnet-4.5"
  return statusFault(429, {
    error: {
      message: `All providers for ${model} are at capacity. Retry after ${retryAfter} seconds.`,
      code: 429,
      metadata: {
        error_type: "rate_limit_exceeded",
        previous_errors: [{ provider: "anthropic", code: "capacity_exhausted", status: 429 }]
      },
      availability: {
        code: "capacity_exhausted",
        retryable: true,
        retry_after: retryAfter,
        requested_models: [model],
        affected_providers: ["anthropic", "amazon-bedrock"],
        docs_url: `${DOCS_ERRORS}#capacity_exhausted`
      }
    }
  }, { "Retry-After": String(retryAfter) })
}

/**
 * 429, kept for existing scripts: with `daily`, the platform's daily cap
 * ({@link platformRateLimited}); otherwise every provider at capacity ({@link capacityExhausted}),
 * with `Retry-After` and `availability.retry_after`. The specific presets say which limit is hit.
 *
 * @since 0.1.0 @category Constructors
 */
export const rateLimited = (options: { readonly retryAfter?: number; readonly daily?: boolean; readonly nowMs?: number } = {}): Fault =>
  options.daily === true
    ? platformRateLimited({ daily: true, ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}) })
    : capacityExhausted(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {})

/** 402. @since 0.1.0 @category Constructors */
export const insufficientCredits = (): Fault =>
  statusFault(402, {
    error: {
      message:
        "This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 2310. To increase, visit https://openrouter.ai/settings/credits and add more credits",
      code: 402,
      metadata: { provider_name: null }
    },
    user_id: USER_ID
  })

/** 403 moderation. @since 0.1.0 @category Constructors */
export const moderation = (model = "openai/gpt-4o"): Fault =>
  statusFault(403, {
    error: {
      message: `${model} requires moderation on OpenAI. Your input was flagged for "violence". No credits were charged.`,
      code: 403,
      metadata: { reasons: ["violence"], flagged_input: "how do I hurt...someone badly", provider_name: "OpenAI", model_slug: model }
    },
    user_id: USER_ID
  })

/** 404 when routing leaves no provider. @since 0.1.0 @category Constructors */
export const noEndpoints = (model = "anthropic/claude-3-haiku"): Fault =>
  statusFault(404, {
    error: {
      message: `No allowed providers are available for the selected model. Providers serving ${model}: amazon-bedrock, but your request's provider.only preference permits only: anthropic.`,
      code: 404,
      metadata: { error_type: "not_found" }
    },
    user_id: USER_ID
  })

/**
 * A server-side failure: 500, 502 (with the upstream's raw body), 503 (optionally `Retry-After`),
 * 524 or 529.
 *
 * @since 0.1.0 @category Constructors
 */
export const upstream = (status: 500 | 502 | 503 | 524 | 529, options: { readonly retryAfter?: number } = {}): Fault => {
  const headers = options.retryAfter !== undefined ? { "Retry-After": String(options.retryAfter) } : undefined
  switch (status) {
    case 502:
      return statusFault(502, {
        error: {
          message: "Provider returned error",
          code: 502,
          metadata: {
            raw: "{\"error\":{\"message\":\"upstream connect error\",\"type\":\"server_error\"}}",
            provider_name: "Fireworks",
            error_type: "provider_unavailable"
          }
        },
        user_id: USER_ID
      }, headers)
    case 503:
      return statusFault(503, {
        error: { message: "Service temporarily unavailable", code: 503, metadata: { error_type: "provider_overloaded" } }
      }, headers)
    case 524:
      return statusFault(524, {
        error: { message: "Request timed out. Please try again later.", code: 524, metadata: { error_type: "timeout" } }
      }, headers)
    case 529:
      return statusFault(529, {
        error: { message: "Provider returned error", code: 529, metadata: { error_type: "provider_overloaded" } }
      }, headers)
    default:
      return statusFault(500, { error: { message: "Internal Server Error", code: 500, metadata: { error_type: "server" } } }, headers)
  }
}

/**
 * A 5xx after acceptance: the handler runs (a video job is created, a generation recorded), then
 * the answer is replaced by `status` with OpenRouter's error body. The request was billed; a
 * client must not send it again.
 *
 * @since 0.1.0 @category Constructors
 */
export const failAfterAccept = (status = 500, message?: string): Fault => ({
  kind: "fail-after-accept",
  status,
  ...(message !== undefined ? { message } : {})
})

/**
 * The canonical `error_type` (reference §7.1, §7.2) of an HTTP status: 429 → `rate_limit_exceeded`,
 * 502 → `provider_unavailable`, 503 and 529 → `provider_overloaded`, 408 and 524 → `timeout`, …
 *
 * @since 0.1.0 @category Constructors
 */
export const errorTypeOf = (code: number): string => {
  switch (code) {
    case 400:
      return "invalid_request"
    case 401:
      return "authentication"
    case 402:
      return "payment_required"
    case 403:
      return "permission_denied"
    case 404:
      return "not_found"
    case 408:
    case 524:
      return "timeout"
    case 413:
      return "payload_too_large"
    case 422:
      return "unprocessable"
    case 429:
      return "rate_limit_exceeded"
    case 502:
      return "provider_unavailable"
    case 503:
    case 529:
      return "provider_overloaded"
    default:
      return code >= 500 ? "server" : "unmapped"
  }
}

const STREAM_MESSAGES: Readonly<Record<number, string>> = {
  408: "Operation timed out. Please try again later.",
  429: "Rate limit exceeded",
  500: "Internal Server Error",
  503: "Service temporarily unavailable",
  524: "Request timed out. Please try again later."
}

/**
 * The `error` object of an in-band SSE error chunk (reference §2.8, §12.3 H) for an `sse-error`
 * fault: `code` (default 502), the fault's `message` or the usual one for the code, and
 * `metadata.error_type` matching the code (and `provider_code: "rate_limited"` for a 429).
 *
 * @since 0.1.0 @category Constructors
 */
export const streamError = (fault: Extract<Fault, { kind: "sse-error" }>): {
  readonly code: number
  readonly message: string
  readonly metadata: { readonly error_type: string; readonly provider_code?: string }
} => {
  const code = fault.code ?? 502
  return {
    code,
    message: fault.message ?? STREAM_MESSAGES[code] ?? "Provider returned error",
    metadata: { error_type: errorTypeOf(code), ...(code === 429 ? { provider_code: "rate_limited" } : {}) }
  }
}
