/**
 * Extraction of generated images from an OpenRouter image-generation chat completion (reference
 * §12.4), in strict mode.
 *
 * The body is walked across all `choices`, in order; for each choice's `message`, the entries of
 * `message.images` come first, then the images found in `message.content`. Every image found is
 * numbered, 1-based, over the whole response (`image-1.png`, `image-2.jpg`, …).
 *
 * - The body must be an object; `choices` missing or null gives no images, any other non-array is
 *   malformed; a choice must be an object; a `message` missing or null is skipped, any other
 *   non-object is malformed.
 * - `message.images` (when not missing or null) must be an array of objects whose `image_url` or
 *   `imageUrl` is an object with a non-empty `url` that is a valid image data URL
 *   (`data:image/<subtype>[;params];base64,<data>` with canonical base64); anything else is
 *   malformed.
 * - `message.content` as a string: every `data:image/<x>;base64,<[A-Za-z0-9+/=]+>` in the text is
 *   extracted, leniently: a match that is not canonical base64 is skipped.
 * - `message.content` as an array of parts: a non-object part is malformed; `type: "text"` is
 *   skipped; `type: "image_url"` uses the part's `image_url` / `imageUrl` url, strictly; otherwise a
 *   `b64_json` key must hold non-empty canonical base64 (mime `image/png`, or the part's
 *   `media_type` / `mime_type` when that is an `image/*` string); otherwise an `inlineData` /
 *   `inline_data` key must hold `{ data, mimeType | mime_type }` (mime default `image/png`);
 *   a part with none of these keys is skipped.
 * - A key whose value is `null` counts as missing, everywhere.
 * - `message.content` of any other non-null type is malformed.
 *
 * A response with no image at all fails with "OpenRouter image generation response missing image
 * data"; a malformed one with "OpenRouter image generation response malformed". Both are
 * {@link OpenRouterError.MalformedResponse}, with ` [request_id=<id>]` appended when a request id
 * is given.
 *
 * Base64 is decoded only after it has been checked to be canonical (see {@link isCanonicalBase64}):
 * whitespace is ignored, the length is a multiple of 4, there are at most two `=` and only at the
 * end. An empty payload is not an image and is rejected as well.
 *
 * @since 0.1.0
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

/**
 * One generated image: its decoded bytes, its mime type (lower-case, without parameters) and the
 * file name it is saved under (`image-<n>.<ext>`).
 *
 * @since 0.1.0 @category Models
 */
export interface GeneratedImage {
  readonly bytes: Uint8Array
  readonly mimeType: string
  readonly fileName: string
}

/**
 * A decoded image data URL: the mime type (`image/<subtype>`, lower-case, without parameters) and
 * the bytes.
 *
 * @since 0.1.0 @category Models
 */
export interface ImageData {
  readonly mimeType: string
  readonly bytes: Uint8Array
}

/** The message of the error for a response that does not have the documented shape. @since 0.1.0 @category Constants */
export const malformedMessage = "OpenRouter image generation response malformed"

/** The message of the error for a well-formed response without any image. @since 0.1.0 @category Constants */
export const missingImageDataMessage = "OpenRouter image generation response missing image data"

// ---------------------------------------------------------------------------------------------
// Base64 and data URLs
// ---------------------------------------------------------------------------------------------

const WHITESPACE = /[\t\n\f\r ]+/g
const CANONICAL = /^[A-Za-z0-9+/]*={0,2}$/

const stripWhitespace = (text: string): string => text.replace(WHITESPACE, "")

/**
 * Whether `text` is canonical, non-empty base64: ASCII whitespace (space, tab, CR, LF, FF) is
 * ignored; what remains must be non-empty, of a length that is a multiple of 4, made of
 * `A–Z a–z 0–9 + /`, with at most two `=` and only at the end.
 *
 * @since 0.1.0 @category Validation
 */
export const isCanonicalBase64 = (text: string): boolean => {
  const clean = stripWhitespace(text)
  return clean.length > 0 && clean.length % 4 === 0 && CANONICAL.test(clean)
}

/** Decodes base64 already known to be canonical. */
const decodeCanonical = (text: string): Uint8Array => new Uint8Array(Buffer.from(stripWhitespace(text), "base64"))

/** Decodes `text` when it is canonical, non-empty base64. */
const decodeBase64 = (text: string): Option.Option<Uint8Array> =>
  isCanonicalBase64(text) ? Option.some(decodeCanonical(text)) : Option.none()

const IMAGE_MIME = /^image\/[a-z0-9][a-z0-9.+-]*$/

/** An `image/<subtype>` mime type, lower-cased, parameters dropped; none when it is not one. */
const imageMime = (value: unknown): Option.Option<string> => {
  if (typeof value !== "string") return Option.none()
  const base = (value.split(";")[0] ?? "").trim().toLowerCase()
  return IMAGE_MIME.test(base) ? Option.some(base) : Option.none()
}

const DATA_URL = /^data:(image\/[a-z0-9][a-z0-9.+-]*)((?:;[^;,]*)*?);base64,([\s\S]*)$/i

/**
 * Parses a strict image data URL: `data:image/<subtype>[;params];base64,<data>`, where `<data>` is
 * canonical base64 (see {@link isCanonicalBase64}). Surrounding whitespace is ignored, and so is
 * the case of `data:`, `base64` and the mime type (which is returned lower-case). Parameters
 * (`;charset=utf-8`, …) are allowed and dropped. Anything else gives none.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseImageDataUrl = (url: string): Option.Option<ImageData> => {
  const match = DATA_URL.exec(url.trim())
  if (match === null) return Option.none()
  const mimeType = (match[1] ?? "").toLowerCase()
  return Option.map(decodeBase64(match[3] ?? ""), (bytes) => ({ mimeType, bytes }))
}

/**
 * The file extension for an image mime type: `jpeg` → `jpg`, `svg+xml` → `svg`, otherwise the
 * subtype without any `+suffix` (`png`, `webp`, `gif`, …). Case and parameters are ignored; a mime
 * type without a subtype gives `png`.
 *
 * @since 0.1.0 @category Parsing
 */
export const extensionOf = (mimeType: string): string => {
  const base = (mimeType.split(";")[0] ?? "").trim().toLowerCase()
  const slash = base.indexOf("/")
  const subtype = slash === -1 ? "" : base.slice(slash + 1)
  const withoutSuffix = subtype.split("+")[0] ?? ""
  if (withoutSuffix === "jpeg") return "jpg"
  return withoutSuffix === "" ? "png" : withoutSuffix
}

// ---------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------

/** Thrown internally to abandon the walk; never escapes {@link extract}. */
class Malformed {
  readonly _tag = "Malformed"
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const isAbsent = (u: unknown): u is null | undefined => u === undefined || u === null

/** A strict image data URL taken from `holder.image_url` or `holder.imageUrl`. */
const strictUrl = (holder: Record<string, unknown>): ImageData => {
  const ref = isAbsent(holder.image_url) ? holder.imageUrl : holder.image_url
  if (!isObject(ref)) throw new Malformed()
  const url = ref.url
  if (typeof url !== "string" || url.trim() === "") throw new Malformed()
  return Option.getOrThrowWith(parseImageDataUrl(url), () => new Malformed())
}

const LENIENT_DATA_URL = /data:image\/([A-Za-z0-9.+-]+);base64,([A-Za-z0-9+/=]+)/g

/** Every valid image data URL in a text; invalid ones are skipped. */
const fromText = (text: string, out: Array<ImageData>): void => {
  for (const match of text.matchAll(LENIENT_DATA_URL)) {
    const subtype = (match[1] ?? "").toLowerCase()
    const decoded = decodeBase64(match[2] ?? "")
    if (Option.isSome(decoded) && IMAGE_MIME.test(`image/${subtype}`)) {
      out.push({ mimeType: `image/${subtype}`, bytes: decoded.value })
    }
  }
}

/** Strict decoding of a base64 field; malformed when it is not non-empty canonical base64. */
const strictBase64 = (value: unknown): Uint8Array => {
  if (typeof value !== "string") throw new Malformed()
  return Option.getOrThrowWith(decodeBase64(value), () => new Malformed())
}

const fromPart = (part: unknown, out: Array<ImageData>): void => {
  if (!isObject(part)) throw new Malformed()
  if (part.type === "text") return
  if (part.type === "image_url") {
    out.push(strictUrl(part))
    return
  }
  if (!isAbsent(part.b64_json)) {
    const bytes = strictBase64(part.b64_json)
    const mimeType = Option.orElse(imageMime(part.media_type), () => imageMime(part.mime_type))
    out.push({ mimeType: Option.getOrElse(mimeType, () => "image/png"), bytes })
    return
  }
  const inline = isAbsent(part.inlineData) ? part.inline_data : part.inlineData
  if (isAbsent(inline)) return
  if (!isObject(inline)) throw new Malformed()
  const bytes = strictBase64(inline.data)
  const rawMime = isAbsent(inline.mimeType) ? inline.mime_type : inline.mimeType
  const mimeType = isAbsent(rawMime)
    ? "image/png"
    : Option.getOrThrowWith(imageMime(rawMime), () => new Malformed())
  out.push({ mimeType, bytes })
}

const fromMessage = (message: Record<string, unknown>, out: Array<ImageData>): void => {
  const images = message.images
  if (!isAbsent(images)) {
    if (!Array.isArray(images)) throw new Malformed()
    for (const entry of images) {
      if (!isObject(entry)) throw new Malformed()
      out.push(strictUrl(entry))
    }
  }
  const content = message.content
  if (isAbsent(content)) return
  if (typeof content === "string") fromText(content, out)
  else if (Array.isArray(content)) for (const part of content) fromPart(part, out)
  else throw new Malformed()
}

const collect = (body: unknown): Array<ImageData> => {
  if (!isObject(body)) throw new Malformed()
  const choices = body.choices
  if (isAbsent(choices)) return []
  if (!Array.isArray(choices)) throw new Malformed()
  const out: Array<ImageData> = []
  for (const choice of choices) {
    if (!isObject(choice)) throw new Malformed()
    const message = choice.message
    if (isAbsent(message)) continue
    if (!isObject(message)) throw new Malformed()
    fromMessage(message, out)
  }
  return out
}

const failure = (message: string, requestId: string | undefined): OpenRouterError.MalformedResponse => {
  const id = requestId !== undefined && requestId.trim() !== "" ? requestId.trim() : undefined
  return new OpenRouterError.MalformedResponse(
    id === undefined ? { message } : { message: `${message} [request_id=${id}]`, requestId: id }
  )
}

/**
 * Extracts every generated image of an image-generation chat completion body (reference §12.4,
 * strict mode), in order across all choices, named `image-<n>.<ext>` with `n` counted from 1 over
 * the whole response.
 *
 * Fails with a {@link OpenRouterError.MalformedResponse}: "OpenRouter image generation response
 * malformed" when the body breaks the rules, "OpenRouter image generation response missing image
 * data" when it holds no image; ` [request_id=<id>]` is appended (and `requestId` set) when
 * `requestId` is given. Never throws.
 *
 * @since 0.1.0 @category Parsing
 */
export const extract = (
  body: unknown,
  requestId?: string
): Either.Either<ReadonlyArray<GeneratedImage>, OpenRouterError.MalformedResponse> => {
  let found: Array<ImageData>
  try {
    found = collect(body)
  } catch {
    // A Malformed, or whatever a hostile input (a throwing getter, a proxy) throws.
    return Either.left(failure(malformedMessage, requestId))
  }
  if (found.length === 0) return Either.left(failure(missingImageDataMessage, requestId))
  return Either.right(
    found.map((image, index) => ({
      bytes: image.bytes,
      mimeType: image.mimeType,
      fileName: `image-${index + 1}.${extensionOf(image.mimeType)}`
    }))
  )
}
