/**
 * Tool calling: whether the simulated model calls a tool, which one, and with what arguments.
 *
 * - `tool_choice: "none"`, or no function tools: no call.
 * - A named `tool_choice` (`{"type": "function", "function": {"name"}}`) or `"required"`: a call,
 *   always (the request forces one).
 * - Otherwise (`"auto"`, the default): a call, UNLESS the conversation ends with tool results;
 *   then the model answers with text that uses them, so an agent loop ends after one round.
 *
 * The tool is the one whose name and description share the most words with the last user
 * message (the first on a tie). Its arguments are an instance of its `parameters` schema,
 * deterministic per request, with place- and name-like strings taken from the prompt's proper
 * nouns ("weather in Oslo" → `{"city": "Oslo"}`).
 *
 * @since 0.1.0
 */
import type * as Catalog from "../Catalog.js"
import { invalidRequest } from "../Errors.js"
import type { Reply, SimContext } from "../Types.js"
import * as Answers from "./Answers.js"
import * as JsonSchema from "./JsonSchema.js"

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/** A tool call the model makes. @since 0.1.0 @category Models */
export interface ToolCall {
  readonly id: string
  readonly name: string
  /** The arguments as a JSON text, as the wire carries them. */
  readonly arguments: string
}

interface FunctionTool {
  readonly name: string
  readonly description: string
  readonly parameters: unknown
}

const functionTools = (body: Json): ReadonlyArray<FunctionTool> =>
  (Array.isArray(body["tools"]) ? body["tools"] : []).flatMap((tool) => {
    if (!isRecord(tool) || tool["type"] !== "function" || !isRecord(tool["function"])) return []
    const fn = tool["function"]
    if (typeof fn["name"] !== "string") return []
    return [{
      name: fn["name"],
      description: typeof fn["description"] === "string" ? fn["description"] : "",
      parameters: fn["parameters"]
    }]
  })

// Words too common to say which tool a prompt wants.
const STOP_WORDS = new Set([
  "the", "and", "for", "with", "what", "when", "where", "which", "who", "how", "this", "that", "from", "into", "your",
  "you", "are", "was", "get", "set", "can", "please", "now", "right", "current", "give", "tell", "about", "some", "any"
])

const wordsOf = (text: string): ReadonlyArray<string> =>
  text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word))

/**
 * The tool that fits the prompt best: the most words in common between the tool's name and
 * description and the prompt; the first tool on a tie.
 *
 * @since 0.1.0 @category Tools
 */
export const bestFit = <T extends { readonly name: string; readonly description: string }>(
  tools: ReadonlyArray<T>,
  prompt: string
): T | undefined => {
  const asked = new Set(wordsOf(prompt))
  let best: T | undefined
  let bestScore = -1
  for (const tool of tools) {
    const score = new Set(wordsOf(`${tool.name} ${tool.description}`).filter((word) => asked.has(word))).size
    if (score > bestScore) [best, bestScore] = [tool, score]
  }
  return best
}

const nameSeed = (name: string): number => {
  let hash = 0x811c9dc5
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

/**
 * The tool call a request gets: `undefined` for none, a 400 reply when `tool_choice` names a
 * function that is not among the tools.
 *
 * @since 0.1.0 @category Tools
 */
export const plan = (body: Json, context: SimContext, entry: Catalog.Entry, seed: number): ToolCall | Reply | undefined => {
  const tools = functionTools(body)
  const choice = body["tool_choice"]
  if (tools.length === 0 || choice === "none") return undefined
  const named = isRecord(choice) && isRecord(choice["function"]) && typeof choice["function"]["name"] === "string"
    ? choice["function"]["name"]
    : undefined
  const forced = named !== undefined || choice === "required"
  if (!forced && Answers.trailingToolResults(body).length > 0) return undefined
  const prompt = Answers.lastUserText(body)
  const tool = named === undefined ? bestFit(tools, prompt) : tools.find((t) => t.name === named)
  if (tool === undefined) return invalidRequest(`tool_choice names a function that is not in tools: ${named}`)
  const args = tool.parameters === undefined
    ? {}
    : JsonSchema.instance(tool.parameters, { seed: (seed ^ nameSeed(tool.name)) >>> 0, words: Answers.properNouns(prompt) })
  // Anthropic's ids look like `toolu_…`; most others like OpenAI's `call_…`.
  const prefix = entry.provider === "Anthropic" ? "toolu_" : "call_"
  return {
    id: `${prefix}${context.nextId("call").replace(/^call-/, "")}`,
    name: tool.name,
    arguments: JSON.stringify(args ?? {})
  }
}
