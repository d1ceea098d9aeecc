/**
 * `extra_body` (§18.2 step 10): fields from the params' `extraBody` / `extra_body` merged over the
 * shaped request, last. The keys the pipeline owns cannot be set this way: such a key is a config
 * error, not a silent overwrite.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { ConfigError } from "../OpenRouterError.js"
import * as Params from "../Params.js"
import { type Body, type TransformContext, withKey } from "./Context.js"

/**
 * The keys `extra_body` may not set: OpenRouter's routing and reasoning, the messages, and what
 * the operation sets (`model`, `stream`); also `reasoning_effort` and `thinking`, which follow the
 * thinking level.
 *
 * @since 0.1.0 @category Constants
 */
export const ownedKeys: ReadonlyArray<string> = [
  "provider",
  "reasoning",
  "messages",
  "model",
  "stream",
  "reasoning_effort",
  "thinking"
]

const EXTRA_BODY_NAMES = ["extraBody", "extra_body"]

/** The `extra_body` of the params, and the name it was found under. @since 0.1.0 @category Resolution */
export const extraBodyOf = (params: Params.Params): readonly [string, Params.Params] | undefined => {
  for (const name of EXTRA_BODY_NAMES) {
    const value = Params.fromUnknown(params[name])
    if (value !== undefined) return [name, value]
  }
  return undefined
}

/**
 * Merges `extra_body` over the body (existing keys replaced in place, new keys last).
 *
 * @since 0.1.0 @category Transformers
 */
export const extraBody = (context: TransformContext) => (body: Body): Either.Either<Body, ConfigError> => applyExtraBody(context, body)

/**
 * {@link extraBody} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyExtraBody = (context: TransformContext, body: Body): Either.Either<Body, ConfigError> => {
  const found = extraBodyOf(context.params)
  if (found === undefined) return Either.right(body)
  const [name, extra] = found
  const owned = Object.keys(extra).filter((key) => ownedKeys.includes(key))
  if (owned.length > 0) {
    return Either.left(
      new ConfigError({
        message: `params.${name} cannot set ${owned.map((key) => JSON.stringify(key)).join(", ")}: ` +
          `openrouter-effect sets ${ownedKeys.join(", ")} itself (use the provider params, the thinking level or the request instead)`,
        path: `params.${name}.${owned[0]}`
      })
    )
  }
  let out = body
  for (const [key, value] of Object.entries(extra)) out = withKey(out, key, value)
  return Either.right(out)
}
