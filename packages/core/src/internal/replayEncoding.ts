/**
 * The encodings behind `ReplayHygiene`: checking a Gemini thought signature is well-formed base64
 * (either alphabet, re-encoding to itself), and Mistral's nine-character tool-call ids, handed out
 * over a request without collisions; and the Gemini sanitation of one message.
 *
 * @internal
 */
import { hasToolCalls, isRecord, roleOf, withKey, withoutKeys } from "../transform/Context.js"
import { sha256Hex } from "./sha256.js"

type JsonRecord = Readonly<Record<string, unknown>>

/** `f` over an array; the array itself when no item changed. @internal */
export const mapArray = (items: ReadonlyArray<unknown>, f: (item: unknown) => unknown): ReadonlyArray<unknown> => {
  let changed = false
  const next = items.map((item) => {
    const mapped = f(item)
    if (mapped !== item) changed = true
    return mapped
  })
  return changed ? next : items
}

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

// Every string tool-call id of the request (assistant `tool_calls[].id`, tool results'
// `tool_call_id` and `tool_use_id`), once each, in order of appearance.
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
    } else if (role === "tool") {
      if (typeof message.tool_call_id === "string") ids.add(message.tool_call_id)
      if (typeof message.tool_use_id === "string") ids.add(message.tool_use_id)
    }
  }
  return [...ids]
}

/**
 * Hands out the strict ids of one request, in message order (OpenClaw's occurrence-aware
 * resolver, issue 16): every tool call gets an id of its own, even when an assistant turn repeats a
 * raw id (`edit:22` twice), and a tool result takes the id of the earliest call with its raw id
 * that no earlier result took, so results pair with their calls in order. A result with no such
 * call gets an id of its own.
 *
 * @internal
 */
export interface StrictIdAllocator {
  readonly call: (raw: string) => string
  readonly result: (raw: string) => string
}

// Ids that already are nine alphanumerics are reserved first, so that the first call (or
// unpaired result) with that raw id keeps it; that also makes the rewrite idempotent. Any other id
// gets strictToolCallId(raw) when unused, else the first 9 hex characters of
// SHA-256(`${raw}:${n}`) for n = 1, 2, … until unused, so no two allocations ever share an id
// (injective: distinct raw ids never merge).
/** @internal */
export const strictIdAllocator = (messages: ReadonlyArray<unknown>): StrictIdAllocator => {
  const reserved = new Set(toolCallIdsOf(messages).filter((id) => STRICT9.test(id)))
  const used = new Set(reserved)
  const claimed = new Set<string>()
  const pending = new Map<string, Array<string>>()
  const allocate = (raw: string): string => {
    if (reserved.has(raw) && !claimed.has(raw)) {
      claimed.add(raw)
      return raw
    }
    let candidate = strictToolCallId(raw)
    for (let attempt = 1; used.has(candidate); attempt++) {
      candidate = sha256Hex(`${raw}:${attempt}`).slice(0, 9)
    }
    used.add(candidate)
    return candidate
  }
  return {
    call: (raw) => {
      const id = allocate(raw)
      const queue = pending.get(raw)
      if (queue === undefined) pending.set(raw, [id])
      else queue.push(id)
      return id
    },
    result: (raw) => pending.get(raw)?.shift() ?? allocate(raw)
  }
}

// ---------------------------------------------------------------------------------------------
// Gemini thought signatures on one message
// ---------------------------------------------------------------------------------------------

const SIGNATURE_KEYS = ["thought_signature", "thoughtSignature"]

const withoutInvalidSignatures = (record: JsonRecord): JsonRecord =>
  withoutKeys(
    record,
    SIGNATURE_KEYS.filter((key) => Object.hasOwn(record, key) && !isValidBase64Signature(record[key]))
  )

const GEMINI_DETAIL_FORMAT = "google-gemini-v1"

// A `reasoning_details` entry survives unless it declares another format and carries a string
// signature (`signature`, else `data`) that is not valid base64.
const keepReasoningDetail = (entry: unknown): boolean => {
  if (!isRecord(entry)) return true
  const format = entry.format
  if (typeof format !== "string" || format === GEMINI_DETAIL_FORMAT) return true
  const signature = typeof entry.signature === "string"
    ? entry.signature
    : typeof entry.data === "string"
    ? entry.data
    : undefined
  return signature === undefined || isValidBase64Signature(signature)
}

const sanitizeToolCall = (toolCall: unknown): unknown => {
  if (!isRecord(toolCall)) return toolCall
  const next = withoutInvalidSignatures(toolCall)
  const fn = next.function
  if (!isRecord(fn)) return next
  const nextFn = withoutInvalidSignatures(fn)
  return nextFn === fn ? next : withKey(next, "function", nextFn)
}

/** The Gemini sanitation of one assistant message (see `ReplayHygiene.sanitizeGemini`). @internal */
export const sanitizeGeminiMessage = (message: JsonRecord): JsonRecord => {
  let next = withoutInvalidSignatures(message)
  const content = next.content
  if (Array.isArray(content)) {
    const blocks = mapArray(content, (block) => isRecord(block) ? withoutInvalidSignatures(block) : block)
    if (blocks !== content) next = withKey(next, "content", blocks)
  }
  const toolCalls = next.tool_calls
  if (Array.isArray(toolCalls)) {
    const calls = mapArray(toolCalls, sanitizeToolCall)
    if (calls !== toolCalls) next = withKey(next, "tool_calls", calls)
  }
  const details = next.reasoning_details
  if (Array.isArray(details)) {
    const kept = details.filter(keepReasoningDetail)
    if (kept.length !== details.length) next = withKey(next, "reasoning_details", kept)
  }
  return next
}
