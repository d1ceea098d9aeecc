// Hostile inputs (issue 10, "Reliability"): whatever text, JSON, model ref, base URL, error body
// or environment the core's parsers are fed, the answer is a value or a typed error (a tagged
// `Either.Left`), never a thrown exception. These properties fill the gaps the per-module tests
// leave: JSON5-ish fragments, deep nesting, megabyte inputs, arbitrary documents through the
// whole resolution, the stronger route-safety property, and error bodies nested deeply.
//
// Everything here is synchronous, so "never a hang" is guarded by vitest's per-test timeout.
import { describe, expect, it } from "@effect/vitest"
import { Duration, Either, FastCheck as fc, Option } from "effect"
import * as ConfigDocument from "../src/ConfigDocument.js"
import * as ConfigEdit from "../src/ConfigEdit.js"
import * as Environment from "../src/Environment.js"
import * as ModelRef from "../src/ModelRef.js"
import * as OpenRouterError from "../src/OpenRouterError.js"
import * as Params from "../src/Params.js"
import * as PayloadTransformers from "../src/PayloadTransformers.js"
import * as ResponseCache from "../src/ResponseCache.js"
import * as RouteVerifier from "../src/RouteVerifier.js"
import * as Secret from "../src/Secret.js"
import * as Settings from "../src/Settings.js"
import * as Thinking from "../src/Thinking.js"

const FILE = "/home/u/.openclaw/openclaw.json"

/** A parse outcome is a value, or a ConfigError that says where: `file:line:col` for syntax, a JSON path for shape. */
const expectLocated = (result: Either.Either<ConfigDocument.Parsed, OpenRouterError.ConfigError>): void => {
  if (Either.isRight(result)) {
    expect(typeof result.right.raw).toBe("object")
    return
  }
  const error = result.left
  expect(error._tag).toBe("ConfigError")
  expect(error.file).toBe(FILE)
  if (error.line !== undefined) {
    expect(error.message.startsWith(`${FILE}:${error.line}:${error.column}: JSON5 syntax error: `)).toBe(true)
    expect(error.line).toBeGreaterThanOrEqual(1)
    expect(error.column).toBeGreaterThanOrEqual(1)
  } else {
    expect(error.message.startsWith(`${FILE}: `)).toBe(true)
    // A shape error names its JSON path; only a document that is not an object has none.
    if (error.path === undefined) expect(error.message).toContain("the config must be an object")
    else expect(typeof error.path).toBe("string")
  }
}

// ---------------------------------------------------------------------------------------------
// (a) The config parser

const fragment = fc.oneof(
  fc.constantFrom(
    "{", "}", "[", "]", ":", ",", "\"", "'", "//", "/*", "*/", "\n", "\r\n", "\u2028", " ", "\t", "\\", "\\u", "\\x4",
    "env", "agents", "defaults", "model", "models", "providers", "openrouter", "params", "messages", "tts", "vars",
    "__proto__", "constructor", "OPENROUTER_API_KEY", "${HOME}", "$${X}",
    "1_000", "180_000", "0x1_F", "1__0", "_1", "1_", "1e_5", "1_.5", "-", "+", ".", "Infinity", "NaN", "-Infinity",
    "0x", "0b1", "true", "null", "\"openrouter/auto\"", "'a_b'", "\"1_000\"", "\uFEFF", "\u00A0", "😀", "\uD800"
  ),
  fc.stringMatching(/^[0-9_.eE+-]{1,8}$/),
  fc.string({ maxLength: 4 })
)

const json5ish = fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join(""))

/** A document of the shape the schema reads, with anything at the leaves (and sometimes in place of a section). */
const leaf = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("openrouter/auto", "openai/gpt-4o@work", "https://openrouter.ai/api/v1", "${MISSING}", "high", "") }
)
const section = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: leaf })
const shapedDocument = fc.record(
  {
    env: section(fc.dictionary(fc.constantFrom("OPENROUTER_API_KEY", "vars", "shellEnv", "X", "PATH"), leaf, { maxKeys: 3 })),
    agents: section(fc.record({
      defaults: section(fc.record({
        model: leaf,
        models: section(fc.dictionary(fc.oneof(fc.constantFrom("openrouter/auto", "openrouter/a/b:free"), fc.string()), leaf, { maxKeys: 3 })),
        params: leaf,
        imageGenerationModel: leaf,
        videoGenerationModel: leaf,
        mediaMaxMb: leaf
      }, { requiredKeys: [] })),
      list: leaf
    }, { requiredKeys: [] })),
    models: section(fc.record({ providers: section(fc.record({ openrouter: section(fc.dictionary(fc.constantFrom("apiKey", "baseUrl", "auth", "params", "headers", "models"), leaf, { maxKeys: 4 })) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
    messages: section(fc.record({ tts: section(fc.dictionary(fc.constantFrom("auto", "provider", "providers", "openrouter"), leaf, { maxKeys: 3 })) }, { requiredKeys: [] })),
    other: leaf
  },
  { requiredKeys: [] }
)

const nested = (depth: number, open: string, close: string, inner = "1") => open.repeat(depth) + inner + close.repeat(depth)

describe("hostile config text: parseText answers a document or a located ConfigError", () => {
  it.prop("arbitrary strings (any code unit, lone surrogates included)", [fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ unit: "grapheme", maxLength: 60 }))], ([text]) => {
    expectLocated(ConfigDocument.parseText(text, FILE))
  }, { fastCheck: { numRuns: propertyRuns(400) } })

  it.prop("JSON5-ish text built from braces, quotes, comments, separators and keywords", [json5ish], ([text]) => {
    expectLocated(ConfigDocument.parseText(text, FILE))
    expectLocated(ConfigDocument.parseText(`{ agents: { defaults: { params: { x: ${text} } } } }`, FILE))
  }, { fastCheck: { numRuns: propertyRuns(600) } })

  it.prop("a syntax error's line and column lie inside the text", [json5ish], ([text]) => {
    const result = ConfigDocument.parseText(text, FILE)
    if (Either.isRight(result) || result.left.line === undefined) return
    const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/)
    expect(result.left.line).toBeLessThanOrEqual(lines.length)
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it.prop("arbitrary JSON values: decode answers a Document or a ConfigError with a path, and agrees with parseText", [fc.oneof(fc.jsonValue(), shapedDocument)], ([value]) => {
    const decoded = ConfigDocument.decode(value, FILE)
    if (Either.isLeft(decoded)) {
      expect(decoded.left._tag).toBe("ConfigError")
      expect(decoded.left.message.startsWith(`${FILE}: `)).toBe(true)
    }
    const text = JSON.stringify(value)
    const parsed = ConfigDocument.parseText(text, FILE)
    expectLocated(parsed)
    if (text.trim() !== "") expect(Either.isRight(parsed)).toBe(Either.isRight(decoded))
  }, { fastCheck: { numRuns: propertyRuns(400) } })

  it.prop("non-JSON values (bigint, undefined, -0, dates) never make decode throw", [fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true, maxDepth: 4 })], ([value]) => {
    const decoded = ConfigDocument.decode(value, FILE)
    if (Either.isLeft(decoded)) expect(decoded.left._tag).toBe("ConfigError")
    const wrapped = ConfigDocument.decode({ agents: { defaults: { mediaMaxMb: value, model: value } }, env: { X: value } })
    if (Either.isLeft(wrapped)) expect(wrapped.left._tag).toBe("ConfigError")
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it.prop("digit separators: a document of numbers written with `_` reads as the same numbers", [fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/), fc.nat({ max: 10_000_000 })), { maxLength: 6 })], ([entries]) => {
    const withSeparators = entries.map(([key, n]) => `${key}_x: ${n.toLocaleString("en-US").replace(/,/g, "_")}`).join(",\n")
    const plain = entries.map(([key, n]) => `${key}_x: ${n}`).join(",\n")
    const a = ConfigDocument.parseText(`{ other: { ${withSeparators} } }`, FILE)
    const b = ConfigDocument.parseText(`{ other: { ${plain} } }`, FILE)
    expect(a).toEqual(b)
  }, { fastCheck: { numRuns: propertyRuns(200) } })
})

describe("hostile config text: deep nesting and megabyte inputs (counterexamples kept)", () => {
  // Found by this suite: 5,000 closed `[` made decode's error message call JSON.stringify, which
  // overflowed the stack (a thrown RangeError); a deep value where the schema wants a number did
  // the same. A document nested more than 512 levels deep is now a ConfigError with its path.
  it("5,000 closed `[` is a ConfigError naming the path, not a RangeError", () => {
    const result = ConfigDocument.parseText(nested(5000, "[", "]"), FILE)
    expectLocated(result)
    expect(Either.isLeft(result) && result.left.message).toContain("nested more than 512 levels deep")
  })

  it("a deep value where the schema wants a number, and in params (read later by resolution), is refused the same way", () => {
    for (const text of [
      `{ agents: { defaults: { mediaMaxMb: ${nested(20_000, "[", "]")} } } }`,
      `{ agents: { defaults: { params: { a: ${nested(20_000, "{b:", "}")} } } } }`,
      `{ env: { OPENROUTER_API_KEY: ${nested(20_000, "[", "]", "\"sk-or-v1-secret\"")} } }`
    ]) {
      const result = ConfigDocument.parseText(text, FILE)
      expectLocated(result)
      expect(Either.isLeft(result) && result.left.path).toMatch(/^(agents\.defaults\.(mediaMaxMb|params\.a)|env\.OPENROUTER_API_KEY)/)
      expect(Either.isLeft(result) && result.left.message).not.toContain("sk-or-v1-secret")
    }
  })

  // Found by this suite: JSON5 puts an error at a line break at column 0 of the next line
  // ("'\n" was reported at 2:0); the column now points at the end of the line the break ends.
  it("a line break inside a string is reported on its own line, at a column of 1 or more", () => {
    for (const [text, line, column] of [["'\n", 1, 2], ["{ a: 'x\n' }", 1, 8], ["{\n\n  a: 'x\n' }", 3, 8]] as const) {
      const result = ConfigDocument.parseText(text, FILE)
      expectLocated(result)
      expect(Either.isLeft(result) && [result.left.line, result.left.column]).toEqual([line, column])
    }
  })

  it("unclosed deep nesting (5,000 and 200,000 `[` / `{a:`) is a located syntax error", () => {
    for (const text of ["[".repeat(5000), "[".repeat(200_000), "{a:".repeat(5000), `{ x: ${"[".repeat(200_000)}`]) {
      const result = ConfigDocument.parseText(text, FILE)
      expectLocated(result)
      expect(Either.isLeft(result) && result.left.line).toBe(1)
    }
  })

  it("500 levels are still read (a wrong value there is described), and resolution and request shaping walk them without overflowing", () => {
    const deep = nested(500, "[", "]", "\"${HOME}\"")
    const parsed = ConfigDocument.parseText(`{ agents: { defaults: { params: { a: ${deep} } } }, models: { providers: { openrouter: { params: { provider: { c: ${deep} } } } } } }`, FILE)
    expect(Either.isRight(parsed)).toBe(true)
    if (Either.isLeft(parsed)) return
    const chat = Settings.resolveChat(parsed.right.document, { HOME: "/home/u", OPENROUTER_API_KEY: "sk-or-v1-0123456789abcdef" })
    expect(Either.isRight(chat)).toBe(true)
    if (Either.isLeft(chat)) return
    const shaped = PayloadTransformers.shape(PayloadTransformers.contextOf(chat.right), { messages: [{ role: "user", content: "hi" }] })
    expect(Either.isRight(shaped)).toBe(true)
    expect(Either.isRight(ConfigEdit.setModel(parsed.right.raw, "openai/gpt-4o"))).toBe(true)
    const wrong = ConfigDocument.parseText(`{ agents: { defaults: { mediaMaxMb: ${nested(505, "[", "]")} } } }`, FILE)
    expect(Either.isLeft(wrong) && wrong.left.message).toContain("agents.defaults.mediaMaxMb: expected a positive finite number, found [[[")
  })

  it("a cyclic or bigint value given to decode is a ConfigError, not a throw", () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const cycle = ConfigDocument.decode({ agents: { defaults: { params: cyclic } } }, FILE)
    expect(Either.isLeft(cycle) && cycle.left._tag).toBe("ConfigError")
    const big = ConfigDocument.decode({ agents: { defaults: { mediaMaxMb: 10n } } }, FILE)
    expect(Either.isLeft(big) && big.left.message).toContain("agents.defaults.mediaMaxMb")
  })

  it("1 MB inputs complete: a long string, many keys, many separated numbers, garbage, and a truncated document", () => {
    const MB = 1 << 20
    const inputs = [
      `{ agents: { defaults: { model: "${"x".repeat(MB)}" } } }`,
      `{ other: { ${Array.from({ length: MB / 16 }, (_, i) => `k${i}: ${i}`).join(", ")} } }`,
      `{ other: [${"1_000, ".repeat(MB / 7)}] }`,
      `{ other: [${"1_000, ".repeat(MB / 7)}] `,
      "/*".repeat(MB / 2),
      "\"".repeat(MB),
      "{".repeat(MB),
      `// ${"x".repeat(MB)}\n{}`
    ]
    for (const text of inputs) expectLocated(ConfigDocument.parseText(text, FILE))
    expect(Either.isRight(ConfigDocument.parseText(inputs[0]!, FILE))).toBe(true)
    expect(Either.isRight(ConfigDocument.parseText(inputs[2]!, FILE))).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------
// (b) Model refs

const unicodeSegment = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9._~-]{0,10}$/),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
  fc.constantFrom("模型", "ümlaut", "😀", "a\u200Bb", "e\u0301", "ǅ", "\u0130", "ß", "ﬁ")
)
const hostileRef = fc.tuple(
  fc.constantFrom("", " ", "\t", "\u00A0", "\u3000", "\n"),
  fc.array(fc.oneof(unicodeSegment, fc.constantFrom("", "openrouter", "OPENROUTER", "@preset", "auto", ":free", " ")), { minLength: 1, maxLength: 4 }),
  fc.constantFrom("/", "//", " / ", "\\"),
  fc.oneof(fc.constant(""), fc.constantFrom("@work", "@20250514", "@q8_0", "@", "@@x", "@4bit", "@ profile", ":free", ":free@work", "@Q8_0")),
  fc.constantFrom("", " ", "\u2003", "\r\n")
).map(([lead, segments, separator, suffix, trail]) => `${lead}${segments.join(separator)}${suffix}${trail}`)

const profileSuffix = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/).filter((s) => !/^(?:i?q\d+(?:_[a-z0-9]+)*|\d+bits?|fp\d+|bf16|int\d+|awq|gptq|gguf|mlx|exl2)$/i.test(s))

describe("hostile model refs", () => {
  it.prop("arbitrary unicode, slashes, whitespace and @suffixes: a ref or an InvalidModelRef, and accepted refs are clean and round-trip", [fc.oneof(hostileRef, fc.string({ unit: "grapheme", maxLength: 30 }))], ([input]) => {
    const result = ModelRef.parse(input)
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("InvalidModelRef")
      expect(result.left.input).toBe(input)
      return
    }
    const { key, slug } = result.right
    expect(slug).not.toMatch(/[\s\p{Cc}]/u)
    expect(slug.split("/").every((segment) => segment !== "")).toBe(true)
    expect(ModelRef.parse(ModelRef.format(result.right))).toEqual(result)
    expect(ModelRef.parse(key)).toEqual(result)
  }, { fastCheck: { numRuns: propertyRuns(800) } })

  // Found by this suite: the slug "OPENROUTER/0@q8_0" had the key "OPENROUTER/0@q8_0", which
  // reads back as the router "openrouter/0@q8_0"; keyOf now keeps the prefix unless the slug
  // starts with exactly "openrouter/".
  it("a capitalised author OPENROUTER round-trips through its key", () => {
    const ref = Either.getOrThrow(ModelRef.parse("openrouter/OPENROUTER/0@q8_0"))
    expect(ref).toEqual({ slug: "OPENROUTER/0@q8_0", key: "openrouter/OPENROUTER/0@q8_0" })
    expect(ModelRef.parse(ModelRef.format(ref))).toEqual(Either.right(ref))
    expect(Either.getOrThrow(ModelRef.parse("OpenRouter/auto")).key).toBe("openrouter/auto")
  })

  it.prop("an @profile suffix on any accepted ref is refused, naming the suffix", [fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,8}$/), fc.stringMatching(/^[a-z0-9][a-z0-9.:-]{0,8}$/)), profileSuffix, fc.boolean()], ([[author, name], profile, prefixed]) => {
    const input = `${prefixed ? "openrouter/" : ""}${author}/${name}@${profile}`
    const result = ModelRef.parse(input)
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(result.left.message).toContain(`@${profile}`)
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it.prop("openrouter:free against an arbitrary document: a ref or an InvalidModelRef, never a throw", [fc.oneof(fc.anything({ maxDepth: 4 }), shapedDocument, fc.record({ agents: fc.record({ defaults: fc.record({ models: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("openrouter/a/b:free", "openrouter/ a /b:free", "openrouter/x y/z:free")), fc.anything({ maxDepth: 1 })) }) }) }))], ([document]) => {
    const result = ModelRef.resolve("openrouter:free", { document })
    if (Either.isLeft(result)) expect(result.left._tag).toBe("InvalidModelRef")
    else expect(result.right.slug.endsWith(":free")).toBe(true)
  }, { fastCheck: { numRuns: propertyRuns(300) } })
})

// ---------------------------------------------------------------------------------------------
// (c) The route verifier

const caseMix = (text: string) => fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }).map((flags) => [...text].map((c, i) => (flags[i] ? c.toUpperCase() : c)).join(""))
const percentSome = (text: string) => fc.array(fc.nat({ max: 9 }), { minLength: text.length, maxLength: text.length }).map((rolls) => [...text].map((c, i) => (rolls[i] === 0 && c !== "%" ? `%${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c)).join(""))

const hostHostile = fc.oneof(
  fc.constantFrom(
    "openrouter.ai", "openrouter.ai.", "eu.openrouter.ai", "openrouter.ai.evil.com", "evil.com", "evil.com.openrouter.ai",
    "xn--openrouter-9za.ai", "xn--80ak6aa92e.com", "openrouter.xn--ai-xxx", "оpenrouter.ai", "openrouter\uFF0Eai", "[::1]", "[::ffff:7f00:1]",
    "[2606:4700::6810:1]", "[openrouter.ai]", "127.0.0.1", "0x7f.1", "2130706433", "openrouter.ai%00", "openrouter.ai%2f@evil.com",
    "openrouter%2eai", "openrouter%252eai", "openrouter.ai\\evil.com", "openrouter.ai\t", "\topenrouter.ai", "openrouter.ai ",
    "", "openrouter.ai#@evil.com", "openrouter.ai?@evil.com", "evil.com#openrouter.ai", "*.openrouter.ai", "openrouter.ai:"
  ),
  fc.constantFrom("openrouter.ai", "api.openrouter.ai", "openrouter.ai.evil.com").chain(caseMix),
  fc.constantFrom("openrouter.ai", "evil.com").chain(percentSome)
)
const routeUrl = fc.tuple(
  fc.constantFrom("https://", "http://", "HTTPS://", "hTtPs://", "https:", "https:/", "https:\\\\", "//", "", "ws://", "file://", "https://https://", " https://", "\u00A0https://"),
  fc.constantFrom("", "openrouter.ai@", "user:pass@", "https://openrouter.ai@", "evil.com@", "openrouter.ai:443@", "@", "a%40b@", "openrouter.ai\\@"),
  hostHostile,
  fc.constantFrom("", ":443", ":8443", ":0443", ":65536", ":-1", ":", ":443:443"),
  fc.constantFrom("", "/", "/api/v1", "/api/v1/", "/v1", "/api/v1//", "/API/V1", "/api/v1/.", "/api/v1/..", "/api/%2e%2e/v1", "/api/v1?x", "/api/v1#x", "\\api\\v1", "/api/v1 ", "/api/v1\u0000")
).map((parts) => parts.join(""))

const whatwg = (input: string): URL | undefined => {
  try {
    return new URL(input)
  } catch {
    return undefined
  }
}

describe("hostile base URLs", () => {
  it.prop("every input classifies (or refuses the key) without throwing", [fc.oneof(routeUrl, fc.string({ unit: "binary", maxLength: 60 })), fc.oneof(fc.constant("openrouter"), fc.string({ maxLength: 12 }))], ([baseUrl, provider]) => {
    const classification = RouteVerifier.classify(baseUrl, provider)
    expect(["openrouter", "default", "local", "custom", "invalid"]).toContain(classification.endpointClass)
    if (classification.exactVerified) expect(classification.hostVerified).toBe(true)
    const refusal = RouteVerifier.keyRefusal(baseUrl)
    expect(refusal === undefined || typeof refusal === "string").toBe(true)
  }, { fastCheck: { numRuns: propertyRuns(1500) } })

  it.prop("exact-verified really is https://openrouter.ai/api/v1 or /v1 by `new URL`: no userinfo, port, query or fragment", [fc.oneof(routeUrl, fc.constantFrom("https://openrouter.ai/api/v1", " https://openrouter.ai/v1// ", "https://openrouter.ai/api/v1\u2028"))], ([baseUrl]) => {
    const classification = RouteVerifier.classify(baseUrl)
    if (!classification.exactVerified) return
    // What requests go to: the normalised base URL.
    const url = whatwg(RouteVerifier.normalizeBaseUrl(baseUrl))
    expect(url).toBeDefined()
    expect(url?.protocol).toBe("https:")
    expect(url?.hostname).toBe("openrouter.ai")
    expect(url?.username).toBe("")
    expect(url?.password).toBe("")
    expect(url?.port).toBe("")
    expect(url?.search).toBe("")
    expect(url?.hash).toBe("")
    expect(url?.pathname).toBe("/api/v1")
  }, { fastCheck: { numRuns: propertyRuns(1500) } })

  it.prop("host-verified means the host `new URL` (or, for a schemeless host, `new URL(\"https://\" + it)`) reads is openrouter.ai or a subdomain", [routeUrl], ([baseUrl]) => {
    const classification = RouteVerifier.classify(baseUrl)
    if (!classification.hostVerified || baseUrl.trim() === "") return
    const url = whatwg(baseUrl) ?? whatwg(`https://${baseUrl.trim()}`)
    const hostname = url?.hostname.toLowerCase() ?? ""
    expect(hostname === "openrouter.ai" || hostname.endsWith(".openrouter.ai")).toBe(true)
    // and when the key may travel there, it travels over https
    if (RouteVerifier.mayCarryKey(baseUrl)) expect(whatwg(baseUrl.trim())?.protocol).toBe("https:")
  }, { fastCheck: { numRuns: propertyRuns(1500) } })

  it("the named lookalikes are not verified", () => {
    for (const baseUrl of [
      "https://openrouter.ai@evil.com/api/v1",
      "https://openrouter.ai:443@evil.com/api/v1",
      "https://evil.com\\@openrouter.ai/api/v1",
      "https://openrouter.ai.evil.com/api/v1",
      "https://xn--openrouter-9za.ai/api/v1",
      "https://оpenrouter.ai/api/v1"
    ]) {
      expect(RouteVerifier.classify(baseUrl)).toMatchObject({ hostVerified: false, exactVerified: false })
    }
    // Different spellings of the canonical host are host-verified but never exact-verified.
    for (const baseUrl of ["https://openrouter.ai./api/v1", "HTTPS://OPENROUTER.AI/api/v1", "https://openrouter%2eai/api/v1", "https://[::1]/api/v1"]) {
      expect(RouteVerifier.classify(baseUrl).exactVerified).toBe(false)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// (d) Other parsers: resolution, error bodies, Retry-After, thinking, params

const envName = fc.constantFrom("OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", "HOME", "X", "PATH", "NODE_OPTIONS", "lower", "")
const envValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("sk-or-v1-0123456789abcdef", "${HOME}", "$${HOME}", "${X}${X}", " ", "\u0000"), fc.constant(undefined))
const environment = fc.dictionary(envName, envValue, { maxKeys: 5 }).map((e) => e as Environment.Environment)
const callString = fc.option(fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom("openrouter/auto", "openrouter:free", "high", "ultra", "https://openrouter.ai/api/v1", "http://evil.com")), { nil: undefined })

const resolveErrorTags = ["ConfigError", "InvalidModelRef", "BadInput"]

describe("hostile documents and environments through Settings resolution", () => {
  it.prop("resolveChat / resolveMedia / resolveSpeech answer settings or a typed error", [shapedDocument, environment, callString, callString, callString, fc.option(fc.double(), { nil: undefined })], ([raw, env, model, thinking, baseUrl, number]) => {
    const decoded = ConfigDocument.decode(raw)
    if (Either.isLeft(decoded)) return
    const document = decoded.right
    const chat = Settings.resolveChat(document, env, { model, thinking, baseUrl, params: { responseCacheTtlSeconds: number, temperature: number } })
    const results: ReadonlyArray<Either.Either<unknown, Settings.ResolveError>> = [
      chat,
      Settings.resolveMedia(document, env, { kind: "image", model, baseUrl, timeoutMs: number }),
      Settings.resolveMedia(document, env, { kind: "video", model }),
      Settings.resolveSpeech(document, env, { model, voice: thinking, speed: number, responseFormat: thinking, baseUrl, timeoutMs: number })
    ]
    for (const result of results) {
      if (Either.isLeft(result)) expect(resolveErrorTags).toContain(result.left._tag)
    }
    if (Either.isRight(chat)) {
      const shaped = PayloadTransformers.shape(PayloadTransformers.contextOf(chat.right), { messages: [{ role: "user", content: "x" }] })
      if (Either.isLeft(shaped)) expect(shaped.left._tag).toBe("ConfigError")
    }
  }, { fastCheck: { numRuns: propertyRuns(400) } })

  it.prop("the env block and ${VAR} substitution never throw on arbitrary values", [fc.anything({ maxDepth: 3 }), environment, fc.string({ maxLength: 40 })], ([block, env, text]) => {
    const effective = Environment.effective(block, env)
    expect(typeof effective.values).toBe("object")
    const substituted = Environment.substitute(block, env)
    if (Either.isLeft(substituted)) expect(substituted.left._tag).toBe("ConfigError")
    expect(["ok", "missing"]).toContain(Environment.substituteString(text, env)._tag)
  }, { fastCheck: { numRuns: propertyRuns(300) } })
})

describe("hostile error bodies and headers", () => {
  // Found by this suite: an error body whose `error.metadata.raw` nested ~5,000 arrays deep made
  // fromResponse throw (JSON.stringify's RangeError), and a `metadata` nested ~10,000 deep did the
  // same in Secret.redactDeep. Through OpenRouterHttp both were defects: a 64 KiB error body holds
  // 30,000 levels. redactDeep now walks without recursion and `raw` is named when it cannot be shown.
  const deepBodies = (depth: number) => [
    `{"error":{"message":"x","metadata":{"raw":${nested(depth, "[", "]")}}}}`,
    `{"error":{"message":"x","metadata":{"deep":${nested(depth, "{\"a\":", "}", "\"sk-or-v1-0123456789abcdef\"")}}}}`,
    `{"error":{"message":"x","metadata":{"reasons":${nested(depth, "[", "]")},"flagged_input":${nested(depth, "[", "]")}}}}`,
    `{"error":${nested(depth, "[", "]")}}`,
    nested(depth, "[", "]")
  ]

  it("deeply nested error bodies (5,000 and 30,000 levels) decode to a typed error", () => {
    for (const depth of [5000, 30_000]) {
      for (const body of deepBodies(depth)) {
        for (const status of [400, 403, 429, 500, 418]) {
          const error = OpenRouterError.fromResponse({ status, body })
          expect(OpenRouterError.isOpenRouterError(error)).toBe(true)
          expect(error.message).not.toContain("0123456789abcdef")
        }
      }
    }
  })

  it("redactDeep copies a 100,000-deep value, keeps `__proto__` as an own key, and masks keys at the bottom", () => {
    const deep = JSON.parse(nested(100_000, "{\"a\":", "}", "\"sk-or-v1-0123456789abcdef\"")) as unknown
    let copy = Secret.redactDeep(deep) as Record<string, unknown>
    for (let i = 0; i < 100_000; i++) copy = copy.a as Record<string, unknown>
    expect(copy).toBe("sk-or-v1-…cdef")
    const proto = Secret.redactDeep(JSON.parse(`{"__proto__":{"x":"Bearer abc"},"b":["sk-or-v1-0123456789abcdef",1,null]}`))
    expect(Object.keys(proto as object)).toEqual(["__proto__", "b"])
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype)
    expect(JSON.stringify(proto)).toBe(`{"__proto__":{"x":"Bearer ****"},"b":["sk-or-v1-…cdef",1,null]}`)
  })

  const headerName = fc.constantFrom("Retry-After", "retry-after", "RETRY-AFTER-MS", "retry-after-ms", "x-request-id", "Request-Id", "x")
  const headerValue = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.stringMatching(/^[0-9.e+-]{1,12}$/),
    fc.constantFrom("9".repeat(400), "1e400", "-1", "0", "NaN", "Infinity", " 5 ", "5.5.5", "Sun, 06 Nov 1994 08:49:37 GMT", "Wed, 21 Oct 2999 07:28:00 GMT", "Mon, 99 Foo 2020")
  )
  const headers = fc.dictionary(headerName, headerValue, { maxKeys: 4 })
  const now = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined })

  it.prop("retryAfterFromHeaders answers none or a non-negative duration", [headers, now], ([headers, now]) => {
    const retryAfter = OpenRouterError.retryAfterFromHeaders(headers, now)
    if (Option.isSome(retryAfter)) {
      expect(Duration.greaterThanOrEqualTo(retryAfter.value, Duration.zero)).toBe(true)
      expect(Number.isNaN(Duration.toMillis(retryAfter.value))).toBe(false)
    }
  }, { fastCheck: { numRuns: propertyRuns(500) } })

  it.prop("fromResponse on arbitrary statuses, arbitrary values and megabyte text answers a tagged error", [fc.integer({ min: -1, max: 1000 }), fc.oneof(fc.anything({ maxDepth: 3 }), fc.string({ maxLength: 50 }).map((s) => s.repeat(20_000))), headers, now], ([status, body, headers, now]) => {
    const error = OpenRouterError.fromResponse({ status, body, headers, ...(now !== undefined ? { now } : {}) })
    expect(OpenRouterError.isOpenRouterError(error)).toBe(true)
    expect(error.message.length).toBeLessThan(2000)
  }, { fastCheck: { numRuns: propertyRuns(200) } })
})

describe("hostile thinking levels, params and cache settings", () => {
  it.prop("Thinking.parse: a level or a BadInput; an alias survives any case and inner spacing", [fc.oneof(fc.string({ unit: "grapheme", maxLength: 20 }), fc.constantFrom(...Thinking.accepted.map(([word]) => word)).chain((word) => fc.tuple(caseMix(word), fc.constantFrom("", " ", "\t", "\u00A0")).map(([w, pad]) => `${pad}${w.replace(/ /g, "  ")}${pad}`)))], ([input]) => {
    const result = Thinking.parse(input)
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("BadInput")
      expect(result.left.value).toBe(input)
    } else {
      expect(Thinking.levels).toContain(result.right)
    }
    const word = input.trim().toLowerCase().replace(/\s+/g, " ")
    const alias = Thinking.accepted.find(([w]) => w === word)
    if (alias !== undefined) expect(result).toEqual(Either.right(alias[1]))
  }, { fastCheck: { numRuns: propertyRuns(400) } })

  it.prop("params from anything: sanitised (no __proto__/constructor/prototype keys), merged, and cache settings read, without a throw", [fc.array(fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true }), { maxLength: 4 })], ([sources]) => {
    const clean = sources.map(Params.fromUnknown)
    const keysOf = (value: unknown): Array<string> =>
      typeof value !== "object" || value === null ? [] : Object.keys(value).flatMap((k) => [k, ...keysOf((value as Record<string, unknown>)[k])])
    for (const params of clean) {
      for (const key of keysOf(params)) expect(["__proto__", "constructor", "prototype"]).not.toContain(key)
    }
    const merged = Params.effective(clean)
    const settings = ResponseCache.settings(merged)
    if (settings.ttlSeconds !== undefined) {
      expect(settings.ttlSeconds).toBeGreaterThanOrEqual(ResponseCache.TTL_MIN)
      expect(settings.ttlSeconds).toBeLessThanOrEqual(ResponseCache.TTL_MAX)
    }
    expect(typeof (Params.transport({ providerWide: clean[0], model: clean[1], extra: clean[2] }) ?? {})).toBe("object")
  }, { fastCheck: { numRuns: propertyRuns(300) } })
})

// Issue 17, defect 9: `__proto__`, `constructor` and `prototype` in a config are data or refused,
// never prototypes. A top-level "__proto__" used to become the decoded document's prototype
// (Schema's excess-property copy assigns it), so its `models.providers.openrouter.baseUrl` was
// read as the document's own and the key went to evil.example.
describe("prototype keys in the config (issue 17)", () => {
  const EVIL = `{"__proto__": {"models": {"providers": {"openrouter": {"baseUrl": "https://evil.example/api/v1"}}}}}`

  it("a top-level __proto__ carrying a base URL is a ConfigError naming it, and nothing resolves to evil.example", () => {
    for (const text of [EVIL, `{ __proto__: { models: { providers: { openrouter: { baseUrl: "https://evil.example/api/v1" } } } } }`, `{"\\u005f_proto__": {"models": {}}}`]) {
      const parsed = ConfigDocument.parseText(text, FILE)
      expect(Either.isLeft(parsed)).toBe(true)
      if (Either.isLeft(parsed)) expect(parsed.left.message).toContain("\"__proto__\"")
    }
    // decode on a value JSON.parse built (an own "__proto__" key) is refused the same way.
    const decoded = ConfigDocument.decode(JSON.parse(EVIL), FILE)
    expect(Either.isLeft(decoded)).toBe(true)
  })

  it("a nested __proto__ (in params, env, models) is refused with its JSON path", () => {
    const parsed = ConfigDocument.parseText(`{ agents: { defaults: { params: { "__proto__": { temperature: 2 } } } } }`, FILE)
    expect(Either.isLeft(parsed) && parsed.left.message).toContain("agents.defaults.params")
    expect(Either.isLeft(ConfigDocument.parseText(`{ env: { __proto__: { OPENROUTER_API_KEY: "sk-or-v1-x" } } }`, FILE))).toBe(true)
  })

  it("constructor and prototype are plain data: kept as own keys, never a prototype or a function read back", () => {
    const parsed = ConfigDocument.parseText(`{ constructor: { models: 1 }, prototype: "p", agents: { defaults: { params: { constructor: 3, prototype: 4 } } } }`, FILE)
    expect(Either.isRight(parsed)).toBe(true)
    if (Either.isLeft(parsed)) return
    const document = parsed.right.document as Record<string, unknown>
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(document, "constructor")?.value).toEqual({ models: 1 })
    expect(document["models"]).toBeUndefined()
    const params = parsed.right.document.agents?.defaults?.params as Record<string, unknown>
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype)
    expect(params).toEqual({ constructor: 3, prototype: 4 })
  })

  it.prop("wherever __proto__ is put in a document, decode refuses it or nothing in the result has another prototype", [shapedDocument, fc.array(fc.constantFrom("__proto__", "constructor", "prototype"), { minLength: 1, maxLength: 3 }), fc.nat()], ([generated, keys, seed]) => {
    // A copy (JSON.parse keeps "__proto__" as an own key), so the generated value is never changed.
    const document = JSON.parse(JSON.stringify(generated)) as unknown
    const hasProto = keys.includes("__proto__") || JSON.stringify(generated).includes("\"__proto__\"")
    // Put the keys at a random object in the document, as own keys (the way JSON.parse and JSON5 make them).
    const objects: Array<Record<string, unknown>> = []
    const stack: Array<unknown> = [document]
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      if (typeof item === "object" && item !== null && !Array.isArray(item)) {
        objects.push(item as Record<string, unknown>)
        stack.push(...Object.values(item))
      }
    }
    const target = objects[seed % objects.length]!
    for (const key of keys) Object.defineProperty(target, key, { value: { models: { providers: { openrouter: { baseUrl: "https://evil.example/api/v1" } } } }, enumerable: true, writable: true, configurable: true })
    const decoded = ConfigDocument.decode(document, FILE)
    if (Either.isLeft(decoded)) {
      if (decoded.left.message.includes("__proto__")) expect(hasProto).toBe(true)
      return
    }
    expect(hasProto).toBe(false)
    const seen: Array<unknown> = [decoded.right]
    for (let item = seen.pop(); item !== undefined; item = seen.pop()) {
      if (typeof item !== "object" || item === null) continue
      expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(item))
      seen.push(...Object.values(item))
    }
    expect(JSON.stringify(decoded.right.models?.providers?.openrouter?.baseUrl ?? "")).not.toContain("evil")
  })
})
