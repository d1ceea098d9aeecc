/**
 * The pure parts of OpenRouter video generation (`/videos`): a model's capabilities (bundled, or
 * read from `GET /videos/models`), the `POST /videos` body with every check that must happen
 * before a request, and the validation of a job payload returned by submit and poll.
 *
 * Nothing here performs I/O and nothing throws: failures are returned as
 * {@link OpenRouterError.BadInput} (the request would be refused before sending it) or
 * {@link OpenRouterError.MalformedResponse} (a job payload we cannot use).
 *
 * @since 0.1.0
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Either from "effect/Either"
import * as internal from "./internal/videoRequest.js"

/**
 * What a video model accepts. Resolutions are kept in their upper-case form (`"720P"`).
 *
 * @since 0.1.0 @category Models
 */
export interface VideoCapabilities {
  readonly model: string
  readonly durations: ReadonlyArray<number>
  readonly resolutions: ReadonlyArray<string>
  readonly aspectRatios: ReadonlyArray<string>
  readonly sizes: ReadonlyArray<string>
  readonly supportsAudio: boolean
  readonly frameImages: ReadonlyArray<"first_frame" | "last_frame">
  readonly maxInputImages: number
}

/**
 * The video model used when none is given.
 *
 * @since 0.1.0 @category Constants
 */
export const defaultModel = "google/veo-3.1-fast"

/**
 * The capabilities of {@link defaultModel}, used when the live catalog is not available.
 *
 * @since 0.1.0 @category Constants
 */
export const bundled: VideoCapabilities = {
  model: defaultModel,
  durations: [4, 6, 8],
  resolutions: ["720P", "1080P"],
  aspectRatios: ["16:9", "9:16"],
  sizes: [],
  supportsAudio: true,
  frameImages: ["first_frame", "last_frame"],
  maxInputImages: 4
}

/**
 * The durations assumed when a model's supported durations are unknown.
 *
 * @since 0.1.0 @category Constants
 */
export const fallbackDurations: ReadonlyArray<number> = internal.fallbackDurations

/**
 * Reads the body of `GET /videos/models` (`{"data":[VideoModel…]}`) into capabilities by model id.
 * Entries are de-duplicated by `id` (the first wins); durations keep the finite numbers;
 * resolutions are upper-cased; frame images keep only `first_frame` / `last_frame`, de-duplicated,
 * and `maxInputImages` is their count. Entries that are not objects or have no `id` are skipped; a
 * body of any other shape gives an empty map. Never throws.
 *
 * @since 0.1.0 @category Parsing
 */
export const capabilitiesFromCatalog: (body: unknown) => ReadonlyMap<string, VideoCapabilities> = internal.capabilitiesFromCatalog

/**
 * Snaps a requested duration (seconds) to a supported one: a non-finite request gives
 * `undefined`; an integer that is in the list is kept; otherwise the supported value nearest to
 * `max(1, round(requested))` is used, ties going to the larger value. An empty list (or one with
 * no finite value) gives `undefined`.
 *
 * @since 0.1.0 @category Durations
 */
export const snapDuration: (requested: number, supported: ReadonlyArray<number>) => number | undefined = internal.snapDuration

/**
 * An input image: bytes (sent as a `data:` URL with `mimeType`, default `image/png`) or a URL,
 * and an optional role.
 *
 * @since 0.1.0 @category Models
 */
export interface VideoInputImage {
  readonly bytes?: Uint8Array
  readonly mimeType?: string
  readonly url?: string
  readonly role?: "first_frame" | "last_frame" | "reference_image"
}

/**
 * Options of a video generation request.
 *
 * @since 0.1.0 @category Models
 */
export interface SubmitOptions {
  readonly prompt: string
  readonly model?: string
  readonly duration?: number
  readonly resolution?: string
  readonly aspectRatio?: string
  readonly size?: string
  readonly audio?: boolean
  readonly images?: ReadonlyArray<VideoInputImage>
  readonly videos?: ReadonlyArray<unknown>
  readonly seed?: number
  readonly callbackUrl?: string
  readonly provider?: Readonly<Record<string, unknown>>
  readonly timeoutMs?: number
}

/**
 * Builds the `POST /videos` body, checking everything that must be refused before a request:
 *
 * - any `videos` → BadInput (video reference inputs are not supported);
 * - with known capabilities, an aspect ratio or resolution outside the model's lists (compared
 *   case-insensitively) → BadInput with `field`, `value` and `allowed`;
 * - `duration` snapped with {@link snapDuration} against the model's durations, else `[4,6,8]`;
 *   a non-finite one is omitted;
 * - `resolution` trimmed and lower-cased (`720P` → `720p`), except `1K` / `2K` / `4K`;
 * - `aspect_ratio` and `size` trimmed; `generate_audio` when a boolean;
 * - images: `reference_image` → `input_references`; `first_frame` / `last_frame` → that frame slot
 *   when free; no role → the first-frame slot when free, else the last-frame slot; an image whose
 *   slot is taken → `input_references`. Frame entries carry `frame_type`. An image with neither
 *   bytes nor URL → BadInput;
 * - `seed`: a non-number is omitted, a number that is not a safe integer → BadInput;
 * - `callback_url` when a non-empty string; `provider` passed through when an object.
 *
 * Keys are omitted when empty, in the order `model`, `prompt`, `duration`, `resolution`,
 * `aspect_ratio`, `size`, `generate_audio`, `frame_images`, `input_references`, `callback_url`,
 * `seed`, `provider`. Never throws.
 *
 * @since 0.1.0 @category Constructors
 */
export const submitBody: (
  model: string,
  options: SubmitOptions,
  capabilities: VideoCapabilities | undefined
) => Either.Either<Record<string, unknown>, OpenRouterError.BadInput> = internal.submitBody

/**
 * The fields read from a video job payload (submit or poll response).
 *
 * @since 0.1.0 @category Models
 */
export interface JobPayload {
  readonly id: string | undefined
  readonly pollingUrl: string | undefined
  readonly status: string | undefined
  readonly generationId: string | undefined
  readonly unsignedUrls: ReadonlyArray<string>
  readonly error: string | undefined
  readonly model: string | undefined
  readonly usage: { readonly cost: number | undefined; readonly isByok: boolean | undefined } | undefined
}

/**
 * The message of every malformed video job payload.
 *
 * @since 0.1.0 @category Constants
 */
export const malformedMessage = "OpenRouter video generation response malformed"

const malformed = (): OpenRouterError.MalformedResponse => new OpenRouterError.MalformedResponse({ message: malformedMessage })

/**
 * Validates a video job payload: it must be an object; `unsigned_urls`, when present and not
 * null, must be an array of non-empty strings; `usage`, when present, must be an object. Reads
 * `id`, `polling_url`, `status`, `generation_id`, `unsigned_urls`, `error` (a string, or an
 * object's `message`), `model` and `usage.{cost, is_byok}`; fields of the wrong type read as
 * `undefined`. Never throws.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseJob = (body: unknown): Either.Either<JobPayload, OpenRouterError.MalformedResponse> => {
  const record = internal.asRecord(body)
  if (record === undefined) return Either.left(malformed())
  let unsignedUrls: ReadonlyArray<string> = []
  const urls = record.unsigned_urls
  if (urls !== undefined && urls !== null) {
    if (!Array.isArray(urls) || !urls.every((u) => typeof u === "string" && u.trim() !== "")) {
      return Either.left(malformed())
    }
    unsignedUrls = urls as Array<string>
  }
  let usage: JobPayload["usage"]
  if (record.usage !== undefined) {
    const u = internal.asRecord(record.usage)
    if (u === undefined) return Either.left(malformed())
    usage = {
      cost: typeof u.cost === "number" && Number.isFinite(u.cost) ? u.cost : undefined,
      isByok: typeof u.is_byok === "boolean" ? u.is_byok : undefined
    }
  }
  const error = internal.nonEmptyString(record.error) ?? internal.nonEmptyString(internal.asRecord(record.error)?.message)
  return Either.right({
    id: internal.nonEmptyString(record.id),
    pollingUrl: internal.nonEmptyString(record.polling_url),
    status: internal.nonEmptyString(record.status),
    generationId: internal.nonEmptyString(record.generation_id),
    unsignedUrls,
    error,
    model: internal.nonEmptyString(record.model),
    usage
  })
}

/**
 * Where a job stands.
 *
 * @since 0.1.0 @category Models
 */
export type StatusClass = "in_progress" | "completed" | "failed"

const inProgress = new Set(["pending", "in_progress", "queued", "processing", "running"])
const failedStatuses = new Set(["failed", "cancelled", "expired"])

/**
 * Classifies a job status: `pending`, `in_progress`, `queued`, `processing`, `running` →
 * `in_progress`; `completed`; `failed`, `cancelled`, `expired` → `failed`; empty or missing →
 * `missing`; anything else → `unknown`. Case and surrounding whitespace are ignored.
 *
 * @since 0.1.0 @category Parsing
 */
export const classifyStatus = (status: string | undefined): StatusClass | "unknown" | "missing" => {
  if (typeof status !== "string") return "missing"
  const s = status.trim().toLowerCase()
  if (s === "") return "missing"
  if (s === "completed") return "completed"
  if (inProgress.has(s)) return "in_progress"
  if (failedStatuses.has(s)) return "failed"
  return "unknown"
}
