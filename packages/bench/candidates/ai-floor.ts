// The floor of any @effect/ai provider: `LanguageModel.make` over a provider that does no work
// and emits the parts our provider emits for the same stream (response metadata, one text block
// of `chunks` deltas, the finish part), already built. What is measured is @effect/ai itself,
// which decodes every stream part with a Schema.
import { LanguageModel } from "@effect/ai"
import type * as Response from "@effect/ai/Response"
import { Effect, Stream } from "effect"
import { job, run } from "./common.js"

const chunks = (job() as { chunks?: number }).chunks ?? 20_000
const parts: Array<Response.StreamPartEncoded> = [
  { type: "response-metadata", id: "gen-floor", modelId: "openai/gpt-4o", timestamp: new Date().toISOString() },
  { type: "text-start", id: "0" },
  ...Array.from({ length: chunks }, (_, index): Response.StreamPartEncoded => ({ type: "text-delta", id: "0", delta: `word${index} ` })),
  { type: "text-end", id: "0" },
  {
    type: "finish",
    reason: "stop",
    usage: { inputTokens: 3, outputTokens: chunks, totalTokens: chunks + 3 },
    metadata: { openrouter: { provider: "OpenAI", cost: 0.001 } }
  }
]
const whole: Array<Response.PartEncoded> = [parts[0] as Response.PartEncoded, { type: "text", text: "Hello" }, parts.at(-1) as Response.PartEncoded]

const model = await Effect.runPromise(LanguageModel.make({
  generateText: () => Effect.succeed(whole),
  streamText: () => Stream.fromIterable(parts)
}))

await run({
  json: () => Effect.runPromise(model.generateText({ prompt: "Say hello" })),
  stream: () =>
    Effect.runPromise(
      model.streamText({ prompt: "Say hello" }).pipe(
        Stream.filter((part) => part.type === "text-delta"),
        Stream.runCount
      )
    )
})
