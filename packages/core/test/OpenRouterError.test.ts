import { describe, expect, it } from "@effect/vitest"
import { Duration, FastCheck as fc, Option } from "effect"
import * as OpenRouterError from "../src/OpenRouterError.js"

type ApiError = OpenRouterError.ApiError
type Tag = ApiError["_tag"]

/** Asserts the tag and narrows to it. */
const expectTag = <T extends Tag>(error: ApiError, tag: T): Extract<ApiError, { readonly _tag: T }> => {
  expect(error._tag).toBe(tag)
  if (error._tag !== tag) throw new Error(`expected ${tag}, got ${error._tag}`)
  return error as Extract<ApiError, { readonly _tag: T }>
}

const millis = (d: Duration.Duration | undefined): number | undefined =>
  d === undefined ? undefined : Duration.toMillis(d)

const optionMillis = (o: Option.Option<Duration.Duration>): number | undefined =>
  Option.match(o, { onNone: () => undefined, onSome: Duration.toMillis })

const REQUEST_ID = "gen-req-0123abcd"
const withId = { "x-request-id": REQUEST_ID }

// The example error bodies of openrouter-api.md §12.8, as the JSON text a server sends.
const bodies = {
  unauthNoHeader: `{"error": {"message": "No auth credentials found", "code": 401}}`,
  unauthUnknownKey: `{"error": {"message": "User not found.", "code": 401}}`,
  credits:
    `{"error": {"message": "This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 2310. To increase, visit https://openrouter.ai/settings/credits and add more credits", "code": 402, "metadata": {"provider_name": null}}, "user_id": "user_2xExampleUserId000000000"}`,
  moderation:
    `{"error": {"message": "openai/gpt-4o requires moderation on OpenAI. Your input was flagged for \\"violence\\". No credits were charged.", "code": 403, "metadata": {"reasons": ["violence"], "flagged_input": "how do I hurt...someone badly", "provider_name": "OpenAI", "model_slug": "openai/gpt-4o"}}, "user_id": "user_2xExampleUserId000000000"}`,
  timeout:
    `{"error": {"message": "Operation timed out. Please try again later.", "code": 408, "metadata": {"error_type": "timeout"}}}`,
  dailyCap:
    `{"error": {"message": "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day", "code": 429, "metadata": {"headers": {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1786060800000"}, "limit_source": "openrouter_free_tier_daily", "provider_name": null}}, "user_id": "user_2xExampleUserId000000000"}`,
  capacity:
    `{"error": {"message": "All providers for anthropic/claude-sonnet-4.5 are at capacity. Retry after 30 seconds.", "code": 429, "metadata": {"error_type": "rate_limit_exceeded", "previous_errors": [{"provider": "anthropic", "code": "capacity_exhausted", "status": 429}]}, "availability": {"code": "capacity_exhausted", "retryable": true, "retry_after": 30, "requested_models": ["anthropic/claude-sonnet-4.5"], "affected_providers": ["anthropic", "amazon-bedrock"], "fallback_models": ["anthropic/claude-haiku-4.5"], "docs_url": "https://openrouter.ai/docs/errors#capacity_exhausted"}}}`,
  upstreamRaw:
    `{"error": {"message": "Provider returned error", "code": 502, "metadata": {"raw": "{\\"error\\":{\\"message\\":\\"upstream connect error\\",\\"type\\":\\"server_error\\"}}", "provider_name": "Fireworks", "error_type": "provider_unavailable"}}, "user_id": "user_2xExampleUserId000000000"}`,
  routing:
    `{"error": {"message": "No allowed providers are available for the selected model. Providers serving anthropic/claude-3-haiku: amazon-bedrock, but your request's provider.only preference permits only: anthropic.", "code": 404, "metadata": {"error_type": "not_found"}}, "user_id": "user_2xExampleUserId000000000"}`,
  unavailable:
    `{"error": {"message": "Service temporarily unavailable", "code": 503, "metadata": {"error_type": "provider_overloaded"}}}`,
  unknownModel:
    `{"error": {"message": "acme/not-a-model is not a valid model ID", "code": 400, "metadata": {"error_type": "invalid_request"}, "availability": {"code": "model_not_found", "retryable": false, "requested_models": ["acme/not-a-model"], "docs_url": "https://openrouter.ai/docs/errors#model_not_found"}}}`
} as const

describe("fromResponse: the example error bodies (openrouter-api.md §12.8)", () => {
  interface Case {
    readonly name: string
    readonly status: number
    readonly body: string
    readonly headers?: Readonly<Record<string, string>>
    readonly tag: Tag
    readonly message: string
    readonly check?: (error: ApiError) => void
  }

  const cases: ReadonlyArray<Case> = [
    {
      name: "401 no auth header",
      status: 401,
      body: bodies.unauthNoHeader,
      tag: "AuthenticationError",
      message: "No auth credentials found"
    },
    {
      name: "401 unknown key",
      status: 401,
      body: bodies.unauthUnknownKey,
      headers: withId,
      tag: "AuthenticationError",
      message: `User not found. [request_id=${REQUEST_ID}]`
    },
    {
      name: "402 insufficient credits",
      status: 402,
      body: bodies.credits,
      tag: "InsufficientCredits",
      message:
        "This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 2310. To increase, visit https://openrouter.ai/settings/credits and add more credits",
      check: (error) => {
        const e = expectTag(error, "InsufficientCredits")
        // provider_name is null: not a provider name
        expect(e.providerName).toBeUndefined()
      }
    },
    {
      name: "403 moderation",
      status: 403,
      body: bodies.moderation,
      headers: withId,
      tag: "Forbidden",
      message:
        `openai/gpt-4o requires moderation on OpenAI. Your input was flagged for "violence". No credits were charged. (provider OpenAI) [request_id=${REQUEST_ID}]`,
      check: (error) => {
        const e = expectTag(error, "Forbidden")
        expect(e.reason).toBe("moderation")
        expect(e.reasons).toEqual(["violence"])
        expect(e.providerName).toBe("OpenAI")
      }
    },
    {
      name: "408 timeout",
      status: 408,
      body: bodies.timeout,
      tag: "Timeout",
      message: "Operation timed out. Please try again later.",
      check: (error) => {
        const e = expectTag(error, "Timeout")
        expect(e.source).toBe("server")
        expect(e.code).toBe(408)
      }
    },
    {
      name: "429 free-tier daily cap",
      status: 429,
      body: bodies.dailyCap,
      headers: { "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1786060800000" },
      tag: "RateLimited",
      message: "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
      check: (error) => {
        const e = expectTag(error, "RateLimited")
        expect(e.retryable).toBe(false)
        expect(e.limitSource).toBe("openrouter_free_tier_daily")
        expect(e.retryAfter).toBeUndefined()
      }
    },
    {
      name: "429 all providers at capacity, Retry-After: 30",
      status: 429,
      body: bodies.capacity,
      headers: { "Retry-After": "30", ...withId },
      tag: "RateLimited",
      message:
        `All providers for anthropic/claude-sonnet-4.5 are at capacity. Retry after 30 seconds. [request_id=${REQUEST_ID}]`,
      check: (error) => {
        const e = expectTag(error, "RateLimited")
        expect(e.retryable).toBe(true)
        expect(e.limitSource).toBeUndefined()
        expect(millis(e.retryAfter)).toBe(30_000)
        expect(e.errorType).toBe("rate_limit_exceeded")
        expect(e.availability).toMatchObject({ code: "capacity_exhausted", retryable: true, retry_after: 30 })
      }
    },
    {
      name: "502 upstream error with metadata.raw",
      status: 502,
      body: bodies.upstreamRaw,
      headers: withId,
      tag: "Upstream",
      message:
        `Provider returned error (provider Fireworks; upstream: {"error":{"message":"upstream connect error","type":"server_error"}}) [request_id=${REQUEST_ID}]`,
      check: (error) => {
        const e = expectTag(error, "Upstream")
        expect(e.providerName).toBe("Fireworks")
        expect(e.raw).toBe(`{"error":{"message":"upstream connect error","type":"server_error"}}`)
        expect(e.errorType).toBe("provider_unavailable")
        expect(e.retryAfter).toBeUndefined()
      }
    },
    {
      name: "404 routing preferences exclude every provider",
      status: 404,
      body: bodies.routing,
      tag: "NotFound",
      message:
        "No allowed providers are available for the selected model. Providers serving anthropic/claude-3-haiku: amazon-bedrock, but your request's provider.only preference permits only: anthropic.",
      check: (error) => {
        const e = expectTag(error, "NotFound")
        expect(e.noEndpoints).toBe(true)
        expect(e.errorType).toBe("not_found")
      }
    },
    {
      name: "503 transient unavailability",
      status: 503,
      body: bodies.unavailable,
      tag: "Upstream",
      message: "Service temporarily unavailable",
      check: (error) => {
        const e = expectTag(error, "Upstream")
        expect(e.errorType).toBe("provider_overloaded")
        expect(e.retryAfter).toBeUndefined()
      }
    },
    {
      name: "400 unknown model",
      status: 400,
      body: bodies.unknownModel,
      headers: withId,
      tag: "InvalidRequest",
      message: `acme/not-a-model is not a valid model ID [request_id=${REQUEST_ID}]`,
      check: (error) => {
        const e = expectTag(error, "InvalidRequest")
        expect(e.errorType).toBe("invalid_request")
        expect(e.availability).toMatchObject({ code: "model_not_found", retryable: false })
      }
    }
  ]

  for (const c of cases) {
    it(`${c.name} → ${c.tag}`, () => {
      const error = OpenRouterError.fromResponse({
        status: c.status,
        body: c.body,
        ...(c.headers !== undefined ? { headers: c.headers } : {})
      })
      expect(error._tag).toBe(c.tag)
      expect(error.status).toBe(c.status)
      expect(error.message).toBe(c.message)
      expect(OpenRouterError.isOpenRouterError(error)).toBe(true)
      expect(error).toBeInstanceOf(Error)
      if (c.headers !== undefined && "x-request-id" in c.headers) {
        expect(error.requestId).toBe(REQUEST_ID)
      } else {
        expect(error.requestId).toBeUndefined()
      }
      if (error._tag !== "MalformedResponse") expect(error.code).toBe(c.status)
      c.check?.(error)
    })
  }

  it("decodes an already-parsed body the same as its text", () => {
    for (const [status, body] of [[402, bodies.credits], [403, bodies.moderation], [502, bodies.upstreamRaw]] as const) {
      const fromText = OpenRouterError.fromResponse({ status, body, headers: withId })
      const fromJson = OpenRouterError.fromResponse({ status, body: JSON.parse(body), headers: withId })
      expect(fromJson._tag).toBe(fromText._tag)
      expect(fromJson.message).toBe(fromText.message)
    }
  })
})

describe("fromResponse: other statuses and shapes", () => {
  it("524 → Timeout from the server", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 524,
        body: { error: { message: "Request timed out. Please try again later.", code: 524 } },
        headers: { "X-Request-Id": "r-524" }
      }),
      "Timeout"
    )
    expect(e.source).toBe("server")
    expect(e.status).toBe(524)
    expect(e.requestId).toBe("r-524")
    expect(e.message).toBe("Request timed out. Please try again later. [request_id=r-524]")
  })

  it("500 → Upstream", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 500,
        body: { error: { message: "Internal Server Error", code: 500, metadata: { error_type: "server" } } }
      }),
      "Upstream"
    )
    expect(e.status).toBe(500)
    expect(e.errorType).toBe("server")
    expect(e.message).toBe("Internal Server Error")
  })

  it("529 → Upstream", () => {
    const e = OpenRouterError.fromResponse({
      status: 529,
      body: { error: { message: "Provider returned error", code: 529 } }
    })
    expect(e._tag).toBe("Upstream")
    expect(e.status).toBe(529)
  })

  it("413 and 422 → InvalidRequest", () => {
    for (const status of [413, 422]) {
      const e = OpenRouterError.fromResponse({ status, body: { error: { message: "nope", code: status } } })
      expect(e._tag).toBe("InvalidRequest")
      expect(e.status).toBe(status)
    }
  })

  it("418 → MalformedResponse", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 418,
        body: `{"error": {"message": "I'm a teapot", "code": 418}}`,
        headers: { "request-id": "tea-1" }
      }),
      "MalformedResponse"
    )
    expect(e.status).toBe(418)
    expect(e.requestId).toBe("tea-1")
    expect(e.message).toBe("Unexpected HTTP 418: I'm a teapot [request_id=tea-1]")
  })

  it("a non-JSON text body becomes the message", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({ status: 502, body: "<html><body>502 Bad Gateway</body></html>" }),
      "Upstream"
    )
    expect(e.status).toBe(502)
    expect(e.message).toBe("<html><body>502 Bad Gateway</body></html>")
    expect(e.code).toBeUndefined()
  })

  it("an empty body gives `HTTP <status>`", () => {
    const e = OpenRouterError.fromResponse({ status: 401, body: "", headers: withId })
    expect(e._tag).toBe("AuthenticationError")
    expect(e.message).toBe(`HTTP 401 [request_id=${REQUEST_ID}]`)
  })

  it("a very long text body is truncated to 500 characters plus an ellipsis", () => {
    const e = OpenRouterError.fromResponse({ status: 500, body: "x".repeat(2000) })
    expect(e.message).toBe(`${"x".repeat(500)}…`)
  })

  it("the docs' alternate shape: error.error_type and error.http_status", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 404,
        body: {
          error: {
            message: "Model acme/gone does not exist",
            error_type: "model_not_found",
            http_status: 404,
            availability: { code: "model_not_found", retryable: false, requested_models: ["acme/gone"] }
          }
        }
      }),
      "NotFound"
    )
    expect(e.errorType).toBe("model_not_found")
    expect(e.code).toBeUndefined()
    expect(e.status).toBe(404)
    expect(e.noEndpoints).toBe(false)
    expect(e.message).toBe("Model acme/gone does not exist")
  })

  it("the alternate shape: availability no_endpoints → noEndpoints", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 404,
        body: { error: { message: "Model unavailable", error_type: "no_endpoints", availability: { code: "no_endpoints" } } }
      }),
      "NotFound"
    )
    expect(e.noEndpoints).toBe(true)
  })

  it("metadata.error_type is preferred over error.error_type", () => {
    const e = OpenRouterError.fromResponse({
      status: 400,
      body: { error: { message: "bad", error_type: "outer", metadata: { error_type: "inner" } } }
    })
    expect(e._tag).toBe("InvalidRequest")
    if (e._tag === "InvalidRequest") expect(e.errorType).toBe("inner")
  })

  it("404 No endpoints found → noEndpoints; a plain 404 → not", () => {
    const noEndpoints = expectTag(
      OpenRouterError.fromResponse({ status: 404, body: { error: { message: "No endpoints found for acme/x.", code: 404 } } }),
      "NotFound"
    )
    expect(noEndpoints.noEndpoints).toBe(true)
    const plain = expectTag(
      OpenRouterError.fromResponse({ status: 404, body: { error: { message: "Not Found", code: 404 } } }),
      "NotFound"
    )
    expect(plain.noEndpoints).toBe(false)
  })

  it("403 guardrail (metadata.patterns)", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 403,
        body: {
          error: {
            message: "Request blocked by guardrail",
            code: 403,
            metadata: { patterns: ["ignore all previous instructions"] }
          }
        }
      }),
      "Forbidden"
    )
    expect(e.reason).toBe("guardrail")
    expect(e.reasons).toBeUndefined()
  })

  it("403 Key limit exceeded (daily limit) → key-limit", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 403,
        body: { error: { message: "Key limit exceeded (daily limit). Raise it in the dashboard.", code: 403 } }
      }),
      "Forbidden"
    )
    expect(e.reason).toBe("key-limit")
  })

  describe("billing by the message on a 401 (issue 16)", () => {
    const billing401 = [
      "Key limit exceeded",
      "Key limit exceeded (daily limit). Raise it in the dashboard.",
      "API key budget limit reached",
      "insufficient credits",
      "Insufficient credits for this key",
      "This request requires more credits, or fewer max_tokens.",
      "credit",
      "Your credit limit was hit",
      "Spending limit exceeded for this key"
    ]
    for (const message of billing401) {
      it(`401 ${JSON.stringify(message)} → InsufficientCredits, not AuthenticationError`, () => {
        const e = expectTag(
          OpenRouterError.fromResponse({ status: 401, body: { error: { message, code: 401 } }, headers: withId }),
          "InsufficientCredits"
        )
        expect(e.status).toBe(401)
        expect(e.code).toBe(401)
        expect(e.message).toBe(`${message} [request_id=${REQUEST_ID}]`)
      })
    }

    for (const message of ["No auth credentials found", "User not found.", "Invalid API key", "Missing Authentication header", "Incredible"]) {
      it(`401 ${JSON.stringify(message)} stays AuthenticationError`, () => {
        expectTag(OpenRouterError.fromResponse({ status: 401, body: { error: { message, code: 401 } } }), "AuthenticationError")
      })
    }

    it("a 403 key limit stays Forbidden with reason key-limit", () => {
      const e = expectTag(
        OpenRouterError.fromResponse({ status: 403, body: { error: { message: "Key limit exceeded", code: 403 } } }),
        "Forbidden"
      )
      expect(e.reason).toBe("key-limit")
    })

    it("a 429 that mentions credits stays RateLimited; a 403 moderation that mentions credits stays Forbidden", () => {
      expectTag(OpenRouterError.fromResponse({ status: 429, body: bodies.dailyCap }), "RateLimited")
      expect(expectTag(OpenRouterError.fromResponse({ status: 403, body: bodies.moderation }), "Forbidden").reason).toBe("moderation")
    })

    it.prop(
      "a 401 is InsufficientCredits when its message names a key limit or credits, AuthenticationError when it names neither",
      [fc.string({ maxLength: 20 }), fc.constantFrom("", "Key limit exceeded", "insufficient credits", "credit", "credentials", "key"), fc.string({ maxLength: 20 })],
      ([before, middle, after]) => {
        const message = `${before} ${middle} ${after}`
        const error = OpenRouterError.fromResponse({ status: 401, body: { error: { message } } })
        if (["Key limit exceeded", "insufficient credits", "credit"].includes(middle)) {
          expect(error._tag).toBe("InsufficientCredits")
        } else if (!/credit|limit/i.test(message)) {
          expect(error._tag).toBe("AuthenticationError")
        }
      }
    )
  })

  it("403 otherwise → permission", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({ status: 403, body: { error: { message: "Insufficient permissions", code: 403 } } }),
      "Forbidden"
    )
    expect(e.reason).toBe("permission")
  })

  it("403 with flagged_input but no reasons is moderation", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 403,
        body: { error: { message: "flagged", code: 403, metadata: { flagged_input: "..." } } }
      }),
      "Forbidden"
    )
    expect(e.reason).toBe("moderation")
    expect(e.reasons).toBeUndefined()
  })

  it("429 with availability.retryable false is not retryable", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 429,
        body: { error: { message: "Rate limited", code: 429, availability: { code: "x", retryable: false } } }
      }),
      "RateLimited"
    )
    expect(e.retryable).toBe(false)
  })

  it("429 retryAfter falls back to availability.retry_after; the header wins over it", () => {
    const body = { error: { message: "Rate limited", code: 429, availability: { retryable: true, retry_after: 12 } } }
    const fromBody = expectTag(OpenRouterError.fromResponse({ status: 429, body }), "RateLimited")
    expect(millis(fromBody.retryAfter)).toBe(12_000)
    expect(fromBody.retryable).toBe(true)
    const fromHeader = expectTag(
      OpenRouterError.fromResponse({ status: 429, body, headers: { "retry-after": "3" } }),
      "RateLimited"
    )
    expect(millis(fromHeader.retryAfter)).toBe(3_000)
  })

  it("429 with an upstream limit source is retryable", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 429,
        body: { error: { message: "Rate limit exceeded", code: 429, metadata: { limit_source: "upstream_provider_shared_pool" } } }
      }),
      "RateLimited"
    )
    expect(e.limitSource).toBe("upstream_provider_shared_pool")
    expect(e.retryable).toBe(true)
  })

  it("503 with Retry-After: 5 carries retryAfter", () => {
    const e = expectTag(
      OpenRouterError.fromResponse({ status: 503, body: bodies.unavailable, headers: { "Retry-After": "5" } }),
      "Upstream"
    )
    expect(millis(e.retryAfter)).toBe(5_000)
  })

  it("x-request-id is preferred over request-id", () => {
    const e = OpenRouterError.fromResponse({
      status: 401,
      body: bodies.unauthUnknownKey,
      headers: { "request-id": "second", "X-REQUEST-ID": "first" }
    })
    expect(e.requestId).toBe("first")
    expect(e.message).toBe("User not found. [request_id=first]")
  })
})

describe("fromResponse: secrets", () => {
  const hex = "0123456789abcdef0123456789abcdef"
  const key = `sk-or-v1-${hex}`

  const expectMasked = (message: string) => {
    expect(message).not.toContain(key)
    expect(message).not.toContain(hex)
    expect(message).toContain("sk-or-v1-…cdef")
  }

  it("a key inside a string metadata.raw is masked in the message and in raw", () => {
    const raw = JSON.stringify({ error: { message: `Incorrect API key provided: ${key}`, type: "auth" } })
    const e = expectTag(
      OpenRouterError.fromResponse({
        status: 502,
        body: JSON.stringify({ error: { message: "Provider returned error", code: 502, metadata: { raw, provider_name: "OpenAI" } } })
      }),
      "Upstream"
    )
    expectMasked(e.message)
    expect(e.message).toContain("provider OpenAI")
    expect(e.message).toContain("Incorrect API key provided")
    expect(e.raw).toBeDefined()
    expectMasked(e.raw ?? "")
  })

  it("a key inside an object metadata.raw is masked", () => {
    const e = OpenRouterError.fromResponse({
      status: 401,
      body: { error: { message: "Provider returned error", code: 401, metadata: { raw: { key, detail: "bad" } } } }
    })
    expectMasked(e.message)
    expect(e.message).toContain(`"detail":"bad"`)
  })

  it("a key inside error.message is masked, and a bearer token is hidden", () => {
    const e = OpenRouterError.fromResponse({
      status: 400,
      body: { error: { message: `Rejected key ${key}; header Authorization: Bearer abc.def.ghi`, code: 400 } }
    })
    expectMasked(e.message)
    expect(e.message).not.toContain("abc.def.ghi")
    expect(e.message).toContain("Bearer ****")
  })
})

describe("fromResponse: secrets that stand against other text", () => {
  const key = "sk-or-v1-0123456789abcdef0123456789abcdef"

  it("a key after an escaped newline inside a JSON raw body is masked, in the message and in metadata", () => {
    const raw = JSON.stringify({ error: { message: "Incorrect API key provided:\n" + key } })
    const e = OpenRouterError.fromResponse({
      status: 401,
      body: { error: { message: "Provider returned error", metadata: { raw, provider_name: "OpenAI" } } }
    })
    expect(e.message).toContain("sk-or-v1-…cdef")
    expect(e.message).not.toContain(key)
    expect(JSON.stringify(e)).not.toContain(key)
  })

  it("a key echoed in `availability` is masked there too", () => {
    const e = OpenRouterError.fromResponse({
      status: 429,
      body: { error: { message: "At capacity", availability: { code: "capacity_exhausted", detail: `for key ${key}` } } }
    })
    expect(JSON.stringify(e)).not.toContain(key)
    expect(JSON.stringify((e as { availability?: unknown }).availability)).toContain("sk-or-v1-…cdef")
  })

  it("a key glued to a word is masked", () => {
    const e = OpenRouterError.fromResponse({ status: 400, body: { error: { message: `key_${key}` } } })
    expect(e.message).toBe("key_sk-or-v1-…cdef")
  })
})

describe("retryAfterFromHeaders", () => {
  it("a negative or bare-number value is never read as a date", () => {
    expect(OpenRouterError.retryAfterFromHeaders({ "retry-after": "-5" }, 0)).toEqual(Option.none())
    expect(OpenRouterError.retryAfterFromHeaders({ "retry-after": "+12" }, Date.UTC(2026, 10, 24))).toEqual(Option.none())
  })

  const cases: ReadonlyArray<
    readonly [string, Readonly<Record<string, string | undefined>> | undefined, number | undefined, number | undefined]
  > = [
    ["Retry-After seconds", { "Retry-After": "30" }, undefined, 30_000],
    ["fractional seconds", { "retry-after": "1.5" }, undefined, 1_500],
    ["zero seconds", { "retry-after": "0" }, undefined, 0],
    ["seconds, padded", { "RETRY-AFTER": "  7 " }, undefined, 7_000],
    ["retry-after-ms", { "retry-after-ms": "250" }, undefined, 250],
    ["retry-after-ms wins over Retry-After", { "Retry-After": "30", "retry-after-ms": "250" }, undefined, 250],
    ["unparsable retry-after-ms falls back to Retry-After", { "retry-after-ms": "soon", "Retry-After": "7" }, undefined, 7_000],
    [
      "HTTP date with now",
      { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" },
      Date.UTC(2015, 9, 21, 7, 27, 0),
      60_000
    ],
    [
      "HTTP date in the past with now → 0",
      { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" },
      Date.UTC(2015, 9, 21, 8, 0, 0),
      0
    ],
    ["HTTP date without now is ignored", { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" }, undefined, undefined],
    ["garbage with now is ignored", { "Retry-After": "soon" }, Date.UTC(2015, 9, 21), undefined],
    ["negative seconds without now are ignored", { "Retry-After": "-5" }, undefined, undefined],
    ["negative ms are ignored", { "retry-after-ms": "-5" }, undefined, undefined],
    ["blank header is ignored", { "Retry-After": "   " }, undefined, undefined],
    ["undefined header value is ignored", { "Retry-After": undefined }, undefined, undefined],
    ["no headers", {}, undefined, undefined],
    ["headers undefined", undefined, undefined, undefined]
  ]

  for (const [name, headers, now, expected] of cases) {
    it(name, () => {
      expect(optionMillis(OpenRouterError.retryAfterFromHeaders(headers, now))).toBe(expected)
    })
  }

  it("fromResponse reads a Retry-After date with `now` and ignores it without", () => {
    const headers = { "Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT" }
    const body = { error: { message: "Rate limited", code: 429 } }
    const withNow = expectTag(
      OpenRouterError.fromResponse({ status: 429, body, headers, now: Date.UTC(2015, 9, 21, 7, 27, 30) }),
      "RateLimited"
    )
    expect(millis(withNow.retryAfter)).toBe(30_000)
    const withoutNow = expectTag(OpenRouterError.fromResponse({ status: 429, body, headers }), "RateLimited")
    expect(withoutNow.retryAfter).toBeUndefined()
  })
})

describe("the guard", () => {
  // Exit codes are the CLI's (runner ExitCode.byTag): the errors carry none.
  it("errors carry no exit code", () => {
    expect("exitCode" in new OpenRouterError.ConfigError({ message: "broken" })).toBe(false)
    expect("exitCode" in OpenRouterError.fromResponse({ status: 500, body: "" })).toBe(false)
    expect("ExitCode" in OpenRouterError).toBe(false)
  })

  it("isOpenRouterError rejects look-alikes", () => {
    expect(OpenRouterError.isOpenRouterError({ _tag: "BadInput", message: "x" })).toBe(false)
    expect(OpenRouterError.isOpenRouterError(new Error("x"))).toBe(false)
    expect(OpenRouterError.isOpenRouterError(new OpenRouterError.BadInput({ message: "x", field: "f" }))).toBe(true)
  })
})

describe("fromResponse properties", () => {
  const status = fc.integer({ min: 400, max: 599 })
  const metadataKey = fc.constantFrom(
    "raw",
    "provider_name",
    "error_type",
    "reasons",
    "flagged_input",
    "patterns",
    "limit_source",
    "headers"
  )
  const errorLike = fc.record(
    {
      error: fc.record(
        {
          message: fc.jsonValue(),
          code: fc.jsonValue(),
          error_type: fc.jsonValue(),
          detail: fc.jsonValue(),
          metadata: fc.oneof(fc.dictionary(metadataKey, fc.jsonValue()), fc.jsonValue()),
          availability: fc.oneof(
            fc.dictionary(fc.constantFrom("code", "retryable", "retry_after"), fc.jsonValue()),
            fc.jsonValue()
          )
        },
        { requiredKeys: [] }
      )
    },
    { requiredKeys: [] }
  )
  const body = fc.oneof(
    fc.jsonValue(),
    fc.string(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    errorLike,
    errorLike.map((v) => JSON.stringify(v))
  )
  const headers = fc.option(
    fc.dictionary(
      fc.constantFrom("Retry-After", "retry-after", "retry-after-ms", "x-request-id", "request-id", "other"),
      fc.oneof(fc.string(), fc.nat().map(String), fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()))
    ),
    { nil: undefined }
  )
  const now = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined })

  it.prop("never throws and keeps the status", [status, body, headers, now], ([status, body, headers, now]) => {
    const error = OpenRouterError.fromResponse({
      status,
      body,
      ...(headers !== undefined ? { headers } : {}),
      ...(now !== undefined ? { now } : {})
    })
    expect(error.status).toBe(status)
    expect(OpenRouterError.isOpenRouterError(error)).toBe(true)
    expect(typeof error.message).toBe("string")
  })
})
