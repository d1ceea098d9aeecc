/**
 * DeepSeek V4 (§8, the seed's "DeepSeek V4 reasoning replay"), on exact-verified routes only:
 * `thinking` and `reasoning_effort` follow the thinking level, replayed assistant turns without
 * tool calls get the `reasoning_content` DeepSeek V4 requires, and thinking `off` strips the
 * reasoning fields.
 *
 * @since 0.1.0
 */
import * as Thinking from "../Thinking.js"
import {
  type Body,
  hasToolCalls,
  isRecord,
  mapMessages,
  memoBySlug,
  roleOf,
  type TransformContext,
  type Transformer,
  withKey,
  withoutKeys
} from "./Context.js"

/** Whether the patch runs: a DeepSeek V4 slug on an exact-verified route. @since 0.1.0 @category Predicates */
export const isActive = (context: TransformContext): boolean =>
  context.route.exactVerified && isDeepSeekV4Slug(context.slug)

// Memoised: the pipeline asks twice per request, with the same slug call after call.
const isDeepSeekV4Slug = memoBySlug(Thinking.isDeepSeekV4)

const SUPPORTED = new Set<string>(["minimal", "low", "medium", "high", "xhigh"])

/**
 * The patch. With thinking `off`: `thinking: {type: "disabled"}`, `reasoning_effort` and
 * `reasoning` removed, `reasoning_content` removed from every message. Otherwise:
 * `thinking: {type: "enabled"}`, `reasoning_effort` from the level (`max` → `xhigh`), equal to
 * `reasoning.effort` when that is sent too (a stale `max` there becomes `xhigh`), and
 * `reasoning_content: ""` on assistant turns without tool calls that have none.
 *
 * @since 0.1.0 @category Transformers
 */
export const deepSeekV4: Transformer = (context) => (body) => applyDeepSeekV4(context, body)

/**
 * {@link deepSeekV4} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyDeepSeekV4 = (context: TransformContext, body: Body): Body => {
  if (!isActive(context)) return body
  if (context.thinking === "off") {
    const out = withoutKeys(withKey(body, "thinking", { type: "disabled" }), ["reasoning_effort", "reasoning"])
    return mapMessages(out, (message) => withoutKeys(message, ["reasoning_content"]))
  }
  let out = withKey(body, "thinking", { type: "enabled" })
  let effort: string = Thinking.deepSeekV4Effort(context.thinking)
  const current = out.reasoning
  if (isRecord(current) && typeof current.effort === "string") {
    if (current.effort === "max") out = withKey(out, "reasoning", withKey(current, "effort", "xhigh"))
    const sent = current.effort === "max" ? "xhigh" : current.effort
    if (SUPPORTED.has(sent)) effort = sent
  }
  out = withKey(out, "reasoning_effort", effort)
  return mapMessages(out, (message) =>
    roleOf(message) === "assistant" && !hasToolCalls(message) && !Object.hasOwn(message, "reasoning_content")
      ? withKey(message, "reasoning_content", "")
      : message)
}
