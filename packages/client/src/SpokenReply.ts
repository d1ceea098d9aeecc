/**
 * Spoken replies (`messages.tts.auto`, seed "Text-to-speech"): a chat completion, then its text
 * synthesised with the configured text-to-speech settings, as one call.
 *
 * `messages.tts.auto` decides by default: `"always"` (or `true`) speaks every reply; `"off"`
 * (or `false`, or absent: the default) never does. OpenClaw's other modes need a conversation
 * this call does not have (`"inbound"`: only when the user spoke, `"tagged"`: only replies that
 * ask for it), so they do not speak here. A `messages.tts.provider` other than `openrouter`
 * hands speech to another provider: no spoken reply from this one either. A caller can override
 * the configuration with `speak: "always"` or `"never"`.
 *
 * The speech is a second, separate request (`Speech.synthesize`, `billable-post`) sent after the
 * completion; an empty reply is not spoken.
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Settings from "@openrouter-effect/core/Settings"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Chat from "./Chat.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import * as OutputFile from "./OutputFile.js"
import * as Speech from "./Speech.js"

/**
 * Whether to speak: `"config"` (default) follows `messages.tts.auto`; `"always"` and `"never"`
 * override it.
 *
 * @since 0.1.0 @category Models
 */
export type Speak = "config" | "always" | "never"

/** @since 0.1.0 @category Models */
export interface SpeakOptions {
  /** The voice, model, format, speed and timeout of the speech; default the configured ones. */
  readonly speech?: Omit<Speech.SynthesizeOptions, "text"> | undefined
  /** Into a file: replace an existing file instead of choosing a new free name. */
  readonly force?: boolean | undefined
}

/** @since 0.1.0 @category Models */
export interface Options extends Chat.Options, SpeakOptions {
  readonly speak?: Speak | undefined
}

/** A completion and, when it was spoken, its audio. @since 0.1.0 @category Models */
export interface Reply<A extends Speech.Audio = Speech.Audio> {
  readonly completion: Chat.Completion
  /** `None` when the reply was not spoken (speech off, or an empty reply). */
  readonly audio: Option.Option<A>
}

/** @since 0.1.0 @category Models */
export type ReplyError = Chat.ChatError | Speech.SpeechError

/** @since 0.1.0 @category Models */
export interface Service {
  /** Whether a reply is spoken, by `speak` (default `"config"`: `messages.tts.auto`). */
  readonly enabled: (speak?: Speak) => Effect.Effect<boolean>
  /** Synthesises `text` in memory. */
  readonly speak: (text: string, options?: SpeakOptions) => Effect.Effect<Speech.Audio, Speech.SpeechError>
  /** Synthesises `text` into `path` (a temporary file, renamed when complete). */
  readonly speakToFile: (text: string, path: string, options?: SpeakOptions) => Effect.Effect<Speech.SavedAudio, Speech.SpeechError, FileSystem.FileSystem>
  /** `Chat.complete`, then, when {@link Service.enabled}, the reply's text spoken in memory. */
  readonly complete: (request: Chat.Request, options?: Options) => Effect.Effect<Reply, ReplyError>
  /** `Chat.complete`, then, when {@link Service.enabled}, the reply's text spoken into `path`. */
  readonly completeToFile: (
    request: Chat.Request,
    path: string,
    options?: Options
  ) => Effect.Effect<Reply<Speech.SavedAudio>, ReplyError, FileSystem.FileSystem>
}

/** @since 0.1.0 @category Context */
export class SpokenReply extends Context.Tag("@openrouter-effect/client/SpokenReply")<SpokenReply, Service>() {}

/**
 * Whether `messages.tts.auto` (and `messages.tts.provider`) as configured speak every reply:
 * `"always"` or `true`, with no provider or `openrouter` selected.
 *
 * @since 0.1.0 @category Predicates
 */
export const speaksAlways = (auto: string | boolean | undefined, provider?: string | undefined): boolean => {
  const always = auto === true || (typeof auto === "string" && auto.trim().toLowerCase() === "always")
  const ours = provider === undefined || provider.trim() === "" || provider.trim().toLowerCase() === "openrouter"
  return always && ours
}

/**
 * The file a spoken reply goes to when none is named: `reply.<format>` (`reply.mp3`), in the
 * current directory: what `openrouter-effect chat` writes.
 *
 * @since 0.1.0 @category Constants
 */
export const defaultPath = (format: Settings.SpeechFormat): string => `reply.${format}`

/**
 * Builds the service.
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<Service, never, Chat.Chat | Speech.Speech | OpenRouterConfig> = Effect.gen(function*() {
  const chat = yield* Chat.Chat
  const speech = yield* Speech.Speech
  const config = yield* OpenRouterConfig

  // `Settings.resolveSpeech` substitutes `${VAR}` in `auto`; when the speech settings do not
  // resolve, the document as written decides, so a broken TTS section never fails a chat whose
  // replies are not spoken (one that is spoken reports it from the speech call).
  const configured = config.speech().pipe(
    Effect.map((settings) => speaksAlways(settings.auto, settings.selectedProvider)),
    Effect.orElseSucceed(() => speaksAlways(config.document.messages?.tts?.auto, config.document.messages?.tts?.provider))
  )

  const enabled: Service["enabled"] = (speak = "config") =>
    speak === "always" ? Effect.succeed(true) : speak === "never" ? Effect.succeed(false) : configured

  const speak: Service["speak"] = (text, options = {}) => speech.synthesize({ ...options.speech, text })

  const speakToFile: Service["speakToFile"] = (text, path, options = {}) =>
    speech.synthesizeToFile({ ...options.speech, text }, path, { force: options.force })

  // The completion, then its text spoken by `say` when enabled and not empty.
  const completeWith = <A extends Speech.Audio, R>(
    request: Chat.Request,
    options: Options,
    say: (text: string) => Effect.Effect<A, Speech.SpeechError, R>
  ): Effect.Effect<Reply<A>, ReplyError, R> =>
    Effect.gen(function*() {
      const { force: _force, speak: mode, speech: _speech, ...chatOptions } = options
      const completion = yield* chat.complete(request, chatOptions)
      const on = yield* enabled(mode)
      if (!on || completion.text.trim() === "") return { completion, audio: Option.none() }
      return { completion, audio: Option.some(yield* say(completion.text)) }
    }).pipe(Effect.withSpan("SpokenReply.complete", { captureStackTrace: false }))

  const complete: Service["complete"] = (request, options = {}) => completeWith(request, options, (text) => speak(text, options))

  // The file is checked writable before the chat, which is billed too.
  const completeToFile: Service["completeToFile"] = (request, path, options = {}) =>
    Effect.zipRight(
      OutputFile.plan(path, { force: options.force }, "path"),
      completeWith(request, options, (text) => speakToFile(text, path, options))
    )

  return { enabled, speak, speakToFile, complete, completeToFile }
})

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<SpokenReply, never, Chat.Chat | Speech.Speech | OpenRouterConfig> = Layer.effect(SpokenReply, make)
