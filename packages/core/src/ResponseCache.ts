/**
 * OpenRouter response-cache settings from model params (reference §4.1, §4.2): the aliases, how
 * values are read, and the settings that decide the `X-OpenRouter-Cache*` headers.
 *
 * @since 0.1.0
 */

/** The canonical param names with their aliases, in the order they are looked up. @since 0.1.0 @category Constants */
export const aliases = {
  responseCache: ["responseCache", "response_cache"],
  responseCacheTtlSeconds: [
    "responseCacheTtlSeconds",
    "response_cache_ttl_seconds",
    "responseCacheTtl",
    "response_cache_ttl"
  ],
  responseCacheClear: ["responseCacheClear", "response_cache_clear"]
} as const

/** @since 0.1.0 @category Models */
export type CanonicalName = keyof typeof aliases

/** Every alias of every setting. @since 0.1.0 @category Constants */
export const allAliases: ReadonlyArray<string> = Object.values(aliases).flat()

const TRUE = new Set(["1", "true", "yes", "on", "enable", "enabled"])
const FALSE = new Set(["0", "false", "no", "off", "disable", "disabled"])

/**
 * A boolean setting: a boolean, or one of the words `1 true yes on enable enabled` /
 * `0 false no off disable disabled` (trimmed, case-insensitive). Anything else is unset.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseBoolean = (value: unknown): boolean | undefined => {
  if (typeof value === "boolean") return value
  if (typeof value !== "string") return undefined
  const word = value.trim().toLowerCase()
  return TRUE.has(word) ? true : FALSE.has(word) ? false : undefined
}

const STRICT_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i

/** Bounds of the TTL OpenRouter accepts, in seconds. @since 0.1.0 @category Constants */
export const TTL_MIN = 1
/** @since 0.1.0 @category Constants */
export const TTL_MAX = 86_400

/**
 * The TTL in whole seconds: a number, or a string that is entirely a decimal or scientific
 * number; truncated toward zero, then clamped to 1…86400. A non-finite value (`Infinity`, `NaN`,
 * which JSON5 allows) or anything else gives no TTL: a deliberate difference from OpenClaw, which
 * sends `86400` for `Infinity` and `NaN` for `NaN`.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseTtl = (value: unknown): number | undefined => {
  let n: number
  if (typeof value === "number") n = value
  else if (typeof value === "string" && STRICT_NUMBER.test(value.trim())) n = Number(value.trim())
  else return undefined
  if (!Number.isFinite(n)) return undefined
  return Math.min(TTL_MAX, Math.max(TTL_MIN, Math.trunc(n)))
}

/** The first alias of a setting present in one params object (camelCase beats snake_case). @since 0.1.0 @category Parsing */
export const read = (params: Readonly<Record<string, unknown>> | undefined, name: CanonicalName): unknown => {
  if (params === undefined) return undefined
  for (const alias of aliases[name]) {
    if (Object.hasOwn(params, alias) && params[alias] !== undefined) return params[alias]
  }
  return undefined
}

/**
 * Merges the cache settings of several param sources, lowest priority first: per setting the
 * last source that has any alias of it wins, and within a source the first alias present. The
 * result has the alias keys removed and the canonical keys written.
 *
 * @since 0.1.0 @category Merging
 */
export const canonicalize = (
  merged: Readonly<Record<string, unknown>>,
  sources: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(merged)) {
    if (!allAliases.includes(key)) out[key] = value
  }
  for (const name of Object.keys(aliases) as Array<CanonicalName>) {
    let found: unknown = undefined
    for (const source of sources) {
      const value = read(source, name)
      if (value !== undefined) found = value
    }
    if (found !== undefined) out[name] = found
  }
  return out
}

/**
 * The resolved response-cache settings.
 *
 * @since 0.1.0 @category Models
 */
export interface Settings {
  /** `true`/`false` when caching is explicitly on or off; `undefined` sends no cache header. */
  readonly enabled: boolean | undefined
  /** Only when enabled. */
  readonly ttlSeconds: number | undefined
  /** Only when enabled. */
  readonly clear: boolean
}

/**
 * The settings a params object asks for (§4.3): `responseCache`, or `true` when it is unset and
 * `responseCacheClear` is true; TTL and clear only count when caching is enabled.
 *
 * @since 0.1.0 @category Resolution
 */
export const settings = (params: Readonly<Record<string, unknown>> | undefined): Settings => {
  const clear = parseBoolean(read(params, "responseCacheClear")) === true
  const enabled = parseBoolean(read(params, "responseCache")) ?? (clear ? true : undefined)
  if (enabled !== true) return { enabled, ttlSeconds: undefined, clear: false }
  return { enabled, ttlSeconds: parseTtl(read(params, "responseCacheTtlSeconds")), clear }
}
