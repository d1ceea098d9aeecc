// openrouter-effect: Chat.complete / Chat.stream with the whole pipeline, on undici.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Chat, OpenRouter } from "@openrouter-effect/client"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { BODY, job, KEY, run } from "./common.js"

const runtime = ManagedRuntime.make(
  OpenRouter.layerDocument({ document: { models: { providers: { openrouter: { baseUrl: job().url } } } }, environment: { OPENROUTER_API_KEY: KEY } })
    .pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))
)
const chat = await runtime.runPromise(Chat.Chat)
const options = { model: "openai/gpt-4o", thinking: "off" }

await run({
  json: () => runtime.runPromise(chat.complete(BODY, options)),
  stream: () => runtime.runPromise(Stream.runCount(chat.stream(BODY, options))),
  close: () => runtime.dispose()
})
