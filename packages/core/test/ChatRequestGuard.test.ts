// The hand-written request check (`internal/chatRequestGuard.ts`, behind `ChatRequest.check`) must
// give exactly the verdict of the `ChatRequest` Schema decode it replaces on the hot path: on valid
// requests from the schema's own arbitrary, on those requests with one value replaced or removed,
// on requests built from the common fields with right and wrong values, and on arbitrary values.
import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, Either, Exit, FastCheck as fc, Schema } from "effect"
import type * as SchemaAST from "effect/SchemaAST"
import * as ChatRequest from "../src/ChatRequest.js"
import * as ChatRequestCheck from "../src/ChatRequestCheck.js"
import * as RequestGuard from "../src/internal/chatRequestGuard.js"
import * as Testing from "../src/testing.js"

const decode = Schema.decodeUnknownEither(ChatRequest.ChatRequest, { errors: "first", onExcessProperty: "ignore" })
const bySchema = (u: unknown): boolean => Either.isRight(decode(u))
const byTwin = ChatRequest.is

const valid = Arbitrary.make(ChatRequest.ChatRequest)

// Values that are right somewhere and wrong elsewhere: the literals the schema knows, and the
// usual wrong types (`undefined` for an exact optional field, `null` for a non-nullable one, …).
const anyValue = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    "",
    "text",
    "user",
    "assistant",
    "function",
    "ephemeral",
    "5m",
    "explicit",
    "high",
    "max",
    "auto",
    0,
    Number.NaN,
    true,
    false,
    [],
    {},
    [""],
    { type: "ephemeral" }
  ),
  fc.string(),
  fc.double(),
  fc.jsonValue()
)

const mutated = (source: fc.Arbitrary<unknown>) => Testing.edited(source, anyValue)

// Requests of the shapes the twin checks itself, each value right or wrong.
const maybe = <A>(right: fc.Arbitrary<A>) => fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: anyValue })
const cacheControl = fc.record({ type: maybe(fc.constant("ephemeral")), ttl: maybe(fc.constantFrom("5m", "1h")) }, { requiredKeys: [] })
const textPart = fc.record({
  type: maybe(fc.constant("text")),
  text: maybe(fc.string()),
  cache_control: maybe(cacheControl),
  prompt_cache_breakpoint: maybe(fc.oneof(fc.constant(null), fc.record({ mode: maybe(fc.constant("explicit")) })))
}, { requiredKeys: [] })
const part = fc.oneof(
  { weight: 4, arbitrary: textPart },
  { weight: 1, arbitrary: fc.record({ type: maybe(fc.constant("image_url")), image_url: maybe(fc.record({ url: maybe(fc.string()) })) }) }
)
const content = fc.oneof(fc.string(), fc.array(maybe(part), { maxLength: 3 }))
const toolCall = fc.record({
  id: maybe(fc.string()),
  type: maybe(fc.constant("function")),
  function: maybe(fc.record({ name: maybe(fc.string()), arguments: maybe(fc.string()) }, { requiredKeys: [] }))
}, { requiredKeys: [] })
const message = fc.record({
  role: maybe(fc.constantFrom("system", "developer", "user", "assistant", "tool")),
  content: maybe(fc.oneof(content, fc.constant(null))),
  name: maybe(fc.string()),
  tool_call_id: maybe(fc.string()),
  tool_calls: maybe(fc.array(maybe(toolCall), { maxLength: 2 })),
  reasoning: maybe(fc.oneof(fc.string(), fc.constant(null))),
  reasoning_details: maybe(fc.array(maybe(fc.dictionary(fc.string(), fc.jsonValue())), { maxLength: 2 })),
  refusal: maybe(fc.oneof(fc.string(), fc.constant(null))),
  model: maybe(fc.string()),
  images: maybe(fc.array(fc.record({ image_url: maybe(fc.record({ url: maybe(fc.string()) })) }), { maxLength: 1 }))
}, { requiredKeys: [] })
const nullableNumber = maybe(fc.oneof(fc.double(), fc.constant(null)))
const common = fc.record({
  model: maybe(fc.string()),
  models: maybe(fc.array(maybe(fc.string()), { maxLength: 2 })),
  messages: maybe(fc.array(maybe(message), { maxLength: 3 })),
  stream: maybe(fc.boolean()),
  stream_options: maybe(fc.oneof(fc.constant(null), fc.record({ include_usage: maybe(fc.boolean()) }, { requiredKeys: [] }))),
  temperature: nullableNumber,
  top_p: nullableNumber,
  max_tokens: nullableNumber,
  seed: nullableNumber,
  logprobs: maybe(fc.oneof(fc.boolean(), fc.constant(null))),
  stop: maybe(fc.oneof(fc.string(), fc.array(maybe(fc.string()), { maxLength: 2 }), fc.constant(null))),
  reasoning: maybe(fc.record({
    effort: maybe(fc.constantFrom("max", "xhigh", "high", "medium", "low", "minimal", "none", null)),
    max_tokens: nullableNumber,
    exclude: maybe(fc.boolean()),
    enabled: maybe(fc.oneof(fc.boolean(), fc.constant(null))),
    summary: maybe(fc.constantFrom("auto", "concise", "detailed", null))
  }, { requiredKeys: [] })),
  reasoning_effort: maybe(fc.constantFrom("high", "none", null)),
  tools: maybe(fc.array(fc.record({ type: maybe(fc.constant("function")), function: maybe(fc.record({ name: maybe(fc.string()) })) }), {
    maxLength: 2
  })),
  provider: maybe(fc.record({ order: maybe(fc.array(fc.string(), { maxLength: 2 })) }, { requiredKeys: [] })),
  extra: fc.jsonValue()
}, { requiredKeys: [] })

describe("ChatRequest.is (the hand-written twin of the Schema's verdict)", () => {
  it.prop("accepts every request the schema generates", [valid], ([request]) => {
    expect(byTwin(request)).toBe(true)
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(2000) } })

  it.prop("agrees with the Schema on generated requests with one value replaced or removed", [mutated(valid)], ([value]) => {
    expect(byTwin(value)).toBe(bySchema(value))
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(2000) } })

  it.prop("agrees with the Schema on requests of the common fields, right and wrong", [common], ([value]) => {
    expect(byTwin(value)).toBe(bySchema(value))
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(10000) } })

  it.prop("agrees with the Schema on those with one more value replaced or removed", [mutated(common)], ([value]) => {
    expect(byTwin(value)).toBe(bySchema(value))
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(5000) } })

  it.prop("agrees with the Schema on arbitrary values", [fc.oneof(fc.anything(), fc.jsonValue())], ([value]) => {
    expect(byTwin(value)).toBe(bySchema(value))
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(2000) } })

  it("agrees on the corners of the Schema's rules", () => {
    const user = { role: "user", content: "hi" }
    const cases: Array<unknown> = [
      // An exact optional field present with `undefined`.
      { messages: [user], temperature: undefined },
      { messages: [{ ...user, name: undefined }] },
      { messages: [{ role: "assistant", content: undefined }] },
      { messages: [{ role: "assistant" }] },
      { messages: [{ role: "assistant", content: null }] },
      // Required fields are read through the prototype; the union's tag and optional fields are not.
      Object.assign(Object.create({ messages: [user] }), { temperature: 1 }),
      Object.create({ messages: [user] }),
      { messages: [Object.assign(Object.create({ content: "hi" }), { role: "user" })] },
      { messages: [Object.assign(Object.create({ role: "user" }), { content: "hi" })] },
      Object.assign(Object.create({ temperature: "hot" }), { messages: [user] }),
      // A non-enumerable own field is still a field.
      Object.defineProperty({ messages: [user] }, "temperature", { value: "hot", enumerable: false }),
      Object.defineProperty({ messages: [user] }, "temperature", { value: 1, enumerable: false }),
      // Arrays are not structs; symbols are not fields.
      Object.assign([user], { messages: [user] }),
      { messages: [user], [Symbol("temperature")]: "hot" },
      { messages: [], temperature: 1 },
      { messages: [user, 1] },
      { messages: [{ role: "tool", content: "x" }] },
      { messages: [{ role: "tool", content: "x", tool_call_id: "a" }] },
      { messages: [{ role: { toString: () => "user" }, content: "x" }] },
      { messages: [{ role: "assistant", content: [{ type: "text", text: "a", prompt_cache_breakpoint: null }] }] },
      { messages: [{ role: "assistant", images: [] }] },
      { messages: [{ role: "assistant", audio: { id: 1 } }] },
      { messages: [user], logit_bias: { a: 1, b: "x" } },
      { messages: [user], metadata: { a: "x" } },
      { messages: [user], top_k: Number.NaN, stop: ["a", "b"], reasoning: { effort: null, summary: "auto" } },
      { messages: [user], stream_options: [] },
      { messages: [user], reasoning: [] }
    ]
    for (const value of cases) expect([value, byTwin(value)]).toEqual([value, bySchema(value)])
  })

  it("leaves check's answers as they were: the request itself, or the first wrong field", () => {
    const request = { messages: [{ role: "user" as const, content: "hi" }], unknown: 1 }
    expect(Either.getOrThrow(ChatRequest.check(request))).toBe(request)
  })
})

// `ChatRequestCheck` runs the same twin with no Schema behind it, until a request needs one. The
// tests of this block run first in this file's module instance: nothing has loaded the Schema
// through it yet (vitest gives every test file its own modules).
describe("ChatRequestCheck.checkNow, before the Schema is loaded through it", () => {
  it("knows the fields the Schema declares (unknown ones are ignored without it)", () => {
    const declared = (ChatRequest.ChatRequest.ast as SchemaAST.TypeLiteral).propertySignatures.map((ps) => String(ps.name))
    expect([...RequestGuard.DECLARED_FIELDS].sort()).toEqual([...declared].sort())
  })

  it.prop("decides only for requests the Schema accepts, and accepts them as they are", [fc.oneof(common, mutated(common), mutated(valid))], ([value]) => {
    const now = ChatRequestCheck.checkNow(value)
    if (now !== undefined) {
      expect(Either.isRight(now)).toBe(true)
      expect(bySchema(value)).toBe(true)
      if (Either.isRight(now)) expect(now.right).toBe(value)
    }
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(3000) } })

  it("answers the common requests by itself, and hands on invalid ones and the fields it does not check", () => {
    const user = { role: "user" as const, content: "hi" }
    const common = [
      { messages: [user] },
      { messages: [{ role: "system", content: "be brief" }, user], model: "openai/gpt-4o", temperature: 0.2, max_tokens: 100, stream: true },
      { messages: [user, { role: "assistant", content: "hello", reasoning: "r" }, user], reasoning: { effort: "high" }, unknown_field: 1 }
    ]
    for (const request of common) expect(ChatRequestCheck.checkNow(request)).toEqual(Either.right(request))
    const needSchema: Array<unknown> = [
      { messages: [user], temperature: "hot" },
      { messages: [] },
      null,
      { messages: [user], tools: [{ type: "function", function: { name: "f" } }] },
      { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }] }
    ]
    for (const request of needSchema) expect(ChatRequestCheck.checkNow(request)).toBeUndefined()
  })
})

describe("ChatRequestCheck.check (loads the Schema when a request needs it)", () => {
  const viaCheck = (u: unknown) => Effect.runSyncExit(Effect.either(ChatRequestCheck.check(u)).pipe(Effect.map((e) => e)))

  it.effect("gives ChatRequest.check's answers, the BadInput's field and message included", () =>
    Effect.gen(function*() {
      const values: Array<unknown> = [
        { messages: [{ role: "user", content: "hi" }], temperature: "hot" },
        { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f" } }] },
        { messages: [{ role: "user", content: [{ type: "text", text: 1 }] }] },
        null
      ]
      for (const value of values) {
        const got = yield* Effect.either(ChatRequestCheck.check(value))
        const expected = ChatRequest.check(value)
        expect(got._tag).toBe(expected._tag)
        if (Either.isLeft(got) && Either.isLeft(expected)) expect([got.left.field, got.left.message]).toEqual([expected.left.field, expected.left.message])
        if (Either.isRight(got)) expect(got.right).toBe(value)
      }
      // Loaded now: every answer is ChatRequest.check's, synchronously.
      const tools = { messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f" } }] }
      expect(ChatRequestCheck.checkNow(tools)).toEqual(Either.right(tools))
    }))

  it.prop("agrees with ChatRequest.check on requests of the common fields and mutated ones", [fc.oneof(common, mutated(common), mutated(valid))], ([value]) => {
    const exit = viaCheck(value)
    expect(Exit.isSuccess(exit)).toBe(true)
    if (Exit.isSuccess(exit)) {
      const expected = ChatRequest.check(value)
      expect(exit.value._tag).toBe(expected._tag)
      if (Either.isLeft(exit.value) && Either.isLeft(expected)) expect(exit.value.left.field).toBe(expected.left.field)
    }
  }, { timeout: 120_000, fastCheck: { numRuns: propertyRuns(1000) } })
})
