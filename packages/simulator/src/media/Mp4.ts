/**
 * A real, minimal MP4 (ISO/IEC 14496-12, with the AVC file format of 14496-15) for the video
 * downloads: one H.264 track (see `H264.ts`: a gray picture at 24 frames per second) lasting the
 * requested seconds, in a file of exactly the requested size.
 *
 * The file is `ftyp`, `moov` (before the media, so a player can start on the first bytes), then
 * one `mdat` holding the coded frames followed by zero padding that no sample references: the
 * padding is what makes any size possible, and it is never built. {@link layout} builds the
 * head (everything but the padding, a few kilobytes) once, and {@link bytesAt} serves any range
 * of the file from it, so a 256 MiB download streams in chunks without being held in memory.
 *
 * @since 0.1.0
 */
import * as H264 from "./H264.js"

/** The frame rate. @since 0.1.0 @category Constants */
export const FRAME_RATE = 24

/** The movie timescale (`mvhd`, `tkhd`): milliseconds. @since 0.1.0 @category Constants */
export const MOVIE_TIMESCALE = 1000

/** The media timescale (`mdhd`, `stts`): a frame lasts 1000 ticks. @since 0.1.0 @category Constants */
export const MEDIA_TIMESCALE = FRAME_RATE * 1000

/** The default frame size: 720p, 16:9. @since 0.1.0 @category Constants */
export const DEFAULT_SIZE: H264.FrameSize = { width: 1280, height: 720 }

/**
 * What to build.
 *
 * @since 0.1.0 @category Models
 */
export interface Options {
  /** How long the video lasts, in seconds: rounded to the millisecond, at least 1 ms. */
  readonly seconds: number
  /** Even width and height in pixels (default {@link DEFAULT_SIZE}). */
  readonly size?: H264.FrameSize
  /**
   * The file's size in bytes. A size below the smallest file of that duration and frame size
   * (see {@link minimumBytes}) gives the smallest file; absent, the smallest file.
   */
  readonly bytes?: number
}

/**
 * A file ready to serve: its exact `size`, and the `head` (`ftyp`, `moov`, the `mdat` header and
 * the coded frames); every byte after the head is zero.
 *
 * @since 0.1.0 @category Models
 */
export interface Layout {
  readonly size: number
  readonly head: Uint8Array
  /** The duration in `MOVIE_TIMESCALE` units (milliseconds). */
  readonly durationMs: number
  readonly frames: number
  readonly frameSize: H264.FrameSize
}

// ---------------------------------------------------------------------------------------------
// Boxes
// ---------------------------------------------------------------------------------------------

type Part = Uint8Array | ReadonlyArray<Uint8Array>

const concat = (parts: ReadonlyArray<Part>): Uint8Array => {
  const flat = parts.flat()
  const out = new Uint8Array(flat.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of flat) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const u8 = (value: number): Uint8Array => Uint8Array.of(value)
const u16 = (value: number): Uint8Array => Uint8Array.of((value >>> 8) & 0xff, value & 0xff)
const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}
const zeros = (length: number): Uint8Array => new Uint8Array(length)
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))

const box = (type: string, ...parts: ReadonlyArray<Part>): Uint8Array => {
  const body = concat(parts)
  return concat([u32(8 + body.length), ascii(type), body])
}

const fullBox = (type: string, version: number, flags: number, ...parts: ReadonlyArray<Part>): Uint8Array =>
  box(type, u8(version), u8((flags >>> 16) & 0xff), u16(flags & 0xffff), ...parts)

/** The unity matrix of `mvhd` and `tkhd`. */
const MATRIX = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].map(u32)

const ftyp = (): Uint8Array => box("ftyp", ascii("isom"), u32(0x200), ascii("isom"), ascii("iso2"), ascii("avc1"), ascii("mp41"))

const mvhd = (durationMs: number): Uint8Array =>
  fullBox(
    "mvhd", 0, 0,
    u32(0), u32(0), // creation and modification time: fixed, so the bytes are deterministic
    u32(MOVIE_TIMESCALE), u32(durationMs),
    u32(0x00010000), u16(0x0100), zeros(10), // rate 1.0, volume 1.0, reserved
    MATRIX, zeros(24), // pre_defined
    u32(2) // next_track_ID
  )

const tkhd = (durationMs: number, size: H264.FrameSize): Uint8Array =>
  fullBox(
    "tkhd", 0, 3, // enabled, in movie
    u32(0), u32(0), u32(1), u32(0), u32(durationMs), // times, track_ID 1, reserved, duration
    zeros(8), u16(0), u16(0), u16(0), u16(0), // reserved, layer, alternate_group, volume (0: video), reserved
    MATRIX, u32(size.width * 0x10000), u32(size.height * 0x10000)
  )

const mdhd = (ticks: number): Uint8Array =>
  fullBox("mdhd", 0, 0, u32(0), u32(0), u32(MEDIA_TIMESCALE), u32(ticks), u16(0x55c4), u16(0)) // language "und"

const hdlr = (): Uint8Array => fullBox("hdlr", 0, 0, u32(0), ascii("vide"), zeros(12), ascii("VideoHandler\0"))

const avc1 = (size: H264.FrameSize): Uint8Array => {
  const compressor = zeros(32)
  compressor.set(ascii("\u0004H264"))
  return box(
    "avc1",
    zeros(6), u16(1), // reserved, data_reference_index
    zeros(16), u16(size.width), u16(size.height),
    u32(0x00480000), u32(0x00480000), u32(0), u16(1), // 72 dpi, reserved, frame_count
    compressor, u16(0x18), u16(0xffff), // depth, pre_defined -1
    box("avcC", H264.decoderConfiguration(size))
  )
}

/** `stts`: every frame lasts 1000 ticks but the last, which ends the duration exactly. */
const stts = (frames: number, ticks: number): Uint8Array => {
  const last = ticks - (frames - 1) * 1000
  const entries: ReadonlyArray<readonly [count: number, delta: number]> = last === 1000
    ? [[frames, 1000]]
    : frames > 1
    ? [[frames - 1, 1000], [1, last]]
    : [[1, last]]
  return fullBox("stts", 0, 0, u32(entries.length), entries.map(([count, delta]) => concat([u32(count), u32(delta)])))
}

const stbl = (frames: number, ticks: number, size: H264.FrameSize, sampleSizes: ReadonlyArray<number>, chunkOffset: number) =>
  box(
    "stbl",
    fullBox("stsd", 0, 0, u32(1), avc1(size)),
    stts(frames, ticks),
    fullBox("stss", 0, 0, u32(1), u32(1)), // only the first frame is a sync sample
    fullBox("stsc", 0, 0, u32(1), u32(1), u32(frames), u32(1)), // one chunk of every sample
    fullBox("stsz", 0, 0, u32(0), u32(frames), sampleSizes.map(u32)),
    fullBox("stco", 0, 0, u32(1), u32(chunkOffset))
  )

const moov = (durationMs: number, size: H264.FrameSize, sampleSizes: ReadonlyArray<number>, chunkOffset: number): Uint8Array => {
  const ticks = durationMs * FRAME_RATE
  const frames = sampleSizes.length
  return box(
    "moov",
    mvhd(durationMs),
    box(
      "trak",
      tkhd(durationMs, size),
      box(
        "mdia",
        mdhd(ticks),
        hdlr(),
        box(
          "minf",
          fullBox("vmhd", 0, 1, zeros(8)),
          box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1))), // the media is in this file
          stbl(frames, ticks, size, sampleSizes, chunkOffset)
        )
      )
    )
  )
}

/** A box header with a 64-bit size (`size` 1, then `largesize`). */
const largeHeader = (type: string, size: number): Uint8Array => {
  const header = new Uint8Array(16)
  const view = new DataView(header.buffer)
  view.setUint32(0, 1)
  header.set(ascii(type), 4)
  view.setBigUint64(8, BigInt(size))
  return header
}

/** A sample: its NAL unit behind a 4-byte length (`lengthSizeMinusOne` 3 in `avcC`). */
const sample = (unit: Uint8Array): Uint8Array => concat([u32(unit.length), unit])

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

/** The duration in milliseconds: at least 1. */
const durationMsOf = (seconds: number): number => Math.max(1, Math.round((Number.isFinite(seconds) ? seconds : 0) * MOVIE_TIMESCALE))

const checkedSize = (size: H264.FrameSize | undefined): H264.FrameSize => {
  const chosen = size ?? DEFAULT_SIZE
  if (!H264.isValidSize(chosen)) {
    throw new RangeError(`frame size ${chosen.width}x${chosen.height} is not valid: even sides from 2 to ${H264.MAX_DIMENSION}`)
  }
  return chosen
}

/** The coded frames, once per distinct P picture (frame_num wraps at 16, so at most 16 of them). */
const codedFrames = (frames: number, size: H264.FrameSize): ReadonlyArray<Uint8Array> => {
  const skipped = new Map<number, Uint8Array>()
  const out: Array<Uint8Array> = [sample(H264.idr(size))]
  for (let i = 1; i < frames; i++) {
    const key = i % 16
    let frame = skipped.get(key)
    if (frame === undefined) {
      frame = sample(H264.skipped(size, i))
      skipped.set(key, frame)
    }
    out.push(frame)
  }
  return out
}

/**
 * Lays out the file: see {@link Layout}. Throws a `RangeError` for a frame size that is not even
 * or not within 2–4096 pixels.
 *
 * @since 0.1.0 @category Constructors
 */
export const layout = (options: Options): Layout => {
  const frameSize = checkedSize(options.size)
  const durationMs = durationMsOf(options.seconds)
  const frames = Math.ceil((durationMs * FRAME_RATE) / 1000)
  const samples = codedFrames(frames, frameSize)
  const sampleSizes = samples.map((s) => s.length)
  const media = sampleSizes.reduce((n, s) => n + s, 0)
  const type = ftyp()
  const moovLength = moov(durationMs, frameSize, sampleSizes, 0).length
  const smallest = type.length + moovLength + 8 + media
  const requested = options.bytes !== undefined && Number.isFinite(options.bytes) ? Math.floor(options.bytes) : 0
  const size = Math.max(smallest, requested)
  // An mdat past 4 GiB needs the 64-bit `largesize` header: 8 more bytes of header, 8 fewer of padding.
  const mdatSize = size - type.length - moovLength
  const mdatHeader = mdatSize > 0xffffffff ? largeHeader("mdat", mdatSize) : concat([u32(mdatSize), ascii("mdat")])
  const chunkOffset = type.length + moovLength + mdatHeader.length
  const head = concat([type, moov(durationMs, frameSize, sampleSizes, chunkOffset), mdatHeader, samples])
  return { size, head, durationMs, frames, frameSize }
}

/**
 * The size of the smallest file of that duration and frame size: the head with no padding.
 *
 * @since 0.1.0 @category Constructors
 */
export const minimumBytes = (options: Omit<Options, "bytes">): number => layout(options).size

/** 64 KiB of zeros, shared by every padding chunk (never written to). */
const PADDING = new Uint8Array(64 * 1024)

/**
 * The bytes of the file from `offset`, `length` of them (fewer at the end of the file). Padding
 * chunks of up to 64 KiB are views of one shared zero buffer, and chunks inside the head are
 * views of it: the caller must not write to the result.
 *
 * @since 0.1.0 @category Encoding
 */
export const bytesAt = (file: Layout, offset: number, length: number): Uint8Array => {
  const start = Math.max(0, Math.min(offset, file.size))
  const end = Math.max(start, Math.min(start + length, file.size))
  const { head } = file
  if (end <= head.length) return head.subarray(start, end)
  if (start >= head.length && end - start <= PADDING.length) return PADDING.subarray(0, end - start)
  const out = new Uint8Array(end - start)
  if (start < head.length) out.set(head.subarray(start))
  return out
}

/**
 * The whole file in memory: for small files (tests, fixtures). Serve large ones with
 * {@link layout} and {@link bytesAt}.
 *
 * @since 0.1.0 @category Encoding
 */
export const encode = (options: Options): Uint8Array => {
  const file = layout(options)
  return bytesAt(file, 0, file.size)
}
