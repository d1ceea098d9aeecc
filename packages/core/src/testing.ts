/**
 * fast-check arbitraries for property-testing code built on openrouter-effect: chat requests in
 * OpenAI shape (with unknown fields, reasoning details, tool calls, thought signatures, Anthropic
 * blocks), transform contexts over every kind of route and model the pipeline treats differently,
 * and their parts.
 *
 * ```ts
 * import { it } from "@effect/vitest"
 * import * as Testing from "@openrouter-effect/core/testing"
 *
 * it.prop("my code keeps the messages", [Testing.context, Testing.request], ([context, request]) => { … })
 * ```
 *
 * Every request this module generates decodes with `ChatRequest.ChatRequest`.
 *
 * @since 0.1.0
 */
import * as fc from "effect/FastCheck"
import * as RouteVerifier from "./RouteVerifier.js"
import * as Thinking from "./Thinking.js"
import type { Body, TransformContext } from "./transform/Context.js"

/** Slugs the pipeline treats differently, and ordinary ones. @since 0.1.0 @category Arbitraries */
export const slug: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "anthropic/claude-sonnet-4-6",
    "anthropic/claude-opus-4.1",
    "openrouter/anthropic/claude-sonnet-4-6",
    "deepseek/deepseek-v4-pro",
    "deepseek/deepseek-v4-flash:free",
    "deepseek/deepseek-v3.2",
    "google/gemini-2.5-pro",
    "google/gemini-3.1-flash-image-preview",
    "mistralai/mistral-large-2512",
    "mistral-small",
    "x-ai/grok-4.1-fast",
    "openrouter/auto",
    "auto",
    "openrouter/hunter-alpha",
    "openai/gpt-4o",
    "moonshotai/kimi-k2.6"
  ),
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,12}$/)).map(
    ([author, name]) => `${author}/${name}`
  )
)

/** Base URLs of every endpoint class, `undefined` (the default) included. @since 0.1.0 @category Arbitraries */
export const baseUrl: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  "https://openrouter.ai/api/v1",
  "https://openrouter.ai/v1/",
  "http://openrouter.ai/api/v1",
  "https://eu.openrouter.ai/api/v1",
  "https://openrouter.ai/api/v1?x=1",
  "https://proxy.example.com/v1",
  "https://openrouter.ai.attacker.example/api/v1",
  "http://127.0.0.1:4010/api/v1"
)

/** @since 0.1.0 @category Arbitraries */
export const thinkingLevel: fc.Arbitrary<Thinking.Level> = fc.constantFrom(...Thinking.levels)

/** Names of unknown fields: never one the pipeline reads. @since 0.1.0 @category Arbitraries */
export const unknownKey: fc.Arbitrary<string> = fc.stringMatching(/^x_[a-z]{1,6}$/)

const unknownFields = fc.dictionary(unknownKey, fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean()), {
  maxKeys: 2
})

const base64 = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = [18, 12, 6, 0].map((shift) => alphabet[(n >> shift) & 63] ?? "")
    const kept = i + 1 >= bytes.length ? 2 : i + 2 >= bytes.length ? 3 : 4
    out += chars.slice(0, kept).join("") + "=".repeat(4 - kept)
  }
  return out
})

/** A signature: valid base64, or a Claude-style id or other junk that is not. @since 0.1.0 @category Arbitraries */
export const signature: fc.Arbitrary<string> = fc.oneof(base64, fc.constantFrom("msg_01AbC", "sig!", "", "  "))

/** One `reasoning_details` entry, of any type and format. @since 0.1.0 @category Arbitraries */
export const reasoningDetail: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    type: fc.constant("reasoning.text"),
    text: fc.string({ maxLength: 12 }),
    signature: fc.oneof(signature, fc.constant(null)),
    format: fc.constantFrom("anthropic-claude-v1", "google-gemini-v1", "openai-responses-v1", "unknown"),
    index: fc.nat(3)
  }),
  fc.record({
    type: fc.constant("reasoning.encrypted"),
    data: signature,
    format: fc.constantFrom("anthropic-claude-v1", "google-gemini-v1", "openai-responses-v1"),
    id: fc.string({ maxLength: 6 })
  }),
  fc.record({ type: fc.constant("reasoning.summary"), summary: fc.string({ maxLength: 12 }), format: fc.constant("unknown") })
)

const toolCallId = fc.oneof(fc.stringMatching(/^call_[A-Za-z0-9_-]{1,12}$/), fc.stringMatching(/^[A-Za-z0-9]{9}$/))

/** An assistant tool call. @since 0.1.0 @category Arbitraries */
export const toolCall: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    id: toolCallId,
    type: fc.constant("function"),
    function: fc.record({ name: fc.constantFrom("lookup", "search"), arguments: fc.constant("{}") }),
    thought_signature: signature
  },
  { requiredKeys: ["id", "type", "function"] }
)

const textPart = fc.record(
  {
    type: fc.constant("text"),
    text: fc.string({ maxLength: 16 }),
    cache_control: fc.constant({ type: "ephemeral" })
  },
  { requiredKeys: ["type", "text"] }
)

const thinkingPart = fc.record(
  {
    type: fc.constantFrom("thinking", "redacted_thinking"),
    thinking: fc.string({ maxLength: 8 }),
    cache_control: fc.constant({ type: "ephemeral" }),
    thoughtSignature: signature
  },
  { requiredKeys: ["type"] }
)

const imagePart = fc.record({
  type: fc.constant("image_url"),
  image_url: fc.record({ url: fc.constant("data:image/png;base64,iVBORw0KGgo=") })
})

const content = (parts: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(fc.string({ maxLength: 24 }), fc.array(parts, { minLength: 0, maxLength: 3 }))

const withUnknown = (message: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(message, unknownFields).map(([m, extra]) => ({ ...m, ...extra }))

/** A system or developer message. @since 0.1.0 @category Arbitraries */
export const systemMessage = withUnknown(
  fc.record({ role: fc.constantFrom("system", "developer"), content: content(fc.oneof(textPart, thinkingPart)) })
)

/** A user message. @since 0.1.0 @category Arbitraries */
export const userMessage = withUnknown(fc.record({ role: fc.constant("user"), content: content(fc.oneof(textPart, imagePart)) }))

/** An assistant message, with the reasoning fields a replayed turn may carry. @since 0.1.0 @category Arbitraries */
export const assistantMessage = withUnknown(
  fc.record(
    {
      role: fc.constant("assistant"),
      content: fc.oneof(content(fc.oneof(textPart, thinkingPart)), fc.constant(null)),
      tool_calls: fc.array(toolCall, { maxLength: 2 }),
      reasoning: fc.string({ maxLength: 10 }),
      reasoning_details: fc.array(reasoningDetail, { maxLength: 3 }),
      reasoning_content: fc.string({ maxLength: 6 }),
      thought_signature: signature
    },
    { requiredKeys: ["role"] }
  )
)

/** A tool result. @since 0.1.0 @category Arbitraries */
export const toolMessage = withUnknown(
  fc.record({ role: fc.constant("tool"), content: fc.string({ maxLength: 10 }), tool_call_id: toolCallId })
)

/** Any message. @since 0.1.0 @category Arbitraries */
export const message: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  systemMessage,
  userMessage,
  assistantMessage,
  toolMessage
)

/** A conversation: an optional system message, then turns. @since 0.1.0 @category Arbitraries */
export const messages: fc.Arbitrary<ReadonlyArray<Record<string, unknown>>> = fc
  .tuple(fc.option(systemMessage, { nil: undefined }), fc.array(message, { minLength: 1, maxLength: 6 }))
  .map(([system, rest]) => (system === undefined ? rest : [system, ...rest]))

const effort = fc.constantFrom("minimal", "low", "medium", "high", "xhigh", "max", "none")

/** A `reasoning` request object. @since 0.1.0 @category Arbitraries */
export const reasoningObject = fc.record(
  { effort, max_tokens: fc.integer({ min: 1, max: 4096 }), exclude: fc.boolean() },
  { requiredKeys: [] }
)

/**
 * A chat request in OpenAI shape, with the fields the pipeline reads, removes or must keep, and
 * unknown fields.
 *
 * @since 0.1.0 @category Arbitraries
 */
export const request: fc.Arbitrary<Body> = fc
  .tuple(
    messages,
    fc.record(
      {
        reasoning: reasoningObject,
        reasoning_effort: effort,
        provider: fc.record({ order: fc.constant(["anthropic"]) }),
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        store: fc.boolean(),
        service_tier: fc.constantFrom("auto", "flex"),
        prompt_cache_key: fc.string({ maxLength: 6 }),
        stream_options: fc.record({ include_usage: fc.boolean() }),
        models: fc.constant(["openai/gpt-4o-mini"]),
        tools: fc.array(fc.constant({ type: "function", function: { name: "lookup", parameters: { type: "object" } } }), {
          maxLength: 2
        }),
        tool_choice: fc.constantFrom("auto", "none", "required")
      },
      { requiredKeys: [] }
    ),
    unknownFields
  )
  .map(([messages, fields, extra]) => ({ ...extra, messages, ...fields }))

/** Params as the config may produce them: sampling, routing, response cache, retention, extra body. @since 0.1.0 @category Arbitraries */
export const params: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    maxTokens: fc.integer({ min: 1, max: 8192 }),
    provider: fc.record({ sort: fc.constantFrom("price", "latency"), data_collection: fc.constant("deny") }, {
      requiredKeys: []
    }),
    responseCache: fc.oneof(fc.boolean(), fc.constantFrom("on", "off")),
    response_cache_ttl: fc.oneof(fc.integer({ min: -10, max: 100000 }), fc.constant(Infinity)),
    cacheRetention: fc.constantFrom("none", "short", "long"),
    extraBody: fc.dictionary(fc.stringMatching(/^eb_[a-z]{1,6}$/), fc.string({ maxLength: 4 }), { maxKeys: 2 })
  },
  { requiredKeys: [] }
)

/** Header names that are not the policy's reserved ones. @since 0.1.0 @category Arbitraries */
export const callerHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.stringMatching(/^X-App-[A-Za-z]{1,6}$/),
  fc.string({ maxLength: 8 }),
  { maxKeys: 3 }
)

/** A transform context over every route class, model kind and thinking level. @since 0.1.0 @category Arbitraries */
export const context: fc.Arbitrary<TransformContext> = fc
  .record({
    slug,
    baseUrl,
    thinking: thinkingLevel,
    params,
    fallbacks: fc.array(slug, { maxLength: 2 }),
    configuredHeaders: callerHeaders,
    callerHeaders
  })
  .map(({ baseUrl: url, ...rest }) => ({ ...rest, provider: "openrouter", route: RouteVerifier.classify(url) }))

const pathsOf = (value: unknown, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  if (typeof value !== "object" || value === null) return [prefix]
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return [prefix, ...entries.flatMap(([key, v]) => pathsOf(v, [...prefix, key]))]
}

// A deep copy of `root` with the value at `path` replaced (or its key removed, for `remove`).
const edit = (root: unknown, path: ReadonlyArray<string | number>, replacement: unknown, remove: boolean): unknown => {
  if (path.length === 0) return replacement
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>
  const [head, ...rest] = path
  if (rest.length === 0 && remove) delete copy[head!]
  else copy[head!] = edit(copy[head!], rest, replacement, remove)
  return copy
}

/**
 * Values from `source` with one value anywhere inside them (the whole value included) replaced by
 * one from `replacement`, or its key removed: the near misses a hand-written check must answer
 * exactly as the Schema it stands for. The source value itself is never changed.
 *
 * ```ts
 * const nearMisses = Testing.edited(Arbitrary.make(ChatRequest.ChatRequest), fc.jsonValue())
 * ```
 *
 * @since 0.1.0 @category Arbitraries
 */
export const edited = (source: fc.Arbitrary<unknown>, replacement: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  source.chain((value) =>
    fc.record({ path: fc.constantFrom(...pathsOf(value)), replacement, remove: fc.boolean() }).map(
      ({ path, remove, replacement }) => edit(value, path, replacement, remove)
    )
  )
