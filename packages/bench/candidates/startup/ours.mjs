// Start-up of the minimal openrouter-effect embedding (the README's, on an in-memory config), as a
// user runs it: plain ESM in a project that installed the packed tarballs, no bundler, no loader.
// Import, build the layer, send one chat request.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Chat, OpenRouter } from "@openrouter-effect/client"
import { Effect, Layer } from "effect"

const program = Effect.flatMap(Chat.Chat, (chat) =>
  chat.complete({ messages: [{ role: "user", content: "Say hello" }] }, { model: "openai/gpt-4o", thinking: "off" }))
await Effect.runPromise(
  program.pipe(
    Effect.provide(
      OpenRouter.layerDocument({
        document: { models: { providers: { openrouter: { baseUrl: process.env.BENCH_URL ?? "" } } } },
        environment: { OPENROUTER_API_KEY: process.env.OPENROUTER_API_KEY ?? "" }
      }).pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))
    )
  )
)
