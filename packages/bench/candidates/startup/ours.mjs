// Start-up of the minimal openrouter-effect embedding, as a user runs it: plain ESM in a project
// that installed the packed tarballs, no bundler, no loader. It is the READMEs' embedding of a
// service that only chats (`OpenRouterChat.layer`, the modules imported by path: the package root
// would load every module), with the call naming its model and `thinking: "off"` so that the
// first request is the chat itself (no catalogue fetch). Import, build the layer, send one chat.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Chat from "@openrouter-effect/client/Chat"
import * as OpenRouterChat from "@openrouter-effect/client/OpenRouterChat"
import { Effect, Layer, Redacted } from "effect"

const OpenRouterLive = OpenRouterChat.layer({
  apiKey: Redacted.make(process.env.OPENROUTER_API_KEY ?? ""),
  baseUrl: process.env.BENCH_URL
}).pipe(Layer.provide(NodeHttpClient.layerUndici))

const program = Effect.flatMap(Chat.Chat, (chat) =>
  chat.complete({ messages: [{ role: "user", content: "Say hello" }] }, { model: "openai/gpt-4o", thinking: "off" }))
await Effect.runPromise(program.pipe(Effect.provide(OpenRouterLive)))
