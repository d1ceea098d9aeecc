/**
 * `chat -o key=value`: model params given on the command line. A dotted key nests
 * (`provider.order=["a","b"]` is `{ provider: { order: ["a", "b"] } }`); a value is JSON when it
 * parses as JSON (`temperature=0.2` is a number, `stream=false` a boolean), else the text as it is
 * (`provider.sort=price`). Later options win over earlier ones for the same key, in either
 * direction: `a.b=1 a=2` is `{ a: 2 }`, `a=2 a.b=1` is `{ a: { b: 1 } }`.
 *
 * Where they go ({@link route}): the params the request shaping reads (the sampling params,
 * `provider`, the cache and response-cache settings, `extraBody`) are call params, merged over the
 * configured ones under the same rules (routing only on verified OpenRouter routes); every other
 * key goes into the request body as given (`min_p`, `plugins`, `transforms`, `reasoning.*`, …).
 * `model`, `stream` and `messages` are the CLI's own: `-m`, `--no-stream`, `--messages`.
 *
 * @since 0.1.0
 */
import * as ChatRequest from "@openrouter-effect/core/ChatRequest"
import * as ModelParams from "@openrouter-effect/core/transform/ModelParams"
import * as ResponseCache from "@openrouter-effect/core/ResponseCache"
import * as Either from "effect/Either"

/** One `key=value`, read. @since 0.1.0 @category Models */
export interface Setting {
  readonly path: ReadonlyArray<string>
  readonly value: unknown
}

// Keys that would reach an object's prototype are never written.
const FORBIDDEN = new Set(["__proto__", "prototype", "constructor"])
const SEGMENT = /^[A-Za-z0-9_$-]+$/

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Reads one `key=value`; `Left` says what is wrong with it.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseSetting = (text: string): Either.Either<Setting, string> => {
  const eq = text.indexOf("=")
  if (eq <= 0) return Either.left(`expected key=value, got ${JSON.stringify(text.slice(0, 80))}`)
  const key = text.slice(0, eq).trim()
  const path = key.split(".")
  for (const segment of path) {
    if (!SEGMENT.test(segment)) return Either.left(`${JSON.stringify(key.slice(0, 80))} is not a key (letters, digits, _, - and $, dot-separated)`)
    if (FORBIDDEN.has(segment)) return Either.left(`${segment} is not allowed as a key`)
  }
  const raw = text.slice(eq + 1)
  let value: unknown = raw
  try {
    value = JSON.parse(raw)
  } catch {
    // Not JSON: the text itself.
  }
  return Either.right({ path, value })
}

/**
 * The params of several `key=value` options, nested by their dotted keys; `Left` names the first
 * bad one.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseAll = (texts: ReadonlyArray<string>): Either.Either<Record<string, unknown>, string> => {
  const out: Record<string, unknown> = {}
  for (const text of texts) {
    const setting = parseSetting(text)
    if (Either.isLeft(setting)) return Either.left(setting.left)
    const { path, value } = setting.right
    let target = out
    for (let i = 0; i < path.length - 1; i++) {
      const segment = path[i]!
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined
      if (next === undefined) {
        const created: Record<string, unknown> = {}
        target[segment] = created
        target = created
      } else if (isObject(next)) {
        target = next
      } else {
        // The later option wins: a value set before gives way to the object this one needs.
        const created: Record<string, unknown> = {}
        target[segment] = created
        target = created
      }
    }
    target[path[path.length - 1]!] = value
  }
  return Either.right(out)
}

/**
 * The param names the request shaping reads from call params: each sampling param under every
 * name it is looked up by, `provider`, the prompt-cache and response-cache settings and
 * `extraBody`. Any other `-o` key is a body field.
 *
 * @since 0.1.0 @category Constants
 */
export const paramNames: ReadonlySet<string> = new Set([
  ...ModelParams.fields.flatMap(([, names]) => names),
  "provider",
  "cacheRetention",
  "cache_retention",
  "extraBody",
  "extra_body",
  ...ResponseCache.allAliases
])

/** The keys the CLI sets itself, and the flag that sets each. @since 0.1.0 @category Constants */
export const cliKeys: Readonly<Record<string, string>> = { model: "-m/--model", stream: "--no-stream", messages: "--messages" }

/** Parsed `-o` options split by where they go. @since 0.1.0 @category Models */
export interface Routed {
  /** Call params, shaped under the config's rules. */
  readonly params: Record<string, unknown>
  /** Fields sent in the request body as given. */
  readonly body: Record<string, unknown>
}

/**
 * Splits parsed options into call params ({@link paramNames}) and body fields; `Left` names a key
 * the CLI sets itself and the flag to use instead.
 *
 * @since 0.1.0 @category Parsing
 */
export const route = (options: Readonly<Record<string, unknown>>): Either.Either<Routed, string> => {
  const params: Record<string, unknown> = {}
  const body: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) {
    const flag = Object.hasOwn(cliKeys, key) ? cliKeys[key] : undefined
    if (flag !== undefined) return Either.left(`${key} is set by ${flag}, not -o`)
    if (paramNames.has(key)) params[key] = value
    else body[key] = value
  }
  return Either.right({ params, body })
}

/**
 * Checks the call params that become body fields (the sampling params under their body names,
 * `provider`) against the request's types, so `-o temperature=hot` is refused before sending as
 * `-o min_p=hot` is; `Left` names the `-o` key and what is wrong.
 *
 * @since 0.1.0 @category Parsing
 */
export const checkParams = (params: Readonly<Record<string, unknown>>): Either.Either<void, string> => {
  const body: Record<string, unknown> = {}
  const givenAs: Record<string, string> = {}
  for (const [field, names] of ModelParams.fields) {
    const name = names.find((candidate) => Object.hasOwn(params, candidate))
    if (name === undefined) continue
    body[field] = params[name]
    givenAs[field] = name
  }
  if (Object.hasOwn(params, "provider")) {
    body["provider"] = params["provider"]
    givenAs["provider"] = "provider"
  }
  const checked = ChatRequest.fromUnknown({ messages: [{ role: "user", content: "" }], ...body })
  if (Either.isRight(checked)) return Either.right(undefined)
  const top = checked.left.field.split(/[.[]/)[0] ?? ""
  const key = givenAs[top]
  return Either.left(key !== undefined && key !== top ? `${key}: ${checked.left.message}` : checked.left.message)
}
