/**
 * The encodings behind `ReplayHygiene`: checking a Gemini thought signature is well-formed base64
 * (either alphabet, re-encoding to itself), and Mistral's nine-character tool-call ids with a
 * collision-free mapping over a request.
 *
 * @internal
 */
import { hasToolCalls, isRecord, roleOf } from "../transform/Context.js"
import { sha256Hex } from "./sha256.js"

const STANDARD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// The value of each base64 character; the decoder accepts both alphabets, the re-encoding check
// then refuses a string that mixes them.
const SEXTET: ReadonlyMap<string, number> = new Map([
  ...Array.from(STANDARD_ALPHABET, (char, index) => [char, index] as const),
  ["-", 62],
  ["_", 63]
])

const SIGNATURE_CHARACTERS = /^[A-Za-z0-9+/=_-]+$/

const decodeBase64 = (text: string): Array<number> => {
  const bytes: Array<number> = []
  let buffer = 0
  let bits = 0
  for (const char of text) {
    buffer = ((buffer << 6) | (SEXTET.get(char) ?? 0)) & 0xffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes.push((buffer >> bits) & 0xff)
    }
  }
  return bytes
}

// Unpadded.
const encodeBase64 = (bytes: ReadonlyArray<number>, alphabet: string): string => {
  let out = ""
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 6) {
      bits -= 6
      out += alphabet[(buffer >> bits) & 0x3f]
    }
  }
  if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 0x3f]
  return out
}

/** @internal */
export const isValidBase64Signature = (value: unknown): value is string => {
  if (typeof value !== "string" || value.trim() === "") return false
  const compact = value.replace(/\s+/g, "")
  if (!SIGNATURE_CHARACTERS.test(compact)) return false
  const alphabet = compact.includes("-") || compact.includes("_") ? URL_ALPHABET : STANDARD_ALPHABET
  const unpadded = compact.replace(/=+$/, "")
  // Re-encoding never puts `=` anywhere but at the end.
  if (unpadded.includes("=")) return false
  const bytes = decodeBase64(unpadded)
  return bytes.length > 0 && encodeBase64(bytes, alphabet) === unpadded
}

const STRICT9 = /^[A-Za-z0-9]{9}$/

const NON_ALPHANUMERIC = /[^A-Za-z0-9]/g

/** @internal */
export const strictToolCallId = (id: string): string => {
  const alphanumeric = id.replace(NON_ALPHANUMERIC, "")
  if (alphanumeric.length >= 9) return alphanumeric.slice(0, 9)
  return sha256Hex(alphanumeric === "" ? "sanitized" : alphanumeric).slice(0, 9)
}

// Every string tool-call id of the request, once each, in order of appearance.
/** @internal */
export const toolCallIdsOf = (messages: ReadonlyArray<unknown>): Array<string> => {
  const ids = new Set<string>()
  for (const message of messages) {
    if (!isRecord(message)) continue
    const role = roleOf(message)
    if (role === "assistant" && hasToolCalls(message)) {
      for (const call of message.tool_calls as ReadonlyArray<unknown>) {
        if (isRecord(call) && typeof call.id === "string") ids.add(call.id)
      }
    } else if (role === "tool" && typeof message.tool_call_id === "string") {
      ids.add(message.tool_call_id)
    }
  }
  return [...ids]
}

// original id → new id, injective. Ids that already are nine alphanumerics are reserved first so
// that they keep themselves (which also makes the rewrite idempotent). A collision is resolved
// with the first 9 hex characters of SHA-256(`${original}:${n}`) for n = 1, 2, … until unused.
/** @internal */
export const strictIdMapping = (ids: ReadonlyArray<string>): ReadonlyMap<string, string> => {
  const mapping = new Map<string, string>()
  const used = new Set<string>()
  for (const id of ids) {
    if (STRICT9.test(id)) {
      mapping.set(id, id)
      used.add(id)
    }
  }
  for (const id of ids) {
    if (mapping.has(id)) continue
    let candidate = strictToolCallId(id)
    for (let attempt = 1; used.has(candidate); attempt++) {
      candidate = sha256Hex(`${id}:${attempt}`).slice(0, 9)
    }
    mapping.set(id, candidate)
    used.add(candidate)
  }
  return mapping
}

