// @openrouter-effect/ai: streamText through @effect/ai's LanguageModel over our Chat, on undici.
import { LanguageModel } from "@effect/ai"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouterLanguageModel } from "@openrouter-effect/ai"
import { OpenRouter } from "@openrouter-effect/client"
import { Layer, ManagedRuntime, Redacted, Stream } from "effect"
import { job, KEY, run } from "./common.js"

const runtime = ManagedRuntime.make(
  OpenRouterLanguageModel.layer({ model: "openai/gpt-4o", config: { chat: { thinking: "off" } } }).pipe(
    Layer.provide(OpenRouter.layer({ apiKey: Redacted.make(KEY), baseUrl: job().url })),
    Layer.provide(NodeHttpClient.layerUndici)
  )
)

await run({
  json: () => runtime.runPromise(LanguageModel.generateText({ prompt: "Say hello" })),
  // Text deltas only, as the @effect/ai-openrouter candidate counts them.
  stream: () =>
    runtime.runPromise(
      LanguageModel.streamText({ prompt: "Say hello" }).pipe(
        Stream.filter((part) => part.type === "text-delta"),
        Stream.runCount
      )
    ),
  close: () => runtime.dispose()
})
