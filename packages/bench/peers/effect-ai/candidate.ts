// @effect/ai-openrouter 0.10 on NodeHttpClient.layerUndici, with its own pinned Effect 3 copy
// (@effect/platform 0.96). This file lives next to that copy so every import resolves to it.
import { LanguageModel } from "@effect/ai"
import { OpenRouterClient, OpenRouterLanguageModel } from "@effect/ai-openrouter"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { job, KEY, run } from "../../candidates/common.js"

const runtime = ManagedRuntime.make(
  OpenRouterLanguageModel.layer({ model: "openai/gpt-4o" }).pipe(
    Layer.provide(OpenRouterClient.layer({ apiKey: Redacted.make(KEY), apiUrl: job().url })),
    Layer.provide(NodeHttpClient.layerUndici)
  )
)

await run({
  json: () => runtime.runPromise(LanguageModel.generateText({ prompt: "Say hello" })),
  // Text deltas only, as the other candidates count content chunks.
  stream: () =>
    runtime.runPromise(
      LanguageModel.streamText({ prompt: "Say hello" }).pipe(
        Stream.filter((part) => part.type === "text-delta"),
        Stream.runCount,
        Effect.map((count) => count)
      )
    ),
  close: () => runtime.dispose()
})
