// The media and lookup endpoints as the official clients see them, over a real socket:
// `@openrouter/sdk` (its zod validation of every JSON answer) and `openai@6`, each sending what it
// sends by default. Transcription: multipart from both (openai's `audio.transcriptions.create`,
// the SDK's `stt.createTranscriptionMultipart`) and JSON (`stt.createTranscription`); speech;
// `/models` (filters), `/models/count`, `/model/{author}/{slug}`, `/models/{author}/{slug}/endpoints`;
// `/key`; a video submitted, polled and downloaded. An SDK-side validation error fails the test.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { OpenRouter } from "@openrouter/sdk"
import * as SdkErrors from "@openrouter/sdk/models/errors"
import OpenAI, { toFile } from "openai"
import * as Listing from "../src/Listing.js"
import * as Speech from "../src/media/Speech.js"
import * as VideoModels from "../src/media/VideoModels.js"
import * as Server from "../src/Server.js"

const KEY = "sk-or-v1-official-lookups-00000000000000000000wxyz"
const VIDEO_BYTES = 4096
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 30, videoBytes: VIDEO_BYTES })
})
afterAll(() => sim.close())

const sdk = () => new OpenRouter({ apiKey: KEY, serverURL: sim.baseUrl, retryConfig: { strategy: "none" } })
const openai = () => new OpenAI({ apiKey: KEY, baseURL: sim.baseUrl, maxRetries: 0 })

/** A WAV file (PCM, mono, 16 kHz, 16-bit) of `seconds` of silence. */
const wav = (seconds: number): Uint8Array => {
  const samples = Math.round(seconds * 16000)
  const buffer = Buffer.alloc(44 + samples * 2)
  buffer.write("RIFF", 0)
  buffer.writeUInt32LE(36 + samples * 2, 4)
  buffer.write("WAVEfmt ", 8)
  buffer.writeUInt32LE(16, 16)
  buffer.writeUInt16LE(1, 20)
  buffer.writeUInt16LE(1, 22)
  buffer.writeUInt32LE(16000, 24)
  buffer.writeUInt32LE(32000, 28)
  buffer.writeUInt16LE(2, 32)
  buffer.writeUInt16LE(16, 34)
  buffer.write("data", 36)
  buffer.writeUInt32LE(samples * 2, 40)
  return new Uint8Array(buffer)
}

const lastEntry = (path: string) => {
  const entries = sim.journal.list({ path })
  return entries[entries.length - 1]!
}

const bytesOf = async (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> => new Uint8Array(await new Response(stream).arrayBuffer())

describe("POST /audio/transcriptions", () => {
  it("openai: multipart by default, json and verbose_json with word timestamps", async () => {
    const client = openai()
    const plain = await client.audio.transcriptions.create({
      file: await toFile(wav(1.5), "meeting.wav"),
      model: "openai/whisper-large-v3-turbo",
      language: "en"
    })
    expect(plain.text).toBe(Speech.TRANSCRIPT)
    expect((plain as unknown as { usage: unknown }).usage).toEqual({ cost: expect.any(Number), seconds: 1.5 })
    const entry = lastEntry("/audio/transcriptions")
    expect(String(entry.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/)
    expect(entry.body).toEqual({
      file: { filename: "meeting.wav", contentType: expect.any(String), bytes: 44 + 1.5 * 32000 },
      model: "openai/whisper-large-v3-turbo",
      language: "en"
    })
    expect(entry.validation).toEqual({ ok: true })
    expect(entry.status).toBe(200)

    const verbose = await client.audio.transcriptions.create({
      file: await toFile(wav(2), "meeting.wav"),
      model: "openai/whisper-large-v3",
      language: "de",
      response_format: "verbose_json",
      timestamp_granularities: ["word", "segment"],
      temperature: 0.2
    })
    expect(verbose).toMatchObject({ task: "transcribe", language: "german", duration: 2, text: Speech.TRANSCRIPT })
    expect(verbose.words?.map((w) => w.word).join(" ")).toBe(Speech.TRANSCRIPT)
    expect(verbose.segments?.[0]).toMatchObject({ start: 0, end: 2, temperature: 0.2 })
  })

  it("@openrouter/sdk: createTranscriptionMultipart, with its comma-joined timestamp_granularities[]", async () => {
    const client = sdk()
    const plain = await client.stt.createTranscriptionMultipart({
      requestBody: { file: { fileName: "note.wav", content: wav(1) }, model: "openai/whisper-large-v3-turbo", language: "en" }
    })
    expect(plain).toEqual({ text: Speech.TRANSCRIPT, usage: { cost: expect.any(Number), seconds: 1 } })
    expect(lastEntry("/audio/transcriptions").body).toMatchObject({ file: { filename: "note.wav", contentType: "audio/wav" } })

    const verbose = await client.stt.createTranscriptionMultipart({
      requestBody: {
        file: { fileName: "note.mp3", content: new Uint8Array(16000) },
        model: "openai/whisper-large-v3",
        responseFormat: "verbose_json",
        timestampGranularities: ["word", "segment"],
        temperature: 0,
        sessionId: "session-1",
        user: "user-1"
      }
    })
    expect(lastEntry("/audio/transcriptions").body).toMatchObject({ "timestamp_granularities[]": "word,segment", session_id: "session-1" })
    // 16 000 bytes of "mp3" at 128 kbit/s.
    expect(verbose).toMatchObject({ text: Speech.TRANSCRIPT, duration: 1 })
    expect((verbose as { words?: ReadonlyArray<unknown> }).words).toHaveLength(Speech.TRANSCRIPT.split(" ").length)
  })

  it("@openrouter/sdk: createTranscription sends the JSON form, which still works", async () => {
    const result = await sdk().stt.createTranscription({
      sttRequest: {
        model: "openai/whisper-large-v3-turbo",
        inputAudio: { data: Buffer.from(wav(0.5)).toString("base64"), format: "wav" },
        language: "en"
      }
    })
    expect(result).toEqual({ text: Speech.TRANSCRIPT, usage: { cost: expect.any(Number), seconds: 0.5 } })
    expect(String(lastEntry("/audio/transcriptions").headers["content-type"])).toMatch(/^application\/json/)
  })

  it("answers a bad form with OpenRouter's 400, which both clients surface as a typed error", async () => {
    const unknown = await openai().audio.transcriptions.create({ file: await toFile(wav(0.2), "a.wav"), model: "acme/ears" })
      .then(() => undefined, (e: unknown) => e)
    expect(unknown).toBeInstanceOf(OpenAI.BadRequestError)
    expect((unknown as InstanceType<typeof OpenAI.BadRequestError>).message).toContain("acme/ears is not a valid model ID")

    const format = await openai().audio.transcriptions.create({ file: await toFile(wav(0.2), "a.aiff"), model: "openai/whisper-large-v3" })
      .then(() => undefined, (e: unknown) => e)
    expect(format).toBeInstanceOf(OpenAI.BadRequestError)
    expect((format as Error).message).toContain("is not a supported format; supported: wav, mp3")

    const granularity = await sdk().stt.createTranscriptionMultipart({
      requestBody: { file: { fileName: "a.wav", content: wav(0.2) }, model: "openai/whisper-large-v3", timestampGranularities: ["char" as "word"] }
    }).then(() => undefined, (e: unknown) => e)
    expect(granularity).toBeInstanceOf(SdkErrors.BadRequestResponseError)
    expect((granularity as SdkErrors.BadRequestResponseError).error.message)
      .toBe("Invalid request body: /timestamp_granularities[]/0 must be one of \"word\", \"segment\"")
    expect(lastEntry("/audio/transcriptions").validation).toEqual({
      ok: false,
      issues: [{ path: "/timestamp_granularities[]/0", message: "must be one of \"word\", \"segment\"" }]
    })
  })
})

describe("POST /audio/speech", () => {
  it("openai: audio.speech.create answers mp3 bytes", async () => {
    const response = await openai().audio.speech.create({
      model: "openai/gpt-4o-mini-tts-2025-12-15",
      input: "Your order has shipped.",
      voice: "alloy",
      response_format: "mp3"
    })
    expect(response.headers.get("content-type")).toBe("audio/mpeg")
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0xff, 0xfb])
  })

  it("@openrouter/sdk: tts.createSpeech streams pcm (the default)", async () => {
    const stream = await sdk().tts.createSpeech({ speechRequest: { model: "hexgrad/kokoro-82m", input: "Hello there." } })
    const bytes = await bytesOf(stream)
    expect(bytes.length).toBe(Math.round((0.5 + 12 * 0.06) * Speech.PCM_SAMPLE_RATE) * 2)
  })
})

describe("the model endpoints", () => {
  it("@openrouter/sdk: models.list filters by output modality, comma lists and all", async () => {
    const client = sdk()
    const ids = async (outputModalities?: string) =>
      (await client.models.list(outputModalities === undefined ? {} : { outputModalities })).result.data.map((m) => m.id)
    const byKind = (kind: Listing.Listing["kind"]) => Listing.all.filter((l) => l.kind === kind).map((l) => l.info.id)
    const text = await ids()
    expect(text).toContain("openai/gpt-4o")
    expect(text).not.toContain("hexgrad/kokoro-82m")
    expect(await ids("speech")).toEqual(byKind("speech"))
    expect(await ids("transcription")).toEqual(["openai/whisper-large-v3-turbo", "openai/whisper-large-v3"])
    expect(await ids("video")).toEqual(VideoModels.catalogue.map((m) => m.id))
    expect(await ids("speech,transcription")).toEqual([...byKind("speech"), ...byKind("transcription")])
    expect(await ids("image")).toContain("google/gemini-2.5-flash-image")
    expect(await ids("image,text")).toEqual(text)
    expect(await ids("all")).toEqual(Listing.all.map((l) => l.info.id))

    const kokoro = (await client.models.list({ outputModalities: "speech", q: "kokoro" })).result.data[0]!
    expect(kokoro.supportedVoices).toContain("af_heart")
    expect(kokoro.architecture).toMatchObject({ inputModalities: ["text"], outputModalities: ["speech"], modality: "text->speech" })
  })

  it("@openrouter/sdk: models.count counts what models.list lists", async () => {
    const client = sdk()
    for (const outputModalities of [undefined, "speech", "video", "transcription", "text,image", "all"]) {
      const request = outputModalities === undefined ? {} : { outputModalities }
      const count = await client.models.count(request)
      expect(count.data.count).toBe((await client.models.list(request)).result.totalCount)
    }
    expect((await client.models.count({ outputModalities: "all" })).data.count).toBe(Listing.all.length)
  })

  it("@openrouter/sdk: models.get, by id, :variant and alias, for chat and media models", async () => {
    const client = sdk()
    expect((await client.models.get({ author: "openai", slug: "gpt-4o" })).data).toMatchObject({ id: "openai/gpt-4o", name: "OpenAI: GPT-4o" })
    expect((await client.models.get({ author: "openai", slug: "gpt-4o:free" })).data).toMatchObject({
      id: "openai/gpt-4o:free",
      pricing: { prompt: "0", completion: "0" }
    })
    expect((await client.models.get({ author: "~anthropic", slug: "claude-sonnet-latest" })).data.id).toBe("anthropic/claude-sonnet-4-6")
    expect((await client.models.get({ author: "google", slug: "veo-3.1-fast" })).data.architecture.outputModalities).toEqual(["video"])
    expect((await client.models.get({ author: "openai", slug: "whisper-large-v3" })).data.architecture.inputModalities).toEqual(["audio"])
    const missing = await client.models.get({ author: "acme", slug: "nothing" }).then(() => undefined, (e: unknown) => e)
    expect(missing).toBeInstanceOf(SdkErrors.NotFoundResponseError)
  })

  it("@openrouter/sdk: endpoints.list, for every listed model", async () => {
    const client = sdk()
    for (const listing of Listing.all) {
      const [author, slug] = [listing.info.id.slice(0, listing.info.id.indexOf("/")), listing.info.id.slice(listing.info.id.indexOf("/") + 1)]
      const { data } = await client.endpoints.list({ author, slug })
      expect(data.id).toBe(listing.info.id)
      expect(data.endpoints).toHaveLength(listing.router ? 0 : 1)
    }
    const { data } = await client.endpoints.list({ author: "openai", slug: "gpt-4o" })
    expect(data.endpoints[0]).toMatchObject({
      providerName: "OpenAI",
      modelId: "openai/gpt-4o",
      supportsToolChoice: { auto: true, function: true, none: true, required: true },
      latencyLast30m: { p50: expect.any(Number) }
    })
    const voxtral = (await client.endpoints.list({ author: "mistralai", slug: "voxtral-mini-tts-2603" })).data.endpoints[0]
    expect(voxtral?.supportsVoiceCloning).toBe(true)
  })

  it("openai: models.list pages through the default listing", async () => {
    const ids: Array<string> = []
    for await (const model of openai().models.list()) ids.push(model.id)
    expect(ids).toEqual(Listing.all.filter((l) => Listing.outputsAny(l, ["text"])).map((l) => l.info.id))
  })
})

describe("GET /key", () => {
  it("@openrouter/sdk: apiKeys.getCurrentKeyMetadata parses, with the fields the SDK requires", async () => {
    const { data } = await sdk().apiKeys.getCurrentKeyMetadata()
    expect(data).toMatchObject({
      label: "sk-or-v1-offi...wxyz",
      allowedDataRegions: ["global"],
      freeModelDailyRequests: { limit: 1000, remaining: 1000, used: 0 },
      organizationId: null,
      workspaceId: null,
      isFreeTier: false
    })
  })
})

describe("the video API", () => {
  it("@openrouter/sdk: videoGeneration.generate → getGeneration until completed → getVideoContent", async () => {
    const client = sdk()
    const job = await client.videoGeneration.generate({
      videoGenerationRequest: { model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm", duration: 4, resolution: "720p", aspectRatio: "16:9" }
    })
    expect(job.status).toBe("pending")
    let polled = await client.videoGeneration.getGeneration({ jobId: job.id })
    for (let i = 0; i < 100 && polled.status !== "completed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      polled = await client.videoGeneration.getGeneration({ jobId: job.id })
    }
    expect(polled.status).toBe("completed")
    expect(polled.generationId).toMatch(/^gen-/)
    expect(polled.unsignedUrls).toHaveLength(1)
    const bytes = await bytesOf(await client.videoGeneration.getVideoContent({ jobId: job.id, index: 0 }))
    expect(bytes.length).toBeGreaterThan(0)
  })

  it("@openrouter/sdk: videoGeneration.listVideosModels parses", async () => {
    const { data } = await sdk().videoGeneration.listVideosModels()
    expect(data.map((m) => m.id)).toEqual(VideoModels.catalogue.map((m) => m.id))
  })
})
