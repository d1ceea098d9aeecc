/**
 * Pure checks for audio on the wire: the body of a text-to-speech response (reference §14.5) and
 * the `format` of an audio file sent for transcription (reference §15.4).
 *
 * @since 0.1.0
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Either from "effect/Either"

// ---------------------------------------------------------------------------------------------
// Text-to-speech responses
// ---------------------------------------------------------------------------------------------

/** The largest text-to-speech response accepted by default: 16 MiB. @since 0.1.0 @category Constants */
export const defaultMaxAudioBytes = 16 * 1024 * 1024

const malformedAudio = "OpenRouter TTS API error: malformed audio response"

/**
 * Whether a content type announces text or JSON (`application/json`, `*+json`, `text/*`; case and
 * parameters ignored) rather than media: an error page answered in place of audio or video.
 *
 * @since 0.1.0 @category Validation
 */
export const isTextual = (contentType: string): boolean => {
  const base = (contentType.split(";")[0] ?? "").trim().toLowerCase()
  return base === "application/json" || base.endsWith("+json") || base.startsWith("text/")
}

/**
 * The body length a response declares: its `Content-Length` when the body is not content-encoded
 * (a decoding transport changes the length), else `undefined`. A streamed body that ends short of
 * it was cut: some transports end such a stream quietly instead of failing it (one that broke
 * before its first read ends empty).
 *
 * @since 0.1.0 @category Validation
 */
export const declaredLength = (headers: Readonly<Record<string, string | undefined>>): number | undefined => {
  const encoding = (headers["content-encoding"] ?? "identity").trim().toLowerCase()
  const length = headers["content-length"]?.trim()
  return (encoding === "" || encoding === "identity") && length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined
}

/**
 * Checks the body of a successful (2xx) text-to-speech response (reference §14.5):
 *
 * - a `Content-Type` of `application/json`, `*+json` or `text/*` (case and parameters ignored)
 *   fails with "OpenRouter TTS API error: malformed audio response";
 * - so does an empty body;
 * - a body of more than `maxBytes` bytes fails with "OpenRouter TTS API error: audio response
 *   exceeds <maxBytes> bytes" (see {@link defaultMaxAudioBytes}).
 *
 * Otherwise the bytes are returned as they are. Never throws.
 *
 * @since 0.1.0 @category Validation
 */
export const checkAudio = (
  contentType: string | undefined,
  bytes: Uint8Array,
  maxBytes: number
): Either.Either<Uint8Array, OpenRouterError.MalformedResponse> => {
  if ((contentType !== undefined && isTextual(contentType)) || bytes.length === 0) {
    return Either.left(new OpenRouterError.MalformedResponse({ message: malformedAudio }))
  }
  if (bytes.length > maxBytes) {
    return Either.left(
      new OpenRouterError.MalformedResponse({
        message: `OpenRouter TTS API error: audio response exceeds ${maxBytes} bytes`
      })
    )
  }
  return Either.right(bytes)
}

// ---------------------------------------------------------------------------------------------
// Transcription formats
// ---------------------------------------------------------------------------------------------

/**
 * The audio formats the transcription endpoint accepts (`input_audio.format`).
 *
 * @since 0.1.0 @category Constants
 */
export const transcriptionFormats = ["wav", "mp3", "flac", "m4a", "ogg", "webm", "aac"] as const

/** One of {@link transcriptionFormats}. @since 0.1.0 @category Models */
export type TranscriptionFormat = typeof transcriptionFormats[number]

/** Mime subtypes (after `audio/`) and file extensions, with the format each one names. */
const aliases: ReadonlyMap<string, TranscriptionFormat> = new Map<string, TranscriptionFormat>([
  ["wav", "wav"],
  ["x-wav", "wav"],
  ["wave", "wav"],
  ["mp3", "mp3"],
  ["mpeg", "mp3"],
  ["flac", "flac"],
  ["x-flac", "flac"],
  ["m4a", "m4a"],
  ["mp4", "m4a"],
  ["ogg", "ogg"],
  ["oga", "ogg"],
  ["opus", "ogg"],
  ["webm", "webm"],
  ["aac", "aac"]
])

const fromMimeType = (mimeType: string): TranscriptionFormat | undefined => {
  const base = (mimeType.split(";")[0] ?? "").trim().toLowerCase()
  if (!base.startsWith("audio/")) return undefined
  return aliases.get(base.slice("audio/".length))
}

const fromFileName = (fileName: string): TranscriptionFormat | undefined => {
  const name = fileName.trim().split(/[/\\]/).pop() ?? ""
  const dot = name.lastIndexOf(".")
  if (dot === -1) return undefined
  return aliases.get(name.slice(dot + 1).toLowerCase())
}

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== ""

/**
 * The `format` of an audio file sent for transcription (reference §15.4): from the mime type
 * first (`audio/<x>`, parameters and case ignored), else from the file name's extension. Both
 * accept the format names themselves and the aliases `mpeg` → mp3, `mp4` → m4a, `oga` / `opus` →
 * ogg, `x-wav` / `wave` → wav, `x-flac` → flac.
 *
 * When neither resolves, fails with {@link OpenRouterError.BadInput} naming the field that was
 * tried last (`fileName` when one is given, else `mimeType`), its value and the allowed formats.
 * Never throws.
 *
 * @since 0.1.0 @category Parsing
 */
export const transcriptionFormat = (
  mimeType: string | undefined,
  fileName: string | undefined
): Either.Either<TranscriptionFormat, OpenRouterError.BadInput> => {
  const byMime = present(mimeType) ? fromMimeType(mimeType) : undefined
  if (byMime !== undefined) return Either.right(byMime)
  const byName = present(fileName) ? fromFileName(fileName) : undefined
  if (byName !== undefined) return Either.right(byName)
  const allowed = [...transcriptionFormats]
  const list = allowed.join(", ")
  // "could not resolve audio format" is OpenClaw's wording, the text its users search for.
  const unresolved = (from: string) =>
    `OpenRouter transcription: could not resolve audio format from ${from}; allowed formats: ${list}`
  if (present(fileName)) {
    const also = present(mimeType) ? ` (mimeType ${JSON.stringify(mimeType)})` : ""
    return Either.left(
      new OpenRouterError.BadInput({
        message: unresolved(`fileName ${JSON.stringify(fileName)}${also}`),
        field: "fileName",
        value: fileName,
        allowed
      })
    )
  }
  return Either.left(
    new OpenRouterError.BadInput({
      message: unresolved(present(mimeType) ? `mimeType ${JSON.stringify(mimeType)}` : "no mimeType or fileName"),
      field: "mimeType",
      ...(mimeType !== undefined ? { value: mimeType } : {}),
      allowed
    })
  )
}
