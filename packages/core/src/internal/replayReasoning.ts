/**
 * How `ReplayHygiene` cleans one assistant message's reasoning fields before replay: empty ones
 * dropped, misplaced text moved where OpenRouter reads it, key order kept; and how plain-text
 * reasoning is dropped for the providers that accept only signed reasoning.
 *
 * @internal
 */
import { withoutKeys } from "../transform/Context.js"

type JsonRecord = Readonly<Record<string, unknown>>

const isNonEmptyString = (u: unknown): u is string => typeof u === "string" && u.trim() !== ""

const REASONING_KEYS = ["reasoning_details", "reasoning", "reasoning_content", "reasoning_text"]

/** @internal */
export const cleanMessageReasoning = (message: JsonRecord): JsonRecord => {
  if (!REASONING_KEYS.some((key) => Object.hasOwn(message, key))) return message
  // A working copy of the entries, so that a moved value can take the moved key's place.
  const entries: Array<[string, unknown]> = Object.entries(message)
  let changed = false
  const indexOf = (key: string): number => entries.findIndex(([name]) => name === key)
  const valueOf = (key: string): unknown => {
    const index = indexOf(key)
    return index === -1 ? undefined : entries[index]![1]
  }
  const remove = (key: string): void => {
    const index = indexOf(key)
    if (index === -1) return
    entries.splice(index, 1)
    changed = true
  }
  // `reasoning` takes `from`'s value: in its own place when it exists, else in `from`'s place.
  const moveToReasoning = (from: string): void => {
    const index = indexOf(from)
    if (index === -1) return
    const value = entries[index]![1]
    const target = indexOf("reasoning")
    if (target === -1) {
      entries[index] = ["reasoning", value]
    } else {
      entries[target] = ["reasoning", value]
      entries.splice(index, 1)
    }
    changed = true
  }

  // 1. A string `reasoning_details` becomes `reasoning` unless there already is one; any other
  //    non-array `reasoning_details` goes. An array is kept as the same object.
  if (indexOf("reasoning_details") !== -1) {
    const details = valueOf("reasoning_details")
    if (typeof details === "string") {
      if (!isNonEmptyString(valueOf("reasoning")) && isNonEmptyString(details)) moveToReasoning("reasoning_details")
      else remove("reasoning_details")
    } else if (!Array.isArray(details)) {
      remove("reasoning_details")
    }
  }
  // 2. and 3. Blank or non-string `reasoning` and `reasoning_content` go.
  if (indexOf("reasoning") !== -1 && !isNonEmptyString(valueOf("reasoning"))) remove("reasoning")
  if (indexOf("reasoning_content") !== -1 && !isNonEmptyString(valueOf("reasoning_content"))) {
    remove("reasoning_content")
  }
  // 4. `reasoning_text` becomes `reasoning` when there is neither `reasoning` nor
  //    `reasoning_content` (after steps 1–3, `reasoning` then does not exist, so it takes
  //    `reasoning_text`'s place); otherwise it goes.
  if (indexOf("reasoning_text") !== -1) {
    const text = valueOf("reasoning_text")
    if (
      !isNonEmptyString(valueOf("reasoning")) && !isNonEmptyString(valueOf("reasoning_content")) &&
      isNonEmptyString(text)
    ) {
      moveToReasoning("reasoning_text")
    } else {
      remove("reasoning_text")
    }
  }
  // fromEntries defines properties, so an own "__proto__" key stays a plain key.
  return changed ? Object.fromEntries(entries) : message
}


const PLAIN_REASONING_KEYS = ["reasoning", "reasoning_content", "reasoning_text"]

/**
 * The message without its plain-text reasoning: `reasoning`, `reasoning_content`,
 * `reasoning_text`, and `reasoning_details` unless it is an array (signed or encrypted entries
 * are replayed exactly). The message itself when it has none.
 *
 * @internal
 */
export const withoutPlainReasoning = (message: JsonRecord): JsonRecord =>
  withoutKeys(message, Array.isArray(message.reasoning_details) ? PLAIN_REASONING_KEYS : REASONING_KEYS)
