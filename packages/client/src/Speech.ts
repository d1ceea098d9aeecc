/**
 * Text-to-speech (reference §14) and speech-to-text (§15.4).
 *
 * Speech reads `messages.tts.providers.openrouter` (over the legacy `messages.tts.openrouter`),
 * takes its key in the TTS order (speech config → provider config → `OPENROUTER_API_KEY`) and,
 * unlike OpenClaw, which always calls `https://openrouter.ai/api/v1`, uses the configured base URL
 * so proxies work; the headers come from the shared `HeaderPolicy`. `response_format` is always
 * sent (OpenRouter's own default is pcm). Both calls are `billable-post`.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import type * as Settings from "@openrouter-effect/core/Settings"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as AudioResponse from "./AudioResponse.js"
import * as JsonBody from "./internal/jsonBody.js"
import * as OutputFile from "./internal/outputFile.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import * as OpenRouterHttp from "./OpenRouterHttp.js"

/** The largest audio answer accepted. @since 0.1.0 @category Constants */
export const MAX_AUDIO_BYTES = AudioResponse.defaultMaxAudioBytes

/** The default transcription model. @since 0.1.0 @category Constants */
export const TRANSCRIPTION_MODEL = "openai/whisper-large-v3-turbo"

/** @since 0.1.0 @category Models */
export interface SynthesizeOptions {
  readonly text: string
  readonly model?: string | undefined
  readonly voice?: string | undefined
  /** `mp3` (default) or `pcm`. */
  readonly format?: string | undefined
  readonly speed?: number | undefined
  readonly timeoutMs?: number | undefined
}

/** @since 0.1.0 @category Models */
export interface Audio {
  readonly bytes: Uint8Array
  readonly format: Settings.SpeechFormat
  readonly mimeType: string
  /** `.mp3` or `.pcm` */
  readonly fileExtension: string
  readonly model: string
}

/** Audio written to a file. @since 0.1.0 @category Models */
export interface SavedAudio extends Audio {
  readonly path: string
  readonly size: number
}

/** @since 0.1.0 @category Models */
export interface TranscribeOptions {
  readonly audio: Uint8Array
  readonly mimeType?: string | undefined
  readonly fileName?: string | undefined
  readonly model?: string | undefined
  readonly language?: string | undefined
  readonly temperature?: number | undefined
  readonly timeoutMs?: number | undefined
}

/** @since 0.1.0 @category Models */
export interface Transcript {
  readonly text: string
  readonly model: string
}

/** @since 0.1.0 @category Models */
export type SpeechError = OpenRouterHttp.ExecuteError | Settings.ResolveError | OpenRouterError.BadInput

/**
 * How {@link Service.synthesizeToFile} treats an existing file: `force` replaces it (without it,
 * a new free name is used).
 *
 * @since 0.1.0 @category Models
 */
export interface OutputFileOptions {
  readonly force?: boolean | undefined
}

/** The request of a synthesis, before sending. @since 0.1.0 @category Models */
export interface PreparedSpeech {
  readonly url: string
  readonly body: Readonly<Record<string, unknown>>
  readonly headers: Readonly<Record<string, string>>
  readonly settings: Settings.Speech
}

/** @since 0.1.0 @category Models */
export interface Service {
  readonly prepare: (options: SynthesizeOptions) => Effect.Effect<PreparedSpeech, Settings.ResolveError>
  readonly synthesize: (options: SynthesizeOptions) => Effect.Effect<Audio, SpeechError>
  /**
   * Streams the audio into `path` (an exclusive temporary file, put in place when complete);
   * `bytes` is left empty. The place is checked writable before the request. An existing file is
   * kept and the audio takes the next free name (`speech-1.mp3`), unless `output.force`; the
   * answer's `path` is where it went.
   */
  readonly synthesizeToFile: (
    options: SynthesizeOptions,
    path: string,
    output?: OutputFileOptions
  ) => Effect.Effect<SavedAudio, SpeechError, FileSystem.FileSystem>
  readonly transcribe: (options: TranscribeOptions) => Effect.Effect<Transcript, SpeechError>
}

/** @since 0.1.0 @category Context */
export class Speech extends Context.Tag("@openrouter-effect/client/Speech")<Speech, Service>() {}

const MIME: Record<Settings.SpeechFormat, string> = { mp3: "audio/mpeg", pcm: "audio/pcm" }

const cannotWrite = (path: string, reason: string) =>
  new OpenRouterError.BadInput({ field: "path", value: path, message: `Cannot write ${path}: ${reason}` })

const timeoutOf = (ms: number, what: string) =>
  Effect.timeoutFail({
    duration: Duration.millis(ms),
    onTimeout: () => new OpenRouterError.Timeout({ message: `OpenRouter ${what} timed out after ${ms}ms`, source: "client", timeoutMs: ms })
  })

/**
 * Builds the service. Every call resolves its settings once and sends them as the call's target
 * through the shared `OpenRouterHttp`: speech to the speech settings' base URL with the speech key
 * order, transcription with the general key order (the chat settings).
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<Service, never, OpenRouterConfig | OpenRouterHttp.OpenRouterHttp> =
  Effect.gen(function*() {
    const config = yield* OpenRouterConfig
    const http = yield* OpenRouterHttp.OpenRouterHttp

    const prepare: Service["prepare"] = (call) =>
      Effect.gen(function*() {
        const settings = yield* config.speech({
          model: call.model,
          voice: call.voice,
          speed: call.speed,
          responseFormat: call.format,
          timeoutMs: call.timeoutMs
        })
        const requestBody = {
          model: settings.model.slug,
          input: call.text,
          voice: settings.voice,
          response_format: settings.responseFormat,
          ...(settings.speed !== undefined ? { speed: settings.speed } : {}),
          ...(settings.provider !== undefined ? { provider: settings.provider } : {})
        }
        const headers = { ...HeaderPolicy.headers({ route: settings.route, identity: config.identity }), "content-type": "application/json" }
        return { url: http.url("/audio/speech", settings), body: requestBody, headers, settings }
      })

    const request = (prepared: PreparedSpeech) =>
      http.execute(
        HttpClientRequest.post(prepared.url).pipe(
          HttpClientRequest.setHeaders(prepared.headers),
          HttpClientRequest.bodyText(JSON.stringify(prepared.body), "application/json")
        ),
        {
          retryClass: "billable-post",
          target: prepared.settings,
          timeout: Duration.millis(prepared.settings.timeoutMs),
          operation: "speech.synthesize"
        }
      )

    const audioOf = (prepared: PreparedSpeech, bytes: Uint8Array): Audio => ({
      bytes,
      format: prepared.settings.responseFormat,
      mimeType: MIME[prepared.settings.responseFormat],
      fileExtension: `.${prepared.settings.responseFormat}`,
      model: prepared.settings.model.slug
    })

    const readError = (error: { readonly message: string }) =>
      new OpenRouterError.TransportError({ message: `Reading the audio failed: ${error.message}`, phase: "response", cause: error })

    const synthesize: Service["synthesize"] = Effect.fn("Speech.synthesize")(function*(call: SynthesizeOptions) {
        const prepared = yield* prepare(call)
        return yield* Effect.gen(function*() {
          const response = yield* request(prepared)
          // Read with the audio cap: an endless body costs the cap, not the process.
          const bytes = yield* JsonBody.readBytes(response, { what: "the audio response", limit: "maxAudioBytes", max: MAX_AUDIO_BYTES }).pipe(
            Effect.catchTags({
              LimitExceeded: () =>
                Effect.fail(new OpenRouterError.MalformedResponse({ message: `OpenRouter TTS API error: audio response exceeds ${MAX_AUDIO_BYTES} bytes` })),
              ResponseError: (error) => Effect.fail(readError(error))
            })
          )
          const checked = yield* AudioResponse.checkAudio(response.headers["content-type"], bytes, MAX_AUDIO_BYTES)
          return audioOf(prepared, checked)
        }).pipe(timeoutOf(prepared.settings.timeoutMs, "speech"))
      })

    const synthesizeToFile: Service["synthesizeToFile"] = Effect.fn("Speech.synthesizeToFile")(function*(
        call: SynthesizeOptions,
        path: string,
        output: OutputFile.Options = {}
      ) {
        const fs = yield* FileSystem.FileSystem
        const prepared = yield* prepare(call)
        // Where the audio goes is decided, and checked writable, before the billable request: an
        // existing file is kept (a new free name) unless `force`, and what is not a regular file
        // is refused.
        const planned = yield* OutputFile.plan(fs, path, output, "path")
        return yield* Effect.gen(function*() {
          const response = yield* request(prepared)
          // The content type is checked before a byte is written; the size as the bytes arrive.
          if (AudioResponse.isTextual(response.headers["content-type"] ?? "")) {
            return yield* Effect.fail(new OpenRouterError.MalformedResponse({ message: "OpenRouter TTS API error: malformed audio response" }))
          }
          let size = 0
          // Streamed into an exclusive temporary file put in place once whole: a failure at any
          // point leaves nothing under the output's name.
          const written = yield* OutputFile.commit(fs, planned, (temporary) =>
            Effect.gen(function*() {
              yield* OutputFile.writeStreamExclusive(
                fs,
                temporary,
                response.stream.pipe(
                  Stream.mapError(readError),
                  Stream.mapEffect((chunk) => {
                    size += chunk.byteLength
                    return size > MAX_AUDIO_BYTES
                      ? Effect.fail(new OpenRouterError.MalformedResponse({ message: `OpenRouter TTS API error: audio response exceeds ${MAX_AUDIO_BYTES} bytes` }))
                      : Effect.succeed(chunk)
                  })
                )
              ).pipe(
                // The path cannot be written: bad input, not a remote failure.
                Effect.catchTags({
                  SystemError: (error) => Effect.fail(cannotWrite(path, error.message)),
                  BadArgument: (error) => Effect.fail(cannotWrite(path, error.message))
                })
              )
              const declared = AudioResponse.declaredLength(response.headers)
              if (declared !== undefined && size !== declared) {
                return yield* Effect.fail(readError({ message: `the audio ended after ${size} of ${declared} bytes` }))
              }
              if (size === 0) return yield* Effect.fail(new OpenRouterError.MalformedResponse({ message: "OpenRouter TTS API error: malformed audio response" }))
            }), "path")
          return { ...audioOf(prepared, new Uint8Array(0)), path: written, size }
        }).pipe(timeoutOf(prepared.settings.timeoutMs, "speech"))
      })

    const transcribe: Service["transcribe"] = Effect.fn("Speech.transcribe")(function*(call: TranscribeOptions) {
        const format = yield* AudioResponse.transcriptionFormat(call.mimeType, call.fileName)
        const model = call.model?.trim() || TRANSCRIPTION_MODEL
        const target = yield* config.chat()
        const timeoutMs = call.timeoutMs ?? (yield* config.speech()).timeoutMs
        const requestBody = {
          model,
          input_audio: { data: Buffer.from(call.audio).toString("base64"), format },
          ...(call.language !== undefined && call.language.trim() !== "" ? { language: call.language.trim() } : {}),
          ...(call.temperature !== undefined && Number.isFinite(call.temperature) ? { temperature: call.temperature } : {})
        }
        return yield* Effect.gen(function*() {
          const response = yield* http.execute(
            HttpClientRequest.post(http.url("/audio/transcriptions", target)).pipe(
              HttpClientRequest.setHeaders(HeaderPolicy.headers({ route: target.route, identity: config.identity })),
              HttpClientRequest.bodyText(JSON.stringify(requestBody), "application/json")
            ),
            { retryClass: "billable-post", target, timeout: Duration.millis(timeoutMs), operation: "speech.transcribe" }
          )
          // Read with the `jsonBodyBytes` cap (`LimitExceeded` past it).
          const json = yield* JsonBody.readJson(response, {
            what: "the transcription response",
            malformed: () => new OpenRouterError.MalformedResponse({ message: "OpenRouter transcription response is not JSON" }),
            // As before: an answer that cannot be read whole is reported as malformed.
            readFailed: () => new OpenRouterError.MalformedResponse({ message: "OpenRouter transcription response is not JSON" })
          })
          const text = (json.value as { text?: unknown } | null)?.text
          if (typeof text !== "string") {
            return yield* Effect.fail(new OpenRouterError.MalformedResponse({ message: "OpenRouter transcription response missing text" }))
          }
          return { text, model }
        }).pipe(timeoutOf(timeoutMs, "transcription"))
      })

    return { prepare, synthesize, synthesizeToFile, transcribe }
  })

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<Speech, never, OpenRouterConfig | OpenRouterHttp.OpenRouterHttp> = Layer.effect(Speech, make)
