/**
 * Pure resolution of the settings of one call from the config document, an environment snapshot
 * and the call's own options: `resolveChat`, `resolveMedia`, `resolveSpeech`. Nothing is mutated,
 * nothing is read from the process.
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
import * as Redacted from "effect/Redacted"
import type * as ConfigDocument from "./ConfigDocument.js"
import * as Environment from "./Environment.js"
import * as ModelRef from "./ModelRef.js"
import { BadInput, ConfigError, type InvalidModelRef } from "./OpenRouterError.js"
import * as Params from "./Params.js"
import * as ResponseCache from "./ResponseCache.js"
import * as RouteVerifier from "./RouteVerifier.js"
import * as Thinking from "./Thinking.js"

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
  /** The merged params (§2.3, §11): provider-wide beneath model beneath the effective extra params. */
  readonly params: Params.Params
  readonly responseCache: ResponseCache.Settings
}

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
export const prepare = (
  document: ConfigDocument.Document,
  environment: Environment.Environment
): Either.Either<Prepared, ConfigError> => {
  const effective = Environment.effective(document.env, environment)
  const values = effective.values
  const sub = <A>(value: A, path: ReadonlyArray<string>): Either.Either<A, ConfigError> =>
    Either.map(Environment.substitute(value, values, path), (v) => v as A)
  return Either.gen(function*() {
    const agents = yield* sub(document.agents, ["agents"])
    const openrouter = yield* sub(document.models?.providers?.openrouter, ["models", "providers", "openrouter"])
    const tts = yield* sub(document.messages?.tts, ["messages", "tts"])
    const substituted: ConfigDocument.Document = {
      ...document,
      ...(agents !== undefined ? { agents } : {}),
      ...(document.models !== undefined
        ? {
          models: {
            ...document.models,
            providers: { ...document.models.providers, ...(openrouter !== undefined ? { openrouter } : {}) }
          }
        }
        : {}),
      ...(document.messages !== undefined
        ? { messages: { ...document.messages, ...(tts !== undefined ? { tts } : {}) } }
        : {})
    }
    return { document: substituted, environment: effective }
  })
}

const trimmed = (value: string | undefined): string | undefined => {
  const t = value?.trim()
  return t === undefined || t === "" ? undefined : t
}

const redact = (value: string | Redacted.Redacted<string> | undefined): Redacted.Redacted<string> | undefined => {
  if (value === undefined) return undefined
  const text = trimmed(typeof value === "string" ? value : Redacted.value(value))
  return text === undefined ? undefined : Redacted.make(text)
}

const fromEnvironment = (environment: Environment.Effective): Key | undefined => {
  const value = environment.values[API_KEY_VARIABLE]
  const apiKey = redact(value)
  if (apiKey === undefined) return undefined
  return {
    apiKey: Option.some(apiKey),
    source: environment.origin[API_KEY_VARIABLE] === "config" ? "config-env" : "environment"
  }
}

const keyFrom = (
  candidates: ReadonlyArray<readonly [KeySource, () => Redacted.Redacted<string> | Key | undefined]>
): Key => {
  for (const [source, get] of candidates) {
    const found = get()
    if (found === undefined) continue
    if (Redacted.isRedacted(found)) return { apiKey: Option.some(found), source }
    return found
  }
  return { apiKey: Option.none(), source: "none" }
}

const provider = (document: ConfigDocument.Document) => document.models?.providers?.openrouter

const chatKey = (prepared: Prepared, callKey: ChatCall["apiKey"]): Key => {
  const config = provider(prepared.document)
  return keyFrom([
    ["call", () => redact(callKey)],
    ["provider-config-auth", () => (config?.auth?.trim() === "api-key" ? redact(config.apiKey) : undefined)],
    ["environment", () => fromEnvironment(prepared.environment)],
    ["provider-config", () => redact(config?.apiKey)]
  ])
}

const envWarnings = (prepared: Prepared): Array<string> => [
  ...prepared.environment.shadowed.map((name) =>
    `${name} is set both in the environment and in the config's env block; the environment's value is used`
  ),
  ...prepared.environment.skipped.map(({ name, reason }) => `env.${name} in the config was not applied: ${reason}`)
]

const keyWarnings = (key: Key, configKey: string | undefined): Array<string> =>
  (key.source === "environment" || key.source === "config-env") && redact(configKey) !== undefined &&
    Option.exists(key.apiKey, (k) => Redacted.value(k) !== configKey?.trim())
    ? [
      `${describeKeySource(key.source)} is used; models.providers.openrouter.apiKey is ignored ` +
      `(set models.providers.openrouter.auth to "api-key" to prefer it)`
    ]
    : []

const route = (
  given: string | undefined,
  field: string
): Either.Either<{ readonly baseUrl: string; readonly route: RouteVerifier.Classification }, ConfigError> => {
  const classification = RouteVerifier.classify(given)
  const baseUrl = RouteVerifier.normalizeBaseUrl(given)
  const refusal = RouteVerifier.keyRefusal(baseUrl)
  if (refusal !== undefined) {
    return Either.left(new ConfigError({ message: `${field}: ${refusal}`, path: field }))
  }
  return Either.right({ baseUrl, route: classification })
}

const baseUrlOf = (
  callBaseUrl: string | undefined,
  configured: ReadonlyArray<readonly [string, string | undefined]>
): readonly [string | undefined, string] => {
  if (trimmed(callBaseUrl) !== undefined) return [callBaseUrl, "the call's baseUrl (--base-url)"]
  for (const [field, value] of configured) {
    if (trimmed(value) !== undefined) return [value, field]
  }
  return [undefined, "baseUrl"]
}

const primaryOf = (selection: unknown): string | undefined =>
  typeof selection === "string"
    ? selection
    : typeof selection === "object" && selection !== null && "primary" in selection &&
        typeof selection.primary === "string"
    ? selection.primary
    : undefined

const modelEntryParams = (document: ConfigDocument.Document, ref: ModelRef.ModelRef): Params.Params | undefined => {
  const models = document.agents?.defaults?.models
  if (models === undefined) return undefined
  for (const key of ModelRef.configKeys(ref)) {
    if (Object.hasOwn(models, key)) return models[key]?.params
  }
  return undefined
}

/**
 * Resolves a chat call: model (call → `agents.defaults.model` → `openrouter/auto`), key, base URL
 * and route, thinking level (call → the model's default), the layered params and the
 * response-cache settings.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolveChat = (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: ChatCall = {}
): Either.Either<Chat, ResolveError> =>
  Either.gen(function*() {
    const prepared = yield* prepare(document, environment)
    const doc = prepared.document
    const config = provider(doc)
    const configured = trimmed(primaryOf(doc.agents?.defaults?.model))
    const [refText, modelSource] = trimmed(call.model) !== undefined
      ? [call.model as string, "call" as const]
      : configured !== undefined
      ? [configured, "config" as const]
      : [ModelRef.DEFAULT, "default" as const]
    const model = yield* ModelRef.resolve(refText, { document: doc })
    const fallbacks: Array<ModelRef.ModelRef> = []
    const selection = doc.agents?.defaults?.model
    if (modelSource !== "call" && typeof selection === "object") {
      for (const ref of selection.fallbacks ?? []) fallbacks.push(yield* ModelRef.resolve(ref, { document: doc }))
    }
    const thinking = call.thinking !== undefined
      ? yield* Thinking.parse(call.thinking)
      : Thinking.defaultLevel(model.slug)
    const [given, field] = baseUrlOf(call.baseUrl, [["models.providers.openrouter.baseUrl", config?.baseUrl]])
    const target = yield* route(given, field)
    const agent = call.agentId === undefined ? undefined : doc.agents?.list?.find((a) => a.id === call.agentId)
    const extra = Params.effective([doc.agents?.defaults?.params, modelEntryParams(doc, model), agent?.params, call.params])
    const params = Params.transport({
      providerWide: config?.params,
      model: config?.models?.find((m) => m.id === model.slug)?.params,
      extra
    }) ?? {}
    const key = chatKey(prepared, call.apiKey)
    return {
      model,
      modelSource,
      fallbacks,
      thinking,
      key,
      baseUrl: target.baseUrl,
      route: target.route,
      headers: config?.headers ?? {},
      params,
      responseCache: ResponseCache.settings(params),
      warnings: [...envWarnings(prepared), ...keyWarnings(key, config?.apiKey)]
    }
  })

const positiveMs = (value: number | undefined): number | undefined =>
  value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined

// A per-call timeout, floored; anything but a positive finite number is refused.
const checkTimeout = (timeoutMs: number | undefined): Either.Either<number | undefined, BadInput> =>
  timeoutMs === undefined || positiveMs(timeoutMs) !== undefined
    ? Either.right(positiveMs(timeoutMs))
    : Either.left(
      new BadInput({
        field: "timeoutMs",
        value: String(timeoutMs),
        message: `timeoutMs must be a positive finite number of milliseconds, got ${timeoutMs}`
      })
    )

/**
 * Resolves an image or video call: model (call → `agents.defaults.<kind>GenerationModel.primary`
 * → the default), timeout (call → config → 180 s for images, 600 s for video), download cap, key
 * and base URL as for chat.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolveMedia = (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: MediaCall
): Either.Either<Media, ResolveError> =>
  Either.gen(function*() {
    const prepared = yield* prepare(document, environment)
    const doc = prepared.document
    const config = provider(doc)
    const field = call.kind === "image" ? "imageGenerationModel" : "videoGenerationModel"
    const setting = doc.agents?.defaults?.[field]
    const settingObject = typeof setting === "object" ? setting : undefined
    const model = yield* ModelRef.resolve(
      trimmed(call.model) ?? trimmed(primaryOf(setting)) ??
        (call.kind === "image" ? defaults.imageModel : defaults.videoModel),
      { document: doc }
    )
    const fallbacks: Array<ModelRef.ModelRef> = []
    for (const ref of settingObject?.fallbacks ?? []) fallbacks.push(yield* ModelRef.resolve(ref, { document: doc }))
    const callTimeoutMs = yield* checkTimeout(call.timeoutMs)
    const timeoutMs = callTimeoutMs ?? positiveMs(settingObject?.timeoutMs) ??
      (call.kind === "image" ? defaults.imageTimeoutMs : defaults.videoTimeoutMs)
    const mediaMaxMb = doc.agents?.defaults?.mediaMaxMb
    const [given, baseField] = baseUrlOf(call.baseUrl, [["models.providers.openrouter.baseUrl", config?.baseUrl]])
    const target = yield* route(given, baseField)
    const key = chatKey(prepared, call.apiKey)
    return {
      kind: call.kind,
      model,
      fallbacks,
      timeoutMs,
      maxBytes: mediaMaxMb !== undefined ? Math.floor(mediaMaxMb * 1024 * 1024) : defaults.maxMediaBytes,
      key,
      baseUrl: target.baseUrl,
      route: target.route,
      headers: config?.headers ?? {},
      warnings: [...envWarnings(prepared), ...keyWarnings(key, config?.apiKey)]
    }
  })

const speechFormats: ReadonlyArray<SpeechFormat> = ["mp3", "pcm"]

/**
 * Resolves a text-to-speech call from `messages.tts.providers.openrouter` (over the legacy
 * `messages.tts.openrouter`): model (`model` or `modelId`, default `hexgrad/kokoro-82m`), voice
 * (`voice` or `voiceId`, default `af_alloy`), speed, response format (`mp3` or `pcm`), routing,
 * key (the speech order) and base URL: the configured one, unlike OpenClaw, which always uses the
 * canonical URL for speech.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolveSpeech = (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: SpeechCall = {}
): Either.Either<Speech, ResolveError> =>
  Either.gen(function*() {
    const prepared = yield* prepare(document, environment)
    const doc = prepared.document
    const config = provider(doc)
    const tts = doc.messages?.tts
    const speechConfig = { ...tts?.openrouter, ...tts?.providers?.openrouter }
    const model = yield* ModelRef.resolve(
      trimmed(call.model) ?? trimmed(speechConfig.model) ?? trimmed(speechConfig.modelId) ?? defaults.speechModel,
      { document: doc }
    )
    const formatText = trimmed(call.responseFormat) ?? trimmed(speechConfig.responseFormat)
    const responseFormat = formatText === undefined ? defaults.speechFormat : formatText.toLowerCase()
    if (!speechFormats.includes(responseFormat as SpeechFormat)) {
      const message = `Invalid OpenRouter speech responseFormat: ${formatText}; allowed: ${speechFormats.join(", ")}`
      return yield* Either.left(
        trimmed(call.responseFormat) !== undefined
          ? new BadInput({ field: "responseFormat", value: String(formatText), allowed: speechFormats, message })
          : new ConfigError({
            message: `messages.tts.providers.openrouter.responseFormat: ${message}`,
            path: "messages.tts.providers.openrouter.responseFormat"
          })
      )
    }
    if (call.speed !== undefined && !Number.isFinite(call.speed)) {
      return yield* Either.left(
        new BadInput({ field: "speed", value: String(call.speed), message: `speed must be a finite number, got ${call.speed}` })
      )
    }
    const callTimeoutMs = yield* checkTimeout(call.timeoutMs)
    const [given, field] = baseUrlOf(call.baseUrl, [
      ["messages.tts.providers.openrouter.baseUrl", speechConfig.baseUrl],
      ["models.providers.openrouter.baseUrl", config?.baseUrl]
    ])
    const target = yield* route(given, field)
    const key = keyFrom([
      ["call", () => redact(call.apiKey)],
      ["speech-config", () => redact(speechConfig.apiKey)],
      ["provider-config", () => redact(config?.apiKey)],
      ["environment", () => fromEnvironment(prepared.environment)]
    ])
    return {
      model,
      voice: trimmed(call.voice) ?? trimmed(speechConfig.voice) ?? trimmed(speechConfig.voiceId) ?? defaults.speechVoice,
      speed: call.speed ?? speechConfig.speed,
      responseFormat: responseFormat as SpeechFormat,
      provider: Params.fromUnknown(speechConfig.provider),
      timeoutMs: callTimeoutMs ?? defaults.speechTimeoutMs,
      auto: tts?.auto,
      selectedProvider: tts?.provider,
      key,
      baseUrl: target.baseUrl,
      route: target.route,
      warnings: envWarnings(prepared)
    }
  })

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
