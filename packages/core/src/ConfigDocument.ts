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
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import JSON5 from "json5"
import { jsonPath } from "./Environment.js"
import { ConfigError } from "./OpenRouterError.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

const Params = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "Params",
  message: () => "expected an object of params"
})

const PositiveNumber = Schema.Number.pipe(Schema.finite(), Schema.positive()).annotations({
  message: () => ({ message: "expected a positive finite number", override: true })
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

/** `models.providers.openrouter`. @since 0.1.0 @category Schemas */
export const OpenRouterProvider = Schema.Struct({
  apiKey: opt(Text),
  baseUrl: opt(Text),
  auth: opt(Text),
  params: opt(Params),
  headers: opt(StringRecord),
  models: opt(Schema.Array(Schema.Struct({ id: Text, params: opt(Params) })))
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

const SECRET_NAME = /key|token|secret|password|authorization/i

const valueAt = (root: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let current = root
  for (const segment of path) {
    if (!Predicate.isRecord(current) && !Array.isArray(current)) return undefined
    current = (current as Record<PropertyKey, unknown>)[segment]
  }
  return current
}

const show = (value: unknown, secret: boolean): string => {
  if (value === undefined) return "nothing"
  const kind = `a ${Array.isArray(value) ? "array" : typeof value}`
  if (secret) return `${kind} (not shown: it may be a secret)`
  if (typeof value === "number" && !Number.isFinite(value)) return String(value)
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    // A bigint, a cycle or a value nested too deeply for the stack: only say what it is.
  }
  if (json === undefined) return kind
  return json.length > 80 ? `${json.slice(0, 77)}...` : json
}

/** How deeply a config may nest: a deeper (hostile) document would overflow the stack of code that walks it. */
const MAX_DEPTH = 512

/** The path to a value nested deeper than {@link MAX_DEPTH} (found without recursion), if any. */
const tooDeep = (root: unknown): ReadonlyArray<string | number> | undefined => {
  interface Node {
    readonly value: unknown
    readonly depth: number
    readonly key: string | number
    readonly parent: Node | undefined
  }
  const stack: Array<Node> = [{ value: root, depth: 1, key: "", parent: undefined }]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value } = node
    if (typeof value !== "object" || value === null) continue
    if (node.depth > MAX_DEPTH) {
      const path: Array<string | number> = []
      for (let at: Node | undefined = node; at?.parent !== undefined; at = at.parent) path.unshift(at.key)
      return path
    }
    const push = (key: string | number, item: unknown) => {
      if (typeof item === "object" && item !== null) stack.push({ value: item, depth: node.depth + 1, key, parent: node })
    }
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) push(i, value[i])
    else for (const [key, item] of Object.entries(value)) push(key, item)
  }
  return undefined
}

const where = (file: string | undefined): string => (file === undefined ? "config" : file)

/**
 * Checks a parsed document against {@link Document}. A mismatch is a {@link ConfigError} naming
 * the JSON path, the value found (never a secret's) and what is allowed; so is a document nested
 * more than 512 levels deep. Never throws.
 *
 * @since 0.1.0 @category Decoding
 */
export const decode = (raw: unknown, file?: string): Either.Either<Document, ConfigError> => {
  const deep = tooDeep(raw)
  if (deep !== undefined) {
    const at = jsonPath(deep.slice(0, 8))
    return Either.left(
      new ConfigError({
        message: `${where(file)}: ${at === "" ? "the document" : at}: nested more than ${MAX_DEPTH} levels deep`,
        path: at,
        ...(file !== undefined ? { file } : {})
      })
    )
  }
  if (!Predicate.isRecord(raw) || Array.isArray(raw)) {
    return Either.left(
      new ConfigError({
        message: `${where(file)}: the config must be an object, found ${show(raw, false)}`,
        ...(file !== undefined ? { file } : {})
      })
    )
  }
  return Schema.decodeUnknownEither(Document, { onExcessProperty: "preserve" })(raw).pipe(
    Either.mapLeft((error) => {
      // A union reports one issue per member: the deepest path says most, and the members that
      // failed at that same path are the alternatives that were allowed there.
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      const depth = Math.max(...issues.map((issue) => issue.path.length))
      const deepest = issues.filter((issue) => issue.path.length === depth)
      const rawPath = deepest[0]?.path ?? []
      const path = rawPath.map((segment) => (typeof segment === "number" ? segment : String(segment)))
      const at = jsonPath(path)
      const secret = path.some((segment) => typeof segment === "string" && SECRET_NAME.test(segment)) ||
        path[0] === "env"
      const expected = [...new Set(deepest.map((issue) => issue.message))].join(" or ")
      return new ConfigError({
        message: `${where(file)}: ${at === "" ? "the document" : at}: ${
          expected === "is missing" ? "is missing (required)" : `${expected}, found ${show(valueAt(raw, rawPath), secret)}`
        }`,
        path: at,
        ...(file !== undefined ? { file } : {})
      })
    })
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
export const stripDigitSeparators = (text: string): string => {
  let out = ""
  let quote: string | undefined
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? ""
    if (quote !== undefined) {
      out += char
      if (char === "\\") {
        out += text[i + 1] ?? ""
        i++
      } else if (char === quote) quote = undefined
      continue
    }
    if (char === "\"" || char === "'") {
      quote = char
      out += char
      continue
    }
    if (char === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i)
      const stop = end < 0 ? text.length : end
      out += text.slice(i, stop)
      i = stop - 1
      continue
    }
    if (char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2)
      const stop = end < 0 ? text.length : end + 2
      out += text.slice(i, stop)
      i = stop - 1
      continue
    }
    if (char === "_" && /[0-9a-fA-F]/.test(text[i - 1] ?? "") && /[0-9a-fA-F]/.test(text[i + 1] ?? "") && !/[A-Za-z_$]/.test(previousWordStart(text, i))) continue
    out += char
  }
  return out
}

// The first character of the word an index is in: a number starts with a digit (or a sign/dot).
const previousWordStart = (text: string, index: number): string => {
  let start = index
  while (start > 0 && /[0-9A-Za-z_$.]/.test(text[start - 1] ?? "")) start--
  return text[start] ?? ""
}

// JSON5, accepting digit separators when the plain parse fails on one. When the text without
// separators still fails, that error is the real one (its column can be off by the separators
// removed before it on the same line).
const parseJson5 = (text: string): unknown => {
  try {
    return JSON5.parse(text)
  } catch (cause) {
    const stripped = stripDigitSeparators(text)
    if (stripped === text) throw cause
    return JSON5.parse(stripped)
  }
}

/**
 * Parses JSON5 text. A syntax error names the file and `line:column`; a schema error names the
 * JSON path (see {@link decode}). Blank text is an empty document.
 *
 * @since 0.1.0 @category Decoding
 */
export const parseText = (text: string, file?: string): Either.Either<Parsed, ConfigError> => {
  if (text.trim() === "") return Either.right({ raw: {}, document: empty })
  let raw: unknown
  try {
    raw = parseJson5(text)
  } catch (cause) {
    const error = cause as { message?: unknown; lineNumber?: unknown; columnNumber?: unknown }
    let line = typeof error.lineNumber === "number" ? error.lineNumber : undefined
    let column = typeof error.columnNumber === "number" ? error.columnNumber : undefined
    // JSON5 places an error at a line break (in a string, or the end of input after one) at
    // column 0 of the next line: point at the end of the line the break ends instead.
    if (line !== undefined && line > 1 && column === 0) {
      column = (text.split("\n")[line - 2]?.length ?? 0) + 1
      line--
    }
    const detail = String(error.message ?? cause).replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "")
    const position = line !== undefined && column !== undefined ? `:${line}:${column}` : ""
    return Either.left(
      new ConfigError({
        message: `${where(file)}${position}: JSON5 syntax error: ${detail}`,
        ...(file !== undefined ? { file } : {}),
        ...(line !== undefined ? { line } : {}),
        ...(column !== undefined ? { column } : {})
      })
    )
  }
  return Either.map(decode(raw, file), (document) => ({ raw: raw as Record<string, unknown>, document }))
}
