/**
 * OpenRouter's response cache (reference §6, §12.7), opt-in per request with headers:
 *
 * - `X-OpenRouter-Cache: true` enables it (`false`, or anything else, leaves it off);
 * - `X-OpenRouter-Cache-TTL: <seconds>` sets the lifetime of a stored entry (default 300; leading
 *   digits only; clamped to 1–86400; a value without leading digits is ignored);
 * - `X-OpenRouter-Cache-Clear: true` deletes the entry first, so the request misses and stores
 *   the fresh answer.
 *
 * The key is the API key, the endpoint, the model, the streaming mode and a SHA-256 of the parsed
 * body re-serialized (whitespace-insensitive; key order matters). Only 200 answers are stored. A
 * hit replays the stored answer with a new generation id (body `id` and `X-Generation-Id`), a new
 * `created`, and every number in `usage` set to 0 (no charge); streams are replayed event by
 * event the same way. Response headers: `X-OpenRouter-Cache-Status` (`MISS`/`HIT`),
 * `X-OpenRouter-Cache-TTL` (the full TTL on a miss, what is left on a hit), and on a hit
 * `X-OpenRouter-Cache-Age` and `X-OpenRouter-Cache-Source-Id`. Time comes from `context.now()`.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import type { Headers, Reply, SimContext, SimRequest, SseEvent } from "../Types.js"

/** The TTL of an entry when the request sets none (seconds). @since 0.1.0 @category Constants */
export const DEFAULT_TTL_SECONDS = 300

/** The shortest TTL (seconds). @since 0.1.0 @category Constants */
export const MIN_TTL_SECONDS = 1

/** The longest TTL (seconds). @since 0.1.0 @category Constants */
export const MAX_TTL_SECONDS = 86400

/** The `context.state` key of the cache entries. @since 0.1.0 @category Constants */
export const STATE_KEY = "response-cache"

/**
 * A TTL header value in seconds, read like `parseInt(value, 10)` (leading whitespace and a sign
 * allowed, then the leading digits: `"60abc"` → 60, `"1.5"` → 1, `"-5"` → −5) and clamped to
 * 1–86400; `undefined` when there are no leading digits (`"abc"`, `""`, `".5"`), so the default
 * applies. Total: never throws, for any input.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseTtl = (value: unknown): number | undefined => {
  if (typeof value !== "string") return undefined
  const match = /^\s*([+-]?)(\d+)/.exec(value)
  if (match === null) return undefined
  const digits = match[2]!
  const negative = match[1] === "-"
  // Compare by length first so a thousand digits never turns into Infinity or NaN.
  const significant = digits.replace(/^0+(?=\d)/, "")
  const magnitude = significant.length > 6 ? MAX_TTL_SECONDS + 1 : Number(significant)
  const seconds = negative ? -magnitude : magnitude
  return Math.min(MAX_TTL_SECONDS, Math.max(MIN_TTL_SECONDS, seconds))
}

/**
 * A request header, matched case-insensitively; the first value when it was sent several times.
 *
 * @since 0.1.0 @category Parsing
 */
export const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    return Array.isArray(value) ? value[0] : value
  }
  return undefined
}

const isTrue = (value: string | undefined): boolean => value !== undefined && value.trim().toLowerCase() === "true"

/** What a request asks of the cache. @since 0.1.0 @category Models */
export interface Settings {
  readonly enabled: boolean
  readonly clear: boolean
  readonly ttlSeconds: number
}

/** The cache settings of a request, from its headers. @since 0.1.0 @category Parsing */
export const settings = (headers: IncomingHttpHeaders): Settings => {
  const enabled = isTrue(header(headers, "X-OpenRouter-Cache"))
  return {
    enabled,
    clear: enabled && isTrue(header(headers, "X-OpenRouter-Cache-Clear")),
    ttlSeconds: parseTtl(header(headers, "X-OpenRouter-Cache-TTL")) ?? DEFAULT_TTL_SECONDS
  }
}

/** What identifies a cached answer. @since 0.1.0 @category Models */
export interface KeyParts {
  readonly apiKey: string | undefined
  /** The endpoint type, e.g. `chat`. */
  readonly endpoint: string
  readonly model: string
  readonly stream: boolean
  /** The parsed request body. */
  readonly body: unknown
}

/** The cache key of a request. @since 0.1.0 @category Keys */
export const key = (parts: KeyParts): string => {
  const digest = createHash("sha256").update(JSON.stringify(parts.body) ?? "").digest("hex")
  return JSON.stringify([parts.apiKey ?? "", parts.endpoint, parts.model, parts.stream ? "stream" : "json", digest])
}

/** A stored answer. @since 0.1.0 @category Models */
export interface Stored {
  readonly reply: Reply
  /** The generation id of the answer that populated the entry. */
  readonly sourceId: string
  /** `context.now()` when stored, in milliseconds. */
  readonly storedAt: number
  readonly ttlSeconds: number
}

const entries = (context: SimContext): Map<string, Stored> => {
  const existing = context.state.get(STATE_KEY)
  if (existing instanceof Map) return existing as Map<string, Stored>
  const created = new Map<string, Stored>()
  context.state.set(STATE_KEY, created)
  return created
}

/** The live entry under `cacheKey`; an expired one is deleted and `undefined` returned. @since 0.1.0 @category Store */
export const lookup = (context: SimContext, cacheKey: string): Stored | undefined => {
  const store = entries(context)
  const stored = store.get(cacheKey)
  if (stored === undefined) return undefined
  if (context.now() - stored.storedAt >= stored.ttlSeconds * 1000) {
    store.delete(cacheKey)
    return undefined
  }
  return stored
}

/** Stores an entry. @since 0.1.0 @category Store */
export const store = (context: SimContext, cacheKey: string, stored: Stored): void => {
  entries(context).set(cacheKey, stored)
}

/** Deletes the entry under `cacheKey`. @since 0.1.0 @category Store */
export const remove = (context: SimContext, cacheKey: string): void => {
  entries(context).delete(cacheKey)
}

/**
 * A `usage` object with every number set to 0, recursively (`is_byok` and nulls stay as they are).
 *
 * @since 0.1.0 @category Replay
 */
export const zeroUsage = (usage: unknown): unknown => {
  if (typeof usage === "number") return 0
  if (Array.isArray(usage)) return usage.map(zeroUsage)
  if (usage !== null && typeof usage === "object") {
    return Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, zeroUsage(v)]))
  }
  return usage
}

const rewriteBody = (body: unknown, id: string, created: number): unknown => {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) }
  if (typeof out["id"] === "string") out["id"] = id
  if (typeof out["created"] === "number") out["created"] = created
  if ("usage" in out && out["usage"] !== null && typeof out["usage"] === "object") out["usage"] = zeroUsage(out["usage"])
  return out
}

const rewriteEvent = (event: SseEvent, id: string, created: number): SseEvent => {
  if (!("data" in event)) return event
  let parsed: unknown
  try {
    parsed = JSON.parse(event.data)
  } catch {
    return event // `[DONE]` and anything else that is not JSON
  }
  return { data: JSON.stringify(rewriteBody(parsed, id, created)) }
}

const GENERATION_ID = "X-Generation-Id"

const withoutHeader = (headers: Headers | undefined, name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).filter(([k]) => k.toLowerCase() !== name.toLowerCase()))

/**
 * A stored answer replayed under a new generation id `id` and `created` (unix seconds): body or
 * every data event rewritten (`id`, `created`, zeroed `usage`), `X-Generation-Id` replaced.
 *
 * @since 0.1.0 @category Replay
 */
export const replay = (reply: Reply, id: string, created: number): Reply => {
  const headers = { ...withoutHeader(reply.headers, GENERATION_ID), [GENERATION_ID]: id }
  switch (reply._tag) {
    case "json":
      return { ...reply, headers, body: rewriteBody(reply.body, id, created) }
    case "sse":
      return { ...reply, headers, events: reply.events.map((event) => rewriteEvent(event, id, created)) }
    default:
      return { ...reply, headers }
  }
}

/** What the cache did with a request. @since 0.1.0 @category Models */
export type Outcome =
  /** Caching off for this request: the fresh answer, untouched. */
  | { readonly status: "BYPASS"; readonly reply: Reply }
  /** Looked up, not found (or cleared): the fresh answer, stored when it was a 200. */
  | { readonly status: "MISS"; readonly reply: Reply }
  /** Found: the replayed answer. */
  | {
    readonly status: "HIT"
    readonly reply: Reply
    readonly id: string
    readonly sourceId: string
    readonly ageSeconds: number
  }

const generationIdOf = (reply: Reply): string | undefined => {
  for (const [k, v] of Object.entries(reply.headers ?? {})) if (k.toLowerCase() === "x-generation-id") return v
  if (reply._tag === "json" && reply.body !== null && typeof reply.body === "object") {
    const id = (reply.body as Record<string, unknown>)["id"]
    if (typeof id === "string") return id
  }
  return undefined
}

const addHeaders = (reply: Reply, extra: Headers): Reply => ({ ...reply, headers: { ...reply.headers, ...extra } })

/**
 * Answers a request through the cache: `produce` is called on a miss (or when caching is off),
 * and its 200 answer stored for the request's TTL. `keyParts` names the endpoint, model and
 * streaming mode; the API key and body come from `request`.
 *
 * @since 0.1.0 @category Cache
 */
export const apply = (
  request: SimRequest,
  context: SimContext,
  keyParts: { readonly endpoint: string; readonly model: string; readonly stream: boolean },
  produce: () => Reply
): Outcome => {
  const requested = settings(request.headers)
  if (!requested.enabled) return { status: "BYPASS", reply: produce() }
  const cacheKey = key({ ...keyParts, apiKey: request.apiKey, body: request.body })
  if (requested.clear) remove(context, cacheKey)
  const stored = lookup(context, cacheKey)
  if (stored !== undefined) {
    const ageSeconds = Math.floor((context.now() - stored.storedAt) / 1000)
    const id = context.nextId("gen")
    const reply = addHeaders(replay(stored.reply, id, Math.floor(context.now() / 1000)), {
      "X-OpenRouter-Cache-Status": "HIT",
      "X-OpenRouter-Cache-Age": String(ageSeconds),
      "X-OpenRouter-Cache-TTL": String(Math.max(0, stored.ttlSeconds - ageSeconds)),
      "X-OpenRouter-Cache-Source-Id": stored.sourceId
    })
    return { status: "HIT", reply, id, sourceId: stored.sourceId, ageSeconds }
  }
  const fresh = produce()
  if (fresh.status !== 200 || (fresh._tag !== "json" && fresh._tag !== "sse")) return { status: "MISS", reply: fresh }
  store(context, cacheKey, {
    reply: fresh,
    sourceId: generationIdOf(fresh) ?? "",
    storedAt: context.now(),
    ttlSeconds: requested.ttlSeconds
  })
  return {
    status: "MISS",
    reply: addHeaders(fresh, {
      "X-OpenRouter-Cache-Status": "MISS",
      "X-OpenRouter-Cache-TTL": String(requested.ttlSeconds)
    })
  }
}
