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

/**
 * 429. `daily` answers like the free tier's daily cap (not worth retrying); otherwise the
 * capacity answer with `Retry-After` and `availability.retry_after`.
 *
 * @since 0.1.0 @category Constructors
 */
export const rateLimited = (options: { readonly retryAfter?: number; readonly daily?: boolean; readonly nowMs?: number } = {}): Fault => {
  const retryAfter = options.retryAfter ?? 30
  const reset = String((options.nowMs ?? Date.now()) + retryAfter * 1000)
  const limitHeaders = { "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset }
  if (options.daily === true) {
    return statusFault(429, {
      error: {
        message: "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
        code: 429,
        metadata: { headers: limitHeaders, limit_source: "openrouter_free_tier_daily", provider_name: null }
      },
      user_id: USER_ID
    }, limitHeaders)
  }
  return statusFault(429, {
    error: {
      message: `All providers for the requested model are at capacity. Retry after ${retryAfter} seconds.`,
      code: 429,
      metadata: { error_type: "rate_limit_exceeded", headers: limitHeaders },
      availability: { code: "capacity_exhausted", retryable: true, retry_after: retryAfter, requested_models: [] }
    }
  }, { "Retry-After": String(retryAfter), ...limitHeaders })
}

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
