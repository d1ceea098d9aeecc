/**
 * The client in one layer.
 *
 * - {@link layer}: the plain entry point. A key (`Redacted`), optionally a base URL, attribution,
 *   models and params, given in code; no config file, no environment read, no `FileSystem`: it
 *   needs only an `HttpClient`. Chat, images, speech and the model catalogue (in memory).
 * - {@link layerConfig}: {@link layer} with the key (and optionally the base URL and model) read
 *   through Effect's `Config` (`OPENROUTER_API_KEY` by default).
 * - {@link layerVideos}: video generation and its job store over either of them: the one part
 *   that needs a `FileSystem` (videos are downloaded to files; a `stateDir` keeps the jobs on
 *   disk), provided separately.
 * - {@link layerFile}: everything from the OpenClaw-shaped config file (`~/.openclaw/openclaw.json`
 *   and the OpenClaw location rules) and the environment, as the CLI does.
 * - {@link layerDocument}: everything from an OpenClaw-shaped config document and environment
 *   given in code (what {@link layerFile} reads, without the file).
 *
 * A program that only chats uses `OpenRouterChat.layer` instead (the same options but the media
 * defaults, the same chat): its module imports nothing of images, speech or video, so imported by
 * path it neither loads nor builds them. {@link layer} is built on it, images and speech on top.
 *
 * The service graph (each arrow: "is built from"):
 *
 * ```text
 * Chat ─────────┬─> OpenRouterConfig ──> RouteVerifier
 * Images ───────┤   (document, environment, overrides; settings resolved once per call)
 * Speech ───────┤
 * Videos ───────┼─> OpenRouterHttp ────> HttpClient (yours: undici, fetch, a test double)
 *   │           │   (one transport: auth, redirects, connectTo, errors, retry schedules)
 *   ├─> VideoPoller, VideoJobStore, FileSystem
 * Chat ─> PayloadTransformers, Models
 * ```
 *
 * The route policy, the request shaping and the polling are services: give your own as
 * `routeVerifier`, `payloadTransformers` or `videoPoller` and every service uses it.
 *
 * ```ts
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import { Chat, OpenRouter } from "@openrouter-effect/client"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const OpenRouterLive = OpenRouter.layer({ apiKey: Redacted.make(process.env.OPENROUTER_API_KEY ?? "") }).pipe(
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
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import type * as Params from "@openrouter-effect/core/Params"
import type * as PayloadTransformers from "@openrouter-effect/core/PayloadTransformers"
import type * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Config from "effect/Config"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Images from "./Images.js"
import * as Limits from "./Limits.js"
import type * as Models from "./Models.js"
import type * as OpenRouterChat from "./OpenRouterChat.js"
import * as OpenRouterConfig from "./OpenRouterConfig.js"
import type * as OpenRouterHttp from "./OpenRouterHttp.js"
import * as Speech from "./Speech.js"
import type * as VideoJobStore from "./VideoJobStore.js"
import type * as VideoPoller from "./VideoPoller.js"
import type * as Videos from "./Videos.js"
import { chatLayer, fromConfig, verifierOf } from "./internal/chatLayers.js"
import { services, videoServices } from "./internal/openRouterLayers.js"

/**
 * The services of {@link layer} and {@link layerConfig}: everything but video.
 *
 * @since 0.1.0 @category Models
 */
export type CoreServices = OpenRouterChat.Services | Images.Images | Speech.Speech

/** The options of {@link layerVideos}. @since 0.1.0 @category Models */
export interface VideoOptions {
  /** Keep video jobs under `<stateDir>/videos/` (default: in memory). */
  readonly stateDir?: string | undefined
  /** The polling of video jobs (default `VideoPoller.layer()`). */
  readonly videoPoller?: Layer.Layer<VideoPoller.VideoPoller> | undefined
}

/** The services of {@link layerVideos}. @since 0.1.0 @category Models */
export type VideoServices = Videos.Videos | VideoJobStore.VideoJobStore | VideoPoller.VideoPoller

/** The services {@link layerDocument} and {@link layerFile} provide: all of them. @since 0.1.0 @category Models */
export type Services = CoreServices | VideoServices

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

/**
 * The options of the plain {@link layer}: the key and everything else in code. Nothing is read
 * from a file or the environment (not even `OPENROUTER_CONNECT_TO`: give `connectTo`).
 *
 * @since 0.1.0 @category Models
 */
export interface LayerOptions extends Omit<Options, "stateDir" | "videoPoller"> {
  /** The OpenRouter key. It stays `Redacted`: spans, logs and the config service never show it. */
  readonly apiKey: Redacted.Redacted<string>
  /** App attribution on OpenRouter's own routes (default: the core's `HeaderPolicy.defaultIdentity`). */
  readonly attribution?: HeaderPolicy.Identity | undefined
  /** The model of a call that names none (a model ref: `anthropic/claude-sonnet-4-6`, an alias; default `openrouter/auto`). */
  readonly model?: string | undefined
  /** Fallback models of {@link model}, sent as OpenRouter's `models` list. */
  readonly fallbacks?: ReadonlyArray<string> | undefined
  /**
   * Per-model params by model ref (`openai/gpt-4o`), over {@link LayerOptions.params}: a
   * `thinking` level, sampling, `provider` routing, `cacheRetention`, `extraBody`, ….
   */
  readonly models?: Readonly<Record<string, { readonly params?: Params.Params | undefined }>> | undefined
  /** Params of every chat, beneath the model's (sampling, `provider` routing, response cache, `extraBody`). */
  readonly params?: Params.Params | undefined
  /** Headers of every request (never overriding attribution). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The default image model (default `Settings.defaults.imageModel`). */
  readonly imageModel?: string | undefined
  /** The default video model, for {@link layerVideos} (default `Settings.defaults.videoModel`). */
  readonly videoModel?: string | undefined
  /** Text-to-speech defaults: model, voice, speed, `mp3` or `pcm`. */
  readonly speech?: {
    readonly model?: string | undefined
    readonly voice?: string | undefined
    readonly speed?: number | undefined
    readonly responseFormat?: "mp3" | "pcm" | undefined
  } | undefined
  /**
   * The model catalogue (default `Models.layerMemory`: fetched on first use, kept in memory). For
   * a disk cache: `Models.layer({ stateDir }).pipe(Layer.provide(NodeFileSystem.layer))`.
   */
  readonly catalog?: Layer.Layer<Models.Models, never, OpenRouterHttp.OpenRouterHttp> | undefined
}

/**
 * The options of {@link layerConfig}: {@link LayerOptions} with the key, the base URL and the
 * model read through Effect's `Config` (so any `ConfigProvider` can supply them).
 *
 * @since 0.1.0 @category Models
 */
export interface ConfigOptions extends Omit<LayerOptions, "apiKey" | "baseUrl" | "model"> {
  /** Default `Config.redacted("OPENROUTER_API_KEY")`. */
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  /** Default none: `https://openrouter.ai/api/v1`. */
  readonly baseUrl?: Config.Config<string | undefined> | undefined
  /** Default none: `openrouter/auto`. */
  readonly model?: Config.Config<string | undefined> | undefined
}

/**
 * The plain entry point: chat, images, speech and the model catalogue, with the key and
 * everything else given in code. It needs only an `HttpClient` (`NodeHttpClient.layerUndici`,
 * `OpenRouterHttp.layerFetch`, a test double): no config file, no environment, no `FileSystem`.
 * Saving an image or speech to a file needs a `FileSystem` in that call's context only; video is
 * {@link layerVideos}, provided over this layer.
 *
 * Every request goes through the same pipeline as with the OpenClaw config (model refs,
 * verified-route attribution, cache markers, reasoning, replay hygiene, routing). A blank key is a
 * `ConfigError` when the layer is built.
 *
 * ```ts
 * const OpenRouterLive = OpenRouter.layer({ apiKey: Redacted.make(key), model: "anthropic/claude-sonnet-4-6" }).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (
  options: LayerOptions
): Layer.Layer<CoreServices, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient> =>
  // Images and speech over the chat services, built as `OpenRouterChat.layer` builds them.
  Layer.merge(Images.layer, Speech.layer).pipe(Layer.provideMerge(chatLayer("OpenRouter.layer", options)))

/**
 * {@link layer} with the key read through Effect's `Config` (default
 * `Config.redacted("OPENROUTER_API_KEY")`), and optionally the base URL and the model: the
 * current `ConfigProvider` decides where they come from (the process environment by default). A
 * missing key is a `ConfigError` naming it when the layer is built. Needs only an `HttpClient`.
 *
 * ```ts
 * const OpenRouterLive = OpenRouter.layerConfig({ apiKey: Config.redacted("OPENROUTER_API_KEY") }).pipe(
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0 @category Layers
 */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<CoreServices, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient> =>
  fromConfig("OpenRouter.layerConfig", options, Config.redacted(Settings.API_KEY_VARIABLE), layer)

/**
 * Video generation over {@link layer} or {@link layerConfig}: `Videos`, its `VideoJobStore` (in
 * memory, or one file per job under `<stateDir>/videos/` with a `stateDir`) and `VideoPoller`.
 * The one part of the client that needs a `FileSystem` (a video is downloaded to a file), which
 * you provide with it:
 *
 * ```ts
 * const Live = OpenRouter.layerVideos({ stateDir }).pipe(
 *   Layer.provideMerge(OpenRouter.layer({ apiKey })),
 *   Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer])
 * )
 * ```
 *
 * @since 0.1.0 @category Layers
 */
export const layerVideos = (
  options: VideoOptions = {}
): Layer.Layer<VideoServices, never, OpenRouterConfig.OpenRouterConfig | OpenRouterHttp.OpenRouterHttp | FileSystem.FileSystem> =>
  videoServices(options)

/**
 * All services over an OpenClaw-shaped config given in code: a config `document` (what
 * `~/.openclaw/openclaw.json` holds, as an object) and an `environment` record (the key as
 * `OPENROUTER_API_KEY`, `OPENROUTER_CONNECT_TO`, the `${VAR}` references), on the `HttpClient` in
 * context; a `FileSystem` for video and a `stateDir`. Without an OpenClaw config, use
 * {@link layer}.
 *
 * @since 0.1.0 @category Layers
 */
export const layerDocument = (
  options: Options & { readonly document?: unknown; readonly environment?: Readonly<Record<string, string | undefined>> } = {}
): Layer.Layer<Services, OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient | FileSystem.FileSystem> =>
  services(options).pipe(
    // The limits in force for every service and call: the options' over the document's.
    Layer.provideMerge(Limits.layerFromConfig(options.limits)),
    Layer.provideMerge(OpenRouterConfig.layer({ document: options.document, environment: options.environment ?? {}, baseUrl: options.baseUrl })),
    Layer.provideMerge(verifierOf(options))
  )

/**
 * All services over the OpenClaw config file (the OpenClaw location rules, or `path`) and the
 * environment, as the CLI does.
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
