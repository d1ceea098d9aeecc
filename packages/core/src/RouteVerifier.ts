/**
 * Which base URLs are OpenRouter, and which may carry the API key.
 *
 * Two predicates decide what a request gets (reference §3.2):
 * - **host-verified** (predicate A): the WHATWG hostname of the base URL is `openrouter.ai` or a
 *   subdomain (any scheme, port, path or query), or there is no base URL and the provider is
 *   `openrouter`. Gates attribution headers, response-cache headers and Anthropic cache markers.
 * - **exact-verified** (predicate B): the raw base URL, trimmed and without trailing slashes, is
 *   exactly `https://openrouter.ai/api/v1` or the legacy `https://openrouter.ai/v1`
 *   (case-sensitive), or there is none and the provider is `openrouter`. Gates prefill stripping,
 *   DeepSeek V4 patching and the `provider` routing payload. Exact-verified implies host-verified.
 *
 * Everything here is a total function: no input throws.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import { tryUrl } from "./internal/url.js"

/** OpenRouter's API base URL. @since 0.1.0 @category Constants */
export const CANONICAL_BASE_URL = "https://openrouter.ai/api/v1"

/** The legacy form, rewritten to {@link CANONICAL_BASE_URL}. @since 0.1.0 @category Constants */
export const LEGACY_BASE_URL = "https://openrouter.ai/v1"

/**
 * - `openrouter`: the host is `openrouter.ai` or a subdomain
 * - `default`: no base URL (the provider's own default applies)
 * - `local`: `localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`, `*.local`, `*.internal`
 * - `custom`: any other host (a proxy)
 * - `invalid`: no hostname can be read
 *
 * @since 0.1.0 @category Models
 */
export type EndpointClass = "openrouter" | "default" | "local" | "custom" | "invalid"

/** @since 0.1.0 @category Models */
export interface Classification {
  readonly endpointClass: EndpointClass
  /** The lower-cased WHATWG hostname, when one could be read. */
  readonly hostname: string | undefined
  /** Predicate A. */
  readonly hostVerified: boolean
  /** Predicate B. */
  readonly exactVerified: boolean
}

// A host with an optional port and path, written without a scheme: `openrouter.ai/api/v1`.
const SCHEMELESS_HOST = /^[a-z0-9.[\]-]+(?::\d+)?(?:[/?#].*)?$/i

const isBlank = (baseUrl: string | undefined): baseUrl is undefined =>
  baseUrl === undefined || typeof baseUrl !== "string" || baseUrl.trim() === ""

/**
 * The lower-cased hostname of a base URL: `new URL(s).hostname` when `s` parses, else (only when
 * `s` does not parse and looks like a host without a scheme) that of `https://` + `s`. A string
 * that parses with an empty hostname (`javascript:…`, `openrouter.ai:443`, which WHATWG reads as
 * the scheme `openrouter.ai:`) has none.
 *
 * @since 0.1.0 @category Classification
 */
export const hostnameOf = (baseUrl: string): string | undefined => {
  const parsed = tryUrl(baseUrl)
  if (parsed !== undefined) return parsed.hostname === "" ? undefined : parsed.hostname.toLowerCase()
  const trimmed = baseUrl.trim()
  if (!SCHEMELESS_HOST.test(trimmed)) return undefined
  const retried = tryUrl(`https://${trimmed}`)
  return retried === undefined || retried.hostname === "" ? undefined : retried.hostname.toLowerCase()
}

/** Whether a hostname is `openrouter.ai` or one of its subdomains. @since 0.1.0 @category Classification */
export const isOpenRouterHost = (hostname: string): boolean =>
  hostname === "openrouter.ai" || hostname.endsWith(".openrouter.ai")

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/

/**
 * Whether a (WHATWG, lower-cased) hostname is this machine: `localhost`, `*.localhost`,
 * `127.0.0.0/8` or `[::1]`.
 *
 * @since 0.1.0 @category Classification
 */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname.endsWith(".localhost") || IPV4_LOOPBACK.test(hostname) ||
  hostname === "[::1]"

const isLocalHost = (hostname: string): boolean =>
  isLoopbackHost(hostname) || hostname.endsWith(".local") || hostname.endsWith(".internal")

const classOf = (hostname: string | undefined): EndpointClass =>
  hostname === undefined
    ? "invalid"
    : isOpenRouterHost(hostname)
    ? "openrouter"
    : isLocalHost(hostname)
    ? "local"
    : "custom"

/** The endpoint class of a base URL. @since 0.1.0 @category Classification */
export const endpointClass = (baseUrl: string | undefined): EndpointClass =>
  isBlank(baseUrl) ? "default" : classOf(hostnameOf(baseUrl))

const isOpenRouterProvider = (provider: string): boolean => provider.trim().toLowerCase() === "openrouter"

const stripTrailingSlashes = (value: string): string => value.replace(/\/+$/, "")

/**
 * Classifies a base URL for a provider id (default `openrouter`).
 *
 * @since 0.1.0 @category Classification
 */
export const classify = (baseUrl: string | undefined, provider: string = "openrouter"): Classification => {
  const hostname = isBlank(baseUrl) ? undefined : hostnameOf(baseUrl)
  const endpoint = isBlank(baseUrl) ? "default" : classOf(hostname)
  const hostVerified = endpoint === "openrouter" || (endpoint === "default" && isOpenRouterProvider(provider))
  let exact: boolean
  if (isBlank(baseUrl)) {
    exact = isOpenRouterProvider(provider)
  } else {
    const candidate = stripTrailingSlashes(baseUrl.trim())
    // Also requiring predicate A keeps B ⊆ A for strings JavaScript's trim() and WHATWG's URL
    // parser read differently (a leading U+00A0 is trimmed by one and refused by the other).
    exact = hostVerified && (candidate === CANONICAL_BASE_URL || candidate === LEGACY_BASE_URL)
  }
  return { endpointClass: endpoint, hostname, hostVerified, exactVerified: exact }
}

/** Predicate A. @since 0.1.0 @category Classification */
export const isHostVerified = (baseUrl: string | undefined, provider: string = "openrouter"): boolean =>
  classify(baseUrl, provider).hostVerified

/** Predicate B. @since 0.1.0 @category Classification */
export const isExactVerified = (baseUrl: string | undefined, provider: string = "openrouter"): boolean =>
  classify(baseUrl, provider).exactVerified

/**
 * The base URL requests go to: {@link CANONICAL_BASE_URL} when none is set or when it is the
 * canonical or legacy OpenRouter URL (trimmed, trailing slashes stripped), else the given URL
 * trimmed and without trailing slashes.
 *
 * @since 0.1.0 @category Normalisation
 */
export const normalizeBaseUrl = (baseUrl: string | undefined): string => {
  if (isBlank(baseUrl)) return CANONICAL_BASE_URL
  const candidate = stripTrailingSlashes(baseUrl.trim())
  return candidate === LEGACY_BASE_URL ? CANONICAL_BASE_URL : candidate
}

/**
 * Why a base URL may not carry the API key, or `undefined` when it may: the key goes only over
 * https, or over plain http to this machine (a local simulator or proxy).
 *
 * @since 0.1.0 @category Key safety
 */
export const keyRefusal = (baseUrl: string): string | undefined => {
  const url = tryUrl(baseUrl.trim())
  if (url === undefined || url.hostname === "") return `${JSON.stringify(baseUrl)} is not an absolute http(s) URL`
  if (url.protocol === "https:") return undefined
  if (url.protocol === "http:") {
    return isLoopbackHost(url.hostname.toLowerCase())
      ? undefined
      : `${JSON.stringify(baseUrl)} uses plain http to a host that is not this machine; the API key is sent only over https (or http to localhost, 127.0.0.0/8 or [::1])`
  }
  return `${JSON.stringify(baseUrl)} uses the scheme ${url.protocol.slice(0, -1)}; only https (or http to a loopback host) may carry the API key`
}

/** Whether a base URL may carry the API key. @since 0.1.0 @category Key safety */
export const mayCarryKey = (baseUrl: string): boolean => keyRefusal(baseUrl) === undefined

/**
 * The route policy as a service, so a host application can swap it (say, to verify an internal
 * OpenRouter mirror).
 *
 * @since 0.1.0 @category Models
 */
export interface Service {
  readonly classify: (baseUrl: string | undefined, provider?: string) => Classification
  readonly normalizeBaseUrl: (baseUrl: string | undefined) => string
  readonly keyRefusal: (baseUrl: string) => string | undefined
}

/** @since 0.1.0 @category Context */
export class RouteVerifier extends Context.Tag("@openrouter-effect/core/RouteVerifier")<RouteVerifier, Service>() {}

/** The default policy: the functions of this module. @since 0.1.0 @category Constructors */
export const make = (): Service => ({ classify, normalizeBaseUrl, keyRefusal })

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<RouteVerifier> = Layer.succeed(RouteVerifier, make())
