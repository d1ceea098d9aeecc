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
import { cacheMarkers } from "./CacheMarkers.js"
import type { Body, TransformContext, Transformer } from "./Context.js"
import { deepSeekV4 } from "./DeepSeekV4.js"
import { extraBody } from "./ExtraBody.js"
import { modelParams } from "./ModelParams.js"
import { openAIOnly } from "./OpenAIOnly.js"
import { prefill } from "./Prefill.js"
import { reasoning } from "./Reasoning.js"
import { replayHygiene } from "./ReplayHygiene.js"
import { routing } from "./Routing.js"
import { toolsCompat } from "./ToolsCompat.js"

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
  const run = (body: Body, steps: ReadonlyArray<readonly [string, Transformer]>) =>
    steps.reduce((current, [, step]) => step(context)(current), body)
  return Either.map(extraBody(context)(run(request, before)), (body) => run(body, after))
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
export const shape = (context: TransformContext, request: Body): Either.Either<Shaped, ConfigError> =>
  Either.map(shapeBody(context, request), (body) => ({ body, headers: headersOf(context) }))
