/**
 * The machinery of `ConfigDocument`: the errors that say where a config is wrong (the JSON path
 * and the value found, never a secret's; `line:column` for a syntax error), the depth guard, and
 * JSON5 with the provider documentation's digit separators.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import JSON5 from "json5"
import { jsonPath } from "../Environment.js"
import { ConfigError } from "../OpenRouterError.js"

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

/**
 * The first structural problem of a parsed document, found without recursion: a value nested
 * deeper than {@link MAX_DEPTH}, or an own `"__proto__"` key.
 *
 * JSON5 and `JSON.parse` keep `"__proto__"` as an ordinary own key, but the code that copies a
 * document (Schema's decoding of excess properties, any `target[key] = value`) assigns it, and an
 * assignment to `__proto__` sets the copy's prototype: the document would then read values that
 * are not its own (a top-level `"__proto__": { models: … baseUrl … }` moved where the key is
 * sent). No config has a use for the key, so it is refused wherever it stands. `constructor` and
 * `prototype` are only data: they are copied as own keys like any other.
 */
const structuralProblem = (root: unknown): { readonly kind: "deep" | "proto"; readonly path: ReadonlyArray<string | number> } | undefined => {
  interface Node {
    readonly value: unknown
    readonly depth: number
    readonly key: string | number
    readonly parent: Node | undefined
  }
  const pathOf = (node: Node) => {
    const path: Array<string | number> = []
    for (let at: Node | undefined = node; at?.parent !== undefined; at = at.parent) path.unshift(at.key)
    return path
  }
  const stack: Array<Node> = [{ value: root, depth: 1, key: "", parent: undefined }]
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value } = node
    if (typeof value !== "object" || value === null) continue
    if (node.depth > MAX_DEPTH) return { kind: "deep", path: pathOf(node) }
    if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) return { kind: "proto", path: pathOf(node) }
    const push = (key: string | number, item: unknown) => {
      if (typeof item === "object" && item !== null) stack.push({ value: item, depth: node.depth + 1, key, parent: node })
    }
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) push(i, value[i])
    else for (const [key, item] of Object.entries(value)) push(key, item)
  }
  return undefined
}

const where = (file: string | undefined): string => (file === undefined ? "config" : file)

const fileField = (file: string | undefined) => (file !== undefined ? { file } : {})

/** A document nested deeper than {@link MAX_DEPTH}, holding a `"__proto__"` key, or that is not an object: its error. */
export const shapeError = (raw: unknown, file: string | undefined): ConfigError | undefined => {
  const problem = structuralProblem(raw)
  if (problem !== undefined) {
    const at = jsonPath(problem.path.slice(0, 8))
    return new ConfigError({
      message: `${where(file)}: ${at === "" ? "the document" : at}: ${
        problem.kind === "deep"
          ? `nested more than ${MAX_DEPTH} levels deep`
          : "has a \"__proto__\" key, which is not allowed (it would replace the object's prototype); remove it"
      }`,
      path: at,
      ...fileField(file)
    })
  }
  if (!Predicate.isRecord(raw) || Array.isArray(raw)) {
    return new ConfigError({
      message: `${where(file)}: the config must be an object, found ${show(raw, false)}`,
      ...fileField(file)
    })
  }
  return undefined
}

/** A schema mismatch of `raw` as a ConfigError naming the path, the value found and what is allowed. */
export const schemaError = (raw: unknown, error: ParseResult.ParseError, file: string | undefined): ConfigError => {
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
    ...fileField(file)
  })
}

/** See `ConfigDocument.stripDigitSeparators`. */
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
 * Parses JSON5 text (digit separators accepted); a syntax error is a ConfigError naming the file
 * and `line:column`.
 */
export const parseJson5Text = (text: string, file: string | undefined): Either.Either<unknown, ConfigError> => {
  try {
    return Either.right(parseJson5(text))
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
        ...fileField(file),
        ...(line !== undefined ? { line } : {}),
        ...(column !== undefined ? { column } : {})
      })
    )
  }
}
