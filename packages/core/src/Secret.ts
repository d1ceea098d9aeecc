/**
 * Showing secrets safely: masking an API key for display and scrubbing key-like text out of
 * messages that came from elsewhere (an upstream error body may echo a header).
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"

/**
 * Masks a key for display: the non-secret `sk-or-v1-` style prefix and the last 4 characters,
 * nothing at all for short values.
 *
 * @example
 * mask("sk-or-v1-0123456789abcdef") // "sk-or-v1-…cdef"
 *
 * @since 0.1.0 @category Display
 */
export const mask = (key: string | Redacted.Redacted<string>): string => {
  const value = (typeof key === "string" ? key : Redacted.value(key)).trim()
  if (value.length < 16) return "****"
  const prefix = /^sk-[a-z]+-v\d+-/i.exec(value)?.[0] ?? /^sk-[a-z]+-/i.exec(value)?.[0] ?? ""
  return `${prefix}…${value.slice(-4)}`
}

// OpenRouter keys are found wherever they stand (an escaped "\nsk-or-…" inside a JSON string has
// no word boundary before it); other `sk-` keys only at a word start, to spare words like "disk-".
const KEY_LIKE = /sk-or-[A-Za-z0-9_-]{8,}|\bsk-[A-Za-z0-9_-]{16,}/g
const BEARER = /\b(Bearer\s+)[^\s"',;]+/gi

/**
 * Replaces text that looks like an API key or a bearer token with its masked form.
 *
 * @since 0.1.0 @category Display
 */
export const redactSecrets = (text: string): string =>
  text.replace(BEARER, (_, scheme: string) => `${scheme}****`).replace(KEY_LIKE, (m) => mask(m))

/**
 * A copy of a JSON value with {@link redactSecrets} applied to every string in it. It walks the
 * value without recursion, so however deeply a (hostile) body nests, it cannot overflow the stack.
 *
 * @since 0.1.0 @category Display
 */
export const redactDeep = (value: unknown): unknown => {
  const root: { value?: unknown } = {}
  const pending: Array<readonly [target: Record<PropertyKey, unknown>, key: PropertyKey, item: unknown]> = [[root, "value", value]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [target, key, item] = next
    let copy: unknown = item
    if (typeof item === "string") copy = redactSecrets(item)
    else if (Array.isArray(item)) {
      const array: Array<unknown> = new Array(item.length)
      for (let i = 0; i < item.length; i++) pending.push([array as unknown as Record<PropertyKey, unknown>, i, item[i]])
      copy = array
    } else if (typeof item === "object" && item !== null) {
      const object: Record<string, unknown> = {}
      for (const [name, inner] of Object.entries(item)) {
        // Defined, not assigned: a key "__proto__" stays an own key, in its place.
        Object.defineProperty(object, name, { value: undefined, enumerable: true, writable: true, configurable: true })
        pending.push([object, name, inner])
      }
      copy = object
    }
    target[key] = copy
  }
  return root.value
}
