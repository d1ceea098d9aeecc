/**
 * The `reasoning_details` a model answered with, remembered by the turn's tool-call ids and text,
 * so a turn replayed without them still carries its signatures. `Prompt.fromResponseParts` (and
 * so `@effect/ai`'s `Chat`) keeps no part metadata: without this, a tool loop through `Chat`
 * would send an Anthropic or Gemini model its own reasoning unsigned.
 *
 * Bounded: the oldest turns are forgotten past `capacity`.
 *
 * @internal
 */

/** @internal */
export interface ReplayMemory {
  readonly remember: (toolCallIds: ReadonlyArray<string>, text: string, details: ReadonlyArray<unknown>) => void
  readonly find: (toolCallIds: ReadonlyArray<string>, text: string) => ReadonlyArray<unknown> | undefined
}

const textKey = (text: string) => `text:${text}`
const callKey = (id: string) => `call:${id}`

/** @internal */
export const make = (capacity = 512): ReplayMemory => {
  const entries = new Map<string, ReadonlyArray<unknown>>()
  const put = (key: string, details: ReadonlyArray<unknown>) => {
    entries.delete(key)
    entries.set(key, details)
    if (entries.size > capacity) {
      const oldest = entries.keys().next()
      if (oldest.done !== true) entries.delete(oldest.value)
    }
  }
  return {
    remember: (toolCallIds, text, details) => {
      if (details.length === 0) return
      for (const id of toolCallIds) put(callKey(id), details)
      if (text !== "") put(textKey(text), details)
    },
    find: (toolCallIds, text) => {
      for (const id of toolCallIds) {
        const found = entries.get(callKey(id))
        if (found !== undefined) return found
      }
      return text === "" ? undefined : entries.get(textKey(text))
    }
  }
}

/** A memory that remembers nothing. @internal */
export const none: ReplayMemory = { remember: () => {}, find: () => undefined }

type Entry = Record<string, unknown>

const JOINED = new Set(["text", "signature", "data", "summary"])

/**
 * Merges one streamed `reasoning_details` piece into the list: a piece with the same `index` (and
 * type) as the last entry continues it (its string pieces joined, so split signatures and
 * encrypted blobs come out whole), anything else starts a new entry.
 *
 * @internal
 */
export const mergeDetail = (details: Array<Entry>, piece: unknown): void => {
  if (typeof piece !== "object" || piece === null || Array.isArray(piece)) return
  const entry = piece as Entry
  const last = details[details.length - 1]
  if (last !== undefined && last.index === entry.index && (entry.type === undefined || last.type === entry.type)) {
    for (const [key, value] of Object.entries(entry)) {
      if (JOINED.has(key) && typeof value === "string") last[key] = (typeof last[key] === "string" ? last[key] : "") + value
      else if (last[key] === undefined || last[key] === null) last[key] = value
    }
    return
  }
  details.push({ ...entry })
}
