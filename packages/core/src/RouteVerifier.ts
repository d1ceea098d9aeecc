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
import { classifyAddress } from "./internal/address.js"
import { tryUrl } from "./internal/url.js"

/** OpenRouter's API base URL. @since 0.1.0 @category Constants */
export const CANONICAL_BASE_URL = "https://openrouter.ai/api/v1"

/** The legacy form, rewritten to {@link CANONICAL_BASE_URL}. @since 0.1.0 @category Constants */
export const LEGACY_BASE_URL = "https://openrouter.ai/v1"

/**
 * - `openrouter`: the host is `openrouter.ai` or a subdomain
 * - `default`: no base URL (the provider's own default applies)
 * - `local`: `localhost`, `*.localhost`, loopback IP literals, `*.local`, `*.internal`
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

/**
 * Whether a (WHATWG, lower-cased) hostname may be trusted as this machine for plain http: a
 * loopback IP literal (`127.0.0.0/8`, `[::1]`, IPv4-mapped `127.0.0.0/8`, in any form `new URL`
 * reads as one, such as `0x7f.1`), or exactly the name `localhost`, which the transport resolves
 * and checks to be loopback before it sends anything there. `*.localhost` is not: such names may
 * go to DNS, which can answer any address.
 *
 * @since 0.1.0 @category Classification
 */
export const isLoopbackHost = (hostname: string): boolean => hostname === "localhost" || isLoopbackAddress(hostname)

/**
 * Whether a hostname is a loopback IP literal (`127.0.0.0/8`, `::1`, `::ffff:127.0.0.0/104`),
 * with or without IPv6 brackets.
 *
 * @since 0.1.0 @category Classification
 */
export const isLoopbackAddress = (hostname: string): boolean => classifyAddress(hostname.toLowerCase()) === "loopback"

// The `local` endpoint class keeps naming `*.localhost` (attribution headers are withheld from
// it either way); only the key's plain-http rule above is strict.
const isLocalHost = (hostname: string): boolean =>
  isLoopbackHost(hostname) || hostname.endsWith(".localhost") || hostname.endsWith(".local") ||
  hostname.endsWith(".internal")

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
 * How the key may reach a base URL:
 * - `Https`: over https, to any host.
 * - `LoopbackAddress`: over plain http to a loopback IP literal.
 * - `LoopbackName`: over plain http to exactly `localhost`, once the name is resolved and every
 *   address it gives is loopback (the transport does that, and connects to the address it checked).
 * - `Refused`: not at all, with the reason.
 *
 * @since 0.1.0 @category Models
 */
export type KeyRoute =
  | { readonly _tag: "Https" }
  | { readonly _tag: "LoopbackAddress" }
  | { readonly _tag: "LoopbackName"; readonly hostname: string }
  | { readonly _tag: "Refused"; readonly reason: string }

/**
 * The {@link KeyRoute} of a base URL. Plain http carries the key only to this machine, and "this
 * machine" is decided by address, never by a name DNS answers for: `http://api.localhost` is
 * refused, since DNS may send it anywhere.
 *
 * @since 0.1.0 @category Key safety
 */
export const keyRoute = (baseUrl: string): KeyRoute => {
  const url = tryUrl(baseUrl.trim())
  if (url === undefined || url.hostname === "") {
    return { _tag: "Refused", reason: `${JSON.stringify(baseUrl)} is not an absolute http(s) URL` }
  }
  if (url.protocol === "https:") return { _tag: "Https" }
  if (url.protocol === "http:") {
    const hostname = url.hostname.toLowerCase()
    if (isLoopbackAddress(hostname)) return { _tag: "LoopbackAddress" }
    if (hostname === "localhost") return { _tag: "LoopbackName", hostname }
    return {
      _tag: "Refused",
      reason: `${JSON.stringify(baseUrl)} uses plain http to a host that is not this machine; the API key is sent only over https (or http to 127.0.0.0/8, [::1], or localhost once it resolves to loopback; names such as *.localhost go through DNS and are refused)`
    }
  }
  return {
    _tag: "Refused",
    reason: `${JSON.stringify(baseUrl)} uses the scheme ${url.protocol.slice(0, -1)}; only https (or http to a loopback host) may carry the API key`
  }
}

/**
 * Why a base URL may not carry the API key, or `undefined` when it may: the key goes only over
 * https, or over plain http to a loopback address (or to `localhost`, which the transport resolves
 * and checks before the key is sent).
 *
 * @since 0.1.0 @category Key safety
 */
export const keyRefusal = (baseUrl: string): string | undefined => {
  const route = keyRoute(baseUrl)
  return route._tag === "Refused" ? route.reason : undefined
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
