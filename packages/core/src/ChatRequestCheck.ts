/**
 * `ChatRequest.check` without loading the `ChatRequest` Schemas until a request needs them.
 *
 * Building those Schemas is most of what importing `ChatRequest` costs: about 12 ms and 3 MiB of
 * a service's start-up (packages/bench/NOTES.md, issue 22), paid before the first request by any
 * program that chats. Most requests do not need them: the hand-written twin of the Schema's
 * verdict (the one `ChatRequest.check` asks first) accepts the common ones on its own. This module
 * runs that twin with nothing to hand the rare cases to; a request it cannot accept by itself (an
 * invalid one, whose failure the Schema describes, or one with a declared field or a part the twin
 * does not check, such as `tools`) loads `ChatRequest` and is checked by it. Unknown fields are
 * ignored, as the Schema ignores them. From then on every request
 * goes to `ChatRequest.check` directly.
 *
 * ```ts
 * import * as ChatRequestCheck from "@openrouter-effect/core/ChatRequestCheck"
 * import * as Effect from "effect/Effect"
 *
 * const program = ChatRequestCheck.check({ messages: [{ role: "user", content: "hi" }] })
 * // Effect<the request, BadInput>: the same answer as ChatRequest.check
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ChatRequest from "./ChatRequest.js"
import * as RequestGuard from "./internal/chatRequestGuard.js"
import type { BadInput } from "./OpenRouterError.js"

// Thrown by the delegates below to leave the twin: the request needs the Schema. Only until the
// Schema is loaded (then the twin with its real delegates, in `ChatRequest.check`, answers).
const UNDECIDED: unique symbol = Symbol("openrouter-effect/ChatRequestCheck/undecided")
const undecided = (): boolean => {
  throw UNDECIDED
}

// A declared field the twin does not check itself needs the Schema; an unknown one is ignored.
const twin = RequestGuard.make({
  message: undecided,
  contentPart: undecided,
  field: new Map(),
  otherField: (key) => !RequestGuard.DECLARED_FIELDS.has(key) || undecided()
})

let loaded: typeof ChatRequest.check | undefined

/**
 * The answer without loading anything: `ChatRequest.check`'s own once it is loaded; before that
 * `Either.right(u)` for a request the twin accepts by itself, and `undefined` when the Schema is
 * needed (then use {@link check}).
 *
 * @since 0.1.0 @category Decoding
 */
export const checkNow = <A>(u: A): Either.Either<A, BadInput> | undefined => {
  if (loaded !== undefined) return loaded(u)
  try {
    if (twin(u)) return Either.right(u)
  } catch (error) {
    if (error !== UNDECIDED) throw error
  }
  return undefined
}

const load: Effect.Effect<typeof ChatRequest.check> = Effect.promise(() => import("./ChatRequest.js")).pipe(
  Effect.map((module) => (loaded = module.check))
)

/**
 * Checks a request exactly as `ChatRequest.check` does (the caller's object itself, or a
 * `BadInput` naming the first wrong field), loading the `ChatRequest` Schemas only when the
 * request needs them.
 *
 * @since 0.1.0 @category Decoding
 */
export const check = <A>(u: A): Effect.Effect<A, BadInput> => checkNow(u) ?? Effect.flatMap(load, (checkLoaded) => checkLoaded(u))
