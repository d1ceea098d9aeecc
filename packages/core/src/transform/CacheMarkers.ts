/**
 * Anthropic prompt-cache markers (§5, with §17.5's retention): on host-verified routes, for
 * `anthropic/*` models, the last block of each system and developer message gets
 * `cache_control`, and assistant thinking blocks lose theirs.
 *
 * @since 0.1.0
 */
import {
  type Body,
  type CacheRetention,
  isRecord,
  mapMessages,
  memoBySlug,
  roleOf,
  type TransformContext,
  type Transformer,
  withKey,
  withoutKeys
} from "./Context.js"

const THINKING_BLOCKS = new Set(["thinking", "redacted_thinking"])

/**
 * The retention of a context: its own, else the `cacheRetention` / `cache_retention` param,
 * else `short`.
 *
 * @since 0.1.0 @category Resolution
 */
export const retentionOf = (context: TransformContext): CacheRetention => {
  if (context.cacheRetention !== undefined) return context.cacheRetention
  const param = context.params.cacheRetention ?? context.params.cache_retention
  return param === "none" || param === "long" || param === "short" ? param : "short"
}

/** The marker a retention asks for; `undefined` for `none`. @since 0.1.0 @category Constructors */
export const marker = (retention: CacheRetention): Readonly<Record<string, string>> | undefined =>
  retention === "none" ? undefined : retention === "long" ? { type: "ephemeral", ttl: "1h" } : { type: "ephemeral" }

/** Whether markers apply: an `anthropic/` slug on a host-verified route. @since 0.1.0 @category Predicates */
export const applies = (context: TransformContext): boolean =>
  context.route.hostVerified && isAnthropicSlug(context.slug)

// Memoised per slug (the same string call after call).
const isAnthropicSlug = memoBySlug((slug) => slug.toLowerCase().startsWith("anthropic/"))

/**
 * Marks system and developer messages: a string content becomes one text block with the marker;
 * the last block of a non-empty array gets it unless it is a thinking block, not an object, or
 * already carries a `cache_control` of the caller's (kept). Removes `cache_control` from thinking
 * blocks of assistant messages.
 *
 * @since 0.1.0 @category Transformers
 */
export const cacheMarkers: Transformer = (context) => (body) => applyCacheMarkers(context, body)

/**
 * {@link cacheMarkers} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyCacheMarkers = (context: TransformContext, body: Body): Body => {
  if (!applies(context)) return body
  const cacheControl = marker(retentionOf(context))
  return mapMessages(body, (message) => {
    const role = roleOf(message)
    const content = message.content
    if ((role === "system" || role === "developer") && cacheControl !== undefined) {
      if (typeof content === "string") {
        return withKey(message, "content", [{ type: "text", text: content, cache_control: cacheControl }])
      }
      if (Array.isArray(content) && content.length > 0) {
        const last = content[content.length - 1]
        if (!isRecord(last) || THINKING_BLOCKS.has(last.type as string) || Object.hasOwn(last, "cache_control")) {
          return message
        }
        return withKey(message, "content", [...content.slice(0, -1), withKey(last, "cache_control", cacheControl)])
      }
      return message
    }
    if (role === "assistant" && Array.isArray(content)) {
      let changed = false
      const next = content.map((block) => {
        if (isRecord(block) && THINKING_BLOCKS.has(block.type as string) && Object.hasOwn(block, "cache_control")) {
          changed = true
          return withoutKeys(block, ["cache_control"])
        }
        return block
      })
      return changed ? withKey(message, "content", next) : message
    }
    return message
  })
}
