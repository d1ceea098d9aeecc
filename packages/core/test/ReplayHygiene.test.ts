import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as RouteVerifier from "../src/RouteVerifier.js"
import type { Body, TransformContext } from "../src/transform/Context.js"
import {
  cleanReasoningFields,
  dropPlainReasoning,
  isGeminiModel,
  isMistralModel,
  isSignedReasoningOnlyModel,
  isValidBase64Signature,
  replayHygiene,
  sanitizeGemini,
  sanitizeMistralToolCallIds,
  strictToolCallId
} from "../src/transform/ReplayHygiene.js"

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const route = RouteVerifier.classify("https://openrouter.ai/api/v1")

const contextFor = (slug: string): TransformContext => ({
  slug,
  provider: "openrouter",
  route,
  thinking: "off",
  params: {},
  fallbacks: [],
  configuredHeaders: {},
  callerHeaders: {}
})

const run = (slug: string, body: Body): Body => replayHygiene(contextFor(slug))(body)

type Rec = Record<string, unknown>

const bodyOf = (...messages: ReadonlyArray<unknown>): Body => ({ model: "m", messages, stream: true })

const messagesOut = (body: Body): ReadonlyArray<unknown> => body.messages as ReadonlyArray<unknown>

const messageOut = (body: Body, index = 0): Rec => messagesOut(body)[index] as Rec

const isRec = (u: unknown): u is Rec => typeof u === "object" && u !== null && !Array.isArray(u)

// Applies the transformer to one assistant message and returns the resulting message.
const cleanOne = (message: Rec, slug = "openai/gpt-5"): Rec => messageOut(run(slug, bodyOf(message)))

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// A reference base64 encoder for the tests (padded, standard alphabet).
const toBase64 = (bytes: ReadonlyArray<number>): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i]!, bytes[i + 1], bytes[i + 2]]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += STANDARD[(n >> 18) & 63]! + STANDARD[(n >> 12) & 63]!
    out += b === undefined ? "=" : STANDARD[(n >> 6) & 63]!
    out += c === undefined ? "=" : STANDARD[n & 63]!
  }
  return out
}
const toBase64Url = (bytes: ReadonlyArray<number>): string =>
  toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")

// 48 bytes, as a Gemini thought signature would be sent.
const GEMINI_SIGNATURE = "CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW"
const GEMINI_SIGNATURE_URL = "CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW"
// A Claude message id as OpenClaw's own test uses it: ten characters, so not base64.
const CLAUDE_ID = "msg_abc123"

// ---------------------------------------------------------------------------------------------
// a. Reasoning fields
// ---------------------------------------------------------------------------------------------

describe("reasoning fields (every model)", () => {
  const cases: ReadonlyArray<readonly [string, Rec, Rec]> = [
    [
      "a string reasoning_details becomes reasoning, in its place",
      { role: "assistant", reasoning_details: "thought", content: "hi" },
      { role: "assistant", reasoning: "thought", content: "hi" }
    ],
    [
      "a string reasoning_details is dropped when there is a non-empty reasoning",
      { role: "assistant", reasoning: "kept", content: "hi", reasoning_details: "other" },
      { role: "assistant", reasoning: "kept", content: "hi" }
    ],
    [
      "a string reasoning_details replaces an empty reasoning, in reasoning's place",
      { role: "assistant", reasoning: " ", content: "hi", reasoning_details: "moved" },
      { role: "assistant", reasoning: "moved", content: "hi" }
    ],
    [
      "a string reasoning_details replaces a non-string reasoning",
      { role: "assistant", reasoning: { effort: "high" }, reasoning_details: "moved" },
      { role: "assistant", reasoning: "moved" }
    ],
    [
      "a blank string reasoning_details is dropped and creates nothing",
      { role: "assistant", reasoning_details: "  \n", content: "hi" },
      { role: "assistant", content: "hi" }
    ],
    [
      "an object reasoning_details is dropped",
      { role: "assistant", reasoning_details: { type: "reasoning.text" }, content: "hi" },
      { role: "assistant", content: "hi" }
    ],
    ["a number reasoning_details is dropped", { role: "assistant", reasoning_details: 3 }, { role: "assistant" }],
    ["a null reasoning_details is dropped", { role: "assistant", reasoning_details: null }, { role: "assistant" }],
    ["an empty reasoning is dropped", { role: "assistant", reasoning: "", content: "x" }, { role: "assistant", content: "x" }],
    ["a blank reasoning is dropped", { role: "assistant", reasoning: " \t " }, { role: "assistant" }],
    ["a numeric reasoning is dropped", { role: "assistant", reasoning: 0 }, { role: "assistant" }],
    ["an object reasoning is dropped", { role: "assistant", reasoning: { text: "x" } }, { role: "assistant" }],
    ["a non-empty reasoning is kept as it is", { role: "assistant", reasoning: " r " }, { role: "assistant", reasoning: " r " }],
    ["an empty reasoning_content is dropped", { role: "assistant", reasoning_content: "" }, { role: "assistant" }],
    ["a null reasoning_content is dropped", { role: "assistant", reasoning_content: null }, { role: "assistant" }],
    ["a numeric reasoning_content is dropped", { role: "assistant", reasoning_content: 1 }, { role: "assistant" }],
    [
      "a non-empty reasoning_content is kept",
      { role: "assistant", reasoning_content: "rc" },
      { role: "assistant", reasoning_content: "rc" }
    ],
    [
      "reasoning_text becomes reasoning, in its place, when there is no reasoning or reasoning_content",
      { role: "assistant", reasoning_text: "t", content: "x" },
      { role: "assistant", reasoning: "t", content: "x" }
    ],
    [
      "reasoning_text is dropped when reasoning exists",
      { role: "assistant", reasoning: "r", reasoning_text: "t" },
      { role: "assistant", reasoning: "r" }
    ],
    [
      "reasoning_text is dropped when reasoning_content exists",
      { role: "assistant", reasoning_text: "t", reasoning_content: "rc" },
      { role: "assistant", reasoning_content: "rc" }
    ],
    [
      "reasoning_text replaces an empty reasoning (which is deleted first)",
      { role: "assistant", reasoning: "", content: "x", reasoning_text: "t" },
      { role: "assistant", content: "x", reasoning: "t" }
    ],
    [
      "reasoning_text moves when reasoning_content is empty (which is deleted)",
      { role: "assistant", reasoning_content: "", reasoning_text: "t" },
      { role: "assistant", reasoning: "t" }
    ],
    ["an empty reasoning_text is dropped", { role: "assistant", reasoning_text: " " }, { role: "assistant" }],
    ["a non-string reasoning_text is dropped", { role: "assistant", reasoning_text: ["t"] }, { role: "assistant" }],
    [
      "a string reasoning_details wins over reasoning_text",
      { role: "assistant", reasoning_text: "t", reasoning_details: "d" },
      { role: "assistant", reasoning: "d" }
    ],
    [
      "unknown fields keep their values and positions; an existing reasoning keeps its place",
      { z: 1, role: "assistant", reasoning_details: "d", a: [1], reasoning: "", b: null },
      { z: 1, role: "assistant", a: [1], reasoning: "d", b: null }
    ]
  ]
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const before = structuredClone(input)
      const output = cleanOne(input)
      expect(output).toEqual(expected)
      expect(Object.keys(output)).toEqual(Object.keys(expected))
      expect(input).toEqual(before)
    })
  }

  for (const slug of ["anthropic/claude-sonnet-4-6", "x-ai/grok-4", "openai/gpt-5", "deepseek/deepseek-v4-pro"]) {
    it(`a reasoning_details array is kept as the same object for ${slug} (unlike OpenClaw)`, () => {
      const details = [
        { type: "reasoning.text", text: "t", signature: CLAUDE_ID, format: "anthropic-claude-v1", index: 0 },
        { type: "reasoning.encrypted", data: "not base64!", format: "openai-responses-v1" }
      ]
      const message = { role: "assistant", content: null, reasoning_details: details }
      const body = bodyOf(message)
      const output = run(slug, body)
      expect(output).toBe(body)
      expect(messageOut(output).reasoning_details).toBe(details)
    })
  }

  it("touches assistant messages only", () => {
    const user = { role: "user", reasoning: "", reasoning_details: "x", reasoning_text: "t" }
    const tool = { role: "tool", tool_call_id: "c", reasoning_content: "" }
    const noRole = { reasoning: "" }
    const body = bodyOf(user, tool, noRole)
    expect(run("openai/gpt-5", body)).toBe(body)
  })

  it("keeps the body, and each unchanged message, as the same object", () => {
    const first = { role: "user", content: "q" }
    const second = { role: "assistant", content: "a", reasoning: "" }
    const third = { role: "assistant", content: "b" }
    const body = { stream: true, messages: [first, second, third], model: "m" }
    const output = run("openai/gpt-5", body)
    expect(output).not.toBe(body)
    expect(Object.keys(output)).toEqual(["stream", "messages", "model"])
    expect(messagesOut(output)[0]).toBe(first)
    expect(messagesOut(output)[1]).toEqual({ role: "assistant", content: "a" })
    expect(messagesOut(output)[2]).toBe(third)
    expect(second).toEqual({ role: "assistant", content: "a", reasoning: "" })

    const clean = bodyOf(first, third)
    expect(run("openai/gpt-5", clean)).toBe(clean)
  })

  it("cleanReasoningFields on its own", () => {
    const body = bodyOf({ role: "assistant", reasoning_details: "d" })
    expect(cleanReasoningFields(body)).toEqual(bodyOf({ role: "assistant", reasoning: "d" }))
  })
})

// ---------------------------------------------------------------------------------------------
// Non-replayable reasoning on Anthropic and xAI routes (issue 16, item 2)
// ---------------------------------------------------------------------------------------------

describe("plain-text reasoning on anthropic/* and x-ai/* (issue 16)", () => {
  const SIGNED_ONLY = ["anthropic/claude-sonnet-4-6", "x-ai/grok-4.1-fast", "openrouter/anthropic/claude-opus-4-7", "X-AI/Grok-4"]
  const DETAILS = [
    { type: "reasoning.text", text: "t", signature: "sig-1", format: "anthropic-claude-v1", index: 0 },
    { type: "reasoning.encrypted", data: "opaque", format: "xai-responses-v1", index: 1 }
  ]
  const withRoute = (slug: string, baseUrl: string | undefined): TransformContext => ({
    ...contextFor(slug),
    route: RouteVerifier.classify(baseUrl)
  })

  const plain: ReadonlyArray<readonly [string, Rec]> = [
    ["a string reasoning", { role: "assistant", content: "a", reasoning: "thought" }],
    ["a string reasoning_content", { role: "assistant", content: "a", reasoning_content: "thought" }],
    ["a string reasoning_text", { role: "assistant", content: "a", reasoning_text: "thought" }],
    ["a string reasoning_details", { role: "assistant", content: "a", reasoning_details: "thought" }],
    [
      "all four at once",
      { role: "assistant", reasoning: "r", content: "a", reasoning_content: "rc", reasoning_text: "t", reasoning_details: "d" }
    ]
  ]
  for (const slug of SIGNED_ONLY) {
    for (const [name, message] of plain) {
      it(`${slug}: ${name} goes out with none of the four fields`, () => {
        const output = cleanOne(message, slug)
        expect(output).toEqual({ role: "assistant", content: "a" })
        expect(Object.keys(output)).toEqual(["role", "content"])
      })
    }

    it(`${slug}: a signed or encrypted reasoning_details array is replayed verbatim, the plain text beside it dropped`, () => {
      const message = { role: "assistant", reasoning: "r", content: null, reasoning_details: DETAILS, reasoning_content: "rc" }
      const output = cleanOne(message, slug)
      expect(output).toEqual({ role: "assistant", content: null, reasoning_details: DETAILS })
      expect(output.reasoning_details).toBe(DETAILS)
    })
  }

  it("only assistant turns are touched", () => {
    const body = bodyOf({ role: "user", content: "q", reasoning: "r" }, { role: "tool", tool_call_id: "c", reasoning_content: "x" })
    expect(run("anthropic/claude-sonnet-4-6", body)).toBe(body)
  })

  for (const slug of ["openai/gpt-5", "deepseek/deepseek-v4-pro", "google/gemini-2.5-pro", "someone/anthropic-like", "x-ai-fan/model"]) {
    it(`${slug}: a string reasoning_details becomes reasoning, string reasoning / reasoning_content are kept, an empty reasoning_content dropped`, () => {
      expect(cleanOne({ role: "assistant", content: "a", reasoning_details: "d" }, slug)).toEqual({
        role: "assistant",
        content: "a",
        reasoning: "d"
      })
      expect(cleanOne({ role: "assistant", content: "a", reasoning: "r", reasoning_content: "rc" }, slug)).toEqual({
        role: "assistant",
        content: "a",
        reasoning: "r",
        reasoning_content: "rc"
      })
      expect(cleanOne({ role: "assistant", content: "a", reasoning_content: "" }, slug)).toEqual({ role: "assistant", content: "a" })
    })
  }

  // Like the other replay fixes (DeepSeek V4, the Anthropic prefill), only on an exact-verified route.
  for (const baseUrl of ["https://proxy.example.com/v1", "http://localhost:8080/v1", "https://eu.openrouter.ai/api/v1"]) {
    it(`an unverified route (${baseUrl}) keeps the plain text, cleaned as for any model`, () => {
      const body = bodyOf({ role: "assistant", content: "a", reasoning: "r", reasoning_details: "d" })
      const output = replayHygiene(withRoute("anthropic/claude-sonnet-4-6", baseUrl))(body)
      expect(messageOut(output)).toEqual({ role: "assistant", content: "a", reasoning: "r" })
    })
  }

  for (const baseUrl of [undefined, "https://openrouter.ai/api/v1", "https://openrouter.ai/v1/"]) {
    it(`an exact-verified route (${String(baseUrl)}) drops it`, () => {
      const body = bodyOf({ role: "assistant", content: "a", reasoning: "r" })
      expect(messageOut(replayHygiene(withRoute("x-ai/grok-4", baseUrl))(body))).toEqual({ role: "assistant", content: "a" })
    })
  }

  it("isSignedReasoningOnlyModel", () => {
    for (const slug of SIGNED_ONLY) expect(isSignedReasoningOnlyModel(slug)).toBe(true)
    for (const slug of ["openai/gpt-5", "anthropic", "x-ai", "openrouter/openrouter/anthropic/x", "my/anthropic/x", ""]) {
      expect(isSignedReasoningOnlyModel(slug)).toBe(false)
    }
  })

  it("dropPlainReasoning on its own", () => {
    const body = bodyOf({ role: "assistant", reasoning_details: 3, reasoning: "", content: "a" })
    expect(dropPlainReasoning(body)).toEqual(bodyOf({ role: "assistant", content: "a" }))
  })
})

// ---------------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------------

describe("malformed input passes through", () => {
  const slugs = ["openai/gpt-5", "google/gemini-2.5-pro", "mistralai/mistral-large"]
  const bodies: ReadonlyArray<readonly [string, Body]> = [
    ["no messages", { model: "m" }],
    ["messages is an object", { messages: { role: "assistant", reasoning: "" } }],
    ["messages is a string", { messages: "hello" }],
    ["messages is null", { messages: null }],
    ["messages holds non-objects", { messages: [null, 1, "x", [{ role: "assistant", reasoning: "" }], true] }],
    [
      "fields of unexpected types",
      {
        messages: [
          { role: "assistant", tool_calls: "x", content: 3 },
          { role: "assistant", tool_calls: [null, 1, "c", [], { id: 7 }], content: [null, "x", 2] },
          { role: "assistant", tool_calls: [{ id: null, function: "f" }], reasoning_details: [null, 1, "s"] },
          { role: "tool", tool_call_id: 12 },
          { role: 5, reasoning: "" },
          { role: null }
        ]
      }
    ]
  ]
  for (const slug of slugs) {
    for (const [name, body] of bodies) {
      it(`${name} (${slug})`, () => {
        const before = structuredClone(body)
        expect(run(slug, body)).toBe(body)
        expect(body).toEqual(before)
      })
    }
  }

  it("a body that is not an object is returned as is", () => {
    for (const value of [null, 1, "x", [1]]) {
      expect(run("google/gemini-2.5-pro", value as unknown as Body)).toBe(value)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// b. Gemini
// ---------------------------------------------------------------------------------------------

describe("isGeminiModel", () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ["google/gemini-2.5-pro", true],
    ["gemini-2.5-pro", true],
    ["openrouter/google/gemini-3-flash-preview", true],
    ["Google/Gemini-2.5-Flash", true],
    ["someone/my-gemini-finetune", true],
    ["google/gemma-3-27b-it", false],
    ["anthropic/claude-sonnet-4-6", false],
    ["", false]
  ]
  for (const [slug, expected] of cases) {
    it(`${JSON.stringify(slug)} → ${expected}`, () => expect(isGeminiModel(slug)).toBe(expected))
  }
})

describe("isValidBase64Signature", () => {
  const cases: ReadonlyArray<readonly [string, unknown, boolean]> = [
    ["a Gemini signature (standard base64)", GEMINI_SIGNATURE, true],
    ["the same bytes in base64url", GEMINI_SIGNATURE_URL, true],
    ["a short one", "AQID", true],
    ["padded", "AQ==", true],
    ["unpadded", "AQ", true],
    ["extra padding is ignored", "AQ=====", true],
    ["whitespace around and inside is removed", "  AQ\nID\t ", true],
    ["base64url", "-_8", true],
    ["a Claude-style msg_ id", CLAUDE_ID, false],
    ["msg_ with a dangling character", "msg_01ABC", false],
    ["empty", "", false],
    ["blank", " \n\t", false],
    ["a single character decodes to nothing", "Q", false],
    ["only padding", "====", false],
    ["non-zero trailing bits", "AR==", false],
    ["non-zero trailing bits, three characters", "QUJ", false],
    ["padding inside", "AQ==AQ==", false],
    ["mixing the two alphabets", "+_8", false],
    ["a character outside the set", "AQID!", false],
    ["a dot", "ab.cd", false],
    ["a number", 42, false],
    ["null", null, false],
    ["an object", { signature: "AQID" }, false]
  ]
  for (const [name, value, expected] of cases) {
    it(`${name}: ${JSON.stringify(value)} → ${expected}`, () => expect(isValidBase64Signature(value)).toBe(expected))
  }

  it("a 28-character Claude message id is well-formed base64url, so it is kept (the rule checks base64, not msg_)", () => {
    expect(isValidBase64Signature("msg_013Zva2CMHLNnXjNJJKqJ2EF")).toBe(true)
  })

  const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 64 })

  it.prop(
    "every base64 or base64url encoding of at least one byte is valid, padded or not, with whitespace",
    [bytes, fc.nat(3), fc.nat(40)],
    ([data, padding, split]) => {
      const standard = toBase64(data)
      const bare = standard.replace(/=+$/, "")
      expect(isValidBase64Signature(standard)).toBe(true)
      expect(isValidBase64Signature(bare + "=".repeat(padding))).toBe(true)
      expect(isValidBase64Signature(toBase64Url(data))).toBe(true)
      const at = split % (standard.length + 1)
      expect(isValidBase64Signature(` ${standard.slice(0, at)}\n${standard.slice(at)} `)).toBe(true)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  it.prop(
    "a character outside the set, or a dangling sixth character, makes it invalid",
    [bytes, fc.constantFrom("!", ".", ":", "é", "*", "\u0000"), fc.nat(100)],
    ([data, bad, at]) => {
      const bare = toBase64(data).replace(/=+$/, "")
      const index = at % (bare.length + 1)
      expect(isValidBase64Signature(bare.slice(0, index) + bad + bare.slice(index))).toBe(false)
      if (bare.length % 4 === 0) expect(isValidBase64Signature(bare + "A")).toBe(false)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})

describe("Gemini thought-signature sanitation", () => {
  const slug = "google/gemini-2.5-pro"

  it("drops invalid signatures on the message, its content blocks and its tool calls", () => {
    const validBlock = { type: "text", text: "a", thought_signature: GEMINI_SIGNATURE }
    const untouchedCall = { id: "c2", type: "function", function: { name: "g", arguments: "{}" } }
    const message = {
      role: "assistant",
      thought_signature: CLAUDE_ID,
      content: [
        { type: "text", text: "x", thought_signature: CLAUDE_ID, thoughtSignature: GEMINI_SIGNATURE },
        validBlock,
        { type: "text", thoughtSignature: 12, extra: true },
        "plain",
        null
      ],
      thoughtSignature: "AQID",
      tool_calls: [
        {
          id: "c1",
          thought_signature: "not-base64!",
          type: "function",
          function: { name: "f", thoughtSignature: CLAUDE_ID, arguments: "{}", thought_signature: "AQID" }
        },
        untouchedCall,
        "odd"
      ]
    }
    const before = structuredClone(message)
    const output = messageOut(run(slug, bodyOf(message)))
    expect(output).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "x", thoughtSignature: GEMINI_SIGNATURE },
        validBlock,
        { type: "text", extra: true },
        "plain",
        null
      ],
      thoughtSignature: "AQID",
      tool_calls: [
        { id: "c1", type: "function", function: { name: "f", arguments: "{}", thought_signature: "AQID" } },
        untouchedCall,
        "odd"
      ]
    })
    const content = output.content as ReadonlyArray<unknown>
    expect(content[1]).toBe(validBlock)
    expect((output.tool_calls as ReadonlyArray<unknown>)[1]).toBe(untouchedCall)
    expect(message).toEqual(before)
  })

  it("a non-string signature is dropped", () => {
    for (const value of [null, 1, true, { a: 1 }, ["AQID"]]) {
      expect(cleanOne({ role: "assistant", thought_signature: value, content: "x" }, slug)).toEqual({
        role: "assistant",
        content: "x"
      })
    }
  })

  it("filters reasoning_details entries of other formats by their signature", () => {
    const entries = {
      claudeBad: { type: "reasoning.text", text: "t", signature: CLAUDE_ID, format: "anthropic-claude-v1" },
      claudeGood: { type: "reasoning.text", text: "t", signature: GEMINI_SIGNATURE, format: "anthropic-claude-v1" },
      encryptedBad: { type: "reasoning.encrypted", data: "opaque blob!", format: "openai-responses-v1" },
      encryptedGood: { type: "reasoning.encrypted", data: "AQID", format: "openai-responses-v1" },
      nullSignatureBadData: { type: "reasoning.text", signature: null, data: "bad.data", format: "x" },
      signatureWinsOverData: { signature: "AQID", data: "bad.data", format: "x" },
      badSignatureGoodData: { signature: "bad.sig", data: "AQID", format: "x" },
      gemini: { type: "reasoning.text", signature: CLAUDE_ID, format: "google-gemini-v1" },
      noSignature: { type: "reasoning.summary", summary: "s", format: "anthropic-claude-v1" },
      noFormat: { type: "reasoning.text", signature: CLAUDE_ID },
      nonStringFormat: { signature: CLAUDE_ID, format: 3 }
    }
    const details = [...Object.values(entries), "odd", null]
    const output = cleanOne({ role: "assistant", reasoning_details: details, content: "x" }, slug)
    expect(output.reasoning_details).toEqual([
      entries.claudeGood,
      entries.encryptedGood,
      entries.signatureWinsOverData,
      entries.gemini,
      entries.noSignature,
      entries.noFormat,
      entries.nonStringFormat,
      "odd",
      null
    ])
    expect(Object.keys(output)).toEqual(["role", "reasoning_details", "content"])
    expect((output.reasoning_details as ReadonlyArray<unknown>)[0]).toBe(entries.claudeGood)
    expect(details).toHaveLength(13)
  })

  it("keeps a reasoning_details array with nothing to drop as the same object", () => {
    const details = [{ type: "reasoning.text", signature: GEMINI_SIGNATURE, format: "google-gemini-v1" }]
    const body = bodyOf({ role: "assistant", reasoning_details: details })
    expect(run(slug, body)).toBe(body)
  })

  it("a body with only valid signatures is returned as is", () => {
    const body = bodyOf({
      role: "assistant",
      thought_signature: GEMINI_SIGNATURE_URL,
      content: [{ type: "text", thoughtSignature: "AQID" }],
      tool_calls: [{ id: "x", function: { name: "f", thought_signature: GEMINI_SIGNATURE } }]
    })
    expect(run(slug, body)).toBe(body)
  })

  it("leaves other roles alone", () => {
    const body = bodyOf(
      { role: "user", content: [{ type: "text", thought_signature: CLAUDE_ID }] },
      { role: "tool", tool_call_id: "c", thoughtSignature: CLAUDE_ID }
    )
    expect(run(slug, body)).toBe(body)
  })

  for (const other of ["anthropic/claude-sonnet-4-6", "openai/gpt-5", "mistralai/mistral-large"]) {
    it(`does nothing for ${other}`, () => {
      const body = bodyOf({
        role: "assistant",
        thought_signature: CLAUDE_ID,
        content: [{ type: "text", thoughtSignature: CLAUDE_ID }],
        reasoning_details: [{ signature: CLAUDE_ID, format: "anthropic-claude-v1" }]
      })
      expect(run(other, body)).toBe(body)
    })
  }

  it("applies to bare and upper-case gemini slugs", () => {
    const message = { role: "assistant", thought_signature: CLAUDE_ID }
    for (const gemini of ["gemini-2.5-pro", "GOOGLE/GEMINI-2.5-FLASH"]) {
      expect(cleanOne(message, gemini)).toEqual({ role: "assistant" })
    }
  })

  it("sanitizeGemini on its own does not clean reasoning fields", () => {
    const body = bodyOf({ role: "assistant", reasoning: "", thought_signature: CLAUDE_ID })
    expect(sanitizeGemini(body)).toEqual(bodyOf({ role: "assistant", reasoning: "" }))
  })
})

// ---------------------------------------------------------------------------------------------
// c. Mistral
// ---------------------------------------------------------------------------------------------

describe("isMistralModel", () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ["mistralai/mistral-large-2411", true],
    ["openrouter/mistralai/devstral-small", true],
    ["OpenRouter/MistralAI/Mistral-Medium-3", true],
    ["mistral/mistral-large", true],
    ["mistral-large-latest", true],
    ["codestral-2501", true],
    ["devstral-small-2505", true],
    ["ministral-8b", true],
    ["mixtral-8x7b", true],
    ["pixtral-12b", true],
    ["voxtral-mini", true],
    ["openrouter/openrouter/mistralai/x", false],
    ["mistral", false],
    ["mistralai", false],
    ["meta/mixtral-8x7b", false],
    ["x-mistralai/foo", false],
    ["google/gemini-2.5-pro", false],
    ["anthropic/claude-sonnet-4-6", false],
    ["", false]
  ]
  for (const [slug, expected] of cases) {
    it(`${JSON.stringify(slug)} → ${expected}`, () => expect(isMistralModel(slug)).toBe(expected))
  }
})

describe("strictToolCallId", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["call_abc123def456", "callabc12"],
    ["toolu_01ABCdef", "toolu01AB"],
    ["abcdefghi", "abcdefghi"],
    ["abcdefghijkl", "abcdefghi"],
    // Fewer than nine alphanumerics: the first 9 hex characters of SHA-256 of what is left.
    ["abc", "ba7816bf8"],
    ["a-b-c", "ba7816bf8"],
    ["call_1", "78d66c1f7"],
    // Nothing left: SHA-256 of "sanitized".
    ["", "44d8b78be"],
    ["___", "44d8b78be"],
    ["日本語", "44d8b78be"]
  ]
  for (const [id, expected] of cases) {
    it(`${JSON.stringify(id)} → ${expected}`, () => expect(strictToolCallId(id)).toBe(expected))
  }
})

describe("Mistral tool-call ids", () => {
  const slug = "mistralai/mistral-large-2411"

  const call = (id: unknown, name = "f") => ({ id, type: "function", function: { name, arguments: "{}" } })
  const ids = (body: Body): Array<unknown> =>
    messagesOut(body).flatMap((message) => {
      if (!isRec(message)) return []
      if (message.role === "tool") return [message.tool_call_id]
      return Array.isArray(message.tool_calls) ? message.tool_calls.map((c) => (isRec(c) ? c.id : undefined)) : []
    })

  it("rewrites tool_calls ids and tool results consistently", () => {
    const user = { role: "user", content: "q" }
    const body = bodyOf(
      user,
      { role: "assistant", content: null, tool_calls: [call("call_abc123def456"), call("call_1", "g")] },
      { role: "tool", tool_call_id: "call_1", content: "r1" },
      { role: "tool", tool_call_id: "call_abc123def456", content: "r2" },
      { role: "assistant", tool_calls: [call("call_1")] },
      { role: "tool", content: "r3", tool_call_id: "call_1" }
    )
    const output = run(slug, body)
    // The second turn's call_1 is a call of its own: SHA-256("call_1:1"), and its result follows it.
    expect(ids(output)).toEqual(["callabc12", "78d66c1f7", "78d66c1f7", "callabc12", "afd4d6fde", "afd4d6fde"])
    expect(messagesOut(output)[0]).toBe(user)
    // key order kept
    expect(Object.keys(messageOut(output, 5))).toEqual(["role", "content", "tool_call_id"])
    expect(Object.keys((messageOut(output, 1).tool_calls as Array<Rec>)[0]!)).toEqual(["id", "type", "function"])
  })

  it("issue 16: two calls with the same raw id in one turn get two distinct ids, paired with the results in order", () => {
    const body = bodyOf(
      { role: "user", content: "edit twice" },
      { role: "assistant", content: null, tool_calls: [call("edit:22", "edit"), call("edit:22", "edit")] },
      { role: "tool", tool_call_id: "edit:22", content: "first" },
      { role: "tool", tool_call_id: "edit:22", content: "second" },
      { role: "assistant", content: "done" }
    )
    const output = run(slug, body)
    const [first, second, firstResult, secondResult] = ids(output)
    expect(first).toMatch(/^[A-Za-z0-9]{9}$/)
    expect(second).toMatch(/^[A-Za-z0-9]{9}$/)
    expect(first).not.toBe(second)
    expect(firstResult).toBe(first)
    expect(secondResult).toBe(second)
    // edit22 is six alphanumerics: SHA-256("edit22"), then SHA-256("edit:22:1") for the repeat.
    expect(ids(output)).toEqual(["abe926ef6", "333908d92", "abe926ef6", "333908d92"])
    expect(messageOut(output, 2).content).toBe("first")
    expect(run(slug, output)).toBe(output)
  })

  it("issue 16: a tool result with tool_call_id and a matching tool_use_id maps both to the same id", () => {
    const body = bodyOf(
      { role: "assistant", tool_calls: [call("edit:22"), call("edit:22")] },
      { role: "tool", tool_call_id: "edit:22", tool_use_id: "edit:22", content: "a" },
      { role: "tool", tool_use_id: "edit:22", tool_call_id: "edit:22", content: "b" }
    )
    const output = run(slug, body)
    const [first, second] = ids(output)
    expect(messageOut(output, 1)).toEqual({ role: "tool", tool_call_id: first, tool_use_id: first, content: "a" })
    expect(messageOut(output, 2)).toEqual({ role: "tool", tool_use_id: second, tool_call_id: second, content: "b" })
    expect(Object.keys(messageOut(output, 2))).toEqual(["role", "tool_use_id", "tool_call_id", "content"])
  })

  it("a tool_use_id alone pairs like a tool_call_id; distinct tool_call_id and tool_use_id are resolved one after the other", () => {
    const body = bodyOf(
      { role: "assistant", tool_calls: [call("toolu_01A"), call("call_1")] },
      { role: "tool", tool_use_id: "toolu_01A" },
      { role: "tool", tool_call_id: "call_1", tool_use_id: "other" }
    )
    const output = run(slug, body)
    const [a, b] = ids(output)
    expect(messageOut(output, 1).tool_use_id).toBe(a)
    expect(messageOut(output, 2).tool_call_id).toBe(b)
    const other = messageOut(output, 2).tool_use_id
    expect(other).toMatch(/^[A-Za-z0-9]{9}$/)
    expect([a, b]).not.toContain(other)
  })

  it("a second result for the same call (no call left to pair with) gets an id of its own", () => {
    const body = bodyOf(
      { role: "assistant", tool_calls: [call("abcdefghi")] },
      { role: "tool", tool_call_id: "abcdefghi" },
      { role: "tool", tool_call_id: "abcdefghi" }
    )
    const [callId, result, extra] = ids(run(slug, body))
    expect([callId, result]).toEqual(["abcdefghi", "abcdefghi"])
    expect(extra).toMatch(/^[A-Za-z0-9]{9}$/)
    expect(extra).not.toBe("abcdefghi")
  })

  it("an empty or symbol-only id becomes the hash of \"sanitized\"", () => {
    const output = run(slug, bodyOf({ role: "assistant", tool_calls: [call("")] }, { role: "tool", tool_call_id: "" }))
    expect(ids(output)).toEqual(["44d8b78be", "44d8b78be"])
  })

  it("distinct ids that collide get distinct ids, derived from the original and a counter", () => {
    const body = bodyOf(
      { role: "assistant", tool_calls: [call("call_abc123xyz"), call("call-abc123-qq"), call("ab"), call("a-b")] },
      { role: "tool", tool_call_id: "call-abc123-qq" },
      { role: "tool", tool_call_id: "a-b" },
      { role: "tool", tool_call_id: "call_abc123xyz" },
      { role: "tool", tool_call_id: "ab" }
    )
    expect(ids(run(slug, body))).toEqual([
      "callabc12",
      "55ec8aa38", // SHA-256("call-abc123-qq:1")
      "fb8e20fc2", // SHA-256("ab")
      "0928615c8", // SHA-256("a-b:1")
      "55ec8aa38",
      "0928615c8",
      "callabc12",
      "fb8e20fc2"
    ])
  })

  it("an id that already is nine alphanumerics keeps itself, even when an earlier id truncates to it", () => {
    const body = bodyOf(
      { role: "assistant", tool_calls: [call("abcdefghiZZ")] },
      { role: "tool", tool_call_id: "abcdefghiZZ" },
      { role: "assistant", tool_calls: [call("abcdefghi")] },
      { role: "tool", tool_call_id: "abcdefghi" }
    )
    // "dfe1e6284" is SHA-256("abcdefghiZZ:1")
    expect(ids(run(slug, body))).toEqual(["dfe1e6284", "dfe1e6284", "abcdefghi", "abcdefghi"])
  })

  it("a tool result without a matching call is rewritten too", () => {
    // SHA-256("orphan1")
    expect(ids(run(slug, bodyOf({ role: "tool", tool_call_id: "orphan_1" })))).toEqual(["98f8fdfaf"])
  })

  it("a request whose ids are already strict is returned as is", () => {
    const body = bodyOf(
      { role: "assistant", tool_calls: [call("abcdefghi"), call("ABC123xyz")] },
      { role: "tool", tool_call_id: "abcdefghi" }
    )
    expect(run(slug, body)).toBe(body)
  })

  it("ids that are not strings, and tool_calls that are not arrays, are left alone", () => {
    const weird = { role: "assistant", tool_calls: [call(7), call(null), { type: "function" }, "x"] }
    const notArray = { role: "assistant", tool_calls: { id: "call_1" } }
    const body = bodyOf(weird, notArray, { role: "tool", tool_call_id: 5 })
    expect(run(slug, body)).toBe(body)
  })

  it("only assistant tool_calls and tool results are touched", () => {
    const body = bodyOf(
      { role: "user", tool_calls: [call("call_1")] },
      { role: "assistant", tool_call_id: "call_1" },
      { role: "system", tool_call_id: "call_1" }
    )
    expect(run(slug, body)).toBe(body)
  })

  for (const other of ["openai/gpt-5", "google/gemini-2.5-pro", "anthropic/claude-sonnet-4-6", "deepseek/deepseek-v4-pro"]) {
    it(`ids are kept for ${other}`, () => {
      const body = bodyOf({ role: "assistant", tool_calls: [call("call_1")] }, { role: "tool", tool_call_id: "call_1" })
      expect(run(other, body)).toBe(body)
    })
  }

  it("sanitizeMistralToolCallIds on its own", () => {
    const body = bodyOf({ role: "tool", tool_call_id: "call_1", reasoning: "" })
    expect(sanitizeMistralToolCallIds(body)).toEqual(bodyOf({ role: "tool", tool_call_id: "78d66c1f7", reasoning: "" }))
  })
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const B64_CHARS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_- \n"]

const byteArray = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 0, maxLength: 24 })

const signatureArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    GEMINI_SIGNATURE,
    GEMINI_SIGNATURE_URL,
    CLAUDE_ID,
    "msg_013Zva2CMHLNnXjNJJKqJ2EF",
    "AQID",
    "AQ==",
    "AR==",
    "",
    " ",
    "+_8"
  ),
  byteArray.map(toBase64),
  byteArray.map(toBase64Url),
  fc.string({ unit: fc.constantFrom(...B64_CHARS), maxLength: 16 }),
  fc.string({ maxLength: 12 }),
  fc.jsonValue({ maxDepth: 1 })
)

const textArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", " ", "\n\t", "thinking…"),
  fc.jsonValue({ maxDepth: 1 })
)

const ID_POOL = [
  "call_abc123xyz",
  "call-abc123-qq",
  "abcdefghi",
  "abcdefghiZZ",
  "a-b",
  "ab",
  "",
  "___",
  "toolu_01XyZ",
  "call_1",
  "callabc12",
  "fb8e20fc2"
]

const idArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...ID_POOL), weight: 4 },
  { arbitrary: fc.string({ maxLength: 14 }), weight: 2 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9]{9}$/), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 0 }), weight: 1 }
)

const extraKeyArb = fc.oneof(
  fc.constantFrom("x", "name", "refusal", "annotations", "__proto__", "constructor", "0"),
  fc.string({ maxLength: 6 })
)

const extrasArb = fc.array(fc.tuple(extraKeyArb, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 })

/** An object with the given fields, present or not, in a random order, among unknown fields. */
const shuffledRecord = (fields: Record<string, fc.Arbitrary<unknown>>, required: ReadonlyArray<string> = []) =>
  fc
    .tuple(
      fc.record(fields),
      fc.shuffledSubarray(Object.keys(fields).filter((key) => !required.includes(key))),
      fc.nat(8),
      extrasArb,
      extrasArb
    )
    .map(([values, keys, at, before, after]) => {
      const ordered: Array<string> = [...keys]
      for (const key of required) ordered.splice(at % (ordered.length + 1), 0, key)
      return Object.fromEntries([...before, ...ordered.map((key) => [key, values[key]] as const), ...after])
    })

const blockArb = fc.oneof(
  { arbitrary: shuffledRecord({ type: fc.constantFrom("text", "thinking"), text: textArb, thought_signature: signatureArb, thoughtSignature: signatureArb }), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }
)

const functionArb = fc.oneof(
  shuffledRecord({ name: fc.string({ maxLength: 5 }), arguments: fc.string({ maxLength: 8 }), thought_signature: signatureArb, thoughtSignature: signatureArb }),
  fc.jsonValue({ maxDepth: 1 })
)

const toolCallArb = fc.oneof(
  { arbitrary: shuffledRecord({ id: idArb, type: fc.constant("function"), function: functionArb, thought_signature: signatureArb, thoughtSignature: signatureArb }, ["id"]), weight: 4 },
  { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }
)

const detailArb = fc.oneof(
  {
    arbitrary: shuffledRecord({
      type: fc.constantFrom("reasoning.text", "reasoning.encrypted", "reasoning.summary"),
      format: fc.oneof(fc.constantFrom("google-gemini-v1", "anthropic-claude-v1", "openai-responses-v1", "unknown"), fc.jsonValue({ maxDepth: 0 })),
      signature: signatureArb,
      data: signatureArb,
      text: fc.string({ maxLength: 6 }),
      index: fc.nat(5)
    }),
    weight: 4
  },
  { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }
)

const messageArb = shuffledRecord(
  {
    role: fc.oneof(
      { arbitrary: fc.constantFrom("assistant", "tool", "user", "system"), weight: 6 },
      { arbitrary: fc.jsonValue({ maxDepth: 0 }), weight: 1 }
    ),
    content: fc.oneof(fc.string({ maxLength: 6 }), fc.constant(null), fc.array(blockArb, { maxLength: 3 })),
    reasoning_details: fc.oneof({ arbitrary: fc.array(detailArb, { maxLength: 4 }), weight: 2 }, { arbitrary: textArb, weight: 1 }),
    reasoning: textArb,
    reasoning_content: textArb,
    reasoning_text: textArb,
    tool_calls: fc.oneof({ arbitrary: fc.array(toolCallArb, { maxLength: 3 }), weight: 3 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }),
    tool_call_id: idArb,
    tool_use_id: fc.oneof({ arbitrary: idArb, weight: 2 }, { arbitrary: fc.constant("same"), weight: 1 }),
    thought_signature: signatureArb,
    thoughtSignature: signatureArb
  },
  ["role"]
)

// A tool_use_id of "same" is replaced by the message's tool_call_id, so that matching pairs occur.
const withMatchingUseIds = (messages: ReadonlyArray<unknown>): ReadonlyArray<unknown> =>
  messages.map((message) =>
    isRec(message) && message.tool_use_id === "same" ? { ...message, tool_use_id: message.tool_call_id } : message
  )

const bodyArb: fc.Arbitrary<Body> = fc.oneof(
  {
    arbitrary: shuffledRecord(
      {
        model: fc.string({ maxLength: 5 }),
        messages: fc.array(
          fc.oneof({ arbitrary: messageArb, weight: 6 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }),
          { maxLength: 6 }
        ).map(withMatchingUseIds),
        stream: fc.boolean()
      },
      ["messages"]
    ),
    weight: 8
  },
  { arbitrary: fc.dictionary(fc.constantFrom("messages", "model", "x"), fc.jsonValue({ maxDepth: 2 })), weight: 1 }
)

const GEMINI_SLUGS = ["google/gemini-2.5-pro", "gemini-2.5-flash", "openrouter/google/gemini-3-pro-preview"]
const MISTRAL_SLUGS = ["mistralai/mistral-large-2411", "openrouter/mistralai/devstral-small", "codestral-2501", "mixtral-8x7b"]
const SIGNED_ONLY_SLUGS = ["anthropic/claude-sonnet-4-6", "x-ai/grok-4", "openrouter/anthropic/claude-opus-4-7"]
const OTHER_SLUGS = [...SIGNED_ONLY_SLUGS, "openai/gpt-5", "deepseek/deepseek-v4-pro", "openrouter/auto"]
const BASE_URLS = [undefined, "https://openrouter.ai/api/v1", "https://openrouter.ai/v1", "https://eu.openrouter.ai/api/v1", "https://proxy.example.com/v1", "http://localhost:1234"]

const slugArb = fc.oneof(fc.constantFrom(...GEMINI_SLUGS, ...MISTRAL_SLUGS, ...OTHER_SLUGS), fc.string({ maxLength: 20 }))
const nonGeminiSlugArb = fc.oneof(
  fc.constantFrom(...MISTRAL_SLUGS, ...OTHER_SLUGS),
  fc.string({ maxLength: 20 }).filter((slug) => !isGeminiModel(slug))
)

const PROPERTY = { fastCheck: { numRuns: propertyRuns(1000) } }

const isStrict9 = (u: unknown): boolean => typeof u === "string" && /^[A-Za-z0-9]{9}$/.test(u)
const nonBlankStringOrAbsent = (record: Rec, key: string): boolean =>
  !Object.hasOwn(record, key) || (typeof record[key] === "string" && (record[key] as string).trim() !== "")

describe("replayHygiene properties", () => {
  it.prop(
    "never throws and never mutates its input",
    [slugArb, bodyArb],
    ([slug, body]) => {
      const before = structuredClone(body)
      run(slug, body)
      // JSON.stringify compares values and key order exactly for JSON data (toStrictEqual trips over
      // an own "constructor" key).
      expect(JSON.stringify(body)).toBe(JSON.stringify(before))
    },
    PROPERTY
  )

  it.prop(
    "is idempotent, key order included, and returns its own output unchanged as the same object",
    [slugArb, bodyArb],
    ([slug, body]) => {
      const once = run(slug, body)
      const twice = run(slug, once)
      expect(JSON.stringify(twice)).toBe(JSON.stringify(once))
      expect(twice).toBe(once)
    },
    PROPERTY
  )

  it.prop(
    "copies on write: the body, and each message, is the same object unless its JSON changed",
    [slugArb, bodyArb],
    ([slug, body]) => {
      const output = run(slug, body)
      if (JSON.stringify(output) === JSON.stringify(body)) expect(output).toBe(body)
      const before = body.messages
      const after = output.messages
      if (Array.isArray(before) && Array.isArray(after)) {
        expect(after).toHaveLength(before.length)
        before.forEach((message, index) => {
          if (JSON.stringify(after[index]) === JSON.stringify(message)) expect(after[index]).toBe(message)
        })
      } else {
        expect(output).toBe(body)
      }
    },
    PROPERTY
  )

  it.prop(
    "leaves assistant messages with clean reasoning fields",
    [slugArb, bodyArb],
    ([slug, body]) => {
      const output = run(slug, body)
      const messages = Array.isArray(output.messages) ? output.messages : []
      for (const message of messages) {
        if (!isRec(message) || message.role !== "assistant") continue
        expect(nonBlankStringOrAbsent(message, "reasoning")).toBe(true)
        expect(nonBlankStringOrAbsent(message, "reasoning_content")).toBe(true)
        expect(Object.hasOwn(message, "reasoning_text")).toBe(false)
        expect(!Object.hasOwn(message, "reasoning_details") || Array.isArray(message.reasoning_details)).toBe(true)
      }
    },
    PROPERTY
  )

  it.prop(
    "keeps reasoning_details arrays byte-identical (and the same object) for non-Gemini slugs",
    [nonGeminiSlugArb, bodyArb],
    ([slug, body]) => {
      const output = run(slug, body)
      const before = Array.isArray(body.messages) ? body.messages : []
      const after = Array.isArray(output.messages) ? output.messages : []
      before.forEach((message, index) => {
        if (!isRec(message) || message.role !== "assistant" || !Array.isArray(message.reasoning_details)) return
        const out = after[index] as Rec
        expect(out.reasoning_details).toBe(message.reasoning_details)
        expect(JSON.stringify(out.reasoning_details)).toBe(JSON.stringify(message.reasoning_details))
      })
    },
    PROPERTY
  )

  it.prop(
    "on Gemini slugs, every remaining signature on assistant messages is valid and nothing else is removed",
    [fc.constantFrom(...GEMINI_SLUGS), bodyArb],
    ([slug, body]) => {
      const output = run(slug, body)
      const before = Array.isArray(body.messages) ? body.messages : []
      const after = Array.isArray(output.messages) ? output.messages : []
      const signaturesValid = (record: unknown): void => {
        if (!isRec(record)) return
        for (const key of ["thought_signature", "thoughtSignature"]) {
          if (Object.hasOwn(record, key)) expect(isValidBase64Signature(record[key])).toBe(true)
        }
      }
      before.forEach((message, index) => {
        const out = after[index]
        if (!isRec(message) || message.role !== "assistant") {
          expect(out).toBe(message)
          return
        }
        if (!isRec(out)) throw new Error("an assistant message disappeared")
        signaturesValid(out)
        if (Array.isArray(out.content)) {
          expect(out.content).toHaveLength((message.content as ReadonlyArray<unknown>).length)
          out.content.forEach(signaturesValid)
        }
        if (Array.isArray(out.tool_calls)) {
          expect(out.tool_calls).toHaveLength((message.tool_calls as ReadonlyArray<unknown>).length)
          for (const call of out.tool_calls) {
            signaturesValid(call)
            if (isRec(call)) signaturesValid(call.function)
          }
        }
        if (Array.isArray(out.reasoning_details) && Array.isArray(message.reasoning_details)) {
          const dropped = message.reasoning_details.filter((entry) => !(out.reasoning_details as Array<unknown>).includes(entry))
          for (const entry of dropped) {
            expect(isRec(entry) && typeof entry.format === "string" && entry.format !== "google-gemini-v1").toBe(true)
          }
          for (const entry of out.reasoning_details) {
            if (!isRec(entry) || typeof entry.format !== "string" || entry.format === "google-gemini-v1") continue
            const signature = typeof entry.signature === "string"
              ? entry.signature
              : typeof entry.data === "string"
              ? entry.data
              : undefined
            if (signature !== undefined) expect(isValidBase64Signature(signature)).toBe(true)
          }
        }
      })
    },
    PROPERTY
  )

  it.prop(
    "on Mistral slugs, every call gets its own nine alphanumerics, results pair with calls in order, distinct ids never merge",
    [fc.constantFrom(...MISTRAL_SLUGS), bodyArb],
    ([slug, body]) => {
      const output = run(slug, body)
      const before = Array.isArray(body.messages) ? body.messages : []
      const after = Array.isArray(output.messages) ? output.messages : []
      const backward = new Map<unknown, string>()
      const callIds = new Set<unknown>()
      const pending = new Map<string, Array<unknown>>()
      const firstSeen = new Set<string>()
      // Every rewritten id: nine alphanumerics, never shared by two raw ids, and the first use of a
      // raw id that already is nine alphanumerics keeps it.
      const rewritten = (from: string, to: unknown): void => {
        expect(isStrict9(to)).toBe(true)
        expect(backward.get(to) ?? from).toBe(from)
        backward.set(to, from)
        if (!firstSeen.has(from) && isStrict9(from)) expect(to).toBe(from)
        firstSeen.add(from)
      }
      // Results: the earliest call with the raw id not yet taken, else an id no call has.
      const resulted = (from: string, to: unknown): void => {
        const queue = pending.get(from) ?? []
        if (queue.length > 0) expect(to).toBe(queue.shift())
        else expect(callIds.has(to)).toBe(false)
        rewritten(from, to)
      }
      before.forEach((message, index) => {
        const out = after[index]
        if (!isRec(message) || !isRec(out)) return
        if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
          message.tool_calls.forEach((call, position) => {
            const outCall = (out.tool_calls as ReadonlyArray<unknown>)[position]
            if (!isRec(call) || typeof call.id !== "string" || !isRec(outCall)) return
            expect(callIds.has(outCall.id)).toBe(false)
            callIds.add(outCall.id)
            rewritten(call.id, outCall.id)
            pending.set(call.id, [...(pending.get(call.id) ?? []), outCall.id])
          })
        }
        if (message.role !== "tool") return
        const callId = message.tool_call_id
        const useId = message.tool_use_id
        if (typeof callId === "string") resulted(callId, out.tool_call_id)
        if (typeof useId === "string") {
          if (useId === callId) expect(out.tool_use_id).toBe(out.tool_call_id)
          else resulted(useId, out.tool_use_id)
        }
        if (typeof callId !== "string") expect(out.tool_call_id).toBe(callId)
        if (typeof useId !== "string") expect(out.tool_use_id).toBe(useId)
      })
    },
    PROPERTY
  )

  it.prop(
    "on anthropic/* and x-ai/* over an exact-verified route, assistant turns carry no plain-text reasoning; elsewhere they are only cleaned",
    [fc.constantFrom(...SIGNED_ONLY_SLUGS), fc.constantFrom(...BASE_URLS), bodyArb],
    ([slug, baseUrl, body]) => {
      const route = RouteVerifier.classify(baseUrl)
      const output = replayHygiene({ ...contextFor(slug), route })(body)
      if (!route.exactVerified) {
        expect(output).toEqual(run("openai/gpt-5", body))
        return
      }
      const before = Array.isArray(body.messages) ? body.messages : []
      const after = Array.isArray(output.messages) ? output.messages : []
      before.forEach((message, index) => {
        const out = after[index]
        if (!isRec(message) || message.role !== "assistant") {
          expect(out).toBe(message)
          return
        }
        const rec = out as Rec
        for (const key of ["reasoning", "reasoning_content", "reasoning_text"]) expect(Object.hasOwn(rec, key)).toBe(false)
        if (Array.isArray(message.reasoning_details)) expect(rec.reasoning_details).toBe(message.reasoning_details)
        else expect(Object.hasOwn(rec, "reasoning_details")).toBe(false)
        const rest = (r: Rec) =>
          Object.keys(r).filter((key) => !["reasoning", "reasoning_content", "reasoning_text", "reasoning_details"].includes(key))
        expect(rest(rec)).toEqual(rest(message))
      })
    },
    PROPERTY
  )

  it.prop(
    "strictToolCallId is always nine alphanumerics, and the identity on nine alphanumerics",
    [fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }))],
    ([id]) => {
      const strict = strictToolCallId(id)
      expect(isStrict9(strict)).toBe(true)
      expect(strictToolCallId(strict)).toBe(strict)
    },
    PROPERTY
  )
})
