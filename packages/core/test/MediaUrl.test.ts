// The URLs a server may send the client to (polling_url, unsigned_urls, redirect targets): https
// to public hosts, the API's own origin, the connectTo target, or an allow-listed host; never
// loopback, private, link-local or metadata addresses in any spelling (issue 17, SSRF).
import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as MediaUrl from "../src/MediaUrl.js"

const octet = fc.integer({ min: 0, max: 255 })

// An IPv4 address in a range, as octets.
const inRange = (first: number, second?: readonly [number, number]) =>
  fc.tuple(second === undefined ? octet : fc.integer({ min: second[0], max: second[1] }), octet, octet).map(
    ([b, c, d]) => [first, b, c, d] as const
  )

const forbiddenV4 = fc.oneof(
  inRange(127).map((o) => ["loopback", o] as const),
  inRange(10).map((o) => ["private", o] as const),
  inRange(172, [16, 31]).map((o) => ["private", o] as const),
  inRange(192, [168, 168]).map((o) => ["private", o] as const),
  inRange(100, [64, 127]).map((o) => ["private", o] as const),
  inRange(169, [254, 254]).map((o) => ["link-local", o] as const),
  inRange(0).map((o) => ["unspecified", o] as const),
  fc.tuple(fc.integer({ min: 224, max: 255 }), octet, octet, octet).map((o) => ["multicast-or-reserved", o] as const),
  fc.constant(["metadata", [169, 254, 169, 254]] as const)
)

const hex = (n: number) => `0x${n.toString(16)}`
const octal = (n: number) => `0${n.toString(8)}`

// Every way WHATWG reads as the same IPv4 address: dotted decimal, hex and octal parts, one
// 32-bit number (decimal, hex, octal), shortened forms, a trailing dot, IPv4-mapped IPv6.
const spellings = (o: readonly [number, number, number, number]) => {
  const value = ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0
  const pair = (o[2] << 8) | o[3]
  return fc.constantFrom(
    o.join("."),
    `${o.join(".")}.`,
    o.map(hex).join("."),
    o.map(octal).join("."),
    String(value),
    hex(value),
    `0${value.toString(8)}`,
    `${o[0]}.${o[1]}.${pair}`,
    `${o[0]}.${(o[1] << 16) | pair}`,
    `[::ffff:${o.join(".")}]`,
    `[::ffff:${((o[0] << 8) | o[1]).toString(16)}:${pair.toString(16)}]`,
    `[0:0:0:0:0:ffff:${o.join(".")}]`,
    `[64:ff9b::${o.join(".")}]`,
    `[2002:${((o[0] << 8) | o[1]).toString(16)}:${pair.toString(16)}::1]`
  )
}

const forbiddenV6 = fc.constantFrom(
  "[::1]",
  "[0:0:0:0:0:0:0:1]",
  "[::]",
  "[fe80::1]",
  "[fe80::abcd:1234]",
  "[febf::1]",
  "[fc00::1]",
  "[fd12:3456::1]",
  "[fd00:ec2::254]",
  "[fec0::1]",
  "[ff02::1]",
  "[2001:db8::1]",
  "[::127.0.0.1]"
)

// Generated IPv6 addresses in the ranges never fetched: the first group drawn inside the range,
// the rest at random, written in full or with the longest zero run compressed by `new URL`.
const group = fc.integer({ min: 0, max: 0xffff })
const v6In = (low: number, high: number) =>
  fc.tuple(fc.integer({ min: low, max: high }), fc.array(group, { minLength: 7, maxLength: 7 })).map(
    ([first, rest]) => `[${[first, ...rest].map((g) => g.toString(16)).join(":")}]`
  )
const generatedV6 = fc.oneof(
  v6In(0xfe80, 0xfebf), // link-local fe80::/10
  v6In(0xfc00, 0xfdff), // unique local fc00::/7
  v6In(0xfec0, 0xfeff), // site-local
  v6In(0xff00, 0xffff), // multicast
  // ::/16 is never global unicast; only its IPv4-mapped forms reach (public) IPv4, tested above.
  v6In(0x0000, 0x0000).filter((host) => !/^\[0:0:0:0:(0:ffff|ffff:0):/.test(host))
)

const forbiddenNames = fc.tuple(
  fc.constantFrom("localhost", "api.localhost", "a.b.localhost", "metadata.google.internal", "metadata", "intranet", "printer.local", "db.internal", "nas.home.arpa", "router.lan"),
  fc.constantFrom("", "."),
  fc.mapToConstant({ num: 2, build: (i) => (i === 0 ? "lower" : "upper") })
).map(([name, dot, casing]) => `${casing === "upper" ? name.toUpperCase() : name}${dot}`)

const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })
const path = fc.constantFrom("/", "/v.mp4", "/api/v1/videos/job?x=1", "/a/../b#f")
const scheme = fc.constantFrom("https", "http", "HTTPS")

const url = (s: string, host: string, p: number | undefined, rest: string) => `${s}://${host}${p === undefined ? "" : `:${p}`}${rest}`

const POLICY: MediaUrl.Policy = { baseUrl: "https://openrouter.ai/api/v1" }

describe("MediaUrl.refusal: SSRF by generated URLs", () => {
  it.prop("no spelling of a loopback, private, link-local, metadata or reserved IPv4 address is followed", [
    forbiddenV4.chain(([, o]) => spellings(o)),
    scheme,
    port,
    path
  ], ([host, s, p, rest]) => {
    const candidate = url(s, host, p, rest)
    const refusal = MediaUrl.refusal(candidate, POLICY)
    expect(refusal, candidate).toBeDefined()
    expect(MediaUrl.isAllowed(candidate, POLICY)).toBe(false)
  }, { fastCheck: { numRuns: propertyRuns(800) } })

  it.prop("IPv6 loopback, unspecified, link-local, unique-local, metadata, multicast and documentation addresses are refused", [
    forbiddenV6,
    scheme,
    port,
    path
  ], ([host, s, p, rest]) => {
    expect(MediaUrl.refusal(url(s, host, p, rest), POLICY)).toBeDefined()
  })

  it.prop("generated IPv6 addresses outside global unicast (link-local, unique local, site-local, multicast, ::/16) are refused", [
    generatedV6,
    port,
    path
  ], ([host, p, rest]) => {
    const candidate = url("https", host, p, rest)
    expect(MediaUrl.hostClass(new URL(candidate).hostname), candidate).not.toBe("public")
    expect(MediaUrl.refusal(candidate, POLICY), candidate).toBeDefined()
  }, { fastCheck: { numRuns: propertyRuns(500) } })

  it.prop("names for this machine, the local network or a metadata service are refused", [forbiddenNames, scheme, port, path], ([host, s, p, rest]) => {
    expect(MediaUrl.refusal(url(s, host, p, rest), POLICY)).toBeDefined()
  })

  it.prop("plain http is refused for every host not on the API's origin, the connectTo target or the allow-list", [
    fc.oneof(fc.domain(), octet.map((o) => `8.8.${o}.8`)),
    port,
    path
  ], ([host, p, rest]) => {
    const candidate = url("http", host, p, rest)
    if (new URL(candidate).origin === "https://openrouter.ai") return
    expect(MediaUrl.refusal(candidate, POLICY)).toContain("plain http")
  })

  it.prop("userinfo is always refused, even to an allowed host", [
    fc.constantFrom("user@", "user:pass@", ":@", "openrouter.ai@", "a%40b:c@"),
    fc.constantFrom("cdn.example.com", "openrouter.ai", "127.0.0.1:9")
  ], ([userinfo, host]) => {
    const candidate = `https://${userinfo}${host}/v.mp4`
    const parsed = new URL(candidate)
    if (parsed.username === "" && parsed.password === "") return
    expect(MediaUrl.refusal(candidate, { ...POLICY, allowHosts: [host] })).toContain("user name or password")
  })

  it.prop("https to a public host is followed; the verdict matches the parsed host's class", [
    fc.oneof(fc.domain(), fc.tuple(octet, octet, octet, octet).map((o) => o.join("."))),
    port,
    path
  ], ([host, p, rest]) => {
    const candidate = url("https", host, p, rest)
    const parsed = new URL(candidate)
    const kind = MediaUrl.hostClass(parsed.hostname)
    expect(MediaUrl.isAllowed(candidate, POLICY)).toBe(kind === "public")
  }, { fastCheck: { numRuns: propertyRuns(500) } })

  it.prop("an allow-listed host is followed over http or https at any address, and only on the named port", [
    fc.constantFrom("127.0.0.1", "localhost", "10.1.2.3", "cdn.test"),
    fc.integer({ min: 1, max: 65535 }),
    fc.integer({ min: 1, max: 65535 }),
    fc.constantFrom("http", "https")
  ], ([host, allowedPort, p, s]) => {
    const candidate = url(s, host, p, "/v.mp4")
    expect(MediaUrl.isAllowed(candidate, { ...POLICY, allowHosts: [host] })).toBe(true)
    // Without the entry (or with one for another host), the general rule decides.
    const byRule = s === "https" && MediaUrl.hostClass(host) === "public"
    expect(MediaUrl.isAllowed(candidate, { ...POLICY, allowHosts: [`${host}:${allowedPort}`] })).toBe(allowedPort === p || byRule)
    expect(MediaUrl.isAllowed(candidate, { ...POLICY, allowHosts: [`x${host}`] })).toBe(byRule)
  })

  it.prop("the connectTo target is followed over plain http, no other port of this machine is", [
    fc.integer({ min: 1, max: 65535 }),
    fc.integer({ min: 1, max: 65535 })
  ], ([target, other]) => {
    const policy = { ...POLICY, connectTo: `127.0.0.1:${target}` }
    expect(MediaUrl.isAllowed(`http://127.0.0.1:${target}/api/v1/videos/j`, policy)).toBe(true)
    expect(MediaUrl.isAllowed(`http://127.0.0.1:${other}/api/v1/videos/j`, policy)).toBe(other === target)
    expect(MediaUrl.isAllowed(`https://127.0.0.1:${target}/api/v1/videos/j`, policy)).toBe(false)
  })

  it("the API's own origin is followed whatever it is (the key already goes there)", () => {
    expect(MediaUrl.isAllowed("http://127.0.0.1:4010/api/v1/videos/j", { baseUrl: "http://127.0.0.1:4010/api/v1" })).toBe(true)
    expect(MediaUrl.isAllowed("http://127.0.0.1:4011/cdn/v.mp4", { baseUrl: "http://127.0.0.1:4010/api/v1" })).toBe(false)
    expect(MediaUrl.isAllowed("https://openrouter.ai/api/v1/videos/j", POLICY)).toBe(true)
  })

  it.prop("total: any string gives a verdict, never a throw", [fc.string({ unit: "binary", maxLength: 80 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 })], ([candidate, allowHosts]) => {
    const refusal = MediaUrl.refusal(candidate, { ...POLICY, allowHosts, connectTo: candidate })
    expect(refusal === undefined || typeof refusal === "string").toBe(true)
  })

  it("named cases from the issue", () => {
    for (const candidate of [
      "http://169.254.169.254/latest/meta-data/",
      "https://169.254.169.254/latest/meta-data/",
      "https://[::ffff:169.254.169.254]/",
      "https://2852039166/",
      "https://0xa9fea9fe/",
      "https://0251.0376.0251.0376/",
      "http://127.0.0.1:9999/secret",
      "https://127.0.0.1:9999/secret",
      "https://localhost./",
      "http://example.com/v.mp4",
      "file:///etc/passwd",
      "gopher://127.0.0.1:6379/"
    ]) expect(MediaUrl.refusal(candidate, POLICY), candidate).toBeDefined()
    expect(MediaUrl.refusal("https://storage.googleapis.com/bucket/v.mp4", POLICY)).toBeUndefined()
  })
})

describe("MediaUrl.addressClass", () => {
  it("classes of literals", () => {
    expect(MediaUrl.addressClass("127.0.0.1")).toBe("loopback")
    expect(MediaUrl.addressClass("[::ffff:7f00:1]")).toBe("loopback")
    expect(MediaUrl.addressClass("::1")).toBe("loopback")
    expect(MediaUrl.addressClass("169.254.169.254")).toBe("metadata")
    expect(MediaUrl.addressClass("169.254.1.1")).toBe("link-local")
    expect(MediaUrl.addressClass("8.8.8.8")).toBe("public")
    expect(MediaUrl.addressClass("[2606:4700::1111]")).toBe("public")
    expect(MediaUrl.addressClass("example.com")).toBeUndefined()
    expect(MediaUrl.addressClass("1.2.3")).toBeUndefined()
    expect(MediaUrl.addressClass("[1::2::3]")).toBeUndefined()
  })
})
