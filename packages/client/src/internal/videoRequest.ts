/**
 * The machinery of `VideoRequest`: the catalogue reader, the duration snapping and the
 * `POST /videos` body builder, with their checks. Pure; nothing here throws.
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Predicate from "effect/Predicate"
import type { SubmitOptions, VideoCapabilities } from "../VideoRequest.js"

/** The durations assumed when a model's supported durations are unknown. */
export const fallbackDurations: ReadonlyArray<number> = [4, 6, 8]

export const asRecord = (u: unknown): Record<string, unknown> | undefined =>
  Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined

export const nonEmptyString = (u: unknown): string | undefined =>
  typeof u === "string" && u.trim() !== "" ? u : undefined

const strings = (u: unknown): Array<string> =>
  Array.isArray(u) ? u.filter((s): s is string => typeof s === "string" && s.trim() !== "").map((s) => s.trim()) : []

const dedupe = <A>(values: ReadonlyArray<A>): Array<A> => Array.from(new Set(values))

const isFrameType = (u: unknown): u is "first_frame" | "last_frame" => u === "first_frame" || u === "last_frame"

const fromCatalogEntry = (id: string, entry: Record<string, unknown>): VideoCapabilities => {
  const durations = Array.isArray(entry.supported_durations)
    ? dedupe(entry.supported_durations.filter((d): d is number => typeof d === "number" && Number.isFinite(d)))
    : []
  const frameImages = Array.isArray(entry.supported_frame_images)
    ? dedupe(entry.supported_frame_images.filter(isFrameType))
    : []
  return {
    model: id,
    durations,
    resolutions: dedupe(strings(entry.supported_resolutions).map((r) => r.toUpperCase())),
    aspectRatios: dedupe(strings(entry.supported_aspect_ratios)),
    sizes: dedupe(strings(entry.supported_sizes)),
    supportsAudio: entry.generate_audio === true,
    frameImages,
    maxInputImages: frameImages.length
  }
}

export const capabilitiesFromCatalog = (body: unknown): ReadonlyMap<string, VideoCapabilities> => {
  const result = new Map<string, VideoCapabilities>()
  const data = asRecord(body)?.data
  if (!Array.isArray(data)) return result
  for (const item of data) {
    const entry = asRecord(item)
    if (entry === undefined) continue
    const id = nonEmptyString(entry.id)?.trim()
    if (id === undefined || result.has(id)) continue
    result.set(id, fromCatalogEntry(id, entry))
  }
  return result
}

export const snapDuration = (requested: number, supported: ReadonlyArray<number>): number | undefined => {
  if (typeof requested !== "number" || !Number.isFinite(requested)) return undefined
  const finite = supported.filter((d) => typeof d === "number" && Number.isFinite(d))
  if (Number.isInteger(requested) && finite.includes(requested)) return requested
  const target = Math.max(1, Math.round(requested))
  let best: number | undefined
  for (const candidate of finite) {
    if (best === undefined) {
      best = candidate
      continue
    }
    const distance = Math.abs(candidate - target)
    const bestDistance = Math.abs(best - target)
    if (distance < bestDistance || (distance === bestDistance && candidate > best)) best = candidate
  }
  return best
}

const badInput = (
  field: string,
  message: string,
  value?: string,
  allowed?: ReadonlyArray<string>
): OpenRouterError.BadInput =>
  new OpenRouterError.BadInput({
    message,
    field,
    ...(value !== undefined ? { value } : {}),
    ...(allowed !== undefined ? { allowed: [...allowed] } : {})
  })

const K_RESOLUTION = /^[124]k$/i

/** `720P` → `720p`; `1K` / `2K` / `4K` stay upper-case. */
const wireResolution = (resolution: string): string =>
  K_RESOLUTION.test(resolution) ? resolution.toUpperCase() : resolution.toLowerCase()

const trimmedOption = (u: unknown): string | undefined => (typeof u === "string" && u.trim() !== "" ? u.trim() : undefined)

const checkAllowed = (
  field: string,
  label: string,
  value: string,
  allowedRaw: unknown,
  model: string
): OpenRouterError.BadInput | undefined => {
  const allowed = strings(allowedRaw)
  if (allowed.length === 0) return undefined
  const lower = value.toLowerCase()
  if (allowed.some((a) => a.toLowerCase() === lower)) return undefined
  return badInput(
    field,
    `${label} ${JSON.stringify(value)} is not supported by ${model}; supported: ${allowed.join(", ")}`,
    value,
    allowed
  )
}

interface ImageUrlEntry {
  readonly type: "image_url"
  readonly image_url: { readonly url: string }
}

const imageUrl = (image: unknown): string | undefined => {
  const record = asRecord(image)
  if (record === undefined) return undefined
  if (record.bytes instanceof Uint8Array) {
    const mime = trimmedOption(record.mimeType) ?? "image/png"
    return `data:${mime};base64,${Encoding.encodeBase64(record.bytes)}`
  }
  return trimmedOption(record.url)
}

const MISSING_IMAGE = "OpenRouter video generation requires image references to include a URL or buffer."

export const submitBody = (
  model: string,
  options: SubmitOptions,
  capabilities: VideoCapabilities | undefined
): Either.Either<Record<string, unknown>, OpenRouterError.BadInput> => {
  const o: Record<string, unknown> = asRecord(options) ?? {}
  const caps = asRecord(capabilities)
  const modelId = trimmedOption(model)
  if (modelId === undefined) return Either.left(badInput("model", "OpenRouter video generation requires a model"))

  const videos = o.videos
  if (videos !== undefined && videos !== null && (!Array.isArray(videos) || videos.length > 0)) {
    return Either.left(badInput("videos", "OpenRouter video generation does not support video reference inputs."))
  }

  const aspectRatio = trimmedOption(o.aspectRatio)
  const resolution = trimmedOption(o.resolution)
  if (caps !== undefined) {
    if (aspectRatio !== undefined) {
      const error = checkAllowed("aspectRatio", "Aspect ratio", aspectRatio, caps.aspectRatios, modelId)
      if (error !== undefined) return Either.left(error)
    }
    if (resolution !== undefined) {
      const error = checkAllowed("resolution", "Resolution", resolution, caps.resolutions, modelId)
      if (error !== undefined) return Either.left(error)
    }
  }

  let duration: number | undefined
  if (typeof o.duration === "number") {
    const known = Array.isArray(caps?.durations)
      ? caps.durations.filter((d): d is number => typeof d === "number" && Number.isFinite(d))
      : []
    duration = snapDuration(o.duration, known.length > 0 ? known : fallbackDurations)
  }

  const frames: { first_frame?: ImageUrlEntry; last_frame?: ImageUrlEntry } = {}
  const references: Array<ImageUrlEntry> = []
  const images = o.images
  if (images !== undefined && images !== null) {
    if (!Array.isArray(images)) {
      return Either.left(badInput("images", "OpenRouter video generation images must be a list"))
    }
    for (const image of images) {
      const url = imageUrl(image)
      if (url === undefined) return Either.left(badInput("images", MISSING_IMAGE))
      const entry: ImageUrlEntry = { type: "image_url", image_url: { url } }
      const role = asRecord(image)?.role
      const slot: "first_frame" | "last_frame" | undefined = role === "reference_image"
        ? undefined
        : role === "first_frame" || role === "last_frame"
        ? role
        : frames.first_frame === undefined
        ? "first_frame"
        : "last_frame"
      if (slot !== undefined && frames[slot] === undefined) frames[slot] = entry
      else references.push(entry)
    }
  }
  const frameImages = (["first_frame", "last_frame"] as const).flatMap((slot) => {
    const entry = frames[slot]
    return entry === undefined ? [] : [{ ...entry, frame_type: slot }]
  })

  const seed = o.seed
  if (typeof seed === "number" && !Number.isSafeInteger(seed)) {
    return Either.left(badInput("seed", "OpenRouter video seed must be an integer", String(seed)))
  }

  const prompt = typeof o.prompt === "string" && o.prompt.trim() !== "" ? o.prompt : undefined
  const callbackUrl = trimmedOption(o.callbackUrl)
  const provider = asRecord(o.provider)

  const body: Record<string, unknown> = { model: modelId }
  if (prompt !== undefined) body.prompt = prompt
  if (duration !== undefined) body.duration = duration
  if (resolution !== undefined) body.resolution = wireResolution(resolution)
  if (aspectRatio !== undefined) body.aspect_ratio = aspectRatio
  const size = trimmedOption(o.size)
  if (size !== undefined) body.size = size
  if (typeof o.audio === "boolean") body.generate_audio = o.audio
  if (frameImages.length > 0) body.frame_images = frameImages
  if (references.length > 0) body.input_references = references
  if (callbackUrl !== undefined) body.callback_url = callbackUrl
  if (typeof seed === "number") body.seed = seed
  if (provider !== undefined) body.provider = provider
  return Either.right(body)
}
