import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as Params from "../src/Params.js"
import * as ResponseCache from "../src/ResponseCache.js"

describe("ResponseCache.parseTtl (§4.2)", () => {
  const cases: ReadonlyArray<readonly [string, unknown, number | undefined]> = [
    ["999999 is clamped", 999999, 86400],
    ["86400 stays", 86400, 86400],
    ["0 is clamped up", 0, 1],
    ["-5 is clamped up", -5, 1],
    ["300.9 is truncated", 300.9, 300],
    ["0.9 truncates to 0, then 1", 0.9, 1],
    ["\"600\"", "600", 600],
    ["\"abc\"", "abc", undefined],
    ["\"1e3\"", "1e3", 1000],
    ["\" 42 \"", " 42 ", 42],
    ["\"12abc\"", "12abc", undefined],
    ["\"300.9\"", "300.9", 300],
    ["\"-5\"", "-5", 1],
    ["\"+7\"", "+7", 7],
    ["\".5\"", ".5", 1],
    ["\"2E2\"", "2E2", 200],
    ["\"\"", "", undefined],
    ["\"   \"", "   ", undefined],
    ["\"0x10\"", "0x10", undefined],
    ["\"1 000\"", "1 000", undefined],
    ["\"Infinity\"", "Infinity", undefined],
    ["\"1e400\" overflows to Infinity", "1e400", undefined],
    // our deliberate difference from OpenClaw: no TTL for a non-finite number
    ["Infinity", Infinity, undefined],
    ["-Infinity", -Infinity, undefined],
    ["NaN", NaN, undefined],
    ["true", true, undefined],
    ["null", null, undefined],
    ["undefined", undefined, undefined],
    ["an object", { ttl: 5 }, undefined],
    ["an array", [60], undefined]
  ]
  for (const [name, input, expected] of cases) {
    it(`${name} → ${expected ?? "undefined"}`, () => {
      expect(ResponseCache.parseTtl(input)).toBe(expected)
    })
  }

  it.prop(
    "any finite number gives an integer in [1, 86400]",
    [fc.double({ noNaN: true, noDefaultInfinity: true })],
    ([n]) => {
      const ttl = ResponseCache.parseTtl(n)
      expect(ttl).toBeDefined()
      expect(Number.isInteger(ttl)).toBe(true)
      expect(ttl).toBeGreaterThanOrEqual(1)
      expect(ttl).toBeLessThanOrEqual(86400)
      // and its decimal string reads the same
      expect(ResponseCache.parseTtl(String(n))).toBe(ttl)
    }
  )

  it.prop("an integer inside the range is kept", [fc.integer({ min: 1, max: 86400 })], ([n]) => {
    expect(ResponseCache.parseTtl(n)).toBe(n)
    expect(ResponseCache.parseTtl(` ${n} `)).toBe(n)
  })

  it.prop(
    "any non-finite number gives undefined",
    [fc.constantFrom(Infinity, -Infinity, NaN)],
    ([n]) => {
      expect(ResponseCache.parseTtl(n)).toBeUndefined()
    }
  )

  it.prop("never throws on anything", [fc.anything()], ([value]) => {
    const ttl = ResponseCache.parseTtl(value)
    expect(ttl === undefined || (Number.isInteger(ttl) && ttl >= 1 && ttl <= 86400)).toBe(true)
  })
})

describe("ResponseCache.parseBoolean (§4.2)", () => {
  const trueWords = ["1", "true", "yes", "on", "enable", "enabled"]
  const falseWords = ["0", "false", "no", "off", "disable", "disabled"]

  for (const word of trueWords) {
    it(`${JSON.stringify(word)} → true`, () => {
      expect(ResponseCache.parseBoolean(word)).toBe(true)
      expect(ResponseCache.parseBoolean(word.toUpperCase())).toBe(true)
      expect(ResponseCache.parseBoolean(`  ${word}\t`)).toBe(true)
    })
  }
  for (const word of falseWords) {
    it(`${JSON.stringify(word)} → false`, () => {
      expect(ResponseCache.parseBoolean(word)).toBe(false)
      expect(ResponseCache.parseBoolean(word.toUpperCase())).toBe(false)
      expect(ResponseCache.parseBoolean(` ${word} `)).toBe(false)
    })
  }

  it("mixed case", () => {
    expect(ResponseCache.parseBoolean("TrUe")).toBe(true)
    expect(ResponseCache.parseBoolean("Disabled")).toBe(false)
  })

  it("booleans are themselves", () => {
    expect(ResponseCache.parseBoolean(true)).toBe(true)
    expect(ResponseCache.parseBoolean(false)).toBe(false)
  })

  it("other strings and numbers are unset", () => {
    for (const value of ["", " ", "y", "n", "t", "f", "2", "truee", "enabled!", "ok", "null", "1.0"]) {
      expect(ResponseCache.parseBoolean(value)).toBeUndefined()
    }
    for (const value of [1, 0, -1, NaN, null, undefined, {}, [], ["true"]]) {
      expect(ResponseCache.parseBoolean(value)).toBeUndefined()
    }
  })
})

describe("ResponseCache.settings (§4.3)", () => {
  it("unset → enabled undefined", () => {
    expect(ResponseCache.settings(undefined)).toEqual({ enabled: undefined, ttlSeconds: undefined, clear: false })
    expect(ResponseCache.settings({})).toEqual({ enabled: undefined, ttlSeconds: undefined, clear: false })
    expect(ResponseCache.settings({ responseCacheTtlSeconds: 600 })).toEqual({
      enabled: undefined,
      ttlSeconds: undefined,
      clear: false
    })
    expect(ResponseCache.settings({ responseCache: "maybe" })).toEqual({
      enabled: undefined,
      ttlSeconds: undefined,
      clear: false
    })
  })

  it("clear alone enables caching", () => {
    expect(ResponseCache.settings({ responseCacheClear: true })).toEqual({
      enabled: true,
      ttlSeconds: undefined,
      clear: true
    })
    expect(ResponseCache.settings({ response_cache_clear: "yes", response_cache_ttl: "300" })).toEqual({
      enabled: true,
      ttlSeconds: 300,
      clear: true
    })
  })

  it("clear false alone does not enable", () => {
    expect(ResponseCache.settings({ responseCacheClear: false })).toEqual({
      enabled: undefined,
      ttlSeconds: undefined,
      clear: false
    })
  })

  it("enabled false drops the TTL and clear (preset opt-out)", () => {
    expect(ResponseCache.settings({ responseCache: false, responseCacheTtlSeconds: 600, responseCacheClear: true }))
      .toEqual({ enabled: false, ttlSeconds: undefined, clear: false })
    expect(ResponseCache.settings({ response_cache: "off", response_cache_clear: "on" })).toEqual({
      enabled: false,
      ttlSeconds: undefined,
      clear: false
    })
  })

  it("enabled true with TTL and clear", () => {
    expect(ResponseCache.settings({ responseCache: true, responseCacheTtlSeconds: 999999, responseCacheClear: true }))
      .toEqual({ enabled: true, ttlSeconds: 86400, clear: true })
    expect(ResponseCache.settings({ responseCache: "1", responseCacheTtl: "abc" })).toEqual({
      enabled: true,
      ttlSeconds: undefined,
      clear: false
    })
  })

  it("within one source camelCase beats snake_case", () => {
    expect(ResponseCache.settings({ response_cache: false, responseCache: true, response_cache_ttl_seconds: 60, responseCacheTtlSeconds: 600 }))
      .toEqual({ enabled: true, ttlSeconds: 600, clear: false })
  })
})

describe("Params.effective (§4.1)", () => {
  it("the test example: all values from the model, canonical keys only", () => {
    const defaults = { response_cache: false, response_cache_ttl_seconds: 60, response_cache_clear: false, temperature: 0.2 }
    const model = { responseCache: true, responseCacheTtlSeconds: 600, responseCacheClear: true }
    const result = Params.effective([defaults, model])
    expect(result).toStrictEqual({
      temperature: 0.2,
      responseCache: true,
      responseCacheTtlSeconds: 600,
      responseCacheClear: true
    })
    expect(ResponseCache.settings(result)).toEqual({ enabled: true, ttlSeconds: 600, clear: true })
  })

  it("within one source camelCase beats snake_case, whatever the key order", () => {
    expect(Params.effective([{ response_cache: false, responseCache: true }])).toStrictEqual({ responseCache: true })
    expect(Params.effective([{ responseCacheTtl: 30, response_cache_ttl_seconds: 60 }])).toStrictEqual({
      responseCacheTtlSeconds: 60
    })
    expect(Params.effective([{ response_cache_ttl: 30, responseCacheTtl: 45 }])).toStrictEqual({
      responseCacheTtlSeconds: 45
    })
  })

  it("a later source's snake_case beats an earlier source's camelCase", () => {
    expect(Params.effective([{ responseCache: true }, { response_cache: false }])).toStrictEqual({ responseCache: false })
  })

  it("a source without the setting does not reset it", () => {
    expect(Params.effective([{ response_cache_clear: true }, { temperature: 1 }, undefined])).toStrictEqual({
      responseCacheClear: true,
      temperature: 1
    })
  })

  it("other params merge shallowly, later wins; forbidden keys are dropped", () => {
    const first = JSON.parse(`{"__proto__": {"polluted": true}, "a": 1, "nested": {"x": 1, "constructor": 2}}`) as Record<
      string,
      unknown
    >
    const result = Params.effective([first, { nested: { y: 2 }, b: undefined }])
    expect(result).toStrictEqual({ a: 1, nested: { y: 2 } })
    expect(Object.hasOwn(result, "__proto__")).toBe(false)
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
  })

  it("no sources → {}", () => {
    expect(Params.effective([])).toStrictEqual({})
    expect(Params.effective([undefined, {}])).toStrictEqual({})
  })
})

describe("Params.transport (§11)", () => {
  it("the test example: the provider objects merge key by key", () => {
    const result = Params.transport({
      providerWide: { provider: { sort: "price", data_collection: "deny" } },
      model: { provider: { order: ["openai"], constructor: "ignored" } },
      extra: { provider: { sort: "latency", require_parameters: true } }
    })
    expect(result).toStrictEqual({
      provider: { sort: "latency", data_collection: "deny", order: ["openai"], require_parameters: true }
    })
    const provider = result?.["provider"] as Record<string, unknown>
    expect(Object.keys(provider)).toEqual(["sort", "data_collection", "order", "require_parameters"])
    expect(Object.hasOwn(provider, "constructor")).toBe(false)
  })

  it("the other params spread in order, later wins", () => {
    expect(
      Params.transport({
        providerWide: { temperature: 0.1, top_p: 0.5 },
        model: { temperature: 0.2 },
        extra: { temperature: 0.3, provider: { order: ["anthropic"] } }
      })
    ).toStrictEqual({ temperature: 0.3, top_p: 0.5, provider: { order: ["anthropic"] } })
  })

  it("__proto__, prototype and constructor are dropped recursively", () => {
    const extra = JSON.parse(
      `{"__proto__": {"polluted": true}, "prototype": 1, "provider": {"order": ["a"], "__proto__": {"x": 1}, "max_price": {"prompt": 1, "constructor": {"y": 1}, "prototype": 3}}, "list": [{"__proto__": 1, "keep": 2}, {"constructor": 3}]}`
    ) as Record<string, unknown>
    const result = Params.transport({ extra })
    expect(result).toStrictEqual({
      provider: { order: ["a"], max_price: { prompt: 1 } },
      list: [{ keep: 2 }, {}]
    })
    expect(Object.hasOwn(result ?? {}, "__proto__")).toBe(false)
    expect(Object.hasOwn(result ?? {}, "prototype")).toBe(false)
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
  })

  it("undefined values and array entries are dropped", () => {
    expect(Params.transport({ model: { a: undefined, b: [1, undefined, 2], provider: { only: undefined, sort: "price" } } }))
      .toStrictEqual({ b: [1, 2], provider: { sort: "price" } })
  })

  it("undefined when no source has anything", () => {
    expect(Params.transport({})).toBeUndefined()
    expect(Params.transport({ providerWide: undefined, model: undefined, extra: undefined })).toBeUndefined()
    expect(Params.transport({ providerWide: {}, model: {}, extra: {} })).toBeUndefined()
    expect(Params.transport({ model: { a: undefined } })).toBeUndefined()
    expect(Params.transport({ extra: JSON.parse(`{"__proto__": {"x": 1}}`) as Record<string, unknown> }))
      .toBeUndefined()
  })

  it("a non-object provider is ignored", () => {
    expect(
      Params.transport({
        providerWide: { provider: "openai", temperature: 1 },
        model: { provider: ["anthropic"] },
        extra: { provider: { sort: "throughput" } }
      })
    ).toStrictEqual({ provider: { sort: "throughput" }, temperature: 1 })
    expect(Params.transport({ providerWide: { provider: "openai", temperature: 1 } })).toStrictEqual({ temperature: 1 })
    expect(Params.transport({ model: { provider: null, top_k: 5 } })).toStrictEqual({ top_k: 5 })
  })

  it("an empty provider object counts as absent", () => {
    expect(Params.transport({ providerWide: { provider: { sort: "price" } }, extra: { provider: {} } })).toStrictEqual({
      provider: { sort: "price" }
    })
    expect(Params.transport({ extra: { provider: {}, seed: 1 } })).toStrictEqual({ seed: 1 })
  })
})

// ---------------------------------------------------------------------------------------------
// Inputs are never mutated.

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key])
  }
  return value
}

const deepClone = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(deepClone)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value)) as Record<string, unknown>
  for (const key of Object.keys(value)) {
    // defineProperty keeps an own `__proto__` key an own key
    Object.defineProperty(out, key, {
      value: deepClone((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

const key = fc.oneof(
  fc.string(),
  fc.constantFrom(...ResponseCache.allAliases, "provider", "__proto__", "prototype", "constructor", "order")
)
const value = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(undefined, "yes", "off", "600", 999999),
  fc.dictionary(key, fc.jsonValue(), { maxKeys: 4 })
)
const dict = fc.dictionary(key, value, { maxKeys: 8 })
const params = fc.tuple(dict, fc.option(dict, { nil: undefined })).map(([d, provider]) =>
  provider === undefined ? d : Object.assign(d, { provider })
)
const maybeParams = fc.option(params, { nil: undefined })

describe("Params never mutate their inputs", () => {
  it.prop("Params.effective", [fc.array(maybeParams, { maxLength: 4 })], ([sources]) => {
    const before = deepClone(sources)
    const result = Params.effective(deepFreeze(sources))
    expect(sources).toEqual(before)
    for (const source of sources) if (source !== undefined) expect(result).not.toBe(source)
  })

  it.prop(
    "Params.transport",
    { providerWide: maybeParams, model: maybeParams, extra: maybeParams },
    ({ extra, model, providerWide }) => {
      const sources = { providerWide, model, extra }
      const before = deepClone(sources)
      const result = Params.transport(deepFreeze(sources))
      expect(sources).toEqual(before)
      if (result !== undefined) {
        const provider = result["provider"]
        for (const source of [providerWide, model, extra]) {
          expect(result).not.toBe(source)
          if (provider !== undefined) expect(provider).not.toBe(source?.["provider"])
        }
      }
    }
  )

  it.prop("ResponseCache.settings", [maybeParams], ([source]) => {
    const before = deepClone(source)
    const result = ResponseCache.settings(deepFreeze(source))
    expect(source).toEqual(before)
    expect(result.enabled === true || result.clear === false).toBe(true)
    expect(result.enabled === true || result.ttlSeconds === undefined).toBe(true)
  })
})
