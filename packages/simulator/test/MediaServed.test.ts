// The media a running simulator serves, over a real socket, checked with real parsers: the video
// download (content endpoint and CDN origin) with mp4box, the speech answers with music-metadata.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { request as httpRequest } from "node:http"
import * as Audio from "../src/media/Audio.js"
import * as Speech from "../src/media/Speech.js"
import * as Videos from "../src/media/Videos.js"
import * as Server from "../src/Server.js"
import { parseAudio, parseMp4 } from "./mediaParsers.js"

const KEY = "sk-or-v1-media-test-0000000000000000000000000000"
const auth = { authorization: `Bearer ${KEY}`, "content-type": "application/json" }
const VIDEO_BYTES = 150_000

let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 30, videoBytes: VIDEO_BYTES, cdn: true })
})
afterAll(() => sim.close())

const post = (path: string, body: unknown) => fetch(`${sim.baseUrl}${path}`, { method: "POST", headers: auth, body: JSON.stringify(body) })
const bytesOf = async (response: Response) => new Uint8Array(await response.arrayBuffer())

/** Submits a job and polls it until it completes: its id and `unsigned_urls`. */
const completedJob = async (body: Record<string, unknown>) => {
  const submitted = await post("/videos", { model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm", ...body })
  expect(submitted.status).toBe(202)
  const { id } = (await submitted.json()) as { id: string }
  for (let attempt = 0; attempt < 100; attempt++) {
    const polled = (await (await fetch(`${sim.baseUrl}/videos/${id}`, { headers: auth })).json()) as {
      status: string
      unsigned_urls?: ReadonlyArray<string>
    }
    if (polled.status === "completed") return { id, urls: polled.unsigned_urls ?? [] }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`job ${id} never completed`)
}

/** A raw GET that keeps whatever arrived before the connection broke. */
const partialGet = (url: string) =>
  new Promise<{ declared: number; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(url, { headers: auth }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("close", () => resolve({ declared: Number(response.headers["content-length"]), body: Buffer.concat(chunks) }))
    })
    req.on("error", reject)
    req.end()
  })

describe("GET /videos/:id/content", () => {
  it("serves an MP4 that mp4box parses: the job's duration and frame size, one H.264 track, exactly videoBytes long", async () => {
    const { id, urls } = await completedJob({ duration: 4, resolution: "1080p", aspect_ratio: "9:16" })
    const response = await fetch(`${sim.baseUrl}/videos/${id}/content?index=0`, { headers: auth })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("video/mp4")
    expect(response.headers.get("content-length")).toBe(String(VIDEO_BYTES))
    const file = await bytesOf(response)
    expect(file.length).toBe(VIDEO_BYTES)
    const { boxes, info, samples } = parseMp4(file)
    expect(boxes.map((box) => box.type)).toEqual(["ftyp", "moov", "mdat"])
    expect(info.duration / info.timescale).toBe(4)
    expect(info.tracks).toHaveLength(1)
    expect(info.videoTracks[0]?.codec).toMatch(/^avc1\./)
    expect(info.videoTracks[0]?.video).toEqual({ width: 1080, height: 1920 })
    expect(samples).toHaveLength(4 * 24)
    // The CDN origin serves the same bytes, without a key.
    expect(urls[0]).toBe(`${sim.cdnOrigin}${Videos.cdnPath(id)}`)
    const cdn = await fetch(urls[0]!)
    expect(cdn.status).toBe(200)
    expect(Buffer.from(await bytesOf(cdn)).equals(file)).toBe(true)
  })

  it("lasts the model's longest duration in 720p 16:9 when the request names neither", async () => {
    const { id } = await completedJob({})
    const { info } = parseMp4(await bytesOf(await fetch(`${sim.baseUrl}/videos/${id}/content`, { headers: auth })))
    expect(info.duration / info.timescale).toBe(8)
    expect(info.videoTracks[0]?.video).toEqual({ width: 1280, height: 720 })
  })

  it("a cut-body fault sends the first bytes of that same file", async () => {
    const { id } = await completedJob({ duration: 6 })
    const whole = await bytesOf(await fetch(`${sim.baseUrl}/videos/${id}/content`, { headers: auth }))
    sim.faults.add("GET /videos/:id/content", { kind: "cut-body", afterBytes: 100_000 })
    const cut = await partialGet(`${sim.baseUrl}/videos/${id}/content?index=0`)
    expect(cut.declared).toBe(VIDEO_BYTES)
    expect(cut.body.length).toBe(100_000)
    expect(cut.body.equals(whole.subarray(0, 100_000))).toBe(true)
    // The moov is in the first bytes: a cut download still names its duration.
    expect(parseMp4(cut.body).info.duration).toBe(6000)
  })
})

describe("POST /audio/speech", () => {
  const INPUT = "Hello from the simulator, speaking a sentence of moderate length."
  const frameSeconds = Audio.MP3_SAMPLES_PER_FRAME / Audio.MP3_SAMPLE_RATE

  const speak = async (body: Record<string, unknown>) => {
    const response = await post("/audio/speech", { model: "hexgrad/kokoro-82m", input: INPUT, voice: "af_alloy", ...body })
    expect(response.status).toBe(200)
    return { contentType: response.headers.get("content-type"), bytes: await bytesOf(response) }
  }

  it("mp3: an MP3 that music-metadata parses, lasting the spoken duration to the frame", async () => {
    const { bytes, contentType } = await speak({ response_format: "mp3" })
    expect(contentType).toBe("audio/mpeg")
    const format = await parseAudio(bytes, "audio/mpeg")
    expect(format).toMatchObject({ container: "MPEG", codec: "MPEG 1 Layer 3", sampleRate: 44100, numberOfChannels: 1 })
    const seconds = Speech.spokenSeconds(INPUT)
    expect(format.duration!).toBeGreaterThanOrEqual(seconds)
    expect(format.duration!).toBeLessThan(seconds + frameSeconds)
  })

  it("mp3 at speed 2 (a model that honours speed) lasts half as long", async () => {
    const { bytes } = await speak({ model: "openai/gpt-4o-mini-tts-2025-12-15", voice: "alloy", response_format: "mp3", speed: 2 })
    const format = await parseAudio(bytes, "audio/mpeg")
    const seconds = Speech.spokenSeconds(INPUT, 2)
    expect(format.duration!).toBeGreaterThanOrEqual(seconds)
    expect(format.duration!).toBeLessThan(seconds + frameSeconds)
  })

  it("pcm (the default): raw 16-bit 24 kHz mono samples, exactly the data of a WAV of the spoken duration that music-metadata parses", async () => {
    const { bytes, contentType } = await speak({})
    expect(contentType).toBe("audio/pcm")
    const seconds = Speech.spokenSeconds(INPUT)
    expect(bytes.length).toBe(Math.round(seconds * Audio.PCM_SAMPLE_RATE) * 2)
    const wav = Audio.wav(seconds)
    expect(Buffer.from(wav.subarray(Audio.WAV_HEADER_BYTES)).equals(bytes)).toBe(true)
    const format = await parseAudio(Buffer.concat([wav.subarray(0, Audio.WAV_HEADER_BYTES), bytes]), "audio/wav")
    expect(format).toMatchObject({ container: "WAVE", codec: "PCM", bitsPerSample: 16, sampleRate: 24000, numberOfChannels: 1 })
    expect(format.duration).toBeCloseTo(seconds, 4)
  })
})
