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

// What a key looks like, in any case (an echo may have upper-cased it):
// - an OpenRouter key, `sk-or-v1-` and at least 8 more characters, wherever it stands (an escaped
//   "\nsk-or-…" inside a JSON string has no word boundary before it). The version is required,
//   so words like "disk-or-network" and "task-or-subtask" are not keys;
// - another `sk-` key at a word start, with a run of at least 20 letters and digits (real keys
//   have one; "sk-learn-preprocessing-pipeline" does not).
// Every repetition is bounded: on a run of millions of key characters (a hostile answer) an
// unbounded one exhausts the regex engine's stack. A longer run is matched, and masked, in
// pieces.
const KEY_LIKE =
  /sk-or-v\d{1,3}-[A-Za-z0-9_-]{8,512}|\bsk-(?:[A-Za-z0-9_]{1,64}-){0,4}[A-Za-z0-9_]{20,512}(?:-[A-Za-z0-9_]{1,512}){0,8}/gi
const BEARER = /\b(Bearer\s+)[^\s"',;]{1,4096}/gi
// What `mask` writes: a key's prefix, an ellipsis and its last 4 characters; or four stars.
const MASKED = /^(?:(?:sk-[a-z]+-(?:v\d+-)?)?…[A-Za-z0-9_-]{0,4}|\*{4})$/i

// The same patterns without the global flag, so `test` keeps no position between calls.
const KEY_LIKE_ONCE = new RegExp(KEY_LIKE.source, "i")

/**
 * Whether `text` holds something that looks like an API key (an `sk-or-…` key, or another `sk-`
 * key at a word start), in any case. The CLI refuses such a value in a flag that is not a secret
 * (`--model`, `--voice`, `models set REF`…): it was pasted in the wrong place, and would be
 * echoed, sent as a model name or written into the config.
 *
 * @since 0.1.0 @category Display
 */
export const looksLikeKey = (text: string): boolean => KEY_LIKE_ONCE.test(text)

// A known key's body shorter than this is not searched for: a short value would mask ordinary
// words. Real keys are far longer.
const MIN_KNOWN = 12
const PREFIX = /^sk-[a-z]+-v\d+-|^sk-[a-z]+-/i

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

// One character of a key as an echo may write it: itself (in either case: the pattern is
// case-insensitive), percent-encoded (`%2D`, `%2d`) or as a JSON/JS escape (`\u002d`).
const charPattern = (char: string): string => {
  const code = char.charCodeAt(0)
  if (code > 0x7f) return escapeRegExp(char)
  const hex = code.toString(16).padStart(2, "0")
  return `(?:${escapeRegExp(char)}|%${hex}|\\\\u00${hex})`
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// Base64 of an ASCII text (a key), written here: core runs where `btoa` and `Buffer` may not exist.
const base64Of = (text: string): string => {
  let out = ""
  for (let i = 0; i < text.length; i += 3) {
    const a = text.charCodeAt(i)
    const b = i + 1 < text.length ? text.charCodeAt(i + 1) : 0
    const c = i + 2 < text.length ? text.charCodeAt(i + 2) : 0
    const triple = (a << 16) | (b << 8) | c
    out += BASE64[(triple >> 18) & 63]! + BASE64[(triple >> 12) & 63]! +
      (i + 1 < text.length ? BASE64[(triple >> 6) & 63]! : "=") + (i + 2 < text.length ? BASE64[triple & 63]! : "=")
  }
  return out
}

interface KnownPatterns {
  readonly transformed: RegExp | undefined
  readonly encoded: ReadonlyArray<string>
}

const knownCache = new Map<string, KnownPatterns>()

// The patterns of one known key: its body (what follows the `sk-or-v1-` style prefix) with or
// without the prefix before it, each character in any of the forms above; and the key's base64
// forms, matched exactly (base64 is case-sensitive).
const patternsOf = (key: string): KnownPatterns => {
  const cached = knownCache.get(key)
  if (cached !== undefined) return cached
  const prefix = PREFIX.exec(key)?.[0] ?? ""
  const body = key.slice(prefix.length)
  const pattern = (text: string) => [...text].map(charPattern).join("")
  const transformed = body.length >= MIN_KNOWN ? new RegExp(`${prefix === "" ? "" : `(?:${pattern(prefix)})?`}${pattern(body)}`, "gi") : undefined
  const encoded: Array<string> = []
  if (body.length >= MIN_KNOWN && /^[\x20-\x7e]*$/.test(key)) {
    // Each of the three alignments of the key inside a longer base64 text has a stable middle:
    // drop the characters its neighbours can change.
    for (const lead of ["", "x", "xx"]) {
      const base64 = base64Of(`${lead}${key}`)
      const middle = base64.slice(Math.ceil((lead.length * 4) / 3) + 1, Math.floor(((lead.length + key.length) * 4) / 3) - 1)
      if (middle.length >= MIN_KNOWN) {
        encoded.push(middle, middle.replace(/\+/g, "-").replace(/\//g, "_"))
      }
    }
  }
  const patterns = { transformed, encoded: [...new Set(encoded)] }
  if (knownCache.size > 64) knownCache.clear()
  knownCache.set(key, patterns)
  return patterns
}

// Masks the echoes of one known key in `text`.
const redactKnown = (text: string, key: string): string => {
  const { encoded, transformed } = patternsOf(key)
  let out = transformed === undefined ? text : text.replace(transformed, () => mask(key))
  for (const form of encoded) if (out.includes(form)) out = out.split(form).join(mask(key))
  return out
}

/**
 * Replaces text that looks like an API key or a bearer token with its masked form.
 *
 * With `knownKeys` (the keys actually in use), their echoes are masked too, however the echo
 * transformed them: any case, percent-encoded wholly or in part, `\u00XX`-escaped, without the
 * `sk-or-v1-` prefix (which leaves nothing key-like to recognise otherwise), or base64-encoded.
 *
 * @example
 * redactSecrets("invalid key 0123456789ABCDEF0123", ["sk-or-v1-0123456789abcdef0123"]) // "invalid key sk-or-v1-…0123"
 *
 * @since 0.1.0 @category Display
 */
export const redactSecrets = (text: string, knownKeys: Iterable<string | Redacted.Redacted<string>> = []): string => {
  let out = text
  for (const known of knownKeys) {
    const key = (typeof known === "string" ? known : Redacted.value(known)).trim()
    if (key !== "") out = redactKnown(out, key)
  }
  // A token already in the masked form (a dry run prints `Bearer sk-or-v1-…wxyz`) is kept.
  return out.replace(BEARER, (token: string, scheme: string) => (MASKED.test(token.slice(scheme.length)) ? token : `${scheme}****`))
    .replace(KEY_LIKE, (m) => mask(m))
}

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
