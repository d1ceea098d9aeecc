/**
 * The OpenRouter-specific headers of every request, chat and media alike (reference §3.1, §4.3,
 * §18.3): app attribution and response-cache headers, both only on host-verified routes
 * (predicate A) with the provider `openrouter`, merged with the configured and the caller's
 * headers. `Authorization` is not decided here: the HTTP layer adds it, to the base URL's origin
 * only.
 *
 * @since 0.1.0
 */
import type * as Params from "./Params.js"
import * as ResponseCache from "./ResponseCache.js"
import type * as RouteVerifier from "./RouteVerifier.js"

/**
 * Who the requests say they come from (OpenRouter's app attribution). Set your own app's values;
 * the default is the seed's documented identity.
 *
 * @since 0.1.0 @category Models
 */
export interface Identity {
  /** `HTTP-Referer`: your app's URL. */
  readonly referer: string
  /** `X-OpenRouter-Title`: your app's name. */
  readonly title: string
  /** `X-OpenRouter-Categories`, joined with commas; none sends no header. */
  readonly categories: ReadonlyArray<string>
}

/** The seed's documented attribution values. @since 0.1.0 @category Constants */
export const defaultIdentity: Identity = {
  referer: "https://openclaw.ai",
  title: "OpenClaw",
  categories: [
    "cli-agent",
    "cloud-agent",
    "programming-app",
    "creative-writing",
    "writing-assistant",
    "general-chat",
    "personal-agent"
  ]
}

/** The attribution header names, which no configured or caller header may override. @since 0.1.0 @category Constants */
export const attributionNames: ReadonlyArray<string> = ["HTTP-Referer", "X-OpenRouter-Title", "X-OpenRouter-Categories"]

/** The response-cache header names. @since 0.1.0 @category Constants */
export const cacheNames: ReadonlyArray<string> = ["X-OpenRouter-Cache", "X-OpenRouter-Cache-TTL", "X-OpenRouter-Cache-Clear"]

const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"])

// The names no configured or caller header may set, lower-cased, on a host-verified route and not.
const PROTECTED_VERIFIED: ReadonlySet<string> = new Set(attributionNames.map((name) => name.toLowerCase()))
const PROTECTED_UNVERIFIED: ReadonlySet<string> = new Set([...attributionNames, ...cacheNames].map((name) => name.toLowerCase()))

// Whether a header source has no entries (`Object.entries` of it is empty).
const isEmpty = (source: Readonly<Record<string, string>> | undefined): boolean =>
  source === undefined || source === null || Object.keys(source).length === 0

/** @since 0.1.0 @category Models */
export interface Input {
  /** The classification of the request's base URL. */
  readonly route: RouteVerifier.Classification
  /** The provider id; attribution and cache headers need `openrouter`. Default `openrouter`. */
  readonly provider?: string | undefined
  readonly identity?: Identity | undefined
  /** The resolved params: where the response-cache settings are read (all aliases). */
  readonly params?: Params.Params | undefined
  /** `models.providers.openrouter.headers`. */
  readonly configured?: Readonly<Record<string, string>> | undefined
  /** The caller's headers: they win over configured and cache headers, never over attribution. */
  readonly caller?: Readonly<Record<string, string>> | undefined
}

/** Whether attribution and cache headers apply: predicate A and the provider `openrouter`. @since 0.1.0 @category Predicates */
export const applies = (route: RouteVerifier.Classification, provider: string = "openrouter"): boolean =>
  route.hostVerified && provider.trim().toLowerCase() === "openrouter"

/**
 * The attribution headers of an identity.
 *
 * @since 0.1.0 @category Headers
 */
export const attribution = (identity: Identity = defaultIdentity): Record<string, string> => {
  const headers: Record<string, string> = { "HTTP-Referer": identity.referer, "X-OpenRouter-Title": identity.title }
  if (identity.categories.length > 0) headers["X-OpenRouter-Categories"] = identity.categories.join(",")
  return headers
}

/**
 * The response-cache headers of a params object (§4.3): none when caching is not configured,
 * only `X-OpenRouter-Cache: false` when it is turned off, else `true` with the TTL and clear
 * when set.
 *
 * @since 0.1.0 @category Headers
 */
export const responseCache = (params: Params.Params | undefined): Record<string, string> => {
  const settings = ResponseCache.settings(params)
  if (settings.enabled === undefined) return {}
  if (!settings.enabled) return { "X-OpenRouter-Cache": "false" }
  const headers: Record<string, string> = { "X-OpenRouter-Cache": "true" }
  if (settings.ttlSeconds !== undefined) headers["X-OpenRouter-Cache-TTL"] = String(settings.ttlSeconds)
  if (settings.clear) headers["X-OpenRouter-Cache-Clear"] = "true"
  return headers
}

/**
 * The headers of a request, in wire order: attribution, then response-cache, then configured,
 * then the caller's. A later header replaces an earlier one of the same name (any case), except
 * that nothing replaces an attribution header; `__proto__`, `prototype` and `constructor` are
 * dropped. On a route that is not host-verified there is no attribution and no cache header, and
 * configured or caller headers with those names are dropped too, so a custom proxy sees none of
 * them.
 *
 * @since 0.1.0 @category Headers
 */
export const headers = (input: Input): Record<string, string> => {
  const verified = applies(input.route, input.provider)
  // Without configured or caller headers (most requests) nothing can collide: the attribution and
  // cache names are distinct, so the headers are those two objects in order.
  if (isEmpty(input.configured) && isEmpty(input.caller)) {
    if (!verified) return {}
    const out = attribution(input.identity)
    const cache = responseCache(input.params)
    for (const name in cache) out[name] = cache[name]!
    return out
  }
  const protectedNames = verified ? PROTECTED_VERIFIED : PROTECTED_UNVERIFIED
  const out = new Map<string, readonly [string, string]>()
  const put = (name: string, value: string) => {
    out.delete(name.toLowerCase())
    out.set(name.toLowerCase(), [name, value])
  }
  if (verified) {
    for (const [name, value] of Object.entries(attribution(input.identity))) put(name, value)
    for (const [name, value] of Object.entries(responseCache(input.params))) put(name, value)
  }
  for (const source of [input.configured, input.caller]) {
    for (const [name, value] of Object.entries(source ?? {})) {
      if (FORBIDDEN_KEYS.has(name) || protectedNames.has(name.toLowerCase()) || typeof value !== "string") continue
      put(name, value)
    }
  }
  const result: Record<string, string> = {}
  for (const [name, value] of out.values()) result[name] = value
  return result
}
