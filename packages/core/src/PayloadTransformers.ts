/**
 * The request-shaping pipeline as a service (so a host application can wrap or replace it), and
 * the constructor of its context from resolved chat settings. The transformers themselves live in
 * `transform/`, one module each, and are exported here as plain functions too.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as HeaderPolicy from "./HeaderPolicy.js"
import type { ConfigError } from "./OpenRouterError.js"
import type * as Settings from "./Settings.js"
import type * as Thinking from "./Thinking.js"
import * as Pipeline from "./transform/Pipeline.js"
import type { Body, TransformContext } from "./transform/Context.js"

export type { Body, CacheRetention, TransformContext, Transformer } from "./transform/Context.js"
export type { Shaped } from "./transform/Pipeline.js"
export { cacheMarkers } from "./transform/CacheMarkers.js"
export { deepSeekV4 } from "./transform/DeepSeekV4.js"
export { extraBody } from "./transform/ExtraBody.js"
export { modelParams } from "./transform/ModelParams.js"
export { openAIOnly } from "./transform/OpenAIOnly.js"
export { prefill } from "./transform/Prefill.js"
export { reasoning } from "./transform/Reasoning.js"
export { replayHygiene } from "./transform/ReplayHygiene.js"
export { routing } from "./transform/Routing.js"
export { toolsCompat } from "./transform/ToolsCompat.js"

/** @since 0.1.0 @category Shaping */
export const shape = Pipeline.shape

/** @since 0.1.0 @category Shaping */
export const shapeBody = Pipeline.shapeBody

/**
 * The context of a chat call from its resolved settings.
 *
 * @since 0.1.0 @category Constructors
 */
export const contextOf = (
  settings: Settings.Chat,
  options: {
    readonly callerHeaders?: Readonly<Record<string, string>> | undefined
    readonly identity?: HeaderPolicy.Identity | undefined
    readonly provider?: string | undefined
    /** The call's thinking level when it is not the settings' (a model's default, looked up). */
    readonly thinking?: Thinking.Level | undefined
  } = {}
): TransformContext => ({
  slug: settings.model.slug,
  provider: options.provider ?? "openrouter",
  route: settings.route,
  thinking: options.thinking ?? settings.thinking,
  params: settings.params,
  fallbacks: settings.fallbacks.map((ref) => ref.slug),
  configuredHeaders: settings.headers,
  callerHeaders: options.callerHeaders ?? {},
  identity: options.identity
})

/** @since 0.1.0 @category Models */
export interface Service {
  readonly shape: (context: TransformContext, request: Body) => Either.Either<Pipeline.Shaped, ConfigError>
}

/** @since 0.1.0 @category Context */
export class PayloadTransformers extends Context.Tag("@openrouter-effect/core/PayloadTransformers")<
  PayloadTransformers,
  Service
>() {}

/** The pipeline of `transform/Pipeline.ts`. @since 0.1.0 @category Constructors */
export const make = (): Service => ({ shape: Pipeline.shape })

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<PayloadTransformers> = Layer.succeed(PayloadTransformers, make())
