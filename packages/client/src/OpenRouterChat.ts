/**
 * The client for a program that only chats: `Chat` and what it is built from (the config, the
 * transport, the request shaping, the route policy, the model catalogue, the limits), and nothing
 * else.
 *
 * {@link layer} and {@link layerConfig} take the options of `OpenRouter.layer` and
 * `OpenRouter.layerConfig` without the media defaults, and build the same chat service through
 * the same pipeline. What they leave out is images, speech and video: this module imports none of
 * their modules, so a service that imports `Chat` and `OpenRouterChat` by path (not the package
 * root, which is every module) neither loads nor builds them. That is most of what such a service
 * pays at start-up above Effect and undici alone: unbundled, every module costs its resolution,
 * compilation and top-level work before the first request. For images or speech as well, use
 * `OpenRouter.layer`; video is `OpenRouter.layerVideos` over either.
 *
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as Chat from "@openrouter-effect/client/Chat"
 * import * as OpenRouterChat from "@openrouter-effect/client/OpenRouterChat"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const OpenRouterLive = OpenRouterChat.layer({ apiKey: Redacted.make(process.env.OPENROUTER_API_KEY ?? "") }).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const chat = yield* Chat.Chat
 *   const { text } = yield* chat.complete({ messages: [{ role: "user", content: "Hello" }] })
 *   console.log(text)
 * })
 *
 * program.pipe(Effect.provide(OpenRouterLive), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import type * as PayloadTransformers from "@openrouter-effect/core/PayloadTransformers"
import type * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Config from "effect/Config"
import type * as Layer from "effect/Layer"
import type * as Chat from "./Chat.js"
import { chatLayer, fromConfig } from "./internal/chatLayers.js"
import type * as Models from "./Models.js"
import type * as OpenRouter from "./OpenRouter.js"
import type * as OpenRouterConfig from "./OpenRouterConfig.js"
import type * as OpenRouterHttp from "./OpenRouterHttp.js"

/**
 * The services of {@link layer} and {@link layerConfig}: `Chat` and everything it is built from.
 *
 * @since 0.1.0 @category Models
 */
export type Services =
  | OpenRouterConfig.OpenRouterConfig
  | OpenRouterHttp.OpenRouterHttp
  | RouteVerifier.RouteVerifier
  | PayloadTransformers.PayloadTransformers
  | Models.Models
  | Chat.Chat

/**
 * The options of {@link layer}: those of `OpenRouter.layer` without the media defaults (the key,
 * the base URL, attribution, the model and its fallbacks, per-model params, params and headers of
 * every call, the catalogue, the transport, the limits, your own route policy or request shaping).
 *
 * @since 0.1.0 @category Models
 */
export type LayerOptions = Omit<OpenRouter.LayerOptions, "imageModel" | "videoModel" | "speech">

/**
 * The options of {@link layerConfig}: {@link LayerOptions} with the key, the base URL and the
 * model read through Effect's `Config`.
 *
 * @since 0.1.0 @category Models
 */
export type ConfigOptions = Omit<OpenRouter.ConfigOptions, "imageModel" | "videoModel" | "speech">

/**
 * `Chat` with the key and everything else given in code, as `OpenRouter.layer` builds it, without
 * images or speech. It needs only an `HttpClient`: no config file, no environment, no
 * `FileSystem` (unless your `catalog` keeps the catalogue on disk). A blank key or a malformed
 * `attribution` is a `ConfigError` when the layer is built.
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (
  options: LayerOptions
): Layer.Layer<Services, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient> =>
  chatLayer("OpenRouterChat.layer", options)

/**
 * {@link layer} with the key read through Effect's `Config` (default
 * `Config.redacted("OPENROUTER_API_KEY")`), and optionally the base URL and the model, when the
 * layer is built. A missing key is a `ConfigError` naming it.
 *
 * ```ts
 * const OpenRouterLive = OpenRouterChat.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
 * ```
 *
 * @since 0.1.0 @category Layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<Services, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient> =>
  fromConfig("OpenRouterChat.layerConfig", options, Config.redacted(Settings.API_KEY_VARIABLE), layer)
