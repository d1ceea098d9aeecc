// The multipart/form-data parser (src/Multipart.ts): examples, every limit, and properties
// (round trips through our encoder and through undici's own FormData encoder, truncation, and
// arbitrary bytes never throwing); then the server's handling of forms over a real socket.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Multipart from "../src/Multipart.js"
import * as Server from "../src/Server.js"
import * as Speech from "../src/media/Speech.js"

const CT = (boundary: string) => `multipart/form-data; boundary=${boundary}`

interface Spec {
  readonly name: string
  readonly filename?: string | undefined
  readonly contentType?: string | undefined
  readonly data: Uint8Array | string
}

/** Encodes parts as RFC 7578 says, with `boundary` (which must not occur in any part). */
const encode = (boundary: string, parts: ReadonlyArray<Spec>, options: { preamble?: string; epilogue?: string } = {}): Buffer => {
  const chunks: Array<Buffer> = []
  if (options.preamble !== undefined) chunks.push(Buffer.from(`${options.preamble}\r\n`))
  for (const part of parts) {
    const disposition = `Content-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ""}`
    const type = part.contentType !== undefined ? `\r\nContent-Type: ${part.contentType}` : ""
    chunks.push(Buffer.from(`--${boundary}\r\n${disposition}${type}\r\n\r\n`))
    chunks.push(Buffer.from(part.data))
    chunks.push(Buffer.from("\r\n"))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n${options.epilogue ?? ""}`))
  return Buffer.concat(chunks)
}

const parts = (result: Either.Either<ReadonlyArray<Multipart.Part>, Multipart.MultipartError>) => {
  if (Either.isLeft(result)) throw new Error(`expected parts, got ${result.left.status} ${result.left.message}`)
  return result.right
}
const failure = (result: Either.Either<ReadonlyArray<Multipart.Part>, Multipart.MultipartError>) => {
  if (Either.isRight(result)) throw new Error("expected a failure")
  return result.left
}
const plain = (part: Multipart.Part) => ({
  name: part.name,
  filename: part.filename,
  contentType: part.contentType,
  data: Buffer.from(part.data).toString("latin1")
})

describe("Multipart.parse", () => {
  it("reads fields and files, repeated names in order, with preamble, padding and epilogue", () => {
    const body = encode("xYz", [
      { name: "model", data: "openai/whisper-large-v3" },
      { name: "file", filename: "a b.wav", contentType: "audio/wav", data: new Uint8Array([0, 13, 10, 45, 45, 255]) },
      { name: "timestamp_granularities[]", data: "word" },
      { name: "timestamp_granularities[]", data: "segment" }
    ], { preamble: "ignored preamble", epilogue: "ignored epilogue" })
    const result = parts(Multipart.parse(body, CT("xYz")))
    expect(result.map(plain)).toEqual([
      { name: "model", filename: undefined, contentType: undefined, data: "openai/whisper-large-v3" },
      { name: "file", filename: "a b.wav", contentType: "audio/wav", data: "\u0000\r\n--\u00ff" },
      { name: "timestamp_granularities[]", filename: undefined, contentType: undefined, data: "word" },
      { name: "timestamp_granularities[]", filename: undefined, contentType: undefined, data: "segment" }
    ])
    const padded = Buffer.from("--b \t\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--")
    expect(parts(Multipart.parse(padded, CT("b"))).map(plain)).toEqual([{ name: "x", filename: undefined, contentType: undefined, data: "1" }])
    expect(parts(Multipart.parse(Buffer.from("--b--\r\n"), CT("b")))).toEqual([])
  })

  it("reads quoted boundaries and parameters, quoted-pairs, and RFC 5987 filename*", () => {
    const body = Buffer.from(
      "--a:b c\r\n" +
        "content-disposition: FORM-DATA; NAME=\"q\\\"x\"; filename=\"plain.wav\"; filename*=UTF-8''%C3%A9t%C3%A9.wav\r\n" +
        "Content-Type: audio/wav; rate=16000\r\n\r\n" +
        "abc\r\n--a:b c--"
    )
    expect(parts(Multipart.parse(body, "Multipart/Form-Data; charset=utf-8; boundary=\"a:b c\"")).map(plain)).toEqual([
      { name: "q\"x", filename: "été.wav", contentType: "audio/wav; rate=16000", data: "abc" }
    ])
  })

  it("answers 400 for what is not a well-formed form", () => {
    const cases: ReadonlyArray<readonly [string | undefined, string, RegExp]> = [
      [undefined, "", /Content-Type is missing/],
      ["application/json", "", /is not multipart\/form-data/],
      ["multipart/form-data", "", /no boundary parameter/],
      [`multipart/form-data; boundary=${"x".repeat(71)}`, "", /1 to 70 characters/],
      ["multipart/form-data; boundary=\"a \"", "", /1 to 70 characters/],
      [CT("b"), "no delimiter at all", /no opening boundary/],
      [CT("b"), "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nvalue", /is not closed by a boundary/],
      [CT("b"), "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nvalue\r\n--b", /ends without its closing boundary/],
      [CT("b"), "--bx\r\n", /not followed by CRLF/],
      [CT("b"), "--b\r\nContent-Disposition: form-data; name=x\r\nno blank line", /no end to its headers/],
      [CT("b"), "--b\r\n\r\nvalue\r\n--b--", /no Content-Disposition/],
      [CT("b"), "--b\r\nContent-Disposition: attachment; name=x\r\n\r\nv\r\n--b--", /expected form-data/],
      [CT("b"), "--b\r\nContent-Disposition: form-data; filename=x\r\n\r\nv\r\n--b--", /no name/],
      [CT("b"), "--b\r\nContent-Disposition: form-data; name=x\r\n folded\r\n\r\nv\r\n--b--", /folded header/],
      [CT("b"), "--b\r\nno colon here\r\n\r\nv\r\n--b--", /malformed header line/]
    ]
    for (const [contentType, body, message] of cases) {
      const error = failure(Multipart.parse(Buffer.from(body), contentType))
      expect(error.status, body).toBe(400)
      expect(error.message).toMatch(message)
    }
    const badUtf8 = Buffer.concat([Buffer.from("--b\r\nContent-Disposition: form-data; name=\""), Buffer.from([0xff]), Buffer.from("\"\r\n\r\nv\r\n--b--")])
    expect(failure(Multipart.parse(badUtf8, CT("b")))).toEqual({ status: 400, message: "part 0 has headers that are not valid UTF-8" })
  })

  it("answers 413 past every limit, and accepts what is exactly at it", () => {
    const limits: Multipart.Limits = { maxBodyBytes: 400, maxFileBytes: 10, maxFieldBytes: 5, maxParts: 3, maxHeaderBytes: 60 }
    const at = encode("b", [{ name: "f", filename: "x", data: "0123456789" }, { name: "v", data: "01234" }])
    expect(parts(Multipart.parse(at, CT("b"), limits))).toHaveLength(2)
    const cases: ReadonlyArray<readonly [Buffer, RegExp]> = [
      [encode("b", [{ name: "f", filename: "x", data: "0123456789A" }]), /^The file "x" is 11 bytes; the limit is 10 bytes$/],
      [encode("b", [{ name: "v", data: "012345" }]), /^The field "v" is 6 bytes; the limit is 5 bytes$/],
      [encode("b", Array.from({ length: 4 }, () => ({ name: "v", data: "1" }))), /more than 3 parts/],
      [encode("b", [{ name: "v".repeat(60), data: "1" }]), /header block over 60 bytes/],
      [Buffer.concat([encode("b", []), Buffer.alloc(400)]), /^The multipart body is 407 bytes; the limit is 400 bytes$/]
    ]
    for (const [body, message] of cases) {
      const error = failure(Multipart.parse(body, CT("b"), limits))
      expect(error.status).toBe(413)
      expect(error.message).toMatch(message)
    }
    expect(Multipart.defaultLimits).toEqual({
      maxBodyBytes: 26 * 1024 * 1024,
      maxFileBytes: 25 * 1024 * 1024,
      maxFieldBytes: 64 * 1024,
      maxParts: 32,
      maxHeaderBytes: 8 * 1024
    })
  })

  it("summarizes a form for the journal, without file contents", () => {
    const form = parts(Multipart.parse(encode("b", [
      { name: "file", filename: "a.wav", contentType: "audio/wav", data: "RIFF" },
      { name: "g", data: "word" },
      { name: "g", data: "segment" },
      { name: "__proto__", data: "kept" }
    ]), CT("b")))
    const summary = Multipart.summary(form)
    expect(summary).toEqual({ file: { filename: "a.wav", contentType: "audio/wav", bytes: 4 }, g: ["word", "segment"], ["__proto__"]: "kept" })
    expect(Object.keys(summary)).toEqual(["file", "g", "__proto__"])
  })
})

// -----------------------------------------------------------------------------------------------
// Properties
// -----------------------------------------------------------------------------------------------

const BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?"
const boundaryArb = fc.string({ unit: fc.constantFrom(...BCHARS.split("")), minLength: 1, maxLength: 70 })
/** Names and file names as a client writes them: no quote, CR or LF (clients percent-encode those). */
const nameArb = fc.string({ unit: fc.char().filter((c) => c !== "\"" && c !== "\r" && c !== "\n" && c !== "\\"), maxLength: 12 })
const specArb: fc.Arbitrary<Spec> = fc.record({
  name: nameArb,
  filename: fc.option(nameArb, { nil: undefined }),
  contentType: fc.option(fc.constantFrom("audio/wav", "application/octet-stream", "text/plain; charset=utf-8"), { nil: undefined }),
  data: fc.uint8Array({ maxLength: 64 })
}, { requiredKeys: ["name", "data"] })
const formArb = fc.tuple(boundaryArb, fc.array(specArb, { maxLength: 6 }))
  .filter(([boundary, specs]) => specs.every((spec) => !Buffer.from(spec.data).includes(`--${boundary}`)))

describe("Multipart.parse: properties", () => {
  it.prop("reads back what was encoded, with any preamble and epilogue", [formArb, fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 })], ([[boundary, specs], preamble, epilogue]) => {
    fc.pre(!preamble.includes(`--${boundary}`))
    const body = encode(boundary, specs, { preamble, epilogue })
    const result = parts(Multipart.parse(body, CT(boundary)))
    expect(result.map(plain)).toEqual(specs.map((spec) => ({
      name: spec.name,
      filename: spec.filename,
      contentType: spec.contentType,
      data: Buffer.from(spec.data).toString("latin1")
    })))
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it.prop("a body cut short before its closing delimiter is a 400", [formArb, fc.nat()], ([[boundary, specs], at]) => {
    const body = encode(boundary, specs)
    // Everything up to the closing delimiter's `--` is required; the final CRLF is not.
    const cut = at % (body.length - 2)
    const error = failure(Multipart.parse(body.subarray(0, cut), CT(boundary)))
    expect(error.status).toBe(400)
  }, { fastCheck: { numRuns: propertyRuns(300) } })

  it.prop("never throws: arbitrary bytes and content types give parts or a typed 400/413", [
    fc.oneof(fc.uint8Array({ maxLength: 300 }), formArb.map(([boundary, specs]) => encode(boundary, specs)).chain((body) =>
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }).map((edits) => {
        const copy = Buffer.from(body)
        for (const [at, byte] of edits) if (copy.length > 0) copy[at % copy.length] = byte
        return new Uint8Array(copy)
      }))),
    fc.oneof(fc.string(), boundaryArb.map(CT), fc.constant(undefined))
  ], ([body, contentType]) => {
    const limits = { maxBodyBytes: 200, maxFileBytes: 40, maxFieldBytes: 20, maxParts: 3, maxHeaderBytes: 80 }
    for (const result of [Multipart.parse(body, contentType), Multipart.parse(body, contentType, limits)]) {
      if (Either.isLeft(result)) {
        expect([400, 413]).toContain(result.left.status)
        expect(result.left.message.length).toBeGreaterThan(0)
      } else {
        for (const part of result.right) expect(typeof part.name).toBe("string")
      }
    }
  }, { fastCheck: { numRuns: propertyRuns(1000) } })

  it("reads back what undici's FormData encodes (the encoder both official clients use)", async () => {
    await fc.assert(fc.asyncProperty(fc.array(specArb, { maxLength: 5 }), async (specs) => {
      const form = new FormData()
      for (const spec of specs) {
        if (spec.filename !== undefined) form.append(spec.name, new Blob([Buffer.from(spec.data)], { type: spec.contentType ?? "" }), spec.filename)
        else form.append(spec.name, Buffer.from(spec.data).toString("latin1"))
      }
      const response = new Response(form)
      const body = new Uint8Array(await response.arrayBuffer())
      const result = parts(Multipart.parse(body, response.headers.get("content-type") ?? undefined))
      // undici leaves out an empty filename (the part stays a file: it has a content type).
      expect(result.map((part) => [part.name, part.filename])).toEqual(specs.map((spec) => [spec.name, spec.filename || undefined]))
      result.forEach((part, i) => {
        const spec = specs[i]!
        // undici sends text fields as UTF-8 with line breaks normalized to CRLF.
        if (spec.filename === undefined) {
          expect(Multipart.text(part)).toBe(Buffer.from(spec.data).toString("latin1").replace(/\r\n|\r|\n/g, "\r\n"))
        } else {
          expect(Buffer.from(part.data).equals(Buffer.from(spec.data))).toBe(true)
          expect(part.contentType).toBe(spec.contentType ?? "application/octet-stream")
        }
      })
    }), { numRuns: propertyRuns(150) })
  })
})

// -----------------------------------------------------------------------------------------------
// Over a socket
// -----------------------------------------------------------------------------------------------

const KEY = "sk-or-v1-multipart-test-0000000000000000000000wxyz"
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

const upload = (path: string, body: string | FormData, headers: Record<string, string> = {}) =>
  fetch(`${sim.baseUrl}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, ...headers }, body })

/** A form with a 3200-byte (0.2 s at 128 kbit/s) file, another `file`, or none (`null`). */
const audioForm = (fields: Record<string, string>, file: Blob | null = new Blob([Buffer.alloc(3200)], { type: "audio/wav" }), filename = "a.wav") => {
  const form = new FormData()
  if (file !== null) form.append("file", file, filename)
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return form
}

describe("the server with forms", () => {
  it("transcribes a form, and checks the key before the form", async () => {
    const ok = await upload("/audio/transcriptions", audioForm({ model: "openai/whisper-large-v3" }))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ text: Speech.TRANSCRIPT, usage: { seconds: 0.2 } })
    const anonymous = await fetch(`${sim.baseUrl}/audio/transcriptions`, { method: "POST", body: "--b\r\nbroken", headers: { "content-type": CT("b") } })
    expect(anonymous.status).toBe(401)
  })

  it("answers a malformed form 400 and an oversized one 413, with OpenRouter's body", async () => {
    const malformed = await upload("/audio/transcriptions", "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nno end", { "content-type": CT("b") })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({
      error: { code: 400, message: "part 0 (\"x\") is not closed by a boundary", metadata: { error_type: "invalid_request" } }
    })
    const huge = new Blob([Buffer.alloc(Multipart.defaultLimits.maxBodyBytes + 1)], { type: "audio/wav" })
    const tooLarge = await upload("/audio/transcriptions", audioForm({ model: "openai/whisper-large-v3" }, huge))
    expect(tooLarge.status).toBe(413)
    expect(await tooLarge.json()).toMatchObject({
      error: { code: 413, message: expect.stringMatching(/^The multipart body is \d+ bytes; the limit is 26 MiB$/), metadata: { error_type: "payload_too_large" } }
    })
    const file = new Blob([Buffer.alloc(Multipart.defaultLimits.maxFileBytes + 1)], { type: "audio/wav" })
    const fileTooLarge = await upload("/audio/transcriptions", audioForm({ model: "openai/whisper-large-v3" }, file))
    expect(fileTooLarge.status).toBe(413)
    expect(((await fileTooLarge.json()) as any).error.message).toBe(`The file "a.wav" is ${Multipart.defaultLimits.maxFileBytes + 1} bytes; the limit is 25 MiB`)
    // The connection is still usable after a refused upload.
    expect((await upload("/audio/transcriptions", audioForm({ model: "openai/whisper-large-v3" }))).status).toBe(200)
  }, 30_000)

  it("transcribes a file at the limit", async () => {
    const file = new Blob([Buffer.alloc(Multipart.defaultLimits.maxFileBytes)], { type: "audio/mpeg" })
    const response = await upload("/audio/transcriptions", audioForm({ model: "openai/whisper-large-v3" }, file, "long.mp3"))
    expect(response.status).toBe(200)
    expect(((await response.json()) as any).usage.seconds).toBe(Math.round((Multipart.defaultLimits.maxFileBytes * 8) / 128000 * 100) / 100)
  }, 30_000)

  it("validates the decoded form with the request schema, naming the form's fields", async () => {
    const cases: ReadonlyArray<readonly [FormData, string]> = [
      [audioForm({}), "Invalid request body: /model is required"],
      [audioForm({ model: "openai/whisper-large-v3", response_format: "srt" }), "Invalid request body: /response_format must be one of \"json\", \"verbose_json\""],
      [audioForm({ model: "openai/whisper-large-v3", temperature: "warm" }), "Invalid request body: /temperature must be number"],
      [audioForm({ model: "openai/whisper-large-v3" }, null), "Invalid request body: /file is required (the audio, as a file part)"]
    ]
    for (const [form, message] of cases) {
      const response = await upload("/audio/transcriptions", form)
      expect(response.status).toBe(400)
      expect(((await response.json()) as any).error.message).toBe(message)
    }
  })

  it("refuses a form on a route that takes JSON, and journals what a form held", async () => {
    const chat = await upload("/chat/completions", audioForm({ model: "openai/gpt-4o" }))
    expect(chat.status).toBe(400)
    expect(((await chat.json()) as any).error.message).toBe("POST /chat/completions takes a JSON body (application/json), not multipart/form-data")
    const entry = sim.journal.list({ path: "/chat/completions" }).at(-1)!
    expect(entry.body).toEqual({ file: { filename: "a.wav", contentType: "audio/wav", bytes: 3200 }, model: "openai/gpt-4o" })
  })
})
