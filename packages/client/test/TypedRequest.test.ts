// `Chat.Request` is typed (issue 20): the `// @ts-expect-error` lines below are checked by `tsc -b`
// (this file is in the client's test project), so a misspelt field or a value of the wrong type
// that compiled would fail the build. At run time the same requests, forced through a cast, are a
// `BadInput` naming the field, before anything is resolved or sent.
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import { ChatRequest } from "@openrouter-effect/core"
import { Effect, Either, Layer, Redacted, Stream } from "effect"
import { Chat, OpenRouter } from "../src/index.js"

let sent = 0
const noNetwork = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make(() => Effect.sync(() => sent++).pipe(Effect.zipRight(Effect.dieMessage("no request may be sent"))))
)
const client = OpenRouter.layer({ apiKey: Redacted.make("sk-or-v1-typed-0000000000000000000000") }).pipe(Layer.provide(noNetwork))

// ---- compile-time: each of these is a type error ----
export const compileTime = (chat: Chat.Service) => [
  // @ts-expect-error `mesages` is not a field
  chat.complete({ mesages: [{ role: "user", content: "hi" }] }),
  // @ts-expect-error `rol` is not a field (and `role` is missing)
  chat.complete({ messages: [{ rol: "user", content: "hi" }] }),
  // @ts-expect-error `contnt` is not a field (and `content` is missing)
  chat.complete({ messages: [{ role: "user", contnt: "hi" }] }),
  // @ts-expect-error content is a string or parts, not a number
  chat.complete({ messages: [{ role: "user", content: 42 }] }),
  // @ts-expect-error `temprature` is not a field
  chat.complete({ messages: [{ role: "user", content: "hi" }], temprature: 0.2 }),
  // @ts-expect-error temperature is a number
  chat.complete({ messages: [{ role: "user", content: "hi" }], temperature: "hot" }),
  // @ts-expect-error no such role
  chat.stream({ messages: [{ role: "usr", content: "hi" }] }),
  // @ts-expect-error a tool message needs its tool_call_id
  chat.complete({ messages: [{ role: "tool", content: "42" }] }),
  // @ts-expect-error a content part's `type` decides its fields: an image part has `image_url`
  chat.complete({ messages: [{ role: "user", content: [{ type: "image_url", url: "https://x/y.png" }] }] }),
  // @ts-expect-error no such tool_choice
  chat.complete({ messages: [{ role: "user", content: "hi" }], tool_choice: "always" }),
  // @ts-expect-error provider routing is typed too
  chat.complete({ messages: [{ role: "user", content: "hi" }], provider: { order: "openai" } })
]

// ---- and these compile: every documented shape ----
export const documented = (chat: Chat.Service) => {
  const request: Chat.Request = {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "developer", content: [{ type: "text", text: "Answer in English.", cache_control: { type: "ephemeral" } }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } },
          { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } }
        ]
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: "{}" } }],
        reasoning_details: [{ type: "reasoning.encrypted", data: "opaque", format: "anthropic-claude-v1" }]
      },
      { role: "tool", tool_call_id: "call_1", content: "{\"found\":true}" }
    ],
    tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: {} } } }],
    tool_choice: { type: "function", function: { name: "lookup" } },
    response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
    reasoning: { effort: "high", exclude: false },
    provider: { order: ["anthropic", "openai"], allow_fallbacks: false, data_collection: "deny", sort: "price" },
    plugins: [{ id: "web", max_results: 3 }],
    temperature: 0.2,
    top_p: 0.9,
    max_tokens: 512,
    stop: ["\n\n"],
    seed: 7,
    user: "user-123",
    session_id: "s-1"
  }
  return chat.complete(request)
}

const firstProblem = (request: unknown) =>
  Effect.gen(function*() {
    const chat = yield* Chat.Chat
    const fromComplete = yield* Effect.flip(chat.complete(request as Chat.Request))
    const fromStream = yield* Effect.flip(Stream.runDrain(chat.stream(request as Chat.Request)))
    const fromPrepare = yield* Effect.flip(chat.prepare(request as Chat.Request))
    expect(fromStream).toEqual(fromComplete)
    expect(fromPrepare).toEqual(fromComplete)
    return fromComplete
  }).pipe(Effect.provide(client))

describe("the boundary check", () => {
  const cases: ReadonlyArray<readonly [string, unknown, string]> = [
    ["a misspelt messages", { mesages: [{ role: "user", content: "hi" }] }, "messages"],
    ["a misspelt role", { messages: [{ rol: "user", content: "hi" }] }, "messages[0].role"],
    ["an unknown role", { messages: [{ role: "usr", content: "hi" }] }, "messages[0].role"],
    ["a misspelt content", { messages: [{ role: "user", contnt: "hi" }] }, "messages[0].content"],
    ["a number as content", { messages: [{ role: "user", content: 42 }] }, "messages[0].content"],
    ["a text part without text", { messages: [{ role: "system", content: "x" }, { role: "user", content: [{ type: "text", txt: "a" }] }] }, "messages[1].content[0].text"],
    ["a string temperature", { messages: [{ role: "user", content: "hi" }], temperature: "hot" }, "temperature"],
    ["a tool call without arguments", { messages: [{ role: "assistant", tool_calls: [{ id: "c", function: { name: "f" } }] }] }, "messages[0].tool_calls[0].function.arguments"],
    ["no messages", { messages: [] }, "messages"],
    ["not an object", "hello", "request"]
  ]
  for (const [name, request, field] of cases) {
    it.effect(`${name}: BadInput naming ${field}, nothing sent`, () =>
      Effect.gen(function*() {
        const error = yield* firstProblem(request)
        expect(error).toMatchObject({ _tag: "BadInput", field })
        expect(error.message).toContain(field === "request" ? "The chat request is not valid" : field)
        expect(sent).toBe(0)
      }))
  }

  it("unknown fields pass the check (a pass-through field of a newer API, a replayed turn's extras)", () => {
    const request = { messages: [{ role: "user", content: "hi", x_extra: 1 }], store: true, verbosity: "low" }
    expect(Either.isRight(ChatRequest.check(request))).toBe(true)
    // The object checked is the object given: nothing is copied or re-encoded.
    expect(Either.getOrThrow(ChatRequest.fromUnknown(request))).toBe(request)
  })
})
