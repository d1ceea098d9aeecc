import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc, Layer } from "effect"
import * as AudioResponse from "../src/AudioResponse.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Speech from "../src/Speech.js"

const MALFORMED = "OpenRouter TTS API error: malformed audio response"
const AUDIO = new Uint8Array([0x49, 0x44, 0x33, 0x04, 0x00])

describe("AudioResponse.checkAudio", () => {
  it.each([
    ["application/json"],
    ["application/json; charset=utf-8"],
    ["APPLICATION/JSON"],
    [" application/json "],
    ["application/problem+json"],
    ["application/vnd.api+json;charset=utf-8"],
    ["text/plain"],
    ["text/html; charset=utf-8"],
    ["Text/Event-Stream"]
  ])("refuses content type %j", (contentType) => {
    const result = AudioResponse.checkAudio(contentType, AUDIO, 100)
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("MalformedResponse")
      expect(result.left.message).toBe(MALFORMED)
    }
  })

  it.each([
    [undefined],
    [""],
    ["audio/mpeg"],
    ["audio/L16; rate=24000"],
    ["application/octet-stream"],
    ["application/jsonl"],
    ["application/json-seq"]
  ])("accepts content type %j", (contentType) => {
    expect(AudioResponse.checkAudio(contentType, AUDIO, 100)).toEqual(Either.right(AUDIO))
  })

  it("refuses an empty body", () => {
    const result = AudioResponse.checkAudio("audio/mpeg", new Uint8Array(0), 100)
    expect(Either.isLeft(result) && result.left.message).toBe(MALFORMED)
  })

  it("refuses an empty body without a content type", () => {
    const result = AudioResponse.checkAudio(undefined, new Uint8Array(0), 100)
    expect(Either.isLeft(result) && result.left.message).toBe(MALFORMED)
  })

  it("refuses a body of more than maxBytes", () => {
    const result = AudioResponse.checkAudio("audio/mpeg", new Uint8Array(101), 100)
    expect(Either.isLeft(result) && result.left._tag).toBe("MalformedResponse")
    expect(Either.isLeft(result) && result.left.message).toBe("OpenRouter TTS API error: audio response exceeds 100 bytes")
  })

  it("accepts a body of exactly maxBytes", () => {
    const bytes = new Uint8Array(100)
    bytes[0] = 1
    expect(Either.isRight(AudioResponse.checkAudio("audio/mpeg", bytes, 100))).toBe(true)
  })

  it("names the 16 MiB default in the size error", () => {
    expect(AudioResponse.defaultMaxAudioBytes).toBe(16777216)
    const result = AudioResponse.checkAudio(
      "audio/mpeg",
      new Uint8Array(AudioResponse.defaultMaxAudioBytes + 1),
      AudioResponse.defaultMaxAudioBytes
    )
    expect(Either.isLeft(result) && result.left.message).toBe(
      "OpenRouter TTS API error: audio response exceeds 16777216 bytes"
    )
  })

  it("checks the content type before the size", () => {
    const result = AudioResponse.checkAudio("application/json", new Uint8Array(1000), 10)
    expect(Either.isLeft(result) && result.left.message).toBe(MALFORMED)
  })

  it.prop(
    "never throws on arbitrary content types and bodies",
    [fc.option(fc.string(), { nil: undefined }), fc.uint8Array(), fc.integer({ min: -1, max: 100 })],
    ([contentType, bytes, maxBytes]) => {
      const result = AudioResponse.checkAudio(contentType, bytes, maxBytes)
      Either.match(result, {
        onLeft: (error) => {
          expect(error._tag).toBe("MalformedResponse")
          expect(error.message.startsWith("OpenRouter TTS API error: ")).toBe(true)
        },
        onRight: (out) => {
          expect(out).toBe(bytes)
          expect(bytes.length).toBeGreaterThan(0)
          expect(bytes.length).toBeLessThanOrEqual(maxBytes)
        }
      })
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})

describe("AudioResponse.declaredLength", () => {
  it("is the Content-Length of an unencoded body, else undefined", () => {
    expect(AudioResponse.declaredLength({ "content-length": "400000" })).toBe(400_000)
    expect(AudioResponse.declaredLength({ "content-length": " 12 ", "content-encoding": "identity" })).toBe(12)
    // A decoding transport changes the length; a missing or unparsable length declares nothing.
    expect(AudioResponse.declaredLength({ "content-length": "12", "content-encoding": "gzip" })).toBeUndefined()
    expect(AudioResponse.declaredLength({})).toBeUndefined()
    expect(AudioResponse.declaredLength({ "content-length": "-1" })).toBeUndefined()
    expect(AudioResponse.declaredLength({ "content-length": "1e3" })).toBeUndefined()
  })
})

describe("AudioResponse.transcriptionFormat", () => {
  it("lists the allowed formats", () => {
    expect(AudioResponse.transcriptionFormats).toEqual(["wav", "mp3", "flac", "m4a", "ogg", "webm", "aac"])
  })

  it.each([
    // from the mime type
    ["audio/wav", undefined, "wav"],
    ["audio/x-wav", undefined, "wav"],
    ["audio/wave", undefined, "wav"],
    ["audio/mp3", undefined, "mp3"],
    ["audio/mpeg", undefined, "mp3"],
    ["audio/flac", undefined, "flac"],
    ["audio/x-flac", undefined, "flac"],
    ["audio/m4a", undefined, "m4a"],
    ["audio/mp4", undefined, "m4a"],
    ["audio/ogg", undefined, "ogg"],
    ["audio/oga", undefined, "ogg"],
    ["audio/opus", undefined, "ogg"],
    ["audio/webm", undefined, "webm"],
    ["audio/aac", undefined, "aac"],
    ["Audio/MPEG", undefined, "mp3"],
    ["audio/ogg; codecs=opus", undefined, "ogg"],
    // the mime type wins over the file name
    ["audio/wav", "clip.mp3", "wav"],
    // from the file name when the mime type is missing or unresolvable
    [undefined, "clip.wav", "wav"],
    [undefined, "clip.wave", "wav"],
    [undefined, "clip.mp3", "mp3"],
    [undefined, "clip.mpeg", "mp3"],
    [undefined, "clip.flac", "flac"],
    [undefined, "clip.m4a", "m4a"],
    [undefined, "clip.mp4", "m4a"],
    [undefined, "clip.ogg", "ogg"],
    [undefined, "clip.oga", "ogg"],
    [undefined, "clip.opus", "ogg"],
    [undefined, "clip.webm", "webm"],
    [undefined, "clip.aac", "aac"],
    [undefined, "CLIP.MP3", "mp3"],
    [undefined, "/tmp/dir.v2/voice.note.Opus", "ogg"],
    ["", "clip.flac", "flac"],
    ["application/octet-stream", "clip.aac", "aac"],
    ["video/webm", "clip.webm", "webm"],
    ["audio/unknown", "clip.wav", "wav"]
  ] as const)("mimeType %j, fileName %j → %s", (mimeType, fileName, expected) => {
    expect(AudioResponse.transcriptionFormat(mimeType, fileName)).toEqual(Either.right(expected))
  })

  it.each([
    [undefined, "clip.txt", "fileName", "clip.txt"],
    ["text/plain", "clip", "fileName", "clip"],
    ["audio/midi", undefined, "mimeType", "audio/midi"],
    ["video/mp4", undefined, "mimeType", "video/mp4"],
    ["audio/midi", "", "mimeType", "audio/midi"]
  ] as const)("mimeType %j, fileName %j → BadInput on %s", (mimeType, fileName, field, value) => {
    const result = AudioResponse.transcriptionFormat(mimeType, fileName)
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("BadInput")
      expect(result.left.field).toBe(field)
      expect(result.left.value).toBe(value)
      expect(result.left.allowed).toEqual([...AudioResponse.transcriptionFormats])
      expect(result.left.message).toContain(field)
      expect(result.left.message).toContain(JSON.stringify(value))
      expect(result.left.message).toContain("wav, mp3, flac, m4a, ogg, webm, aac")
      // OpenClaw's wording (issue 16), with the allowed formats after it.
      expect(result.left.message).toMatch(/could not resolve audio format .*; allowed formats: wav, mp3, flac, m4a, ogg, webm, aac$/)
    }
  })

  it("names mimeType when nothing is given", () => {
    const result = AudioResponse.transcriptionFormat(undefined, undefined)
    expect(Either.isLeft(result) && result.left.field).toBe("mimeType")
    expect(Either.isLeft(result) && result.left.value).toBeUndefined()
    expect(Either.isLeft(result) && result.left.message).toBe(
      "OpenRouter transcription: could not resolve audio format from no mimeType or fileName; allowed formats: wav, mp3, flac, m4a, ogg, webm, aac"
    )
  })

  it("issue 16: an unresolvable file says \"could not resolve audio format\" followed by the allowed formats", () => {
    const result = AudioResponse.transcriptionFormat("application/octet-stream", "voice.xyz")
    expect(Either.isLeft(result) && result.left.message).toBe(
      "OpenRouter transcription: could not resolve audio format from fileName \"voice.xyz\" " +
        "(mimeType \"application/octet-stream\"); allowed formats: wav, mp3, flac, m4a, ogg, webm, aac"
    )
  })

  it.prop(
    "never throws on arbitrary strings",
    [fc.option(fc.string(), { nil: undefined }), fc.option(fc.string(), { nil: undefined })],
    ([mimeType, fileName]) => {
      Either.match(AudioResponse.transcriptionFormat(mimeType, fileName), {
        onLeft: (error) => {
          expect(["mimeType", "fileName"]).toContain(error.field)
          expect(error.message).toContain("could not resolve audio format")
        },
        onRight: (format) => expect(AudioResponse.transcriptionFormats).toContain(format)
      })
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})

describe("Speech.transcribe with an unresolvable format (issue 16)", () => {
  it.effect("fails with \"could not resolve audio format\" and the allowed formats before any request", () => {
    let requests = 0
    const counting = Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make(() => {
        requests++
        return Effect.die("no request should be sent")
      })
    )
    const layer = OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: "sk-or-v1-audio-test-0000000000000000000000" } })
      .pipe(Layer.provide([counting, NodeFileSystem.layer]))
    return Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const error = yield* Effect.flip(speech.transcribe({ audio: new Uint8Array(16), fileName: "memo.bin", mimeType: "application/octet-stream" }))
      expect(error._tag).toBe("BadInput")
      expect(error.message).toContain("could not resolve audio format")
      expect(error.message).toMatch(/could not resolve audio format.*allowed formats: wav, mp3, flac, m4a, ogg, webm, aac$/)
      expect(requests).toBe(0)
    }).pipe(Effect.provide(layer))
  })
})
