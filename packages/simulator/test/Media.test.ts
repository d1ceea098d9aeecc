// The media generators, checked with real parsers: every MP4 parses with mp4box with the right
// duration, track, frame size, sample table and exact byte length; every MP3 and WAV parses with
// music-metadata with the right format and duration.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Audio from "../src/media/Audio.js"
import * as H264 from "../src/media/H264.js"
import * as Mp4 from "../src/media/Mp4.js"
import * as VideoModels from "../src/media/VideoModels.js"
import * as Videos from "../src/media/Videos.js"
import { parseAudio, parseMp4 } from "./mediaParsers.js"

const u32At = (bytes: Uint8Array, offset: number): number => new DataView(bytes.buffer, bytes.byteOffset).getUint32(offset)
const typeAt = (bytes: Uint8Array, offset: number): string => String.fromCharCode(...bytes.subarray(offset, offset + 4))

/** Even sides up to 1920: the sizes the API hands out, and odd shapes a generator must survive. */
const side = fc.integer({ min: 1, max: 960 }).map((n) => n * 2)

/** The NAL unit type of a sample (a 4-byte length, then the NAL header). */
const nalType = (file: Uint8Array, offset: number): number => file[offset + 4]! & 0x1f

const expectValidMp4 = (file: Uint8Array, expected: { readonly ms: number; readonly width: number; readonly height: number }) => {
  const { boxes, info, samples } = parseMp4(file)
  const frames = Math.ceil((expected.ms * Mp4.FRAME_RATE) / 1000)
  expect(boxes.map((box) => box.type)).toEqual(["ftyp", "moov", "mdat"])
  expect(boxes.reduce((n, box) => n + box.size, 0)).toBe(file.length)
  expect(info.timescale).toBe(1000)
  expect(info.duration).toBe(expected.ms)
  expect(info.isFragmented).toBe(false)
  expect(info.tracks).toHaveLength(1)
  expect(info.videoTracks).toHaveLength(1)
  const [track] = info.videoTracks
  expect(track?.codec).toMatch(/^avc1\.42c0[0-9a-f]{2}$/)
  expect(track?.video).toEqual({ width: expected.width, height: expected.height })
  expect(track?.nb_samples).toBe(frames)
  expect((track?.duration ?? 0) / (track?.timescale ?? 1)).toBeCloseTo(expected.ms / 1000, 9)
  // The sample table: one IDR (the only sync sample) then P pictures, all inside the mdat.
  expect(samples).toHaveLength(frames)
  expect(samples.reduce((n, s) => n + s.duration, 0)).toBe(expected.ms * Mp4.FRAME_RATE)
  expect(samples.map((s) => s.is_sync)).toEqual(samples.map((_, i) => i === 0))
  for (const [i, s] of samples.entries()) {
    expect(u32At(file, s.offset)).toBe(s.size - 4)
    expect(nalType(file, s.offset)).toBe(i === 0 ? 5 : 1)
  }
  const last = samples[samples.length - 1]!
  expect(last.offset + last.size).toBeLessThanOrEqual(file.length)
}

describe("Mp4", () => {
  it.prop(
    "any duration, frame size and byte count: mp4box parses it with that duration and one track, and it is exactly that long",
    [fc.double({ min: 0.0005, max: 60, noNaN: true }), side, side, fc.integer({ min: 0, max: 400_000 })],
    ([seconds, width, height, requested]) => {
      const size = { width, height }
      const minimum = Mp4.minimumBytes({ seconds, size })
      const file = Mp4.encode({ seconds, size, bytes: requested })
      expect(file.length).toBe(Math.max(minimum, requested))
      expectValidMp4(file, { ms: Math.max(1, Math.round(seconds * 1000)), width, height })
    },
    { fastCheck: { numRuns: propertyRuns(60) } }
  )

  it.prop(
    "bytesAt, chunk by chunk, gives the same bytes as the whole file",
    [fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 70_000 })],
    ([seconds, extra, chunk]) => {
      const layout = Mp4.layout({ seconds, size: { width: 320, height: 240 }, bytes: Mp4.minimumBytes({ seconds, size: { width: 320, height: 240 } }) + extra })
      const whole = Mp4.encode({ seconds, size: { width: 320, height: 240 }, bytes: layout.size })
      const parts: Array<Uint8Array> = []
      for (let offset = 0; offset < layout.size; offset += chunk) parts.push(Mp4.bytesAt(layout, offset, chunk))
      expect(Buffer.concat(parts).equals(whole)).toBe(true)
      expect(Mp4.bytesAt(layout, layout.size, 10)).toHaveLength(0)
      expect(Mp4.bytesAt(layout, layout.size - 3, 10)).toHaveLength(3)
    },
    { fastCheck: { numRuns: propertyRuns(40) } }
  )

  it("is deterministic", () => {
    const options = { seconds: 4, size: { width: 640, height: 360 }, bytes: 50_000 }
    expect(Buffer.from(Mp4.encode(options)).equals(Mp4.encode(options))).toBe(true)
  })

  it("puts moov first, so the first kilobytes of a 256 MiB file are enough for onReady; the rest is never built", () => {
    const bytes = 256 * 1024 * 1024
    const layout = Mp4.layout({ seconds: 8, size: { width: 1920, height: 1080 }, bytes })
    expect(layout.size).toBe(bytes)
    expect(layout.head.length).toBeLessThan(16 * 1024)
    const { boxes, info } = parseMp4(layout.head)
    expect(boxes.map((box) => box.type)).toEqual(["ftyp", "moov", "mdat"])
    expect(boxes[2]?.size).toBe(bytes - boxes[0]!.size - boxes[1]!.size)
    expect(info.duration / info.timescale).toBe(8)
    expect(info.videoTracks[0]?.video).toEqual({ width: 1920, height: 1080 })
    expect(Array.from(Mp4.bytesAt(layout, bytes - 5, 64 * 1024))).toEqual([0, 0, 0, 0, 0])
  })

  it("gives an mdat past 4 GiB the 64-bit largesize header, keeping the exact size", () => {
    const bytes = 5 * 1024 ** 3 + 7
    const layout = Mp4.layout({ seconds: 2, size: { width: 64, height: 64 }, bytes })
    expect(layout.size).toBe(bytes)
    const { boxes, samples } = parseMp4(layout.head)
    const mdatAt = boxes[0]!.size + boxes[1]!.size
    expect(u32At(layout.head, mdatAt)).toBe(1)
    expect(typeAt(layout.head, mdatAt + 4)).toBe("mdat")
    expect(Number(new DataView(layout.head.buffer).getBigUint64(mdatAt + 8))).toBe(bytes - mdatAt)
    expect(samples[0]?.offset).toBe(mdatAt + 16)
    expect(nalType(layout.head, mdatAt + 16)).toBe(5)
  })

  it("the checker is strict: bytes without an ftyp and a moov (the old filler download) fail it", () => {
    const filler = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 0xff)
    expect(() => parseMp4(filler)).toThrow(/mp4box/)
    const cut = Mp4.encode({ seconds: 2, size: { width: 64, height: 64 } })
    expect(() => parseMp4(cut.subarray(0, 200))).toThrow(/onReady/)
  })

  it("rejects a frame size that is odd or out of range", () => {
    expect(() => Mp4.layout({ seconds: 1, size: { width: 641, height: 360 } })).toThrow(RangeError)
    expect(() => Mp4.layout({ seconds: 1, size: { width: 8192, height: 360 } })).toThrow(RangeError)
  })
})

describe("H264", () => {
  it("chooses the lowest level whose frame size fits", () => {
    expect(H264.levelOf({ width: 1280, height: 720 })).toBe(40)
    expect(H264.levelOf({ width: 640, height: 360 })).toBe(30)
    expect(H264.levelOf({ width: 3840, height: 2160 })).toBe(51)
  })

  it("never lets a start code appear inside a NAL unit", () => {
    for (const size of [{ width: 2, height: 2 }, { width: 1920, height: 1080 }, { width: 4096, height: 16 }]) {
      for (const unit of [H264.sps(size), H264.pps(), H264.idr(size), H264.skipped(size, 1), H264.skipped(size, 15)]) {
        expect(Buffer.from(unit).includes(Buffer.of(0, 0, 1))).toBe(false)
        expect(Buffer.from(unit).includes(Buffer.of(0, 0, 0))).toBe(false)
      }
    }
  })
})

describe("the video a job serves", () => {
  const job = (body: Record<string, unknown>): Videos.VideoJob => {
    const checked = VideoModels.check({ model: "google/veo-3.1-fast", prompt: "A lighthouse", ...body })
    if (Either.isLeft(checked)) throw new Error("the request was refused")
    return {
      id: "job", apiKey: undefined, request: checked.right, submittedAt: 0, processingMs: 0, pollingUrl: "",
      generationId: "gen", cost: 0, outcome: undefined, recorded: false
    }
  }

  it("takes the frame size from resolution and aspect_ratio (720p 16:9 by default)", () => {
    expect(Videos.frameSizeOf(job({}).request)).toEqual({ width: 1280, height: 720 })
    expect(Videos.frameSizeOf(job({ resolution: "1080p", aspect_ratio: "9:16" }).request)).toEqual({ width: 1080, height: 1920 })
  })

  it("lasts the job's duration and is exactly videoBytes long", () => {
    const file = Videos.videoFile(job({ duration: 6, resolution: "1080p" }), 300_000)
    expect(file.size).toBe(300_000)
    expectValidMp4(Mp4.bytesAt(file, 0, file.size), { ms: 6000, width: 1920, height: 1080 })
  })

  it("shrinks the frame when videoBytes is too small for it, and is the smallest file below that", () => {
    const small = Videos.videoFile(job({ duration: 8, resolution: "1080p", aspect_ratio: "9:16" }), 4096)
    expect(small.size).toBe(4096)
    expect(small.frameSize).toEqual({ width: 18, height: 32 })
    expectValidMp4(Mp4.bytesAt(small, 0, small.size), { ms: 8000, width: 18, height: 32 })
    const tiny = Videos.videoFile(job({ duration: 8 }), 100)
    expect(tiny.size).toBe(Mp4.minimumBytes({ seconds: 8, size: tiny.frameSize }))
    expectValidMp4(Mp4.bytesAt(tiny, 0, tiny.size), { ms: 8000, width: 32, height: 18 })
  })
})

describe("Audio", () => {
  const frameSeconds = Audio.MP3_SAMPLES_PER_FRAME / Audio.MP3_SAMPLE_RATE

  it("MP3: any duration parses with music-metadata as CBR MPEG-1 Layer III, mono 44.1 kHz, lasting it to the frame", async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.01, max: 40, noNaN: true }), async (seconds) => {
        const mp3 = Audio.mp3(seconds)
        const frames = Audio.mp3Frames(seconds)
        expect(mp3.length).toBe((frames + 1) * Audio.MP3_FRAME_BYTES)
        for (let offset = 0; offset < mp3.length; offset += Audio.MP3_FRAME_BYTES) {
          expect(Array.from(mp3.subarray(offset, offset + 4))).toEqual(Array.from(Audio.MP3_FRAME_HEADER))
        }
        const format = await parseAudio(mp3, "audio/mpeg")
        expect(format).toMatchObject({ container: "MPEG", codec: "MPEG 1 Layer 3", codecProfile: "CBR", sampleRate: 44100, numberOfChannels: 1, bitrate: 128000 })
        expect(format.duration).toBeCloseTo(frames * frameSeconds, 9)
        // The length is rounded to a whole sample first: at most half a sample short.
        expect(format.duration!).toBeGreaterThan(seconds - 0.5 / Audio.MP3_SAMPLE_RATE - 1e-9)
        expect(format.duration!).toBeLessThan(seconds + frameSeconds)
      }),
      { numRuns: propertyRuns(40) }
    )
  })

  it("WAV: any duration parses as 16-bit mono PCM at 24 kHz lasting it to the sample, with the pcm samples and right RIFF sizes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.001, max: 40, noNaN: true }), async (seconds) => {
        const wav = Audio.wav(seconds)
        const pcm = Audio.pcm(seconds)
        const view = new DataView(wav.buffer)
        expect(typeAt(wav, 0)).toBe("RIFF")
        expect(view.getUint32(4, true)).toBe(wav.length - 8)
        expect(typeAt(wav, 36)).toBe("data")
        expect(view.getUint32(40, true)).toBe(wav.length - Audio.WAV_HEADER_BYTES)
        expect(Buffer.from(wav.subarray(Audio.WAV_HEADER_BYTES)).equals(pcm)).toBe(true)
        const format = await parseAudio(wav, "audio/wav")
        expect(format).toMatchObject({ container: "WAVE", codec: "PCM", bitsPerSample: 16, sampleRate: 24000, numberOfChannels: 1, lossless: true })
        expect(format.duration).toBeCloseTo(pcm.length / 2 / 24000, 9)
        expect(Math.abs(format.duration! - seconds)).toBeLessThanOrEqual(1 / 48000 + 1e-9)
      }),
      { numRuns: propertyRuns(40) }
    )
  })

  it("is deterministic", () => {
    expect(Buffer.from(Audio.mp3(2.5)).equals(Audio.mp3(2.5))).toBe(true)
    expect(Buffer.from(Audio.wav(2.5)).equals(Audio.wav(2.5))).toBe(true)
  })
})
