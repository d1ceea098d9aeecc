/**
 * A hand-written twin of the `ChatRequest` Schema's verdict, for `ChatRequest.check`: it runs on
 * every chat call, and a Schema decode (which builds a copy of every object it walks) was the
 * largest part of shaping a request. It answers exactly as the Schema does (held to it by
 * property tests in `test/ChatRequestGuard.test.ts`): the common fields (the messages by role, text
 * parts, tool calls, the sampling params, `reasoning`) are checked here; every other field, message
 * or part is given to the Schema of that field, so a rarely used part of the request cannot drift
 * from it. Only the verdict comes from here: a failure is still described by the Schema decode.
 *
 * The Schema's rules it mirrors (effect 3's `ParseResult`):
 * - a struct or record accepts any non-null object that is not an array;
 * - an optional (exact) field is checked only when it is an own property, and then `undefined` is
 *   not a value; a required field is read as `input[name]`, inherited or not;
 * - a union of structs with a literal tag (`role`, `type`) picks its member by an own tag;
 * - `Schema.Number` is `typeof "number"` (`NaN` included), a string record checks `Object.keys`.
 *
 * @internal
 */

/** @internal */
export type Guard = (u: unknown) => boolean

/** The Schema checks the twin hands the rare cases to. @internal */
export interface Delegates {
  /** One message (the `Message` union). */
  readonly message: Guard
  /** One content part (the `ContentPart` union). */
  readonly contentPart: Guard
  /** A top-level field's value, by the field's name (present only for the fields not checked here). */
  readonly field: ReadonlyMap<string, Guard>
  /**
   * An own top-level key that neither `field` nor the twin knows, with its value: absent, such a
   * key is an unknown field and ignored (as the Schema ignores excess properties). Given, it
   * decides: `ChatRequestCheck`, which has no Schema behind it, ignores the keys outside
   * {@link DECLARED_FIELDS} and hands the declared ones on.
   */
  readonly otherField?: ((key: string, value: unknown) => boolean) | undefined
}

/**
 * The top-level fields the `ChatRequest` Schema declares, for a twin without the Schema
 * (`ChatRequestCheck`): an own key outside this set is an unknown field, ignored as the Schema
 * ignores it. A test holds it to the Schema's struct.
 *
 * @internal
 */
export const DECLARED_FIELDS: ReadonlySet<string> = new Set([
  "model", "models", "messages", "stream", "stream_options", "temperature", "top_p", "top_k", "top_a", "min_p",
  "frequency_penalty", "presence_penalty", "repetition_penalty", "max_tokens", "max_completion_tokens", "seed", "stop",
  "logit_bias", "logprobs", "top_logprobs", "tools", "tool_choice", "parallel_tool_calls", "response_format",
  "modalities", "image_config", "prediction", "stop_server_tools_when", "reasoning", "reasoning_effort", "provider",
  "plugins", "route", "cache_control", "prompt_cache_key", "prompt_cache_options", "service_tier", "session_id", "user",
  "metadata", "trace", "debug"
])

const hasOwn = Object.prototype.hasOwnProperty

// `Predicate.isRecord`: what a struct or record accepts.
const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)

const isString = (u: unknown): boolean => typeof u === "string"
const isNumber = (u: unknown): boolean => typeof u === "number"
const isBoolean = (u: unknown): boolean => typeof u === "boolean"

const nullOr = (guard: Guard): Guard => (u) => u === null || guard(u)

const isStringArray = (u: unknown): boolean => {
  if (!Array.isArray(u)) return false
  for (let i = 0; i < u.length; i++) if (typeof u[i] !== "string") return false
  return true
}

// An optional field of `record`: absent, or present with a value `guard` accepts.
const optional = (record: Readonly<Record<string, unknown>>, key: string, guard: Guard): boolean =>
  !hasOwn.call(record, key) || guard(record[key])

const EFFORTS = new Set<unknown>(["max", "xhigh", "high", "medium", "low", "minimal", "none"])
const isEffort: Guard = (u) => EFFORTS.has(u)
const SUMMARIES = new Set<unknown>(["auto", "concise", "detailed"])

// `CacheControl`: `{ type: "ephemeral", ttl?: "5m" | "1h" }`.
const isCacheControl: Guard = (u) =>
  isRecord(u) && u.type === "ephemeral" && optional(u, "ttl", (ttl) => ttl === "5m" || ttl === "1h")

const isBreakpoint: Guard = (u) => isRecord(u) && u.mode === "explicit"

/** The twin, built over the Schema checks it delegates to. @internal */
export const make = (delegates: Delegates): Guard => {
  // A content part: a text part here, any other through the `ContentPart` union.
  const isContentPart: Guard = (u) => {
    if (!isRecord(u) || !hasOwn.call(u, "type") || u.type !== "text") return delegates.contentPart(u)
    return typeof u.text === "string" &&
      optional(u, "cache_control", isCacheControl) &&
      optional(u, "prompt_cache_breakpoint", nullOr(isBreakpoint))
  }

  // `Content`: a string or an array of parts.
  const isContent: Guard = (u) => {
    if (typeof u === "string") return true
    if (!Array.isArray(u)) return false
    for (let i = 0; i < u.length; i++) if (!isContentPart(u[i])) return false
    return true
  }

  const isToolCall: Guard = (u) => {
    if (!isRecord(u) || typeof u.id !== "string" || !optional(u, "type", (type) => type === "function")) return false
    const fn = u.function
    return isRecord(fn) && typeof fn.name === "string" && typeof fn.arguments === "string"
  }

  const isArrayOf = (guard: Guard): Guard => (u) => {
    if (!Array.isArray(u)) return false
    for (let i = 0; i < u.length; i++) if (!guard(u[i])) return false
    return true
  }
  const isToolCalls = isArrayOf(isToolCall)
  const isRecords = isArrayOf(isRecord)
  const isNullableContent = nullOr(isContent)
  const isNullableString = nullOr(isString)

  // A message: by its own `role`, as the `Message` union picks its member.
  const isMessage: Guard = (u) => {
    if (!isRecord(u) || !hasOwn.call(u, "role")) return delegates.message(u)
    switch (u.role) {
      case "user":
      case "system":
      case "developer":
        return isContent(u.content) && optional(u, "name", isString)
      case "tool":
        return isContent(u.content) && typeof u.tool_call_id === "string"
      case "assistant":
        // `images` and `audio` are rare in a replayed turn: the Schema checks those messages.
        if (hasOwn.call(u, "images") || hasOwn.call(u, "audio")) return delegates.message(u)
        return optional(u, "content", isNullableContent) &&
          optional(u, "name", isString) &&
          optional(u, "tool_calls", isToolCalls) &&
          optional(u, "reasoning", isNullableString) &&
          optional(u, "reasoning_details", isRecords) &&
          optional(u, "refusal", isNullableString) &&
          optional(u, "model", isString)
      default:
        return delegates.message(u)
    }
  }

  const isReasoning: Guard = (u) =>
    isRecord(u) &&
    optional(u, "effort", nullOr(isEffort)) &&
    optional(u, "max_tokens", nullOr(isNumber)) &&
    optional(u, "exclude", isBoolean) &&
    optional(u, "enabled", nullOr(isBoolean)) &&
    optional(u, "summary", (summary) => summary === null || SUMMARIES.has(summary))

  const nullableNumber = nullOr(isNumber)
  const nullableBoolean = nullOr(isBoolean)
  const fields = new Map<string, Guard>(delegates.field)
  for (const key of ["model", "session_id", "user"]) fields.set(key, isString)
  fields.set("models", isStringArray)
  fields.set("stream", isBoolean)
  fields.set("stream_options", nullOr((u) => isRecord(u) && optional(u, "include_usage", isBoolean)))
  for (
    const key of [
      "temperature",
      "top_p",
      "top_k",
      "top_a",
      "min_p",
      "frequency_penalty",
      "presence_penalty",
      "repetition_penalty",
      "max_tokens",
      "max_completion_tokens",
      "seed",
      "top_logprobs"
    ]
  ) fields.set(key, nullableNumber)
  for (const key of ["logprobs", "parallel_tool_calls"]) fields.set(key, nullableBoolean)
  fields.set("stop", nullOr((u) => typeof u === "string" || isStringArray(u)))
  fields.set("reasoning", isReasoning)
  fields.set("reasoning_effort", nullOr(isEffort))
  // `messages` is required: read below whether it is own or not, as the Schema does.
  fields.delete("messages")
  const otherField = delegates.otherField

  return (u) => {
    if (!isRecord(u)) return false
    const messages = u.messages
    if (!Array.isArray(messages) || messages.length < 1) return false
    for (let i = 0; i < messages.length; i++) if (!isMessage(messages[i])) return false
    // Every own key the Schema declares (the struct checks each declared field that is own).
    const keys = Reflect.ownKeys(u)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      if (typeof key !== "string") continue
      const guard = fields.get(key)
      if (guard !== undefined) {
        if (!guard(u[key])) return false
      } else if (otherField !== undefined && key !== "messages" && !otherField(key, u[key])) return false
    }
    return true
  }
}
