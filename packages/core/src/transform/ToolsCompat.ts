/**
 * Tool-choice compatibility (§9, "tool choice"; §18.2 step 7): with tools and no explicit choice,
 * `tool_choice: "auto"` is sent; an empty `tools` array is removed together with `tool_choice`.
 *
 * @since 0.1.0
 */
import { type Body, type Transformer, withKey, withoutKeys } from "./Context.js"

/**
 * Applies the tool-choice rule.
 *
 * @since 0.1.0 @category Transformers
 */
export const toolsCompat: Transformer = () => applyToolsCompat

const TOOLS_KEYS = ["tools", "tool_choice"]

/**
 * {@link toolsCompat} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyToolsCompat = (body: Body): Body => {
  if (!Array.isArray(body.tools)) return body
  if (body.tools.length === 0) return withoutKeys(body, TOOLS_KEYS)
  return body.tool_choice === undefined ? withKey(body, "tool_choice", "auto") : body
}
