/**
 * `openrouter-effect logs`: the logged chats (`ConversationLog` in the client), latest last, and
 * what they cost in all. `--json` prints `{ entries, totalCost }`, each entry as logged.
 *
 * @since 0.1.0
 */
import * as ConversationLog from "@openrouter-effect/client/ConversationLog"
import * as JsonText from "@openrouter-effect/core/JsonText"
import { BadInput } from "@openrouter-effect/core/OpenRouterError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Context } from "./Shared.js"

/** The parsed arguments of `logs`. @since 0.1.0 @category Models */
export interface Args {
  readonly count: number
  readonly json: boolean
  readonly cid: Option.Option<string>
}

// A cost as a person reads it: enough digits for fractions of a cent, no float noise.
const dollars = (cost: number) => `$${Number(cost.toFixed(8))}`

const replyText = (reply: Readonly<Record<string, unknown>>): string => {
  const content = reply["content"]
  if (typeof content === "string") return content
  const calls = reply["tool_calls"]
  return Array.isArray(calls) ? `(${calls.length} tool call${calls.length === 1 ? "" : "s"})` : ""
}

/** Prints the logged chats. @since 0.1.0 @category Commands */
export const run = (context: Context, args: Args) =>
  Effect.gen(function*() {
    const log = yield* ConversationLog.ConversationLog
    const entries = yield* log.recent({ limit: args.count, cid: Option.getOrUndefined(args.cid) }).pipe(
      Effect.mapError((error) => new BadInput({ field: "cid", message: error.message }))
    )
    const totalCost = ConversationLog.totalCost(entries)
    if (args.json) return yield* Console.log(JsonText.stringify({ entries, totalCost }))
    if (entries.length === 0) return yield* Console.log("No chats logged yet.")
    for (const entry of entries) {
      const usage = entry.usage as { readonly prompt_tokens?: number; readonly completion_tokens?: number } | undefined
      yield* Console.log(
        `${entry.time}  ${entry.cid}  ${entry.model ?? entry.requestedModel ?? "?"}  ${entry.cost !== undefined ? dollars(entry.cost) : "cost unknown"}` +
          (usage?.prompt_tokens !== undefined ? `  ${usage.prompt_tokens}+${usage.completion_tokens ?? 0} tokens` : "")
      )
      if (entry.system !== undefined) yield* Console.log(`  system: ${entry.system}`)
      yield* Console.log(`  > ${entry.prompt ?? "(messages)"}`)
      yield* Console.log(`  < ${replyText(entry.reply)}`)
    }
    yield* Console.log(`${entries.length} chat${entries.length === 1 ? "" : "s"}, total cost ${dollars(totalCost)}`)
  }).pipe(Effect.provide(ConversationLog.layerFile(context.location.stateDir)))
