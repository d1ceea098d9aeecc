// The README's example, as written, against the simulator: the config file, the key and
// connectTo come from the environment (a ConfigProvider here), exactly as a user's would.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { ConfigProvider, Effect, Layer, Logger } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Chat, OpenRouter } from "../src/index.js"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: ["sk-or-v1-readme-000000000000000000000"] })
})
afterAll(() => sim.close())

it.live("the README example runs", () => {
  const dir = mkdtempSync(join(tmpdir(), "ore-readme-"))
  const file = join(dir, "openclaw.json")
  writeFileSync(file, `{ env: { OPENROUTER_API_KEY: "sk-or-v1-readme-000000000000000000000" }, agents: { defaults: { model: { primary: "openrouter/openai/gpt-4o" } } } }`)
  const logged: Array<unknown> = []

  // ---- the README's code ----
  const OpenRouterLive = OpenRouter.layerFile().pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))
  const program = Effect.gen(function*() {
    const chat = yield* Chat.Chat
    const { text } = yield* chat.complete({ messages: [{ role: "user", content: "Hello!" }] })
    yield* Effect.log(text)
  })
  // ----

  return program.pipe(
    Effect.provide(OpenRouterLive),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
      ["OPENCLAW_CONFIG_PATH", file],
      ["OPENROUTER_CONNECT_TO", `127.0.0.1:${sim.port}`]
    ]))),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logged.push(message)))),
    Effect.map(() => {
      const [entry] = sim.journal.list({ path: "/chat/completions" })
      expect(entry?.status).toBe(200)
      expect((entry?.body as { model: string }).model).toBe("openai/gpt-4o")
      expect(entry?.headers["x-openrouter-title"]).toBe("OpenClaw")
      expect(logged).toEqual([[sim.context.options.replyText]])
    })
  )
})
