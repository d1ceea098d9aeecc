// The hand-written response check must answer exactly as `Schema.is(Chat.Response)` does: on valid
// responses from the schema's own arbitrary, on those responses with one field replaced or removed,
// and on arbitrary values.
import { describe, expect, it } from "@effect/vitest"
import * as Testing from "@openrouter-effect/core/testing"
import { Arbitrary, FastCheck as fc, Schema } from "effect"
import * as Chat from "../src/Chat.js"
import { isChatResponse } from "../src/internal/responseGuard.js"

const bySchema = Schema.is(Chat.Response)
const valid = Arbitrary.make(Chat.Response)

const mutated = Testing.edited(
  valid,
  fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.double(), fc.boolean(), fc.constant([]), fc.constant({}), fc.jsonValue())
)

describe("isChatResponse", () => {
  it.prop("accepts every response the schema generates", [valid], ([response]) => {
    expect(isChatResponse(response)).toBe(true)
  })

  it.prop("agrees with Schema.is on responses with one field replaced or removed", [mutated], ([value]) => {
    expect(isChatResponse(value)).toBe(bySchema(value))
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it.prop("agrees with Schema.is on arbitrary values", [fc.oneof(fc.anything(), fc.jsonValue())], ([value]) => {
    expect(isChatResponse(value)).toBe(bySchema(value))
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it("agrees on the exact-optional corner: a key present with the value undefined", () => {
    const base = { id: "x", model: "m", choices: [{ message: { role: "assistant" } }] }
    for (const value of [{ ...base, provider: undefined }, { ...base, usage: undefined }, { ...base, choices: [{ message: { role: "assistant", content: undefined } }] }]) {
      expect(isChatResponse(value)).toBe(bySchema(value))
      expect(isChatResponse(value)).toBe(false)
    }
    const withError = { ...base, choices: [{ message: { role: "assistant" }, error: undefined }] }
    expect(isChatResponse(withError)).toBe(bySchema(withError))
  })
})
