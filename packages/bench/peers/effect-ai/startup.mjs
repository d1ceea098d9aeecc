// Start-up of a minimal @effect/ai-openrouter program, unbundled: plain ESM next to its own pinned
// node_modules (this folder), as its users run it. Import, build the layers, send one request.
import { LanguageModel } from "@effect/ai"
import { OpenRouterClient, OpenRouterLanguageModel } from "@effect/ai-openrouter"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, Redacted } from "effect"

const program = LanguageModel.generateText({ prompt: "Say hello" }).pipe(
  Effect.provide(
    OpenRouterLanguageModel.layer({ model: "openai/gpt-4o" }).pipe(
      Layer.provide(OpenRouterClient.layer({ apiKey: Redacted.make(process.env.OPENROUTER_API_KEY ?? ""), apiUrl: process.env.BENCH_URL ?? "" })),
      Layer.provide(NodeHttpClient.layerUndici)
    )
  )
)
await Effect.runPromise(program)
