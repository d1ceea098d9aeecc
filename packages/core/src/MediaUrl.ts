/**
 * Which URLs a server may send us to: the rule for `polling_url`, `unsigned_urls` and redirect
 * targets, the URLs we fetch because a response named them. Fetching whatever a server names
 * would let it aim our requests at this machine's other services, the local network or a cloud's
 * metadata endpoint (server-side request forgery), so such a URL must be:
 *
 * - on the API's own origin (the base URL's: the place the key already goes; with `connectTo`,
 *   that origin is reached at the loopback target), or
 * - plain http to exactly the `connectTo` target (`HOST:PORT`), or
 * - on a host an explicit allow-list names (`mediaHosts`: `host` or `host:port`; http or https,
 *   any address: for a test CDN on loopback or an in-house media proxy), or
 * - https to a host that is neither an IP literal outside public unicast (loopback, private,
 *   carrier-grade NAT, link-local, metadata, unspecified, multicast, documentation and other
 *   reserved ranges, IPv4 reached through mapped, NAT64 or 6to4 IPv6 included) nor a name for this
 *   machine or a local network (`localhost`, `*.localhost`, a single label, `*.local`,
 *   `*.internal`, `*.localdomain`, `*.home.arpa`, `*.lan`, metadata names).
 *
 * A URL with userinfo (`user:pass@`) or another scheme is always refused. Hosts are read as
 * `new URL` reads them, so `0x7f.1`, `2130706433`, `0177.0.0.1`, `127.0.0.1.` and
 * `[::ffff:7f00:1]` are all 127.0.0.1. Names are judged by name: a public name that resolves to a
 * private address is not caught here (https makes that a certificate failure for every address
 * the name does not belong to).
 *
 * Everything here is a total function: no input throws.
 *
 * @since 0.1.0
 */
import * as Address from "./internal/address.js"
import { tryUrl } from "./internal/url.js"

/**
 * What an address reaches: `public`, or one of the classes never fetched for a server
 * (`loopback`, `private`, `link-local`, `metadata`, `unspecified`, `multicast`, `reserved`).
 *
 * @since 0.1.0 @category Models
 */
export type AddressClass = Address.AddressClass

const classifyAddress = Address.classifyAddress

/** @since 0.1.0 @category Models */
export interface Policy {
  /** The API's base URL: its origin is always allowed. */
  readonly baseUrl?: string | undefined
  /** `HOST:PORT` the base origin is sent to: plain http to exactly it is allowed. */
  readonly connectTo?: string | undefined
  /** Hosts (`host` or `host:port`) allowed over http or https at any address. */
  readonly allowHosts?: ReadonlyArray<string> | undefined
}

const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.com"
])

const LOCAL_SUFFIXES = [".local", ".internal", ".localdomain", ".home.arpa", ".lan", ".intranet"]

const withoutTrailingDot = (hostname: string): string => (hostname.endsWith(".") ? hostname.slice(0, -1) : hostname)

/**
 * The class of an IP literal (IPv4 dotted decimal, IPv6 with or without brackets), or
 * `undefined` for anything else.
 *
 * @since 0.1.0 @category Classification
 */
export const addressClass = (host: string): AddressClass | undefined => classifyAddress(host.toLowerCase())

/**
 * What a WHATWG hostname reaches: the class of an IP literal; for a name, `loopback` for
 * `localhost` and `*.localhost`, `metadata` for the clouds' metadata names, `private` for a
 * single label or a local-network suffix, else `public`.
 *
 * @since 0.1.0 @category Classification
 */
export const hostClass = (hostname: string): AddressClass => {
  const lower = hostname.toLowerCase()
  const literal = classifyAddress(lower)
  if (literal !== undefined) return literal
  const name = withoutTrailingDot(lower)
  if (name === "" || name === "localhost" || name.endsWith(".localhost")) return "loopback"
  if (METADATA_NAMES.has(name)) return "metadata"
  if (!name.includes(".") || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) return "private"
  return "public"
}

const defaultPort = (protocol: string): string => (protocol === "https:" ? "443" : "80")

interface HostPattern {
  readonly hostname: string
  readonly port: string | undefined
}

const patternOf = (entry: string): HostPattern | undefined => {
  const trimmed = entry.trim()
  if (trimmed === "" || /[/?#@\\\s]/.test(trimmed)) return undefined
  const url = tryUrl(`http://${trimmed}`)
  if (url === undefined || url.hostname === "") return undefined
  const explicitPort = /:(\d+)$/.exec(trimmed)
  return { hostname: withoutTrailingDot(url.hostname.toLowerCase()), port: explicitPort === null ? undefined : String(Number(explicitPort[1])) }
}

/**
 * Whether an allow-list entry names a URL's host: the same hostname (any case, a trailing dot
 * ignored) and, when the entry has a port, the same port (the scheme's default counts).
 *
 * @since 0.1.0 @category Classification
 */
export const allowListed = (url: string, allowHosts: ReadonlyArray<string>): boolean => {
  const parsed = tryUrl(url)
  if (parsed === undefined || parsed.hostname === "") return false
  const hostname = withoutTrailingDot(parsed.hostname.toLowerCase())
  const port = parsed.port === "" ? defaultPort(parsed.protocol) : parsed.port
  return allowHosts.some((entry) => {
    const pattern = patternOf(entry)
    return pattern !== undefined && pattern.hostname === hostname && (pattern.port === undefined || pattern.port === port)
  })
}

const quote = (url: string): string => JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url)

const DESCRIPTIONS: Record<Exclude<AddressClass, "public">, string> = {
  loopback: "this machine (loopback)",
  private: "a private network",
  "link-local": "a link-local address",
  metadata: "a cloud metadata endpoint",
  unspecified: "the unspecified address",
  multicast: "a multicast address",
  reserved: "a reserved address range"
}

const HINT = "add the host to mediaHosts to allow it"

/**
 * Why a URL a server named may not be fetched, or `undefined` when it may: see the module's rule.
 *
 * @since 0.1.0 @category Policy
 */
export const refusal = (url: string, policy: Policy = {}): string | undefined => {
  const parsed = tryUrl(url)
  if (parsed === undefined || parsed.hostname === "") return `${quote(url)} is not an absolute http(s) URL`
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `${quote(url)} uses the scheme ${parsed.protocol.slice(0, -1)}; only https is followed`
  }
  if (parsed.username !== "" || parsed.password !== "") return `${quote(url)} carries a user name or password; such URLs are not followed`
  if (policy.baseUrl !== undefined && parsed.origin === tryUrl(policy.baseUrl.trim())?.origin) return undefined
  if (policy.allowHosts !== undefined && allowListed(url, policy.allowHosts)) return undefined
  if (parsed.protocol === "http:") {
    const connect = policy.connectTo === undefined ? undefined : tryUrl(`http://${policy.connectTo.trim()}`)
    if (connect !== undefined && connect.hostname !== "" && parsed.host === connect.host) return undefined
    return `${quote(url)} uses plain http; media and poll URLs are followed over https only (${HINT})`
  }
  const kind = hostClass(parsed.hostname)
  return kind === "public" ? undefined : `${quote(url)} points at ${DESCRIPTIONS[kind]}; such URLs are not followed (${HINT})`
}

/** Whether a URL a server named may be fetched. @since 0.1.0 @category Policy */
export const isAllowed = (url: string, policy: Policy = {}): boolean => refusal(url, policy) === undefined
