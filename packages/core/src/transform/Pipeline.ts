/**
 * The chat-request shaping pipeline: the transformers in the order OpenClaw applies its payload
 * patches (§18.2), then the headers of the `HeaderPolicy`. Pure: a total function of the context
 * and the request that never mutates either; shaping a shaped request changes nothing.
 *
 * | step | transformer | runs when |
 * |---|---|---|
 * | 1 | `modelParams` | always (caller's fields win) |
 * | 2 | `replayHygiene` | always; Anthropic/xAI part on an exact-verified route; Gemini and Mistral parts by model |
 * | 3 | `routing` | exact-verified route, request has no `provider` |
 * | 4 | `reasoning` | always (not for auto, x-ai, Hunter Alpha) |
 * | 5 | `deepSeekV4` | DeepSeek V4 on an exact-verified route |
 * | 6 | `prefill` | Anthropic on an exact-verified route with reasoning on |
 * | 7 | `cacheMarkers` | Anthropic on a host-verified route |
 * | 8 | `toolsCompat` | the request has a `tools` array |
 * | 9 | `extraBody` | the params have `extraBody` |
 * | 10 | `openAIOnly` | always |
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as HeaderPolicy from "../HeaderPolicy.js"
import type { ConfigError } from "../OpenRouterError.js"
import { applyCacheMarkers, cacheMarkers } from "./CacheMarkers.js"
import type { Body, TransformContext, Transformer } from "./Context.js"
import { applyDeepSeekV4, deepSeekV4 } from "./DeepSeekV4.js"
import { applyExtraBody } from "./ExtraBody.js"
import { applyModelParams, modelParams } from "./ModelParams.js"
import { applyOpenAIOnly, openAIOnly } from "./OpenAIOnly.js"
import { applyPrefill, prefill } from "./Prefill.js"
import { applyReasoning, reasoning } from "./Reasoning.js"
import { applyReplayHygiene, replayHygiene } from "./ReplayHygiene.js"
import { applyRouting, routing } from "./Routing.js"
import { applyToolsCompat, toolsCompat } from "./ToolsCompat.js"

/** The output of shaping: the body to send and the OpenRouter-specific headers. @since 0.1.0 @category Models */
export interface Shaped {
  readonly body: Body
  readonly headers: Readonly<Record<string, string>>
}

/** The transformers before `extraBody`, in order. @since 0.1.0 @category Constants */
export const before: ReadonlyArray<readonly [string, Transformer]> = [
  ["modelParams", modelParams],
  ["replayHygiene", replayHygiene],
  ["routing", routing],
  ["reasoning", reasoning],
  ["deepSeekV4", deepSeekV4],
  ["prefill", prefill],
  ["cacheMarkers", cacheMarkers],
  ["toolsCompat", toolsCompat]
]

/** The transformers after `extraBody`, in order. @since 0.1.0 @category Constants */
export const after: ReadonlyArray<readonly [string, Transformer]> = [["openAIOnly", openAIOnly]]

/**
 * Shapes a request body. Fails only when `extraBody` tries to set a key the pipeline owns.
 *
 * @since 0.1.0 @category Shaping
 */
export const shapeBody = (context: TransformContext, request: Body): Either.Either<Body, ConfigError> => {
  // The steps of `before`, `extraBody` and `after`, called directly: this runs on every chat call,
  // and folding over the curried transformers made a closure per step per request. The property
  // tests of test/Pipeline.test.ts hold it to that fold.
  let body = applyModelParams(context, request)
  body = applyReplayHygiene(context, body)
  body = applyRouting(context, body)
  body = applyReasoning(context, body)
  body = applyDeepSeekV4(context, body)
  body = applyPrefill(context, body)
  body = applyCacheMarkers(context, body)
  body = applyToolsCompat(body)
  const extra = applyExtraBody(context, body)
  return Either.isLeft(extra) ? extra : Either.right(applyOpenAIOnly(extra.right))
}

/**
 * The headers of a request: `HeaderPolicy.headers` for the context.
 *
 * @since 0.1.0 @category Shaping
 */
export const headersOf = (context: TransformContext): Readonly<Record<string, string>> =>
  HeaderPolicy.headers({
    route: context.route,
    provider: context.provider,
    identity: context.identity,
    params: context.params,
    configured: context.configuredHeaders,
    caller: context.callerHeaders
  })

/**
 * Shapes a chat request: `{ body, headers }`. The operation sets `model` and `stream` afterwards.
 *
 * @since 0.1.0 @category Shaping
 */
export const shape = (context: TransformContext, request: Body): Either.Either<Shaped, ConfigError> => {
  const body = shapeBody(context, request)
  return Either.isLeft(body) ? Either.left(body.left) : Either.right({ body: body.right, headers: headersOf(context) })
}
