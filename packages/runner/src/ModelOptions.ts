/**
 * `chat -o key=value`: model params given on the command line. A dotted key nests
 * (`provider.order=["a","b"]` is `{ provider: { order: ["a", "b"] } }`); a value is JSON when it
 * parses as JSON (`temperature=0.2` is a number, `stream=false` a boolean), else the text as it is
 * (`provider.sort=price`). Later options win over earlier ones for the same key.
 *
 * @since 0.1.0
 */
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
 * bad one (or a key used both as a value and as an object).
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
        return Either.left(`${path.slice(0, i + 1).join(".")} is already set to a value, it cannot also hold ${path.slice(i + 1).join(".")}`)
      }
    }
    target[path[path.length - 1]!] = value
  }
  return Either.right(out)
}
