/**
 * The machinery of `Settings`: applying the environment to a document, and the resolvers of a
 * chat, media and speech call (model, key, base URL and route, thinking, params, timeouts).
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as ConfigDocument from "../ConfigDocument.js"
import * as Environment from "../Environment.js"
import * as ModelRef from "../ModelRef.js"
import { BadInput, ConfigError } from "../OpenRouterError.js"
import * as Params from "../Params.js"
import * as ResponseCache from "../ResponseCache.js"
import * as RouteVerifier from "../RouteVerifier.js"
import type {
  Chat,
  ChatCall,
  Key,
  KeySource,
  Media,
  MediaCall,
  Prepared,
  ResolveError,
  Speech,
  SpeechCall,
  SpeechFormat
} from "../Settings.js"
import { API_KEY_VARIABLE, defaults, describeKeySource } from "../Settings.js"
import * as Thinking from "../Thinking.js"

/** @internal */
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

// The default route policy, for resolutions that are given none.
const defaultVerifier: RouteVerifier.Service = RouteVerifier.make()

const route = (
  given: string | undefined,
  field: string,
  verifier: RouteVerifier.Service
): Either.Either<{ readonly baseUrl: string; readonly route: RouteVerifier.Classification }, ConfigError> => {
  const classification = verifier.classify(given)
  const baseUrl = verifier.normalizeBaseUrl(given)
  const refusal = verifier.keyRefusal(baseUrl)
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

// The model's entry in `agents.defaults.models`: under its canonical key, else under the legacy
// duplicated key (`openrouter/openrouter/<slug>`), with the key it was found under.
const modelEntry = (
  document: ConfigDocument.Document,
  ref: ModelRef.ModelRef
): { readonly key: string; readonly params: Params.Params | undefined } | undefined => {
  const models = document.agents?.defaults?.models
  if (models === undefined) return undefined
  for (const key of ModelRef.configKeys(ref)) {
    if (Object.hasOwn(models, key)) return { key, params: models[key]?.params }
  }
  return undefined
}

// The model's own default level, `agents.defaults.models[key].params.thinking` (issue 16): a level
// or one of its aliases (a boolean reads as its word, `true` → low); blank or absent is none. Any
// other value is a ConfigError naming the key, rather than a silently ignored setting.
const modelThinking = (
  entry: ReturnType<typeof modelEntry>
): Either.Either<Thinking.Level | undefined, ConfigError> => {
  const value = entry?.params?.thinking
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    return Either.right(undefined)
  }
  const level = typeof value === "string" || typeof value === "boolean" ? Thinking.normalize(String(value)) : undefined
  if (level !== undefined) return Either.right(level)
  const path = Environment.jsonPath(["agents", "defaults", "models", entry!.key, "params", "thinking"])
  return Either.left(
    new ConfigError({
      message: `${path}: unknown thinking level ${JSON.stringify(value)}; use one of ${Thinking.levels.join(", ")}`,
      path
    })
  )
}

/** @internal */
export const resolveChat = (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: ChatCall = {},
  verifier: RouteVerifier.Service = defaultVerifier
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
    const entry = modelEntry(doc, model)
    // call → the model's configured default → the catalogue's default for the model.
    const configuredThinking = yield* modelThinking(entry)
    const [thinking, thinkingSource] = call.thinking !== undefined
      ? [yield* Thinking.parse(call.thinking), "call" as const]
      : configuredThinking !== undefined
      ? [configuredThinking, "model-config" as const]
      : [Thinking.defaultLevel(model.slug), "default" as const]
    const [given, field] = baseUrlOf(call.baseUrl, [["models.providers.openrouter.baseUrl", config?.baseUrl]])
    const target = yield* route(given, field, verifier)
    const agent = call.agentId === undefined ? undefined : doc.agents?.list?.find((a) => a.id === call.agentId)
    const extra = Params.effective([doc.agents?.defaults?.params, entry?.params, agent?.params, call.params])
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
      thinkingSource,
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

/** @internal */
export const resolveMedia = (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: MediaCall,
  verifier: RouteVerifier.Service = defaultVerifier
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
    const target = yield* route(given, baseField, verifier)
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

/** @internal */
export const resolveSpeech = (
  document: ConfigDocument.Document,
  environment: Environment.Environment,
  call: SpeechCall = {},
  verifier: RouteVerifier.Service = defaultVerifier
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
    const target = yield* route(given, field, verifier)
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

