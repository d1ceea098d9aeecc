/**
 * `openrouter-effect demo`: the whole client against the embedded simulator, with no key and no
 * network. The simulator listens on 127.0.0.1; the client keeps `https://openrouter.ai/api/v1` as
 * its logical base URL and reaches the simulator through `connectTo`, so the verified-route rules
 * (attribution and response-cache headers) apply exactly as they would against OpenRouter.
 *
 * The demo never reads the real environment or config file: it runs on a fixed fake key
 * ({@link DEMO_KEY}) and an in-memory config document.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import { Chat, Images, OpenRouter, Speech, Videos } from "@openrouter-effect/client"
import { CANONICAL_BASE_URL } from "@openrouter-effect/core/RouteVerifier"
import * as Server from "@openrouter-effect/simulator/Server"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"

/** The fixed fake key of the demo; never a real one. @since 0.1.0 @category Constants */
export const DEMO_KEY = "sk-or-v1-demo-0000000000000000000000000000000000000000000000000000000000000000"

/** The logical base URL the demo client uses (reached through `connectTo`). @since 0.1.0 @category Constants */
export const LOGICAL_BASE_URL = CANONICAL_BASE_URL

/** The config document of the demo: only what it needs. @since 0.1.0 @category Constants */
export const DOCUMENT = { agents: { defaults: { params: { responseCache: true } } } } as const

/** The request headers the report shows. @since 0.1.0 @category Constants */
export const REPORTED_HEADERS: ReadonlyArray<string> = [
  "http-referer",
  "x-openrouter-title",
  "x-openrouter-categories",
  "x-openrouter-cache",
  "authorization"
]

/** @since 0.1.0 @category Models */
export interface Options {
  /** Where the files go; default a new temporary directory. */
  readonly outDir?: string
  /** Print nothing. */
  readonly quiet?: boolean
}

/** What the demo did. @since 0.1.0 @category Models */
export interface Report {
  readonly outDir: string
  /** The files written: images, video, speech. */
  readonly files: Array<string>
  /** `X-OpenRouter-Cache-Status` of the two chats, in order (`MISS`, `HIT`). */
  readonly cacheStatuses: Array<string>
  /** The headers the simulator received on the first chat (`authorization` masked, as journalled). */
  readonly headers: Record<string, string>
  /** The total cost from the chats' usage. */
  readonly costs: number
}

const CHAT_REQUEST = {
  messages: [{ role: "user", content: "In one sentence: what does an Effect layer do?" }]
} as const

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

/**
 * Runs the demo: starts the simulator (closed at the end), runs a streamed chat, the same chat
 * again (a cache HIT), two images, a video with progress, speech to a file and its transcription,
 * then prints and answers a report.
 *
 * @since 0.1.0 @category Demo
 */
export const run = (options: Options = {}): Effect.Effect<Report, unknown, FileSystem.FileSystem | HttpClient.HttpClient> =>
  Effect.scoped(Effect.gen(function*() {
    const quiet = options.quiet === true
    const say = (line: string) => (quiet ? Effect.void : Console.log(line))
    const write = (text: string) => (quiet ? Effect.void : Effect.sync(() => void process.stdout.write(text)))
    const fs = yield* FileSystem.FileSystem

    const sim = yield* Effect.acquireRelease(
      Effect.promise(() =>
        Server.start({
          apiKeys: [DEMO_KEY],
          publicBaseUrl: LOGICAL_BASE_URL,
          videoProcessingMs: 1500,
          videoBytes: 256 * 1024
        })
      ),
      (running) => Effect.promise(() => running.close())
    )
    const outDir = options.outDir ?? (yield* fs.makeTempDirectory({ prefix: "openrouter-effect-demo-" }))
    yield* fs.makeDirectory(outDir, { recursive: true })
    yield* say(`Simulator on 127.0.0.1:${sim.port}; client base URL ${LOGICAL_BASE_URL} (connectTo 127.0.0.1:${sim.port})`)

    // The cache status of each chat, as the client received it: a stream's events carry no
    // headers, so the transport records `X-OpenRouter-Cache-Status` of chat responses.
    const received: Array<string> = []
    const recording = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (client) =>
        client.pipe(HttpClient.tap((response) =>
          Effect.sync(() => {
            const status = response.headers["x-openrouter-cache-status"]
            if (new URL(response.request.url).pathname.endsWith("/chat/completions") && status !== undefined) received.push(status)
          })
        )))
    )
    const openRouter = OpenRouter.layerDocument({
      document: DOCUMENT,
      // Only the fake key: the real environment is never read.
      environment: { OPENROUTER_API_KEY: DEMO_KEY },
      connectTo: `127.0.0.1:${sim.port}`
    }).pipe(Layer.provide(recording))

    return yield* Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const images = yield* Images.Images
      const videos = yield* Videos.Videos
      const speech = yield* Speech.Speech

      const streamedChat = (label: string) =>
        Effect.gen(function*() {
          const before = received.length
          yield* write(`${label}: `)
          const result = yield* Chat.collect(chat.stream(CHAT_REQUEST).pipe(
            Stream.tap((event) => (event._tag === "Text" ? write(event.delta) : Effect.void))
          ))
          yield* write("\n")
          const status = received.length > before ? received[received.length - 1]! : "none"
          const cost = result.usage._tag === "Some" ? result.usage.value.cost ?? 0 : 0
          yield* say(`  cache ${status}, cost $${cost.toFixed(6)}`)
          return { status, cost }
        })

      const first = yield* streamedChat("Chat (streamed)")
      const second = yield* streamedChat("Chat again (same request)")

      const generated = yield* images.generate({ prompt: "A lighthouse at dusk, watercolour", count: 2, aspectRatio: "16:9" })
      const imageFiles = yield* Images.save(generated.images, outDir)
      yield* say(`Images: ${imageFiles.length} from ${generated.model}, 16:9 → ${imageFiles.join(", ")}`)

      const videoPath = `${outDir}/video.mp4`
      yield* say("Video: submitting")
      const video = yield* videos.generate({
        prompt: "Waves rolling onto a beach at sunrise",
        output: videoPath,
        schedule: Schedule.spaced("300 millis"),
        onProgress: (progress) => say(`  video ${progress.jobId}: ${progress.status}, ${seconds(progress.elapsedMs)} elapsed, attempt ${progress.attempt}`)
      })
      yield* say(`Video: ${video.size} bytes (${video.mimeType}) → ${video.file ?? videoPath}`)

      const speechPath = `${outDir}/speech.mp3`
      const saved = yield* speech.synthesizeToFile({ text: "Hello from the openrouter-effect demo." }, speechPath)
      yield* say(`Speech: ${saved.size} bytes from ${saved.model} → ${saved.path}`)

      const audio = yield* fs.readFile(speechPath)
      const transcript = yield* speech.transcribe({ audio, mimeType: "audio/mpeg", fileName: "speech.mp3" })
      yield* say(`Transcription (${transcript.model}): ${transcript.text}`)

      const entry = sim.journal.list({ method: "POST", path: "/chat/completions" })[0]
      const headers: Record<string, string> = {}
      for (const name of REPORTED_HEADERS) {
        const value = entry?.headers[name]
        if (value !== undefined) headers[name] = value
      }
      const report: Report = {
        outDir,
        files: [...imageFiles, video.file ?? videoPath, saved.path],
        cacheStatuses: [first.status, second.status],
        headers,
        costs: first.cost + second.cost
      }

      yield* say("")
      yield* say("Report")
      yield* say("  Headers the simulator received on the first chat:")
      for (const [name, value] of Object.entries(report.headers)) yield* say(`    ${name}: ${value}`)
      yield* say(`  Cache: ${report.cacheStatuses.join(" → ")}`)
      yield* say(`  Total chat cost: $${report.costs.toFixed(6)}`)
      yield* say(`  Files in ${report.outDir}:`)
      for (const file of report.files) yield* say(`    ${file}`)
      yield* say("Demo complete: no key, no network.")
      return report
    }).pipe(Effect.provide(openRouter))
  }))
