/**
 * Pure resolution of the settings of one call from the config document, an environment snapshot
 * and the call's own options: `resolveChat`, `resolveMedia`, `resolveSpeech`. Nothing is mutated,
 * nothing is read from the process. Base URLs are classified by the route policy given (a
 * `RouteVerifier.Service`; the default one when none is).
 *
 * API-key precedence (there are no auth profiles in openrouter-effect, so OpenClaw's profile steps
 * do not exist here):
 * - chat and media: the call's key → `models.providers.openrouter.apiKey` when
 *   `models.providers.openrouter.auth` is `"api-key"` → `OPENROUTER_API_KEY` (the real environment,
 *   else the config's `env` block) → `models.providers.openrouter.apiKey`;
 * - speech: the call's key → `messages.tts.providers.openrouter.apiKey` (or the legacy
 *   `messages.tts.openrouter.apiKey`) → `models.providers.openrouter.apiKey` → `OPENROUTER_API_KEY`.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as ConfigDocument from "./ConfigDocument.js"
import type * as Environment from "./Environment.js"
import * as internal from "./internal/settingsResolve.js"
import type * as ModelRef from "./ModelRef.js"
import { type BadInput, ConfigError, type InvalidModelRef } from "./OpenRouterError.js"
import type * as Params from "./Params.js"
import type * as ResponseCache from "./ResponseCache.js"
import type * as RouteVerifier from "./RouteVerifier.js"
import type * as Thinking from "./Thinking.js"

/** The environment variable that holds the key. @since 0.1.0 @category Constants */
export const API_KEY_VARIABLE = "OPENROUTER_API_KEY"

/** Where the key came from. @since 0.1.0 @category Models */
export type KeySource =
  | "call"
  | "provider-config-auth"
  | "environment"
  | "config-env"
  | "provider-config"
  | "speech-config"
  | "none"

/** A sentence naming a key source, for display. @since 0.1.0 @category Display */
export const describeKeySource = (source: KeySource): string => {
  switch (source) {
    case "call":
      return "the call's options"
    case "provider-config-auth":
      return "models.providers.openrouter.apiKey (auth: \"api-key\")"
    case "environment":
      return `${API_KEY_VARIABLE} in the environment`
    case "config-env":
      return `${API_KEY_VARIABLE} in the config's env block`
    case "provider-config":
      return "models.providers.openrouter.apiKey"
    case "speech-config":
      return "messages.tts.providers.openrouter.apiKey"
    case "none":
      return "nowhere"
  }
}

/** The resolved key. @since 0.1.0 @category Models */
export interface Key {
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly source: KeySource
}

/** Settings every operation shares. @since 0.1.0 @category Models */
export interface Common {
  readonly key: Key
  /** The base URL requests go to (legacy form rewritten, trailing slashes stripped). */
  readonly baseUrl: string
  /** The classification of the base URL as configured. */
  readonly route: RouteVerifier.Classification
  /** `models.providers.openrouter.headers`. */
  readonly headers: Readonly<Record<string, string>>
  /** Things the user should know: a shadowed key, skipped `env` entries. Never contains a secret. */
  readonly warnings: ReadonlyArray<string>
}

/** Settings of a chat call. @since 0.1.0 @category Models */
export interface Chat extends Common {
  readonly model: ModelRef.ModelRef
  readonly modelSource: "call" | "config" | "default"
  /** `agents.defaults.model.fallbacks`, when the model is the configured one (not the call's). */
  readonly fallbacks: ReadonlyArray<ModelRef.ModelRef>
  readonly thinking: Thinking.Level
  /**
   * Where {@link Chat.thinking} came from: the call's level, the model's configured default
   * (`agents.defaults.models["<ref>"].params.thinking`, the legacy duplicated key too) or the
   * bundled catalogue's default for the model. Only `"default"` may be replaced by a live
   * catalogue's default.
   */
  readonly thinkingSource: ThinkingSource
  /** The merged params (§2.3, §11): provider-wide beneath model beneath the effective extra params. */
  readonly params: Params.Params
  readonly responseCache: ResponseCache.Settings
}

/** Where a chat call's thinking level came from. @since 0.1.0 @category Models */
export type ThinkingSource = "call" | "model-config" | "default"

/** Options of a chat call. @since 0.1.0 @category Models */
export interface ChatCall {
  readonly model?: string | undefined
  readonly baseUrl?: string | undefined
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly agentId?: string | undefined
  readonly thinking?: string | undefined
  readonly params?: Params.Params | undefined
}

/** @since 0.1.0 @category Models */
export type MediaKind = "image" | "video"

/** Settings of an image or video call. @since 0.1.0 @category Models */
export interface Media extends Common {
  readonly kind: MediaKind
  readonly model: ModelRef.ModelRef
  readonly fallbacks: ReadonlyArray<ModelRef.ModelRef>
  readonly timeoutMs: number
  /** `agents.defaults.mediaMaxMb` in bytes, else 16 MiB. */
  readonly maxBytes: number
}

/** Options of an image or video call. @since 0.1.0 @category Models */
export interface MediaCall {
  readonly kind: MediaKind
  readonly model?: string | undefined
  readonly baseUrl?: string | undefined
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly timeoutMs?: number | undefined
}

/** Settings of a text-to-speech call. @since 0.1.0 @category Models */
export interface Speech extends Omit<Common, "headers"> {
  readonly model: ModelRef.ModelRef
  readonly voice: string
  readonly speed: number | undefined
  readonly responseFormat: SpeechFormat
  /** Routing for the speech request (`provider` in the body). */
  readonly provider: Params.Params | undefined
  readonly timeoutMs: number
  /** `messages.tts.auto` and `messages.tts.provider`, as configured. */
  readonly auto: string | boolean | undefined
  readonly selectedProvider: string | undefined
}

/** Options of a text-to-speech call. @since 0.1.0 @category Models */
export interface SpeechCall {
  readonly model?: string | undefined
  readonly voice?: string | undefined
  readonly speed?: number | undefined
  readonly responseFormat?: string | undefined
  readonly baseUrl?: string | undefined
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  readonly timeoutMs?: number | undefined
}

/** @since 0.1.0 @category Models */
export type SpeechFormat = "mp3" | "pcm"

/** Defaults. @since 0.1.0 @category Constants */
export const defaults = {
  imageModel: "google/gemini-3.1-flash-image-preview",
  videoModel: "google/veo-3.1-fast",
  speechModel: "hexgrad/kokoro-82m",
  speechVoice: "af_alloy",
  speechFormat: "mp3" as SpeechFormat,
  imageTimeoutMs: 180_000,
  /** The polling cap of a video job. */
  videoTimeoutMs: 600_000,
  speechTimeoutMs: 60_000,
  maxMediaBytes: 16 * 1024 * 1024
} as const

/** Errors of resolution. @since 0.1.0 @category Models */
export type ResolveError = ConfigError | InvalidModelRef | BadInput

/**
 * The document after the environment is applied: `${VAR}` substituted in the sections this
 * provider reads (`agents`, `models.providers.openrouter`, `messages.tts`; other sections are left
 * alone, so a reference meant for another tool never fails us), and the effective environment.
 *
 * @since 0.1.0 @category Models
 */
export interface Prepared {
  readonly document: ConfigDocument.Document
  readonly environment: Environment.Effective
}

/**
 * Applies the environment to a document: see {@link Prepared}.
 *
 * @since 0.1.0 @category Resolution
 */
export const prepare: (
  document: ConfigDocument.Document,
  environment: Environment.Environment
) => Either.Either<Prepared, ConfigError> = internal.prepare

/**
 * Resolves a chat call: model (call → `agents.defaults.model` → `openrouter/auto`), key, base URL
 * and route, thinking level (call → `agents.defaults.models["<ref>"].params.thinking` → the
 * model's catalogue default), the layered params and the response-cache settings.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolveChat: (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call?: ChatCall,
  verifier?: RouteVerifier.Service
) => Either.Either<Chat, ResolveError> = internal.resolveChat

/**
 * Resolves an image or video call: model (call → `agents.defaults.<kind>GenerationModel.primary`
 * → the default), timeout (call → config → 180 s for images, 600 s for video), download cap, key
 * and base URL as for chat.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolveMedia: (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: MediaCall,
  verifier?: RouteVerifier.Service
) => Either.Either<Media, ResolveError> = internal.resolveMedia

/**
 * Resolves a text-to-speech call from `messages.tts.providers.openrouter` (over the legacy
 * `messages.tts.openrouter`): model (`model` or `modelId`, default `hexgrad/kokoro-82m`), voice
 * (`voice` or `voiceId`, default `af_alloy`), speed, response format (`mp3` or `pcm`), routing,
 * key (the speech order) and base URL: the configured one, unlike OpenClaw, which always uses the
 * canonical URL for speech.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolveSpeech: (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call?: SpeechCall,
  verifier?: RouteVerifier.Service
) => Either.Either<Speech, ResolveError> = internal.resolveSpeech

/**
 * The key of resolved settings, or a {@link ConfigError} that says where a key can be set.
 *
 * @since 0.1.0 @category Resolution
 */
export const requireKey = (key: Key): Either.Either<Redacted.Redacted<string>, ConfigError> =>
  Option.match(key.apiKey, { onSome: Either.right, onNone: () => Either.left(missingKey()) })

/**
 * The error for a call that needs a key when none is configured: it says where a key can be set.
 *
 * @since 0.1.0 @category Errors
 */
export const missingKey = (): ConfigError =>
  new ConfigError({
    message: `No API key found for provider "openrouter": set ${API_KEY_VARIABLE}, ` +
      `env.${API_KEY_VARIABLE} in the config, or models.providers.openrouter.apiKey ` +
      `(run: openrouter-effect onboard --auth-choice openrouter-api-key)`
  })
