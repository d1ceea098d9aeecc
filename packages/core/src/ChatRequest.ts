/**
 * The chat-completions request as a Schema: what a request must look like on the wire (OpenRouter's
 * `ChatRequest`, openrouter-api.md §2.1–§2.3), lean, with every unknown field accepted. Use it to
 * check a request, never to re-encode one: decoding with {@link decode} keeps unknown fields, but
 * the body sent is always the caller's object as shaped (key order is part of OpenRouter's
 * response-cache key).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** A content part: anything with a string `type`. @since 0.1.0 @category Schemas */
export const ContentPart = Schema.Struct({ type: Schema.String })

const Content = Schema.Union(Schema.String, Schema.Array(ContentPart))

/** An assistant's tool call. @since 0.1.0 @category Schemas */
export const ToolCall = Schema.Struct({
  id: Schema.String,
  type: opt(Schema.String),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.String })
})

/** A message, by role. @since 0.1.0 @category Schemas */
export const Message = Schema.Union(
  Schema.Struct({ role: Schema.Literal("system", "developer"), content: Content, name: opt(Schema.String) }),
  Schema.Struct({ role: Schema.Literal("user"), content: Content, name: opt(Schema.String) }),
  Schema.Struct({
    role: Schema.Literal("assistant"),
    content: opt(Schema.NullOr(Content)),
    tool_calls: opt(Schema.Array(ToolCall)),
    reasoning: opt(Schema.NullOr(Schema.String)),
    reasoning_details: opt(Schema.Array(Schema.Struct({ type: Schema.String }))),
    name: opt(Schema.String)
  }),
  Schema.Struct({ role: Schema.Literal("tool"), content: Content, tool_call_id: Schema.String })
)

/** @since 0.1.0 @category Models */
export type Message = typeof Message.Type

/** The request. @since 0.1.0 @category Schemas */
export const ChatRequest = Schema.Struct({
  model: opt(Schema.String),
  models: opt(Schema.Array(Schema.String)),
  messages: Schema.NonEmptyArray(Message),
  stream: opt(Schema.Boolean),
  reasoning: opt(Schema.Struct({
    effort: opt(Schema.NullOr(Schema.Literal("max", "xhigh", "high", "medium", "low", "minimal", "none"))),
    max_tokens: opt(Schema.NullOr(Schema.Number)),
    exclude: opt(Schema.Boolean),
    enabled: opt(Schema.Boolean)
  })),
  reasoning_effort: opt(Schema.NullOr(Schema.Literal("max", "xhigh", "high", "medium", "low", "minimal", "none"))),
  provider: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  temperature: opt(Schema.NullOr(Schema.Number)),
  top_p: opt(Schema.NullOr(Schema.Number)),
  max_tokens: opt(Schema.NullOr(Schema.Number)),
  max_completion_tokens: opt(Schema.NullOr(Schema.Number)),
  seed: opt(Schema.NullOr(Schema.Number)),
  stop: opt(Schema.NullOr(Schema.Union(Schema.String, Schema.Array(Schema.String))))
})

/** @since 0.1.0 @category Models */
export type ChatRequest = typeof ChatRequest.Type

/**
 * Checks a request, keeping unknown fields. The error names the first problem and its path.
 *
 * @since 0.1.0 @category Decoding
 */
export const decode = (u: unknown): Either.Either<ChatRequest, string> =>
  Schema.decodeUnknownEither(ChatRequest, { onExcessProperty: "preserve" })(u).pipe(
    Either.mapLeft((error) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      const path = (issue?.path ?? []).map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`))
      return `request${path.join("")}: ${issue?.message ?? "invalid"}`
    })
  )
