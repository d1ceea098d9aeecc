// Output files of speech (issue 17), against the simulator and its journal:
//   defect 3: an output that cannot be written is refused before the billable request (speech,
//             and a spoken reply before its chat);
//   defect 7: an existing file is never overwritten without force: a new free name is answered;
//             with force a symbolic link's target is replaced, the link kept;
// and OutputFile's free names as a property.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, FastCheck, Layer } from "effect"
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { numbered } from "../src/internal/outputFile.js"
import type * as Limits from "../src/Limits.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as OutputFile from "../src/OutputFile.js"
import * as Speech from "../src/Speech.js"
import * as SpokenReply from "../src/SpokenReply.js"

const KEY = "sk-or-v1-output-files-00000000000000000000000000"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

const layer = () =>
  SpokenReply.layer.pipe(
    Layer.provideMerge(Speech.layer),
    Layer.provideMerge(
      OpenRouter.layerDocument({ document: { models: { providers: { openrouter: { baseUrl: sim.baseUrl } } } }, environment: { OPENROUTER_API_KEY: KEY } }).pipe(
        Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeFileSystem.layer))
      )
    )
  )

const posts = () => sim.journal.list({ method: "POST" }).length

describe("defect 3: speech outputs are checked before the request", () => {
  it.live("a path under a regular file, a directory, a FIFO: BadInput and no request at all", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-out-"))
      const file = join(dir, "a-file")
      writeFileSync(file, "")
      const fifo = join(dir, "fifo.mp3")
      const { execFileSync } = yield* Effect.promise(() => import("node:child_process"))
      execFileSync("mkfifo", [fifo])
      sim.journal.clear()
      const speech = yield* Speech.Speech
      for (const path of [join(file, "speech.mp3"), dir, fifo]) {
        const error = yield* Effect.flip(speech.synthesizeToFile({ text: "hello" }, path, { force: true }))
        expect(error._tag, path).toBe("BadInput")
      }
      // A spoken reply checks its file before the chat, which is billed too.
      const spoken = yield* SpokenReply.SpokenReply
      const error = yield* Effect.flip(spoken.completeToFile({ messages: [{ role: "user", content: "hi" }] }, join(file, "reply.mp3"), { speak: "always" }))
      expect(error._tag).toBe("BadInput")
      expect(posts()).toBe(0)
    }).pipe(Effect.provide(layer())))
})

describe("a name too long for its temporary file is refused before the request (found in review)", () => {
  it.live("a 240-byte file name: BadInput naming the limit, no request; 223 bytes is written", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-out-"))
      sim.journal.clear()
      const speech = yield* Speech.Speech
      const error = yield* Effect.flip(speech.synthesizeToFile({ text: "hello" }, join(dir, `${"n".repeat(236)}.mp3`)))
      expect(error._tag).toBe("BadInput")
      expect(error.message).toContain("at most 223")
      expect(posts()).toBe(0)
      const saved = yield* speech.synthesizeToFile({ text: "hello" }, join(dir, `${"n".repeat(219)}.mp3`))
      expect(readdirSync(dir)).toEqual([saved.path.slice(dir.length + 1)])
    }).pipe(Effect.provide(layer())))
})

describe("defect 7: an existing output is kept unless force", () => {
  it.live("tts into an existing file writes speech-1.mp3 and answers it; the existing file is intact", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-out-"))
      const path = join(dir, "speech.mp3")
      writeFileSync(path, "my notes, not audio")
      const speech = yield* Speech.Speech
      const first = yield* speech.synthesizeToFile({ text: "one" }, path)
      const second = yield* speech.synthesizeToFile({ text: "two" }, path)
      expect(first.path).toBe(join(dir, "speech-1.mp3"))
      expect(second.path).toBe(join(dir, "speech-2.mp3"))
      expect(readFileSync(path, "utf8")).toBe("my notes, not audio")
      expect(readdirSync(dir).sort()).toEqual(["speech-1.mp3", "speech-2.mp3", "speech.mp3"])
    }).pipe(Effect.provide(layer())))

  it.live("with force: replaced; a symbolic link's target is replaced and the link kept", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-out-"))
      const real = join(dir, "real.mp3")
      writeFileSync(real, "old")
      const link = join(dir, "link.mp3")
      symlinkSync(real, link)
      const speech = yield* Speech.Speech
      const saved = yield* speech.synthesizeToFile({ text: "force" }, link, { force: true })
      expect(saved.path).toBe(real)
      expect(lstatSync(link).isSymbolicLink()).toBe(true)
      expect(readFileSync(real).byteLength).toBe(saved.size)
      expect(readdirSync(dir).sort()).toEqual(["link.mp3", "real.mp3"])
    }).pipe(Effect.provide(layer())))

  it.live("OutputFile.save never replaces a file that appears meanwhile (the final step is a hard link)", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-out-"))
      const path = join(dir, "image-1.png")
      const planned = yield* OutputFile.plan(path)
      expect(planned.path).toBe(path)
      writeFileSync(path, "raced in")
      const written = yield* OutputFile.writeBytes(planned, new Uint8Array([1, 2, 3]))
      expect(written).toBe(join(dir, "image-1-1.png"))
      expect(readFileSync(path, "utf8")).toBe("raced in")
      expect(readdirSync(dir).sort()).toEqual(["image-1-1.png", "image-1.png"])
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})

describe("numbered free names", () => {
  it.prop("stay in the same directory, keep the extension, differ from the name", [
    FastCheck.stringMatching(/^[a-z0-9._-]{1,20}$/),
    FastCheck.integer({ min: 1, max: 10_000 })
  ], ([base, n]) => {
    const path = `/out/dir/${base}`
    const next = numbered(path, n)
    expect(next.startsWith("/out/dir/")).toBe(true)
    expect(next.slice("/out/dir/".length)).not.toContain("/")
    expect(next).not.toBe(path)
    const dot = base.lastIndexOf(".")
    if (dot > 0) expect(next.endsWith(base.slice(dot))).toBe(true)
  })
})

describe("defect 14: speech bodies are read bounded", () => {
  /** A client answering every request with `answer()`. */
  const answering = (answer: () => Response, limits: Partial<Limits.Values> = {}) =>
    Speech.layer.pipe(
      Layer.provideMerge(
        OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, limits }).pipe(
          Layer.provideMerge(Layer.mergeAll(
            Layer.succeed(HttpClient.HttpClient, HttpClient.make((request) => Effect.sync(() => HttpClientResponse.fromWeb(request, answer())))),
            NodeFileSystem.layer
          ))
        )
      )
    )
  /** An endless body of `type`. */
  const endless = (type: string) => () =>
    new Response(new ReadableStream({ pull: (controller) => controller.enqueue(new Uint8Array(256 * 1024)) }), { status: 200, headers: { "content-type": type } })

  it.live("an endless transcription answer: LimitExceeded naming jsonBodyBytes", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const error = yield* Effect.flip(speech.transcribe({ audio: new Uint8Array([1, 2, 3]), fileName: "a.wav" }))
      expect(error).toMatchObject({ _tag: "LimitExceeded", limit: "jsonBodyBytes", max: 1024 * 1024 })
    }).pipe(Effect.provide(answering(endless("application/json"), { jsonBodyBytes: 1024 * 1024 }))))

  it.live("an endless audio answer in memory: refused at the audio cap", () =>
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const error = yield* Effect.flip(speech.synthesize({ text: "hi" }))
      expect(error.message).toContain(`audio response exceeds ${Speech.MAX_AUDIO_BYTES} bytes`)
    }).pipe(Effect.provide(answering(endless("audio/mpeg")))))
})
