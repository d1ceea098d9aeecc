/**
 * Everything in one layer: config, route verifier, request shaping, HTTP, models, chat, images,
 * speech and video.
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
import * as Models from "./Models.js"
import * as OpenRouterConfig from "./OpenRouterConfig.js"
import * as OpenRouterHttp from "./OpenRouterHttp.js"
import * as Speech from "./Speech.js"
import * as VideoJobStore from "./VideoJobStore.js"
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

/** Options beside the config. @since 0.1.0 @category Models */
export interface Options extends Omit<OpenRouterHttp.Options, "apiKey"> {
  /**
   * The state directory: `Models` caches the catalogue and `VideoJobStore` keeps video jobs under
   * it (needs a `FileSystem`); none keeps both in memory.
   */
  readonly stateDir?: string | undefined
}

const services = (options: Options) => {
  const http = OpenRouterHttp.layerConfig(options)
  const models = options.stateDir === undefined ? Models.layerMemory : Models.layer({ stateDir: options.stateDir })
  const jobs = options.stateDir === undefined ? VideoJobStore.layerMemory : VideoJobStore.layerFile(options.stateDir)
  return Layer.mergeAll(
    Chat.layer,
    Images.layer,
    Speech.layer({ connectTo: options.connectTo, maxRetries: options.maxRetries, tracePropagation: options.tracePropagation }),
    Videos.layer.pipe(Layer.provideMerge(jobs)),
    RouteVerifier.layer,
    PayloadTransformers.layer
  ).pipe(
    Layer.provideMerge(models),
    Layer.provideMerge(http)
  )
}

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
    Layer.provideMerge(OpenRouterConfig.layer({ document: options.document, environment: options.environment ?? {} }))
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
  services(options).pipe(Layer.provideMerge(OpenRouterConfig.layerFile(path)))
