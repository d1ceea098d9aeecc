// Image, audio and file parts of a prompt as OpenRouter content parts, checked by the simulator's
// OpenAPI validator.
import { LanguageModel, Prompt } from "@effect/ai"
import { afterAll, afterEach, beforeAll, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect } from "effect"
import { OpenRouterLanguageModel } from "../src/index.js"
import { chatRequests, client, KEY } from "./support.js"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())
afterEach(() => sim.journal.clear())

it.live("images, audio and files become image_url, input_audio and file parts", () =>
  Effect.gen(function*() {
    const png = new Uint8Array([137, 80, 78, 71])
    const prompt = Prompt.make([
      { role: "system", content: "Describe what you are given." },
      {
        role: "user",
        content: [
          { type: "text", text: "What are these?" },
          { type: "file", mediaType: "image/png", data: png },
          { type: "file", mediaType: "image/jpeg", data: new URL("https://example.com/cat.jpg") },
          { type: "file", mediaType: "audio/wav", data: "UklGRg==" },
          { type: "file", mediaType: "application/pdf", fileName: "report.pdf", data: "JVBERi0=" }
        ]
      }
    ])
    yield* LanguageModel.generateText({ prompt }).pipe(
      Effect.provide(OpenRouterLanguageModel.model("openai/gpt-4o")),
      Effect.provide(client(sim))
    )
    const [request] = chatRequests(sim)
    expect(request?.validation).toEqual({ ok: true })
    const messages = (request?.body as { messages: Array<{ role: string; content: unknown }> }).messages
    expect(messages[0]).toEqual({ role: "system", content: "Describe what you are given." })
    expect(messages[1]?.content).toEqual([
      { type: "text", text: "What are these?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw==" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
      { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
      { type: "file", file: { filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } }
    ])
  }))
