import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as ChatRequest from "../src/ChatRequest.js"
import * as Testing from "../src/testing.js"

const fieldOf = (request: unknown) =>
  Either.match(ChatRequest.check(request), { onLeft: (error) => error.field, onRight: () => "ok" })

describe("ChatRequest.check", () => {
  it("names the first wrong field by its path", () => {
    expect(fieldOf({ messages: [{ role: "user", content: "hi" }] })).toBe("ok")
    expect(fieldOf({ mesages: [{ role: "user", content: "hi" }] })).toBe("messages")
    expect(fieldOf({ messages: [{ rol: "user", content: "hi" }] })).toBe("messages[0].role")
    expect(fieldOf({ messages: [{ role: "user", content: "a" }, { role: "tool", content: "b" }] })).toBe("messages[1].tool_call_id")
    expect(fieldOf({ messages: [{ role: "user", content: [{ type: "image_url", image_url: {} }] }] })).toBe(
      "messages[0].content[0].image_url.url"
    )
    expect(fieldOf({ messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] })).toBe("messages[0].content[0].type")
    expect(fieldOf({ messages: [{ role: "user", content: "hi" }], temperature: "hot" })).toBe("temperature")
    expect(fieldOf({ messages: [{ role: "user", content: "hi" }], tools: [{ type: "function", function: {} }] })).toBe("tools[0].function.name")
    expect(fieldOf({ messages: [{ role: "user", content: "hi" }], tool_choice: "always" })).toBe("tool_choice")
    expect(fieldOf({ messages: [{ role: "user", content: "hi" }], provider: { order: "openai" } })).toBe("provider.order")
    expect(fieldOf({ messages: [{ role: "user", content: "hi" }], reasoning: { effort: "huge" } })).toBe("reasoning.effort")
    expect(fieldOf({ messages: [] })).toBe("messages")
    expect(fieldOf(null)).toBe("request")
  })

  it("says what is wrong, briefly", () => {
    const error = Either.getLeft(ChatRequest.check({ messages: [{ role: "usr", content: "x" }] }))
    expect(error._tag === "Some" && error.value.message).toBe(
      `The chat request's messages[0].role is not valid: Expected "system" | "developer" | "user" | "assistant" | "tool", actual "usr"`
    )
    const top = Either.getLeft(ChatRequest.check(42))
    expect(top._tag === "Some" && top.value.message).toBe("The chat request is not valid: Expected ChatRequest, actual 42")
  })

  it("ignores unknown fields and returns the object given", () => {
    const request = { x_top: 1, messages: [{ role: "assistant", content: null, reasoning_content: "r", thought_signature: "s" }] }
    expect(Either.getOrThrow(ChatRequest.check(request))).toBe(request)
  })

  it("every documented pass-through field is an open record", () => {
    const request = {
      messages: [{ role: "assistant", content: "a", reasoning_details: [{ type: "reasoning.text", text: "t", signature: "s", index: 0 }] }],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", anything: [1, 2] } } }],
      response_format: { type: "json_schema", json_schema: { name: "n", schema: { $defs: {} } } },
      plugins: [{ id: "web", engine: "exa" }],
      metadata: { user_id: "u" },
      image_config: { aspect_ratio: "16:9" }
    }
    expect(fieldOf(request)).toBe("ok")
  })

  it.prop("every request the testing arbitraries generate passes", [Testing.request], ([request]) => {
    expect(fieldOf(request)).toBe("ok")
  })
})

describe("ChatRequest.decode (kept for checks of shaped bodies)", () => {
  it("keeps unknown fields and names the path", () => {
    const decoded = ChatRequest.decode({ x: 1, messages: [{ role: "user", content: "hi" }] })
    expect(Either.getOrThrow(decoded)).toMatchObject({ x: 1 })
    expect(ChatRequest.decode({ messages: [{ role: "user", content: 1 }] })).toEqual(
      Either.left("request.messages[0].content: Expected string, actual 1")
    )
  })
})
