// Time and transport policies of OpenRouterHttp on an HttpClient test layer (no sockets), driven
// by TestClock: retries, Retry-After, retry classes, redirects, Authorization, connectTo, timeouts.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Exit, Fiber, Layer, Redacted, TestClock } from "effect"
import * as OpenRouterHttp from "../src/OpenRouterHttp.js"
import type { RetryClass } from "../src/Retry.js"

const KEY = "sk-or-v1-http-test-00000000000000000000000000abcd"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

type Answer = Response | { readonly fail: string }

/** An HttpClient that answers from a script and records what it was sent. */
const scripted = (answers: Array<(request: Seen) => Answer>) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url) => {
    const record = { method: request.method, url: url.toString(), headers: { ...request.headers } }
    seen.push(record)
    const next = answers.length > 1 ? answers.shift()! : answers[0]!
    const answer = next(record)
    if ("fail" in answer) {
      const cause = Object.assign(new Error(answer.fail), { code: answer.fail })
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause }))
    }
    return Effect.succeed(HttpClientResponse.fromWeb(request, answer))
  })
  return { seen, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

const ok = json(200, { ok: true })

const service = (
  answers: Array<(request: Seen) => Answer>,
  options: OpenRouterHttp.Options = { apiKey: Redacted.make(KEY) }
) => {
  const script = scripted(answers)
  return { seen: script.seen, layer: OpenRouterHttp.layer(options).pipe(Layer.provide(script.layer)) }
}

const run = (retryClass: RetryClass = "chat", method: "GET" | "POST" = "POST", path = "/chat/completions") =>
  Effect.gen(function*() {
    const http = yield* OpenRouterHttp.OpenRouterHttp
    const request = method === "GET" ? HttpClientRequest.get(http.url(path)) : HttpClientRequest.post(http.url(path))
    return yield* http.execute(request, { retryClass, timeout: ATTEMPT_TIMEOUT, operation: "test" })
  })

const ATTEMPT_TIMEOUT = Duration.minutes(10)

/**
 * Waits (in scheduling steps, not time) until the fiber sleeps on the TestClock for something
 * other than an attempt's own timeout: a retry delay.
 */
const awaitSleep = Effect.gen(function*() {
  for (let i = 0; i < 1000; i++) {
    const now = yield* TestClock.currentTimeMillis
    const sleeps = yield* TestClock.sleeps()
    if ([...sleeps].some((deadline) => deadline - now < Duration.toMillis(ATTEMPT_TIMEOUT))) return
    yield* Effect.yieldNow()
  }
  throw new Error("the fiber never slept")
})

describe("retries (chat class)", () => {
  it.effect("a 429 with Retry-After: 2 is retried after exactly 2 s", () => {
    const { seen, layer } = service([json(429, { error: { code: 429, message: "busy" } }, { "retry-after": "2" }), ok])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(run())
      yield* awaitSleep
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust(Duration.millis(1999))
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust(Duration.millis(1))
      const response = yield* Fiber.join(fiber)
      expect(response.status).toBe(200)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("retry-after-ms and an HTTP date are honoured; a huge Retry-After is capped at 60 s", () => {
    const { seen, layer } = service([json(503, { error: { code: 503, message: "x" } }, { "retry-after": "3600" }), ok])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(run())
      yield* awaitSleep
      yield* TestClock.adjust(Duration.seconds(59))
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("retry-after-ms wins over Retry-After", () => {
    const { seen, layer } = service([json(429, { error: { code: 429, message: "x" } }, { "retry-after": "30", "retry-after-ms": "250" }), ok])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(run())
      yield* awaitSleep
      yield* TestClock.adjust(Duration.millis(250))
      yield* Fiber.join(fiber)
      expect(seen).toHaveLength(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 402 is not retried and surfaces as the credits error with OpenRouter's message", () => {
    const message = "This request requires more credits, or fewer max_tokens. You requested up to 8192 tokens, but can only afford 2310."
    const { seen, layer } = service([json(402, { error: { code: 402, message } }), ok])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run())
      expect(error._tag).toBe("InsufficientCredits")
      expect(error.message).toContain(message)
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 502 with metadata.raw shows the upstream message (after the retries give up)", () => {
    const body = {
      error: {
        code: 502,
        message: "Provider returned error",
        metadata: { raw: "{\"error\":{\"message\":\"upstream connect error\"}}", provider_name: "Fireworks" }
      }
    }
    const { seen, layer } = service([json(502, body)], { apiKey: Redacted.make(KEY), maxRetries: 0 })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run())
      expect(error._tag).toBe("Upstream")
      expect(error.message).toContain("upstream connect error")
      expect(error.message).toContain("Fireworks")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("never retried: 400 401 403 404 413 422, a daily-cap 429, availability.retryable false", () =>
    Effect.gen(function*() {
      const cases = [
        json(400, { error: { code: 400, message: "bad" } }),
        json(401, { error: { code: 401, message: "no" } }),
        json(403, { error: { code: 403, message: "no" } }),
        json(404, { error: { code: 404, message: "no" } }),
        json(413, { error: { code: 413, message: "big" } }),
        json(422, { error: { code: 422, message: "no" } }),
        json(429, { error: { code: 429, message: "Rate limit exceeded: free-models-per-day", metadata: { limit_source: "openrouter_free_tier_daily" } } }),
        json(429, { error: { code: 429, message: "gone", availability: { code: "free_variant_ended", retryable: false } } })
      ]
      for (const answer of cases) {
        const { seen, layer } = service([answer, ok])
        yield* Effect.flip(run().pipe(Effect.provide(layer)))
        expect(seen).toHaveLength(1)
      }
    }))

  it.effect("transport failures before a response are retried, with backoff, twice by default", () => {
    const { seen, layer } = service([() => ({ fail: "ECONNRESET" })])
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(run()))
      for (let i = 0; i < 2; i++) {
        yield* awaitSleep
        yield* TestClock.adjust(Duration.seconds(60))
      }
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportError")
      expect(seen).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })
})

describe("retry classes for money", () => {
  it.effect("billable-post: a 503 or 500 is never repeated", () =>
    Effect.gen(function*() {
      for (const status of [500, 502, 503, 524]) {
        const { seen, layer } = service([json(status, { error: { code: status, message: "x" } }), ok])
        yield* Effect.flip(run("billable-post", "POST", "/videos").pipe(Effect.provide(layer)))
        expect(seen).toHaveLength(1)
      }
    }))

  it.effect("billable-post: a connect failure (ECONNREFUSED in the cause chain) and a 429 are retried", () =>
    Effect.gen(function*() {
      for (const first of [() => ({ fail: "ECONNREFUSED" }) as Answer, json(429, { error: { code: 429, message: "x" } }, { "retry-after": "1" })]) {
        const { seen, layer } = service([first, ok])
        const fiber = yield* Effect.fork(run("billable-post", "POST", "/videos").pipe(Effect.provide(layer)))
        yield* awaitSleep
        yield* TestClock.adjust(Duration.seconds(60))
        expect((yield* Fiber.join(fiber)).status).toBe(200)
        expect(seen).toHaveLength(2)
      }
    }))

  it.effect("billable-post: a reset after sending (ECONNRESET) is not repeated", () => {
    const { seen, layer } = service([() => ({ fail: "ECONNRESET" }), ok])
    return Effect.gen(function*() {
      yield* Effect.flip(run("billable-post", "POST", "/videos"))
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("our own timeout is never retried, whatever the class", () => {
    let calls = 0
    const hanging = HttpClient.make(() => {
      calls++
      return Effect.never
    })
    const layer = OpenRouterHttp.layer({ apiKey: Redacted.make(KEY) }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, hanging)))
    return Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      const fiber = yield* Effect.fork(Effect.flip(http.execute(HttpClientRequest.get(http.url("/key")), {
        retryClass: "idempotent-get",
        timeout: Duration.seconds(5),
        operation: "test"
      })))
      yield* awaitSleep
      yield* TestClock.adjust(Duration.seconds(5))
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "Timeout", source: "client" })
      expect(calls).toBe(1)
    }).pipe(Effect.provide(layer))
  })
})

describe("redirects and Authorization", () => {
  it.effect("a GET redirect to another origin is followed without Authorization", () => {
    const { seen, layer } = service([json(302, {}, { location: "https://cdn.example.com/file.mp4" }), ok])
    return Effect.gen(function*() {
      const response = yield* run("idempotent-get", "GET", "/videos/job/content")
      expect(response.status).toBe(200)
      expect(seen.map((s) => s.url)).toEqual(["https://openrouter.ai/api/v1/videos/job/content", "https://cdn.example.com/file.mp4"])
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
      expect(seen[1]?.headers.authorization).toBeUndefined()
    }).pipe(Effect.provide(layer))
  })

  it.effect("a same-origin GET redirect keeps Authorization", () => {
    const { seen, layer } = service([json(301, {}, { location: "/api/v1/elsewhere" }), ok])
    return Effect.gen(function*() {
      yield* run("idempotent-get", "GET", "/models")
      expect(seen[1]?.url).toBe("https://openrouter.ai/api/v1/elsewhere")
      expect(seen[1]?.headers.authorization).toBe(`Bearer ${KEY}`)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a redirect answering a POST is not followed", () => {
    const { seen, layer } = service([json(307, {}, { location: "https://evil.example.com/collect" }), ok])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run())
      expect(error._tag).toBe("MalformedResponse")
      expect(error.message).toContain("redirect")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("Authorization goes only to the base URL's origin, and trace headers are off", () => {
    const { seen, layer } = service([ok])
    return Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      yield* http.execute(HttpClientRequest.get("https://cdn.example.com/x"), { retryClass: "idempotent-get", timeout: "5 seconds", operation: "t" })
      yield* run("idempotent-get", "GET", "/models")
      expect(seen[0]?.headers.authorization).toBeUndefined()
      expect(seen[1]?.headers.authorization).toBe(`Bearer ${KEY}`)
      expect(Object.keys(seen[1]?.headers ?? {})).not.toContain("traceparent")
      expect(Object.keys(seen[1]?.headers ?? {})).not.toContain("b3")
    }).pipe(Effect.provide(layer), Effect.withSpan("outer"))
  })

  it.effect("a caller's own Authorization is dropped, to another origin as to ours (where ours replaces it)", () => {
    const { seen, layer } = service([ok])
    return Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      const options = { retryClass: "idempotent-get", timeout: "5 seconds", operation: "t" } as const
      yield* http.execute(HttpClientRequest.get("https://cdn.example.com/x").pipe(HttpClientRequest.setHeader("authorization", "Bearer caller-secret")), options)
      yield* http.execute(HttpClientRequest.get(http.url("/models")).pipe(HttpClientRequest.setHeader("authorization", "Bearer caller-secret")), options)
      yield* http.execute(HttpClientRequest.get(http.url("/models")).pipe(HttpClientRequest.setHeader("authorization", "Bearer caller-secret")), { ...options, authenticate: false })
      expect(seen.map((request) => request.headers.authorization)).toEqual([undefined, `Bearer ${KEY}`, undefined])
    }).pipe(Effect.provide(layer))
  })

  it.effect("tracePropagation: true sends W3C trace context to the base URL", () => {
    const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), tracePropagation: true })
    return Effect.gen(function*() {
      yield* run("idempotent-get", "GET", "/models")
      expect(seen[0]?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
    }).pipe(Effect.provide(layer), Effect.withSpan("outer"))
  })

  it.effect("no key: a config error before any request; public calls still go", () => {
    const { seen, layer } = service([ok], {})
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run())
      expect(error._tag).toBe("ConfigError")
      expect(seen).toHaveLength(0)
      const http = yield* OpenRouterHttp.OpenRouterHttp
      yield* http.execute(HttpClientRequest.get(http.url("/models")), { retryClass: "idempotent-get", timeout: "5 seconds", operation: "t", authenticate: false })
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })
})

describe("base URL and connectTo", () => {
  it.effect("connectTo sends requests for the base origin to the loopback target; other origins go where they point", () => {
    const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), connectTo: "127.0.0.1:4010" })
    return Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      expect(http.route).toMatchObject({ hostVerified: true, exactVerified: true })
      yield* run()
      yield* http.execute(HttpClientRequest.get("https://cdn.example.com/v.mp4"), { retryClass: "idempotent-get", timeout: "5 seconds", operation: "t" })
      expect(seen.map((s) => s.url)).toEqual(["http://127.0.0.1:4010/api/v1/chat/completions", "https://cdn.example.com/v.mp4"])
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
    }).pipe(Effect.provide(layer))
  })

  it.effect("refused at construction: plain http to another host, a non-loopback connectTo", () =>
    Effect.gen(function*() {
      const { layer: refusedBase } = service([ok], { apiKey: Redacted.make(KEY), baseUrl: "http://proxy.example.com/v1" })
      const base = yield* Effect.exit(Layer.build(refusedBase).pipe(Effect.scoped))
      expect(Exit.isFailure(base)).toBe(true)
      const { layer: refusedTarget } = service([ok], { apiKey: Redacted.make(KEY), connectTo: "10.0.0.5:443" })
      const target = yield* Effect.exit(Layer.build(refusedTarget).pipe(Effect.scoped))
      expect(Exit.isFailure(target)).toBe(true)
      expect(Either.isLeft(OpenRouterHttp.parseConnectTo("localhost"))).toBe(true)
      expect(OpenRouterHttp.parseConnectTo("[::1]:9")).toEqual(Either.right("[::1]:9"))
    }))

  it.effect("the legacy base URL is rewritten and stays exact-verified", () => {
    const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), baseUrl: "https://openrouter.ai/v1/" })
    return Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      expect(http.baseUrl).toBe("https://openrouter.ai/api/v1")
      yield* run()
      expect(seen[0]?.url).toBe("https://openrouter.ai/api/v1/chat/completions")
    }).pipe(Effect.provide(layer))
  })
})

// Issue 17, defect 8: attribution, cache, configured and caller headers are meant for the origin
// asked; a redirect to another origin carries none of them (as it carries no Authorization).
describe("redirects across origins carry none of our headers (issue 17)", () => {
  const ours = {
    "HTTP-Referer": "https://openclaw.ai",
    "X-OpenRouter-Title": "OpenClaw",
    "X-OpenRouter-Categories": "cli-agent",
    "X-OpenRouter-Cache": "true",
    "X-Configured-Header": "configured-secret",
    accept: "application/json"
  }
  const get = (path: string) =>
    Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      return yield* http.execute(HttpClientRequest.get(http.url(path)).pipe(HttpClientRequest.setHeaders(ours)), {
        retryClass: "idempotent-get",
        timeout: "5 seconds",
        operation: "t"
      })
    })

  it.effect("a cross-origin redirect keeps only content negotiation; a same-origin one keeps everything", () => {
    const { seen, layer } = service([
      json(302, {}, { location: "https://cdn.example.com/file.mp4" }),
      ok,
      json(301, {}, { location: "/api/v1/elsewhere" }),
      ok
    ])
    return Effect.gen(function*() {
      yield* get("/videos/job/content")
      expect(seen[0]?.headers["http-referer"]).toBe("https://openclaw.ai")
      expect(seen[1]?.url).toBe("https://cdn.example.com/file.mp4")
      expect(seen[1]?.headers).toEqual({ accept: "application/json" })
      yield* get("/models")
      expect(seen[3]?.url).toBe("https://openrouter.ai/api/v1/elsewhere")
      expect(seen[3]?.headers["x-openrouter-title"]).toBe("OpenClaw")
      expect(seen[3]?.headers["x-configured-header"]).toBe("configured-secret")
      expect(seen[3]?.headers.authorization).toBe(`Bearer ${KEY}`)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a chain that leaves the origin and comes back has lost them for good (Authorization is decided again)", () => {
    const { seen, layer } = service([
      json(302, {}, { location: "https://cdn.example.com/hop" }),
      json(302, {}, { location: "https://openrouter.ai/api/v1/back" }),
      ok
    ])
    return Effect.gen(function*() {
      yield* get("/videos/job/content")
      expect(seen[2]?.headers["http-referer"]).toBeUndefined()
      expect(seen[2]?.headers["x-configured-header"]).toBeUndefined()
      expect(seen[2]?.headers.authorization).toBe(`Bearer ${KEY}`)
    }).pipe(Effect.provide(layer))
  })
})

// Issue 17, SSRF: a URL off the API's origin (a redirect target, a poll or media URL) must be https
// to a public host, the connectTo target, or a host named in mediaHosts.
describe("URLs off the API's origin (issue 17, SSRF)", () => {
  const getUrl = (url: string) =>
    Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      return yield* http.execute(HttpClientRequest.get(url), { retryClass: "idempotent-get", timeout: "5 seconds", operation: "t" })
    })

  it.effect("a redirect to the metadata address, another loopback port or plain http is not followed", () => {
    const { seen, layer } = service([
      json(302, {}, { location: "http://169.254.169.254/latest/meta-data/" }),
      json(302, {}, { location: "https://127.0.0.1:6379/" }),
      json(302, {}, { location: "http://cdn.example.com/v.mp4" }),
      ok
    ])
    return Effect.gen(function*() {
      for (let i = 0; i < 3; i++) {
        const error = yield* Effect.flip(run("idempotent-get", "GET", "/videos/job/content"))
        expect(error._tag).toBe("MalformedResponse")
        expect(error.message).toContain("will not fetch")
      }
      expect(seen.map((s) => s.url).every((url) => url.startsWith("https://openrouter.ai/"))).toBe(true)
      expect(seen).toHaveLength(3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a poll or media URL on a private, link-local or loopback address is refused before any request", () => {
    const { seen, layer } = service([ok])
    return Effect.gen(function*() {
      for (const url of ["http://10.0.0.5/x", "https://[fd00:ec2::254]/", "https://0xa9fea9fe/", "http://127.0.0.1:9999/other-port", "https://localhost/x"]) {
        const error = yield* Effect.flip(getUrl(url))
        expect(error._tag, url).toBe("MalformedResponse")
      }
      expect(seen).toHaveLength(0)
      yield* getUrl("https://cdn.example.com/v.mp4")
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("mediaHosts allows a named host over http at any address; the connectTo target is allowed over http", () => {
    const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), connectTo: "127.0.0.1:4010", mediaHosts: ["127.0.0.1:4011"] })
    return Effect.gen(function*() {
      yield* getUrl("http://127.0.0.1:4011/cdn/v.mp4")
      yield* getUrl("http://127.0.0.1:4010/api/v1/videos/j")
      const error = yield* Effect.flip(getUrl("http://127.0.0.1:4012/"))
      expect(error._tag).toBe("MalformedResponse")
      expect(seen.map((s) => s.url)).toEqual(["http://127.0.0.1:4011/cdn/v.mp4", "http://127.0.0.1:4010/api/v1/videos/j"])
      expect(seen.every((s) => s.headers.authorization === undefined)).toBe(true)
    }).pipe(Effect.provide(layer))
  })
})

// Issue 17, defect 5: "loopback" is an address. `*.localhost` is refused (DNS may answer anything);
// `localhost` is resolved, every address must be loopback, and requests go to the checked address.
describe("loopback by address, not by name (issue 17)", () => {
  const resolver = (answers: ReadonlyArray<string>) => {
    const asked: Array<string> = []
    return { asked, resolveHost: (hostname: string) => Effect.sync(() => (asked.push(hostname), answers)) }
  }

  it.effect("http://api.localhost is refused at construction: no request, no key", () =>
    Effect.gen(function*() {
      const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), baseUrl: "http://api.localhost:4010/api/v1" })
      const error = yield* Effect.flip(Layer.build(layer).pipe(Effect.scoped))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("DNS")
      expect(seen).toHaveLength(0)
      expect(Either.isLeft(OpenRouterHttp.parseConnectTo("api.localhost:4010"))).toBe(true)
    }))

  it.effect("http://localhost resolving to a non-loopback address is refused: no request, no key", () =>
    Effect.gen(function*() {
      const dns = resolver(["127.0.0.1", "10.0.0.5"])
      const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), baseUrl: "http://localhost:4010/api/v1", resolveHost: dns.resolveHost })
      const error = yield* Effect.flip(Layer.build(layer).pipe(Effect.scoped))
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("10.0.0.5")
      expect(dns.asked).toEqual(["localhost"])
      expect(seen).toHaveLength(0)
    }))

  it.effect("http://localhost resolving to loopback only: requests go to the checked address, resolved once", () => {
    const dns = resolver(["::1", "127.0.0.1"])
    const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), baseUrl: "http://localhost:4010/api/v1", resolveHost: dns.resolveHost })
    return Effect.gen(function*() {
      yield* run()
      yield* run("idempotent-get", "GET", "/models")
      expect(seen.map((s) => s.url)).toEqual(["http://[::1]:4010/api/v1/chat/completions", "http://[::1]:4010/api/v1/models"])
      expect(seen[0]?.headers.authorization).toBe(`Bearer ${KEY}`)
      expect(dns.asked).toEqual(["localhost"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("connectTo localhost:PORT is resolved and checked the same way", () =>
    Effect.gen(function*() {
      const bad = resolver(["192.168.1.20"])
      const refused = service([ok], { apiKey: Redacted.make(KEY), connectTo: "localhost:4010", resolveHost: bad.resolveHost })
      const error = yield* Effect.flip(Layer.build(refused.layer).pipe(Effect.scoped))
      expect(error._tag).toBe("ConfigError")
      expect(refused.seen).toHaveLength(0)
      const good = resolver(["127.0.0.1"])
      const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), connectTo: "localhost:4010", resolveHost: good.resolveHost })
      yield* run().pipe(Effect.provide(layer))
      expect(seen[0]?.url).toBe("http://127.0.0.1:4010/api/v1/chat/completions")
    }))

  it.effect("a per-call target on http://localhost is checked before its first request (a connect failure when it is not loopback)", () => {
    const dns = resolver(["203.0.113.7"])
    const { seen, layer } = service([ok], { apiKey: Redacted.make(KEY), resolveHost: dns.resolveHost })
    return Effect.gen(function*() {
      const http = yield* OpenRouterHttp.OpenRouterHttp
      const target: OpenRouterHttp.Target = { ...http.target, baseUrl: "http://localhost:4020/api/v1" }
      const error = yield* Effect.flip(
        http.execute(HttpClientRequest.post("http://localhost:4020/api/v1/images"), { retryClass: "billable-post", retry: "none", target, timeout: "5 seconds", operation: "t" })
      )
      expect(error._tag).toBe("TransportError")
      expect(error.message).toContain("203.0.113.7")
      expect(seen).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })
})
