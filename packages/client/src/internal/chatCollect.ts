/**
 * Folding a chat stream into the assistant message to replay: text, reasoning, tool calls by
 * index, and `reasoning_details` with the pieces of each entry joined.
 *
 * @internal
 */
import * as Option from "effect/Option"
import type { Event } from "../Chat.js"
import type { Usage } from "../ChatResponse.js"
import * as ReasoningDetails from "../ReasoningDetails.js"

/** @internal */
export interface Accumulated {
  text: string
  reasoning: string
  details: Array<Record<string, unknown>>
  tools: Map<number, { id: string; name: string; arguments: string }>
  usage: Usage | undefined
  finish: string | undefined
}

/** @internal */
export const emptyAccumulated = (): Accumulated => ({ text: "", reasoning: "", details: [], tools: new Map(), usage: undefined, finish: undefined })

/** @internal */
export const accumulate = (acc: Accumulated, event: Event): Accumulated => {
  switch (event._tag) {
    case "Text":
      acc.text += event.delta
      break
    case "Reasoning":
      acc.reasoning += event.delta
      for (const piece of event.details) ReasoningDetails.merge(acc.details, piece)
      break
    case "ToolCall":
      acc.tools.set(event.index, { ...event.accumulated })
      break
    case "Usage":
      acc.usage = event.usage
      break
    case "Finish":
      acc.finish = event.reason
      break
  }
  return acc
}

/** @internal */
export const toMessage = (acc: Accumulated) => ({
  message: {
    role: "assistant" as const,
    content: acc.text,
    ...(acc.reasoning !== "" ? { reasoning: acc.reasoning } : {}),
    ...(acc.details.length > 0 ? { reasoning_details: acc.details } : {}),
    ...(acc.tools.size > 0
      ? {
        tool_calls: [...acc.tools.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({
          id: call.id,
          type: "function" as const,
          function: { name: call.name, arguments: call.arguments }
        }))
      }
      : {})
  },
  usage: Option.fromNullable(acc.usage),
  finishReason: acc.finish
})
