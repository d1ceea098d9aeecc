// Spoken replies (issue 16, item 8; `messages.tts.auto`): a chat completion, then its text spoken
// with the configured TTS settings, against the simulator (its journal says what was sent).
import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { ConfigDocument } from "@openrouter-effect/core"
import * as Audio from "@openrouter-effect/simulator/media/Audio"
import * as SimSpeech from "@openrouter-effect/simulator/media/Speech"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Layer, Option } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type * as Chat from "../src/Chat.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as SpokenReply from "../src/SpokenReply.js"

const KEY = "sk-or-v1-spoken-reply-0000000000000000000000000"
const REQUEST: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

const layerWith = (tts: Record<string, unknown> | undefined) => {
  const document = {
    models: { providers: { openrouter: { baseUrl: sim.baseUrl } } },
    ...(tts !== undefined ? { messages: { tts } } : {})
  } as ConfigDocument.Document
  const base = OpenRouter.layerDocument({ document, environment: { OPENROUTER_API_KEY: KEY } }).pipe(
    Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeFileSystem.layer))
  )
  return SpokenReply.layer.pipe(Layer.provideMerge(base))
}

const speechRequests = () => sim.journal.list({ method: "POST", path: "/audio/speech" })

/** Runs `f` with a fresh journal under the given `messages.tts`. */
const withTts = <A, E>(tts: Record<string, unknown> | undefined, f: (spoken: SpokenReply.Service) => Effect.Effect<A, E, FileSystem.FileSystem>) =>
  Effect.gen(function*() {
    sim.journal.clear()
    return yield* f(yield* SpokenReply.SpokenReply)
  }).pipe(Effect.provide(layerWith(tts)))

describe("SpokenReply.speaksAlways", () => {
  it("speaks for \"always\" and true with no other provider selected; never for off, false, absent, inbound, tagged", () => {
    expect([true, "always", " Always ", "ALWAYS"].map((auto) => SpokenReply.speaksAlways(auto))).toEqual([true, true, true, true])
    expect([false, "off", undefined, "", "inbound", "tagged", "sometimes"].map((auto) => SpokenReply.speaksAlways(auto))).toEqual(
      [false, false, false, false, false, false, false]
    )
    expect(SpokenReply.speaksAlways("always", "openrouter")).toBe(true)
    expect(SpokenReply.speaksAlways("always", "elevenlabs")).toBe(false)
  })

  it("names the default file after the format", () => {
    expect(SpokenReply.defaultPath("mp3")).toBe("reply.mp3")
    expect(SpokenReply.defaultPath("pcm")).toBe("reply.pcm")
  })
})

describe("SpokenReply.complete against the simulator", () => {
  it.live("auto \"always\": the completion, then the simulator's MP3 of its text with the configured voice", () =>
    withTts({ auto: "always", providers: { openrouter: { voice: "af_bella" } } }, (spoken) =>
      Effect.gen(function*() {
        const reply = yield* spoken.complete(REQUEST)
        expect(reply.completion.text).toBe(sim.context.options.replyText)
        const audio = Option.getOrThrow(reply.audio)
        expect(audio).toMatchObject({ format: "mp3", mimeType: "audio/mpeg", model: "hexgrad/kokoro-82m" })
        expect(new Uint8Array(audio.bytes)).toEqual(Audio.mp3(SimSpeech.spokenSeconds(reply.completion.text)))
        expect(sim.journal.list({ method: "POST" }).map((entry) => entry.path)).toEqual(["/chat/completions", "/audio/speech"])
        expect(speechRequests()[0]?.body).toEqual({ model: "hexgrad/kokoro-82m", input: reply.completion.text, voice: "af_bella", response_format: "mp3" })
      })), 15_000)

  it.live("auto \"off\", absent, \"inbound\": the completion only, no speech request", () =>
    Effect.gen(function*() {
      for (const tts of [{ auto: "off" }, undefined, { auto: "inbound" }, { auto: "always", provider: "elevenlabs" }]) {
        const reply = yield* withTts(tts, (spoken) => spoken.complete(REQUEST))
        expect(reply.completion.text).toBe(sim.context.options.replyText)
        expect(Option.isNone(reply.audio)).toBe(true)
        expect(speechRequests()).toEqual([])
      }
    }), 15_000)

  it.live("speak overrides the configuration both ways", () =>
    Effect.gen(function*() {
      const forced = yield* withTts({ auto: "off" }, (spoken) => spoken.complete(REQUEST, { speak: "always", speech: { format: "pcm" } }))
      expect(Option.getOrThrow(forced.audio).format).toBe("pcm")
      expect(speechRequests()).toHaveLength(1)
      const silenced = yield* withTts({ auto: "always" }, (spoken) => spoken.complete(REQUEST, { speak: "never" }))
      expect(Option.isNone(silenced.audio)).toBe(true)
      expect(speechRequests()).toEqual([])
    }), 15_000)

  it.live("completeToFile streams the audio into the file", () =>
    withTts({ auto: true }, (spoken) =>
      Effect.gen(function*() {
        const path = join(mkdtempSync(join(tmpdir(), "ore-spoken-")), "reply.mp3")
        const reply = yield* spoken.completeToFile(REQUEST, path)
        const saved = Option.getOrThrow(reply.audio)
        expect(saved.path).toBe(path)
        const bytes = readFileSync(path)
        expect(saved.size).toBe(bytes.length)
        expect(new Uint8Array(bytes)).toEqual(Audio.mp3(SimSpeech.spokenSeconds(reply.completion.text)))
      })), 15_000)

  it.live("a TTS section that does not resolve fails no chat whose reply is not spoken", () =>
    withTts({ auto: "off", providers: { openrouter: { responseFormat: "ogg" } } }, (spoken) =>
      Effect.gen(function*() {
        const reply = yield* spoken.complete(REQUEST)
        expect(Option.isNone(reply.audio)).toBe(true)
      })), 15_000)

  it.live("…and fails a spoken one with the speech settings' error, after the completion", () =>
    withTts({ auto: "always", providers: { openrouter: { responseFormat: "ogg" } } }, (spoken) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(spoken.complete(REQUEST))
        expect(error._tag).toBe("ConfigError")
        expect(sim.journal.list({ method: "POST" }).map((entry) => entry.path)).toEqual(["/chat/completions"])
      })), 15_000)
})
