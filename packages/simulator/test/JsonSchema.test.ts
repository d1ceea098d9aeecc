// The instances the chat model answers tool calls and structured outputs with: valid against their
// schema for every seed (checked by ajv, JSON Schema 2020-12), deterministic per seed, and shaped
// by the prompt where a property names a place or a thing.
import { describe, expect, it } from "@effect/vitest"
import Ajv2020 from "ajv/dist/2020.js"
import { FastCheck as fc } from "effect"
import * as JsonSchema from "../src/chat/JsonSchema.js"

const Ajv = Ajv2020.default ?? (Ajv2020 as unknown as typeof Ajv2020.default)
const ajv = new Ajv({ strict: false, allErrors: true })
// ajv checks no format by itself (ajv-formats is not a dependency): the ones the generator knows.
const FORMATS: Readonly<Record<string, RegExp>> = {
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  time: /^\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:\/\/\S+$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  ipv4: /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/,
  hostname: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
  duration: /^P(T(\d+H)?(\d+M)?(\d+S)?)$/
}
for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern)

const SCHEMAS: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["a weather tool", {
    type: "object",
    properties: {
      city: { type: "string", description: "City name" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      days: { type: "integer", minimum: 1, maximum: 7 }
    },
    required: ["city"]
  }],
  ["numbers: bounds, exclusive bounds, multipleOf", {
    type: "object",
    properties: {
      a: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      b: { type: "integer", exclusiveMinimum: 10, maximum: 11 },
      c: { type: "number", multipleOf: 0.1, minimum: 0.05, maximum: 0.35 },
      d: { type: "integer", multipleOf: 5, minimum: -12, maximum: 12 },
      e: { type: "number", minimum: 1e6 },
      f: { type: "integer", maximum: -3 },
      g: { type: "number", multipleOf: 0.25 }
    },
    required: ["a", "b", "c", "d", "e", "f", "g"]
  }],
  ["strings: formats, patterns, lengths", {
    type: "object",
    properties: {
      when: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      at: { type: "string", format: "time" },
      email: { type: "string", format: "email" },
      site: { type: "string", format: "uri" },
      id: { type: "string", format: "uuid" },
      ip: { type: "string", format: "ipv4" },
      host: { type: "string", format: "hostname" },
      wait: { type: "string", format: "duration" },
      code: { type: "string", pattern: "^[A-Z]{3}-\\d{4}$" },
      answer: { type: "string", pattern: "^(yes|no|maybe)$" },
      word: { type: "string", pattern: "^[a-z]+$" },
      capital: { type: "string", pattern: "^[A-Z][a-z]{2,5}$" },
      zip: { type: "string", pattern: "^\\d{5}(-\\d{4})?$" },
      long: { type: "string", minLength: 40 },
      short: { type: "string", maxLength: 3 },
      exact: { type: "string", minLength: 8, maxLength: 8 }
    },
    required: ["when", "day", "at", "email", "site", "id", "ip", "host", "wait", "code", "answer", "word", "capital", "zip", "long", "short", "exact"]
  }],
  ["a strict structured output (zod-style: all required, nullable as anyOf, no extra properties)", {
    type: "object",
    properties: {
      title: { type: "string" },
      rating: { type: "integer", minimum: 1, maximum: 5 },
      tags: { type: "array", items: { type: "string" } },
      note: { anyOf: [{ type: "string" }, { type: "null" }] },
      author: {
        type: "object",
        properties: { name: { type: "string" }, verified: { type: "boolean" } },
        required: ["name", "verified"],
        additionalProperties: false
      }
    },
    required: ["title", "rating", "tags", "note", "author"],
    additionalProperties: false
  }],
  ["$defs, $ref and recursion", {
    $defs: {
      node: {
        type: "object",
        properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } },
        required: ["label", "children"],
        additionalProperties: false
      }
    },
    type: "object",
    properties: { root: { $ref: "#/$defs/node" } },
    required: ["root"]
  }],
  ["draft-7 definitions and a root $ref", {
    definitions: { point: { type: "object", properties: { x: { type: "number" }, y: { type: "number" } }, required: ["x", "y"] } },
    $ref: "#/definitions/point"
  }],
  ["a discriminated oneOf", {
    type: "object",
    properties: {
      shape: {
        oneOf: [
          { type: "object", properties: { kind: { const: "circle" }, radius: { type: "number", minimum: 0 } }, required: ["kind", "radius"] },
          { type: "object", properties: { kind: { const: "square" }, side: { type: "number" } }, required: ["kind", "side"] }
        ]
      }
    },
    required: ["shape"]
  }],
  ["allOf", {
    allOf: [
      { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      { properties: { b: { type: "integer", minimum: 3 } }, required: ["b"] }
    ]
  }],
  ["arrays: tuples, unique items, bounds", {
    type: "object",
    properties: {
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false },
      colours: { type: "array", items: { enum: ["red", "green", "blue"] }, uniqueItems: true, minItems: 3 },
      few: { type: "array", items: { type: "integer" }, maxItems: 1 },
      many: { type: "array", items: { type: "boolean" }, minItems: 4, maxItems: 5 },
      matrix: { type: "array", items: { type: "array", items: { type: "number" }, minItems: 2 }, minItems: 2 }
    },
    required: ["pair", "colours", "few", "many", "matrix"]
  }],
  ["objects: free-form, minProperties, boolean schemas", {
    type: "object",
    properties: {
      anything: {},
      yes: true,
      meta: { type: "object", additionalProperties: { type: "integer" }, minProperties: 2 },
      dictionary: { type: "object", additionalProperties: { type: "string" } }
    },
    required: ["anything", "yes", "meta", "dictionary"]
  }],
  ["type lists and nullables", {
    type: "object",
    properties: {
      maybe: { type: ["string", "null"] },
      either: { type: ["integer", "string"] },
      nothing: { type: "null" },
      constant: { const: { nested: [1, 2] } }
    },
    required: ["maybe", "either", "nothing", "constant"]
  }],
  ["a bare string", { type: "string", minLength: 2 }],
  ["the empty schema", {}]
]

describe("JsonSchema.instance", () => {
  for (const [name, schema] of SCHEMAS) {
    const validate = ajv.compile(schema)
    it.prop(
      `is valid for every seed: ${name}`,
      [fc.integer({ min: 0, max: 0xffffffff })],
      ([seed]) => {
        const value = JsonSchema.instance(schema, { seed })
        expect(validate(value), `${JSON.stringify(value)}\n${ajv.errorsText(validate.errors)}`).toBe(true)
      },
      { fastCheck: { numRuns: propertyRuns(150) } }
    )
  }

  it("is deterministic per seed, and varies with it", () => {
    const [, schema] = SCHEMAS[3]!
    expect(JsonSchema.instance(schema, { seed: 7 })).toEqual(JsonSchema.instance(schema, { seed: 7 }))
    const distinct = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(JsonSchema.instance(schema, { seed }))))
    expect(distinct.size).toBeGreaterThan(10)
  })

  it("takes place- and name-like strings from the given words", () => {
    const [, weather] = SCHEMAS[0]!
    expect(JsonSchema.instance(weather, { seed: 1, words: ["Oslo"] })).toMatchObject({ city: "Oslo" })
    const person = { type: "object", properties: { name: { type: "string" }, hobby: { type: "string" } }, required: ["name", "hobby"] }
    const value = JsonSchema.instance(person, { seed: 1, words: ["Ada", "Lovelace"] }) as { name: string; hobby: string }
    expect(value.name).toBe("Ada")
    expect(JsonSchema.WORDS.some((word) => value.hobby.includes(word))).toBe(true)
  })

  it("keeps to a pattern a hinted word does not match", () => {
    const schema = { type: "object", properties: { city: { type: "string", pattern: "^[A-Z]{3}$" } }, required: ["city"] }
    expect((JsonSchema.instance(schema, { seed: 3, words: ["Oslo"] }) as { city: string }).city).toMatch(/^[A-Z]{3}$/)
  })
})
