/**
 * What the plain layers (`OpenRouter.layer`, `OpenRouterChat.layer`) share: the options as the
 * config document the resolvers read, the attribution check, the stack beneath the services
 * (limits, config, route policy) and the chat services themselves.
 *
 * It imports nothing of images, speech or video, so a program that only chats (through
 * `OpenRouterChat`) loads none of their modules: on an unbundled start-up every module loaded
 * costs its resolution, compilation and top-level work before the first request (issue 22).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import * as ModelRef from "@openrouter-effect/core/ModelRef"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as PayloadTransformers from "@openrouter-effect/core/PayloadTransformers"
import * as RouteVerifier from "@openrouter-effect/core/RouteVerifier"
import type * as Settings from "@openrouter-effect/core/Settings"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Chat from "../Chat.js"
import * as Limits from "../Limits.js"
import * as Models from "../Models.js"
import type { LayerOptions, Options } from "../OpenRouter.js"
import * as OpenRouterConfig from "../OpenRouterConfig.js"
import * as OpenRouterHttp from "../OpenRouterHttp.js"

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

// The route policy is provided beneath the config, which classifies every base URL with it.
export const verifierOf = (options: { readonly routeVerifier?: Layer.Layer<RouteVerifier.RouteVerifier> | undefined }) =>
  options.routeVerifier ?? RouteVerifier.layer

// The request shaping and the transport beneath a service layer: what chat needs over the config.
export const overTransport = <ROut, E, RIn, RCatalog>(
  options: Omit<Options, "stateDir" | "videoPoller">,
  catalog: Layer.Layer<Models.Models, never, RCatalog>,
  services: Layer.Layer<ROut, E, RIn>
) =>
  services.pipe(
    Layer.provideMerge(catalog),
    Layer.provideMerge(OpenRouterHttp.layerConfig(httpOptions(options))),
    Layer.provideMerge(options.payloadTransformers ?? PayloadTransformers.layer)
  )

// Chat and the catalogue over the config in context: the services of `OpenRouterChat`.
export const chatServices = <R>(options: Omit<Options, "stateDir" | "videoPoller">, catalog: Layer.Layer<Models.Models, never, R>) =>
  overTransport(options, catalog, Chat.layer)

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

// A value safe in a header: no control character but tab (a CR or LF would end the header).
const HEADER_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f]/

/**
 * The attribution given in code, checked when the layer is built (a caller without the types can
 * leave a field out, or pass anything): `referer` and `title` strings, `categories` an array of
 * strings (none when left out), all of them fit for a header. Else a `ConfigError` naming the
 * field, rather than every request failing on it. `name` is the layer's, for the message.
 */
export const attributionOf = (name: string, value: unknown): HeaderPolicy.Identity | undefined | OpenRouterError.ConfigError => {
  if (value === undefined) return undefined
  const fail = (path: string, what: string) => new OpenRouterError.ConfigError({ message: `${name}: ${path} ${what}`, path })
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail("attribution", "must be an object { referer, title, categories }")
  }
  const given = value as Record<string, unknown>
  for (const key of ["referer", "title"] as const) {
    const field = given[key]
    if (typeof field !== "string") return fail(`attribution.${key}`, "must be a string")
    if (HEADER_UNSAFE.test(field)) return fail(`attribution.${key}`, "must not contain control characters (a header value)")
  }
  const categories = given.categories ?? []
  if (!Array.isArray(categories)) return fail("attribution.categories", "must be an array of strings")
  for (const [i, category] of categories.entries()) {
    if (typeof category !== "string") return fail(`attribution.categories[${i}]`, "must be a string")
    if (HEADER_UNSAFE.test(category)) return fail(`attribution.categories[${i}]`, "must not contain control characters (a header value)")
  }
  return { referer: given.referer as string, title: given.title as string, categories: categories as ReadonlyArray<string> }
}

// The key and the attribution of the plain layer, checked: the attribution, or the error.
const checkPlain = (name: string, options: LayerOptions): HeaderPolicy.Identity | undefined | OpenRouterError.ConfigError => {
  if (!Redacted.isRedacted(options.apiKey) || Redacted.value(options.apiKey).trim() === "") {
    return new OpenRouterError.ConfigError({ message: `${name}: apiKey is empty (give the key as Redacted.make(key))` })
  }
  return attributionOf(name, options.attribution)
}

/**
 * `services` over the plain layer's config: the limits, the config document built from the
 * options (the key as its override) and the route policy. A blank key or a bad attribution fails
 * the layer when it is built. `name` is the layer's, for the messages.
 */
export const overPlainConfig = <ROut, E, RIn>(
  name: string,
  options: LayerOptions,
  services: Layer.Layer<ROut, E, RIn>
) => {
  const attribution = checkPlain(name, options)
  if (attribution instanceof OpenRouterError.ConfigError) return Layer.fail(attribution)
  return services.pipe(
    Layer.provideMerge(Limits.layer(options.limits)),
    Layer.provideMerge(
      OpenRouterConfig.layer({
        document: documentOf(options),
        environment: {},
        baseUrl: options.baseUrl,
        apiKey: options.apiKey,
        attribution
      })
    ),
    Layer.provideMerge(verifierOf(options))
  )
}

/**
 * The chat services of the plain layer, built in one effect rather than as a graph of layers:
 * the same services with the same inputs as {@link overPlainConfig} over {@link chatServices}
 * with the in-memory catalogue. Building that graph (seven layers, each with its memo entry,
 * scope and context patches, all of it cold code at start-up) measured about 30 ms of CPU before
 * the first request, this about 8 (issue 22). A route policy or request shaping of your own is
 * still a layer, provided beneath as before; a catalogue of your own takes the graph (it sits
 * between the transport and chat, and stays memoized with the rest of your layers).
 */
export const chatLayer = (name: string, options: LayerOptions) => {
  if (options.catalog !== undefined) return overPlainConfig(name, options, chatServices(options, options.catalog))
  const checked = checkPlain(name, options)
  if (checked instanceof OpenRouterError.ConfigError) return Layer.fail(checked)
  const built = Layer.effectContext(Effect.gen(function*() {
    const verifier = yield* Effect.serviceOption(RouteVerifier.RouteVerifier)
    const transformers = yield* Effect.serviceOption(PayloadTransformers.PayloadTransformers)
    const base = Context.make(Limits.Limits, Limits.make(options.limits)).pipe(
      Context.add(RouteVerifier.RouteVerifier, verifier._tag === "Some" ? verifier.value : RouteVerifier.make()),
      Context.add(PayloadTransformers.PayloadTransformers, transformers._tag === "Some" ? transformers.value : PayloadTransformers.make())
    )
    const config = yield* Effect.provide(
      OpenRouterConfig.make({ document: documentOf(options), environment: {}, baseUrl: options.baseUrl, apiKey: options.apiKey, attribution: checked }),
      base
    )
    const withConfig = Context.add(base, OpenRouterConfig.OpenRouterConfig, config)
    const http = yield* Effect.provide(OpenRouterHttp.makeConfig(httpOptions(options)), withConfig)
    const withHttp = Context.add(withConfig, OpenRouterHttp.OpenRouterHttp, http)
    const withModels = Context.add(withHttp, Models.Models, yield* Effect.provide(Models.makeMemory, withHttp))
    return Context.add(withModels, Chat.Chat, yield* Effect.provide(Chat.make, withModels))
  }))
  // Given layers of the route policy and the shaping stay layers, beneath as in the graph.
  return options.routeVerifier === undefined && options.payloadTransformers === undefined
    ? built
    : built.pipe(
      Layer.provideMerge(Layer.merge(options.routeVerifier ?? Layer.empty, options.payloadTransformers ?? Layer.empty))
    )
}

// A `Config` read, its error as the core's `ConfigError` (Effect's names the missing variable).
const readConfig = <A>(config: Config.Config<A>, what: string) =>
  Effect.mapError(config, (error: ConfigError.ConfigError) => new OpenRouterError.ConfigError({ message: `${what}: ${String(error)}` }))

const readOptional = <A>(config: Config.Config<A | undefined> | undefined, what: string) =>
  config === undefined ? Effect.succeed(undefined) : readConfig(config, what)

/**
 * A plain layer with the key, the base URL and the model read through `Config` when it is built
 * (`name` is the layer's, for the messages).
 */
export const fromConfig = <Opts extends {
  readonly apiKey?: Config.Config<Redacted.Redacted<string>> | undefined
  readonly baseUrl?: Config.Config<string | undefined> | undefined
  readonly model?: Config.Config<string | undefined> | undefined
}, ROut, E>(
  name: string,
  options: Opts,
  defaultKey: Config.Config<Redacted.Redacted<string>>,
  plain: (
    options: Omit<Opts, "apiKey" | "baseUrl" | "model"> & {
      readonly apiKey: Redacted.Redacted<string>
      readonly baseUrl: string | undefined
      readonly model: string | undefined
    }
  ) => Layer.Layer<ROut, E, HttpClient.HttpClient>
): Layer.Layer<ROut, E | OpenRouterError.ConfigError | Settings.ResolveError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const apiKey = yield* readConfig(options.apiKey ?? defaultKey, `${name}: apiKey`)
    const baseUrl = yield* readOptional(options.baseUrl, `${name}: baseUrl`)
    const model = yield* readOptional(options.model, `${name}: model`)
    return plain({ ...options, apiKey, baseUrl, model })
  }))
