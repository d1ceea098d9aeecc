/**
 * The schemas of a chat completion as OpenRouter answers it: the response, its choices and
 * message, tool calls, images and usage. Unknown fields are kept (`onExcessProperty: "preserve"`
 * where decoded), and `reasoning_details` exactly as received, for replay.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/** Token usage with OpenRouter's cost. @since 0.1.0 @category Schemas */
export const Usage = Schema.Struct({
  prompt_tokens: Schema.Number,
  completion_tokens: Schema.Number,
  total_tokens: Schema.Number,
  cost: opt(Schema.NullOr(Schema.Number)),
  is_byok: opt(Schema.Boolean)
})

/** @since 0.1.0 @category Models */
export type Usage = typeof Usage.Type

/** A tool call. @since 0.1.0 @category Schemas */
export const ToolCall = Schema.Struct({
  id: Schema.String,
  type: opt(Schema.String),
  function: Schema.Struct({ name: Schema.String, arguments: Schema.String })
})

/** An image in a response. @since 0.1.0 @category Schemas */
export const Image = Schema.Struct({ type: opt(Schema.String), image_url: Schema.Struct({ url: Schema.String }) })

/** The assistant message. `reasoning_details` is kept exactly as received, for replay. @since 0.1.0 @category Schemas */
export const Message = Schema.Struct({
  role: Schema.String,
  content: opt(Schema.NullOr(Schema.String)),
  reasoning: opt(Schema.NullOr(Schema.String)),
  reasoning_details: opt(Schema.Array(Schema.Unknown)),
  tool_calls: opt(Schema.Array(ToolCall)),
  images: opt(Schema.Array(Image))
})

/** A choice. @since 0.1.0 @category Schemas */
export const Choice = Schema.Struct({
  index: opt(Schema.Number),
  message: Message,
  finish_reason: opt(Schema.NullOr(Schema.String)),
  native_finish_reason: opt(Schema.NullOr(Schema.String)),
  error: opt(Schema.Unknown)
})

/** The response, unknown fields kept. @since 0.1.0 @category Schemas */
export const Response = Schema.Struct({
  id: Schema.String,
  model: Schema.String,
  provider: opt(Schema.String),
  created: opt(Schema.Number),
  choices: Schema.Array(Choice),
  usage: opt(Usage)
})

/** @since 0.1.0 @category Models */
export type Response = typeof Response.Type

