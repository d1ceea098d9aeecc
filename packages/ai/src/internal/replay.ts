/**
 * The `reasoning_details` a model answered with, remembered by the turn's tool calls, so a turn
 * replayed without them still carries its signatures. `Prompt.fromResponseParts` (and so
 * `@effect/ai`'s `Chat`) keeps no part metadata: without this, a tool loop through `Chat` would
 * send an Anthropic or Gemini model its own reasoning unsigned.
 *
 * Only a turn with tool calls is remembered, and only the same calls find it: the ids of a
 * response's calls are its own, where a turn's text ("Sure.") could be any conversation's. The
 * memory is shared by every call of a layer (so by every user of it): a key anyone's prompt could
 * hold would hand one conversation another's reasoning. A turn is found when the prompt's
 * assistant message has the same calls, in order (id and name), as the answer remembered.
 *
 * Bounded: the oldest turns are forgotten past `capacity`.
 *
 * @internal
 */

/** A tool call of a turn, as the memory knows it. @internal */
export interface CallKey {
  readonly id: string
  readonly name: string
}

/** @internal */
export interface ReplayMemory {
  readonly remember: (calls: ReadonlyArray<CallKey>, details: ReadonlyArray<unknown>) => void
  readonly find: (calls: ReadonlyArray<CallKey>) => ReadonlyArray<unknown> | undefined
}

interface Turn {
  readonly calls: ReadonlyArray<CallKey>
  readonly details: ReadonlyArray<unknown>
}

const sameCalls = (a: ReadonlyArray<CallKey>, b: ReadonlyArray<CallKey>): boolean =>
  a.length === b.length && a.every((call, i) => call.id === b[i]?.id && call.name === b[i]?.name)

/** @internal */
export const make = (capacity = 512): ReplayMemory => {
  // By the turn's first call id: every call of a turn names the turn, so one key is enough.
  const entries = new Map<string, Turn>()
  return {
    remember: (calls, details) => {
      const first = calls[0]
      // An id-less call cannot be told from another conversation's: nothing is remembered.
      if (details.length === 0 || first === undefined || calls.some((call) => call.id === "")) return
      entries.delete(first.id)
      entries.set(first.id, { calls: [...calls], details })
      if (entries.size > capacity) {
        const oldest = entries.keys().next()
        if (oldest.done !== true) entries.delete(oldest.value)
      }
    },
    find: (calls) => {
      const first = calls[0]
      if (first === undefined || first.id === "") return undefined
      const turn = entries.get(first.id)
      return turn !== undefined && sameCalls(turn.calls, calls) ? turn.details : undefined
    }
  }
}

/** A memory that remembers nothing. @internal */
export const none: ReplayMemory = { remember: () => {}, find: () => undefined }
