/**
 * Model params into the body (§18.1 step 2): sampling params from the resolved config params,
 * each only when the caller's request does not set it, and the configured fallbacks as
 * OpenRouter's native `models` list.
 *
 * @since 0.1.0
 */
import { type Body, type TransformContext, type Transformer, withKey } from "./Context.js"

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

// Per field, the caller's names that count as setting it (computed once, not per request).
const presentNames: ReadonlyArray<ReadonlyArray<string>> = fields.map(([field]) => SAME_AS[field] ?? [field])

const present = (body: Body, names: ReadonlyArray<string>): boolean => {
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    if (Object.hasOwn(body, name) && body[name] !== undefined && body[name] !== null) return true
  }
  return false
}

/**
 * {@link modelParams} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyModelParams = (context: TransformContext, body: Body): Body => {
  let out = body
  for (let f = 0; f < fields.length; f++) {
    if (present(out, presentNames[f]!)) continue
    const [field, names] = fields[f]!
    for (let n = 0; n < names.length; n++) {
      const value = context.params[names[n]!]
      if (value !== undefined && value !== null) {
        out = withKey(out, field, value)
        break
      }
    }
  }
  if (context.fallbacks.length === 0) return out
  const fallbacks = context.fallbacks.filter((slug) => slug !== context.slug)
  if (fallbacks.length > 0 && !Object.hasOwn(out, "models")) out = withKey(out, "models", [...new Set(fallbacks)])
  return out
}

/**
 * Copies the sampling params the caller did not set, then adds `models` (the fallbacks, without
 * the model itself) when the caller sent none.
 *
 * @since 0.1.0 @category Transformers
 */
export const modelParams: Transformer = (context) => (body) => applyModelParams(context, body)
