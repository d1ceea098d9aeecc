/**
 * What every transformer is given: the request being shaped (a JSON object in OpenAI shape) and
 * the context of the call.
 *
 * @since 0.1.0
 */
import type * as HeaderPolicy from "../HeaderPolicy.js"
import type * as Params from "../Params.js"
import type * as RouteVerifier from "../RouteVerifier.js"
import type * as Thinking from "../Thinking.js"

/** A chat request body: a JSON object; unknown fields are kept, in their order. @since 0.1.0 @category Models */
export type Body = Readonly<Record<string, unknown>>

/** Anthropic prompt-cache retention (§17.5): `none` sends no markers, `long` asks for one hour. @since 0.1.0 @category Models */
export type CacheRetention = "none" | "short" | "long"

/**
 * The context of one chat request.
 *
 * @since 0.1.0 @category Models
 */
export interface TransformContext {
  /** The OpenRouter API slug (`anthropic/claude-sonnet-4-6`, `openrouter/auto`). */
  readonly slug: string
  /** The provider id; `openrouter` unless a host application says otherwise. */
  readonly provider: string
  /** The classification of the base URL the request goes to. */
  readonly route: RouteVerifier.Classification
  /** The thinking level chosen for the call (before any per-model suppression). */
  readonly thinking: Thinking.Level
  /** The merged params (§2.3, §11): sampling params, `provider` routing, `extraBody`, cache settings. */
  readonly params: Params.Params
  /** Fallback model slugs, sent as OpenRouter's `models` list. */
  readonly fallbacks: ReadonlyArray<string>
  /** Anthropic cache retention; `undefined` reads `cacheRetention` from the params, else `short`. */
  readonly cacheRetention?: CacheRetention | undefined
  /** `models.providers.openrouter.headers`. */
  readonly configuredHeaders: Readonly<Record<string, string>>
  /** The caller's own headers for this request. */
  readonly callerHeaders: Readonly<Record<string, string>>
  /** App attribution; the seed's identity by default. */
  readonly identity?: HeaderPolicy.Identity | undefined
}

/** A body transformer: pure, returns a new body, never mutates its input. @since 0.1.0 @category Models */
export type Transformer = (context: TransformContext) => (body: Body) => Body

/** @internal */
export const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * The body's `messages` when it is an array. Transformers only touch message objects; anything
 * else in the array is passed through.
 *
 * @internal
 */
export const messagesOf = (body: Body): ReadonlyArray<unknown> | undefined =>
  Array.isArray(body.messages) ? body.messages : undefined

/**
 * A copy of `record` with `key` set to `value`: an existing key keeps its position, a new one
 * goes last (key order is part of OpenRouter's response-cache key).
 *
 * @internal
 */
export const withKey = <R extends Readonly<Record<string, unknown>>>(record: R, key: string, value: unknown): R =>
  ({ ...record, [key]: value }) as R

// Whether `record` has any of `keys` as an own property (a loop: this runs several times per request).
const hasAnyKey = (record: object, keys: ReadonlyArray<string>): boolean => {
  for (let i = 0; i < keys.length; i++) if (Object.hasOwn(record, keys[i]!)) return true
  return false
}

/** A copy of `record` without `keys`; the record itself when it has none of them. @internal */
export const withoutKeys = <R extends Readonly<Record<string, unknown>>>(record: R, keys: ReadonlyArray<string>): R => {
  if (!hasAnyKey(record, keys)) return record
  // fromEntries defines properties, so an own "__proto__" key stays a plain key.
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key))) as R
}

/**
 * A copy of the body with each message mapped; the body itself when no message changed.
 *
 * @internal
 */
export const mapMessages = (body: Body, f: (message: Readonly<Record<string, unknown>>, index: number) => unknown): Body => {
  const messages = messagesOf(body)
  if (messages === undefined) return body
  // The array is copied only at the first change: most requests go through every transformer
  // unchanged. `slice` keeps holes where `map` would, and `map` never called `f` for them.
  let next: Array<unknown> | undefined
  for (let index = 0; index < messages.length; index++) {
    if (!(index in messages)) continue
    const message = messages[index]
    if (!isRecord(message)) continue
    const mapped = f(message, index)
    if (mapped !== message) {
      next ??= messages.slice()
      next[index] = mapped
    }
  }
  return next === undefined ? body : withKey(body, "messages", next)
}

const SLUG_MEMO_SIZE = 256

/**
 * A predicate of a model slug, memoised: the slug of a call is the same string call after call,
 * and the predicates lower-case, trim and split it. Pure functions of the slug only. A slug that is
 * not a string (outside the types) is not memoised, so it fails exactly as it did.
 *
 * @internal
 */
export const memoBySlug = <A>(f: (slug: string) => A): (slug: string) => A => {
  const memo = new Map<string, A>()
  return (slug) => {
    if (typeof slug !== "string") return f(slug)
    const hit = memo.get(slug)
    if (hit !== undefined || memo.has(slug)) return hit as A
    const value = f(slug)
    if (memo.size >= SLUG_MEMO_SIZE) memo.clear()
    memo.set(slug, value)
    return value
  }
}

/** The role of a message, when it is a string. @internal */
export const roleOf = (message: Readonly<Record<string, unknown>>): string | undefined =>
  typeof message.role === "string" ? message.role : undefined

/** Whether an assistant message carries a non-empty `tool_calls` array. @internal */
export const hasToolCalls = (message: Readonly<Record<string, unknown>>): boolean =>
  Array.isArray(message.tool_calls) && message.tool_calls.length > 0
