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
import { boundedInteger, boundedNumber, choice, dryRun, executionId, force, guarded, modelOf, onDemand, timeoutMs } from "./CommandKit.js"
import type { Context } from "./handlers/Shared.js"

export type { Context } from "./handlers/Shared.js"
/** @since 0.1.0 */
export { guarded, onDemand } from "./CommandKit.js"

// Every aspect ratio and resolution an image model may accept (§12.2, the Gemini extras
// included): the parser refuses anything else; the client then checks the chosen model's own list.
const imageAspectRatios = ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9", "1:4", "4:1", "1:8", "8:1"] as const
const imageResolutions = ["0.5K", "1K", "2K", "4K"] as const
// The speech formats the client knows (`Settings.SpeechFormat`).
const speechFormats = ["mp3", "pcm"] as const

const imageCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("image", {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.withDescription("what to draw")),
    model: modelOf("agents.defaults.imageGenerationModel, else a built-in image model"),
    count: boundedInteger("count", 1, 4).pipe(Options.withDescription("how many images, 1 to 4 (default 1)"), Options.optional),
    aspectRatio: choice("aspect-ratio", imageAspectRatios).pipe(
      Options.withDescription("the shape; the model's own list is checked before sending (1:4, 4:1, 1:8, 8:1: Gemini image models only)"),
      Options.optional
    ),
    resolution: choice("resolution", imageResolutions).pipe(
      Options.withDescription("the size (0.5K: Gemini image models only)"),
      Options.optional
    ),
    input: Options.text("input").pipe(Options.withPseudoName("FILE"), Options.withDescription("an image FILE to edit or draw from (repeat for several)"), Options.repeated),
    timeoutMs,
    out: Options.text("out").pipe(Options.withPseudoName("DIR"), Options.withDescription("the folder the images go to (created if missing)"), Options.withDefault(".")),
    force,
    dryRun
  }, (args) => guarded(args, { skip: ["prompt"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Image.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("generate images")
  )

const videoResume = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make(
    "resume",
    {
      jobId: Args.text({ name: "JOB_ID" }).pipe(Args.withDescription("the job id `video` printed (see `video jobs`)")),
      out: Options.text("out").pipe(Options.withPseudoName("DIR"), Options.withDescription("a folder for the video (default: the file the job recorded at submit)"), Options.optional)
    },
    (args) => guarded(args, { names: { jobId: "JOB_ID" } }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Video.js"), (m) => m.resume(ctx, args))))
  ).pipe(Command.withDescription("continue a stored video job: poll, then download"))

const videoJobs = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("jobs", {}, () => Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Video.js"), (m) => m.jobs(ctx)))).pipe(
    Command.withDescription("list the stored video jobs")
  )

/**
 * The workflow database of the durable commands, as text: parsed by the handler, which also reads
 * the default (`OPENROUTER_WORKFLOW_DB`, else the state folder's file), so that a bad value from
 * either place gets the same message naming where it came from.
 */
const db = Options.text("db").pipe(
  Options.withPseudoName("DB"),
  Options.withDescription("the workflow database: sqlite:PATH or postgres://USER@HOST:PORT/DATABASE (default $OPENROUTER_WORKFLOW_DB, else workflows.db in the state folder)"),
  Options.optional
)

const json = Options.boolean("json").pipe(Options.withDescription("print the status as one JSON line"))

// The durable commands, their workflow engine and database drivers are one chunk of the bundle,
// loaded only here: no other command loads @effect/cluster, @effect/sql or pg.
const durable = () => import("./handlers/Durable.js")

const videoCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("video", {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.withDescription("what to film"), Args.optional),
    model: modelOf("agents.defaults.videoGenerationModel, else a built-in video model"),
    // The video models' lists come from the live catalogue and differ per model: free text here,
    // checked against the chosen model's entry before the submit.
    duration: boundedNumber("duration", 1, 600, " seconds").pipe(
      Options.withDescription("seconds, 1 to 600; snapped to the nearest duration the model supports"),
      Options.optional
    ),
    resolution: Options.text("resolution").pipe(
      Options.withPseudoName("RESOLUTION"),
      Options.withDescription("e.g. 720p or 1080p, as the model supports (checked before sending)"),
      Options.optional
    ),
    aspectRatio: Options.text("aspect-ratio").pipe(
      Options.withPseudoName("RATIO"),
      Options.withDescription("e.g. 16:9 or 9:16, as the model supports (checked before sending)"),
      Options.optional
    ),
    firstFrame: Options.text("first-frame").pipe(Options.withPseudoName("FILE"), Options.withDescription("an image FILE the video starts from"), Options.optional),
    lastFrame: Options.text("last-frame").pipe(Options.withPseudoName("FILE"), Options.withDescription("an image FILE the video ends on"), Options.optional),
    reference: Options.text("reference").pipe(Options.withPseudoName("FILE"), Options.withDescription("a reference image FILE (repeat for several)"), Options.repeated),
    audio: Options.boolean("audio").pipe(Options.withDescription("ask for a soundtrack, when the model can make one")),
    seed: boundedInteger("seed", 0, Number.MAX_SAFE_INTEGER).pipe(
      Options.withDescription("a whole number for repeatable results, when the model supports it"),
      Options.optional
    ),
    timeoutMs,
    out: Options.text("out").pipe(Options.withPseudoName("DIR"), Options.withDescription("the folder the video goes to (created if missing)"), Options.withDefault(".")),
    force,
    dryRun,
    durable: Options.boolean("durable").pipe(Options.withDescription("run it as a durable job in the workflow database (see worker): it survives this process, never paying twice")),
    key: Options.text("key").pipe(Options.withPseudoName("KEY"), Options.withDescription("with --durable: the job's key (one job per key; the same key again joins it; default a new one)"), Options.optional),
    db
  }, (args) =>
    guarded(args, { skip: ["prompt"] }, Effect.flatMap(context, (ctx) =>
      args.durable
        ? onDemand(durable, (m) => m.start(ctx, args))
        : onDemand(() => import("./handlers/Video.js"), (m) => m.run(ctx, args))))).pipe(
    Command.withDescription("generate a video (submit, poll with progress, download)")
  )

const videoStatus = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("status", { executionId, db, json }, (args) =>
    guarded(args, { names: { executionId: "ID" } }, Effect.flatMap(context, (ctx) => onDemand(durable, (m) => m.status(ctx, args))))).pipe(
    Command.withDescription("where a durable video job stands (from any machine on the same database)")
  )

const videoWait = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("wait", { executionId, db, json }, (args) =>
    guarded(args, { names: { executionId: "ID" } }, Effect.flatMap(context, (ctx) => onDemand(durable, (m) => m.wait(ctx, args))))).pipe(
    Command.withDescription("wait until a durable video job ends; exit 0 only when it completed")
  )

const workerCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("worker", { db }, (args) =>
    guarded(args, {}, Effect.flatMap(context, (ctx) => onDemand(durable, (m) => m.worker(ctx, args))))).pipe(
    Command.withDescription("run the durable video jobs of a workflow database until stopped (one per SQLite file; any number on PostgreSQL)")
  )

const ttsCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("tts", {
    text: Args.text({ name: "TEXT" }).pipe(Args.withDescription("what to say")),
    model: modelOf("messages.tts.openrouter.model, else a built-in speech model"),
    voice: Options.text("voice").pipe(Options.withPseudoName("VOICE"), Options.withDescription("the voice, as the model names them (default: the configured voice)"), Options.optional),
    format: choice("format", speechFormats).pipe(Options.withDescription("the audio format (default: the configured one, else mp3)"), Options.optional),
    speed: boundedNumber("speed", 0.25, 4).pipe(Options.withDescription("speaking speed, 0.25 to 4 (1 is normal)"), Options.optional),
    out: Options.text("out").pipe(Options.withPseudoName("FILE"), Options.withDescription("the FILE to write (default speech.<format>; its folder is created if missing)"), Options.optional),
    force,
    dryRun
  }, (args) => guarded(args, { skip: ["text"] }, Effect.flatMap(context, (ctx) => onDemand(() => import("./handlers/Speech.js"), (m) => m.tts(ctx, args))))).pipe(
    Command.withDescription("text to speech")
  )

const transcribeCommand = <E, R>(context: Effect.Effect<Context, E, R>) =>
  Command.make("transcribe", {
    file: Args.text({ name: "FILE" }).pipe(Args.withDescription("the audio FILE to transcribe")),
    model: modelOf("the configured transcription model"),
    language: Options.text("language").pipe(Options.withPseudoName("LANG"), Options.withDescription("the spoken language, e.g. en (default: detected)"), Options.optional)
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
  videoCommand(context).pipe(Command.withSubcommands([videoResume(context), videoJobs(context), videoStatus(context), videoWait(context)])),
  workerCommand(context),
  ttsCommand(context),
  transcribeCommand(context)
] as const
