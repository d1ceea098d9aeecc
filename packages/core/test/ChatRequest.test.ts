import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
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

  it("takes what OpenRouter's OpenAPI schema takes: the web-search shorthand, nulls, the newer fields", () => {
    const messages = [{ role: "user", content: "hi" }]
    const valid: Array<Record<string, unknown>> = [
      { messages, tools: [{ type: "web_search", max_results: 3, search_context_size: "high" }] },
      { messages, tools: [{ type: "web_search_preview" }, { type: "web_search_preview_2025_03_11" }, { type: "web_search_2025_08_26" }] },
      { messages, tools: [{ type: "openrouter:web_search", parameters: { max_results: 2 } }], tool_choice: { type: "openrouter:web_search" } },
      { messages, tools: [{ type: "web_search" }], tool_choice: { type: "web_search" } },
      { messages, provider: null },
      { messages, prediction: null },
      { messages, stream_options: null },
      { messages: [{ role: "user", content: [{ type: "text", text: "x", prompt_cache_breakpoint: null }] }] },
      { messages: [{ role: "user", content: [{ type: "text", text: "x", prompt_cache_breakpoint: { mode: "explicit" } }] }] },
      { messages, prompt_cache_options: { mode: "explicit", ttl: "30m" } },
      { messages, prompt_cache_options: { mode: "explicit", ttl: null } },
      { messages, prompt_cache_options: null },
      { messages, provider: { sort: { by: "price", partition: null }, preferred_max_latency: { p50: null, p90: 2 } } },
      { messages, provider: { sort: null, data_collection: null, preferred_min_throughput: null } },
      { messages, reasoning: { effort: null, summary: null } },
      { messages, reasoning_effort: null, route: null, service_tier: null },
      { messages, stop_server_tools_when: [{ type: "step_count_is", step_count: 3 }, { type: "max_cost", max_cost_in_dollars: 0.5 }] },
      { messages: [{ role: "assistant", content: null, model: "openai/gpt-4o", audio: { id: "a1", transcript: "hi" } }] }
    ]
    for (const request of valid) expect({ request, field: fieldOf(request) }).toEqual({ request, field: "ok" })
    const messagesOnly = { messages }
    expect(fieldOf({ ...messagesOnly, tools: [{ type: "web_searching" }] })).toBe("tools[0].type")
    expect(fieldOf({ ...messagesOnly, tool_choice: { type: "function" } })).toBe("tool_choice.function")
    expect(fieldOf({ ...messagesOnly, tool_choice: { type: "search" } })).toBe("tool_choice.type")
    expect(fieldOf({ ...messagesOnly, prompt_cache_options: { mode: "implicit" } })).toBe("prompt_cache_options.mode")
    expect(fieldOf({ ...messagesOnly, stop_server_tools_when: [] })).toBe("stop_server_tools_when")
    expect(fieldOf({ ...messagesOnly, stop_server_tools_when: [{ type: "step_count_is" }] })).toBe("stop_server_tools_when[0].step_count")
  })

  it("shows at most 60 characters of a wrong value, control characters escaped", () => {
    const secret = "sk-or-v1-" + "S".repeat(64)
    const content = { text: "line1\nline2\u001b[2J\r" + "z".repeat(100_000) + secret }
    const error = Either.getLeft(ChatRequest.check({ messages: [{ role: "user", content }] }))
    expect(error._tag).toBe("Some")
    if (error._tag !== "Some") return
    expect(error.value.field).toBe("messages[0].content")
    expect(error.value.message.length).toBeLessThan(200)
    expect(error.value.message).not.toContain(secret)
    expect(error.value.message).not.toMatch(/[\u0000-\u001f]/)
    expect(error.value.message).toMatch(/^The chat request's messages\[0\]\.content is not valid: Expected string, actual \{"text":"line1\\nline2/)
    expect(error.value.message).toMatch(/… \(\d+ characters\)$/)
    // A value of two million characters: the same short message.
    const huge = Either.getLeft(ChatRequest.check({ messages: [{ role: "user", content: "hi" }], tool_choice: "y".repeat(2_000_000) }))
    expect(huge._tag === "Some" && huge.value.message.length).toBeLessThan(300)
    // A short value is shown whole.
    const short = Either.getLeft(ChatRequest.check({ messages: [{ role: "user", content: "hi" }], temperature: "hot" }))
    expect(short._tag === "Some" && short.value.message).toBe(`The chat request's temperature is not valid: Expected number, actual "hot"`)
    expect(ChatRequest.decode({ messages: [{ role: "user", content: "q".repeat(10_000) }], temperature: "t".repeat(10_000) })).toEqual(
      Either.left(`request.temperature: Expected number, actual "${"t".repeat(59)}… (10002 characters)`)
    )
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

describe("Testing.edited", () => {
  // Every value inside `u` by its path (a JSON array of keys), as `edited` walks them.
  const valuesOf = (u: unknown, prefix: ReadonlyArray<string> = []): Map<string, unknown> => {
    const out = new Map<string, unknown>([[JSON.stringify(prefix), u]])
    if (typeof u === "object" && u !== null) {
      for (const [key, value] of Object.entries(u)) for (const [path, v] of valuesOf(value, [...prefix, key])) out.set(path, v)
    }
    return out
  }
  // Whether `a` is `b` or lies on the way to it or under it (the values an edit at `b` changes).
  const related = (a: string, b: string) => {
    const [x, y] = [JSON.parse(a) as Array<string>, JSON.parse(b) as Array<string>]
    const n = Math.min(x.length, y.length)
    return x.slice(0, n).every((key, i) => key === y[i])
  }

  it.prop("changes exactly one place of a copy: one value replaced, or one key removed", [
    fc.jsonValue().chain((source) => fc.tuple(fc.constant(source), Testing.edited(fc.constant(source), fc.constant("§edit§"))))
  ], ([[source, edited]]) => {
    const before = JSON.stringify(source)
    const was = valuesOf(source)
    const now = valuesOf(edited)
    // The source is not touched.
    expect(JSON.stringify(source)).toBe(before)
    const replaced = [...now].filter(([path, v]) => v === "§edit§" && was.get(path) !== "§edit§").map(([path]) => path)
    // A removed key: gone from a parent that is still an object or an array.
    const parentOf = (path: string) => now.get(JSON.stringify((JSON.parse(path) as Array<string>).slice(0, -1)))
    const removed = [...was.keys()].filter((path) => path !== "[]" && !now.has(path) && typeof parentOf(path) === "object" && parentOf(path) !== null)
    const changes = [...replaced, ...removed]
    expect(changes).toHaveLength(1)
    // Everything the edit did not reach is as it was.
    for (const [path, v] of was) if (!related(path, changes[0]!)) expect(now.get(path)).toEqual(v)
  }, { fastCheck: { numRuns: propertyRuns(500) } })
})

// Found at depth (seed -67894630): Effect's union parser reads a discriminant with `String()`,
// which throws on an object whose `toString` is not a function. Valid JSON can hold one.
describe("a value that cannot be read as text", () => {
  const hostile = JSON.parse(`{"messages":[{"role":[{"toString":null}],"content":"x"},{"role":{"toString":null},"content":"y"}]}`) as unknown

  it("is not a valid request: a BadInput, never an exception", () => {
    expect(ChatRequest.is(hostile)).toBe(false)
    const checked = ChatRequest.check(hostile)
    expect(Either.isLeft(checked) && checked.left._tag).toBe("BadInput")
    expect(Either.isLeft(ChatRequest.decode(hostile))).toBe(true)
    expect(Either.isLeft(ChatRequest.fromUnknown(hostile))).toBe(true)
  })
})
