/**
 * Reasoning injection (§7.2): the thinking level becomes `reasoning: { effort }`, on every route.
 *
 * @since 0.1.0
 */
import { DEFAULT as AUTO } from "../ModelRef.js"
import * as Thinking from "../Thinking.js"
import { type Body, isRecord, memoBySlug, type TransformContext, type Transformer, withKey, withoutKeys } from "./Context.js"
import { isActive as isDeepSeekV4Active } from "./DeepSeekV4.js"

/**
 * The level injected for a model, `undefined` when the model gets no injection: the automatic
 * router (`auto` and `openrouter/auto`: the documented intent, where OpenClaw's code skips only
 * `auto`), `x-ai/*` (the unsupported-model hint) and the retired Hunter Alpha.
 *
 * @since 0.1.0 @category Predicates
 */
export const injectedLevel = (slug: string, level: Thinking.Level): Thinking.Level | undefined => {
  const lower = slug.trim().toLowerCase()
  if (lower === "auto" || lower === AUTO) return undefined
  if (lower.split("/")[0] === "x-ai") return undefined
  if (lower === "openrouter/hunter-alpha" || lower.startsWith("openrouter/hunter-alpha:")) return undefined
  return level
}

/**
 * Removes `reasoning_effort` (OpenRouter takes the nested form; on an active DeepSeek V4 route the
 * next step sets it), then, for a level other than `off`: adds `effort` to a `reasoning` object
 * that has neither `effort` nor `max_tokens`, or sets `reasoning: { effort }` when it is missing or
 * falsy. A caller's `effort` or `max_tokens`, and a truthy non-object `reasoning`, are kept.
 *
 * @since 0.1.0 @category Transformers
 */
export const reasoning: Transformer = (context) => (body) => applyReasoning(context, body)

const REASONING_EFFORT = ["reasoning_effort"]

// Whether a slug gets an injection at all: `injectedLevel` gives the level itself or nothing.
const injects = memoBySlug((slug) => injectedLevel(slug, "off") !== undefined)

/**
 * {@link reasoning} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyReasoning = (context: TransformContext, body: Body): Body => {
  const out = !Object.hasOwn(body, "reasoning_effort") || isDeepSeekV4Active(context)
    ? body
    : withoutKeys(body, REASONING_EFFORT)
  // The level's effort first: `off` injects nothing whatever the slug.
  const effort = Thinking.reasoningEffort(context.thinking)
  if (effort === undefined || !injects(context.slug)) return out
  const current = out.reasoning
  if (isRecord(current)) {
    if (Object.hasOwn(current, "effort") || Object.hasOwn(current, "max_tokens")) return out
    return withKey(out, "reasoning", withKey(current, "effort", effort))
  }
  if (!current) return withKey(out, "reasoning", { effort })
  return out
}
