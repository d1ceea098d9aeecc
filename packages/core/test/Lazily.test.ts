import { describe, expect, it } from "@effect/vitest"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as ChatRequest from "../src/ChatRequest.js"
import { lazily } from "../src/internal/lazily.js"

describe("lazily", () => {
  it("builds the function on its first call, once, and passes every argument through", () => {
    let builds = 0
    const add = lazily(() => {
      builds++
      return (a: number, b: number) => a + b
    })
    expect(builds).toBe(0)
    expect(add(1, 2)).toBe(3)
    expect(add(5, 7)).toBe(12)
    expect(builds).toBe(1)
  })

  it("keeps a Schema parser's answers (a lazily built decode is the decode)", () => {
    const eager = Schema.decodeUnknownEither(ChatRequest.ChatRequest)
    const lazy = lazily(() => Schema.decodeUnknownEither(ChatRequest.ChatRequest))
    for (const value of [{ messages: [] }, { messages: "no" }, null, { messages: [{ role: "user", content: "hi" }], model: 3 }]) {
      const a = eager(value)
      const b = lazy(value)
      expect(b._tag).toBe(a._tag)
      if (a._tag === "Left" && b._tag === "Left") expect(ParseResult.TreeFormatter.formatErrorSync(b.left)).toBe(ParseResult.TreeFormatter.formatErrorSync(a.left))
    }
  })
})

describe("ChatRequest at import", () => {
  it("checks and describes requests with parsers built on first use", () => {
    expect(ChatRequest.is({ messages: [{ role: "user", content: "hi" }] })).toBe(true)
    const bad = ChatRequest.check({ messages: [{ role: "user", content: "hi" }], temperature: "hot" })
    expect(bad._tag).toBe("Left")
    if (bad._tag === "Left") expect(bad.left.field).toBe("temperature")
  })
})
