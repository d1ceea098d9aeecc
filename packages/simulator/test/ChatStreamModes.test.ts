// The X-Simulator-Stream header: a stream whose text travels only in `reasoning_details`
// (`reasoning-details`), and a `stream: true` request answered with one JSON completion (`json`).
import { describe, expect, it } from "@effect/vitest"
import { chatCompletions, STREAM_HEADER } from "../src/chat/Chat.js"
import * as ResponseValidation from "../src/ResponseValidation.js"
import type { Reply } from "../src/Types.js"
import { context, request } from "./support.js"

const NOW = 1_786_000_000_512

const send = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  await chatCompletions(request("POST", "/chat/completions", body, { headers }), context({}, () => NOW))

const chunksOf = (reply: Reply): Array<any> => {
  if (reply._tag !== "sse") throw new Error(`expected sse, got ${reply._tag}`)
  return reply.events.flatMap((event) => ("data" in event && event.data !== "[DONE]" ? [JSON.parse(event.data)] : []))
}

const bodyOf = (reply: Reply): any => {
  if (reply._tag !== "json") throw new Error(`expected json, got ${reply._tag}`)
  return reply.body
}

const reasoned = {
  model: "anthropic/claude-sonnet-4.5",
  messages: [{ role: "user", content: "hi" }],
  reasoning: { effort: "high" }
}

const weather = {
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }
}

describe("X-Simulator-Stream: reasoning-details", () => {
  it("streams the reasoning as reasoning.text entries and the answer as response.output_text entries, nothing in reasoning or content", async () => {
    const whole = bodyOf(await send(reasoned)).choices[0].message
    const chunks = chunksOf(await send({ ...reasoned, stream: true }, { [STREAM_HEADER]: "reasoning-details" }))
    const deltas = chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta)
    expect(deltas.every((d) => d.reasoning === undefined && (d.content === "" || d.content === null))).toBe(true)
    const entries = deltas.flatMap((d) => d.reasoning_details ?? [])
    const joined = (type: string, key: string) =>
      entries.filter((e: any) => e.type === type).map((e: any) => e[key] ?? "").join("")
    expect(joined("reasoning.text", "text")).toBe(whole.reasoning)
    expect(joined("reasoning.text", "signature")).toBe(whole.reasoning_details[0].signature)
    expect(joined("response.output_text", "text")).toBe(whole.content)
    // One chunk interleaves the two kinds: the end of the signature, then the first answer piece.
    expect(deltas.some((d) => (d.reasoning_details ?? []).map((e: any) => e.type).join() === "reasoning.text,response.output_text")).toBe(true)
    expect(chunks.at(-2).choices[0].finish_reason).toBe("stop")
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0)
  })

  it("keeps tool calls intact beside the reasoning entries", async () => {
    const chunks = chunksOf(await send({ ...reasoned, tools: [weather], tool_choice: "auto", stream: true }, { [STREAM_HEADER]: "reasoning-details" }))
    const whole = bodyOf(await send({ ...reasoned, tools: [weather], tool_choice: "auto" })).choices[0].message
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
    expect(calls.map((c: any) => c.function.arguments).join("")).toBe(whole.tool_calls[0].function.arguments)
    expect(calls[0].function.name).toBe("get_weather")
  })

  it("each chunk matches the response schema but for the documented response.output_text exception", async () => {
    const chunks = chunksOf(await send({ ...reasoned, stream: true }, { [STREAM_HEADER]: "reasoning-details" }))
    let excused = 0
    for (const chunk of chunks) {
      const check = ResponseValidation.validateResponse({ route: "POST /chat/completions", status: 200, contentType: "text/event-stream", body: chunk })
      expect(check.issues).toEqual([])
      excused += check.excused.filter(({ issue }) => issue.path.endsWith("/type")).length
    }
    expect(excused).toBeGreaterThan(0)
  })

  it("without the header, or with another value, the stream is the usual one", async () => {
    for (const headers of [{}, { [STREAM_HEADER]: "something-else" }]) {
      const deltas = chunksOf(await send({ ...reasoned, stream: true }, headers)).flatMap((c) => c.choices.map((choice: any) => choice.delta))
      expect(deltas.some((d) => typeof d.reasoning === "string" && d.reasoning !== "")).toBe(true)
      expect(deltas.some((d) => typeof d.content === "string" && d.content !== "")).toBe(true)
    }
  })
})

describe("X-Simulator-Stream: json", () => {
  it("answers a stream: true request with the JSON completion a non-streaming request gets", async () => {
    const reply = await send({ ...reasoned, stream: true }, { [STREAM_HEADER]: "json" })
    const body = bodyOf(reply)
    const plain = bodyOf(await send(reasoned))
    expect(body.object).toBe("chat.completion")
    expect({ ...body, id: "" }).toEqual({ ...plain, id: "" })
    expect(reply.headers?.["X-Generation-Id"]).toBe(body.id)
    expect(ResponseValidation.validateResponse({ route: "POST /chat/completions", status: 200, contentType: "application/json", body }).issues).toEqual([])
  })

  it("leaves a request without stream: true as it is", async () => {
    expect((await send(reasoned, { [STREAM_HEADER]: "json" }))._tag).toBe("json")
  })
})
