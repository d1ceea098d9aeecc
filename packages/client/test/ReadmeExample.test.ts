// The README's example, as written, against the simulator: the config file, the key and
// connectTo come from the environment (a ConfigProvider here), exactly as a user's would.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { ConfigProvider, Effect, Layer, Logger, Redacted } from "effect"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
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

it.live("the README's example without a config file runs, verbatim", () => {
  const saved = { key: process.env.OPENROUTER_API_KEY, base: process.env.OPENROUTER_BASE_URL }
  process.env.OPENROUTER_API_KEY = "sk-or-v1-readme-000000000000000000000"
  process.env.OPENROUTER_BASE_URL = sim.baseUrl
  const logged: Array<unknown> = []

  // ---- the README's code ----
  const OpenRouterLive = OpenRouter.layer({
    apiKey: Redacted.make(process.env.OPENROUTER_API_KEY ?? ""),
    baseUrl: process.env.OPENROUTER_BASE_URL // undefined: https://openrouter.ai/api/v1
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))

  const program = Effect.gen(function*() {
    const chat = yield* Chat.Chat
    const { text } = yield* chat.complete({ messages: [{ role: "user", content: "Hello!" }] })
    yield* Effect.log(text)
  })
  // ----

  // The code above is the README's, character for character.
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../README.md"), "utf8")
  const source = readFileSync(fileURLToPath(import.meta.url), "utf8")
  const block = source.split("// ---- the README's code ----\n").at(-1)!.split("  // ----\n")[0]!
  const dedented = block.split("\n").map((line) => line.replace(/^ {2}/, "")).join("\n")
  expect(readme).toContain(dedented)

  return program.pipe(
    Effect.provide(OpenRouterLive),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logged.push(message)))),
    Effect.map(() => {
      const [entry] = sim.journal.list({ path: "/chat/completions" }).slice(-1)
      expect(entry?.status).toBe(200)
      expect(entry?.headers.authorization).toBe("Bearer …0000")
      expect(logged).toEqual([[sim.context.options.replyText]])
    }),
    Effect.ensuring(Effect.sync(() => {
      if (saved.key === undefined) delete process.env.OPENROUTER_API_KEY
      else process.env.OPENROUTER_API_KEY = saved.key
      if (saved.base === undefined) delete process.env.OPENROUTER_BASE_URL
      else process.env.OPENROUTER_BASE_URL = saved.base
    }))
  )
})
