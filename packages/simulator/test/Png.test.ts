import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as zlib from "node:zlib"
import * as Png from "../src/chat/Png.js"

// An independent, bitwise CRC-32 (no table), to check the encoder's table-driven one.
const crcBitwise = (bytes: Uint8Array): number => {
  let c = 0xffffffff
  for (const byte of bytes) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}

interface Chunk {
  readonly type: string
  readonly data: Uint8Array
  readonly crcOk: boolean
}

// A strict PNG reader: signature, chunk framing and every CRC.
const readPng = (png: Uint8Array): { readonly chunks: ReadonlyArray<Chunk>; readonly width: number; readonly height: number; readonly colorType: number; readonly bitDepth: number; readonly pixels: Uint8Array } => {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const chunks: Array<Chunk> = []
  let offset = 8
  while (offset < png.length) {
    const length = view.getUint32(offset)
    const type = String.fromCharCode(...png.subarray(offset + 4, offset + 8))
    const data = png.subarray(offset + 8, offset + 8 + length)
    const crc = view.getUint32(offset + 8 + length)
    chunks.push({ type, data, crcOk: crc === crcBitwise(png.subarray(offset + 4, offset + 8 + length)) })
    offset += 12 + length
  }
  expect(offset).toBe(png.length)
  const ihdr = chunks[0]!
  expect(ihdr.type).toBe("IHDR")
  expect(ihdr.data.length).toBe(13)
  const header = new DataView(ihdr.data.buffer, ihdr.data.byteOffset, 13)
  const width = header.getUint32(0)
  const height = header.getUint32(4)
  const bitDepth = ihdr.data[8]!
  const colorType = ihdr.data[9]!
  expect([ihdr.data[10], ihdr.data[11], ihdr.data[12]]).toEqual([0, 0, 0])
  const idat = Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data))
  const raw = zlib.inflateSync(idat)
  const channels = colorType === 6 ? 4 : 3
  const stride = width * channels
  expect(raw.length).toBe(height * (stride + 1))
  // Undo the filters (all five types, not just the ones the encoder uses).
  const pixels = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels]! : 0
      let predictor = 0
      if (filter === 1) predictor = a
      else if (filter === 2) predictor = b
      else if (filter === 3) predictor = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c)
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      } else expect(filter).toBe(0)
      pixels[y * stride + i] = (x + predictor) & 0xff
    }
  }
  return { chunks, width, height, colorType, bitDepth, pixels }
}

const pixelAt = (pixels: Uint8Array, width: number, channels: number, x: number, y: number): Array<number> =>
  Array.from(pixels.subarray((y * width + x) * channels, (y * width + x + 1) * channels))

describe("Png.crc32", () => {
  it("matches the standard check value and an independent implementation", () => {
    const check = new TextEncoder().encode("123456789")
    expect(Png.crc32(check)).toBe(0xcbf43926)
    expect(Png.crc32(new Uint8Array(0))).toBe(0)
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff)
    expect(Png.crc32(bytes)).toBe(crcBitwise(bytes))
    // Continuing from a previous CRC equals the CRC of the concatenation.
    expect(Png.crc32(bytes.subarray(500), Png.crc32(bytes.subarray(0, 500)))).toBe(Png.crc32(bytes))
    const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32
    if (native !== undefined) expect(Png.crc32(bytes)).toBe(native(bytes))
  })
})

describe("Png.encode", () => {
  it("writes a decodable RGB gradient: IHDR, IDAT, IEND with valid CRCs", () => {
    const png = Png.encode(5, 3, { from: [0, 10, 20, 255], to: [200, 110, 20, 255] })
    const decoded = readPng(png)
    expect(decoded.chunks.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"])
    expect(decoded.chunks.every((c) => c.crcOk)).toBe(true)
    expect(decoded.chunks[2]!.data.length).toBe(0)
    expect([decoded.width, decoded.height, decoded.bitDepth, decoded.colorType]).toEqual([5, 3, 8, 2])
    expect(pixelAt(decoded.pixels, 5, 3, 0, 0)).toEqual([0, 10, 20])
    expect(pixelAt(decoded.pixels, 5, 3, 2, 0)).toEqual([100, 60, 20])
    expect(pixelAt(decoded.pixels, 5, 3, 4, 0)).toEqual([200, 110, 20])
    // Every row equals the first.
    for (let y = 1; y < 3; y++) {
      for (let x = 0; x < 5; x++) expect(pixelAt(decoded.pixels, 5, 3, x, y)).toEqual(pixelAt(decoded.pixels, 5, 3, x, 0))
    }
  })

  it("writes RGBA (colour type 6) when asked, and a solid colour when from = to", () => {
    const decoded = readPng(Png.encode(4, 4, { from: [9, 8, 7, 128], to: [9, 8, 7, 128], alpha: true }))
    expect(decoded.colorType).toBe(6)
    for (let i = 0; i < 16; i++) expect(Array.from(decoded.pixels.subarray(i * 4, i * 4 + 4))).toEqual([9, 8, 7, 128])
  })

  it("keeps a 4K image small: 4096×4096 in well under 100 KB", () => {
    const size = Png.imageSize("1:1", "4K")!
    const png = Png.encode(size.width, size.height)
    expect(png.length).toBeLessThan(100_000)
    const decoded = readPng(png)
    expect([decoded.width, decoded.height]).toEqual([4096, 4096])
    expect(decoded.chunks.every((c) => c.crcOk)).toBe(true)
  })

  it("rejects dimensions that are not positive integers", () => {
    expect(() => Png.encode(0, 1)).toThrow(RangeError)
    expect(() => Png.encode(1, 1.5)).toThrow(RangeError)
    expect(() => Png.encode(Png.MAX_DIMENSION + 1, 1)).toThrow(RangeError)
  })

  it("makes a data URL", () => {
    const png = Png.encode(1, 1)
    const url = Png.dataUrl(png)
    expect(url.startsWith("data:image/png;base64,iVBORw0KGgo")).toBe(true)
    expect(new Uint8Array(Buffer.from(url.slice("data:image/png;base64,".length), "base64"))).toEqual(png)
  })

  it.prop(
    "any W×H in 1..64 decodes with the right IHDR, valid CRCs and the painted pixels",
    [
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 1, max: 64 }),
      fc.boolean(),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    ],
    ([width, height, alpha, from, to]) => {
      const decoded = readPng(Png.encode(width, height, { from, to, alpha }))
      const channels = alpha ? 4 : 3
      expect([decoded.width, decoded.height, decoded.bitDepth, decoded.colorType]).toEqual([width, height, 8, alpha ? 6 : 2])
      expect(decoded.chunks.map((c) => c.type)).toEqual(["IHDR", "IDAT", "IEND"])
      expect(decoded.chunks.every((c) => c.crcOk)).toBe(true)
      expect(pixelAt(decoded.pixels, width, channels, 0, height - 1)).toEqual(from.slice(0, channels))
      if (width > 1) expect(pixelAt(decoded.pixels, width, channels, width - 1, height - 1)).toEqual(to.slice(0, channels))
    },
    { fastCheck: { numRuns: propertyRuns(200) } }
  )
})

describe("Png.imageSize (§3 table)", () => {
  const table: ReadonlyArray<readonly [string, number, number]> = [
    ["1:1", 1024, 1024],
    ["2:3", 832, 1248],
    ["3:2", 1248, 832],
    ["3:4", 864, 1184],
    ["4:3", 1184, 864],
    ["4:5", 896, 1152],
    ["5:4", 1152, 896],
    ["9:16", 768, 1344],
    ["16:9", 1344, 768],
    ["21:9", 1536, 672]
  ]
  it("gives the 1K dimensions of every shared aspect ratio", () => {
    for (const [ratio, width, height] of table) expect(Png.imageSize(ratio, "1K")).toEqual({ width, height })
    expect(Png.STANDARD_ASPECT_RATIOS).toEqual(table.map(([ratio]) => ratio))
  })

  it("scales 0.5K, 2K and 4K, compares the size case-insensitively, rejects unknown values", () => {
    expect(Png.imageSize("16:9", "2K")).toEqual({ width: 2688, height: 1536 })
    expect(Png.imageSize("16:9", "2k")).toEqual({ width: 2688, height: 1536 })
    expect(Png.imageSize("1:1", "4k")).toEqual({ width: 4096, height: 4096 })
    expect(Png.imageSize("1:1", "0.5k")).toEqual({ width: 512, height: 512 })
    expect(Png.imageSize("1:8", "1K")).toEqual({ width: 352, height: 2816 })
    expect(Png.imageSize("7:5", "1K")).toBeUndefined()
    expect(Png.imageSize("1:1", "8K")).toBeUndefined()
    expect(Png.normalizeImageSize(" 2k ")).toBe("2K")
    expect(Png.normalizeAspectRatio("16:10")).toBeUndefined()
  })
})
