/**
 * `@effect/ai`'s `LanguageModel` for OpenRouter, on top of the client's `Chat` service: every
 * request goes through the client's pipeline (model refs, verified-route headers, cache markers,
 * reasoning injection, replay hygiene, routing), its retries, timeouts and limits.
 *
 * - `generateText` is one `Chat.complete`, `streamText` one `Chat.stream`: text, reasoning (its
 *   `reasoning_details` kept verbatim, signatures included, in `metadata.openrouter.reasoningDetails`
 *   of the reasoning part, or of the `reasoning-end` part of a stream), tool calls, images and a
 *   finish part whose `metadata.openrouter` has the cost, the cache status, the provider and the
 *   generation id.
 * - Tools come from a `Toolkit` (JSON Schema from each tool's Schema). There is no multi-step loop
 *   here: `@effect/ai` 0.37 resolves one step's tool calls and the loop to a final answer is the
 *   caller's (see the README).
 * - `generateObject` asks for `response_format: json_schema` or forces one tool whose arguments are
 *   the object. `structuredOutputs: "auto"` (the default) picks by the model's entry in the
 *   client's `Models` catalogue (the one `Chat` already reads for thinking defaults); `"json_schema"`
 *   and `"tool"` fix the mode.
 * - Our errors become the nearest `AiError` (the table is in the README).
 *
 * ```ts
 * import { LanguageModel } from "@effect/ai"
 * import { OpenRouterLanguageModel } from "@openrouter-effect/ai"
 * import * as OpenRouter from "@openrouter-effect/client/OpenRouter"
 * import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
 * import { Config, Effect, Layer } from "effect"
 *
 * const Gpt4o = OpenRouterLanguageModel.model("openai/gpt-4o")
 * const OpenRouterLive = OpenRouter.layerConfig({ apiKey: Config.redacted("OPENROUTER_API_KEY") })
 *
 * const program = LanguageModel.generateText({ prompt: "Say hello" }).pipe(
 *   Effect.provide(Gpt4o),
 *   Effect.provide(OpenRouterLive),
 *   Effect.provide(NodeHttpClient.layerUndici)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as AiError from "@effect/ai/AiError"
import * as LanguageModel from "@effect/ai/LanguageModel"
import * as AiModel from "@effect/ai/Model"
import * as Chat from "@openrouter-effect/client/Chat"
import * as Models from "@openrouter-effect/client/Models"
import * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import * as OpenRouterHttp from "@openrouter-effect/client/OpenRouterHttp"
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Errors from "./internal/errors.js"
import * as Replay from "./internal/replay.js"
import * as Request from "./internal/request.js"
import * as ResponseParts from "./internal/response.js"
import * as Structured from "./internal/structured.js"

/**
 * Request fields sent as they are (sampling, `max_tokens`, `provider` routing, `plugins`,
 * `reasoning`, `models`, …): any field of OpenRouter's chat request except the ones a call sets
 * (`messages`, `tools`, `tool_choice`, `response_format`, `stream`). `model` picks the model.
 *
 * @since 0.1.0 @category Models
 */
export interface RequestFields {
  readonly model?: string | undefined
  readonly temperature?: number | undefined
  readonly top_p?: number | undefined
  readonly top_k?: number | undefined
  readonly max_tokens?: number | undefined
  readonly max_completion_tokens?: number | undefined
  readonly frequency_penalty?: number | undefined
  readonly presence_penalty?: number | undefined
  readonly repetition_penalty?: number | undefined
  readonly min_p?: number | undefined
  readonly top_a?: number | undefined
  readonly seed?: number | undefined
  readonly stop?: string | ReadonlyArray<string> | undefined
  readonly logit_bias?: Readonly<Record<string, number>> | undefined
  readonly logprobs?: boolean | undefined
  readonly top_logprobs?: number | undefined
  readonly parallel_tool_calls?: boolean | undefined
  readonly reasoning?: Readonly<Record<string, unknown>> | undefined
  readonly provider?: Readonly<Record<string, unknown>> | undefined
  readonly models?: ReadonlyArray<string> | undefined
  readonly plugins?: ReadonlyArray<Readonly<Record<string, unknown>>> | undefined
  readonly user?: string | undefined
  readonly session_id?: string | undefined
  readonly metadata?: Readonly<Record<string, string>> | undefined
  readonly modalities?: ReadonlyArray<string> | undefined
  readonly image_config?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The configuration of a model: request fields, and how our `Chat` call is made.
 *
 * @since 0.1.0 @category Models
 */
export interface ConfigService extends RequestFields {
  /** Options of the `Chat` call: thinking level, agent, extra headers, timeouts (not `model`). */
  readonly chat?: Omit<Chat.Options, "model"> | undefined
  /**
   * How `generateObject` asks for its object (see {@link StructuredOutputs}); default `"auto"`.
   */
  readonly structuredOutputs?: StructuredOutputs | undefined
}

/**
 * How `generateObject` asks for its object:
 *
 * - `"json_schema"` sends `response_format: {type: "json_schema", json_schema: {name, schema, strict?}}`;
 * - `"tool"` forces one tool named after the object, whose arguments are the object (for models
 *   without structured outputs);
 * - `"auto"` (the default) looks the call's model up in the client's `Models` catalogue
 *   (`Models.find` on the slug the call resolves to, as `Chat` does for the model's default
 *   thinking level): `"tool"` when the model says it has no structured outputs
 *   (`structuredOutputs: false`: `structured_outputs` missing from its `supported_parameters`)
 *   unless it also says it has no tools; `"json_schema"` otherwise, including when the model does
 *   not say (a bundled or unknown model), when the lookup fails (the catalogue falls back quietly),
 *   when `chat.catalog` is `"bundled"` (nothing is fetched), without a key (the call fails before
 *   any request anyway), and when the `Chat` in context was built without `Models` or
 *   `OpenRouterConfig` beside it. Only `generateObject` looks anything up, on the `Models`
 *   service `Chat` uses for thinking defaults: one `GET /models` per service (kept in memory, read
 *   from its disk cache when it has one; after a failure, again only after its cooldown).
 *
 * @since 0.1.0 @category Models
 */
export type StructuredOutputs = "auto" | "json_schema" | "tool"

/**
 * Configuration over the model's, for the calls of an effect ({@link withConfigOverride}).
 *
 * @since 0.1.0 @category Context
 */
export class Config extends Context.Tag("@openrouter-effect/ai/OpenRouterLanguageModel/Config")<Config, ConfigService>() {
  /** @since 0.1.0 */
  static readonly getOrUndefined: Effect.Effect<ConfigService | undefined> = Effect.map(
    Effect.context<never>(),
    (context) => context.unsafeMap.get(Config.key) as ConfigService | undefined
  )
}

/** @since 0.1.0 @category Models */
export interface Options {
  /** A model ref (`openai/gpt-4o`, `openrouter/anthropic/claude-sonnet-4.5`, an alias). */
  readonly model: string
  readonly config?: Omit<ConfigService, "model"> | undefined
}

const CHAT_URL = "https://openrouter.ai/api/v1/chat/completions"

const splitConfig = (config: ConfigService) => {
  const { chat, model, structuredOutputs, ...fields } = config
  return { chat, model, structuredOutputs: structuredOutputs ?? "auto", fields: fields as Request.Json }
}

/**
 * Maps one of our errors to the nearest `AiError` (the table is in the README): 4xx, 5xx and
 * in-band stream errors to `HttpResponseError` (`reason: "StatusCode"`, our tag, status, code,
 * message, request id and retry-after in `description`, the provider's raw error in `body`);
 * malformed responses to `HttpResponseError` (`"Decode"`); transport failures and our own timeouts
 * to `HttpRequestError` (`"Transport"`, our error as `cause`); refused input and config to
 * `MalformedInput`; a limit past which nothing was read to `UnknownError` (both with our error as
 * `cause`).
 *
 * @since 0.1.0 @category Errors
 */
export const toAiError = (
  error: OpenRouterError.OpenRouterError,
  options: { readonly method: string; readonly url?: string | undefined; readonly inBand?: boolean | undefined }
): AiError.AiError => Errors.toAiError(error, { method: options.method, url: options.url ?? CHAT_URL, inBand: options.inBand })

/**
 * Builds the `LanguageModel` over the `Chat` in context.
 *
 * @since 0.1.0 @category Constructors
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const chat = yield* Chat.Chat
  const url = Option.match(yield* Effect.serviceOption(OpenRouterHttp.OpenRouterHttp), {
    onNone: () => CHAT_URL,
    onSome: (http) => http.url("/chat/completions")
  })
  // For `structuredOutputs: "auto"`: the settings resolver and the catalogue `Chat` was built from
  // (both in the context of `OpenRouter.layer…`); without them the mode is json_schema.
  const settings = Option.getOrUndefined(yield* Effect.serviceOption(OpenRouterConfig.OpenRouterConfig))
  const models = Option.getOrUndefined(yield* Effect.serviceOption(Models.Models))
  const memory = Replay.make()
  const base: ConfigService = { model: options.model, ...options.config }

  // The call's model as `Chat` resolves it (the same resolution, cached by the config service),
  // then its entry in the catalogue; any failure is json_schema, and `Chat` reports it when it
  // resolves the call itself.
  const autoMode = (chatOptions: Chat.Options): Effect.Effect<Request.StructuredMode> => {
    if (settings === undefined || models === undefined || chatOptions.catalog === "bundled") {
      return Effect.succeed("json_schema")
    }
    return settings.chat({
      model: chatOptions.model,
      thinking: chatOptions.thinking,
      params: chatOptions.params,
      agentId: chatOptions.agentId
    }, { span: "caller" }).pipe(
      Effect.flatMap((resolved) =>
        // Without a key `Chat` fails before any request: no catalogue lookup for it either.
        Option.isNone(resolved.key.apiKey)
          ? Effect.succeed<Structured.Support | undefined>(undefined)
          : models.find(resolved.model.slug)
      ),
      Effect.map(Structured.modeFor),
      Effect.orElseSucceed((): Request.StructuredMode => "json_schema"),
      Effect.catchAllDefect(() => Effect.succeed<Request.StructuredMode>("json_schema"))
    )
  }

  const structuredMode = (setting: Structured.Setting, chatOptions: Chat.Options): Effect.Effect<Request.StructuredMode> =>
    (setting === "auto" ? autoMode(chatOptions) : Effect.succeed(setting)).pipe(
      Effect.tap((mode) => Effect.annotateCurrentSpan("openrouter.structured_outputs", mode))
    )

  const prepare = (providerOptions: LanguageModel.ProviderOptions) =>
    Effect.flatMap(Config.getOrUndefined, (override) => {
      const config = splitConfig(override === undefined ? base : { ...base, ...override })
      const chatOptions: Chat.Options = { ...config.chat, model: config.model }
      // Built (and so checked) before any lookup: a prompt that cannot be sent fetches nothing.
      const guess: Request.StructuredMode = config.structuredOutputs === "tool" ? "tool" : "json_schema"
      const built = Request.build(providerOptions, config.fields, guess, memory)
      if (built instanceof AiError.MalformedInput) return Effect.fail(built)
      // Only an object call has a mode to pick, and only it looks anything up.
      if (providerOptions.responseFormat.type !== "json") return Effect.succeed({ built, chatOptions })
      return Effect.map(structuredMode(config.structuredOutputs, chatOptions), (mode) => ({
        // the same prompt and tools in the other mode: it builds as the first did
        built: mode === guess ? built : Request.build(providerOptions, config.fields, mode, memory) as Request.Built,
        chatOptions
      }))
    })

  return yield* LanguageModel.make({
    generateText: (providerOptions) =>
      prepare(providerOptions).pipe(
        Effect.flatMap(({ built, chatOptions }) =>
          chat.complete(built.body as Chat.Request, chatOptions).pipe(
            Effect.mapError((error) => Errors.toAiError(error, { method: "generateText", url })),
            Effect.flatMap((completion) => {
              const parts = ResponseParts.fromCompletion(completion, built.objectTool, memory)
              return parts instanceof AiError.MalformedOutput ? Effect.fail(parts) : Effect.succeed(parts)
            })
          )
        )
      ),
    streamText: (providerOptions) =>
      Stream.unwrap(Effect.map(prepare(providerOptions), ({ built, chatOptions }) => {
        const converter = ResponseParts.streamConverter(memory)
        return chat.stream(built.body as Chat.Request, chatOptions).pipe(
          Stream.mapError((error) => Errors.toAiError(error, { method: "streamText", url, inBand: converter.started() })),
          Stream.mapChunks(converter.step),
          Stream.concat(Stream.suspend(() => {
            const end = converter.end()
            return end instanceof AiError.MalformedOutput ? Stream.fail(end) : Stream.fromIterable(end)
          }))
        )
      }))
  })
})

/**
 * The `LanguageModel` as a layer over the `Chat` in context (from `OpenRouter.layer…`).
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (options: Options): Layer.Layer<LanguageModel.LanguageModel, never, Chat.Chat> =>
  Layer.effect(LanguageModel.LanguageModel, make(options))

/**
 * The model as an `@effect/ai` `Model` (a layer that also names the provider, `"openrouter"`).
 *
 * @since 0.1.0 @category Constructors
 */
export const model = (
  model: string,
  config?: Omit<ConfigService, "model">
): AiModel.Model<"openrouter", LanguageModel.LanguageModel, Chat.Chat> =>
  AiModel.make("openrouter", layer({ model, config }))

/**
 * Runs an effect with configuration over the model's (request fields, `chat` options, the
 * structured-output mode, even `model`).
 *
 * @since 0.1.0 @category Configuration
 */
export const withConfigOverride: {
  (config: ConfigService): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, config: ConfigService): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, overrides: ConfigService): Effect.Effect<A, E, R> =>
    Effect.flatMap(Config.getOrUndefined, (config) => Effect.provideService(self, Config, { ...config, ...overrides }))
)
