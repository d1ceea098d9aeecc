/**
 * Image generation through chat completions (reference §12): `modalities: ["image", "text"]`,
 * `n` clamped to 1–4, `image_config` for Gemini models only, values checked against the model's
 * capabilities before any request, input images (edits) as data URLs, strict extraction of the
 * images from the response, and the `billable-post` retry class: a request the server may have
 * accepted is never repeated.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Secret from "@openrouter-effect/core/Secret"
import type * as Settings from "@openrouter-effect/core/Settings"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ImageExtraction from "./ImageExtraction.js"
import { readText } from "./internal/jsonBody.js"
import { checkTimeoutMs } from "./internal/timeouts.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import * as OutputFile from "./OutputFile.js"
import { type ExecuteError, OpenRouterHttp } from "./OpenRouterHttp.js"

/** The models of §12.1. @since 0.1.0 @category Constants */
export const models: ReadonlyArray<string> = [
  "google/gemini-3.1-flash-image-preview",
  "google/gemini-3-pro-image-preview",
  "openai/gpt-5.4-image-2"
]

/** The aspect ratios of §12.2. @since 0.1.0 @category Constants */
export const aspectRatios: ReadonlyArray<string> = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"]

/** The resolutions of §12.2. @since 0.1.0 @category Constants */
export const resolutions: ReadonlyArray<string> = ["1K", "2K", "4K"]

/** What a model accepts. @since 0.1.0 @category Models */
export interface Capabilities {
  readonly aspectRatios: ReadonlyArray<string>
  readonly resolutions: ReadonlyArray<string>
  readonly maxCount: number
  readonly maxInputImages: number
}

const standard: Capabilities = { aspectRatios, resolutions, maxCount: 4, maxInputImages: 5 }

/**
 * The capabilities of a known image model; `undefined` for any other model, whose values pass
 * through for the server to judge. `gemini-3.1-flash-image` also takes the extreme ratios and
 * `0.5K`.
 *
 * @since 0.1.0 @category Capabilities
 */
export const capabilitiesOf = (slug: string): Capabilities | undefined => {
  if (slug.startsWith("google/gemini-3.1-flash-image")) {
    return { ...standard, aspectRatios: [...aspectRatios, "1:4", "4:1", "1:8", "8:1"], resolutions: ["0.5K", ...resolutions] }
  }
  return models.includes(slug) ? standard : undefined
}

/** An input image for an edit: bytes with their type, or a data URL. @since 0.1.0 @category Models */
export type InputImage = { readonly bytes: Uint8Array; readonly mimeType?: string } | { readonly dataUrl: string }

/** @since 0.1.0 @category Models */
export interface GenerateOptions {
  readonly prompt: string
  /** A model ref; default `agents.defaults.imageGenerationModel.primary`, else `google/gemini-3.1-flash-image-preview`. */
  readonly model?: string | undefined
  /** Images wanted, clamped to 1–4. */
  readonly count?: number | undefined
  readonly aspectRatio?: string | undefined
  readonly resolution?: string | undefined
  /** Images to edit, at most 5. */
  readonly inputImages?: ReadonlyArray<InputImage> | undefined
  /**
   * Wins over `imageGenerationModel.timeoutMs`, which wins over 180 s. At most 2^31 - 1 ms (about
   * 24.8 days): a longer one is a `BadInput` before any request.
   */
  readonly timeoutMs?: number | undefined
}

/** @since 0.1.0 @category Models */
export interface Generated {
  readonly images: ReadonlyArray<ImageExtraction.GeneratedImage>
  readonly model: string
}

/** @since 0.1.0 @category Models */
export type ImagesError = ExecuteError | Settings.ResolveError | OpenRouterError.BadInput

/** The request body and headers, before sending. @since 0.1.0 @category Models */
export interface Prepared {
  readonly url: string
  readonly body: Readonly<Record<string, unknown>>
  readonly headers: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly model: string
  /** The settings resolved for the call: where it goes and with which key. */
  readonly settings: Settings.Media
}

/** @since 0.1.0 @category Models */
export interface Service {
  readonly prepare: (options: GenerateOptions) => Effect.Effect<Prepared, Settings.ResolveError | OpenRouterError.BadInput>
  readonly generate: (options: GenerateOptions) => Effect.Effect<Generated, ImagesError>
}

/** @since 0.1.0 @category Context */
export class Images extends Context.Tag("@openrouter-effect/client/Images")<Images, Service>() {}

const badInput = (field: string, value: string, allowed: ReadonlyArray<string>, model: string) =>
  new OpenRouterError.BadInput({
    field,
    value,
    allowed,
    message: `${field} ${JSON.stringify(value)} is not supported by ${model}: use one of ${allowed.join(", ")}`
  })

/**
 * `n` for a requested count: truncated and clamped to 1–4; missing or non-finite gives 1.
 *
 * @since 0.1.0 @category Requests
 */
export const countOf = (count: number | undefined): number =>
  count === undefined || !Number.isFinite(count) ? 1 : Math.min(4, Math.max(1, Math.trunc(count)))

const dataUrlOf = (image: InputImage): string =>
  "dataUrl" in image ? image.dataUrl : `data:${image.mimeType ?? "image/png"};base64,${Buffer.from(image.bytes).toString("base64")}`

/**
 * The request body of §12.3 for a model slug and checked options.
 *
 * @since 0.1.0 @category Requests
 */
export const body = (slug: string, options: GenerateOptions): Either.Either<Record<string, unknown>, OpenRouterError.BadInput> => {
  const capabilities = capabilitiesOf(slug)
  const aspectRatio = options.aspectRatio?.trim()
  const resolution = options.resolution?.trim()
  if (capabilities !== undefined) {
    if (aspectRatio !== undefined && aspectRatio !== "" && !capabilities.aspectRatios.includes(aspectRatio)) {
      return Either.left(badInput("aspectRatio", aspectRatio, capabilities.aspectRatios, slug))
    }
    if (resolution !== undefined && resolution !== "" && !capabilities.resolutions.includes(resolution)) {
      return Either.left(badInput("resolution", resolution, capabilities.resolutions, slug))
    }
  }
  const inputs = options.inputImages ?? []
  const maxInputs = capabilities?.maxInputImages ?? 5
  if (inputs.length > maxInputs) {
    return Either.left(
      new OpenRouterError.BadInput({
        field: "inputImages",
        value: String(inputs.length),
        message: `${inputs.length} input images given; ${slug} takes at most ${maxInputs}`
      })
    )
  }
  const content = inputs.length === 0
    ? options.prompt
    : [{ type: "text", text: options.prompt }, ...inputs.map((image) => ({ type: "image_url", image_url: { url: dataUrlOf(image) } }))]
  const imageConfig: Record<string, string> = {}
  if (slug.startsWith("google/gemini-")) {
    if (aspectRatio !== undefined && aspectRatio !== "") imageConfig.aspect_ratio = aspectRatio
    if (resolution !== undefined && resolution !== "") imageConfig.image_size = resolution
  }
  return Either.right({
    model: slug,
    messages: [{ role: "user", content }],
    modalities: ["image", "text"],
    n: countOf(options.count),
    ...(Object.keys(imageConfig).length > 0 ? { image_config: imageConfig } : {})
  })
}

/**
 * Builds the service.
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<Service, never, OpenRouterConfig | OpenRouterHttp> = Effect.gen(function*() {
  const config = yield* OpenRouterConfig
  const http = yield* OpenRouterHttp

  const prepare: Service["prepare"] = (options) =>
    Effect.gen(function*() {
      // A timer holds at most 2^31 - 1 ms: a longer timeout would fire at once.
      const timeoutMs = yield* checkTimeoutMs("timeoutMs", options.timeoutMs)
      const media = yield* config.media({ kind: "image", model: options.model, timeoutMs })
      const requestBody = yield* body(media.model.slug, options)
      const headers = {
        ...HeaderPolicy.headers({ route: media.route, configured: media.headers, identity: config.identity }),
        "content-type": "application/json"
      }
      return {
        url: http.url("/chat/completions", media),
        body: requestBody,
        headers,
        timeoutMs: media.timeoutMs,
        model: media.model.slug,
        settings: media
      }
    })

  const generate: Service["generate"] = Effect.fn("Images.generate")(function*(options: GenerateOptions) {
      const prepared = yield* prepare(options)
      yield* Effect.annotateCurrentSpan({ "openrouter.model": prepared.model, "openrouter.route": prepared.settings.route.endpointClass })
      const timeout = Duration.millis(prepared.timeoutMs)
      return yield* Effect.gen(function*() {
        const response = yield* http.execute(
          HttpClientRequest.post(prepared.url).pipe(
            HttpClientRequest.setHeaders(prepared.headers),
            HttpClientRequest.bodyText(JSON.stringify(prepared.body), "application/json")
          ),
          { retryClass: "billable-post", target: prepared.settings, timeout, operation: "images.generate" }
        )
        const requestId = response.headers["x-request-id"] ?? response.headers["request-id"] ?? response.headers["x-generation-id"]
        // At most `jsonBodyBytes` of the `Limits` in force (`LimitExceeded` past it).
        const text = yield* readText(response, { what: "the image response" }).pipe(
          Effect.mapError((error) =>
            error._tag === "LimitExceeded"
              ? error
              : new OpenRouterError.TransportError({ message: `Reading the image response failed: ${error.message}`, phase: "response", cause: error })
          )
        )
        let parsed: unknown
        try {
          parsed = JSON.parse(text)
        } catch {
          return yield* Effect.fail(
            new OpenRouterError.MalformedResponse({
              message: `OpenRouter image generation response malformed${requestId !== undefined ? ` [request_id=${requestId}]` : ""}`,
              body: Secret.redactSecrets(text.slice(0, 500))
            })
          )
        }
        const images = yield* ImageExtraction.extract(parsed, requestId)
        const model = typeof (parsed as { model?: unknown }).model === "string" ? (parsed as { model: string }).model : prepared.model
        return { images, model }
      }).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new OpenRouterError.Timeout({
              message: `OpenRouter image generation timed out after ${prepared.timeoutMs}ms`,
              source: "client",
              timeoutMs: prepared.timeoutMs
            })
        })
      )
    })

  return { prepare, generate }
})

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<Images, never, OpenRouterConfig | OpenRouterHttp> = Layer.effect(Images, make)

/**
 * Writes images into a directory (created when missing), each atomically: a temporary file in the
 * same directory, then a rename, so a reader never sees half an image. An existing file is kept:
 * the image takes the next free name (`image-1-2.png`) unless `force` is given. Answers the paths
 * written.
 *
 * @since 0.1.0 @category Files
 */
export const save = (
  images: ReadonlyArray<ImageExtraction.GeneratedImage>,
  directory: string,
  options: OutputFile.Options = {}
): Effect.Effect<ReadonlyArray<string>, OpenRouterError.BadInput, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    yield* OutputFile.checkDirectory(directory, "directory")
    const paths: Array<string> = []
    for (const image of images) {
      paths.push(yield* OutputFile.save(`${directory.replace(/\/+$/, "") || "/"}/${image.fileName}`, image.bytes, options, "directory"))
    }
    return paths
  }).pipe(Effect.withSpan("Images.save", { captureStackTrace: false }))
