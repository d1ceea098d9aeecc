/**
 * `POST /audio/transcriptions` as a `multipart/form-data` upload: the OpenAPI document's second
 * request body, and what both official SDKs send by default (openai's `audio.transcriptions.create`,
 * @openrouter/sdk's `stt.createTranscriptionMultipart`).
 *
 * The form is decoded into the JSON body it stands for (`STTRequest`), so that one request schema
 * and one handler serve both: the file becomes `input_audio: {data: <base64>, format}`, the format
 * taken from the file name's extension, else from the part's content type (as the spec says);
 * `temperature` becomes a number when it reads as one; `timestamp_granularities[]` (one field per
 * value, as openai sends it, or one comma-joined field, as @openrouter/sdk sends it) becomes an
 * array. Other text fields (`session_id`, `user`, …) pass through as strings, as extra JSON keys
 * do; other file parts are ignored.
 *
 * What the form schema itself requires is checked here, since the request schemas are JSON-only:
 * a `file` part (exactly one, a file upload, non-empty, of a supported format) and text fields
 * sent once each. The rest (`model` required, `response_format` and granularity values,
 * `temperature` a number) is the JSON schema's, checked on the decoded body; {@link form}'s
 * `fieldPath` names the form field in those messages.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { type FormOperation, type Part, text } from "../Multipart.js"
import { TRANSCRIPTION_FORMATS } from "./Speech.js"

type Format = (typeof TRANSCRIPTION_FORMATS)[number]

/** File name extensions, lower case, and the format each means. @since 0.1.0 @category Constants */
export const EXTENSIONS: Readonly<Record<string, Format>> = {
  wav: "wav",
  wave: "wav",
  mp3: "mp3",
  mpga: "mp3",
  mpeg: "mp3",
  flac: "flac",
  m4a: "m4a",
  mp4: "m4a",
  ogg: "ogg",
  oga: "ogg",
  opus: "ogg",
  webm: "webm",
  aac: "aac"
}

/** Content types (without parameters, lower case) and the format each means. @since 0.1.0 @category Constants */
export const CONTENT_TYPES: Readonly<Record<string, Format>> = {
  "audio/wav": "wav",
  "audio/wave": "wav",
  "audio/x-wav": "wav",
  "audio/vnd.wave": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/mpga": "mp3",
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/mp4": "m4a",
  "audio/m4a": "m4a",
  "audio/x-m4a": "m4a",
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "application/ogg": "ogg",
  "audio/webm": "webm",
  "video/webm": "webm",
  "audio/aac": "aac",
  "audio/x-aac": "aac"
}

/** The fields sent at most once. */
const SINGLE = ["model", "language", "response_format", "temperature", "provider"]
const GRANULARITIES = ["timestamp_granularities[]", "timestamp_granularities"]

/**
 * The format of an uploaded file: from its name's extension, else from its content type.
 *
 * @since 0.1.0 @category Decoding
 */
export const formatOf = (filename: string | undefined, contentType: string | undefined): Format | undefined => {
  const dot = filename?.lastIndexOf(".") ?? -1
  const extension = filename !== undefined && dot !== -1 ? filename.slice(dot + 1).toLowerCase() : undefined
  const byExtension = extension !== undefined && Object.hasOwn(EXTENSIONS, extension) ? EXTENSIONS[extension] : undefined
  if (byExtension !== undefined) return byExtension
  const type = contentType?.split(";")[0]?.trim().toLowerCase()
  return type !== undefined && Object.hasOwn(CONTENT_TYPES, type) ? CONTENT_TYPES[type] : undefined
}

const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/**
 * Decodes a transcription form into its JSON body (`STTRequest`), or answers the message of a 400.
 *
 * @since 0.1.0 @category Decoding
 */
export const decode = (parts: ReadonlyArray<Part>): Either.Either<unknown, string> => {
  const files = parts.filter((part) => part.name === "file")
  if (files.length === 0) return Either.left("Invalid request body: /file is required (the audio, as a file part)")
  if (files.length > 1) return Either.left(`file is sent ${files.length} times; send one audio file`)
  const file = files[0]!
  if (file.filename === undefined && file.contentType === undefined) {
    return Either.left("file must be a file upload (a part with a filename), not a text field")
  }
  if (file.data.length === 0) return Either.left(`file ${JSON.stringify(file.filename ?? "")} is empty`)
  const format = formatOf(file.filename, file.contentType)
  if (format === undefined) {
    return Either.left(
      `file ${JSON.stringify(file.filename ?? "")} (${file.contentType ?? "no content type"}) is not a supported format; ` +
        `supported: ${TRANSCRIPTION_FORMATS.join(", ")}, by file extension or audio/* content type`
    )
  }

  // A Map, then Object.fromEntries: a field named `__proto__` stays a field.
  const fields = new Map<string, unknown>()
  const granularities: Array<string> = []
  let granular = false
  const seen = new Map<string, number>()
  for (const part of parts) {
    if (part.name === "file") continue
    if (part.name === "input_audio") {
      return Either.left("input_audio belongs to the JSON body; a form sends the audio as its file part")
    }
    if (part.filename !== undefined) {
      if (SINGLE.includes(part.name) || GRANULARITIES.includes(part.name)) {
        return Either.left(`${part.name} must be a text field, not a file`)
      }
      continue
    }
    const value = text(part)
    if (value === undefined) return Either.left(`${part.name} is not valid UTF-8 text`)
    const count = (seen.get(part.name) ?? 0) + 1
    seen.set(part.name, count)
    if (GRANULARITIES.includes(part.name)) {
      granular = true
      granularities.push(...value.split(",").map((item) => item.trim()).filter((item) => item !== ""))
      continue
    }
    if (count > 1 && SINGLE.includes(part.name)) return Either.left(`${part.name} is sent ${count} times; send it once`)
    if (part.name === "temperature" && NUMBER.test(value)) {
      fields.set(part.name, Number(value))
    } else if (part.name === "provider" && value.trim().startsWith("{")) {
      fields.set(part.name, (() => {
        try {
          return JSON.parse(value) as unknown
        } catch {
          return value
        }
      })())
    } else {
      fields.set(part.name, value)
    }
  }
  if (granular) fields.set("timestamp_granularities", granularities)
  fields.set("input_audio", { data: Buffer.from(file.data).toString("base64"), format })
  return Either.right(Object.fromEntries(fields))
}

/**
 * The form field a JSON pointer into the decoded body comes from: `/timestamp_granularities/0` →
 * `/timestamp_granularities[]/0`, `/input_audio/…` → `/file`.
 *
 * @since 0.1.0 @category Decoding
 */
export const fieldPath = (path: string): string =>
  path === "/timestamp_granularities" || path.startsWith("/timestamp_granularities/")
    ? `/timestamp_granularities[]${path.slice("/timestamp_granularities".length)}`
    : path === "/input_audio" || path.startsWith("/input_audio/")
    ? "/file"
    : path

/**
 * The transcription form, as `Routes` hands it to the server.
 *
 * @since 0.1.0 @category Decoding
 */
export const form: FormOperation = { decode, fieldPath }
