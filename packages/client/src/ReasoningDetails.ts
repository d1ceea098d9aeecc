/**
 * OpenRouter's `reasoning_details` as a stream delivers them: each delta carries pieces of
 * entries, and a piece with the same `index` (and type) as the entry before it continues that
 * entry. `merge` joins them, so a signature or an encrypted blob split across deltas comes out
 * whole, ready to be replayed verbatim. `Chat.collect` uses it; so does anything that folds
 * `Reasoning` events itself (the `@effect/ai` provider).
 *
 * @since 0.1.0
 */

/** A `reasoning_details` entry: an object, every field kept. @since 0.1.0 @category Models */
export type Entry = Record<string, unknown>

// The string fields a continued entry gets in pieces; any other field is taken from the first
// piece that has it.
const JOINED = new Set(["text", "signature", "data", "summary"])

/**
 * Merges one streamed piece into `details` (in place): a piece with the same `index` (and type,
 * when it names one) as the last entry continues it, its `text`, `signature`, `data` and
 * `summary` appended and its other fields filling the ones still missing; anything else starts
 * a new entry. A piece that is not an object is ignored.
 *
 * @since 0.1.0 @category Merging
 */
export const merge = (details: Array<Entry>, piece: unknown): void => {
  if (typeof piece !== "object" || piece === null || Array.isArray(piece)) return
  const entry = piece as Entry
  const last = details[details.length - 1]
  if (last !== undefined && last["index"] === entry["index"] && (entry["type"] === undefined || last["type"] === entry["type"])) {
    for (const [key, value] of Object.entries(entry)) {
      if (JOINED.has(key) && typeof value === "string") last[key] = (typeof last[key] === "string" ? last[key] : "") + value
      else if (last[key] === undefined || last[key] === null) last[key] = value
    }
    return
  }
  details.push({ ...entry })
}
