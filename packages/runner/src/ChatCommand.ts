/**
 * The `chat` and `logs` commands' definitions (their implementations are `handlers/Chat.ts` and
 * `handlers/Logs.ts`, loaded when they run).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { boundedInteger, choice, dryRun, force, guarded, model, onDemand } from "./CommandKit.js"
import type { Context } from "./handlers/Shared.js"

/**
 * What `--thinking` accepts: the levels and their aliases, as `Thinking.accepted` in core lists
 * them (those without spaces; a test keeps the two equal). Written out here so that the command
 * definitions, loaded at every start, do not load core's schemas.
 *
 * @since 0.1.0 @category Constants
 */
export const thinkingChoices = [
  "off", "minimal", "low", "medium", "high", "xhigh", "adaptive", "max",
  "none", "disable", "disabled", "no", "false", "0",
  "min", "think",
  "on", "enable", "enabled", "true", "yes", "1", "thinkhard", "think-hard", "think_hard",
  "med", "mid", "harder", "thinkharder", "think-harder", "think_harder",
  "ultra", "highest", "ultrathink", "think-ultra", "thinkhardest", "think-hardest",
  "x-high", "x_high", "extrahigh", "extra-high", "extra_high",
  "auto",
  "maximum"
] as const

const chatCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("chat", {
    prompt: Args.text({ name: "PROMPT" }).pipe(
      Args.withDescription("what to ask; without it the prompt is read from stdin; with it, piped stdin is added after it as context"),
      Args.optional
    ),
    messages: Options.text("messages").pipe(Options.withPseudoName("FILE"), Options.withDescription("a JSON array of messages or a whole request body (FILE or - for stdin)"), Options.optional),
    model,
    system: Options.text("system").pipe(Options.withAlias("s"), Options.withPseudoName("TEXT"), Options.withDescription("a system prompt, sent before the conversation"), Options.optional),
    option: Options.text("option").pipe(
      Options.withAlias("o"),
      Options.withPseudoName("KEY=VALUE"),
      Options.withDescription("a model param as key=value, repeatable: temperature=0.2, provider.order='[\"openai\"]' (dotted keys nest; JSON values, else text)"),
      Options.repeated
    ),
    thinking: choice("thinking", thinkingChoices, { list: "off, minimal, low, medium, high, xhigh, adaptive or max (or an alias of one)", placeholder: "LEVEL" }).pipe(
      Options.withDescription("how much the model thinks: off, minimal, low, medium, high, xhigh, adaptive or max (aliases such as none, on, think-hard or ultrathink accepted, in any letter case; default: the model's)"),
      Options.optional
    ),
    continue: Options.boolean("continue").pipe(Options.withAlias("c"), Options.withDescription("continue the latest conversation (its messages are sent again first)")),
    cid: Options.text("cid").pipe(Options.withPseudoName("ID"), Options.withDescription("continue the conversation with this id (see `logs`)"), Options.optional),
    noLog: Options.boolean("no-log").pipe(Options.withDescription("do not log this chat (models.providers.openrouter.conversationLog: false turns the log off)")),
    noStream: Options.boolean("no-stream").pipe(Options.withDescription("wait for the whole reply instead of streaming it")),
    showReasoning: Options.boolean("show-reasoning").pipe(Options.withDescription("print the model's reasoning to stderr")),
    json: Options.boolean("json").pipe(Options.withDescription("print the whole response as JSON (not streamed)")),
    dryRun,
    speak: Options.text("speak").pipe(
      Options.withPseudoName("FILE"),
      Options.withDescription("write the spoken reply to FILE (default reply.<format> when messages.tts.auto is \"always\"); speaks even when auto is off"),
      Options.optional
    ),
    noSpeak: Options.boolean("no-speak").pipe(Options.withDescription("do not speak the reply, whatever messages.tts.auto says")),
    force
  }, (args) =>
    guarded({ ...args, option: args.option.join(" ") }, { skip: ["prompt", "system"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Chat.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("chat with a model (streamed); every chat is logged, see `logs`")
  )

const logsCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("logs", {
    count: boundedInteger("count", 1, 1_000_000, "n").pipe(Options.withDescription("how many of the latest chats to show, 1 to 1000000 (default 10)"), Options.withDefault(10)),
    json: Options.boolean("json").pipe(Options.withDescription("print { entries, totalCost } as JSON, each entry as logged")),
    cid: Options.text("cid").pipe(Options.withPseudoName("ID"), Options.withDescription("only the chats of this conversation"), Options.optional)
  }, (args) => guarded(args, {}, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Logs.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("the logged chats, latest last, with what they cost in all")
  )

/**
 * The conversation commands, given the global context.
 *
 * @since 0.1.0 @category Commands
 */
export const commands = <E, R>(context: Effect.Effect<Context, E, R>) => [chatCommand(context), logsCommand(context)] as const
