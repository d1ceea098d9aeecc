/**
 * Model params into the body (§18.1 step 2): sampling params from the resolved config params,
 * each only when the caller's request does not set it, and the configured fallbacks as
 * OpenRouter's native `models` list.
 *
 * @since 0.1.0
 */
import { type Body, type Transformer, withKey } from "./Context.js"

/**
 * The params copied into the body: body field ← param names (camelCase and snake_case), in the
 * order they are looked up.
 *
 * @since 0.1.0 @category Constants
 */
export const fields: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["temperature", ["temperature"]],
  ["top_p", ["topP", "top_p"]],
  ["top_k", ["topK", "top_k"]],
  ["max_completion_tokens", ["maxTokens", "max_tokens", "maxCompletionTokens", "max_completion_tokens"]],
  ["response_format", ["responseFormat", "response_format"]],
  ["stop", ["stop"]],
  ["seed", ["seed"]],
  ["frequency_penalty", ["frequencyPenalty", "frequency_penalty"]],
  ["presence_penalty", ["presencePenalty", "presence_penalty"]],
  ["repetition_penalty", ["repetitionPenalty", "repetition_penalty"]]
]

// A caller's field that means the same as ours.
const SAME_AS: Readonly<Record<string, ReadonlyArray<string>>> = {
  max_completion_tokens: ["max_completion_tokens", "max_tokens"]
}

const present = (body: Body, field: string): boolean =>
  (SAME_AS[field] ?? [field]).some((name) => Object.hasOwn(body, name) && body[name] !== undefined && body[name] !== null)

/**
 * Copies the sampling params the caller did not set, then adds `models` (the fallbacks, without
 * the model itself) when the caller sent none.
 *
 * @since 0.1.0 @category Transformers
 */
export const modelParams: Transformer = (context) => (body) => {
  let out = body
  for (const [field, names] of fields) {
    if (present(out, field)) continue
    for (const name of names) {
      const value = context.params[name]
      if (value !== undefined && value !== null) {
        out = withKey(out, field, value)
        break
      }
    }
  }
  const fallbacks = context.fallbacks.filter((slug) => slug !== context.slug)
  if (fallbacks.length > 0 && !Object.hasOwn(out, "models")) out = withKey(out, "models", [...new Set(fallbacks)])
  return out
}
