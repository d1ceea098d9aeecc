/**
 * Everything in one layer: config, route verifier, request shaping, HTTP, models, chat, images,
 * speech, video polling and video.
 *
 * The service graph (each arrow: "is built from"):
 *
 * ```text
 * Chat ─────────┬─> OpenRouterConfig ──> RouteVerifier
 * Images ───────┤   (document, environment, overrides; settings resolved once per call)
 * Speech ───────┤
 * Videos ───────┼─> OpenRouterHttp ────> HttpClient (yours: undici, fetch, a test double)
 *   │           │   (one transport: auth, redirects, connectTo, errors, retry schedules)
 *   ├─> VideoPoller, VideoJobStore
 * Chat ─> PayloadTransformers, Models
 * ```
 *
 * The route policy, the request shaping and the polling are services: give your own as
 * `routeVerifier`, `payloadTransformers` or `videoPoller` and every service uses it.
 *
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
 * import { Chat, OpenRouter } from "@openrouter-effect/client"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const chat = yield* Chat.Chat
 *   const { text } = yield* chat.complete({ messages: [{ role: "user", content: "Hello" }] })
 *   console.log(text)
 * })
 *
 * program.pipe(
 *   Effect.provide(OpenRouter.layerFile().pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import { type OpenRouterError, PayloadTransformers, RouteVerifier, type Settings } from "@openrouter-effect/core"
import * as Layer from "effect/Layer"
import * as Chat from "./Chat.js"
import * as Images from "./Images.js"
import * as Limits from "./Limits.js"
import * as Models from "./Models.js"
import * as OpenRouterConfig from "./OpenRouterConfig.js"
import * as OpenRouterHttp from "./OpenRouterHttp.js"
import * as Speech from "./Speech.js"
import * as VideoJobStore from "./VideoJobStore.js"
import * as VideoPoller from "./VideoPoller.js"
import * as Videos from "./Videos.js"

/** The services the layers provide. @since 0.1.0 @category Models */
export type Services =
  | OpenRouterConfig.OpenRouterConfig
  | OpenRouterHttp.OpenRouterHttp
  | RouteVerifier.RouteVerifier
  | PayloadTransformers.PayloadTransformers
  | Models.Models
  | Chat.Chat
  | Images.Images
  | Speech.Speech
  | Videos.Videos
  | VideoJobStore.VideoJobStore
  | VideoPoller.VideoPoller

/** Options beside the config. @since 0.1.0 @category Models */
export interface Options extends Omit<OpenRouterHttp.Options, "apiKey"> {
  /** The route policy (default `RouteVerifier.layer`): which base URLs are OpenRouter's. */
  readonly routeVerifier?: Layer.Layer<RouteVerifier.RouteVerifier> | undefined
  /** The request shaping (default `PayloadTransformers.layer`). */
  readonly payloadTransformers?: Layer.Layer<PayloadTransformers.PayloadTransformers> | undefined
  /** The polling of video jobs (default `VideoPoller.layer()`). */
  readonly videoPoller?: Layer.Layer<VideoPoller.VideoPoller> | undefined
  /**
   * The state directory: `Models` caches the catalogue and `VideoJobStore` keeps video jobs under
   * it (needs a `FileSystem`); none keeps both in memory.
   */
  readonly stateDir?: string | undefined
  /**
   * Resource limits over the config's `models.providers.openrouter.limits`, which are over
   * `Limits.defaults` (see `Limits`). `configFileBytes` bounds the read of the config file.
   */
  readonly limits?: Partial<Limits.Values> | undefined
}

const services = (options: Options) => {
  const { baseUrl: _baseUrl, limits: _limits, payloadTransformers, routeVerifier: _routeVerifier, stateDir, videoPoller, ...transport } =
    options
  const http = OpenRouterHttp.layerConfig(transport)
  const models = stateDir === undefined ? Models.layerMemory : Models.layer({ stateDir })
  const jobs = stateDir === undefined ? VideoJobStore.layerMemory : VideoJobStore.layerFile(stateDir)
  return Layer.mergeAll(
    Chat.layer,
    Images.layer,
    Speech.layer,
    Videos.layer.pipe(Layer.provideMerge(jobs))
  ).pipe(
    Layer.provideMerge(models),
    Layer.provideMerge(http),
    Layer.provideMerge(Layer.merge(payloadTransformers ?? PayloadTransformers.layer, videoPoller ?? VideoPoller.layer()))
  )
}

// The route policy is provided beneath the config, which classifies every base URL with it.
const verifierOf = (options: Options) => options.routeVerifier ?? RouteVerifier.layer

/**
 * All services over an in-memory config (`document` and `environment`), on the `HttpClient` in
 * context.
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (
  options: Options & { readonly document?: unknown; readonly environment?: Readonly<Record<string, string | undefined>> } = {}
): Layer.Layer<Services, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient | FileSystem.FileSystem> =>
  services(options).pipe(
    // The limits in force for every service and call: the options' over the document's.
    Layer.provideMerge(Limits.layerFromConfig(options.limits)),
    Layer.provideMerge(OpenRouterConfig.layer({ document: options.document, environment: options.environment ?? {}, baseUrl: options.baseUrl })),
    Layer.provideMerge(verifierOf(options))
  )

/**
 * All services over the config file (the OpenClaw location rules, or `path`) and the environment.
 *
 * @since 0.1.0 @category Layers
 */
export const layerFile = (
  path?: string,
  options: Options = {}
): Layer.Layer<Services, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient | FileSystem.FileSystem> =>
  services(options).pipe(
    Layer.provideMerge(Limits.layerFromConfig(options.limits)),
    // The file itself is read within the options' limits (`configFileBytes`), as it cannot bound
    // its own read.
    Layer.provideMerge(OpenRouterConfig.layerFile(path, { baseUrl: options.baseUrl }).pipe(Layer.provide(Limits.layer(options.limits)))),
    Layer.provideMerge(verifierOf(options))
  )
