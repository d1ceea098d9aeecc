/**
 * A small, real PNG encoder for the images the simulator's image models return (reference §3),
 * and the table of image dimensions per `aspect_ratio` and `image_size`.
 *
 * The images really have the advertised dimensions (a 4K 1:1 answer is a 4096×4096 PNG), yet stay
 * a few kilobytes: every image is a horizontal gradient whose first row is written with the `Sub`
 * filter (a near-constant difference between neighbours) and every following row, identical to
 * the one above, with the `Up` filter (all zeros), which deflate compresses to almost nothing.
 *
 * @since 0.1.0
 */
import { deflateSync } from "node:zlib"

/** A colour as `[red, green, blue, alpha]`, each 0–255. @since 0.1.0 @category Models */
export type Rgba = readonly [number, number, number, number]

/** Width and height in pixels. @since 0.1.0 @category Models */
export interface Dimensions {
  readonly width: number
  readonly height: number
}

/**
 * How to paint an image: a horizontal gradient from `from` (left column) to `to` (right column);
 * the same colour twice gives a solid image. `alpha: true` writes RGBA (colour type 6), else RGB
 * (colour type 2) and the alpha components are ignored.
 *
 * @since 0.1.0 @category Models
 */
export interface Paint {
  readonly from?: Rgba
  readonly to?: Rgba
  readonly alpha?: boolean
}

/** The 8-byte PNG signature. @since 0.1.0 @category Constants */
export const SIGNATURE: Uint8Array = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)

/** The largest width or height the encoder accepts (PNG allows 2³¹−1; this keeps memory sane). @since 0.1.0 @category Constants */
export const MAX_DIMENSION = 16384

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/**
 * CRC-32 (ISO 3309 / ITU-T V.42, the one PNG and zlib use) of `bytes`, continuing from `crc`
 * (the CRC of the bytes before, default 0).
 *
 * @since 0.1.0 @category Encoding
 */
export const crc32 = (bytes: Uint8Array, crc = 0): number => {
  let c = (crc ^ 0xffffffff) >>> 0
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const chunk = (type: string, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

const DEFAULT_FROM: Rgba = [32, 64, 160, 255]
const DEFAULT_TO: Rgba = [240, 160, 48, 255]

const channel = (value: number): number => Math.max(0, Math.min(255, Math.round(value)))

/**
 * A PNG of `width`×`height` pixels, 8 bits per channel, RGB or RGBA, painted as {@link Paint}
 * says. Throws a `RangeError` when a dimension is not an integer in 1..{@link MAX_DIMENSION}.
 *
 * @since 0.1.0 @category Encoding
 */
export const encode = (width: number, height: number, paint: Paint = {}): Uint8Array => {
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
      throw new RangeError(`PNG ${name} must be an integer in 1..${MAX_DIMENSION}, got ${value}`)
    }
  }
  const alpha = paint.alpha === true
  const channels = alpha ? 4 : 3
  const from = paint.from ?? DEFAULT_FROM
  const to = paint.to ?? DEFAULT_TO
  const stride = 1 + width * channels
  const raw = Buffer.alloc(stride * height) // zero-filled: rows after the first are `Up` + zeros
  // First row: filter `Sub` (1); byte = pixel − pixel to the left (mod 256).
  raw[0] = 1
  let previous: Array<number> = [0, 0, 0, 0]
  for (let x = 0; x < width; x++) {
    const t = width === 1 ? 0 : x / (width - 1)
    const pixel = [0, 1, 2, 3].map((i) => channel(from[i]! + (to[i]! - from[i]!) * t))
    for (let i = 0; i < channels; i++) raw[1 + x * channels + i] = (pixel[i]! - previous[i]! + 256) & 0xff
    previous = pixel
  }
  for (let y = 1; y < height; y++) raw[y * stride] = 2
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  header[8] = 8 // bit depth
  header[9] = alpha ? 6 : 2 // colour type
  header[10] = 0 // compression: deflate
  header[11] = 0 // filter method 0
  header[12] = 0 // no interlace
  const parts = [
    SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", new Uint8Array(0))
  ]
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** `data:image/png;base64,…` for PNG bytes. @since 0.1.0 @category Encoding */
export const dataUrl = (png: Uint8Array): string =>
  `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64")}`

/**
 * The 1K dimensions of every aspect ratio (reference §3): the ten shared ratios, then the four
 * extended ones only `google/gemini-3.1-flash-image-preview` accepts. The reference gives no
 * dimensions for the extended ratios; these are the simulator's (about one megapixel, multiples
 * of 16).
 *
 * @since 0.1.0 @category Constants
 */
export const ASPECT_RATIOS: Readonly<Record<string, Dimensions>> = {
  "1:1": { width: 1024, height: 1024 },
  "2:3": { width: 832, height: 1248 },
  "3:2": { width: 1248, height: 832 },
  "3:4": { width: 864, height: 1184 },
  "4:3": { width: 1184, height: 864 },
  "4:5": { width: 896, height: 1152 },
  "5:4": { width: 1152, height: 896 },
  "9:16": { width: 768, height: 1344 },
  "16:9": { width: 1344, height: 768 },
  "21:9": { width: 1536, height: 672 },
  "1:4": { width: 512, height: 2048 },
  "4:1": { width: 2048, height: 512 },
  "1:8": { width: 352, height: 2816 },
  "8:1": { width: 2816, height: 352 }
}

/** The ten aspect ratios every image model accepts. @since 0.1.0 @category Constants */
export const STANDARD_ASPECT_RATIOS: ReadonlyArray<string> = [
  "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"
]

/** The extended aspect ratios of `google/gemini-3.1-flash-image-preview`. @since 0.1.0 @category Constants */
export const EXTENDED_ASPECT_RATIOS: ReadonlyArray<string> = ["1:4", "4:1", "1:8", "8:1"]

/**
 * The scale of each `image_size` relative to 1K, keyed in upper case. 2K and 4K double and
 * quadruple the 1K dimensions, 0.5K halves them (the reference lists the sizes, not their
 * pixels, so the scaling is the simulator's).
 *
 * @since 0.1.0 @category Constants
 */
export const IMAGE_SIZES: Readonly<Record<string, number>> = { "0.5K": 0.5, "1K": 1, "2K": 2, "4K": 4 }

/** The default aspect ratio, `1:1`. @since 0.1.0 @category Constants */
export const DEFAULT_ASPECT_RATIO = "1:1"

/** The default image size, `1K`. @since 0.1.0 @category Constants */
export const DEFAULT_IMAGE_SIZE = "1K"

/** `image_size` in its canonical spelling (`"2k"` → `"2K"`), or `undefined` when unknown. @since 0.1.0 @category Sizes */
export const normalizeImageSize = (imageSize: string): string | undefined => {
  const upper = imageSize.trim().toUpperCase()
  return Object.prototype.hasOwnProperty.call(IMAGE_SIZES, upper) ? upper : undefined
}

/** `aspect_ratio` in its canonical spelling, or `undefined` when unknown. @since 0.1.0 @category Sizes */
export const normalizeAspectRatio = (aspectRatio: string): string | undefined => {
  const trimmed = aspectRatio.trim()
  return Object.prototype.hasOwnProperty.call(ASPECT_RATIOS, trimmed) ? trimmed : undefined
}

/**
 * The pixel dimensions of an image for an `aspect_ratio` and an `image_size` (both compared
 * case-insensitively), e.g. `imageSize("1:1", "1K")` → 1024×1024, `imageSize("16:9", "2k")` →
 * 2688×1536; `undefined` when either value is unknown. Which model accepts which values is the
 * catalogue's business.
 *
 * @since 0.1.0 @category Sizes
 */
export const imageSize = (aspectRatio: string, imageSize: string): Dimensions | undefined => {
  const ratio = normalizeAspectRatio(aspectRatio)
  const size = normalizeImageSize(imageSize)
  if (ratio === undefined || size === undefined) return undefined
  const base = ASPECT_RATIOS[ratio]!
  const scale = IMAGE_SIZES[size]!
  return { width: Math.round(base.width * scale), height: Math.round(base.height * scale) }
}
