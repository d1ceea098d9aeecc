/**
 * `openrouter-effect video` (submit, poll with progress, download), `video resume` and
 * `video jobs`. A job interrupted or timed out stays on OpenRouter; the command says how to
 * resume it.
 *
 * @since 0.1.0
 */
import { BadInput, ConfigError } from "@openrouter-effect/core/OpenRouterError"
import * as VideoJobStore from "@openrouter-effect/client/VideoJobStore"
import * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import * as VideoRequest from "@openrouter-effect/client/VideoRequest"
import * as Videos from "@openrouter-effect/client/Videos"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Progress from "../Progress.js"
import { basename, dirname, resolve as resolvePath } from "node:path"
import { authorization, commandLine, type Context, definedOnly, ensureDir, mimeOf, noteRenamed, opt, printDryRun, provideServices, readFile, shellWord } from "./Shared.js"

/** The parsed arguments of `video`. @since 0.1.0 @category Models */
export interface Args {
  readonly prompt: Option.Option<string>
  readonly model: Option.Option<string>
  readonly duration: Option.Option<number>
  readonly resolution: Option.Option<string>
  readonly aspectRatio: Option.Option<string>
  readonly firstFrame: Option.Option<string>
  readonly lastFrame: Option.Option<string>
  readonly reference: ReadonlyArray<string>
  readonly audio: boolean
  readonly seed: Option.Option<number>
  readonly timeoutMs: Option.Option<number>
  readonly out: string
  /** Replace an existing output file instead of choosing a new unique name. */
  readonly force: boolean
  readonly dryRun: boolean
  /** `--key` and `--db` belong to `--durable` (`Durable.ts`): refused here. */
  readonly key?: Option.Option<string> | undefined
  readonly db?: Option.Option<string> | undefined
}

const services = (context: Context) =>
  Videos.layer.pipe(Layer.provideMerge(VideoJobStore.layerFile(context.location.stateDir)), Layer.provide(VideoPoller.layer()))

/** `resume` and `jobs` send for real: there is no dry run of them. */
const withVideos = <A, E, R>(context: Context, effect: Effect.Effect<A, E, R>) => provideServices(context, false, services(context), effect)


/**
 * How to continue the job: every global option the resume needs to reach the same config, origin
 * and route (`--config` when given as a flag, `--base-url`, `--connect-to`), then the job id.
 *
 * @since 0.1.0 @category Video
 */
export const resumeHint = (context: Pick<Context, "location" | "baseUrl" | "connectTo">, jobId: string) =>
  `The job is still on OpenRouter and paid for; continue it with: ${commandLine(context, ["video", "resume", jobId])}`

const finish = (display: Progress.Display, result: Videos.VideoResult) =>
  Effect.gen(function*() {
    yield* display.end
    yield* Console.log(result.file ?? result.url ?? "")
    if (result.metadata.cost !== undefined) yield* Console.error(`cost $${result.metadata.cost}`)
  })

const generate = (context: Context, args: Args) =>
  Effect.gen(function*() {
    if (Option.isNone(args.prompt)) return yield* Effect.fail(new BadInput({ field: "PROMPT", message: "Give a PROMPT (or use video resume JOB_ID / video jobs)" }))
    const images: Array<VideoRequest.VideoInputImage> = []
    const frames = [[args.firstFrame, "first_frame"], [args.lastFrame, "last_frame"]] as const
    for (const [path, role] of frames) if (Option.isSome(path)) images.push({ bytes: yield* readFile(path.value, role.replace("_", "-")), mimeType: mimeOf(path.value), role })
    for (const path of args.reference) images.push({ bytes: yield* readFile(path, "reference"), mimeType: mimeOf(path), role: "reference_image" })
    const options = definedOnly({
      prompt: args.prompt.value,
      model: opt(args.model),
      duration: opt(args.duration),
      resolution: opt(args.resolution),
      aspectRatio: opt(args.aspectRatio),
      images,
      audio: args.audio ? true : undefined,
      seed: opt(args.seed),
      timeoutMs: opt(args.timeoutMs)
    }) as unknown as VideoRequest.SubmitOptions
    const videos = yield* Videos.Videos
    if (args.dryRun) {
      // Exactly what submit would send; the bundled capabilities, as a dry run reads no catalogue.
      const prepared = yield* videos.prepare(options, { capabilities: "bundled" })
      return yield* printDryRun(prepared.url, { ...prepared.headers, ...authorization(prepared.settings.key) }, prepared.body)
    }
    yield* ensureDir(args.out)
    // Absolute, so `video resume` from another directory finishes the same file. The library
    // checks it before the billable submit and records where the video goes: an existing file is
    // kept (a new free name) unless --force.
    const requested = resolvePath(args.out, "video.mp4")
    const job = yield* videos.submit({ ...options, output: requested, force: args.force })
    // The route is the caller's (the library cannot see it): recorded so that a resume without
    // the same --connect-to is told so, rather than asking the real OpenRouter for the job.
    if (context.connectTo !== undefined) yield* (yield* VideoJobStore.VideoJobStore).update(job.id, { connectTo: context.connectTo })
    yield* Console.error(`submitted video job ${job.id}`)
    const timeoutMs = opt(args.timeoutMs)
    const display = Progress.stderr()
    const result = yield* Effect.flatMap(
      display.ticking(videos.poll(job, { timeoutMs, onProgress: display.onProgress })),
      (completed) => videos.download(job, completed, { timeoutMs, force: args.force, onDownload: display.onDownload })
    ).pipe(
      Effect.onInterrupt(() => Effect.zipRight(display.end, Console.error(resumeHint(context, job.id)))),
      Effect.tapError((error) =>
        Effect.zipRight(display.end, error._tag === "Timeout" || error._tag === "PollExhausted" ? Console.error(resumeHint(context, job.id)) : Effect.void)
      )
    )
    if (result.file !== undefined) yield* noteRenamed(requested, result.file)
    yield* finish(display, result)
  })

/** Runs `video`. @since 0.1.0 @category Commands */
export const run = (context: Context, args: Args) => {
  const durableOnly = args.key !== undefined && Option.isSome(args.key) ? "--key" : args.db !== undefined && Option.isSome(args.db) ? "--db" : undefined
  if (durableOnly !== undefined) return Effect.fail(new BadInput({ field: durableOnly, message: `${durableOnly} belongs to a durable job: add --durable` }))
  return provideServices(context, args.dryRun, services(context), generate(context, args))
}

/**
 * The file name of a job's video when it recorded none: `video-<id>.mp4`, the id reduced to
 * letters, digits, `-` and `_` and at most 64 of them (an id can be of any length).
 */
const fallbackName = (jobId: string) => `video-${jobId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 64) || "job"}.mp4`

/**
 * Runs `video resume JOB_ID`: the job's video goes to the file it recorded at submit (its stale
 * partial download replaced, never a second copy); `--out DIR` puts it in DIR under the recorded
 * file's name instead. A job already downloaded there is not downloaded again.
 *
 * @since 0.1.0 @category Commands
 */
export const resume = (context: Context, args: { readonly jobId: string; readonly out: Option.Option<string> }) =>
  withVideos(
    context,
    Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const store = yield* VideoJobStore.VideoJobStore
      const job = yield* store.get(args.jobId)
      const recorded = Option.flatMap(job, (job) => Option.fromNullable(job.output))
      // Without --out, the recorded file; with it, that directory under the recorded file's name.
      const out = args.out
      const output = Option.isSome(recorded) && Option.isNone(out)
        ? recorded.value
        : resolvePath(Option.getOrElse(out, () => "."), Option.match(recorded, { onNone: () => fallbackName(args.jobId), onSome: basename }))
      if (Option.isSome(job)) yield* sameRoute(context, job.value)
      yield* ensureDir(dirname(output))
      const display = Progress.stderr()
      const result = yield* display.ticking(videos.resume(args.jobId, { output, onProgress: display.onProgress, onDownload: display.onDownload })).pipe(
        Effect.tapErrorCause(() => display.end),
        // The library names the origins; the CLI adds the flag that reaches the right one.
        Effect.catchIf(
          (error): error is ConfigError => error._tag === "ConfigError" && error.path === "baseUrl" && Option.isSome(job),
          (error) => Effect.fail(new ConfigError({ path: "--base-url", message: `${error.message}: pass ${resumeFlags(Option.getOrThrow(job))}` }))
        )
      )
      if (result.file !== undefined) yield* noteRenamed(output, result.file)
      yield* finish(display, result)
    })
  )

/** The global options that reach a job's origin and route: `--base-url URL`, then `--connect-to HOST:PORT` when it was submitted through one. */
const resumeFlags = (job: VideoJobStore.VideoJob) =>
  ["--base-url", job.baseUrl, ...(job.connectTo !== undefined ? ["--connect-to", job.connectTo] : [])].map(shellWord).join(" ")

/**
 * A resume must take the route its job was submitted through: a job recorded with a
 * `--connect-to` is resumed with the same one, and a job recorded without one (a record that
 * keeps its `origin`, so written since routes are recorded) with none. Otherwise a `BadInput`
 * naming both routes and the flag, before any request.
 *
 * @since 0.1.0 @category Video
 */
export const sameRoute = (context: Pick<Context, "connectTo">, job: VideoJobStore.VideoJob) => {
  if (job.connectTo === context.connectTo || (job.connectTo === undefined && job.origin === undefined)) return Effect.void
  const was = job.connectTo === undefined ? "with no --connect-to" : `through --connect-to ${job.connectTo}`
  const now = context.connectTo === undefined ? "this resume has none" : `this resume goes through --connect-to ${context.connectTo}`
  return Effect.fail(
    new BadInput({
      field: "--connect-to",
      ...(context.connectTo !== undefined ? { value: context.connectTo } : {}),
      message: `Video job ${job.id} was submitted to ${job.origin ?? job.baseUrl} ${was}, but ${now}: pass ${resumeFlags(job)}`
    })
  )
}

/** Runs `video jobs`. @since 0.1.0 @category Commands */
export const jobs = (context: Context) =>
  withVideos(
    context,
    Effect.gen(function*() {
      const videos = yield* Videos.Videos
      for (const job of yield* videos.jobs) {
        yield* Console.log(`${job.id}  ${job.status.padEnd(10)} ${job.model}  ${new Date(job.submittedAt).toISOString()}${job.output !== undefined ? `  ${job.output}` : ""}`)
      }
    })
  )
