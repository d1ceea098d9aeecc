// The README's embedding example, read from the README and run as it is written there (the key
// and the simulator's URL come from the environment variables it reads).
import { afterAll, beforeAll, expect, it, vi } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { KEY } from "./support.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** The fenced block after the `embedding-example` marker. */
const exampleOf = (readme: string) => {
  const marker = readme.indexOf("<!-- embedding-example")
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(marker))
  if (marker < 0 || match?.[1] === undefined) throw new Error("no embedding example in the README")
  return match[1]
}

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

it("the README's embedding example runs verbatim", async () => {
  const code = exampleOf(readFileSync(join(root, "README.md"), "utf8"))
  expect(code).toContain("OpenRouter.layer({\n  apiKey: Redacted.make(")
  expect(code).toContain("Layer.provide(NodeHttpClient.layerUndici)")
  expect(code).not.toMatch(/FileSystem|layerFile|layerDocument/)
  // Written under build/ (ignored by git), next to this package's node_modules resolution.
  const file = join(root, "build/readme-example/example.ts")
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, code)
  const printed: Array<unknown> = []
  const log = vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => void printed.push(...args))
  vi.stubEnv("OPENROUTER_API_KEY", KEY)
  vi.stubEnv("OPENROUTER_BASE_URL", sim.baseUrl)
  try {
    await import(/* @vite-ignore */ file)
    await vi.waitFor(() => expect(printed).toHaveLength(1), { timeout: 10_000 })
  } finally {
    log.mockRestore()
    vi.unstubAllEnvs()
  }
  expect(printed).toEqual([sim.context.options.replyText])
  const [request] = sim.journal.list({ path: "/chat/completions" })
  expect(request?.validation).toEqual({ ok: true })
  expect(request?.headers.authorization).toBe("Bearer …wxyz")
  expect((request?.body as { model: string }).model).toBe("openai/gpt-4o")
})
