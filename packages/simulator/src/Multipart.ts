/**
 * A small, bounded `multipart/form-data` parser (RFC 7578 on RFC 2046), for the one route whose
 * spec declares a form body: `POST /audio/transcriptions` as the official SDKs send it.
 *
 * The whole body is in memory (the server reads it up to {@link Limits.maxBodyBytes}), so the
 * parser is a plain scan over a buffer: no streaming state machine, no temporary files. Every
 * limit is checked, and every failure is a value, never an exception: `400` for a body that is not
 * a well-formed form, `413` for one that breaks a limit.
 *
 * What it accepts:
 * - `Content-Type: multipart/form-data; boundary=…` (the parameter may be quoted); a boundary of
 *   1–70 characters of RFC 2046's `bchars`.
 * - A preamble before the first delimiter and an epilogue after the last (both ignored), and
 *   transport padding (spaces, tabs) after a delimiter. Lines end in CRLF, as every client sends.
 * - Part headers `Name: value` (names case-insensitive, UTF-8 values, no folding);
 *   `Content-Disposition: form-data; name="…"` is required, `filename="…"` (or RFC 5987
 *   `filename*=utf-8''…`, which wins) marks a file, `Content-Type` is kept.
 * - Repeated names (`timestamp_granularities[]` sent once per value), in order.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"

/**
 * The limits a form is parsed within; see {@link defaultLimits}.
 *
 * @since 0.1.0 @category Models
 */
export interface Limits {
  /** The whole body, in bytes. Breach: 413. */
  readonly maxBodyBytes: number
  /** One file part's content, in bytes. Breach: 413. */
  readonly maxFileBytes: number
  /** One text field's value, in bytes. Breach: 413. */
  readonly maxFieldBytes: number
  /** The number of parts. Breach: 413. */
  readonly maxParts: number
  /** One part's header block, in bytes. Breach: 413. */
  readonly maxHeaderBytes: number
}

/**
 * The default limits. The file limit is the spec's ("Max 25 MB; send larger files as base64 JSON
 * via input_audio", read as MiB); the body may hold that file plus 1 MiB of fields and framing.
 *
 * | Limit | Value |
 * |---|---|
 * | `maxBodyBytes` | 26 MiB |
 * | `maxFileBytes` | 25 MiB |
 * | `maxFieldBytes` | 64 KiB |
 * | `maxParts` | 32 |
 * | `maxHeaderBytes` | 8 KiB |
 *
 * @since 0.1.0 @category Constants
 */
export const defaultLimits: Limits = {
  maxBodyBytes: 26 * 1024 * 1024,
  maxFileBytes: 25 * 1024 * 1024,
  maxFieldBytes: 64 * 1024,
  maxParts: 32,
  maxHeaderBytes: 8 * 1024
}

/**
 * One part of a form.
 *
 * @since 0.1.0 @category Models
 */
export interface Part {
  /** The `name` of its `Content-Disposition`. */
  readonly name: string
  /** The `filename` (or `filename*`) of its `Content-Disposition`: present for a file part. */
  readonly filename: string | undefined
  /** Its `Content-Type` header, as sent (parameters included), if any. */
  readonly contentType: string | undefined
  /** Its content. */
  readonly data: Uint8Array
}

/**
 * Why a form was refused: `status` 400 (malformed) or 413 (a limit broken), and the message of
 * the error body.
 *
 * @since 0.1.0 @category Models
 */
export interface MultipartError {
  readonly status: 400 | 413
  readonly message: string
}

const bad = (message: string): Either.Either<never, MultipartError> => Either.left({ status: 400, message })
const tooLarge = (message: string): Either.Either<never, MultipartError> => Either.left({ status: 413, message })

const CRLF = Buffer.from("\r\n")
const HEADER_END = Buffer.from("\r\n\r\n")
const DASH = 0x2d
const CR = 0x0d
const LF = 0x0a
const SPACE = 0x20
const TAB = 0x09

/** RFC 2046 `boundary := 0*69<bchars> bcharsnospace`. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/

/**
 * A `Content-Type` header's media type (lower case, without parameters) and parameters (names in
 * lower case; quoted values unquoted). Tolerant: what it cannot read it leaves out.
 *
 * @since 0.1.0 @category Parsing
 */
export const parseHeaderValue = (value: string): { readonly value: string; readonly params: ReadonlyMap<string, string> } => {
  const semicolon = value.indexOf(";")
  const head = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase()
  const params = new Map<string, string>()
  let i = semicolon === -1 ? value.length : semicolon + 1
  while (i < value.length) {
    while (i < value.length && (value[i] === " " || value[i] === "\t" || value[i] === ";")) i++
    const eq = value.indexOf("=", i)
    if (eq === -1) break
    const name = value.slice(i, eq).trim().toLowerCase()
    i = eq + 1
    while (i < value.length && (value[i] === " " || value[i] === "\t")) i++
    let parsed = ""
    if (value[i] === "\"") {
      i++
      while (i < value.length && value[i] !== "\"") {
        // A quoted-pair: the character after the backslash, whatever it is.
        if (value[i] === "\\" && i + 1 < value.length) i++
        parsed += value[i]
        i++
      }
      i++
      const next = value.indexOf(";", i)
      i = next === -1 ? value.length : next + 1
    } else {
      const next = value.indexOf(";", i)
      parsed = value.slice(i, next === -1 ? value.length : next).trim()
      i = next === -1 ? value.length : next + 1
    }
    // The first occurrence of a parameter wins.
    if (name !== "" && !params.has(name)) params.set(name, parsed)
  }
  return { value: head, params }
}

/**
 * Whether a `Content-Type` header names `multipart/form-data`.
 *
 * @since 0.1.0 @category Parsing
 */
export const isMultipart = (contentType: string | undefined): boolean =>
  contentType !== undefined && parseHeaderValue(contentType).value === "multipart/form-data"

/**
 * The boundary of a `multipart/form-data` content type, or why there is none usable.
 *
 * @since 0.1.0 @category Parsing
 */
export const boundaryOf = (contentType: string | undefined): Either.Either<string, MultipartError> => {
  if (contentType === undefined) return bad("Content-Type is missing; expected multipart/form-data with a boundary")
  const parsed = parseHeaderValue(contentType)
  if (parsed.value !== "multipart/form-data") return bad(`Content-Type ${parsed.value} is not multipart/form-data`)
  const boundary = parsed.params.get("boundary")
  if (boundary === undefined) return bad("Content-Type multipart/form-data has no boundary parameter")
  if (!BOUNDARY.test(boundary)) {
    return bad("the multipart boundary must be 1 to 70 characters of RFC 2046's set (letters, digits, '()+_,-./:=? and inner spaces)")
  }
  return Either.right(boundary)
}

const decodeRfc5987 = (value: string): string | undefined => {
  const match = /^([^']*)'[^']*'(.*)$/.exec(value)
  if (match === null) return undefined
  const charset = (match[1] ?? "").toLowerCase()
  if (charset !== "utf-8" && charset !== "us-ascii" && charset !== "iso-8859-1") return undefined
  try {
    const decoded = decodeURIComponent(match[2] ?? "")
    return charset === "iso-8859-1" ? Buffer.from(decoded, "latin1").toString("latin1") : decoded
  } catch {
    return undefined
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true })

/**
 * A part's content as UTF-8 text, or `undefined` when it is not valid UTF-8.
 *
 * @since 0.1.0 @category Parsing
 */
export const text = (part: Part): string | undefined => {
  try {
    return UTF8.decode(part.data)
  } catch {
    return undefined
  }
}

const readHeaders = (
  block: Buffer,
  index: number
): Either.Either<{ readonly name: string; readonly filename: string | undefined; readonly contentType: string | undefined }, MultipartError> => {
  let disposition: string | undefined
  let contentType: string | undefined
  const headerText = (() => {
    try {
      return UTF8.decode(block)
    } catch {
      return undefined
    }
  })()
  if (headerText === undefined) return bad(`part ${index} has headers that are not valid UTF-8`)
  for (const line of headerText === "" ? [] : headerText.split("\r\n")) {
    if (line.startsWith(" ") || line.startsWith("\t")) return bad(`part ${index} has a folded header line, which multipart/form-data does not allow`)
    const colon = line.indexOf(":")
    if (colon <= 0) return bad(`part ${index} has a malformed header line: ${JSON.stringify(line.slice(0, 80))}`)
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === "content-disposition") disposition ??= value
    else if (name === "content-type") contentType ??= value
  }
  if (disposition === undefined) return bad(`part ${index} has no Content-Disposition header`)
  const parsed = parseHeaderValue(disposition)
  if (parsed.value !== "form-data") return bad(`part ${index} has Content-Disposition ${parsed.value}; expected form-data`)
  const name = parsed.params.get("name")
  if (name === undefined) return bad(`part ${index} has no name in its Content-Disposition`)
  const extended = parsed.params.get("filename*")
  const filename = (extended !== undefined ? decodeRfc5987(extended) : undefined) ?? parsed.params.get("filename")
  return Either.right({ name, filename, contentType })
}

const startsWithAt = (buffer: Buffer, at: number, prefix: Buffer): boolean =>
  at + prefix.length <= buffer.length && buffer.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0

const mib = (bytes: number): string =>
  bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MiB`
    : bytes >= 1024 && bytes % 1024 === 0
    ? `${bytes / 1024} KiB`
    : `${bytes} bytes`

/**
 * The 413 of a body of `bytes` bytes, over `limits.maxBodyBytes` (the server reads no further).
 *
 * @since 0.1.0 @category Parsing
 */
export const bodyTooLarge = (bytes: number, limits: Limits = defaultLimits): MultipartError => ({
  status: 413,
  message: `The multipart body is ${bytes} bytes; the limit is ${mib(limits.maxBodyBytes)}`
})

/**
 * Parses a `multipart/form-data` body. Never throws: a malformed form is a 400, a form beyond
 * `limits` a 413 (see {@link Limits}).
 *
 * @example
 * const body = Buffer.from("--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nopenai/whisper-1\r\n--b--\r\n")
 * parse(body, "multipart/form-data; boundary=b")
 * // Either.right([{ name: "model", filename: undefined, contentType: undefined, data: <openai/whisper-1> }])
 *
 * @since 0.1.0 @category Parsing
 */
export const parse = (
  body: Uint8Array,
  contentType: string | undefined,
  limits: Limits = defaultLimits
): Either.Either<ReadonlyArray<Part>, MultipartError> => {
  const boundary = boundaryOf(contentType)
  if (Either.isLeft(boundary)) return Either.left(boundary.left)
  if (body.length > limits.maxBodyBytes) return Either.left(bodyTooLarge(body.length, limits))
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const delimiter = Buffer.from(`--${boundary.right}`)
  const nextDelimiter = Buffer.concat([CRLF, delimiter])

  // The first delimiter opens the body, or ends a line of the preamble.
  let position: number
  if (startsWithAt(buffer, 0, delimiter)) {
    position = 0
  } else {
    const found = buffer.indexOf(nextDelimiter)
    if (found === -1) return bad("The multipart body has no opening boundary")
    position = found + CRLF.length
  }

  const parts: Array<Part> = []
  for (;;) {
    position += delimiter.length
    if (buffer[position] === DASH && buffer[position + 1] === DASH) return Either.right(parts)
    while (buffer[position] === SPACE || buffer[position] === TAB) position++
    if (buffer[position] !== CR || buffer[position + 1] !== LF) {
      return bad(position >= buffer.length
        ? "The multipart body ends without its closing boundary"
        : "A multipart boundary line is not followed by CRLF")
    }
    position += 2
    const index = parts.length
    if (index >= limits.maxParts) return tooLarge(`The form has more than ${limits.maxParts} parts`)

    // The header block ends at an empty line; a part may have no headers at all (then it fails on
    // the missing Content-Disposition below).
    let headerEnd: number
    let contentStart: number
    if (buffer[position] === CR && buffer[position + 1] === LF) {
      headerEnd = position
      contentStart = position + 2
    } else {
      const window = buffer.subarray(position, Math.min(buffer.length, position + limits.maxHeaderBytes + HEADER_END.length))
      const end = window.indexOf(HEADER_END)
      if (end === -1) {
        return window.length > limits.maxHeaderBytes
          ? tooLarge(`part ${index} has a header block over ${mib(limits.maxHeaderBytes)}`)
          : bad(`part ${index} has no end to its headers (an empty line)`)
      }
      if (end > limits.maxHeaderBytes) return tooLarge(`part ${index} has a header block over ${mib(limits.maxHeaderBytes)}`)
      headerEnd = position + end
      contentStart = headerEnd + HEADER_END.length
    }
    const headers = readHeaders(buffer.subarray(position, headerEnd), index)
    if (Either.isLeft(headers)) return Either.left(headers.left)

    const contentEnd = buffer.indexOf(nextDelimiter, contentStart)
    if (contentEnd === -1) return bad(`part ${index} (${JSON.stringify(headers.right.name)}) is not closed by a boundary`)
    const size = contentEnd - contentStart
    const { contentType: partType, filename, name } = headers.right
    if (filename !== undefined && size > limits.maxFileBytes) {
      return tooLarge(`The file ${JSON.stringify(filename)} is ${size} bytes; the limit is ${mib(limits.maxFileBytes)}`)
    }
    if (filename === undefined && size > limits.maxFieldBytes) {
      return tooLarge(`The field ${JSON.stringify(name)} is ${size} bytes; the limit is ${mib(limits.maxFieldBytes)}`)
    }
    parts.push({ name, filename, contentType: partType, data: buffer.subarray(contentStart, contentEnd) })
    position = contentEnd + CRLF.length
  }
}

/**
 * What the journal records of a form: each field's text (an array when a name repeats), and for a
 * file `{ filename, contentType, bytes }` instead of its content.
 *
 * @since 0.1.0 @category Parsing
 */
export const summary = (parts: ReadonlyArray<Part>): Readonly<Record<string, unknown>> => {
  // A Map, then Object.fromEntries: a field named `__proto__` stays a field.
  const out = new Map<string, Array<unknown>>()
  for (const part of parts) {
    const value = part.filename !== undefined
      ? { filename: part.filename, contentType: part.contentType ?? null, bytes: part.data.length }
      : text(part) ?? `<${part.data.length} bytes, not UTF-8>`
    const values = out.get(part.name)
    if (values === undefined) out.set(part.name, [value])
    else values.push(value)
  }
  return Object.fromEntries([...out].map(([name, values]) => [name, values.length === 1 ? values[0] : values]))
}

/**
 * How a route turns a form into the JSON body its handler and its request schema expect.
 *
 * @since 0.1.0 @category Models
 */
export interface FormOperation {
  /** The JSON body the form stands for, or the message of the 400 to answer. */
  readonly decode: (parts: ReadonlyArray<Part>) => Either.Either<unknown, string>
  /** The form field a JSON pointer into the decoded body comes from, for validation messages. */
  readonly fieldPath: (path: string) => string
}
