/**
 * Text helpers of the chat model: word pieces for streaming, and word counts standing in for
 * tokens.
 *
 * @since 0.1.0
 */

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/**
 * `text` cut into word pieces whose concatenation is `text` exactly: each piece is a word with the
 * whitespace before it (`"Paris is"` → `["Paris", " is"]`), trailing whitespace stays on the last.
 *
 * @since 0.1.0 @category Text
 */
export const wordPieces = (text: string): ReadonlyArray<string> => {
  const pieces = text.match(/\s*\S+/g)
  if (pieces === null) return text === "" ? [] : [text]
  const joined = pieces.join("")
  if (joined.length < text.length) pieces[pieces.length - 1] += text.slice(joined.length)
  return pieces
}

/**
 * `text` cut into `count` non-empty pieces that concatenate to it: whole words grouped evenly when
 * there are enough words, else characters; fewer pieces only when the text is shorter than
 * `count` characters.
 *
 * @since 0.1.0 @category Text
 */
export const splitInto = (text: string, count: number): ReadonlyArray<string> => {
  if (text === "") return []
  const n = Math.max(1, Math.floor(count))
  const words = wordPieces(text)
  const units = words.length >= n ? words : Array.from(text)
  const pieces = Math.min(n, units.length)
  const out: Array<string> = []
  for (let i = 0; i < pieces; i++) {
    const from = Math.floor((i * units.length) / pieces)
    const to = Math.floor(((i + 1) * units.length) / pieces)
    out.push(units.slice(from, to).join(""))
  }
  return out
}

/** The number of words of `text` (the simulator's token count). @since 0.1.0 @category Text */
export const countWords = (text: string): number => text.match(/\S+/g)?.length ?? 0

/** The text of a message's `content`: a string, or the `text` of its parts. @since 0.1.0 @category Text */
export const messageText = (content: unknown): string => {
  if (typeof content === "string") return content
  if (!Array.isArray(content)) return ""
  return content
    .map((part) => (isRecord(part) && typeof part["text"] === "string" ? part["text"] : ""))
    .filter((text) => text !== "")
    .join(" ")
}

/** Prompt tokens of a request: the words of every message's text (and of a legacy `prompt`). @since 0.1.0 @category Text */
export const promptTokens = (body: Json): number => {
  const messages = Array.isArray(body["messages"]) ? body["messages"] : []
  let total = typeof body["prompt"] === "string" ? countWords(body["prompt"]) : 0
  for (const message of messages) if (isRecord(message)) total += countWords(messageText(message["content"]))
  return total
}
