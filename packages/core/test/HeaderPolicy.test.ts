import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as HeaderPolicy from "../src/HeaderPolicy.js"
import * as RouteVerifier from "../src/RouteVerifier.js"

const verified = RouteVerifier.classify("https://openrouter.ai/api/v1")
const proxy = RouteVerifier.classify("https://proxy.example.com/v1")
const CATEGORIES = "cli-agent,cloud-agent,programming-app,creative-writing,writing-assistant,general-chat,personal-agent"

describe("HeaderPolicy: attribution (§3.1)", () => {
  it("sends the seed's values on a verified route, attribution first, then caller headers", () => {
    const headers = HeaderPolicy.headers({ route: verified, caller: { "X-Custom": "1" } })
    expect(Object.entries(headers)).toEqual([
      ["HTTP-Referer", "https://openclaw.ai"],
      ["X-OpenRouter-Title", "OpenClaw"],
      ["X-OpenRouter-Categories", CATEGORIES],
      ["X-Custom", "1"]
    ])
  })

  it("a caller's HTTP-Referer (any case) is replaced by the attribution value", () => {
    const headers = HeaderPolicy.headers({
      route: verified,
      caller: { "http-referer": "https://example.com", "x-openrouter-title": "Mine" },
      configured: { "HTTP-REFERER": "https://configured.example" }
    })
    expect(headers["HTTP-Referer"]).toBe("https://openclaw.ai")
    expect(headers["X-OpenRouter-Title"]).toBe("OpenClaw")
    expect(Object.keys(headers).filter((name) => name.toLowerCase() === "http-referer")).toEqual(["HTTP-Referer"])
  })

  it("an identity of the user's own app replaces the defaults", () => {
    const headers = HeaderPolicy.headers({
      route: verified,
      identity: { referer: "https://myapp.example", title: "My App", categories: [] }
    })
    expect(headers).toEqual({ "HTTP-Referer": "https://myapp.example", "X-OpenRouter-Title": "My App" })
  })

  it("a custom proxy, a custom provider id pointed at openrouter.ai, and no base URL with another provider get none", () => {
    expect(HeaderPolicy.headers({ route: proxy, caller: { "X-Custom": "1" } })).toEqual({ "X-Custom": "1" })
    expect(HeaderPolicy.headers({ route: verified, provider: "custom-openrouter" })).toEqual({})
    expect(HeaderPolicy.headers({ route: RouteVerifier.classify(undefined, "other"), provider: "other" })).toEqual({})
    expect(HeaderPolicy.headers({ route: RouteVerifier.classify(undefined) })).toHaveProperty("X-OpenRouter-Title")
    expect(HeaderPolicy.headers({ route: RouteVerifier.classify("http://openrouter.ai/api/v1") })).toHaveProperty(
      "X-OpenRouter-Categories"
    )
  })

  it("drops __proto__, prototype and constructor", () => {
    const caller = JSON.parse(`{"__proto__": "x", "prototype": "y", "constructor": "z", "X-Ok": "1"}`)
    const headers = HeaderPolicy.headers({ route: proxy, caller })
    expect(Object.keys(headers)).toEqual(["X-Ok"])
  })
})

describe("HeaderPolicy: response cache (§4.3)", () => {
  const rows: ReadonlyArray<readonly [string, Record<string, unknown>, Record<string, string>]> = [
    ["not configured", {}, {}],
    ["on with TTL", { responseCache: true, responseCacheTtlSeconds: 300 }, { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-TTL": "300" }],
    ["snake_case", { response_cache: "yes", response_cache_ttl: "999999" }, { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-TTL": "86400" }],
    ["clear alone enables", { responseCacheClear: true }, { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-Clear": "true" }],
    ["opt-out sends only false", { responseCache: false, responseCacheTtlSeconds: 60, responseCacheClear: true }, { "X-OpenRouter-Cache": "false" }],
    ["a non-finite TTL sends no TTL", { responseCache: true, responseCacheTtlSeconds: Infinity }, { "X-OpenRouter-Cache": "true" }],
    ["an unparsable TTL sends no TTL", { responseCache: true, responseCacheTtlSeconds: "abc" }, { "X-OpenRouter-Cache": "true" }]
  ]
  for (const [name, params, expected] of rows) {
    it(name, () => {
      expect(HeaderPolicy.responseCache(params)).toEqual(expected)
      const onVerified = HeaderPolicy.headers({ route: verified, params, identity: { referer: "r", title: "t", categories: [] } })
      const { "HTTP-Referer": _r, "X-OpenRouter-Title": _t, ...rest } = onVerified
      expect(rest).toEqual(expected)
      expect(HeaderPolicy.headers({ route: proxy, params })).toEqual({})
    })
  }
})

const reserved = [...HeaderPolicy.attributionNames, ...HeaderPolicy.cacheNames].map((name) => name.toLowerCase())
const headerName = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/),
  fc.constantFrom("HTTP-Referer", "http-referer", "X-OpenRouter-Title", "X-OPENROUTER-CATEGORIES", "x-openrouter-cache", "X-OpenRouter-Cache-TTL", "__proto__", "constructor")
)
const headerRecord = fc.dictionary(headerName, fc.string({ maxLength: 10 }), { maxKeys: 6 })
const cacheParams = fc.record({
  responseCache: fc.oneof(fc.boolean(), fc.constantFrom("yes", "off", "maybe")),
  response_cache_ttl: fc.oneof(fc.double(), fc.string({ maxLength: 6 })),
  responseCacheClear: fc.oneof(fc.boolean(), fc.constantFrom("on", "0"))
}, { requiredKeys: [] })
const baseUrl = fc.oneof(
  fc.constantFrom(undefined, "https://openrouter.ai/api/v1", "http://eu.openrouter.ai", "https://proxy.example.com/v1", "https://openrouter.ai.evil.example", "http://127.0.0.1:9/api/v1"),
  fc.webUrl()
)

// The policy as first written, one general merge for every request: `headers` skips it when
// there are no configured or caller headers, and must give the same headers in the same order.
const generalMerge = (input: HeaderPolicy.Input): Record<string, string> => {
  const verified = HeaderPolicy.applies(input.route, input.provider)
  const protectedNames = new Set(
    (verified ? HeaderPolicy.attributionNames : [...HeaderPolicy.attributionNames, ...HeaderPolicy.cacheNames]).map((name) => name.toLowerCase())
  )
  const out = new Map<string, readonly [string, string]>()
  const put = (name: string, value: string) => {
    out.delete(name.toLowerCase())
    out.set(name.toLowerCase(), [name, value])
  }
  if (verified) {
    for (const [name, value] of Object.entries(HeaderPolicy.attribution(input.identity))) put(name, value)
    for (const [name, value] of Object.entries(HeaderPolicy.responseCache(input.params))) put(name, value)
  }
  for (const source of [input.configured, input.caller]) {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (["__proto__", "prototype", "constructor"].includes(name) || protectedNames.has(name.toLowerCase()) || typeof value !== "string") continue
      put(name, value)
    }
  }
  const result: Record<string, string> = {}
  for (const [name, value] of out.values()) result[name] = value
  return result
}

const identity = fc.option(fc.record({ referer: fc.string({ maxLength: 6 }), title: fc.string({ maxLength: 6 }), categories: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }) }), {
  nil: undefined
})
const maybeHeaders = fc.oneof(fc.constant(undefined), fc.constant({}), headerRecord)

describe("HeaderPolicy: properties", () => {
  it.prop(
    "the headers are the general merge's, in its order, with or without configured and caller headers",
    [baseUrl, fc.constantFrom(undefined, "openrouter", " OpenRouter ", "other"), identity, fc.oneof(cacheParams, fc.constant(undefined)), maybeHeaders, maybeHeaders],
    ([url, provider, identity, params, configured, caller]) => {
      const input = { route: RouteVerifier.classify(url), provider, identity, params, configured, caller }
      expect(Object.entries(HeaderPolicy.headers(input))).toEqual(Object.entries(generalMerge(input)))
    },
    { fastCheck: { numRuns: propertyRuns(5000) } }
  )

  it.prop(
    "off a host-verified route: no attribution and no cache header, whatever the params and headers",
    [baseUrl, cacheParams, headerRecord, headerRecord],
    ([url, params, configured, caller]) => {
      const route = RouteVerifier.classify(url)
      const headers = HeaderPolicy.headers({ route, params, configured, caller })
      if (!route.hostVerified) {
        expect(Object.keys(headers).filter((name) => reserved.includes(name.toLowerCase()))).toEqual([])
      } else {
        expect(headers["HTTP-Referer"]).toBe("https://openclaw.ai")
        expect(headers["X-OpenRouter-Title"]).toBe("OpenClaw")
      }
      expect(Object.keys(headers)).not.toContain("__proto__")
      const lower = Object.keys(headers).map((name) => name.toLowerCase())
      expect(new Set(lower).size).toBe(lower.length)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  it.prop(
    "inputs are not mutated, and the policy is a function of its inputs",
    [baseUrl, cacheParams, headerRecord, headerRecord],
    ([url, params, configured, caller]) => {
      const input = { route: RouteVerifier.classify(url), params, configured, caller }
      const before = structuredClone(input)
      const first = HeaderPolicy.headers(input)
      expect(input).toEqual(before)
      expect(HeaderPolicy.headers(input)).toEqual(first)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})
