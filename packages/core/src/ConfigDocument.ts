/**
 * The OpenClaw-shaped JSON5 config file: its Schema (what this provider reads; every other key is
 * kept untouched) and reading it from text with errors that say where.
 *
 * ```json5
 * {
 *   env: { OPENROUTER_API_KEY: "sk-or-..." },          // or env: { vars: { ... } }
 *   agents: { defaults: { model: { primary: "openrouter/auto" } } },
 *   models: { providers: { openrouter: { baseUrl: "https://openrouter.ai/api/v1" } } },
 * }
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as internal from "./internal/configDocument.js"
import type { ConfigError } from "./OpenRouterError.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

const Params = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "Params",
  message: () => "expected an object of params"
})

const PositiveNumber = Schema.Number.pipe(Schema.finite(), Schema.positive()).annotations({
  message: () => ({ message: "expected a positive finite number", override: true })
})

const PositiveInteger = Schema.Number.pipe(Schema.int(), Schema.positive()).annotations({
  message: () => ({ message: "expected a positive integer", override: true })
})

const Text = Schema.String.annotations({ message: () => "expected a string" })

const TextList = Schema.Array(Text).annotations({ message: () => "expected an array of strings" })

const StringRecord = Schema.Record({ key: Schema.String, value: Text }).annotations({
  message: () => "expected an object whose values are strings"
})

/** `agents.defaults.model`: a ref, or `{ primary, fallbacks }`. @since 0.1.0 @category Schemas */
export const ModelSelection = Schema.Union(
  Text,
  Schema.Struct({
    primary: opt(Text),
    fallbacks: opt(TextList)
  }).annotations({ message: () => "expected an object { primary, fallbacks }" })
)

/** `agents.defaults.imageGenerationModel` / `videoGenerationModel`. @since 0.1.0 @category Schemas */
export const MediaModel = Schema.Union(
  Text,
  Schema.Struct({
    primary: opt(Text),
    fallbacks: opt(TextList),
    timeoutMs: opt(PositiveNumber)
  }).annotations({ message: () => "expected an object { primary, fallbacks, timeoutMs }" })
)

/** `messages.tts.providers.openrouter` and the legacy `messages.tts.openrouter`. @since 0.1.0 @category Schemas */
export const SpeechProvider = Schema.Struct({
  apiKey: opt(Text),
  baseUrl: opt(Text),
  model: opt(Text),
  modelId: opt(Text),
  voice: opt(Text),
  voiceId: opt(Text),
  speed: opt(
    Schema.Number.pipe(Schema.finite()).annotations({ message: () => ({ message: "expected a finite number", override: true }) })
  ),
  responseFormat: opt(Text),
  provider: opt(Params)
})

/**
 * `models.providers.openrouter.limits`: overrides of the client's resource limits (see the
 * client's `Limits` module for what each bounds and its default). Sizes in bytes, times in
 * milliseconds; each a positive integer.
 *
 * @since 0.1.0 @category Schemas
 */
export const Limits = Schema.partial(Schema.Struct({
  sseLineBytes: PositiveInteger,
  sseEventBytes: PositiveInteger,
  jsonBodyBytes: PositiveInteger,
  errorBodyBytes: PositiveInteger,
  inputMediaBytes: PositiveInteger,
  downloadBytes: PositiveInteger,
  streamBytes: PositiveInteger,
  streamTotalMs: PositiveInteger,
  downloadIdleMs: PositiveInteger,
  downloadTotalMs: PositiveInteger
}))

/** `models.providers.openrouter`. @since 0.1.0 @category Schemas */
export const OpenRouterProvider = Schema.Struct({
  apiKey: opt(Text),
  baseUrl: opt(Text),
  auth: opt(Text),
  params: opt(Params),
  headers: opt(StringRecord),
  models: opt(Schema.Array(Schema.Struct({ id: Text, params: opt(Params) }))),
  limits: opt(Limits),
  /**
   * Hosts (`host` or `host:port`) that media and poll URLs may point at over http or https, at
   * any address (a CDN of your own, a local simulator). Without an entry, such URLs must be https
   * to a public host.
   */
  mediaHosts: opt(Schema.Array(Text)),
  /**
   * Whether `openrouter-effect chat` logs each turn to `<stateDir>/conversations` (default true;
   * `false` turns the log off, as `--no-log` does for one chat).
   */
  conversationLog: opt(Schema.Boolean.annotations({ message: () => "expected true or false" }))
})

const envIssues = (env: Readonly<Record<string, unknown>>): ReadonlyArray<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  for (const [name, value] of Object.entries(env)) {
    if (name === "vars" || name === "shellEnv") continue
    if (typeof value !== "string") issues.push({ path: [name], message: "expected a string (an environment value)" })
  }
  return issues
}

/** `env`: sugar keys `env.NAME` and/or `env.vars.NAME`, all strings. @since 0.1.0 @category Schemas */
export const Env = Schema.Struct({
  vars: opt(StringRecord),
  shellEnv: opt(Schema.Unknown)
}).pipe(Schema.filter(envIssues))

/**
 * What this provider reads of the config. Decoding keeps every other key (use
 * {@link decode}, which sets `onExcessProperty: "preserve"`).
 *
 * @since 0.1.0 @category Schemas
 */
export const Document = Schema.Struct({
  env: opt(Env),
  agents: opt(Schema.Struct({
    defaults: opt(Schema.Struct({
      model: opt(ModelSelection),
      models: opt(
        Schema.Record({
          key: Schema.String,
          value: Schema.Struct({ alias: opt(Text), params: opt(Params) })
        })
      ),
      params: opt(Params),
      imageGenerationModel: opt(MediaModel),
      videoGenerationModel: opt(MediaModel),
      mediaMaxMb: opt(PositiveNumber)
    })),
    list: opt(Schema.Array(Schema.Struct({ id: Text, params: opt(Params) })))
  })),
  models: opt(Schema.Struct({
    providers: opt(Schema.Struct({ openrouter: opt(OpenRouterProvider) }))
  })),
  messages: opt(Schema.Struct({
    tts: opt(Schema.Struct({
      auto: opt(Schema.Union(Schema.String, Schema.Boolean)),
      provider: opt(Text),
      providers: opt(Schema.Struct({ openrouter: opt(SpeechProvider) })),
      openrouter: opt(SpeechProvider)
    }))
  }))
})

/** A decoded config document. @since 0.1.0 @category Models */
export type Document = typeof Document.Type

/** The empty document: no file. @since 0.1.0 @category Constructors */
export const empty: Document = {}

/**
 * Checks a parsed document against {@link Document}. A mismatch is a {@link ConfigError} naming
 * the JSON path, the value found (never a secret's) and what is allowed; so is a document nested
 * more than 512 levels deep. Never throws.
 *
 * @since 0.1.0 @category Decoding
 */
export const decode = (raw: unknown, file?: string): Either.Either<Document, ConfigError> => {
  const shape = internal.shapeError(raw, file)
  if (shape !== undefined) return Either.left(shape)
  return Schema.decodeUnknownEither(Document, { onExcessProperty: "preserve" })(raw).pipe(
    Either.mapLeft((error) => internal.schemaError(raw, error, file))
  )
}

/**
 * A config file read from text: the raw document (for writes that must keep every key and
 * `${VAR}` reference as written) and its decoded form.
 *
 * @since 0.1.0 @category Models
 */
export interface Parsed {
  readonly raw: Readonly<Record<string, unknown>>
  readonly document: Document
}

/**
 * Removes `_` digit separators (`180_000`, as the provider documentation writes numbers) from
 * number literals, leaving strings and comments alone. JSON5 itself has no digit separators.
 *
 * @since 0.1.0 @category Decoding
 */
export const stripDigitSeparators: (text: string) => string = internal.stripDigitSeparators

/**
 * Parses JSON5 text. A syntax error names the file and `line:column`; a schema error names the
 * JSON path (see {@link decode}). Blank text is an empty document.
 *
 * @since 0.1.0 @category Decoding
 */
export const parseText = (text: string, file?: string): Either.Either<Parsed, ConfigError> => {
  if (text.trim() === "") return Either.right({ raw: {}, document: empty })
  return Either.flatMap(
    internal.parseJson5Text(text, file),
    (raw) => Either.map(decode(raw, file), (document) => ({ raw: raw as Record<string, unknown>, document }))
  )
}
