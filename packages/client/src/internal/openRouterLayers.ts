/**
 * The layers of `OpenRouter` assembled: the core services (chat, images, speech, the catalogue)
 * and the video services. What the chat-only layers share with them (the options as the config
 * document, the stack beneath) is in `chatLayers.ts`, which imports no media module.
 */
import * as Layer from "effect/Layer"
import * as Chat from "../Chat.js"
import * as Images from "../Images.js"
import * as Models from "../Models.js"
import type { Options, VideoOptions } from "../OpenRouter.js"
import * as Speech from "../Speech.js"
import * as VideoJobStore from "../VideoJobStore.js"
import * as VideoPoller from "../VideoPoller.js"
import * as Videos from "../Videos.js"
import { overTransport } from "./chatLayers.js"

// Chat, images, speech and the catalogue over the config in context: no `FileSystem` unless the
// catalogue needs one.
export const coreServices = <R>(
  options: Omit<Options, "stateDir" | "videoPoller">,
  catalog: Layer.Layer<Models.Models, never, R>
) => overTransport(options, catalog, Layer.mergeAll(Chat.layer, Images.layer, Speech.layer))

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
