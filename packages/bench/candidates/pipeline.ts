/**
 * The cost of request shaping: `PayloadTransformers.shape` on a 50-message request (system
 * prompt, tools, reasoning replay, an Anthropic model on the verified route) in ns/op, against
 * `JSON.stringify` of the same body, in one process, interleaved, medians of 5 rounds. Bundled
 * and run by `src/bench.ts`; prints one JSON line.
 */
import { PayloadTransformers, RouteVerifier } from "@openrouter-effect/core"

const messages: Array<Record<string, unknown>> = [{ role: "system", content: "You are a careful assistant. ".repeat(40) }]
for (let i = 0; i < 24; i++) {
  messages.push({ role: "user", content: `Question ${i}: ${"context ".repeat(30)}` })
  messages.push({
    role: "assistant",
    content: `Answer ${i}`,
    reasoning: "thinking about it",
    reasoning_details: [{ type: "reasoning.text", text: "thinking about it", signature: "c2lnbmF0dXJl", format: "anthropic-claude-v1", index: 0 }],
    ...(i % 3 === 0 ? { tool_calls: [{ id: `call_${i}`, type: "function", function: { name: "lookup", arguments: "{\"q\":1}" } }] } : {})
  })
}
messages.push({ role: "user", content: "And now?" })
const request = {
  messages,
  tools: [{ type: "function", function: { name: "lookup", description: "Looks things up", parameters: { type: "object", properties: { q: { type: "number" } } } } }]
}
const context: PayloadTransformers.TransformContext = {
  slug: "anthropic/claude-sonnet-4-6",
  provider: "openrouter",
  route: RouteVerifier.classify("https://openrouter.ai/api/v1"),
  thinking: "high",
  params: { temperature: 0.2, provider: { sort: "price" }, responseCache: true },
  fallbacks: [],
  configuredHeaders: {},
  callerHeaders: {}
}

const time = (f: () => unknown, iterations: number) => {
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) f()
  return Number(process.hrtime.bigint() - started) / iterations
}
const median = (values: Array<number>) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

const shapeRuns: Array<number> = []
const stringifyRuns: Array<number> = []
time(() => PayloadTransformers.shape(context, request), 2000)
time(() => JSON.stringify(request), 2000)
for (let round = 0; round < 5; round++) {
  shapeRuns.push(time(() => PayloadTransformers.shape(context, request), 5000))
  stringifyRuns.push(time(() => JSON.stringify(request), 5000))
}
const shape = median(shapeRuns)
const stringify = median(stringifyRuns)
process.stdout.write(`${JSON.stringify({ shapeNs: shape, stringifyNs: stringify, ratio: shape / stringify })}\n`)
