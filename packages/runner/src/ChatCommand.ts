/**
 * The `chat` command's definition (its implementation is `handlers/Chat.ts`, loaded when it runs).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { dryRun, force, guarded, model, onDemand } from "./CommandKit.js"
import type { Context } from "./handlers/Shared.js"

const chatCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("chat", {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.optional),
    messages: Options.text("messages").pipe(Options.withDescription("a JSON array of messages or a whole request body (FILE or -)"), Options.optional),
    model,
    thinking: Options.text("thinking").pipe(Options.withDescription("off, minimal, low, medium, high, xhigh, adaptive, max (and aliases)"), Options.optional),
    noStream: Options.boolean("no-stream"),
    showReasoning: Options.boolean("show-reasoning"),
    json: Options.boolean("json"),
    dryRun,
    speak: Options.text("speak").pipe(
      Options.withDescription("write the spoken reply to FILE (default reply.<format> when messages.tts.auto is \"always\"); speaks even when auto is off"),
      Options.optional
    ),
    noSpeak: Options.boolean("no-speak").pipe(Options.withDescription("do not speak the reply, whatever messages.tts.auto says")),
    force
  }, (args) => guarded(args, { skip: ["prompt"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Chat.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("chat with a model (streamed)")
  )

/**
 * The conversation commands, given the global context.
 *
 * @since 0.1.0 @category Commands
 */
export const commands = <E, R>(context: Effect.Effect<Context, E, R>) => [chatCommand(context)] as const
