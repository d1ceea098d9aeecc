// Streamed `reasoning_details` (issue 16, item 1): entries are read as well as kept. The pure
// chunk → events mapping (internal/chatStream `decoder`) is tested directly: the exact inputs of
// the issue, then properties over random interleavings of entries.
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import { completionEvents, decoder } from "../src/internal/chatStream.js"

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "gen-1",
  model: "qwen/qwen3-235b-a22b",
  choices: [{ index: 0, delta, finish_reason: null }],
  ...extra
})

/** The events of a run of chunks, through one decoder. */
const eventsOf = (chunks: ReadonlyArray<Record<string, unknown>>, textDetailsAsAnswer = false): Array<Chat.Event> => {
  const push = decoder({ model: "qwen/qwen3-235b-a22b", textDetailsAsAnswer })
  const out: Array<any> = []
  for (const c of chunks) push(c, out)
  return out
}

const texts = (events: ReadonlyArray<Chat.Event>) => events.flatMap((e) => (e._tag === "Text" ? [e.delta] : [])).join("")
const reasoning = (events: ReadonlyArray<Chat.Event>) => events.flatMap((e) => (e._tag === "Reasoning" ? [e.delta] : [])).join("")
const collect = (events: ReadonlyArray<Chat.Event>) => Effect.runSync(Chat.collect(Stream.fromIterable(events)))

describe("reasoning_details entries as events (the issue's exact inputs)", () => {
  it("reasoning.text is reasoning; response.output_text and response.text are answer text, in arrival order", () => {
    const events = eventsOf([
      chunk({ reasoning_details: [{ type: "reasoning.text", text: "Let me think. ", index: 0 }] }),
      chunk({
        reasoning_details: [
          { type: "reasoning.text", text: "Done.", index: 0 },
          { type: "response.output_text", text: "Hello", index: 1 },
          { type: "reasoning.text", text: " (aside)", index: 2 },
          { type: "response.text", text: " world", index: 3 }
        ]
      })
    ])
    expect(events.filter((e) => e._tag === "Reasoning" || e._tag === "Text").map((e) => [e._tag, (e as { delta: string }).delta])).toEqual([
      ["Reasoning", "Let me think. "],
      ["Reasoning", "Done."],
      ["Text", "Hello"],
      ["Reasoning", " (aside)"],
      ["Text", " world"]
    ])
    const { message } = collect(events)
    expect(message.content).toBe("Hello world")
    expect(message.reasoning).toBe("Let me think. Done. (aside)")
  })

  it("an entry of type \"text\" is reasoning unless textDetailsAsAnswer turns it on", () => {
    const chunks = [chunk({ reasoning_details: [{ type: "text", text: "ambiguous" }] })]
    expect(texts(eventsOf(chunks))).toBe("")
    expect(reasoning(eventsOf(chunks))).toBe("ambiguous")
    expect(texts(eventsOf(chunks, true))).toBe("ambiguous")
    expect(reasoning(eventsOf(chunks, true))).toBe("")
  })

  it("the fallback reasoning / reasoning_content string is not counted again when the details gave the chunk's reasoning", () => {
    for (const field of ["reasoning", "reasoning_content"]) {
      const events = eventsOf([chunk({ [field]: "same thought", reasoning_details: [{ type: "reasoning.text", text: "same thought", index: 0 }] })])
      expect(reasoning(events)).toBe("same thought")
      expect(collect(events).message.reasoning).toBe("same thought")
    }
  })

  it("when the details carry only visible text, the fallback string is still the reasoning", () => {
    for (const field of ["reasoning", "reasoning_content"]) {
      const events = eventsOf([chunk({ [field]: "a thought", reasoning_details: [{ type: "response.output_text", text: "Hi", index: 0 }] })])
      expect(reasoning(events)).toBe("a thought")
      expect(texts(events)).toBe("Hi")
      // The reasoning comes first, as the chunk's fallback precedes its answer.
      expect(events.filter((e) => e._tag === "Reasoning" || e._tag === "Text").map((e) => e._tag)).toEqual(["Reasoning", "Text"])
    }
  })

  it("a fallback string with no details, or details with only a signature, is the reasoning (as before)", () => {
    expect(reasoning(eventsOf([chunk({ reasoning: "plain" })]))).toBe("plain")
    expect(reasoning(eventsOf([chunk({ reasoning_content: "plain" })]))).toBe("plain")
    const signed = eventsOf([chunk({ reasoning: "x", reasoning_details: [{ type: "reasoning.text", text: "", signature: "sig", index: 0 }] })])
    expect(reasoning(signed)).toBe("x")
  })

  it("tool calls in the same chunks stay intact, and the raw entries are kept for replay", () => {
    const events = eventsOf([
      chunk({
        reasoning_details: [{ type: "reasoning.text", text: "call it", index: 0 }],
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"ci" } }]
      }),
      chunk({
        reasoning_details: [{ type: "response.output_text", text: "Checking", index: 1 }],
        tool_calls: [{ index: 0, function: { arguments: "ty\":\"Paris\"}" } }]
      })
    ])
    const { message } = collect(events)
    expect(message.tool_calls).toEqual([{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }])
    expect(message.content).toBe("Checking")
    expect(message.reasoning).toBe("call it")
    expect(message.reasoning_details).toEqual([
      { type: "reasoning.text", text: "call it", index: 0 },
      { type: "response.output_text", text: "Checking", index: 1 }
    ])
  })

  it("a chunk of answer entries only still carries its raw list once", () => {
    const details = [{ type: "response.output_text", text: "A", index: 0 }, { type: "response.output_text", text: "B", index: 0 }]
    const events = eventsOf([chunk({ reasoning_details: details })])
    const carried = events.flatMap((e) => (e._tag === "Reasoning" ? e.details : []))
    expect(carried).toEqual(details)
    expect(collect(events).message).toMatchObject({ content: "AB", reasoning_details: [{ type: "response.output_text", text: "AB", index: 0 }] })
    expect(collect(events).message).not.toHaveProperty("reasoning")
  })
})

describe("a JSON completion's events", () => {
  it("the message is one delta: answer content, reasoning once, tool calls indexed, finish then usage", () => {
    const events = completionEvents({
      id: "gen-9",
      model: "qwen/qwen3",
      provider: "Alibaba",
      choices: [{
        index: 0,
        finish_reason: "tool_calls",
        native_finish_reason: "tool_calls",
        message: {
          role: "assistant",
          content: "Hi",
          reasoning: "thinking",
          reasoning_details: [{ type: "reasoning.text", text: "thinking", index: 0 }, { type: "response.output_text", text: "Hi", index: 1 }],
          tool_calls: [
            { id: "a", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "b", type: "function", function: { name: "g", arguments: "{\"x\":1}" } }
          ],
          images: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA==" } }]
        }
      }],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }
    }, { model: "qwen/qwen3" })
    expect(events.map((e) => e._tag)).toEqual(["Start", "Reasoning", "Text", "ToolCall", "ToolCall", "Image", "Finish", "Usage"])
    // `content` holds the answer: the output_text entry is not read a second time.
    expect(texts(events)).toBe("Hi")
    expect(reasoning(events)).toBe("thinking")
    expect(collect(events).message.tool_calls?.map((c) => c.id)).toEqual(["a", "b"])
  })

  it("a message whose answer is only in reasoning_details gives it as text", () => {
    const events = completionEvents({
      id: "gen-9",
      model: "qwen/qwen3",
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "", reasoning_details: [{ type: "response.output_text", text: "Only here" }] } }]
    }, { model: "qwen/qwen3" })
    expect(texts(events)).toBe("Only here")
  })
})

// ---------------------------------------------------------------------------------------------
// Properties

type Entry =
  | { readonly type: "reasoning.text" | "response.output_text" | "response.text" | "text"; readonly text: string; readonly index: number }
  | { readonly type: "reasoning.summary"; readonly summary: string; readonly index: number }
  | { readonly type: "reasoning.encrypted"; readonly data: string; readonly index: number }

const piece = fc.string({ minLength: 0, maxLength: 6 })
const entry: fc.Arbitrary<Entry> = fc.oneof(
  fc.record({ type: fc.constantFrom("reasoning.text", "response.output_text", "response.text", "text"), text: piece, index: fc.nat(3) }),
  fc.record({ type: fc.constant("reasoning.summary"), summary: piece, index: fc.nat(3) }),
  fc.record({ type: fc.constant("reasoning.encrypted"), data: piece, index: fc.nat(3) })
) as fc.Arbitrary<Entry>

interface Spec {
  readonly entries: ReadonlyArray<Entry>
  /** The chunk's `reasoning` / `reasoning_content` string: the details' reasoning repeated, or another. */
  readonly fallback: { readonly field: "reasoning" | "reasoning_content"; readonly kind: "repeat" | "other"; readonly other: string } | undefined
  readonly args: string | undefined
}

const spec: fc.Arbitrary<Spec> = fc.record({
  entries: fc.array(entry, { maxLength: 5 }),
  fallback: fc.option(
    fc.record({ field: fc.constantFrom("reasoning" as const, "reasoning_content" as const), kind: fc.constantFrom("repeat" as const, "other" as const), other: fc.string({ minLength: 1, maxLength: 5 }) }),
    { nil: undefined }
  ),
  args: fc.option(piece, { nil: undefined })
})

const isReasoning = (e: Entry, textAsAnswer: boolean) => e.type === "reasoning.text" || (e.type === "text" && !textAsAnswer)
const isAnswer = (e: Entry, textAsAnswer: boolean) => e.type === "response.output_text" || e.type === "response.text" || (e.type === "text" && textAsAnswer)
const textOf = (e: Entry) => ("text" in e ? e.text : "")

/** The chunk of a spec, and what it should give: its reasoning/answer pieces in order. */
const build = (s: Spec, textAsAnswer: boolean) => {
  const detailsReasoning = s.entries.filter((e) => isReasoning(e, textAsAnswer)).map(textOf).join("")
  const fallbackText = s.fallback === undefined ? undefined : s.fallback.kind === "repeat" && detailsReasoning !== "" ? detailsReasoning : s.fallback.other
  const delta: Record<string, unknown> = {
    ...(s.entries.length > 0 || fallbackText === undefined ? { reasoning_details: s.entries } : {}),
    ...(fallbackText !== undefined ? { [s.fallback!.field]: fallbackText } : {}),
    ...(s.args !== undefined ? { tool_calls: [{ index: 0, ...(s.args === "" ? { id: "call_1" } : {}), function: { arguments: s.args } }] } : {})
  }
  const expected: Array<["R" | "T", string]> = []
  if (fallbackText !== undefined && detailsReasoning === "") expected.push(["R", fallbackText])
  for (const e of s.entries) {
    if (isReasoning(e, textAsAnswer)) expected.push(["R", textOf(e)])
    else if (isAnswer(e, textAsAnswer)) expected.push(["T", textOf(e)])
  }
  return { chunk: chunk(delta), expected }
}

/** Tagged pieces with empty ones dropped and neighbours of the same kind joined. */
const merged = (pieces: ReadonlyArray<readonly ["R" | "T", string]>): Array<["R" | "T", string]> => {
  const out: Array<["R" | "T", string]> = []
  for (const [kind, text] of pieces) {
    if (text === "") continue
    const last = out[out.length - 1]
    if (last !== undefined && last[0] === kind) last[1] += text
    else out.push([kind, text])
  }
  return out
}

describe("random interleavings of reasoning_details entries", () => {
  it.prop("text deltas are the answer entries in order, reasoning deltas the reasoning entries (fallback counted only without them), interleaved as they came", [fc.array(spec, { maxLength: 8 }), fc.boolean()], ([specs, textAsAnswer]) => {
    const built = specs.map((s) => build(s, textAsAnswer))
    const events = eventsOf(built.map((b) => b.chunk), textAsAnswer)
    const expected = built.flatMap((b) => b.expected)
    const seen = events.flatMap((e): Array<["R" | "T", string]> => (e._tag === "Reasoning" ? [["R", e.delta]] : e._tag === "Text" ? [["T", e.delta]] : []))
    expect(merged(seen)).toEqual(merged(expected))
    expect(texts(events)).toBe(expected.filter(([k]) => k === "T").map(([, t]) => t).join(""))
    expect(reasoning(events)).toBe(expected.filter(([k]) => k === "R").map(([, t]) => t).join(""))
    const { message } = collect(events)
    expect(message.content).toBe(texts(events))
    expect(message.reasoning ?? "").toBe(reasoning(events))
  })

  it.prop("every raw entry is carried exactly once, in order; tool-call arguments concatenate exactly", [fc.array(spec, { maxLength: 8 }), fc.boolean()], ([specs, textAsAnswer]) => {
    const built = specs.map((s) => build(s, textAsAnswer))
    const events = eventsOf(built.map((b) => b.chunk), textAsAnswer)
    const carried = events.flatMap((e) => (e._tag === "Reasoning" ? e.details : []))
    expect(carried).toEqual(specs.flatMap((s) => s.entries))
    const args = specs.map((s) => s.args ?? "").join("")
    const calls = events.flatMap((e) => (e._tag === "ToolCall" ? [e] : []))
    expect(calls.map((c) => c.argumentsDelta).join("")).toBe(args)
    if (calls.length > 0) expect(calls[calls.length - 1]!.accumulated.arguments).toBe(args)
    const message = collect(events).message
    if (calls.length > 0) expect(message.tool_calls?.[0]?.function.arguments).toBe(args)
  })

  it.prop("a completion's events collect to the same message as the equivalent stream", [fc.array(spec, { minLength: 1, maxLength: 6 })], ([specs]) => {
    // The stream: the specs' chunks, then a finish. The completion: one message with the whole
    // answer in reasoning_details (content empty), the reasoning string, and the tool call.
    const built = specs.map((s) => build({ ...s, fallback: undefined }, false))
    const streamed = collect([...eventsOf(built.map((b) => b.chunk)), { _tag: "Finish", reason: "stop", nativeReason: undefined }])
    const args = specs.map((s) => s.args ?? "").join("")
    const hasCall = specs.some((s) => s.args !== undefined)
    const whole = collect(completionEvents({
      id: "gen-1",
      model: "m",
      choices: [{
        index: 0,
        finish_reason: "stop",
        message: {
          role: "assistant",
          content: "",
          reasoning_details: specs.flatMap((s) => s.entries),
          ...(hasCall ? { tool_calls: [{ id: specs.some((s) => s.args === "") ? "call_1" : "", type: "function", function: { name: "", arguments: args } }] } : {})
        }
      }]
    }, { model: "m" }))
    expect(whole.message.content).toBe(streamed.message.content)
    expect(whole.message.reasoning).toBe(streamed.message.reasoning)
    expect(whole.message.tool_calls?.[0]?.function.arguments).toBe(streamed.message.tool_calls?.[0]?.function.arguments)
    expect(whole.finishReason).toBe("stop")
  })
})
