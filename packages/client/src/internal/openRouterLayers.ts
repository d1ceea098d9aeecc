/**
 * The layers of `OpenRouter` assembled: the core services (chat, images, speech, the catalogue),
 * the video services, and the plain layer's options as the config document the resolvers read.
 */
import * as ModelRef from "@openrouter-effect/core/ModelRef"
import * as PayloadTransformers from "@openrouter-effect/core/PayloadTransformers"
import * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Chat from "../Chat.js"
import * as Images from "../Images.js"
import * as Models from "../Models.js"
import type { LayerOptions, Options, VideoOptions } from "../OpenRouter.js"
import * as OpenRouterHttp from "../OpenRouterHttp.js"
import * as Speech from "../Speech.js"
import * as VideoJobStore from "../VideoJobStore.js"
import * as VideoPoller from "../VideoPoller.js"
import * as Videos from "../Videos.js"

// The transport's own options, from either options record.
export const httpOptions = (options: Omit<OpenRouterHttp.Options, "apiKey" | "baseUrl">) => ({
  connectTo: options.connectTo,
  maxRetries: options.maxRetries,
  retry: options.retry,
  tracePropagation: options.tracePropagation,
  transformClient: options.transformClient,
  mediaHosts: options.mediaHosts,
  resolveHost: options.resolveHost
})

// Chat, images, speech and the catalogue over the config in context: no `FileSystem` unless the
// catalogue needs one.
export const coreServices = <R>(
  options: Omit<Options, "stateDir" | "videoPoller">,
  catalog: Layer.Layer<Models.Models, never, R>
) =>
  Layer.mergeAll(Chat.layer, Images.layer, Speech.layer).pipe(
    Layer.provideMerge(catalog),
    Layer.provideMerge(OpenRouterHttp.layerConfig(httpOptions(options))),
    Layer.provideMerge(options.payloadTransformers ?? PayloadTransformers.layer)
  )

// Videos and their job store over the config and transport in context.
export const videoServices = (options: VideoOptions) =>
  Videos.layer.pipe(
    Layer.provideMerge(options.stateDir === undefined ? VideoJobStore.layerMemory : VideoJobStore.layerFile(options.stateDir)),
    Layer.provideMerge(options.videoPoller ?? VideoPoller.layer())
  )

export const services = (options: Options) =>
  videoServices(options).pipe(
    Layer.provideMerge(
      coreServices(options, options.stateDir === undefined ? Models.layerMemory : Models.layer({ stateDir: options.stateDir }))
    )
  )

// The route policy is provided beneath the config, which classifies every base URL with it.
export const verifierOf = (options: { readonly routeVerifier?: Layer.Layer<RouteVerifier.RouteVerifier> | undefined }) =>
  options.routeVerifier ?? RouteVerifier.layer

// `models` keyed by the canonical form the config uses (`openrouter/openai/gpt-4o`), so a caller
// writes the API slug; a key that is not a model ref is kept (the config check names it).
const modelsOf = (models: NonNullable<LayerOptions["models"]>) =>
  Object.fromEntries(
    Object.entries(models).map(([ref, entry]) => [
      Either.match(ModelRef.parse(ref), { onLeft: () => ref, onRight: (parsed) => parsed.key }),
      entry
    ])
  )

// The options of the plain layer as the config document the resolvers read (no key in it: the
// key is the config's override, so it is never in `raw` or the environment).
export const documentOf = (options: LayerOptions) => {
  const model = {
    ...(options.model !== undefined ? { primary: options.model } : {}),
    ...(options.fallbacks !== undefined ? { fallbacks: options.fallbacks } : {})
  }
  const defaults = {
    ...(Object.keys(model).length > 0 ? { model } : {}),
    ...(options.models !== undefined ? { models: modelsOf(options.models) } : {}),
    ...(options.params !== undefined ? { params: options.params } : {}),
    ...(options.imageModel !== undefined ? { imageGenerationModel: { primary: options.imageModel } } : {}),
    ...(options.videoModel !== undefined ? { videoGenerationModel: { primary: options.videoModel } } : {})
  }
  const provider = options.headers !== undefined ? { headers: options.headers } : {}
  return {
    ...(Object.keys(defaults).length > 0 ? { agents: { defaults } } : {}),
    ...(Object.keys(provider).length > 0 ? { models: { providers: { openrouter: provider } } } : {}),
    ...(options.speech !== undefined ? { messages: { tts: { providers: { openrouter: options.speech } } } } : {})
  }
}
