import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as Either from "effect/Either"
import * as Speech from "../src/media/Speech.js"
import * as TranscriptionForm from "../src/media/TranscriptionForm.js"
import type * as Multipart from "../src/Multipart.js"
import * as Validation from "../src/Validation.js"
import type { Reply, SimContext } from "../src/Types.js"
import { context, request } from "./support.js"

const speak = async (body: unknown, ctx: SimContext = context()) => Speech.speech(request("POST", "/audio/speech", body), ctx)
const transcribe = async (body: unknown) => Speech.transcription(request("POST", "/audio/transcriptions", body), context())

// it.prop runs synchronous properties; the handlers answer synchronously.
const now = (reply: Reply | Promise<Reply>): Reply => {
  if (reply instanceof Promise) throw new Error("expected a synchronous reply")
  return reply
}

const audio = (reply: Reply) => {
  if (reply._tag !== "buffer") throw new Error(`expected audio bytes, got ${reply._tag} ${JSON.stringify(reply)}`)
  return reply
}
const json = (reply: Reply) => {
  if (reply._tag !== "json") throw new Error(`expected JSON, got ${reply._tag}`)
  return reply as { readonly status: number; readonly body: any }
}
const badRequest = (reply: Reply, message: string | RegExp) => {
  const { body, status } = json(reply)
  expect(status).toBe(400)
  expect(body.error.code).toBe(400)
  expect(body.error.metadata).toEqual({ error_type: "invalid_request" })
  if (typeof message === "string") expect(body.error.message).toBe(message)
  else expect(body.error.message).toMatch(message)
}

const KOKORO = { model: "hexgrad/kokoro-82m", input: "Hello there.", voice: "af_alloy" }

describe("POST /audio/speech", () => {
  it("answers pcm (audio/pcm, 16-bit little-endian) when response_format is absent", async () => {
    const reply = audio(await speak(KOKORO))
    expect(reply.status).toBe(200)
    expect(reply.headers?.["content-type"]).toBe("audio/pcm")
    expect(reply.body.length % 2).toBe(0)
    const view = new DataView(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength)
    const samples = Array.from({ length: 200 }, (_, i) => view.getInt16(i * 2, true))
    expect(samples.some((s) => s !== 0)).toBe(true)
    expect(Math.max(...samples.map(Math.abs))).toBeLessThan(32768)
    // 24 kHz: one second is 48 000 bytes; "Hello there." lasts 0.5 + 12 × 0.06 s.
    expect(reply.body.length).toBe(Math.round((0.5 + 12 * 0.06) * 24000) * 2)
  })

  it("answers pcm when asked", async () => {
    expect(audio(await speak({ ...KOKORO, response_format: "pcm" })).headers?.["content-type"]).toBe("audio/pcm")
  })

  it("answers MPEG-1 Layer III frames as audio/mpeg for mp3", async () => {
    const reply = audio(await speak({ ...KOKORO, response_format: "mp3" }))
    expect(reply.headers?.["content-type"]).toBe("audio/mpeg")
    expect(Array.from(reply.body.subarray(0, 4))).toEqual([0xff, 0xfb, 0x90, 0xc4])
    expect(reply.body.length % Speech.MP3_FRAME_BYTES).toBe(0)
    for (let offset = 0; offset < reply.body.length; offset += Speech.MP3_FRAME_BYTES) {
      expect(reply.body[offset]).toBe(0xff)
      expect(reply.body[offset + 1]).toBe(0xfb)
    }
  })

  it("sends X-Generation-Id and records the generation", async () => {
    const ctx = context()
    const reply = audio(await speak(KOKORO, ctx))
    const id = reply.headers?.["X-Generation-Id"] ?? ""
    expect(id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/)
    expect(ctx.generation(id)).toMatchObject({ id, model: "hexgrad/kokoro-82m", streamed: false })
  })

  it("makes longer input into longer audio, capped at 10 s", async () => {
    const short = audio(await speak({ ...KOKORO, input: "Hi." }))
    const long = audio(await speak({ ...KOKORO, input: "A much longer sentence than the other one." }))
    const huge = audio(await speak({ ...KOKORO, input: "x".repeat(5000) }))
    expect(long.body.length).toBeGreaterThan(short.body.length)
    expect(huge.body.length).toBe(10 * 24000 * 2)
  })

  it("accepts the reference example (OpenAI model, alloy, mp3, speed 1.1)", async () => {
    const reply = audio(await speak({
      model: "openai/gpt-4o-mini-tts-2025-12-15",
      input: "Your order has shipped.",
      voice: "alloy",
      response_format: "mp3",
      speed: 1.1
    }))
    expect(reply.status).toBe(200)
    expect(reply.headers?.["content-type"]).toBe("audio/mpeg")
  })

  it("accepts what OpenClaw sends for each of its models", async () => {
    for (const [model, voice] of [
      ["hexgrad/kokoro-82m", "af_alloy"],
      ["google/gemini-3.1-flash-tts-preview", "Kore"],
      ["mistralai/voxtral-mini-tts-2603", "en_paul_neutral"],
      ["elevenlabs/eleven-turbo-v2", "21m00Tcm4TlvDq8ikWAM"]
    ] as const) {
      expect((await speak({ model, input: "Hi.", voice, response_format: "mp3" })).status).toBe(200)
    }
  })

  it("requires a voice on a model without a default voice, with the reference's body", async () => {
    const reply = json(await speak({ model: "openai/gpt-4o-mini-tts-2025-12-15", input: "Hi." }))
    expect(reply.status).toBe(400)
    expect(reply.body.error).toEqual({ code: 400, message: "voice is required for this model", metadata: { error_type: "invalid_request" } })
    badRequest(await speak({ model: "elevenlabs/eleven-turbo-v2", input: "Hi." }), "voice is required for this model")
  })

  it("uses the default voice of a model that has one", async () => {
    expect((await speak({ model: "hexgrad/kokoro-82m", input: "Hi." })).status).toBe(200)
    expect((await speak({ model: "mistralai/voxtral-mini-tts-2603", input: "Hi." })).status).toBe(200)
  })

  it("rejects a voice outside a fixed voice list, naming the voice and the list", async () => {
    badRequest(await speak({ ...KOKORO, voice: "alloy" }), /^voice alloy is not supported by hexgrad\/kokoro-82m; supported: af_alloy, .*am_adam/)
    badRequest(await speak({ model: "google/gemini-3.1-flash-tts-preview", input: "Hi.", voice: "af_alloy" }), /^voice af_alloy is not supported by google\/gemini-3\.1-flash-tts-preview; supported: Zephyr, Puck/)
    badRequest(await speak({ ...KOKORO, voice: "" }), "voice must be a non-empty string, got ")
  })

  it("passes any voice id to a provider with open voices", async () => {
    expect((await speak({ model: "mistralai/voxtral-mini-tts-2603", input: "Hi.", voice: "my_cloned_voice" })).status).toBe(200)
  })

  it("rejects an unknown model as not a valid model ID", async () => {
    const reply = json(await speak({ ...KOKORO, model: "acme/tts-9000" }))
    expect(reply.status).toBe(400)
    expect(reply.body.error).toMatchObject({ code: 400, message: "acme/tts-9000 is not a valid model ID", availability: { code: "model_not_found" } })
  })

  it("rejects an unknown response_format, an empty input and a missing model", async () => {
    badRequest(await speak({ ...KOKORO, response_format: "wav" }), "response_format wav is not supported; supported: pcm, mp3")
    badRequest(await speak({ ...KOKORO, input: "   " }), "input must not be empty")
    badRequest(await speak({ ...KOKORO, input: 3 }), "input must be a string, got 3")
    badRequest(await speak({ input: "Hi." }), "model is required, got undefined")
    badRequest(await speak("text"), "Request body must be a JSON object, got text")
  })

  it("checks speed against the range of a model that honours it, and ignores it elsewhere", async () => {
    badRequest(
      await speak({ model: "openai/gpt-4o-mini-tts-2025-12-15", input: "Hi.", voice: "alloy", speed: 5 }),
      "speed 5 is not supported by openai/gpt-4o-mini-tts-2025-12-15; supported: 0.25 to 4"
    )
    badRequest(
      await speak({ model: "openai/gpt-4o-mini-tts-2025-12-15", input: "Hi.", voice: "alloy", speed: 0.1 }),
      /^speed 0\.1 is not supported/
    )
    badRequest(await speak({ ...KOKORO, speed: "fast" }), "speed must be a number, got fast")
    expect((await speak({ ...KOKORO, speed: 5 })).status).toBe(200)
    const slow = audio(await speak({ model: "openai/gpt-4o-mini-tts-2025-12-15", input: "Hi.", voice: "alloy", speed: 0.5 }))
    const fast = audio(await speak({ model: "openai/gpt-4o-mini-tts-2025-12-15", input: "Hi.", voice: "alloy", speed: 2 }))
    expect(slow.body.length).toBeGreaterThan(fast.body.length)
  })

  it("takes voice-cloning references only on a model that clones, in the documented shape", async () => {
    const sample = { type: "input_audio", input_audio: { data: "data:audio/wav;base64,UklGRg==" } }
    const transcript = { type: "text", text: "I used to rule the world." }
    expect((await speak({ model: "mistralai/voxtral-mini-tts-2603", input: "Hi.", input_references: [sample, transcript] })).status).toBe(200)
    const elsewhere = json(await speak({ ...KOKORO, input_references: [sample] }))
    expect(elsewhere.status).toBe(404)
    expect(elsewhere.body.error.message).toContain("hexgrad/kokoro-82m")
    badRequest(
      await speak({ model: "mistralai/voxtral-mini-tts-2603", input: "Hi.", input_references: [transcript] }),
      "input_references has 0 input_audio and 1 text parts; supported: exactly 1 input_audio and at most 1 text"
    )
    badRequest(
      await speak({ model: "mistralai/voxtral-mini-tts-2603", input: "Hi.", input_references: [sample, sample] }),
      /^input_references has 2 input_audio/
    )
    badRequest(
      await speak({ model: "mistralai/voxtral-mini-tts-2603", input: "Hi.", input_references: [{ type: "input_audio", input_audio: { data: "" } }] }),
      /^input_references\[0\]\.input_audio\.data must be a non-empty base64 string/
    )
  })

  it.prop(
    "never throws, and answers audio or an OpenRouter error",
    [fc.oneof(fc.jsonValue(), fc.record({ model: fc.constantFrom(...Speech.speechModels.map((m) => m.id)), input: fc.string(), voice: fc.jsonValue(), response_format: fc.jsonValue(), speed: fc.jsonValue() }, { requiredKeys: ["model", "input"] }))],
    ([body]) => {
      const reply = now(Speech.speech(request("POST", "/audio/speech", body), context()))
      if (reply._tag === "buffer") {
        expect(["audio/pcm", "audio/mpeg"]).toContain(reply.headers?.["content-type"])
        expect(reply.body.length).toBeGreaterThan(0)
      } else {
        expect([400, 404]).toContain(json(reply).body.error.code)
      }
    },
    { fastCheck: { numRuns: propertyRuns(300) } }
  )
})

// A WAV header (PCM, mono, 16 kHz, 16-bit) followed by `seconds` of silence.
const wav = (seconds: number): string => {
  const dataBytes = Math.round(seconds * 16000) * 2
  const bytes = new Uint8Array(44 + dataBytes)
  const view = new DataView(bytes.buffer)
  bytes.set(new TextEncoder().encode("RIFF"), 0)
  view.setUint32(4, 36 + dataBytes, true)
  bytes.set(new TextEncoder().encode("WAVEfmt "), 8)
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true)
  view.setUint16(22, 1, true)
  view.setUint32(24, 16000, true)
  view.setUint32(28, 32000, true)
  view.setUint16(32, 2, true)
  view.setUint16(34, 16, true)
  bytes.set(new TextEncoder().encode("data"), 36)
  view.setUint32(40, dataBytes, true)
  return Buffer.from(bytes).toString("base64")
}

const STT = { model: "openai/whisper-large-v3-turbo", input_audio: { data: wav(2.5), format: "wav" } }

describe("POST /audio/transcriptions", () => {
  it("answers {text, usage} for OpenClaw's request", async () => {
    const reply = json(await transcribe({ ...STT, language: "en", temperature: 0 }))
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body).sort()).toEqual(["text", "usage"])
    expect(reply.body.text).toBe(Speech.TRANSCRIPT)
    expect(reply.body.usage).toEqual({ cost: expect.any(Number), seconds: 2.5 })
    expect(reply.body.usage.cost).toBeGreaterThan(0)
  })

  it("accepts every format OpenClaw sends", async () => {
    for (const format of Speech.TRANSCRIPTION_FORMATS) {
      expect(json(await transcribe({ ...STT, input_audio: { data: "SUQzBAAAAAAA", format } })).status).toBe(200)
    }
  })

  it("estimates the length of non-WAV audio from its size", async () => {
    const data = Buffer.alloc(32000).toString("base64")
    expect(json(await transcribe({ ...STT, input_audio: { data, format: "mp3" } })).body.usage.seconds).toBe(2)
  })

  it("adds task, language, duration, segments and words for verbose_json", async () => {
    const reply = json(await transcribe({ ...STT, language: "de", response_format: "verbose_json", timestamp_granularities: ["word", "segment"] }))
    expect(reply.body).toMatchObject({ task: "transcribe", language: "german", duration: 2.5, text: Speech.TRANSCRIPT })
    expect(reply.body.segments[0]).toMatchObject({ id: 0, start: 0, end: 2.5, text: Speech.TRANSCRIPT })
    expect(reply.body.words.map((w: { word: string }) => w.word).join(" ")).toBe(Speech.TRANSCRIPT)
    const plain = json(await transcribe({ ...STT, response_format: "verbose_json" }))
    expect(plain.body.words).toBeUndefined()
    expect(plain.body.language).toBe("english")
  })

  it("rejects data that is not base64, or is a data URI", async () => {
    badRequest(await transcribe({ ...STT, input_audio: { data: "not base64!", format: "wav" } }), "input_audio.data not base64! is not valid base64")
    badRequest(await transcribe({ ...STT, input_audio: { data: "abc", format: "wav" } }), "input_audio.data abc is not valid base64")
    badRequest(
      await transcribe({ ...STT, input_audio: { data: "data:audio/wav;base64,UklGRg==", format: "wav" } }),
      "input_audio.data data:audio/wav;base64,UklGRg== is a data URI; supported: raw base64 audio bytes"
    )
    badRequest(await transcribe({ ...STT, input_audio: { data: "", format: "wav" } }), /^input_audio\.data must be a non-empty base64 string/)
  })

  it("rejects an unsupported format, naming the supported ones", async () => {
    badRequest(
      await transcribe({ ...STT, input_audio: { data: "UklGRg==", format: "aiff" } }),
      "input_audio.format aiff is not supported; supported: wav, mp3, flac, m4a, ogg, webm, aac"
    )
    badRequest(await transcribe({ ...STT, input_audio: { data: "UklGRg==" } }), /^input_audio\.format undefined is not supported/)
  })

  it("rejects a missing input_audio, an unknown model and bad options", async () => {
    badRequest(await transcribe({ model: "openai/whisper-large-v3-turbo" }), "input_audio must be an object {data, format}, got undefined")
    const unknown = json(await transcribe({ ...STT, model: "acme/ears" }))
    expect(unknown.status).toBe(400)
    expect(unknown.body.error.message).toBe("acme/ears is not a valid model ID")
    badRequest(await transcribe({ ...STT, temperature: 2 }), "temperature 2 is not valid; supported: 0 to 1")
    badRequest(await transcribe({ ...STT, language: "english" }), "language english is not valid; supported: an ISO-639-1 code such as en")
    badRequest(await transcribe({ ...STT, response_format: "srt" }), "response_format srt is not supported; supported: json, verbose_json")
    badRequest(await transcribe({ ...STT, timestamp_granularities: ["char"] }), /^timestamp_granularities \["char"\] is not valid/)
  })

  it.prop(
    "never throws, and answers text or a 400",
    [fc.oneof(fc.jsonValue(), fc.record({ model: fc.constant("openai/whisper-large-v3-turbo"), input_audio: fc.record({ data: fc.oneof(fc.base64String(), fc.string()), format: fc.oneof(fc.constantFrom(...Speech.TRANSCRIPTION_FORMATS), fc.string()) }) }))],
    ([body]) => {
      const reply = json(now(Speech.transcription(request("POST", "/audio/transcriptions", body), context())))
      if (reply.status === 200) expect(typeof reply.body.text).toBe("string")
      else expect(reply.status).toBe(400)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )
})

// The multipart form both official SDKs send, decoded into the JSON body above (the server parses
// the form; see Multipart.test.ts for the parser and the socket).
const field = (name: string, value: string): Multipart.Part => ({ name, filename: undefined, contentType: undefined, data: Buffer.from(value) })
const filePart = (filename: string | undefined, data: Uint8Array = Buffer.from(wav(1), "base64"), contentType?: string): Multipart.Part => ({
  name: "file",
  filename,
  contentType,
  data
})
const decoded = (parts: ReadonlyArray<Multipart.Part>): any => {
  const result = TranscriptionForm.decode(parts)
  if (Either.isLeft(result)) throw new Error(result.left)
  return result.right
}
const refused = (parts: ReadonlyArray<Multipart.Part>): string => {
  const result = TranscriptionForm.decode(parts)
  if (Either.isRight(result)) throw new Error("expected a refusal")
  return result.left
}

describe("POST /audio/transcriptions as a multipart form", () => {
  it("decodes openai's form into the JSON body: base64 file, numeric temperature, repeated granularities", () => {
    const audio = Buffer.from(wav(1), "base64")
    const body = decoded([
      filePart("speech.WAV", audio, "application/octet-stream"),
      field("model", "openai/whisper-large-v3"),
      field("language", "en"),
      field("temperature", "0.25"),
      field("response_format", "verbose_json"),
      field("timestamp_granularities[]", "word"),
      field("timestamp_granularities[]", "segment")
    ])
    expect(body).toEqual({
      model: "openai/whisper-large-v3",
      language: "en",
      temperature: 0.25,
      response_format: "verbose_json",
      timestamp_granularities: ["word", "segment"],
      input_audio: { data: audio.toString("base64"), format: "wav" }
    })
    expect(Validation.validate("transcriptions", body)).toEqual({ ok: true })
    const reply = json(now(Speech.transcription(request("POST", "/audio/transcriptions", body), context())))
    expect(reply.body).toMatchObject({ duration: 1, text: Speech.TRANSCRIPT })
    expect(reply.body.words).toHaveLength(Speech.TRANSCRIPT.split(" ").length)
  })

  it("decodes @openrouter/sdk's comma-joined granularities, and passes other text fields through", () => {
    expect(decoded([filePart("a.mp3"), field("model", "m"), field("timestamp_granularities[]", "word,segment"), field("session_id", "s-1")]))
      .toMatchObject({ timestamp_granularities: ["word", "segment"], session_id: "s-1", input_audio: { format: "mp3" } })
    expect(decoded([filePart("a.wav"), field("model", "m"), field("timestamp_granularities", " word ")]).timestamp_granularities).toEqual(["word"])
    // What does not read as a number stays a string, for the schema to refuse.
    expect(decoded([filePart("a.wav"), field("temperature", "warm")]).temperature).toBe("warm")
    expect(decoded([filePart("a.wav"), field("provider", "{\"options\":{}}")]).provider).toEqual({ options: {} })
    expect(decoded([filePart("a.wav"), { ...field("extra", "x"), filename: "extra.bin" }])).not.toHaveProperty("extra")
  })

  it("takes the format from the extension, else from the content type", () => {
    for (const [filename, contentType, format] of [
      ["a.flac", undefined, "flac"],
      ["a.m4a", "audio/wav", "m4a"],
      ["a.mp4", undefined, "m4a"],
      ["a.OGG", undefined, "ogg"],
      ["a.webm", undefined, "webm"],
      ["a.aac", undefined, "aac"],
      ["recording", "audio/mpeg", "mp3"],
      ["blob", "audio/x-wav; codecs=1", "wav"],
      [undefined, "audio/webm", "webm"]
    ] as const) {
      expect(TranscriptionForm.formatOf(filename, contentType)).toBe(format)
      expect(decoded([filePart(filename, undefined, contentType)]).input_audio.format).toBe(format)
    }
    expect(TranscriptionForm.formatOf("a.aiff", "application/octet-stream")).toBeUndefined()
  })

  it("refuses what the form schema forbids, naming the field", () => {
    expect(refused([field("model", "m")])).toBe("Invalid request body: /file is required (the audio, as a file part)")
    expect(refused([filePart("a.wav"), filePart("b.wav")])).toBe("file is sent 2 times; send one audio file")
    expect(refused([field("file", "not a file")])).toBe("file must be a file upload (a part with a filename), not a text field")
    expect(refused([filePart("a.wav", new Uint8Array(0))])).toBe("file \"a.wav\" is empty")
    expect(refused([filePart("a.aiff", undefined, "application/octet-stream")]))
      .toBe("file \"a.aiff\" (application/octet-stream) is not a supported format; supported: wav, mp3, flac, m4a, ogg, webm, aac, by file extension or audio/* content type")
    expect(refused([filePart("a.wav"), field("model", "a"), field("model", "b")])).toBe("model is sent 2 times; send it once")
    expect(refused([filePart("a.wav"), { ...field("model", "m"), filename: "model.txt" }])).toBe("model must be a text field, not a file")
    expect(refused([filePart("a.wav"), field("input_audio", "{}")])).toBe("input_audio belongs to the JSON body; a form sends the audio as its file part")
    expect(refused([filePart("a.wav"), { ...field("model", ""), data: new Uint8Array([0xff]) }])).toBe("model is not valid UTF-8 text")
  })

  it("names the form's fields in schema issues", () => {
    expect(TranscriptionForm.fieldPath("/timestamp_granularities/0")).toBe("/timestamp_granularities[]/0")
    expect(TranscriptionForm.fieldPath("/timestamp_granularities")).toBe("/timestamp_granularities[]")
    expect(TranscriptionForm.fieldPath("/input_audio/format")).toBe("/file")
    expect(TranscriptionForm.fieldPath("/model")).toBe("/model")
  })

  it.prop(
    "never throws: any form decodes to a body the schema and handler answer 200 or 400, or is refused",
    [fc.array(fc.record({
      name: fc.oneof(fc.constantFrom("file", "model", "language", "temperature", "response_format", "timestamp_granularities[]", "provider"), fc.string()),
      filename: fc.option(fc.constantFrom("a.wav", "b.mp3", "c.aiff", "", "noext"), { nil: undefined }),
      contentType: fc.option(fc.constantFrom("audio/wav", "audio/mpeg", "text/plain"), { nil: undefined }),
      data: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom("openai/whisper-large-v3", "en", "0.5", "word,segment", "json", "{").map((t) => new Uint8Array(Buffer.from(t))))
    }), { maxLength: 8 })],
    ([parts]) => {
      const result = TranscriptionForm.decode(parts)
      if (Either.isLeft(result)) {
        expect(result.left.length).toBeGreaterThan(0)
        return
      }
      if (!Validation.validate("transcriptions", result.right).ok) return
      const reply = json(now(Speech.transcription(request("POST", "/audio/transcriptions", result.right), context())))
      expect([200, 400]).toContain(reply.status)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )
})
