import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Option } from "effect"
import * as ImageExtraction from "../src/ImageExtraction.js"

const MALFORMED = "OpenRouter image generation response malformed"
const MISSING = "OpenRouter image generation response missing image data"

const b64 = (bytes: ReadonlyArray<number>): string => Buffer.from(bytes).toString("base64")
const PNG = [0x89, 0x50, 0x4e, 0x47]
const JPEG = [0xff, 0xd8, 0xff]
const WEBP = [0x52, 0x49, 0x46, 0x46, 0x57]
const SVG = [...Buffer.from("<svg/>")]
const dataUrl = (mime: string, bytes: ReadonlyArray<number>): string => `data:${mime};base64,${b64(bytes)}`

const withMessage = (message: unknown) => ({ choices: [{ message }] })

interface Expected {
  readonly mimeType: string
  readonly bytes: ReadonlyArray<number>
  readonly fileName: string
}

const ok = (...images: ReadonlyArray<Expected>) => ({ ok: images })
const img = (mimeType: string, bytes: ReadonlyArray<number>, fileName: string): Expected => ({
  mimeType,
  bytes,
  fileName
})

type Case = readonly [name: string, body: unknown, expected: { ok: ReadonlyArray<Expected> } | "malformed" | "missing"]

const cases: ReadonlyArray<Case> = [
  // --- body and choices -------------------------------------------------------------------
  ["body null", null, "malformed"],
  ["body a string", "data:image/png;base64,AAAA", "malformed"],
  ["body a number", 42, "malformed"],
  ["body an array", [{ choices: [] }], "malformed"],
  ["choices missing", {}, "missing"],
  ["choices null", { choices: null }, "missing"],
  ["choices empty", { choices: [] }, "missing"],
  ["choices an object", { choices: { message: { content: dataUrl("image/png", PNG) } } }, "malformed"],
  ["choices a string", { choices: "nope" }, "malformed"],
  ["choice null", { choices: [null] }, "malformed"],
  ["choice a string", { choices: ["x"] }, "malformed"],
  ["choice an array", { choices: [[]] }, "malformed"],
  ["message missing", { choices: [{}] }, "missing"],
  ["message null skipped", { choices: [{ message: null }] }, "missing"],
  [
    "message null skipped among others",
    { choices: [{ message: null }, { message: { images: [{ image_url: { url: dataUrl("image/png", PNG) } }] } }] },
    ok(img("image/png", PNG, "image-1.png"))
  ],
  ["message a string", withMessage("hello"), "malformed"],
  ["message an array", withMessage([]), "malformed"],
  ["message without images or content", withMessage({ role: "assistant" }), "missing"],
  // --- message.images ---------------------------------------------------------------------
  [
    "images with image_url",
    withMessage({ images: [{ type: "image_url", image_url: { url: dataUrl("image/png", PNG) } }] }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  [
    "images with imageUrl",
    withMessage({ images: [{ imageUrl: { url: dataUrl("image/jpeg", JPEG) } }] }),
    ok(img("image/jpeg", JPEG, "image-1.jpg"))
  ],
  [
    "images: several entries in order",
    withMessage({
      images: [
        { image_url: { url: dataUrl("image/png", PNG) } },
        { imageUrl: { url: dataUrl("image/webp", WEBP) } }
      ]
    }),
    ok(img("image/png", PNG, "image-1.png"), img("image/webp", WEBP, "image-2.webp"))
  ],
  ["images null counts as missing", withMessage({ images: null }), "missing"],
  ["images empty", withMessage({ images: [] }), "missing"],
  ["images not an array", withMessage({ images: { image_url: { url: dataUrl("image/png", PNG) } } }), "malformed"],
  ["images entry not an object", withMessage({ images: ["x"] }), "malformed"],
  ["images entry null", withMessage({ images: [null] }), "malformed"],
  ["images entry without url holder", withMessage({ images: [{ type: "image_url" }] }), "malformed"],
  ["images image_url a string", withMessage({ images: [{ image_url: dataUrl("image/png", PNG) }] }), "malformed"],
  ["images url missing", withMessage({ images: [{ image_url: {} }] }), "malformed"],
  ["images url empty", withMessage({ images: [{ image_url: { url: "" } }] }), "malformed"],
  ["images url not a string", withMessage({ images: [{ image_url: { url: 7 } }] }), "malformed"],
  ["images url https", withMessage({ images: [{ image_url: { url: "https://x.test/a.png" } }] }), "malformed"],
  ["images url not an image", withMessage({ images: [{ image_url: { url: dataUrl("text/plain", PNG) } }] }), "malformed"],
  ["images url without base64 marker", withMessage({ images: [{ image_url: { url: "data:image/png,AAAA" } }] }), "malformed"],
  [
    "images base64 of bad length",
    withMessage({ images: [{ image_url: { url: "data:image/png;base64,AAAAA" } }] }),
    "malformed"
  ],
  [
    "images base64 with 3 =",
    withMessage({ images: [{ image_url: { url: "data:image/png;base64,AAAAA===" } }] }),
    "malformed"
  ],
  [
    "images base64 with = in the middle",
    withMessage({ images: [{ image_url: { url: "data:image/png;base64,AA==AAAA" } }] }),
    "malformed"
  ],
  [
    "images base64 with a foreign character",
    withMessage({ images: [{ image_url: { url: "data:image/png;base64,AA-_" } }] }),
    "malformed"
  ],
  ["images base64 empty", withMessage({ images: [{ image_url: { url: "data:image/png;base64," } }] }), "malformed"],
  [
    "images base64 with whitespace inside accepted",
    withMessage({ images: [{ image_url: { url: `data:image/png;base64,${b64(WEBP).slice(0, 3)} \n\t${b64(WEBP).slice(3)} \r\n` } }] }),
    ok(img("image/png", WEBP, "image-1.png"))
  ],
  [
    "images data URL with params",
    withMessage({ images: [{ image_url: { url: `data:image/svg+xml;charset=x;base64,${b64(SVG)}` } }] }),
    ok(img("image/svg+xml", SVG, "image-1.svg"))
  ],
  [
    "images data URL with mixed case",
    withMessage({ images: [{ image_url: { url: `DATA:Image/PNG;BASE64,${b64(PNG)}` } }] }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  [
    "one bad images entry spoils the response",
    withMessage({
      images: [{ image_url: { url: dataUrl("image/png", PNG) } }, { image_url: { url: "data:image/png;base64,A" } }]
    }),
    "malformed"
  ],
  // --- message.content as a string --------------------------------------------------------
  ["string content without images", withMessage({ content: "Here is nothing." }), "missing"],
  [
    "string content with one data URL",
    withMessage({ content: `Here: ![x](${dataUrl("image/png", PNG)}) done` }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  [
    "string content with two data URLs and an invalid one skipped",
    withMessage({
      content: `a ${dataUrl("image/png", PNG)} b data:image/png;base64,AAAAA c data:image/jpeg;base64,AA=A d ${
        dataUrl("image/webp", WEBP)
      }`
    }),
    ok(img("image/png", PNG, "image-1.png"), img("image/webp", WEBP, "image-2.webp"))
  ],
  [
    "string content with only invalid data URLs",
    withMessage({ content: "data:image/png;base64,A=== and data:text/plain;base64,AAAA" }),
    "missing"
  ],
  // --- message.content as parts -----------------------------------------------------------
  ["parts empty", withMessage({ content: [] }), "missing"],
  ["part text skipped", withMessage({ content: [{ type: "text", text: dataUrl("image/png", PNG) }] }), "missing"],
  [
    "part image_url",
    withMessage({ content: [{ type: "image_url", image_url: { url: dataUrl("image/png", PNG) } }] }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  [
    "part image_url with imageUrl",
    withMessage({ content: [{ type: "image_url", imageUrl: { url: dataUrl("image/webp", WEBP) } }] }),
    ok(img("image/webp", WEBP, "image-1.webp"))
  ],
  [
    "part image_url with an invalid url",
    withMessage({ content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAA" } }] }),
    "malformed"
  ],
  ["part image_url without url", withMessage({ content: [{ type: "image_url" }] }), "malformed"],
  [
    "part b64_json",
    withMessage({ content: [{ type: "image", b64_json: b64(PNG) }] }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  [
    "part b64_json without type",
    withMessage({ content: [{ b64_json: b64(JPEG) }] }),
    ok(img("image/png", JPEG, "image-1.png"))
  ],
  [
    "part b64_json with media_type",
    withMessage({ content: [{ b64_json: b64(JPEG), media_type: "image/jpeg" }] }),
    ok(img("image/jpeg", JPEG, "image-1.jpg"))
  ],
  [
    "part b64_json with mime_type",
    withMessage({ content: [{ b64_json: b64(WEBP), mime_type: "image/webp" }] }),
    ok(img("image/webp", WEBP, "image-1.webp"))
  ],
  [
    "part b64_json with a non-image media_type keeps image/png",
    withMessage({ content: [{ b64_json: b64(PNG), media_type: "text/plain" }] }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  ["part b64_json empty", withMessage({ content: [{ b64_json: "" }] }), "malformed"],
  ["part b64_json whitespace only", withMessage({ content: [{ b64_json: " \n" }] }), "malformed"],
  ["part b64_json invalid", withMessage({ content: [{ b64_json: "AAAAA" }] }), "malformed"],
  ["part b64_json not a string", withMessage({ content: [{ b64_json: 12 }] }), "malformed"],
  [
    "part inlineData",
    withMessage({ content: [{ inlineData: { data: b64(JPEG), mimeType: "image/jpeg" } }] }),
    ok(img("image/jpeg", JPEG, "image-1.jpg"))
  ],
  [
    "part inline_data with mime_type",
    withMessage({ content: [{ inline_data: { data: b64(WEBP), mime_type: "image/webp" } }] }),
    ok(img("image/webp", WEBP, "image-1.webp"))
  ],
  [
    "part inlineData default mime",
    withMessage({ content: [{ inlineData: { data: b64(PNG) } }] }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  ["part inlineData not an object", withMessage({ content: [{ inlineData: "AAAA" }] }), "malformed"],
  ["part inlineData data invalid", withMessage({ content: [{ inlineData: { data: "AAA=A" } }] }), "malformed"],
  ["part inlineData data missing", withMessage({ content: [{ inlineData: { mimeType: "image/png" } }] }), "malformed"],
  [
    "part inlineData non-image mime",
    withMessage({ content: [{ inlineData: { data: b64(PNG), mimeType: "audio/wav" } }] }),
    "malformed"
  ],
  [
    "part inlineData mime not a string",
    withMessage({ content: [{ inlineData: { data: b64(PNG), mimeType: 3 } }] }),
    "malformed"
  ],
  ["unknown part skipped", withMessage({ content: [{ type: "audio", audio: {} }] }), "missing"],
  [
    "unknown part skipped among images",
    withMessage({
      content: [{ type: "text", text: "hi" }, { type: "reasoning" }, { type: "image_url", image_url: { url: dataUrl("image/png", PNG) } }]
    }),
    ok(img("image/png", PNG, "image-1.png"))
  ],
  ["part a string", withMessage({ content: ["text"] }), "malformed"],
  ["part null", withMessage({ content: [null] }), "malformed"],
  ["part a number", withMessage({ content: [1] }), "malformed"],
  ["part an array", withMessage({ content: [[]] }), "malformed"],
  // --- other content ----------------------------------------------------------------------
  ["content null", withMessage({ content: null }), "missing"],
  ["content a number", withMessage({ content: 5 }), "malformed"],
  ["content a boolean", withMessage({ content: true }), "malformed"],
  ["content an object", withMessage({ content: { type: "image_url" } }), "malformed"],
  // --- aggregation ------------------------------------------------------------------------
  [
    "images before content within a message",
    withMessage({
      images: [{ image_url: { url: dataUrl("image/jpeg", JPEG) } }],
      content: `see ${dataUrl("image/png", PNG)}`
    }),
    ok(img("image/jpeg", JPEG, "image-1.jpg"), img("image/png", PNG, "image-2.png"))
  ],
  [
    "multiple choices aggregated in order, n counted across them",
    {
      choices: [
        { message: { images: [{ image_url: { url: dataUrl("image/png", PNG) } }] } },
        { message: { content: `x ${dataUrl("image/jpeg", JPEG)} y ${dataUrl("image/svg+xml", SVG)}` } },
        { message: null },
        { message: { content: [{ b64_json: b64(WEBP), media_type: "image/webp" }] } }
      ]
    },
    ok(
      img("image/png", PNG, "image-1.png"),
      img("image/jpeg", JPEG, "image-2.jpg"),
      img("image/svg+xml", SVG, "image-3.svg"),
      img("image/webp", WEBP, "image-4.webp")
    )
  ],
  [
    "a malformed later choice spoils earlier images",
    { choices: [{ message: { images: [{ image_url: { url: dataUrl("image/png", PNG) } }] } }, "x"] },
    "malformed"
  ]
]

describe("ImageExtraction.extract", () => {
  it.each(cases)("%s", (_name, body, expected) => {
    const result = ImageExtraction.extract(body)
    if (expected === "malformed" || expected === "missing") {
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("MalformedResponse")
        expect(result.left.message).toBe(expected === "malformed" ? MALFORMED : MISSING)
        expect(result.left.requestId).toBeUndefined()
      }
    } else {
      expect(Either.isRight(result)).toBe(true)
      if (Either.isRight(result)) {
        expect(
          result.right.map((image) => ({ mimeType: image.mimeType, bytes: [...image.bytes], fileName: image.fileName }))
        ).toEqual(expected.ok)
        for (const image of result.right) expect(image.bytes).toBeInstanceOf(Uint8Array)
      }
    }
  })

  it("appends the request id to a malformed error", () => {
    const result = ImageExtraction.extract({ choices: "x" }, "req-123")
    expect(Either.isLeft(result) && result.left.message).toBe(`${MALFORMED} [request_id=req-123]`)
    expect(Either.isLeft(result) && result.left.requestId).toBe("req-123")
  })

  it("appends the request id to a missing-image error", () => {
    const result = ImageExtraction.extract({ choices: [] }, "abc")
    expect(Either.isLeft(result) && result.left.message).toBe(`${MISSING} [request_id=abc]`)
    expect(Either.isLeft(result) && result.left.requestId).toBe("abc")
  })

  it("ignores an empty request id", () => {
    const result = ImageExtraction.extract({ choices: [] }, " ")
    expect(Either.isLeft(result) && result.left.message).toBe(MISSING)
  })

  it("numbers many images without a cap", () => {
    const images = Array.from({ length: 12 }, () => ({ image_url: { url: dataUrl("image/png", PNG) } }))
    const result = ImageExtraction.extract(withMessage({ images }))
    expect(Either.isRight(result) && result.right.map((i) => i.fileName)).toEqual(
      Array.from({ length: 12 }, (_, i) => `image-${i + 1}.png`)
    )
  })

  it("treats a throwing getter as malformed", () => {
    const body = {
      get choices(): unknown {
        throw new Error("boom")
      }
    }
    const result = ImageExtraction.extract(body)
    expect(Either.isLeft(result) && result.left.message).toBe(MALFORMED)
  })
})

describe("ImageExtraction.isCanonicalBase64", () => {
  it.each([
    ["AAAA", true],
    ["AA==", true],
    ["AAA=", true],
    ["AAAAAA==", true],
    ["AB+/", true],
    [" AA\nAA \t", true],
    ["AA\r\n==", true],
    ["", false],
    ["  ", false],
    ["A", false],
    ["AAAAA", false],
    ["A===", false],
    ["AAAAA===", false],
    ["====", false],
    ["AA=A", false],
    ["A=AA", false],
    ["AA==AAAA", false],
    ["AA-_", false],
    ["AA%2B", false]
  ] as const)("%j → %s", (text, expected) => {
    expect(ImageExtraction.isCanonicalBase64(text)).toBe(expected)
  })
})

describe("ImageExtraction.parseImageDataUrl", () => {
  it("parses a plain data URL", () => {
    const parsed = ImageExtraction.parseImageDataUrl(dataUrl("image/png", PNG))
    expect(Option.map(parsed, (p) => ({ mimeType: p.mimeType, bytes: [...p.bytes] }))).toEqual(
      Option.some({ mimeType: "image/png", bytes: PNG })
    )
  })

  it("accepts parameters and drops them from the mime type", () => {
    const parsed = ImageExtraction.parseImageDataUrl(`data:image/jpeg;charset=x;name=a.jpg;base64,${b64(JPEG)}`)
    expect(Option.map(parsed, (p) => p.mimeType)).toEqual(Option.some("image/jpeg"))
  })

  it.each([
    "",
    "data:image/png;base64",
    "data:image/;base64,AAAA",
    "data:image/png;base64,AAA",
    "data:image/png,AAAA",
    "data:application/octet-stream;base64,AAAA",
    "data:image/png;param,x;base64,AAAA",
    "xdata:image/png;base64,AAAA",
    "https://example.test/image.png"
  ])("rejects %j", (url) => {
    expect(Option.isNone(ImageExtraction.parseImageDataUrl(url))).toBe(true)
  })
})

describe("ImageExtraction.extensionOf", () => {
  it.each([
    ["image/jpeg", "jpg"],
    ["image/JPEG", "jpg"],
    ["image/png", "png"],
    ["image/webp", "webp"],
    ["image/gif", "gif"],
    ["image/svg+xml", "svg"],
    ["image/svg+xml; charset=utf-8", "svg"],
    ["image/vnd.microsoft.icon", "vnd.microsoft.icon"],
    ["image/x-icon", "x-icon"],
    ["image", "png"]
  ])("%s → %s", (mime, ext) => {
    expect(ImageExtraction.extensionOf(mime)).toBe(ext)
  })
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const mimes = ["image/png", "image/jpeg", "image/webp", "image/gif", "image/svg+xml"] as const

/** Canonical base64 of 1…64 random bytes. */
const base64Arb = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("base64"))

/** Base64-ish text that is mostly, but not always, canonical. */
const nearBase64 = fc.oneof(
  { arbitrary: base64Arb, weight: 6 },
  {
    arbitrary: fc.tuple(base64Arb, fc.constantFrom("=", "==", "===", "A", " ", "\n", "-", "%")).map(([b, s]) => b + s),
    weight: 1
  },
  { arbitrary: fc.tuple(base64Arb, fc.nat()).map(([b, n]) => b.slice(0, n % (b.length + 1))), weight: 1 },
  { arbitrary: fc.string(), weight: 1 }
)

const validMime = fc.constantFrom(...mimes)

const nearUrl = fc.oneof(
  { arbitrary: fc.tuple(validMime, nearBase64).map(([m, d]) => `data:${m};base64,${d}`), weight: 6 },
  {
    arbitrary: fc.tuple(fc.constantFrom("text/plain", "image/", "image/png;x=1"), nearBase64).map(([m, d]) =>
      `data:${m};base64,${d}`
    ),
    weight: 1
  },
  { arbitrary: fc.string(), weight: 1 }
)

/** Mostly valid, sometimes anything. */
const mostly = <A>(arbitrary: fc.Arbitrary<A>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary, weight: 8 }, { arbitrary: fc.anything(), weight: 1 })

const nearUrlHolder = mostly(nearUrl.map((url) => ({ url })))

const nearPart = mostly(fc.oneof(
  fc.record({ type: fc.constant("text"), text: fc.string() }),
  fc.record({ type: fc.constant("image_url"), image_url: nearUrlHolder }),
  fc.record({ type: fc.constant("image_url"), imageUrl: nearUrlHolder }),
  fc.record({ b64_json: mostly(nearBase64) }, { requiredKeys: [] }),
  fc.record({ b64_json: nearBase64, media_type: mostly(validMime) }),
  fc.record({ inlineData: mostly(fc.record({ data: nearBase64, mimeType: mostly(validMime) }, { requiredKeys: ["data"] })) }),
  fc.record({ inline_data: fc.record({ data: nearBase64, mime_type: validMime }) })
))

const nearMessage = mostly(fc.record(
  {
    images: mostly(fc.array(mostly(fc.oneof(fc.record({ image_url: nearUrlHolder }), fc.record({ imageUrl: nearUrlHolder }))), {
      maxLength: 3
    })),
    content: mostly(fc.oneof(
      fc.array(nearPart, { maxLength: 3 }),
      fc.array(fc.oneof(fc.string(), nearUrl), { maxLength: 4 }).map((pieces) => pieces.join(" "))
    ))
  },
  { requiredKeys: [] }
))

const nearBody = mostly(fc.record({
  choices: mostly(fc.array(mostly(fc.record({ message: nearMessage }, { requiredKeys: [] })), { maxLength: 3 }))
}))

const isMalformedResponse = (result: ReturnType<typeof ImageExtraction.extract>, suffix = ""): boolean =>
  Either.match(result, {
    onLeft: (error) =>
      error._tag === "MalformedResponse" &&
      (error.message === MALFORMED + suffix || error.message === MISSING + suffix),
    onRight: (images) =>
      images.length > 0 &&
      images.every((image, i) =>
        image.bytes.length > 0 &&
        image.mimeType.startsWith("image/") &&
        image.fileName === `image-${i + 1}.${ImageExtraction.extensionOf(image.mimeType)}`
      )
  })

describe("ImageExtraction properties", () => {
  it.prop("extract never throws on anything", [fc.anything()], ([body]) => {
    expect(isMalformedResponse(ImageExtraction.extract(body))).toBe(true)
  }, { fastCheck: { numRuns: propertyRuns(1000) } })

  it.prop("extract never throws on near-valid bodies", [nearBody], ([body]) => {
    expect(isMalformedResponse(ImageExtraction.extract(body, "rid"), " [request_id=rid]")).toBe(true)
  }, { fastCheck: { numRuns: propertyRuns(1000) } })

  it.prop(
    "extracted bytes re-encode to the canonical base64 that was sent",
    [
      fc.array(
        fc.record({
          bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }),
          mime: fc.constantFrom(...mimes),
          form: fc.constantFrom("images", "imageUrl", "text", "part", "b64_json", "inlineData", "inline_data"),
          breakAt: fc.nat()
        }),
        { minLength: 1, maxLength: 6 }
      )
    ],
    ([specs]) => {
      const choices = specs.map(({ breakAt, bytes, form, mime }) => {
        const data = Buffer.from(bytes).toString("base64")
        const at = breakAt % (data.length + 1)
        const spaced = `${data.slice(0, at)}\n ${data.slice(at)}`
        const url = `data:${mime};base64,${form === "text" ? data : spaced}`
        switch (form) {
          case "images":
            return { message: { images: [{ image_url: { url } }] } }
          case "imageUrl":
            return { message: { images: [{ imageUrl: { url } }] } }
          case "text":
            return { message: { content: `Here you go: ${url}.` } }
          case "part":
            return { message: { content: [{ type: "image_url", image_url: { url } }] } }
          case "b64_json":
            return { message: { content: [{ b64_json: spaced, media_type: mime }] } }
          case "inlineData":
            return { message: { content: [{ inlineData: { data: spaced, mimeType: mime } }] } }
          case "inline_data":
            return { message: { content: [{ inline_data: { data: spaced, mime_type: mime } }] } }
        }
      })
      const result = ImageExtraction.extract({ choices })
      expect(Either.isRight(result)).toBe(true)
      if (Either.isRight(result)) {
        expect(result.right.length).toBe(specs.length)
        result.right.forEach((image, i) => {
          const spec = specs[i]!
          expect(Buffer.from(image.bytes).toString("base64")).toBe(Buffer.from(spec.bytes).toString("base64"))
          expect(image.mimeType).toBe(spec.mime)
          expect(image.fileName).toBe(`image-${i + 1}.${ImageExtraction.extensionOf(spec.mime)}`)
        })
      }
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  it.prop("isCanonicalBase64 agrees with a decode/encode round trip", [nearBase64], ([text]) => {
    const clean = text.replace(/[\t\n\f\r ]+/g, "")
    if (ImageExtraction.isCanonicalBase64(text)) {
      const decoded = Buffer.from(clean, "base64")
      expect(decoded.length).toBeGreaterThan(0)
      // Canonical text re-encodes to itself, up to the unused bits of the last quantum.
      expect(Buffer.from(decoded.toString("base64"), "base64")).toEqual(decoded)
      expect(decoded.toString("base64").length).toBe(clean.length)
    }
  }, { fastCheck: { numRuns: propertyRuns(1000) } })
})
