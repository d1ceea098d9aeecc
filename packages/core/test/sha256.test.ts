import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { sha256Hex, utf8Bytes } from "../src/internal/sha256.js"

// 1,000 characters cycling through the alphabet: 16 blocks, so the padding lands mid-stream.
const longText = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join("")

// Expected digests computed with Node's `crypto.createHash("sha256")` and hard-coded here.
const vectors: ReadonlyArray<readonly [string, string, string]> = [
  ["empty string", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  [
    "the two-block NIST vector",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
  ],
  ["two- and three-byte UTF-8", "héllo ☃", "c3a3e84b30327c8e3f04a788d8b68da3fd94c22353c5a30e3fe6ca7ebde3ab3f"],
  ["a surrogate pair (four-byte UTF-8)", "🙂 ok", "d25853fbf7b0362ed33c75fb0b43fbfe135b508f6fff1fac0a24f190e1bbdef2"],
  ["a lone surrogate (encoded as U+FFFD)", "x\ud800y", "0b37743370331e33808c0dd0167563798a3c324504cf0055d2b0ac81578d2c58"],
  ["55 bytes (length fits in the block)", "a".repeat(55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"],
  ["56 bytes (length spills into a second block)", "a".repeat(56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"],
  ["64 bytes (exactly one block)", "a".repeat(64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"],
  ["1,000 × a", "a".repeat(1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"],
  ["1,000 mixed characters", longText, "4256460c8769ec1a1d2a8e3edeeda0d3cc4fbc30b3c0f6a2b53da3ef9f60ea5e"],
  ["sanitized", "sanitized", "44d8b78bec6ce60168d0849c40fd060d7ddf8d50d9194d99ce1f1240d84f7cbd"]
]

describe("sha256Hex", () => {
  for (const [name, input, digest] of vectors) {
    it(name, () => {
      expect(sha256Hex(input)).toBe(digest)
    })
  }

  it("encodes UTF-8 like TextEncoder", () => {
    expect(utf8Bytes("héllo ☃")).toEqual([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0xe2, 0x98, 0x83])
    expect(utf8Bytes("🙂")).toEqual([0xf0, 0x9f, 0x99, 0x82])
    expect(utf8Bytes("\udc00")).toEqual([0xef, 0xbf, 0xbd])
    expect(utf8Bytes("\ud800")).toEqual([0xef, 0xbf, 0xbd])
  })

  it.prop(
    "is 64 lower-case hex characters, deterministic, and distinguishes a changed character",
    [fc.string({ unit: "binary", maxLength: 300 })],
    ([text]) => {
      const digest = sha256Hex(text)
      expect(digest).toMatch(/^[0-9a-f]{64}$/)
      expect(sha256Hex(text)).toBe(digest)
      expect(sha256Hex(text + "x")).not.toBe(digest)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})
