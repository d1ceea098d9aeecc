/**
 * Replay hygiene: cleaning the assistant turns a caller replays in `messages` before they are
 * sent (reference §8 "transport-side replay hygiene", §10.2, §10.3).
 *
 * - Reasoning fields are normalised on every assistant message, for every model. A
 *   `reasoning_details` array is always kept exactly as received: signatures and encrypted blobs
 *   must survive or tool loops break (OpenClaw strips it for `anthropic/*` and `x-ai/*`).
 * - On an exact-verified OpenRouter route, for `anthropic/*` and `x-ai/*`, plain-text reasoning
 *   (`reasoning`, `reasoning_content`, `reasoning_text`, a string `reasoning_details`) is dropped:
 *   those providers accept only signed reasoning.
 * - On Gemini routes, thought signatures and foreign `reasoning_details` entries that are not
 *   valid base64 are dropped.
 * - On Mistral routes, tool-call ids are rewritten to the nine alphanumerics Mistral accepts.
 *
 * Every function here is total (any JSON passes through without throwing), copies on write
 * (an unchanged body, message or array is returned as the same object; key order is kept) and
 * idempotent.
 *
 * @since 0.1.0
 */
import * as Encoding from "../internal/replayEncoding.js"
import * as Reasoning from "../internal/replayReasoning.js"
import type { Body, TransformContext, Transformer } from "./Context.js"
import { hasToolCalls, isRecord, mapMessages, memoBySlug, messagesOf, roleOf, withKey } from "./Context.js"

type JsonRecord = Readonly<Record<string, unknown>>

const isAssistant = (message: JsonRecord): boolean => roleOf(message) === "assistant"

const OPENROUTER_PREFIX = "openrouter/"

// ---------------------------------------------------------------------------------------------
// Reasoning fields
// ---------------------------------------------------------------------------------------------

// One message of `cleanReasoningFields` (a function made once, not per request).
const cleanMessage = (message: JsonRecord): unknown => isAssistant(message) ? Reasoning.cleanMessageReasoning(message) : message

/**
 * Normalises the reasoning fields of every assistant message, for every model:
 *
 * - a string `reasoning_details` is moved to `reasoning` when there is no non-blank string
 *   `reasoning`, and is deleted; a `reasoning_details` that is neither an array nor a string is
 *   deleted; an array is kept as it is (the same object);
 * - a blank or non-string `reasoning` is deleted, and so is a blank or non-string
 *   `reasoning_content`;
 * - `reasoning_text` is moved to `reasoning` when it is a non-blank string and there is neither a
 *   non-blank string `reasoning` nor a non-blank string `reasoning_content`, and is deleted.
 *
 * "Blank" means empty after trimming. A moved value keeps its own text (it is not trimmed). When
 * `reasoning` already exists (it is then about to be replaced or deleted) the moved value takes
 * its place; otherwise `reasoning` takes the place of the key it was moved from. Other messages,
 * and anything in `messages` that is not an object, pass through.
 *
 * @since 0.1.0
 * @category Transformers
 */
export const cleanReasoningFields = (body: Body): Body => mapMessages(body, cleanMessage)

/**
 * Whether a slug is served by a provider that accepts only signed reasoning on replay: lower-cased,
 * with one leading `openrouter/` removed, it starts with `anthropic/` or `x-ai/`.
 *
 * @since 0.1.0
 * @category Predicates
 */
export const isSignedReasoningOnlyModel = (slug: string): boolean => {
  if (typeof slug !== "string") return false
  const lower = slug.trim().toLowerCase()
  const bare = lower.startsWith(OPENROUTER_PREFIX) ? lower.slice(OPENROUTER_PREFIX.length) : lower
  return bare.startsWith("anthropic/") || bare.startsWith("x-ai/")
}

/**
 * Drops plain-text reasoning from every assistant message (§8, issue 16): `reasoning`,
 * `reasoning_content`, `reasoning_text`, and a `reasoning_details` that is not an array. An array
 * `reasoning_details` (signed or encrypted entries) is kept as the same object. {@link replayHygiene}
 * applies it for {@link isSignedReasoningOnlyModel} slugs on exact-verified routes.
 *
 * @since 0.1.0
 * @category Transformers
 */
export const dropPlainReasoning = (body: Body): Body =>
  mapMessages(body, (message) => isAssistant(message) ? Reasoning.withoutPlainReasoning(message) : message)

// ---------------------------------------------------------------------------------------------
// Gemini thought signatures
// ---------------------------------------------------------------------------------------------

/**
 * Whether a slug is served by Gemini: it contains `gemini`, in any case (`google/gemini-2.5-pro`,
 * a bare `gemini-2.5-pro`, `openrouter/google/gemini-…`).
 *
 * @since 0.1.0
 * @category Predicates
 */
export const isGeminiModel = (slug: string): boolean => typeof slug === "string" && slug.toLowerCase().includes("gemini")

/**
 * Whether a value is a valid base64 thought signature (§10.2): a string that is non-empty after
 * trimming; that, once whitespace is removed, contains only `[A-Za-z0-9+/=_-]`; that decodes to
 * at least one byte (as base64url when it contains `-` or `_`, else as standard base64); and
 * whose decoded bytes re-encode to the same text, ignoring `=` padding (so a string mixing the
 * two alphabets, with `=` inside, with non-zero trailing bits or with a dangling sixth-bit
 * character is refused; any number of trailing `=` is accepted).
 *
 * @since 0.1.0
 * @category Predicates
 */
export const isValidBase64Signature: (value: unknown) => value is string = Encoding.isValidBase64Signature

/**
 * Gemini thought-signature sanitation (§10.2), on every assistant message (whatever its slug:
 * {@link replayHygiene} applies it only when {@link isGeminiModel}):
 *
 * - `thought_signature` and `thoughtSignature` are deleted, unless they are a valid base64
 *   signature ({@link isValidBase64Signature}), from the message itself, from each object in an
 *   array `content`, and from each object in `tool_calls` and its `function` object;
 * - entries of an array `reasoning_details` whose `format` is a string other than
 *   `google-gemini-v1`, and whose signature (`signature` when a string, else `data` when a
 *   string) is not valid base64, are dropped. Entries with no string signature or data, with no
 *   string `format`, or in the Gemini format, are kept.
 *
 * @since 0.1.0
 * @category Transformers
 */
export const sanitizeGemini = (body: Body): Body =>
  mapMessages(body, (message) => isAssistant(message) ? Encoding.sanitizeGeminiMessage(message) : message)

// ---------------------------------------------------------------------------------------------
// Mistral tool-call ids
// ---------------------------------------------------------------------------------------------

const MISTRAL_PREFIXES = [
  "mistralai/",
  "mistral/",
  "mistral-",
  "codestral-",
  "devstral-",
  "ministral-",
  "mixtral-",
  "pixtral-",
  "voxtral-"
]

/**
 * Whether a slug is served by Mistral (§10.3): lower-cased, with one leading `openrouter/`
 * removed, it starts with `mistralai/`, `mistral/`, `mistral-`, `codestral-`, `devstral-`,
 * `ministral-`, `mixtral-`, `pixtral-` or `voxtral-`. The slug is lower-cased before the prefix is
 * removed, so `OpenRouter/mistralai/…` counts too.
 *
 * @since 0.1.0
 * @category Predicates
 */
export const isMistralModel = (slug: string): boolean => {
  if (typeof slug !== "string") return false
  const lower = slug.toLowerCase()
  const bare = lower.startsWith(OPENROUTER_PREFIX) ? lower.slice(OPENROUTER_PREFIX.length) : lower
  return MISTRAL_PREFIXES.some((prefix) => bare.startsWith(prefix))
}

/**
 * The nine-character form of one tool-call id (Mistral's "strict9", §10.3): the id without its
 * non-alphanumerics (ASCII letters and digits are kept, anything else goes), cut to 9 characters;
 * when that leaves fewer than 9, the first 9 hex characters of the SHA-256 of what is left; when
 * nothing is left, the first 9 hex characters of the SHA-256 of `"sanitized"`. Nine
 * alphanumerics map to themselves. Distinct ids can collide here;
 * {@link sanitizeMistralToolCallIds} resolves that.
 *
 * @since 0.1.0
 * @category Tool call ids
 */
export const strictToolCallId: (id: string) => string = Encoding.strictToolCallId

/**
 * Rewrites every assistant `tool_calls[].id`, and every tool message's `tool_call_id` and
 * `tool_use_id`, to nine characters of `[A-Za-z0-9]` ({@link strictToolCallId}), in message order,
 * as OpenClaw does (§10.3, issue 16):
 *
 * - every tool call gets an id of its own, even when one assistant turn repeats a raw id
 *   (`edit:22` twice gives two distinct ids);
 * - a tool result takes the id of the earliest call before it with the same raw id that no earlier
 *   result took, so the results that follow a turn pair with its calls in order; a result with no
 *   such call gets an id of its own;
 * - a result whose `tool_call_id` and `tool_use_id` are the same raw id gets one id for both;
 * - distinct raw ids never share an id: an id that already is nine alphanumerics keeps itself (its
 *   first use does), and a collision gets the first 9 hex characters of SHA-256 of the raw id, `:`
 *   and a counter (1, 2, …), until unused. That makes the rewrite idempotent.
 *
 * Ids that are not strings are left alone.
 *
 * @since 0.1.0
 * @category Transformers
 */
export const sanitizeMistralToolCallIds = (body: Body): Body => {
  const messages = messagesOf(body)
  if (messages === undefined) return body
  const ids = Encoding.strictIdAllocator(messages)
  return mapMessages(body, (message) => {
    const role = roleOf(message)
    if (role === "assistant" && hasToolCalls(message)) {
      const calls = message.tool_calls as ReadonlyArray<unknown>
      const next = Encoding.mapArray(calls, (call) => {
        if (!isRecord(call) || typeof call.id !== "string") return call
        const id = ids.call(call.id)
        return id === call.id ? call : withKey(call, "id", id)
      })
      return next === calls ? message : withKey(message, "tool_calls", next)
    }
    if (role !== "tool") return message
    const callId = typeof message.tool_call_id === "string" ? message.tool_call_id : undefined
    const useId = typeof message.tool_use_id === "string" ? message.tool_use_id : undefined
    const newCallId = callId === undefined ? undefined : ids.result(callId)
    const newUseId = useId === undefined ? undefined : useId === callId ? newCallId : ids.result(useId)
    let next = message
    if (newCallId !== callId) next = withKey(next, "tool_call_id", newCallId)
    if (newUseId !== useId) next = withKey(next, "tool_use_id", newUseId)
    return next
  })
}

// ---------------------------------------------------------------------------------------------
// The transformer
// ---------------------------------------------------------------------------------------------

/**
 * Replay hygiene for the body's `messages`: {@link cleanReasoningFields} for every model; then
 * {@link dropPlainReasoning} when the slug {@link isSignedReasoningOnlyModel} and the route is
 * exact-verified (like the other replay fixes, DeepSeek V4's and the Anthropic prefill); then
 * {@link sanitizeGemini} when the slug {@link isGeminiModel}, then
 * {@link sanitizeMistralToolCallIds} when the slug {@link isMistralModel}. Returns the body itself
 * when nothing changes; otherwise a copy in which unchanged messages keep their identity and
 * every object keeps its key order. Idempotent, and total over JSON: a body whose `messages` is
 * not an array, or entries that are not objects, pass through.
 *
 * @since 0.1.0
 * @category Transformers
 */
export const replayHygiene: Transformer = (context) => (body) => applyReplayHygiene(context, body)

// What the slug asks for, memoised per slug (the same string call after call).
const slugParts = memoBySlug((slug) => ({
  signedOnly: isSignedReasoningOnlyModel(slug),
  gemini: isGeminiModel(slug),
  mistral: isMistralModel(slug)
}))

/**
 * {@link replayHygiene} applied, without the curried step (the pipeline calls it once per request).
 *
 * @internal
 */
export const applyReplayHygiene = (context: TransformContext, body: Body): Body => {
  const parts = slugParts(context.slug)
  const signedOnly = context.route.exactVerified && parts.signedOnly
  if (!isRecord(body)) return body
  let next = cleanReasoningFields(body)
  if (signedOnly) next = dropPlainReasoning(next)
  if (parts.gemini) next = sanitizeGemini(next)
  if (parts.mistral) next = sanitizeMistralToolCallIds(next)
  return next
}
