import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import * as VideoRequest from "../src/VideoRequest.js"

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47])
const WEBP = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0x57])
const pngUrl = `data:image/png;base64,${Buffer.from(PNG).toString("base64")}`
const webpUrl = `data:image/webp;base64,${Buffer.from(WEBP).toString("base64")}`

const veo: VideoRequest.VideoCapabilities = {
  model: "google/veo-3.1",
  durations: [4, 6, 8],
  resolutions: ["720P", "1080P"],
  aspectRatios: ["16:9", "9:16"],
  sizes: ["1280x720", "720x1280"],
  supportsAudio: true,
  frameImages: ["first_frame", "last_frame"],
  maxInputImages: 2
}

const body = (
  options: Partial<VideoRequest.SubmitOptions>,
  capabilities: VideoRequest.VideoCapabilities | null = veo
): Record<string, unknown> => {
  const result = VideoRequest.submitBody("google/veo-3.1", { prompt: "a cat", ...options }, capabilities ?? undefined)
  if (Either.isLeft(result)) throw new Error(`unexpected BadInput: ${result.left.message}`)
  return result.right
}

const badInput = (
  options: Partial<VideoRequest.SubmitOptions>,
  capabilities: VideoRequest.VideoCapabilities | null = veo
) => {
  const result = VideoRequest.submitBody("google/veo-3.1", { prompt: "a cat", ...options }, capabilities ?? undefined)
  if (Either.isRight(result)) throw new Error(`expected BadInput, got ${JSON.stringify(result.right)}`)
  expect(result.left._tag).toBe("BadInput")
  return result.left
}

const frame = (url: string, frameType: "first_frame" | "last_frame") => ({
  type: "image_url",
  image_url: { url },
  frame_type: frameType
})
const ref = (url: string) => ({ type: "image_url", image_url: { url } })

describe("submitBody", () => {
  it("reproduces the reference example exactly, key order included", () => {
    const result = body({
      prompt: "A lighthouse at dusk",
      duration: 6,
      resolution: "720P",
      aspectRatio: " 16:9 ",
      size: "1280x720",
      audio: false,
      images: [
        { bytes: PNG, mimeType: "image/png" },
        { bytes: PNG },
        { bytes: WEBP, mimeType: "image/webp" }
      ],
      seed: 42,
      callbackUrl: "https://example.com/openrouter-video-hook",
      timeoutMs: 1000
    })
    const expected = {
      model: "google/veo-3.1",
      prompt: "A lighthouse at dusk",
      duration: 6,
      resolution: "720p",
      aspect_ratio: "16:9",
      size: "1280x720",
      generate_audio: false,
      frame_images: [frame(pngUrl, "first_frame"), frame(pngUrl, "last_frame")],
      input_references: [ref(webpUrl)],
      callback_url: "https://example.com/openrouter-video-hook",
      seed: 42
    }
    expect(JSON.stringify(result)).toBe(JSON.stringify(expected))
  })

  it("omits empty keys and passes the provider object through last", () => {
    const provider = { options: { "google-vertex": { parameters: { negativePrompt: "blurry" } } } }
    expect(JSON.stringify(body({ provider, callbackUrl: "  ", aspectRatio: "" }))).toBe(
      JSON.stringify({ model: "google/veo-3.1", prompt: "a cat", provider })
    )
  })

  it("snaps durations: 7 → 8, 5.4 → 6, live [5] keeps 5, non-finite omitted", () => {
    expect(body({ duration: 7 }).duration).toBe(8)
    expect(body({ duration: 5.4 }).duration).toBe(6)
    expect(body({ duration: 5 }, { ...veo, durations: [5] }).duration).toBe(5)
    expect(body({ duration: 7 }, null).duration).toBe(8)
    expect(body({ duration: 7 }, { ...veo, durations: [] }).duration).toBe(8)
    expect("duration" in body({ duration: Number.NaN })).toBe(false)
    expect("duration" in body({ duration: Number.POSITIVE_INFINITY })).toBe(false)
  })

  it("seed: 42 kept, 42.9 refused, non-number omitted", () => {
    expect(body({ seed: 42 }).seed).toBe(42)
    const error = badInput({ seed: 42.9 })
    expect(error.message).toBe("OpenRouter video seed must be an integer")
    expect(error.field).toBe("seed")
    expect(badInput({ seed: 2 ** 60 }).field).toBe("seed")
    expect("seed" in body({ seed: "7" as unknown as number })).toBe(false)
  })

  it("refuses video reference inputs", () => {
    const error = badInput({ videos: [{ url: "https://example.com/a.mp4" }] })
    expect(error.message).toBe("OpenRouter video generation does not support video reference inputs.")
    expect(Either.isRight(VideoRequest.submitBody("m", { prompt: "x", videos: [] }, undefined))).toBe(true)
  })

  it("refuses an unsupported aspect ratio with the allowed list", () => {
    const error = badInput({ aspectRatio: "21:9" })
    expect(error.field).toBe("aspectRatio")
    expect(error.value).toBe("21:9")
    expect(error.allowed).toEqual(["16:9", "9:16"])
    expect(error.message).toContain("21:9")
    expect(error.message).toContain("google/veo-3.1")
    expect(error.message).toContain("16:9, 9:16")
  })

  it("refuses an unsupported resolution with the allowed list", () => {
    const error = badInput({ resolution: "4K" })
    expect(error.field).toBe("resolution")
    expect(error.value).toBe("4K")
    expect(error.allowed).toEqual(["720P", "1080P"])
    expect(error.message).toContain("4K")
    expect(error.message).toContain("720P, 1080P")
  })

  it("does not check values without capabilities", () => {
    expect(body({ aspectRatio: "21:9", resolution: "4K" }, null)).toMatchObject({
      aspect_ratio: "21:9",
      resolution: "4K"
    })
  })

  it("sends resolutions lower-cased, except 1K/2K/4K", () => {
    expect(body({ resolution: "720P" }).resolution).toBe("720p")
    expect(body({ resolution: "720p" }).resolution).toBe("720p")
    expect(body({ resolution: "1080P" }).resolution).toBe("1080p")
    const k = { ...veo, resolutions: ["1K", "2K", "4K"] }
    expect(body({ resolution: "2K" }, k).resolution).toBe("2K")
    expect(body({ resolution: "1K" }, k).resolution).toBe("1K")
    expect(body({ resolution: "4K" }, null).resolution).toBe("4K")
  })

  it("generate_audio only when boolean", () => {
    expect(body({ audio: true }).generate_audio).toBe(true)
    expect("generate_audio" in body({})).toBe(false)
  })

  describe("image slots", () => {
    const a = { url: "https://example.com/a.png" }
    const b = { url: "https://example.com/b.png" }
    const c = { url: " https://example.com/c.png " }
    const urlA = "https://example.com/a.png"
    const urlB = "https://example.com/b.png"
    const urlC = "https://example.com/c.png"

    it("no-role images fill first, then last, then overflow", () => {
      expect(body({ images: [a] })).toMatchObject({ frame_images: [frame(urlA, "first_frame")] })
      expect("input_references" in body({ images: [a] })).toBe(false)
      expect(body({ images: [a, b, c] })).toMatchObject({
        frame_images: [frame(urlA, "first_frame"), frame(urlB, "last_frame")],
        input_references: [ref(urlC)]
      })
    })

    it("more frame images than the model allows still follow the slot rules", () => {
      const result = body({ images: [a, b, c] }, { ...veo, frameImages: ["first_frame"], maxInputImages: 1 })
      expect(result.frame_images).toEqual([frame(urlA, "first_frame"), frame(urlB, "last_frame")])
      expect(result.input_references).toEqual([ref(urlC)])
    })

    it("reference_image goes to input_references", () => {
      const result = body({ images: [{ ...a, role: "reference_image" }, b] })
      expect(result.frame_images).toEqual([frame(urlB, "first_frame")])
      expect(result.input_references).toEqual([ref(urlA)])
    })

    it("explicit roles take their slot, taken slots overflow", () => {
      const result = body({
        images: [{ ...a, role: "last_frame" }, b, { ...c, role: "last_frame" }]
      })
      expect(result.frame_images).toEqual([frame(urlB, "first_frame"), frame(urlA, "last_frame")])
      expect(result.input_references).toEqual([ref(urlC)])
      const second = body({ images: [{ ...a, role: "first_frame" }, { ...b, role: "first_frame" }] })
      expect(second.frame_images).toEqual([frame(urlA, "first_frame")])
      expect(second.input_references).toEqual([ref(urlB)])
    })

    it("no-role after a last_frame takes the first slot, then overflows", () => {
      const result = body({ images: [{ ...a, role: "last_frame" }, b, c] })
      expect(result.frame_images).toEqual([frame(urlB, "first_frame"), frame(urlA, "last_frame")])
      expect(result.input_references).toEqual([ref(urlC)])
    })

    it("bytes win over url; mime defaults to image/png", () => {
      const result = body({ images: [{ bytes: PNG, url: urlA }] })
      expect(result.frame_images).toEqual([frame(pngUrl, "first_frame")])
    })

    it("an image with neither bytes nor url is refused", () => {
      const error = badInput({ images: [a, { mimeType: "image/png" }] })
      expect(error.message).toBe("OpenRouter video generation requires image references to include a URL or buffer.")
      expect(badInput({ images: [{ url: "   " }] }).field).toBe("images")
    })
  })

  it.prop(
    "never throws on arbitrary input",
    [fc.anything(), fc.anything(), fc.anything()],
    ([model, options, capabilities]) => {
      const result = VideoRequest.submitBody(
        model as string,
        options as VideoRequest.SubmitOptions,
        capabilities as VideoRequest.VideoCapabilities
      )
      expect(Either.isEither(result)).toBe(true)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  it.prop(
    "keeps every image exactly once, at most one per frame slot",
    [
      fc.record({
        prompt: fc.string(),
        duration: fc.double(),
        seed: fc.oneof(fc.integer(), fc.double()),
        images: fc.array(
          fc.record(
            {
              url: fc.webUrl(),
              role: fc.constantFrom("first_frame", "last_frame", "reference_image")
            },
            { requiredKeys: ["url"] }
          ),
          { maxLength: 6 }
        )
      })
    ],
    ([options]) => {
    const result = VideoRequest.submitBody("m", options as VideoRequest.SubmitOptions, undefined)
    if (Either.isLeft(result)) {
      expect(result.left.field).toBe("seed")
      return
    }
    const frames = (result.right.frame_images ?? []) as Array<{ frame_type: string }>
    const refs = (result.right.input_references ?? []) as Array<unknown>
    expect(frames.length + refs.length).toBe(options.images.length)
    expect(new Set(frames.map((f) => f.frame_type)).size).toBe(frames.length)
    if (result.right.duration !== undefined) expect([4, 6, 8]).toContain(result.right.duration)
    },
    { fastCheck: { numRuns: propertyRuns(500) } }
  )
})

describe("snapDuration", () => {
  it("follows the reference examples", () => {
    expect(VideoRequest.snapDuration(7, [4, 6, 8])).toBe(8)
    expect(VideoRequest.snapDuration(5.4, [4, 6, 8])).toBe(6)
    expect(VideoRequest.snapDuration(5, [5])).toBe(5)
    expect(VideoRequest.snapDuration(5, [4, 6, 8])).toBe(6)
    expect(VideoRequest.snapDuration(4.4, [4, 6, 8])).toBe(4)
    expect(VideoRequest.snapDuration(0, [1, 2])).toBe(1)
    expect(VideoRequest.snapDuration(-10, [4, 6, 8])).toBe(4)
    expect(VideoRequest.snapDuration(100, [4, 6, 8])).toBe(8)
    expect(VideoRequest.snapDuration(Number.NaN, [4, 6, 8])).toBeUndefined()
    expect(VideoRequest.snapDuration(Number.NEGATIVE_INFINITY, [4, 6, 8])).toBeUndefined()
    expect(VideoRequest.snapDuration(5, [])).toBeUndefined()
  })

  it.prop(
    "always returns a member of a non-empty list for finite input",
    [fc.double({ noNaN: true, noDefaultInfinity: true }), fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 })],
    ([requested, supported]) => {
      expect(supported).toContain(VideoRequest.snapDuration(requested, supported))
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})

const MALFORMED = "OpenRouter video generation response malformed"

describe("parseJob", () => {
  it.each<[string, unknown]>([
    ["not an object (string)", "{\"id\":\"x\"}"],
    ["not an object (null)", null],
    ["not an object (array)", [{ id: "x" }]],
    ["unsigned_urls as an object", { id: "x", unsigned_urls: { 0: "https://x" } }],
    ["unsigned_urls as [\"\"]", { id: "x", unsigned_urls: [""] }],
    ["unsigned_urls with a number", { id: "x", unsigned_urls: ["https://x", 1] }],
    ["usage as a string", { id: "x", usage: "0.4" }],
    ["usage as null", { id: "x", usage: null }]
  ])("%s → malformed", (_name, input) => {
    const result = VideoRequest.parseJob(input)
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left._tag).toBe("MalformedResponse")
      expect(result.left.message).toBe(MALFORMED)
    }
  })

  it("reads a completed payload", () => {
    const result = VideoRequest.parseJob({
      id: "Vd4kP9sQw2Lr7Tm1Xc8B",
      polling_url: "/api/v1/videos/Vd4kP9sQw2Lr7Tm1Xc8B",
      status: "completed",
      generation_id: "gen-1786000800-Jk2sE5rVn8Qa3Wt6MyCp",
      unsigned_urls: ["https://openrouter.ai/api/v1/videos/Vd4kP9sQw2Lr7Tm1Xc8B/content?index=0"],
      usage: { cost: 0.4, is_byok: false }
    })
    expect(result).toEqual(
      Either.right({
        id: "Vd4kP9sQw2Lr7Tm1Xc8B",
        pollingUrl: "/api/v1/videos/Vd4kP9sQw2Lr7Tm1Xc8B",
        status: "completed",
        generationId: "gen-1786000800-Jk2sE5rVn8Qa3Wt6MyCp",
        unsignedUrls: ["https://openrouter.ai/api/v1/videos/Vd4kP9sQw2Lr7Tm1Xc8B/content?index=0"],
        error: undefined,
        model: undefined,
        usage: { cost: 0.4, isByok: false }
      })
    )
  })

  it("reads a failed payload and a null unsigned_urls", () => {
    const result = VideoRequest.parseJob({
      id: "Rt7cW1zHn4Yb8Ks2Fq5D",
      status: "failed",
      error: "Content policy violation",
      unsigned_urls: null,
      model: "google/veo-3.1",
      usage: { cost: null }
    })
    expect(Either.isRight(result)).toBe(true)
    if (Either.isRight(result)) {
      expect(result.right.error).toBe("Content policy violation")
      expect(result.right.unsignedUrls).toEqual([])
      expect(result.right.model).toBe("google/veo-3.1")
      expect(result.right.usage).toEqual({ cost: undefined, isByok: undefined })
      expect(result.right.pollingUrl).toBeUndefined()
    }
  })

  it.prop("never throws on arbitrary input", [fc.anything()], ([input]) => {
    expect(Either.isEither(VideoRequest.parseJob(input))).toBe(true)
  }, { fastCheck: { numRuns: propertyRuns(1000) } })
})

describe("classifyStatus", () => {
  it.each<[string | undefined, string]>([
    ["pending", "in_progress"],
    ["in_progress", "in_progress"],
    ["queued", "in_progress"],
    ["processing", "in_progress"],
    ["running", "in_progress"],
    ["completed", "completed"],
    ["failed", "failed"],
    ["cancelled", "failed"],
    ["expired", "failed"],
    ["", "missing"],
    [undefined, "missing"],
    ["dead", "unknown"],
    ["done", "unknown"]
  ])("%s → %s", (status, expected) => {
    expect(VideoRequest.classifyStatus(status)).toBe(expected)
  })
})

describe("capabilitiesFromCatalog", () => {
  it("maps a /videos/models body", () => {
    const catalog = VideoRequest.capabilitiesFromCatalog({
      data: [
        {
          id: "google/veo-3.1-lite",
          canonical_slug: "google/veo-3.1-lite",
          name: "Google: Veo 3.1 Lite",
          created: 1774000000,
          supported_resolutions: ["720p", "1080p"],
          supported_aspect_ratios: ["16:9", "9:16"],
          supported_sizes: ["1280x720", "720x1280"],
          supported_durations: [4, 6, Number.NaN, "8", 8],
          supported_frame_images: ["first_frame", "last_frame", "first_frame", "middle_frame"],
          generate_audio: true,
          seed: true,
          pricing_skus: { "per-video-second": "0.10" }
        },
        { id: "google/veo-3.1-lite", supported_durations: [10] },
        { id: "alibaba/wan-2.6", generate_audio: null },
        { name: "no id" },
        "junk",
        null
      ]
    })
    expect([...catalog.keys()]).toEqual(["google/veo-3.1-lite", "alibaba/wan-2.6"])
    expect(catalog.get("google/veo-3.1-lite")).toEqual({
      model: "google/veo-3.1-lite",
      durations: [4, 6, 8],
      resolutions: ["720P", "1080P"],
      aspectRatios: ["16:9", "9:16"],
      sizes: ["1280x720", "720x1280"],
      supportsAudio: true,
      frameImages: ["first_frame", "last_frame"],
      maxInputImages: 2
    })
    expect(catalog.get("alibaba/wan-2.6")).toEqual({
      model: "alibaba/wan-2.6",
      durations: [],
      resolutions: [],
      aspectRatios: [],
      sizes: [],
      supportsAudio: false,
      frameImages: [],
      maxInputImages: 0
    })
  })

  it("gives an empty map for other shapes", () => {
    expect(VideoRequest.capabilitiesFromCatalog(null).size).toBe(0)
    expect(VideoRequest.capabilitiesFromCatalog({ data: {} }).size).toBe(0)
    expect(VideoRequest.capabilitiesFromCatalog([]).size).toBe(0)
  })

  it.prop("never throws", [fc.anything()], ([input]) => {
    expect(VideoRequest.capabilitiesFromCatalog(input)).toBeInstanceOf(Map)
  }, { fastCheck: { numRuns: propertyRuns(1000) } })

  it("bundled capabilities describe the default model", () => {
    expect(VideoRequest.defaultModel).toBe("google/veo-3.1-fast")
    expect(VideoRequest.bundled).toMatchObject({
      model: "google/veo-3.1-fast",
      durations: [4, 6, 8],
      resolutions: ["720P", "1080P"],
      aspectRatios: ["16:9", "9:16"],
      supportsAudio: true,
      frameImages: ["first_frame", "last_frame"],
      maxInputImages: 4
    })
  })
})
