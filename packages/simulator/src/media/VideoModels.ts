/**
 * The simulator's video model catalogue (`GET /videos/models`, openrouter-api.md §4.4) and the
 * check of a `POST /videos` body against a model's capabilities (§4.1): unknown model, durations,
 * resolutions, aspect ratios, sizes, frame images, audio, passthrough parameters.
 *
 * Each catalogue entry is in the `VideoModel` wire shape of the OpenAPI document, with every
 * required key present (`null` where a capability is not restricted or not offered).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Errors from "../Errors.js"
import type { Handler, Reply } from "../Types.js"

/** Every `resolution` the API knows. @since 0.1.0 @category Constants */
export const RESOLUTIONS = ["480p", "720p", "768p", "1080p", "1K", "2K", "4K"] as const

/** Every `aspect_ratio` the API knows. @since 0.1.0 @category Constants */
export const ASPECT_RATIOS = ["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "9:21"] as const

/** The frame slots an image can fill. @since 0.1.0 @category Constants */
export const FRAME_TYPES = ["first_frame", "last_frame"] as const

/** A `resolution` value. @since 0.1.0 @category Models */
export type Resolution = (typeof RESOLUTIONS)[number]

/** An `aspect_ratio` value. @since 0.1.0 @category Models */
export type AspectRatio = (typeof ASPECT_RATIOS)[number]

/** A `frame_type` value. @since 0.1.0 @category Models */
export type FrameType = (typeof FRAME_TYPES)[number]

/**
 * One entry of `GET /videos/models`, in the OpenAPI `VideoModel` shape.
 *
 * @since 0.1.0 @category Models
 */
export interface VideoModel {
  readonly id: string
  readonly canonical_slug: string
  readonly name: string
  readonly description: string
  readonly created: number
  readonly supported_resolutions: ReadonlyArray<Resolution> | null
  readonly supported_aspect_ratios: ReadonlyArray<AspectRatio> | null
  readonly supported_sizes: ReadonlyArray<string> | null
  readonly supported_durations: ReadonlyArray<number> | null
  readonly supported_frame_images: ReadonlyArray<FrameType> | null
  readonly generate_audio: boolean | null
  readonly seed: boolean | null
  readonly pricing_skus: Readonly<Record<string, string>> | null
  readonly allowed_passthrough_parameters: ReadonlyArray<string>
  readonly upscale_factor: { readonly min: number | null; readonly max: number | null } | null
  readonly creativity: ReadonlyArray<number> | null
  readonly hugging_face_id: string | null
}

const VEO_SIZES = ["1280x720", "720x1280", "1920x1080", "1080x1920"]
const VEO_PASSTHROUGH = ["personGeneration", "negativePrompt", "enhancePrompt"]

/**
 * The catalogue, in listing order.
 *
 * - `google/veo-3.1-fast` (OpenClaw's default): 4/6/8 s, 720p/1080p, 16:9 and 9:16, first and
 *   last frame, audio, seed.
 * - `google/veo-3.1` and `google/veo-3.1-lite`: the same capabilities at other prices (the models
 *   of the OpenAPI and reference examples).
 * - `kwaivgi/kling-v3.0-std`: 5/10 s, 16:9, 9:16 and 1:1, no frame images, no `size`, no audio.
 * - `minimax/hailuo-2.3`: 6/10 s, 768p/1080p, 16:9 only, a first frame only.
 *
 * @since 0.1.0 @category Constants
 */
export const catalogue: ReadonlyArray<VideoModel> = [
  {
    id: "google/veo-3.1-fast",
    canonical_slug: "google/veo-3.1-fast",
    name: "Google: Veo 3.1 Fast",
    description: "Veo 3.1 tuned for speed: text- and image-to-video with native audio.",
    created: 1773000000,
    supported_resolutions: ["720p", "1080p"],
    supported_aspect_ratios: ["16:9", "9:16"],
    supported_sizes: VEO_SIZES,
    supported_durations: [4, 6, 8],
    supported_frame_images: ["first_frame", "last_frame"],
    generate_audio: true,
    seed: true,
    pricing_skus: { "per-video-second": "0.15", "per-video-second-1080p": "0.20" },
    allowed_passthrough_parameters: VEO_PASSTHROUGH,
    upscale_factor: null,
    creativity: null,
    hugging_face_id: null
  },
  {
    id: "google/veo-3.1",
    canonical_slug: "google/veo-3.1",
    name: "Google: Veo 3.1",
    description: "Google's flagship video model: text- and image-to-video with native audio.",
    created: 1772000000,
    supported_resolutions: ["720p", "1080p"],
    supported_aspect_ratios: ["16:9", "9:16"],
    supported_sizes: VEO_SIZES,
    supported_durations: [4, 6, 8],
    supported_frame_images: ["first_frame", "last_frame"],
    generate_audio: true,
    seed: true,
    pricing_skus: { "per-video-second": "0.40", "per-video-second-1080p": "0.50" },
    allowed_passthrough_parameters: VEO_PASSTHROUGH,
    upscale_factor: null,
    creativity: null,
    hugging_face_id: null
  },
  {
    id: "google/veo-3.1-lite",
    canonical_slug: "google/veo-3.1-lite",
    name: "Google: Veo 3.1 Lite",
    description: "Fast, low-cost Veo 3.1 variant.",
    created: 1774000000,
    supported_resolutions: ["720p", "1080p"],
    supported_aspect_ratios: ["16:9", "9:16"],
    supported_sizes: VEO_SIZES,
    supported_durations: [4, 6, 8],
    supported_frame_images: ["first_frame", "last_frame"],
    generate_audio: true,
    seed: true,
    pricing_skus: { "per-video-second": "0.10", "per-video-second-1080p": "0.15" },
    allowed_passthrough_parameters: VEO_PASSTHROUGH,
    upscale_factor: null,
    creativity: null,
    hugging_face_id: null
  },
  {
    id: "kwaivgi/kling-v3.0-std",
    canonical_slug: "kwaivgi/kling-v3.0-std",
    name: "Kling: Kling v3.0 Standard",
    description: "Kling text-to-video at standard quality, including square output.",
    created: 1771000000,
    supported_resolutions: ["720p", "1080p"],
    supported_aspect_ratios: ["16:9", "9:16", "1:1"],
    supported_sizes: null,
    supported_durations: [5, 10],
    supported_frame_images: null,
    generate_audio: false,
    seed: false,
    pricing_skus: { "per-video-second": "0.084" },
    allowed_passthrough_parameters: ["negative_prompt", "cfg_scale"],
    upscale_factor: null,
    creativity: null,
    hugging_face_id: null
  },
  {
    id: "minimax/hailuo-2.3",
    canonical_slug: "minimax/hailuo-2.3",
    name: "MiniMax: Hailuo 2.3",
    description: "MiniMax Hailuo video generation, animating from a first frame.",
    created: 1770000000,
    supported_resolutions: ["768p", "1080p"],
    supported_aspect_ratios: ["16:9"],
    supported_sizes: null,
    supported_durations: [6, 10],
    supported_frame_images: ["first_frame"],
    generate_audio: null,
    seed: null,
    pricing_skus: { "per-video": "0.28", "per-video-1080p": "0.49" },
    allowed_passthrough_parameters: ["prompt_optimizer"],
    upscale_factor: null,
    creativity: null,
    hugging_face_id: null
  }
]

const byId = new Map(catalogue.map((model) => [model.id, model]))

/** The catalogue entry of a model id, if the simulator serves it. @since 0.1.0 @category Lookups */
export const find = (id: string): VideoModel | undefined => byId.get(id)

/** The provider a model's jobs are reported as served by. @since 0.1.0 @category Lookups */
export const providerOf = (id: string): string =>
  id.startsWith("google/") ? "Google Vertex" : id.startsWith("kwaivgi/") ? "Kling" : id.startsWith("minimax/") ? "MiniMax" : "OpenRouter"

/** `GET /videos/models`: `{"data": [VideoModel…]}`. @since 0.1.0 @category Handlers */
export const videoModels: Handler = () => ({ _tag: "json", status: 200, body: { data: catalogue } })

/**
 * A frame image of an accepted request.
 *
 * @since 0.1.0 @category Models
 */
export interface FrameImage {
  readonly frame_type: FrameType
  readonly url: string
}

/**
 * A `POST /videos` body that passed {@link check}: the fields as sent, plus the values the job
 * is priced with (`duration` filled with the model's longest duration when absent).
 *
 * @since 0.1.0 @category Models
 */
export interface VideoRequest {
  readonly model: string
  readonly prompt: string | undefined
  /** The duration the job runs with: the one sent, else the model's longest. */
  readonly duration: number
  readonly resolution: Resolution | undefined
  readonly aspectRatio: AspectRatio | undefined
  readonly size: string | undefined
  readonly frameImages: ReadonlyArray<FrameImage>
  readonly inputReferences: number
  readonly generateAudio: boolean
  readonly seed: number | undefined
  readonly callbackUrl: string | undefined
  readonly previousJobId: string | undefined
}

/** The `<id> is not a valid model ID` 400 of openrouter-api.md §12.8. @since 0.1.0 @category Errors */
export const unknownModel = (id: string): Reply =>
  Errors.error(400, `${id} is not a valid model ID`, {
    metadata: { error_type: "invalid_request" },
    availability: {
      code: "model_not_found",
      retryable: false,
      requested_models: [id],
      docs_url: "https://openrouter.ai/docs/errors#model_not_found"
    }
  })

/** A value as an error message shows it (JSON, at most 60 characters). @since 0.1.0 @category Utils */
export const show = (value: unknown): string => {
  let text: string
  try {
    text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const list = (values: ReadonlyArray<string | number> | null): string =>
  values === null || values.length === 0 ? "none" : values.join(", ")

const IMAGE_URL = /^(https:\/\/[^\s]+|data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+)$/i
const MEDIA_URL = /^(https:\/\/[^\s]+|data:[a-z]+\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+)$/i
const SIZE = /^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$/
const REFERENCE_TYPES = ["image_url", "audio_url", "video_url"] as const

/** Checks one enumerated field against the API's enum and the model's list. */
const enumerated = <A extends string>(
  field: string,
  value: unknown,
  known: ReadonlyArray<A>,
  supported: ReadonlyArray<A> | null,
  model: string
): Either.Either<A | undefined, string> => {
  if (value === undefined) return Either.right(undefined)
  if (typeof value !== "string" || !(known as ReadonlyArray<string>).includes(value)) {
    return Either.left(`${field} ${show(value)} is not a valid ${field}; supported: ${list(supported ?? known)}`)
  }
  if (supported !== null && !(supported as ReadonlyArray<string>).includes(value)) {
    return Either.left(`${field} ${value} is not supported by ${model}; supported: ${list(supported)}`)
  }
  return Either.right(value as A)
}

const frameImagesOf = (value: unknown, model: VideoModel): Either.Either<ReadonlyArray<FrameImage>, string> => {
  if (value === undefined) return Either.right([])
  if (!Array.isArray(value)) return Either.left(`frame_images must be an array, got ${show(value)}`)
  const supported = model.supported_frame_images ?? []
  const images: Array<FrameImage> = []
  for (const [index, item] of value.entries()) {
    const at = `frame_images[${index}]`
    if (!isRecord(item)) return Either.left(`${at} must be an object, got ${show(item)}`)
    if (item["type"] !== "image_url") return Either.left(`${at}.type ${show(item["type"])} is not valid; supported: image_url`)
    const imageUrl = item["image_url"]
    const url = isRecord(imageUrl) ? imageUrl["url"] : undefined
    if (typeof url !== "string" || !IMAGE_URL.test(url)) {
      return Either.left(`${at}.image_url.url ${show(url)} is not valid; supported: an https URL or a data:image/...;base64 URL`)
    }
    const frameType = item["frame_type"]
    if (typeof frameType !== "string" || !(FRAME_TYPES as ReadonlyArray<string>).includes(frameType)) {
      return Either.left(`${at}.frame_type ${show(frameType)} is not valid; supported: ${FRAME_TYPES.join(", ")}`)
    }
    if (!(supported as ReadonlyArray<string>).includes(frameType)) {
      return Either.left(`frame_type ${frameType} is not supported by ${model.id}; supported: ${list(supported)}`)
    }
    if (images.some((image) => image.frame_type === frameType)) {
      return Either.left(`frame_images has more than one ${frameType}; each frame_type may appear once`)
    }
    images.push({ frame_type: frameType as FrameType, url })
  }
  return Either.right(images)
}

const tooManyFrames = (value: unknown, model: VideoModel): string | undefined => {
  const supported = model.supported_frame_images ?? []
  if (Array.isArray(value) && supported.length > 0 && value.length > supported.length) {
    return `frame_images has ${value.length} images; ${model.id} accepts at most ${supported.length} (${list(supported)})`
  }
  return undefined
}

const inputReferencesOf = (value: unknown): Either.Either<number, string> => {
  if (value === undefined) return Either.right(0)
  if (!Array.isArray(value)) return Either.left(`input_references must be an array, got ${show(value)}`)
  for (const [index, item] of value.entries()) {
    const at = `input_references[${index}]`
    if (!isRecord(item)) return Either.left(`${at} must be an object, got ${show(item)}`)
    const type = item["type"]
    if (typeof type !== "string" || !(REFERENCE_TYPES as ReadonlyArray<string>).includes(type)) {
      return Either.left(`${at}.type ${show(type)} is not valid; supported: ${REFERENCE_TYPES.join(", ")}`)
    }
    const part = item[type]
    const url = isRecord(part) ? part["url"] : undefined
    if (typeof url !== "string" || !MEDIA_URL.test(url)) {
      return Either.left(`${at}.${type}.url ${show(url)} is not valid; supported: an https URL or a base64 data URL`)
    }
  }
  return Either.right(value.length)
}

const passthroughOf = (value: unknown, model: VideoModel): string | undefined => {
  if (value === undefined) return undefined
  if (!isRecord(value)) return `provider must be an object, got ${show(value)}`
  const options = value["options"]
  if (options === undefined) return undefined
  if (!isRecord(options)) return `provider.options must be an object, got ${show(options)}`
  for (const [slug, settings] of Object.entries(options)) {
    if (!isRecord(settings)) return `provider.options.${slug} must be an object, got ${show(settings)}`
    const parameters = settings["parameters"]
    if (parameters === undefined) continue
    if (!isRecord(parameters)) return `provider.options.${slug}.parameters must be an object, got ${show(parameters)}`
    for (const name of Object.keys(parameters)) {
      if (!model.allowed_passthrough_parameters.includes(name)) {
        return `provider.options.${slug}.parameters.${name} is not an allowed passthrough parameter for ${model.id}; allowed: ${
          list(model.allowed_passthrough_parameters)
        }`
      }
    }
  }
  return undefined
}

/**
 * Checks a `POST /videos` body against the catalogue: `Right` with the accepted request, or
 * `Left` with the 400 reply (OpenRouter's error body; the message names the field, the value sent
 * and what the model allows). Never throws, whatever the body.
 *
 * @since 0.1.0 @category Validation
 */
export const check = (body: unknown): Either.Either<VideoRequest, Reply> => {
  const fail = (message: string) => Either.left(Errors.invalidRequest(message))
  if (!isRecord(body)) return fail(`Request body must be a JSON object, got ${show(body)}`)
  const modelId = body["model"]
  if (typeof modelId !== "string" || modelId.trim() === "") return fail(`model is required, got ${show(modelId)}`)
  const model = find(modelId)
  if (model === undefined) return Either.left(unknownModel(modelId))

  const frameValue = body["frame_images"]
  const hasFrames = Array.isArray(frameValue) && frameValue.length > 0
  const prompt = body["prompt"]
  if (prompt !== undefined && typeof prompt !== "string") return fail(`prompt must be a string, got ${show(prompt)}`)
  if ((prompt === undefined || prompt.trim() === "") && !hasFrames) {
    return fail(`prompt is required by ${model.id} unless frame_images are given`)
  }

  const duration = body["duration"]
  if (duration !== undefined) {
    if (typeof duration !== "number" || !Number.isInteger(duration) || duration < 1) {
      return fail(`duration must be an integer >= 1, got ${show(duration)}`)
    }
    if (model.supported_durations !== null && !model.supported_durations.includes(duration)) {
      return fail(`duration ${duration} is not supported by ${model.id}; supported: ${list(model.supported_durations)}`)
    }
  }

  const resolution = enumerated("resolution", body["resolution"], RESOLUTIONS, model.supported_resolutions, model.id)
  if (Either.isLeft(resolution)) return fail(resolution.left)
  const aspectRatio = enumerated("aspect_ratio", body["aspect_ratio"], ASPECT_RATIOS, model.supported_aspect_ratios, model.id)
  if (Either.isLeft(aspectRatio)) return fail(aspectRatio.left)

  const size = body["size"]
  if (size !== undefined) {
    if (typeof size !== "string" || !SIZE.test(size)) {
      return fail(`size ${show(size)} is not valid; supported: WIDTHxHEIGHT, e.g. 1280x720`)
    }
    if (model.supported_sizes === null) {
      return fail(`size ${size} is not supported by ${model.id}; supported: none (use resolution and aspect_ratio)`)
    }
    if (!model.supported_sizes.includes(size)) {
      return fail(`size ${size} is not supported by ${model.id}; supported: ${list(model.supported_sizes)}`)
    }
  }

  const tooMany = tooManyFrames(frameValue, model)
  if (tooMany !== undefined) return fail(tooMany)
  const frameImages = frameImagesOf(frameValue, model)
  if (Either.isLeft(frameImages)) return fail(frameImages.left)
  const inputReferences = inputReferencesOf(body["input_references"])
  if (Either.isLeft(inputReferences)) return fail(inputReferences.left)

  const generateAudio = body["generate_audio"]
  if (generateAudio !== undefined && typeof generateAudio !== "boolean") {
    return fail(`generate_audio must be a boolean, got ${show(generateAudio)}`)
  }
  if (generateAudio === true && model.generate_audio !== true) {
    return fail(`generate_audio true is not supported by ${model.id}; supported: false`)
  }

  const seed = body["seed"]
  if (seed !== undefined && (typeof seed !== "number" || !Number.isSafeInteger(seed))) {
    return fail(`seed must be an integer, got ${show(seed)}`)
  }

  const callbackUrl = body["callback_url"]
  if (callbackUrl !== undefined) {
    if (typeof callbackUrl !== "string" || !URL.canParse(callbackUrl) || new URL(callbackUrl).protocol !== "https:") {
      return fail(`callback_url ${show(callbackUrl)} is not valid; supported: an https URL`)
    }
  }

  const passthrough = passthroughOf(body["provider"], model)
  if (passthrough !== undefined) return fail(passthrough)

  for (const field of ["upscale_factor", "creativity"] as const) {
    const capability = field === "upscale_factor" ? model.upscale_factor : model.creativity
    if (body[field] !== undefined && capability === null) {
      return fail(`${field} ${show(body[field])} is not supported by ${model.id}; supported: upscaling models only`)
    }
  }

  const previousJobId = body["previous_job_id"]
  if (previousJobId !== undefined && (typeof previousJobId !== "string" || previousJobId === "")) {
    return fail(`previous_job_id must be a non-empty string, got ${show(previousJobId)}`)
  }

  return Either.right({
    model: model.id,
    prompt,
    duration: duration ?? defaultDuration(model),
    resolution: resolution.right,
    aspectRatio: aspectRatio.right,
    size,
    frameImages: frameImages.right,
    inputReferences: inputReferences.right,
    generateAudio: generateAudio ?? model.generate_audio === true,
    seed,
    callbackUrl,
    previousJobId
  })
}

/** The duration a job runs with when the request names none: the model's longest. @since 0.1.0 @category Lookups */
export const defaultDuration = (model: VideoModel): number =>
  model.supported_durations !== null && model.supported_durations.length > 0 ? Math.max(...model.supported_durations) : 8

/**
 * What a job costs: the model's per-second SKU (the resolution-specific one when there is one)
 * times the duration, or its per-video SKU; rounded to 6 decimals.
 *
 * @since 0.1.0 @category Pricing
 */
export const cost = (request: VideoRequest): number => {
  const model = find(request.model)
  const skus = model?.pricing_skus ?? {}
  const resolution = request.resolution ?? resolutionOfSize(request.size) ?? model?.supported_resolutions?.[0]
  const price = (sku: string): number | undefined => {
    const value = (resolution !== undefined ? skus[`${sku}-${resolution}`] : undefined) ?? skus[sku]
    return value !== undefined && Number.isFinite(Number(value)) ? Number(value) : undefined
  }
  const perSecond = price("per-video-second")
  const total = perSecond !== undefined ? perSecond * request.duration : price("per-video") ?? 0
  return Math.round(total * 1e6) / 1e6
}

const resolutionOfSize = (size: string | undefined): string | undefined => {
  const match = size !== undefined ? SIZE.exec(size) : null
  if (match === null) return undefined
  return `${Math.min(Number(match[1]), Number(match[2]))}p`
}
