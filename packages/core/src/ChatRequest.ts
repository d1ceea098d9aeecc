/**
 * The chat-completions request as a Schema: OpenRouter's `ChatRequest` (its OpenAPI schema, and
 * openrouter-api.md §2.1–§2.3), typed field by field. {@link Request} is the type a caller writes
 * (`Chat.Request` in the client): a misspelt field (`mesages`, `rol`, `temprature`) or a value of
 * the wrong type is a compile-time error. There is no catch-all index signature: the fields whose
 * content OpenRouter passes on as it is (a tool's JSON Schema `parameters`, a `json_schema`'s
 * `schema`, `reasoning_details` entries replayed verbatim, a plugin's settings, `metadata`) are the
 * only open records. A field OpenRouter adds before this type does goes in `Params.extraBody`.
 *
 * At run time {@link check} (what `Chat` runs on every request) checks the documented fields and
 * ignores unknown ones, so a request built by code that is not type-checked still goes through
 * when its known fields are right, and a wrong one is a `BadInput` whose `field` is the path
 * (`messages[0].role`). Use the Schema to check a request, never to re-encode one: the body sent
 * is always the caller's object as shaped (key order is part of OpenRouter's response-cache key).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as RequestGuard from "./internal/chatRequestGuard.js"
import { BadInput } from "./OpenRouterError.js"
import { lazily } from "./internal/lazily.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })
const nullable = <S extends Schema.Schema.Any>(schema: S) => opt(Schema.NullOr(schema))
const OpenRecord = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const CacheControl_ = Schema.Struct({
  type: Schema.Literal("ephemeral"),
  ttl: opt(Schema.Literal("5m", "1h"))
}).annotations({ identifier: "CacheControl" })

/** The type of {@link CacheControl}. @since 0.1.0 @category Models */
export interface CacheControl extends Schema.Schema.Type<typeof CacheControl_> {}

/** An Anthropic-style cache breakpoint (`cache_control`). @since 0.1.0 @category Schemas */
export const CacheControl: Schema.Schema<CacheControl> = CacheControl_

const TextPart_ = Schema.Struct({
  type: Schema.Literal("text"),
  text: Schema.String,
  cache_control: opt(CacheControl),
  prompt_cache_breakpoint: nullable(Schema.Struct({ mode: Schema.Literal("explicit") }))
}).annotations({ identifier: "TextPart" })

/** The type of {@link TextPart}. @since 0.1.0 @category Models */
export interface TextPart extends Schema.Schema.Type<typeof TextPart_> {}

/** A text part. @since 0.1.0 @category Schemas */
export const TextPart: Schema.Schema<TextPart> = TextPart_

const ImagePart_ = Schema.Struct({
  type: Schema.Literal("image_url"),
  image_url: Schema.Struct({ url: Schema.String, detail: opt(Schema.Literal("auto", "low", "high", "original")) }),
  cache_control: opt(CacheControl)
}).annotations({ identifier: "ImagePart" })

/** The type of {@link ImagePart}. @since 0.1.0 @category Models */
export interface ImagePart extends Schema.Schema.Type<typeof ImagePart_> {}

/** An image part: a URL or a `data:` URL. @since 0.1.0 @category Schemas */
export const ImagePart: Schema.Schema<ImagePart> = ImagePart_

const AudioPart_ = Schema.Struct({
  type: Schema.Literal("input_audio"),
  input_audio: Schema.Struct({ data: Schema.String, format: Schema.String })
}).annotations({ identifier: "AudioPart" })

/** The type of {@link AudioPart}. @since 0.1.0 @category Models */
export interface AudioPart extends Schema.Schema.Type<typeof AudioPart_> {}

/** An audio part: base64 data and its format (`wav`, `mp3`, …). @since 0.1.0 @category Schemas */
export const AudioPart: Schema.Schema<AudioPart> = AudioPart_

const FilePart_ = Schema.Struct({
  type: Schema.Literal("file"),
  file: Schema.Struct({ file_data: opt(Schema.String), file_id: opt(Schema.String), filename: opt(Schema.String) }),
  cache_control: opt(CacheControl)
}).annotations({ identifier: "FilePart" })

/** The type of {@link FilePart}. @since 0.1.0 @category Models */
export interface FilePart extends Schema.Schema.Type<typeof FilePart_> {}

/** A file part (a PDF, …): a URL or `data:` URL, or an uploaded file's id. @since 0.1.0 @category Schemas */
export const FilePart: Schema.Schema<FilePart> = FilePart_

const VideoPart_ = Schema.Struct({
  type: Schema.Literal("video_url", "input_video"),
  video_url: Schema.Struct({ url: Schema.String })
}).annotations({ identifier: "VideoPart" })

/** The type of {@link VideoPart}. @since 0.1.0 @category Models */
export interface VideoPart extends Schema.Schema.Type<typeof VideoPart_> {}

/** A video part (`video_url`, and the legacy `input_video`). @since 0.1.0 @category Schemas */
export const VideoPart: Schema.Schema<VideoPart> = VideoPart_

const ThinkingPart_ = Schema.Struct({
  type: Schema.Literal("thinking", "redacted_thinking"),
  thinking: opt(Schema.String),
  signature: opt(Schema.String),
  data: opt(Schema.String),
  cache_control: opt(CacheControl)
}).annotations({ identifier: "ThinkingPart" })

/** The type of {@link ThinkingPart}. @since 0.1.0 @category Models */
export interface ThinkingPart extends Schema.Schema.Type<typeof ThinkingPart_> {}

/**
 * An Anthropic thinking block replayed in an assistant's content (`thinking` with its signature,
 * `redacted_thinking` with its data): the pipeline's replay hygiene reads them.
 *
 * @since 0.1.0 @category Schemas
 */
export const ThinkingPart: Schema.Schema<ThinkingPart> = ThinkingPart_

/** A content part, by `type`. @since 0.1.0 @category Schemas */
export const ContentPart = Schema.Union(TextPart, ImagePart, AudioPart, FilePart, VideoPart, ThinkingPart).annotations({
  identifier: "ContentPart"
})

/** @since 0.1.0 @category Models */
export type ContentPart = TextPart | ImagePart | AudioPart | FilePart | VideoPart | ThinkingPart

/** Content: a string or parts. @since 0.1.0 @category Schemas */
export const Content = Schema.Union(Schema.String, Schema.Array(ContentPart)).annotations({ identifier: "Content" })

const ToolCall_ = Schema.Struct({
  id: Schema.String,
  type: opt(Schema.Literal("function")),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.String })
}).annotations({ identifier: "ToolCall" })

/** The type of {@link ToolCall}. @since 0.1.0 @category Models */
export interface ToolCall extends Schema.Schema.Type<typeof ToolCall_> {}

/** An assistant's tool call. @since 0.1.0 @category Schemas */
export const ToolCall: Schema.Schema<ToolCall> = ToolCall_

/**
 * A `reasoning_details` entry, replayed exactly as it was received (signatures and encrypted
 * blobs included): an open record.
 *
 * @since 0.1.0 @category Schemas
 */
export const ReasoningDetail = OpenRecord

const SystemMessage_ = Schema.Struct({
  role: Schema.Literal("system"),
  content: Content,
  name: opt(Schema.String)
}).annotations({ identifier: "SystemMessage" })

/** The type of {@link SystemMessage}. @since 0.1.0 @category Models */
export interface SystemMessage extends Schema.Schema.Type<typeof SystemMessage_> {}

/** A system message. @since 0.1.0 @category Schemas */
export const SystemMessage: Schema.Schema<SystemMessage> = SystemMessage_

const DeveloperMessage_ = Schema.Struct({
  role: Schema.Literal("developer"),
  content: Content,
  name: opt(Schema.String)
}).annotations({ identifier: "DeveloperMessage" })

/** The type of {@link DeveloperMessage}. @since 0.1.0 @category Models */
export interface DeveloperMessage extends Schema.Schema.Type<typeof DeveloperMessage_> {}

/** A developer message (a system message by another name). @since 0.1.0 @category Schemas */
export const DeveloperMessage: Schema.Schema<DeveloperMessage> = DeveloperMessage_

const UserMessage_ = Schema.Struct({
  role: Schema.Literal("user"),
  content: Content,
  name: opt(Schema.String)
}).annotations({ identifier: "UserMessage" })

/** The type of {@link UserMessage}. @since 0.1.0 @category Models */
export interface UserMessage extends Schema.Schema.Type<typeof UserMessage_> {}

/** A user message. @since 0.1.0 @category Schemas */
export const UserMessage: Schema.Schema<UserMessage> = UserMessage_

const AssistantMessage_ = Schema.Struct({
  role: Schema.Literal("assistant"),
  content: nullable(Content),
  name: opt(Schema.String),
  tool_calls: opt(Schema.Array(ToolCall)),
  reasoning: nullable(Schema.String),
  reasoning_details: opt(Schema.Array(ReasoningDetail)),
  refusal: nullable(Schema.String),
  images: opt(Schema.Array(Schema.Struct({ type: opt(Schema.String), image_url: Schema.Struct({ url: Schema.String }) }))),
  audio: opt(Schema.Struct({
    id: opt(Schema.String),
    data: opt(Schema.String),
    transcript: opt(Schema.String),
    expires_at: opt(Schema.Number)
  })),
  model: opt(Schema.String)
}).annotations({ identifier: "AssistantMessage" })

/** The type of {@link AssistantMessage}. @since 0.1.0 @category Models */
export interface AssistantMessage extends Schema.Schema.Type<typeof AssistantMessage_> {}

/** An assistant message: a turn replayed, with its tool calls and reasoning. @since 0.1.0 @category Schemas */
export const AssistantMessage: Schema.Schema<AssistantMessage> = AssistantMessage_

const ToolMessage_ = Schema.Struct({
  role: Schema.Literal("tool"),
  content: Content,
  tool_call_id: Schema.String
}).annotations({ identifier: "ToolMessage" })

/** The type of {@link ToolMessage}. @since 0.1.0 @category Models */
export interface ToolMessage extends Schema.Schema.Type<typeof ToolMessage_> {}

/** A tool's result. @since 0.1.0 @category Schemas */
export const ToolMessage: Schema.Schema<ToolMessage> = ToolMessage_

/** A message, by role. @since 0.1.0 @category Schemas */
export const Message = Schema.Union(SystemMessage, DeveloperMessage, UserMessage, AssistantMessage, ToolMessage).annotations({
  identifier: "Message"
})

/** @since 0.1.0 @category Models */
export type Message = SystemMessage | DeveloperMessage | UserMessage | AssistantMessage | ToolMessage

const FunctionTool_ = Schema.Struct({
  type: Schema.Literal("function"),
  function: Schema.Struct({
    name: Schema.String,
    description: opt(Schema.String),
    parameters: opt(OpenRecord),
    strict: nullable(Schema.Boolean)
  }),
  cache_control: opt(CacheControl)
}).annotations({ identifier: "FunctionTool" })

/** The type of {@link FunctionTool}. @since 0.1.0 @category Models */
export interface FunctionTool extends Schema.Schema.Type<typeof FunctionTool_> {}

/** A function tool; `parameters` is a JSON Schema object, passed on as it is. @since 0.1.0 @category Schemas */
export const FunctionTool: Schema.Schema<FunctionTool> = FunctionTool_

const ServerTool_ = Schema.Struct({
  type: Schema.TemplateLiteral(Schema.Literal("openrouter:"), Schema.String),
  parameters: opt(OpenRecord)
}).annotations({ identifier: "ServerTool" })

/** The type of {@link ServerTool}. @since 0.1.0 @category Models */
export interface ServerTool extends Schema.Schema.Type<typeof ServerTool_> {}

/**
 * One of OpenRouter's server tools (`openrouter:web_search`, `openrouter:datetime`, …): its
 * `type` and its settings, passed on as they are.
 *
 * @since 0.1.0 @category Schemas
 */
export const ServerTool: Schema.Schema<ServerTool> = ServerTool_

const WebSearchShorthandType = Schema.Literal("web_search", "web_search_preview", "web_search_preview_2025_03_11", "web_search_2025_08_26")

const WebSearchShorthand_ = Schema.Struct({ type: WebSearchShorthandType }, OpenRecord).annotations({ identifier: "WebSearchShorthand" })

/** The type of {@link WebSearchShorthand}. @since 0.1.0 @category Models */
export interface WebSearchShorthand extends Schema.Schema.Type<typeof WebSearchShorthand_> {}

/**
 * The web-search shorthand (OpenAI's `{ type: "web_search" }`, `web_search_preview`, and their
 * dated versions; OpenRouter's `ChatWebSearchShorthand`): its `type`, its settings
 * (`max_results`, `search_context_size`, `user_location`, …) passed on as they are.
 *
 * @since 0.1.0 @category Schemas
 */
export const WebSearchShorthand: Schema.Schema<WebSearchShorthand> = WebSearchShorthand_

/** A tool. @since 0.1.0 @category Schemas */
export const Tool = Schema.Union(FunctionTool, ServerTool, WebSearchShorthand).annotations({ identifier: "Tool" })

/**
 * `tool_choice`: a mode, a function by name, or a server tool named by its type
 * (`openrouter:web_search`, or the web-search shorthand's `web_search`, `web_search_preview`, …).
 *
 * @since 0.1.0 @category Schemas
 */
export const ToolChoice = Schema.Union(
  Schema.Literal("none", "auto", "required"),
  Schema.Struct({ type: Schema.Literal("function"), function: Schema.Struct({ name: Schema.String }) }),
  Schema.Struct({ type: Schema.Union(Schema.TemplateLiteral(Schema.Literal("openrouter:"), Schema.String), WebSearchShorthandType) })
).annotations({ identifier: "ToolChoice" })

/** `response_format`. @since 0.1.0 @category Schemas */
export const ResponseFormat = Schema.Union(
  Schema.Struct({ type: Schema.Literal("text", "json_object", "python") }),
  Schema.Struct({
    type: Schema.Literal("json_schema"),
    json_schema: Schema.Struct({
      name: Schema.String,
      description: opt(Schema.String),
      schema: opt(OpenRecord),
      strict: nullable(Schema.Boolean)
    })
  }),
  Schema.Struct({ type: Schema.Literal("grammar"), grammar: Schema.String })
).annotations({ identifier: "ResponseFormat" })

/** A reasoning effort. @since 0.1.0 @category Schemas */
export const Effort = Schema.Literal("max", "xhigh", "high", "medium", "low", "minimal", "none").annotations({ identifier: "Effort" })

const Reasoning_ = Schema.Struct({
  effort: nullable(Effort),
  max_tokens: nullable(Schema.Number),
  exclude: opt(Schema.Boolean),
  enabled: nullable(Schema.Boolean),
  summary: nullable(Schema.Literal("auto", "concise", "detailed"))
}).annotations({ identifier: "Reasoning" })

/** The type of {@link Reasoning}. @since 0.1.0 @category Models */
export interface Reasoning extends Schema.Schema.Type<typeof Reasoning_> {}

/** `reasoning`. @since 0.1.0 @category Schemas */
export const Reasoning: Schema.Schema<Reasoning> = Reasoning_

const Providers = nullable(Schema.Array(Schema.String))

const ProviderPreferences_ = Schema.Struct({
  allow_fallbacks: nullable(Schema.Boolean),
  require_parameters: nullable(Schema.Boolean),
  data_collection: nullable(Schema.Literal("deny", "allow")),
  zdr: nullable(Schema.Boolean),
  enforce_distillable_text: nullable(Schema.Boolean),
  order: Providers,
  only: Providers,
  ignore: Providers,
  quantizations: Providers,
  sort: nullable(Schema.Union(Schema.String, OpenRecord)),
  max_price: opt(Schema.Struct({
    prompt: opt(Schema.Union(Schema.String, Schema.Number)),
    completion: opt(Schema.Union(Schema.String, Schema.Number)),
    image: opt(Schema.Union(Schema.String, Schema.Number)),
    audio: opt(Schema.Union(Schema.String, Schema.Number)),
    request: opt(Schema.Union(Schema.String, Schema.Number))
  })),
  preferred_min_throughput: nullable(Schema.Union(Schema.Number, OpenRecord)),
  preferred_max_latency: nullable(Schema.Union(Schema.Number, OpenRecord))
}).annotations({ identifier: "ProviderPreferences" })

/** The type of {@link ProviderPreferences}. @since 0.1.0 @category Models */
export interface ProviderPreferences extends Schema.Schema.Type<typeof ProviderPreferences_> {}

/** `provider`: OpenRouter's provider routing preferences. @since 0.1.0 @category Schemas */
export const ProviderPreferences: Schema.Schema<ProviderPreferences> = ProviderPreferences_

/** A plugin (`web`, `file-parser`, `response-healing`, …): its `id` and its settings. @since 0.1.0 @category Schemas */
export const Plugin = Schema.Struct({ id: Schema.String }, OpenRecord).annotations({ identifier: "Plugin" })

/** A condition of `stop_server_tools_when`, by `type`. @since 0.1.0 @category Schemas */
export const StopServerToolsCondition = Schema.Union(
  Schema.Struct({ type: Schema.Literal("step_count_is"), step_count: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("has_tool_call"), tool_name: Schema.String }),
  Schema.Struct({ type: Schema.Literal("max_tokens_used"), max_tokens: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("max_cost"), max_cost_in_dollars: Schema.Number }),
  Schema.Struct({ type: Schema.Literal("finish_reason_is"), reason: Schema.String })
).annotations({ identifier: "StopServerToolsCondition" })

const ChatRequest_ = Schema.Struct({
  model: opt(Schema.String),
  models: opt(Schema.Array(Schema.String)),
  messages: Schema.Array(Message).pipe(Schema.minItems(1, { message: () => "there must be at least one message" })),
  stream: opt(Schema.Boolean),
  stream_options: nullable(Schema.Struct({ include_usage: opt(Schema.Boolean) })),
  // Sampling.
  temperature: nullable(Schema.Number),
  top_p: nullable(Schema.Number),
  top_k: nullable(Schema.Number),
  top_a: nullable(Schema.Number),
  min_p: nullable(Schema.Number),
  frequency_penalty: nullable(Schema.Number),
  presence_penalty: nullable(Schema.Number),
  repetition_penalty: nullable(Schema.Number),
  max_tokens: nullable(Schema.Number),
  max_completion_tokens: nullable(Schema.Number),
  seed: nullable(Schema.Number),
  stop: nullable(Schema.Union(Schema.String, Schema.Array(Schema.String))),
  logit_bias: nullable(Schema.Record({ key: Schema.String, value: Schema.Number })),
  logprobs: nullable(Schema.Boolean),
  top_logprobs: nullable(Schema.Number),
  // Tools and output.
  tools: opt(Schema.Array(Tool)),
  tool_choice: opt(ToolChoice),
  parallel_tool_calls: nullable(Schema.Boolean),
  response_format: opt(ResponseFormat),
  modalities: opt(Schema.Array(Schema.Literal("text", "image", "audio"))),
  image_config: opt(OpenRecord),
  prediction: nullable(Schema.Struct({
    type: Schema.Literal("content"),
    content: Schema.Union(Schema.String, Schema.Array(Schema.Struct({ type: Schema.Literal("text"), text: Schema.String })))
  })),
  stop_server_tools_when: opt(Schema.Array(StopServerToolsCondition).pipe(Schema.minItems(1))),
  // Reasoning.
  reasoning: opt(Reasoning),
  reasoning_effort: nullable(Effort),
  // Routing, caching, identity.
  provider: nullable(ProviderPreferences),
  plugins: opt(Schema.Array(Plugin)),
  route: nullable(Schema.Literal("fallback", "sort")),
  cache_control: opt(CacheControl),
  prompt_cache_key: nullable(Schema.String),
  prompt_cache_options: nullable(Schema.Struct({ mode: Schema.Literal("explicit"), ttl: nullable(Schema.String) })),
  service_tier: nullable(Schema.Literal("auto", "default", "fast", "flex", "priority", "scale")),
  session_id: opt(Schema.String),
  user: opt(Schema.String),
  metadata: opt(Schema.Record({ key: Schema.String, value: Schema.String })),
  trace: opt(OpenRecord),
  debug: opt(Schema.Struct({ echo_upstream_body: opt(Schema.Boolean) }))
}).annotations({ identifier: "ChatRequest" })

/** The type of {@link ChatRequest}. @since 0.1.0 @category Models */
export interface ChatRequest extends Schema.Schema.Type<typeof ChatRequest_> {}

/**
 * The request. `model` is replaced by the model the call resolves (give it as the call's
 * `model` option), and `stream` by the call (`complete` or `stream`).
 *
 * @since 0.1.0 @category Schemas
 */
export const ChatRequest: Schema.Schema<ChatRequest> = ChatRequest_

/**
 * A request as a caller writes it (`Chat.Request`): the type of {@link ChatRequest}.
 *
 * @since 0.1.0 @category Models
 */
export type Request = ChatRequest

// Compiled once, on the first request that fails the twin below (never at start-up); unknown
// fields are not copied (the result is only a verdict). `errors: "first"` stops at the first
// problem.
const validate = lazily(() => Schema.decodeUnknownEither(ChatRequest, { errors: "first", onExcessProperty: "ignore" }))

// The Schema's verdict on one value, for the twin below to hand its rare cases to.
// Each parser is built on its first use: about 30 of them, most never asked.
const verdictOf = (schema: Schema.Schema.Any): RequestGuard.Guard => {
  const run = lazily(() => ParseResult.validateEither(schema as Schema.Schema<unknown>, { errors: "first", onExcessProperty: "ignore" }))
  return (u) => {
    try {
      return Either.isRight(run(u))
    } catch {
      // See `unreadable`: such a value is not a valid one.
      return false
    }
  }
}

// Effect's union parser reads a discriminant with `String(value)`, which throws on an object whose
// `toString` is not a function (`{"role": [{"toString": null}]}` is valid JSON): a parser that
// throws is a request that is not valid, never an exception for the caller.
const unreadable = (what: string) =>
  new BadInput({
    message: `The chat request is not valid: ${what} holds a value that cannot be read as text (an object whose toString is not a function)`,
    field: "request"
  })

// The hand-written twin of `validate`'s verdict: a request that passes it is valid without a
// decode (the decode copies every object it walks). Fields it does not check itself are given to
// their own Schema, taken from the struct's AST so that they cannot drift from it.
const isValid = RequestGuard.make({
  message: verdictOf(Message),
  contentPart: verdictOf(ContentPart),
  field: new Map(
    (ChatRequest_.ast as SchemaAST.TypeLiteral).propertySignatures.map((ps) => [String(ps.name), verdictOf(Schema.make(ps.type))] as const)
  )
})

/**
 * Whether a value is a valid request, as {@link check} says (the documented fields right, unknown
 * ones ignored), without decoding it: a hand-written check that gives the Schema's verdict.
 *
 * @since 0.1.0 @category Decoding
 */
export const is = (u: unknown): u is ChatRequest => isValid(u)

const pathOf = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (out, segment) => (typeof segment === "number" ? `${out}[${segment}]` : out === "" ? String(segment) : `${out}.${String(segment)}`),
    ""
  )

/** How much of a wrong value a message shows. */
const SHOWN = 60

// A control character (newline, escape, …) as an escape: a message is one line, and a value can
// neither move the cursor nor forge a log line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

const escapeControl = (char: string): string =>
  char === "\n" ? "\\n" : char === "\r" ? "\\r" : char === "\t" ? "\\t" : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`

// A value as a message shows it: control characters escaped, at most `max` characters of it, and
// its length when cut. A message must not carry a whole prompt (or a key pasted into one) to
// stderr and the logs.
const shortValue = (text: string, max = SHOWN): string => {
  let out = ""
  for (const char of text) {
    const shown = CONTROL.test(char) ? escapeControl(char) : char
    if (out.length + shown.length > max) return `${out}… (${text.length} characters)`
    out += shown
  }
  return out
}

const ACTUAL = ", actual "

// Schema's messages end with the whole wrong value (`Expected string, actual <value>`): it is cut.
const shortMessage = (message: string): string => {
  const at = message.indexOf(ACTUAL)
  return at === -1
    ? shortValue(message, 400)
    : shortValue(message.slice(0, at + ACTUAL.length), 400) + shortValue(message.slice(at + ACTUAL.length))
}

// The deepest issue: a union (`content`: a string or parts) reports every member's mismatch, and
// the one that went furthest (`messages[0].content[0].text`) is the one that says what is wrong.
const issueOf = (error: ParseResult.ParseError) => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  let issue = issues[0]
  for (const candidate of issues) if (candidate.path.length > (issue?.path.length ?? 0)) issue = candidate
  return { field: pathOf(issue?.path ?? []), message: issue === undefined ? "invalid" : shortMessage(issue.message) }
}

/**
 * Checks a request: the caller's object itself when its documented fields are right (unknown
 * fields are ignored, never copied), else a `BadInput` whose `field` is the path of the first
 * problem (`messages[0].role`, `temperature`; `request` for the request itself).
 *
 * @since 0.1.0 @category Decoding
 */
export const check = <A>(u: A): Either.Either<A, BadInput> => {
  // The common case, a valid request, is answered by the twin; the decode only describes a failure.
  if (isValid(u)) return Either.right(u)
  let result: ReturnType<typeof validate>
  try {
    result = validate(u)
  } catch {
    return Either.left(unreadable("it"))
  }
  if (Either.isRight(result)) return Either.right(u)
  const { field, message } = issueOf(result.left)
  return Either.left(
    field === ""
      ? new BadInput({ message: `The chat request is not valid: ${message}`, field: "request" })
      : new BadInput({ message: `The chat request's ${field} is not valid: ${message}`, field })
  )
}

/**
 * Checks a request, keeping unknown fields. The error names the first problem and its path.
 *
 * @since 0.1.0 @category Decoding
 */
export const decode = (u: unknown): Either.Either<ChatRequest, string> => {
  try {
    return Schema.decodeUnknownEither(ChatRequest, { onExcessProperty: "preserve" })(u).pipe(
      Either.mapLeft((error) => {
        const { field, message } = issueOf(error)
        return `request${field === "" ? "" : field.startsWith("[") ? field : `.${field}`}: ${message}`
      })
    )
  } catch {
    return Either.left(unreadable("request").message)
  }
}

/**
 * A request of unknown shape (a replayed log, a JSON file) as a {@link Request}, or the
 * `BadInput` naming its first wrong field. The object returned is the one given.
 *
 * @since 0.1.0 @category Decoding
 */
export const fromUnknown = (u: unknown): Either.Either<Request, BadInput> => check(u) as Either.Either<Request, BadInput>
