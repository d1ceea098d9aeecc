/**
 * The operation commands of the CLI, as definitions: `chat`, `image`, `video` (with `resume` and
 * `jobs`), `tts` and `transcribe`, each with `--dry-run` where it sends a paid request.
 *
 * Only the options and arguments live here. Each command's implementation is in `handlers/` and
 * is imported when that command runs, so parsing, `--help` and `--version` load none of the
 * client's services, and `chat` loads no video code, nor speech code unless it speaks the reply.
 *
 * `--dry-run` prints exactly one JSON object `{ method, url, headers, body }` for the
 * operation's own request after the whole pipeline, with `Authorization` masked, and sends
 * nothing at all: its HTTP client refuses every request (bundled capabilities only, no
 * catalogue lookup).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import type { Context } from "./handlers/Shared.js"
import * as Output from "./Output.js"

export type { Context } from "./handlers/Shared.js"

/**
 * Runs `f` on the module `load` imports: a command's implementation, loaded when it runs. What it
 * prints goes through `Output.withSafeConsole` (known keys masked, control characters visible).
 *
 * @since 0.1.0 @category Loading
 */
export const onDemand = <M, A, E, R>(load: () => Promise<M>, f: (module: M) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Output.withSafeConsole(Effect.flatMap(Effect.promise(load), f))

/**
 * Runs `effect` unless one of the text values in `args` looks like an API key (see
 * `Output.refuseKeyLike`): then a `BadInput` naming the flag, before anything is read, sent or
 * written. `skip` names the fields that are content, not flags (a prompt, the text to speak);
 * `names` the positional arguments (`ref` is `REF`).
 *
 * @since 0.1.0 @category Checking
 */
export const guarded = <A, E, R>(
  args: Readonly<Record<string, unknown>>,
  options: Parameters<typeof Output.textValues>[1],
  effect: Effect.Effect<A, E, R>
) => Effect.zipRight(Output.refuseKeyLike(Output.textValues(args, options)), effect)

const model = Options.text("model").pipe(Options.withDescription("a model ref"), Options.optional)
const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("print the request that would be sent, send nothing"))
const timeoutMs = Options.integer("timeout-ms").pipe(Options.optional)
const force = Options.boolean("force").pipe(
  Options.withDescription("replace an existing output file (without it, a new unique name is used and printed)")
)

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

const imageCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("image", {
    prompt: Args.text({ name: "PROMPT" }),
    model,
    count: Options.integer("count").pipe(Options.optional),
    aspectRatio: Options.text("aspect-ratio").pipe(Options.optional),
    resolution: Options.text("resolution").pipe(Options.optional),
    input: Options.text("input").pipe(Options.repeated),
    timeoutMs,
    out: Options.text("out").pipe(Options.withDefault(".")),
    force,
    dryRun
  }, (args) => guarded(args, { skip: ["prompt"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Image.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("generate images")
  )

const videoResume = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make(
    "resume",
    {
      jobId: Args.text({ name: "JOB_ID" }),
      out: Options.text("out").pipe(Options.withDescription("a folder for the video (default: the file the job recorded at submit)"), Options.optional)
    },
    (args) => guarded(args, { names: { jobId: "JOB_ID" } }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Video.js"), (m) => m.resume(ctx, args))))
  ).pipe(Command.withDescription("continue a stored video job: poll, then download"))

const videoJobs = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("jobs", {}, () => Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Video.js"), (m) => m.jobs(ctx)))).pipe(
    Command.withDescription("list the stored video jobs")
  )

const videoCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("video", {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.optional),
    model,
    duration: Options.float("duration").pipe(Options.optional),
    resolution: Options.text("resolution").pipe(Options.optional),
    aspectRatio: Options.text("aspect-ratio").pipe(Options.optional),
    firstFrame: Options.text("first-frame").pipe(Options.optional),
    lastFrame: Options.text("last-frame").pipe(Options.optional),
    reference: Options.text("reference").pipe(Options.repeated),
    audio: Options.boolean("audio"),
    seed: Options.float("seed").pipe(Options.optional),
    timeoutMs,
    out: Options.text("out").pipe(Options.withDefault(".")),
    force,
    dryRun
  }, (args) => guarded(args, { skip: ["prompt"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Video.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("generate a video (submit, poll with progress, download)")
  )

const ttsCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("tts", {
    text: Args.text({ name: "TEXT" }),
    model,
    voice: Options.text("voice").pipe(Options.optional),
    format: Options.text("format").pipe(Options.optional),
    speed: Options.float("speed").pipe(Options.optional),
    out: Options.text("out").pipe(Options.optional),
    force,
    dryRun
  }, (args) => guarded(args, { skip: ["text"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Speech.js"), (m) => m.tts(ctx, args))))).pipe(
    Command.withDescription("text to speech")
  )

const transcribeCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("transcribe", {
    file: Args.text({ name: "FILE" }),
    model,
    language: Options.text("language").pipe(Options.optional)
  }, (args) => guarded(args, { names: { file: "FILE" } }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Speech.js"), (m) => m.transcribe(ctx, args))))).pipe(
    Command.withDescription("speech to text")
  )

/**
 * The operation commands, given the global context.
 *
 * @since 0.1.0 @category Commands
 */
export const commands = <E, R>(context: Effect.Effect<Context, E, R>) => [
  chatCommand(context),
  imageCommand(context),
  videoCommand(context).pipe(Command.withSubcommands([videoResume(context), videoJobs(context)])),
  ttsCommand(context),
  transcribeCommand(context)
] as const
