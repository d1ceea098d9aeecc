// `chat -o key=value` (issue 18): the pure parser, by properties.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as ModelOptions from "../src/ModelOptions.js"

const segment = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/).filter((s) => !["__proto__", "prototype", "constructor"].includes(s))
const jsonValue = fc.jsonValue().filter((value) => typeof value !== "object" || value === null || Array.isArray(value))

describe("ModelOptions.parseAll", () => {
  it.prop("the later of two options for overlapping keys wins, in either order", [fc.array(segment, { minLength: 1, maxLength: 3 }), fc.array(segment, { minLength: 1, maxLength: 3 }), jsonValue, jsonValue], ([first, second, a, b]) => {
    const out = Either.getOrThrow(ModelOptions.parseAll([`${first.join(".")}=${JSON.stringify(a)}`, `${second.join(".")}=${JSON.stringify(b)}`]))
    let here: unknown = out
    for (const key of second) here = (here as Record<string, unknown>)[key]
    expect(here).toEqual(JSON.parse(JSON.stringify(b)))
  })

  it.prop("key=JSON for distinct keys: nested by the dots, every value as the JSON says", [
    fc.uniqueArray(fc.tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), jsonValue), { selector: ([path]) => path[0], maxLength: 5 })
  ], ([settings]) => {
    const parsed = ModelOptions.parseAll(settings.map(([path, value]) => `${path.join(".")}=${JSON.stringify(value)}`))
    expect(Either.isRight(parsed)).toBe(true)
    const out = Either.getOrThrow(parsed)
    for (const [path, value] of settings) {
      let here: unknown = out
      for (const key of path) here = (here as Record<string, unknown>)[key]
      expect(here).toEqual(JSON.parse(JSON.stringify(value)))
    }
  })

  it.prop("a value that is not JSON is kept as the text", [segment, fc.string().filter((text) => {
    try {
      JSON.parse(text)
      return false
    } catch {
      return true
    }
  })], ([key, text]) => {
    expect(ModelOptions.parseAll([`${key}=${text}`])).toEqual(Either.right({ [key]: text }))
  })

  it.prop("never throws; anything without a key before = is refused", [fc.array(fc.string(), { maxLength: 4 })], ([texts]) => {
    const parsed = ModelOptions.parseAll(texts)
    if (texts.some((text) => text.indexOf("=") <= 0)) expect(Either.isLeft(parsed)).toBe(true)
  })

  it.prop("a prototype key anywhere in the path is refused", [fc.array(segment, { maxLength: 2 }), fc.constantFrom("__proto__", "prototype", "constructor"), fc.array(segment, { maxLength: 2 })], ([before, bad, after]) => {
    expect(Either.isLeft(ModelOptions.parseAll([`${[...before, bad, ...after].join(".")}=1`]))).toBe(true)
    expect(Object.getPrototypeOf(Either.getOrElse(ModelOptions.parseAll(["a=1"]), () => ({})))).toBe(Object.prototype)
  })

  it("the documented examples; a key set to a value cannot also hold a key; the later value wins", () => {
    expect(ModelOptions.parseAll(["temperature=0.2", "provider.order=[\"a\",\"b\"]", "provider.sort=price", "stream=false"])).toEqual(
      Either.right({ temperature: 0.2, provider: { order: ["a", "b"], sort: "price" }, stream: false })
    )
    expect(ModelOptions.parseAll(["provider.order=a,b"])).toEqual(Either.right({ provider: { order: "a,b" } }))
    expect(ModelOptions.parseAll(["a=1", "a.b=2"])).toEqual(Either.right({ a: { b: 2 } }))
    expect(ModelOptions.parseAll(["a.b.c=1", "a.b=2"])).toEqual(Either.right({ a: { b: 2 } }))
    expect(ModelOptions.parseAll(["a.b=2", "a.b.c=1"])).toEqual(Either.right({ a: { b: { c: 1 } } }))
    expect(ModelOptions.parseAll(["top_p=0.1", "top_p=0.9"])).toEqual(Either.right({ top_p: 0.9 }))
    expect(ModelOptions.parseAll(["stop==="])).toEqual(Either.right({ stop: "==" }))
  })
})

describe("ModelOptions.route", () => {
  it.prop("every key lands in exactly one of params and body, params only for the names shaping reads", [
    fc.dictionary(fc.oneof(segment, fc.constantFrom(...ModelOptions.paramNames)), jsonValue, { maxKeys: 6 })
  ], ([options]) => {
    const clean = Object.fromEntries(Object.entries(options).filter(([key]) => !Object.hasOwn(ModelOptions.cliKeys, key)))
    const { body, params } = Either.getOrThrow(ModelOptions.route(clean))
    expect({ ...params, ...body }).toEqual(clean)
    for (const key of Object.keys(params)) expect(ModelOptions.paramNames.has(key)).toBe(true)
    for (const key of Object.keys(body)) expect(ModelOptions.paramNames.has(key)).toBe(false)
  })

  it("sampling params, provider and cache settings are params; min_p, plugins, transforms and reasoning go to the body; model, stream and messages are refused", () => {
    const parsed = Either.getOrThrow(ModelOptions.parseAll([
      "temperature=0.2", "max_tokens=10", "provider.order=[\"a\"]", "cacheRetention=long", "responseCacheTtl=60",
      "min_p=0.1", "plugins=[{\"id\":\"web\"}]", "transforms=[\"middle-out\"]", "reasoning.max_tokens=100"
    ]))
    expect(ModelOptions.route(parsed)).toEqual(Either.right({
      params: { temperature: 0.2, max_tokens: 10, provider: { order: ["a"] }, cacheRetention: "long", responseCacheTtl: 60 },
      body: { min_p: 0.1, plugins: [{ id: "web" }], transforms: ["middle-out"], reasoning: { max_tokens: 100 } }
    }))
    expect(ModelOptions.route({ model: "x" })).toEqual(Either.left("model is set by -m/--model, not -o"))
    expect(ModelOptions.route({ stream: false })).toEqual(Either.left("stream is set by --no-stream, not -o"))
    expect(Either.isLeft(ModelOptions.route({ messages: [] }))).toBe(true)
  })
})
