/**
 * The operation commands of the CLI, as definitions: `chat` (from `ChatCommand.ts`), `image`,
 * `video` (with `resume` and `jobs`), `tts` and `transcribe`, each with `--dry-run` where it sends
 * a paid request.
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
import * as ChatCommand from "./ChatCommand.js"
import { dryRun, force, guarded, model, onDemand, timeoutMs } from "./CommandKit.js"
import type { Context } from "./handlers/Shared.js"

export type { Context } from "./handlers/Shared.js"
/** @since 0.1.0 */
export { guarded, onDemand } from "./CommandKit.js"

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
  ...ChatCommand.commands(context),
  imageCommand(context),
  videoCommand(context).pipe(Command.withSubcommands([videoResume(context), videoJobs(context)])),
  ttsCommand(context),
  transcribeCommand(context)
] as const
