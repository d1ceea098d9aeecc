/**
 * What the simulated model says: deterministic text that varies with the model and the prompt,
 * so that tests can tell answers apart, yet stays the same for the same request.
 *
 * - A greeting ("hi", "Hello!", "Say hello") gets {@link GREETING}, whatever the model: the
 *   simulator's well-known sentence, which tests across the repository expect.
 * - A request whose last messages are tool results gets a final answer that quotes them.
 * - Any other prompt gets a few sentences naming the model and quoting the prompt, their wording
 *   chosen by a hash of the request.
 * - An explicit `replyText` (or `--reply-words N`), and bench mode, always answer with
 *   `replyText` exactly: benchmarks want a fixed, canned answer.
 *
 * @since 0.1.0
 */
import { createHash } from "node:crypto"
import type { SimContext } from "../Types.js"
import { messageText } from "./Text.js"

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/**
 * The simulator's greeting: the answer to a greeting, and the default `replyText`.
 *
 * @since 0.1.0 @category Constants
 */
export const GREETING = "Hello from the OpenRouter simulator. Everything is working."

const messagesOf = (body: Json): ReadonlyArray<Json> =>
  Array.isArray(body["messages"]) ? body["messages"].filter(isRecord) : []

/** The text of the last user message (or of a legacy `prompt`). @since 0.1.0 @category Text */
export const lastUserText = (body: Json): string => {
  const messages = messagesOf(body)
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!["role"] === "user") return messageText(messages[i]!["content"])
  }
  return typeof body["prompt"] === "string" ? body["prompt"] : ""
}

const GREETINGS = /^(?:(?:please )?say )?(?:hi|hello|hey|hallo|hiya|howdy|greetings|good (?:morning|afternoon|evening))(?: there| world| everyone)?$/

/**
 * Whether a prompt is a plain greeting ("hi", "Hello!", "Say hello", "hello there"), or empty.
 *
 * @since 0.1.0 @category Text
 */
export const isGreeting = (text: string): boolean => {
  const normalized = text.toLowerCase().replace(/[^a-z ]+/g, " ").replace(/\s+/g, " ").trim()
  return normalized === "" || GREETINGS.test(normalized)
}

const STOP = new Set(["I", "I'm", "I'd", "OK", "A", "An", "The", "What", "What's", "Who", "When", "Where", "Why", "How", "Is", "Are", "Can", "Please"])

/**
 * The capitalised words of a prompt, past its first word ("What's the weather in Oslo?" →
 * `["Oslo"]`): what a tool argument naming a place or a thing is best taken from.
 *
 * @since 0.1.0 @category Text
 */
export const properNouns = (text: string): ReadonlyArray<string> => {
  const words = text.split(/\s+/).map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""))
  const out: Array<string> = []
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!
    if (/^\p{Lu}[\p{L}\p{N}'-]*$/u.test(word) && !STOP.has(word) && !out.includes(word)) out.push(word)
  }
  return out
}

/**
 * A 32-bit seed from everything that shapes an answer: the model that answers, the messages, the
 * tools and the response format. One hash per request, never per chunk.
 *
 * @since 0.1.0 @category Seeds
 */
export const seedOf = (body: Json, model: string): number => {
  const digest = createHash("sha1")
    .update(model)
    .update("\n")
    .update(JSON.stringify([body["messages"] ?? body["prompt"] ?? null, body["tools"] ?? null, body["response_format"] ?? null]))
    .digest()
  return digest.readUInt32BE(0)
}

/** One tool result at the end of the conversation. @since 0.1.0 @category Models */
export interface ToolResult {
  /** The function the result answers, from the assistant's matching `tool_calls` entry. */
  readonly name: string
  readonly content: string
}

/**
 * The tool results that END the conversation (the trailing `role: "tool"` messages), oldest
 * first; empty when the last message is not a tool result.
 *
 * @since 0.1.0 @category Text
 */
export const trailingToolResults = (body: Json): ReadonlyArray<ToolResult> => {
  const messages = messagesOf(body)
  let start = messages.length
  while (start > 0 && messages[start - 1]!["role"] === "tool") start--
  if (start === messages.length) return []
  const names = new Map<string, string>()
  for (const message of messages.slice(0, start)) {
    if (message["role"] !== "assistant" || !Array.isArray(message["tool_calls"])) continue
    for (const call of message["tool_calls"]) {
      if (isRecord(call) && typeof call["id"] === "string" && isRecord(call["function"]) && typeof call["function"]["name"] === "string") {
        names.set(call["id"], call["function"]["name"])
      }
    }
  }
  return messages.slice(start).map((message) => ({
    name: (typeof message["tool_call_id"] === "string" ? names.get(message["tool_call_id"]) : undefined) ??
      (typeof message["name"] === "string" ? message["name"] : "tool"),
    content: messageText(message["content"])
  }))
}

const pick = <A>(items: ReadonlyArray<A>, seed: number, salt: number): A =>
  items[((seed ^ Math.imul(salt, 0x9e3779b1)) >>> 0) % items.length]!

const excerpt = (text: string, words: number): string => {
  const all = text.trim().split(/\s+/).filter((word) => word !== "")
  return all.length <= words ? all.join(" ") : `${all.slice(0, words).join(" ")}…`
}

const OPENERS: ReadonlyArray<string> = [
  "Here is a simulated answer.",
  "This is a simulated reply.",
  "A simulated response follows.",
  "The simulator answers here.",
  "Simulated output, for testing."
]

const BODIES: ReadonlyArray<string> = [
  "No model ran: the words come from a hash of the request.",
  "The same request always gets this same answer.",
  "A different model or prompt gets a different answer.",
  "The answer is deterministic, so tests can rely on it.",
  "Nothing here was generated by a real model.",
  "Usage and cost are counted as if a model had written it."
]

const CLOSERS: ReadonlyArray<string> = [
  "Ask again to see it repeat.",
  "That is all for now.",
  "Everything is working.",
  "Send another prompt to get another answer.",
  "The simulator is ready for the next request."
]

/** What {@link text} needs to know about a request. @since 0.1.0 @category Models */
export interface Request {
  readonly body: Json
  /** The concrete model that answers. */
  readonly model: string
  readonly seed: number
}

/**
 * Whether answers are the canned `replyText` whatever the prompt: bench mode, or a `replyText`
 * set explicitly (as `--reply-words` does). The resolved options do not say whether `replyText`
 * was given, so a `replyText` equal to {@link GREETING} counts as the default.
 *
 * @since 0.1.0 @category Text
 */
export const canned = (context: SimContext): boolean => context.options.bench || context.options.replyText !== GREETING

/**
 * The text answer to a request (before any `response_format`): see the module's description.
 *
 * @since 0.1.0 @category Text
 */
export const text = (request: Request, context: SimContext): string => {
  if (canned(context)) return context.options.replyText
  const results = trailingToolResults(request.body)
  const { model, seed } = request
  if (results.length > 0) {
    const quoted = results.map((result) => `${result.name} returned ${excerpt(result.content, 40) || "nothing"}`).join("; ")
    return `Based on the tool ${results.length === 1 ? "result" : "results"}, ${quoted}. ${pick(BODIES, seed, 1)} ${pick(CLOSERS, seed, 2)}`
  }
  const prompt = lastUserText(request.body)
  if (isGreeting(prompt)) return GREETING
  const quoted = excerpt(prompt, 16)
  const stop = /[.?!…]$/.test(quoted) ? "" : "."
  return `${pick(OPENERS, seed, 3)} ${model} was asked: "${quoted}"${stop} ${pick(BODIES, seed, 4)} ${pick(CLOSERS, seed, 5)}`
}
