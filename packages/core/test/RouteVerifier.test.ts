import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc } from "effect"
import * as RouteVerifier from "../src/RouteVerifier.js"

const whatwgHostname = (input: string): string | undefined => {
  try {
    return new URL(input).hostname.toLowerCase()
  } catch {
    return undefined
  }
}

const isOpenRouterHostname = (hostname: string): boolean =>
  hostname === "openrouter.ai" || hostname.endsWith(".openrouter.ai")

describe("RouteVerifier: the edge-case table of reference §3.2 (provider openrouter)", () => {
  const rows: ReadonlyArray<readonly [string | undefined, boolean, boolean]> = [
    [undefined, true, true],
    ["", true, true],
    ["   ", true, true],
    ["https://openrouter.ai/api/v1", true, true],
    ["https://openrouter.ai/api/v1/", true, true],
    ["https://openrouter.ai/v1///", true, true],
    ["https://openrouter.ai/v1", true, true],
    ["http://openrouter.ai/api/v1", true, false],
    ["https://OpenRouter.ai/api/v1", true, false],
    ["https://openrouter.ai:443/api/v1", true, false],
    ["https://eu.openrouter.ai/api/v1", true, false],
    ["https://openrouter.ai/api/v1?x=1", true, false],
    ["openrouter.ai/api/v1", true, false],
    ["https://proxy.example.com/v1", false, false],
    ["https://openrouter.ai.attacker.example", false, false],
    ["https://custom.openrouter.test/api/v1", false, false]
  ]
  for (const [baseUrl, a, b] of rows) {
    it(`${JSON.stringify(baseUrl)}: A=${a} B=${b}`, () => {
      const classification = RouteVerifier.classify(baseUrl)
      expect(classification.hostVerified).toBe(a)
      expect(classification.exactVerified).toBe(b)
    })
  }

  it("a blank base URL is host-verified only for the provider openrouter", () => {
    expect(RouteVerifier.classify(undefined, "custom-openrouter")).toMatchObject({
      endpointClass: "default",
      hostVerified: false,
      exactVerified: false
    })
    expect(RouteVerifier.classify("", " OpenRouter ").hostVerified).toBe(true)
  })
})

describe("RouteVerifier: endpoint classes", () => {
  const rows: ReadonlyArray<readonly [string | undefined, RouteVerifier.EndpointClass]> = [
    [undefined, "default"],
    ["https://openrouter.ai/api/v1", "openrouter"],
    ["ftp://openrouter.ai", "openrouter"],
    ["http://eu.openrouter.ai:8443/x", "openrouter"],
    ["https://openrouter.ai.attacker.example", "custom"],
    ["https://evilopenrouter.ai/api/v1", "custom"],
    ["https://openrouter.ai@evil.example/", "custom"],
    ["http://localhost:8080/api/v1", "local"],
    ["http://127.0.0.1:9/api/v1", "local"],
    ["http://[::1]:9/api/v1", "local"],
    ["http://sim.localhost/api/v1", "local"],
    ["http://printer.local", "local"],
    ["http://gateway.internal/v1", "local"],
    ["javascript:alert(1)", "invalid"],
    ["not a url", "invalid"],
    ["https://proxy.example.com/v1", "custom"]
  ]
  for (const [baseUrl, expected] of rows) {
    it(`${JSON.stringify(baseUrl)} is ${expected}`, () => {
      expect(RouteVerifier.endpointClass(baseUrl)).toBe(expected)
    })
  }
})

describe("RouteVerifier: base-URL normalisation", () => {
  it("rewrites the legacy and slashed forms to the canonical URL and leaves others trimmed", () => {
    expect(RouteVerifier.normalizeBaseUrl(undefined)).toBe(RouteVerifier.CANONICAL_BASE_URL)
    expect(RouteVerifier.normalizeBaseUrl(" ")).toBe(RouteVerifier.CANONICAL_BASE_URL)
    expect(RouteVerifier.normalizeBaseUrl("https://openrouter.ai/v1/")).toBe("https://openrouter.ai/api/v1")
    expect(RouteVerifier.normalizeBaseUrl("https://openrouter.ai/api/v1//")).toBe("https://openrouter.ai/api/v1")
    expect(RouteVerifier.normalizeBaseUrl(" https://proxy.example.com/v1/ ")).toBe("https://proxy.example.com/v1")
    expect(RouteVerifier.normalizeBaseUrl("https://OpenRouter.ai/v1")).toBe("https://OpenRouter.ai/v1")
  })
})

describe("RouteVerifier: which base URLs may carry the key", () => {
  const rows: ReadonlyArray<readonly [string, boolean]> = [
    ["https://openrouter.ai/api/v1", true],
    ["https://proxy.example.com/v1", true],
    ["http://127.0.0.1:4010/api/v1", true],
    ["http://127.8.9.10/api/v1", true],
    ["http://localhost:4010/api/v1", true],
    ["http://[::1]:4010/api/v1", true],
    ["http://0x7f.1:4010/api/v1", true],
    ["http://[::ffff:127.0.0.1]:4010/api/v1", true],
    // Names under .localhost go to DNS, which may answer any address (issue 17, defect 5).
    ["http://sim.localhost/api/v1", false],
    ["http://api.localhost:4010/api/v1", false],
    ["http://localhost.:4010/api/v1", false],
    ["http://[::ffff:10.0.0.1]:4010/api/v1", false],
    ["http://openrouter.ai/api/v1", false],
    ["http://192.168.1.10/api/v1", false],
    ["http://localhost.evil.example/api/v1", false],
    ["ftp://openrouter.ai/api/v1", false],
    ["openrouter.ai/api/v1", false],
    ["", false]
  ]
  for (const [baseUrl, allowed] of rows) {
    it(`${JSON.stringify(baseUrl)}: ${allowed ? "allowed" : "refused"}`, () => {
      expect(RouteVerifier.mayCarryKey(baseUrl)).toBe(allowed)
      const refusal = RouteVerifier.keyRefusal(baseUrl)
      if (allowed) expect(refusal).toBeUndefined()
      else expect(refusal).toContain(JSON.stringify(baseUrl))
    })
  }
})

describe("RouteVerifier.keyRoute: loopback by address, localhost only once resolved", () => {
  it("literal loopback addresses, the name localhost (to resolve), https, refusals", () => {
    expect(RouteVerifier.keyRoute("https://proxy.example.com/v1")).toEqual({ _tag: "Https" })
    expect(RouteVerifier.keyRoute("http://127.0.0.1:9/api/v1")).toEqual({ _tag: "LoopbackAddress" })
    expect(RouteVerifier.keyRoute("http://[::1]:9/api/v1")).toEqual({ _tag: "LoopbackAddress" })
    expect(RouteVerifier.keyRoute("http://LOCALHOST:9/api/v1")).toEqual({ _tag: "LoopbackName", hostname: "localhost" })
    expect(RouteVerifier.keyRoute("http://api.localhost:9/api/v1")._tag).toBe("Refused")
    expect(RouteVerifier.isLoopbackHost("api.localhost")).toBe(false)
    expect(RouteVerifier.isLoopbackHost("localhost")).toBe(true)
  })

  it.prop("plain http may carry the key only to a loopback IP literal or exactly localhost", [
    fc.tuple(
      fc.constantFrom("api.", "sim.", "a.b.", ""),
      fc.constantFrom("localhost", "localhost.", "localhost.evil.example", "127.0.0.1.nip.io", "10.0.0.5", "[::ffff:a00:5]", "[fe80::1]")
    ),
    fc.integer({ min: 1, max: 65535 })
  ], ([[prefix, host], port]) => {
    const baseUrl = `http://${prefix}${host}:${port}/api/v1`
    const route = RouteVerifier.keyRoute(baseUrl)
    if (prefix === "" && host === "localhost") expect(route).toEqual({ _tag: "LoopbackName", hostname: "localhost" })
    else expect(route._tag).toBe("Refused")
  })
})

describe("RouteVerifier: the service", () => {
  it.effect("the default layer classifies like the plain functions", () =>
    Effect.gen(function*() {
      const verifier = yield* RouteVerifier.RouteVerifier
      expect(verifier.classify("https://openrouter.ai/api/v1")).toEqual(
        RouteVerifier.classify("https://openrouter.ai/api/v1")
      )
      expect(verifier.normalizeBaseUrl("https://openrouter.ai/v1")).toBe(RouteVerifier.CANONICAL_BASE_URL)
    }).pipe(Effect.provide(RouteVerifier.layer)))
})

// Hostile base URLs: lookalike suffixes and prefixes, userinfo, percent-encoded and full-width
// dots, punycode, trailing dots, backslashes, IPv6 literals, white space and mixed case.
const pick = <A>(values: ReadonlyArray<A>) => fc.constantFrom(...values)

const lookalikeHost = fc.oneof(
  pick([
    "openrouter.ai",
    "OPENROUTER.AI",
    "OpenRouter.Ai",
    "eu.openrouter.ai",
    "openrouter.ai.",
    "openrouter.ai..",
    "openrouter.ai.evil.example",
    "evilopenrouter.ai",
    "openrouter.ai-evil.example",
    "openrouter%2Eai",
    "openrouter%2eai.evil.example",
    "openrouter\uFF0Eai",
    "openrouter\u3002ai",
    "openrouter\uFF0Eai\uFF0Eevil.example",
    "xn--openrouter-9za.ai",
    "xn--penrouter-0fb.ai",
    "0penrouter.ai",
    "openrouter.ai\\evil.example",
    "openrouter.ai\\@evil.example",
    "evil.example\\@openrouter.ai",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[2001:db8::1]",
    "127.0.0.1",
    "localhost",
    "openrouter.ai:443",
    "openrouter.ai:99999",
    "openrouter.ai\t",
    " openrouter.ai",
    "openrouter.ai%00.evil.example",
    "openrouter.a\u0456",
    "openrouter.ai\u200B"
  ]),
  fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,8}$/), pick([".openrouter.ai", "openrouter.ai", ".openrouter.ai.evil"])).map(
    ([label, suffix]) => `${label}${suffix}`
  )
)

const userinfo = fc.oneof(
  fc.constant(""),
  pick(["openrouter.ai@", "user:pass@", "openrouter.ai:443@", "evil.example@", "a@b@", "%40@"])
)

const scheme = pick(["https://", "http://", "HTTPS://", "ftp://", "", "//", "https:/", "https:\\\\", "javascript:", " https://"])
const port = fc.oneof(fc.constant(""), pick([":443", ":8443", ":0", ":", ":abc"]))
const path = fc.oneof(
  fc.constant(""),
  pick(["/api/v1", "/api/v1/", "/v1", "/api/v1?x=1", "/api/v1#frag", "\\api\\v1", "/@evil.example", "/..%2f..", " /api/v1 "])
)
const hostileUrl = fc.tuple(scheme, userinfo, lookalikeHost, port, path).map((parts) => parts.join(""))

const anyBaseUrl = fc.oneof(
  { weight: 6, arbitrary: hostileUrl },
  { weight: 2, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 3 }), hostileUrl, fc.string({ maxLength: 3 })).map((p) => p.join("")) }
)

describe("RouteVerifier: properties", () => {
  it.prop(
    "(a) nothing whose WHATWG hostname is not openrouter.ai or a subdomain is host-verified",
    [anyBaseUrl],
    ([baseUrl]) => {
      const classification = RouteVerifier.classify(baseUrl)
      if (!classification.hostVerified) return
      if (baseUrl.trim() === "") return // no base URL: the provider openrouter's default route
      const direct = whatwgHostname(baseUrl)
      if (direct !== undefined || canParse(baseUrl)) {
        expect(direct !== undefined && isOpenRouterHostname(direct)).toBe(true)
      } else {
        // Only a string that does not parse at all is read as a schemeless host.
        const schemeless = whatwgHostname(`https://${baseUrl.trim()}`)
        expect(schemeless !== undefined && isOpenRouterHostname(schemeless)).toBe(true)
      }
    },
    { fastCheck: { numRuns: propertyRuns(4000) } }
  )

  it.prop(
    "(b) exact-verified implies host-verified",
    [fc.oneof(anyBaseUrl, pick(["https://openrouter.ai/api/v1", "\u00A0https://openrouter.ai/api/v1", "https://openrouter.ai/v1//"]))],
    ([baseUrl]) => {
      const classification = RouteVerifier.classify(baseUrl)
      if (classification.exactVerified) expect(classification.hostVerified).toBe(true)
    },
    { fastCheck: { numRuns: propertyRuns(3000) } }
  )

  it.prop(
    "(c) classification is total: it never throws and always yields one of the five classes",
    [fc.oneof(anyBaseUrl, fc.string({ unit: "grapheme", maxLength: 60 })), fc.oneof(fc.constant("openrouter"), fc.string())],
    ([baseUrl, provider]) => {
      const classification = RouteVerifier.classify(baseUrl, provider)
      expect(["openrouter", "default", "local", "custom", "invalid"]).toContain(classification.endpointClass)
      expect(typeof RouteVerifier.normalizeBaseUrl(baseUrl)).toBe("string")
      expect(typeof RouteVerifier.mayCarryKey(baseUrl)).toBe("boolean")
    },
    { fastCheck: { numRuns: propertyRuns(3000) } }
  )

  it.prop(
    "a base URL that may carry the key is https or a loopback host",
    [anyBaseUrl],
    ([baseUrl]) => {
      if (!RouteVerifier.mayCarryKey(baseUrl)) return
      const url = new URL(baseUrl.trim())
      expect(url.protocol === "https:" || RouteVerifier.isLoopbackHost(url.hostname.toLowerCase())).toBe(true)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})

function canParse(input: string): boolean {
  try {
    new URL(input)
    return true
  } catch {
    return false
  }
}
