/**
 * A hand-written `Schema.is(Chat.Response)`: the same answer (a property test holds it to the
 * schema's) without the schema interpreter, on the hot path of every completion.
 */
type Guard = (u: unknown) => boolean

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null
const isString: Guard = (u) => typeof u === "string"
const isNumber: Guard = (u) => typeof u === "number"
const isBoolean: Guard = (u) => typeof u === "boolean"
const isUnknown: Guard = () => true
const nullOr = (guard: Guard): Guard => (u) => u === null || guard(u)
// An index loop, not `every`: `every` skips the holes of a sparse array, the schema does not.
const arrayOf = (guard: Guard): Guard => (u) => {
  if (!Array.isArray(u)) return false
  for (let i = 0; i < u.length; i++) if (!guard(u[i])) return false
  return true
}

// `optionalWith(…, { exact: true })`: the key may be absent; if present, its value must pass.
const optional = (o: Record<string, unknown>, key: string, guard: Guard) => !(key in o) || guard(o[key])

const isUsage: Guard = (u) =>
  isObject(u) && isNumber(u.prompt_tokens) && isNumber(u.completion_tokens) && isNumber(u.total_tokens) &&
  optional(u, "cost", nullOr(isNumber)) && optional(u, "is_byok", isBoolean)

const isToolCall: Guard = (u) =>
  isObject(u) && isString(u.id) && optional(u, "type", isString) &&
  isObject(u.function) && isString(u.function.name) && isString(u.function.arguments)

const isImage: Guard = (u) => isObject(u) && optional(u, "type", isString) && isObject(u.image_url) && isString(u.image_url.url)

const isMessage: Guard = (u) =>
  isObject(u) && isString(u.role) && optional(u, "content", nullOr(isString)) && optional(u, "reasoning", nullOr(isString)) &&
  optional(u, "reasoning_details", arrayOf(isUnknown)) && optional(u, "tool_calls", arrayOf(isToolCall)) &&
  optional(u, "images", arrayOf(isImage))

const isChoice: Guard = (u) =>
  isObject(u) && optional(u, "index", isNumber) && isMessage(u.message) && optional(u, "finish_reason", nullOr(isString)) &&
  optional(u, "native_finish_reason", nullOr(isString))

/** Whether `u` is a chat completion response as `Chat.Response` describes it. */
export const isChatResponse: Guard = (u) =>
  isObject(u) && isString(u.id) && isString(u.model) && optional(u, "provider", isString) && optional(u, "created", isNumber) &&
  arrayOf(isChoice)(u.choices) && optional(u, "usage", isUsage)
