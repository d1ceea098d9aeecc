// ReasoningDetails.merge: streamed reasoning_details pieces joined back into whole entries.
import { describe, expect, it } from "@effect/vitest"
import * as ReasoningDetails from "@openrouter-effect/client/ReasoningDetails"
import * as fc from "effect/FastCheck"

// Cuts `text` at the given positions (sorted, deduplicated).
const cut = (text: string, at: ReadonlyArray<number>): Array<string> => {
  const points = [...new Set(at.map((n) => n % (text.length + 1)))].sort((a, b) => a - b)
  const pieces: Array<string> = []
  let from = 0
  for (const point of points) {
    pieces.push(text.slice(from, point))
    from = point
  }
  pieces.push(text.slice(from))
  return pieces
}

const entry = fc.record({
  type: fc.constantFrom("reasoning.text", "reasoning.encrypted", "reasoning.summary"),
  text: fc.string(),
  signature: fc.string()
})

describe("ReasoningDetails.merge", () => {
  it.prop("entries streamed in pieces (text and signature cut anywhere) come out whole and in order", [
    fc.array(fc.tuple(entry, fc.array(fc.nat(), { maxLength: 4 })), { maxLength: 5 })
  ], ([entries]) => {
    const details: Array<ReasoningDetails.Entry> = []
    entries.forEach(([whole, at], index) => {
      const texts = cut(whole.text, at)
      const signatures = cut(whole.signature, at)
      for (let i = 0; i < Math.max(texts.length, signatures.length); i++) {
        ReasoningDetails.merge(details, { type: whole.type, index, ...(i === 0 ? { format: "f" } : {}), text: texts[i] ?? "", signature: signatures[i] ?? "" })
      }
    })
    expect(details).toEqual(entries.map(([whole], index) => ({ ...whole, index, format: "f" })))
  })

  it("a piece that is not an object is ignored; another index or type starts a new entry", () => {
    const details: Array<ReasoningDetails.Entry> = []
    ReasoningDetails.merge(details, "x")
    ReasoningDetails.merge(details, null)
    ReasoningDetails.merge(details, { type: "reasoning.text", index: 0, text: "a" })
    ReasoningDetails.merge(details, { type: "reasoning.encrypted", index: 0, data: "b" })
    ReasoningDetails.merge(details, { type: "reasoning.encrypted", index: 1, data: "c" })
    expect(details).toEqual([
      { type: "reasoning.text", index: 0, text: "a" },
      { type: "reasoning.encrypted", index: 0, data: "b" },
      { type: "reasoning.encrypted", index: 1, data: "c" }
    ])
  })
})
