/**
 * A `LanguageModel` call as an OpenAI-shaped chat request: the prompt's messages, the toolkit's
 * tools and tool choice, and the response format (`json_schema`, or a forced tool in tool mode).
 * The client's pipeline shapes it further (model refs, cache markers, reasoning, replay hygiene,
 * routing) when it is sent.
 *
 * @internal
 */
import * as AiError from "@effect/ai/AiError"
import type * as LanguageModel from "@effect/ai/LanguageModel"
import type * as Prompt from "@effect/ai/Prompt"
import * as Tool from "@effect/ai/Tool"
import * as Encoding from "effect/Encoding"
import { MODULE } from "./errors.js"
import type { ReplayMemory } from "./replay.js"

/** @internal */
export type Json = Record<string, unknown>

/** How `generateObject` asks for its object. @internal */
export type StructuredMode = "json_schema" | "tool"

/** What the response conversion needs to know about the request. @internal */
export interface Built {
  readonly body: Json
  /** In tool mode: the name of the tool whose arguments are the object. */
  readonly objectTool: string | undefined
}

const malformedInput = (description: string, cause?: unknown) =>
  new AiError.MalformedInput({ module: MODULE, method: "prepareRequest", description, ...(cause !== undefined ? { cause } : {}) })

/** A name OpenRouter accepts for a tool or a JSON schema: `[A-Za-z0-9_-]`, at most 64. @internal */
export const schemaName = (name: string): string => {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64)
  return cleaned === "" ? "generateObject" : cleaned
}

// JSON text of a value that may not be JSON (undefined, a bigint, a cycle): never throws.
const jsonText = (value: unknown): string => {
  if (typeof value === "string") return value
  try {
    const text = JSON.stringify(value, (_key, inner: unknown) => (typeof inner === "bigint" ? inner.toString() : inner))
    return text === undefined ? "null" : text
  } catch {
    return JSON.stringify(String(value))
  }
}

// Tool-call arguments: a JSON object's text (`{}` for a call without parameters).
const argumentsText = (params: unknown): string => (params === undefined || params === null ? "{}" : jsonText(params))

const isUrlText = (data: string) => /^(?:https?|data):/i.test(data)

// A file's data as a URL: a URL as it is, a data URL as it is, bytes or base64 as a data URL.
const dataUrl = (data: string | Uint8Array | URL, mediaType: string): string =>
  data instanceof URL
    ? data.toString()
    : data instanceof Uint8Array
    ? `data:${mediaType};base64,${Encoding.encodeBase64(data)}`
    : isUrlText(data)
    ? data
    : `data:${mediaType};base64,${data}`

// Base64 of a file's data, for `input_audio` (which takes no URL); undefined for a remote URL.
const base64Of = (data: string | Uint8Array | URL): string | undefined => {
  if (data instanceof URL) return undefined
  if (data instanceof Uint8Array) return Encoding.encodeBase64(data)
  if (/^https?:/i.test(data)) return undefined
  const match = /^data:[^,]*;base64,(.*)$/is.exec(data)
  return match !== null ? match[1] : isUrlText(data) ? undefined : data
}

const AUDIO_FORMATS: Record<string, string> = {
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/flac": "flac",
  "audio/ogg": "ogg",
  "audio/aac": "aac",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/webm": "webm",
  "audio/aiff": "aiff",
  "audio/pcm": "pcm16"
}

const userPart = (part: Prompt.UserMessagePart): Json => {
  if (part.type === "text") return { type: "text", text: part.text }
  const mediaType = part.mediaType.toLowerCase()
  if (mediaType.startsWith("image/")) {
    return { type: "image_url", image_url: { url: dataUrl(part.data, mediaType === "image/*" ? "image/jpeg" : part.mediaType) } }
  }
  const format = AUDIO_FORMATS[mediaType.split(";")[0]!.trim()]
  const base64 = format === undefined ? undefined : base64Of(part.data)
  if (format !== undefined && base64 !== undefined) return { type: "input_audio", input_audio: { data: base64, format } }
  return {
    type: "file",
    file: { filename: part.fileName ?? fileNameOf(part.options) ?? "file", file_data: dataUrl(part.data, part.mediaType) }
  }
}

const fileNameOf = (options: Prompt.ProviderOptions): string | undefined => {
  const name = options.openrouter?.fileName
  return typeof name === "string" ? name : undefined
}

// The answer-text entries some models stream in `reasoning_details` are not reasoning, and not a
// type OpenRouter's request schema accepts back: their text is in `content`.
const ANSWER_TYPES = new Set(["response.output_text", "response.text"])

// Entries given in a reasoning part's `options.openrouter.reasoningDetails`, sent back as they
// are; anything that is not a typed entry is left out.
const detailsOf = (options: Prompt.ProviderOptions): ReadonlyArray<Json> | undefined => {
  const details = options.openrouter?.reasoningDetails
  if (!Array.isArray(details)) return undefined
  return details.filter((entry): entry is Json =>
    typeof entry === "object" && entry !== null && typeof (entry as Json).type === "string" &&
    String((entry as Json).type).startsWith("reasoning.")
  )
}

/** @internal */
export const replayable = (details: ReadonlyArray<unknown>): Array<Json> =>
  details.filter((entry): entry is Json =>
    typeof entry === "object" && entry !== null && typeof (entry as Json).type === "string" && !ANSWER_TYPES.has((entry as Json).type as string)
  )

const assistantMessage = (message: Prompt.AssistantMessage, memory: ReplayMemory): Json => {
  let text = ""
  let reasoning = ""
  let details: Array<Json> | undefined
  const toolCalls: Array<Json> = []
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        text += part.text
        break
      case "reasoning": {
        reasoning += part.text
        const given = detailsOf(part.options)
        if (given !== undefined) details = [...(details ?? []), ...given]
        break
      }
      case "tool-call":
        // Tools the provider ran are not replayed as calls for us to answer.
        if (!part.providerExecuted) {
          toolCalls.push({ id: part.id, type: "function", function: { name: part.name, arguments: argumentsText(part.params) } })
        }
        break
    }
  }
  // A turn with tool calls whose reasoning came back without its entries
  // (`Prompt.fromResponseParts`, which `@effect/ai`'s `Chat` uses, keeps no metadata): the entries
  // this model answered those very calls with. Never by text: any conversation can hold "Sure.".
  if (details === undefined && toolCalls.length > 0) {
    const remembered = memory.find(toolCalls.map((call) => ({ id: call.id as string, name: (call.function as Json).name as string })))
    if (remembered !== undefined) details = replayable(remembered)
  }
  return {
    role: "assistant",
    content: text,
    ...(reasoning !== "" ? { reasoning } : {}),
    ...(details !== undefined && details.length > 0 ? { reasoning_details: details } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {})
  }
}

/**
 * The prompt's messages: system as text, user text and files (images as `image_url`, audio as
 * `input_audio`, other files as `file`), assistant text, reasoning (with its `reasoning_details`)
 * and tool calls, and one `tool` message per tool result.
 *
 * @internal
 */
export const messagesOf = (prompt: Prompt.Prompt, memory: ReplayMemory): Array<Json> => {
  const messages: Array<Json> = []
  for (const message of prompt.content) {
    switch (message.role) {
      case "system":
        messages.push({ role: "system", content: message.content })
        break
      case "user": {
        const [first] = message.content
        messages.push({
          role: "user",
          content: message.content.length === 1 && first?.type === "text" ? first.text : message.content.map(userPart)
        })
        break
      }
      case "assistant":
        messages.push(assistantMessage(message, memory))
        break
      case "tool":
        for (const part of message.content) {
          messages.push({ role: "tool", tool_call_id: part.id, content: jsonText(part.result) })
        }
        break
    }
  }
  return messages
}

// Strict JSON-schema mode needs every property required and no extra ones, at every level.
const strictCompatible = (schema: unknown): boolean => {
  if (Array.isArray(schema)) return schema.every(strictCompatible)
  if (typeof schema !== "object" || schema === null) return true
  const record = schema as Json
  if (record.type === "object" || record.properties !== undefined) {
    const properties = (record.properties ?? {}) as Json
    const required = new Set(Array.isArray(record.required) ? record.required : [])
    if (record.additionalProperties !== false) return false
    if (Object.keys(properties).some((key) => !required.has(key))) return false
  }
  return Object.values(record).every(strictCompatible)
}

const toolDefinition = (name: string, description: string | undefined, parameters: unknown): Json => ({
  type: "function",
  function: {
    name,
    ...(description !== undefined ? { description } : {}),
    parameters,
    ...(strictCompatible(parameters) ? { strict: true } : {})
  }
})

/**
 * The request body for a call, before the client's pipeline.
 *
 * @internal
 */
export const build = (
  options: LanguageModel.ProviderOptions,
  config: Json,
  structured: StructuredMode,
  memory: ReplayMemory
): Built | AiError.MalformedInput => {
  const messages = messagesOf(options.prompt, memory)
  // An empty prompt, or one of tool messages without results: OpenRouter needs a message.
  if (messages.length === 0) return malformedInput("The prompt has no messages to send: OpenRouter needs at least one")
  const tools: Array<Json> = []
  for (const tool of options.tools) {
    if (Tool.isProviderDefined(tool)) {
      return malformedInput(`Provider-defined tools are not supported by OpenRouter: ${tool.name}`)
    }
    if (tool.name.length > 64) return malformedInput(`A tool name is at most 64 characters: ${tool.name}`)
    tools.push(toolDefinition(tool.name, Tool.getDescription(tool as never), Tool.getJsonSchema(tool as never)))
  }
  let toolChoice: unknown
  if (tools.length > 0) {
    const choice = options.toolChoice
    toolChoice = choice === "auto" || choice === "none" || choice === "required"
      ? choice
      : "tool" in choice
      ? { type: "function", function: { name: choice.tool } }
      : choice.mode === "auto"
      ? "auto"
      : "required"
  }
  let responseFormat: unknown
  let objectTool: string | undefined
  const format = options.responseFormat
  if (format.type === "json") {
    const schema = Tool.getJsonSchemaFromSchemaAst(format.schema.ast)
    const description = Tool.getDescriptionFromSchemaAst(format.schema.ast)
    const name = schemaName(format.objectName)
    if (structured === "json_schema") {
      responseFormat = {
        type: "json_schema",
        json_schema: {
          name,
          ...(description !== undefined ? { description } : {}),
          schema,
          ...(strictCompatible(schema) ? { strict: true } : {})
        }
      }
    } else {
      // Tool mode: one forced tool whose arguments are the object.
      objectTool = name
      tools.push(toolDefinition(name, description ?? "Respond with the object as this tool's arguments", schema))
      toolChoice = { type: "function", function: { name } }
    }
  }
  const body: Json = {
    ...config,
    messages,
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    ...(responseFormat !== undefined ? { response_format: responseFormat } : {})
  }
  return { body, objectTool }
}
