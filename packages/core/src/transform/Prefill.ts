/**
 * Anthropic reasoning prefill (§6, with §17.3's disabled efforts): reasoning conversations must
 * end with a user turn, so trailing assistant prefill turns are dropped, on exact-verified routes,
 * for `anthropic/*` models, when the outgoing request enables reasoning.
 *
 * @since 0.1.0
 */
import { type Body, hasToolCalls, isRecord, memoBySlug, roleOf, type TransformContext, type Transformer, withKey } from "./Context.js"

const DISABLED_WORDS = new Set(["", "off", "none"])

const enabledValue = (value: unknown): boolean => {
  if (value === undefined || value === null || value === false) return false
  if (typeof value === "string") return !DISABLED_WORDS.has(value.trim().toLowerCase())
  if (isRecord(value)) {
    if (value.enabled === false) return false
    if (typeof value.effort === "string" && DISABLED_WORDS.has(value.effort.trim().toLowerCase())) return false
  }
  return true
}

/**
 * Whether the outgoing request enables reasoning: `reasoning` or `reasoning_effort` is set to
 * something other than `undefined`, `null`, `false`, or the words `""`, `off`, `none`; an object
 * counts unless its `effort` is one of those words or it says `enabled: false`.
 *
 * @since 0.1.0 @category Predicates
 */
export const reasoningEnabled = (body: Body): boolean =>
  enabledValue(body.reasoning) || enabledValue(body.reasoning_effort)

/** Whether a slug is an Anthropic model (`anthropic/…`, or `openrouter/anthropic/…`). @since 0.1.0 @category Predicates */
export const isAnthropic = (slug: string): boolean => {
  const lower = slug.trim().toLowerCase()
  return lower.startsWith("anthropic/") || lower.startsWith("openrouter/anthropic/")
}

const isPrefill = (message: unknown): boolean => {
  if (!isRecord(message) || roleOf(message) !== "assistant" || hasToolCalls(message)) return false
  const content = message.content
  return !(Array.isArray(content) &&
    content.some((block) => isRecord(block) && (block.type === "tool_use" || block.type === "toolCall")))
}

/**
 * Drops trailing assistant turns that carry no tool call (in `tool_calls` or as a `tool_use` /
 * `toolCall` content block), walking back from the end, never the first message.
 *
 * @since 0.1.0 @category Transformers
 */
export const prefill: Transformer = (context) => (body) => applyPrefill(context, body)

// Memoised per slug (the same string call after call).
const isAnthropicSlug = memoBySlug(isAnthropic)

/**
 * {@link prefill} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyPrefill = (context: TransformContext, body: Body): Body => {
  if (!context.route.exactVerified || !isAnthropicSlug(context.slug) || !reasoningEnabled(body)) return body
  const messages = body.messages
  if (!Array.isArray(messages)) return body
  // The first message is never dropped: an empty conversation is not a request at all.
  let end = messages.length
  while (end > 1 && isPrefill(messages[end - 1])) end--
  return end === messages.length ? body : withKey(body, "messages", messages.slice(0, end))
}
