// Fidelity: other clients understand the simulator's wire format. The official `openai` client
// (chat, JSON and stream) and `@openrouter/sdk` (chat, video submit/poll/content, speech) run
// against it over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { OpenRouter } from "@openrouter/sdk"
import OpenAI from "openai"
import * as Server from "../src/Server.js"

const KEY = "sk-or-v1-fidelity-0000000000000000000000000000"
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 60, videoBytes: 300_000 })
})
afterAll(() => sim.close())

const readAll = async (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

describe("openai@6 against the simulator", () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: sim.baseUrl, maxRetries: 0 })

  it("chat, JSON", async () => {
    const completion = await client().chat.completions.create({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "Say hello" }]
    })
    expect(completion.id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/)
    expect(completion.choices[0]?.message.content).toBe(sim.context.options.replyText)
    expect(completion.usage?.total_tokens).toBeGreaterThan(0)
  })

  it("chat, stream: the deltas concatenate to the answer", async () => {
    const stream = await client().chat.completions.create({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "Say hello" }],
      stream: true
    })
    let text = ""
    let usage = 0
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? ""
      usage += chunk.usage?.total_tokens ?? 0
    }
    expect(text).toBe(sim.context.options.replyText)
    expect(usage).toBeGreaterThan(0)
  })

  it("an error status reaches the client as OpenRouter's error", async () => {
    await expect(client().chat.completions.create({ model: "acme/not-a-model", messages: [{ role: "user", content: "x" }] }))
      .rejects.toMatchObject({ status: 400 })
  })
})

describe("@openrouter/sdk against the simulator", () => {
  const client = () => new OpenRouter({ apiKey: KEY, serverURL: sim.baseUrl })

  it("chat, JSON and stream", async () => {
    const result = await client().chat.send({
      chatRequest: { model: "openai/gpt-4o", messages: [{ role: "user", content: "Say hello" }] }
    } as never) as unknown as { choices: Array<{ message: { content: string } }> }
    expect(result.choices[0]?.message.content).toBe(sim.context.options.replyText)
    const stream = await client().chat.send({
      chatRequest: { model: "openai/gpt-4o", messages: [{ role: "user", content: "Say hello" }], stream: true }
    } as never) as unknown as AsyncIterable<{ choices: Array<{ delta?: { content?: string | null } }> }>
    let text = ""
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? ""
    expect(text).toBe(sim.context.options.replyText)
  })

  it("video: submit, poll until completed, download the content", async () => {
    const sdk = client()
    const submitted = await sdk.videoGeneration.generate({
      videoGenerationRequest: { model: "google/veo-3.1-fast", prompt: "a cat on a skateboard", duration: 4, resolution: "720p", aspectRatio: "16:9" }
    } as never)
    expect(submitted.status).toBe("pending")
    let job = submitted
    for (let i = 0; i < 50 && job.status !== "completed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      job = await sdk.videoGeneration.getGeneration({ jobId: submitted.id })
    }
    expect(job.status).toBe("completed")
    expect(job.unsignedUrls?.length).toBeGreaterThan(0)
    const bytes = await readAll(await sdk.videoGeneration.getVideoContent({ jobId: submitted.id, index: 0 }))
    expect(bytes.byteLength).toBe(300_000)
  })

  it("speech", async () => {
    const audio = await readAll(await client().tts.createSpeech({
      speechRequest: { model: "hexgrad/kokoro-82m", input: "Hello there", voice: "af_alloy", responseFormat: "mp3" }
    } as never))
    expect(audio.byteLength).toBeGreaterThan(0)
    expect(audio[0]).toBe(0xff)
  })
})
