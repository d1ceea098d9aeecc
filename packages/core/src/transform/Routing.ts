/**
 * Provider routing (§11): the merged `provider` object of the params (provider-wide, model and
 * call, merged key by key and sanitised by `Params.transport`) becomes the request's `provider`,
 * on exact-verified routes only, and only when the request has none.
 *
 * @since 0.1.0
 */
import * as Params from "../Params.js"
import { type Body, isRecord, type TransformContext, type Transformer, withKey } from "./Context.js"

/**
 * Writes `provider` from the params.
 *
 * @since 0.1.0 @category Transformers
 */
export const routing: Transformer = (context) => (body) => applyRouting(context, body)

/**
 * {@link routing} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyRouting = (context: TransformContext, body: Body): Body => {
  if (!context.route.exactVerified || body.provider !== undefined) return body
  const provider = Params.fromUnknown(context.params.provider)
  return provider !== undefined && isRecord(provider) ? withKey(body, "provider", provider) : body
}
