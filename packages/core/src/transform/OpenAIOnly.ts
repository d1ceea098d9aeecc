/**
 * OpenAI-only request shaping that OpenRouter does not get (§9, the seed's "OpenAI-only request
 * shaping"): Responses `store`, `service_tier`, prompt-cache hints and
 * `stream_options.include_usage` (OpenRouter always sends usage).
 *
 * @since 0.1.0
 */
import { type Body, isRecord, type Transformer, withKey, withoutKeys } from "./Context.js"

/** The top-level fields removed. @since 0.1.0 @category Constants */
export const removed: ReadonlyArray<string> = [
  "store",
  "service_tier",
  "serviceTier",
  "prompt_cache_key",
  "prompt_cache_retention",
  "promptCacheKey",
  "promptCacheRetention"
]

/**
 * Removes the OpenAI-only fields, and `include_usage` from `stream_options` (the whole object when
 * nothing else is left in it).
 *
 * @since 0.1.0 @category Transformers
 */
export const openAIOnly: Transformer = () => applyOpenAIOnly

const INCLUDE_USAGE = ["include_usage"]
const STREAM_OPTIONS = ["stream_options"]

/**
 * {@link openAIOnly} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyOpenAIOnly = (body: Body): Body => {
  let out = withoutKeys(body, removed)
  const options = out.stream_options
  if (isRecord(options) && Object.hasOwn(options, "include_usage")) {
    const rest = withoutKeys(options, INCLUDE_USAGE)
    out = Object.keys(rest).length === 0 ? withoutKeys(out, STREAM_OPTIONS) : withKey(out, "stream_options", rest)
  }
  return out
}
