/**
 * `openrouter-effect video` (submit, poll with progress, download), `video resume` and
 * `video jobs`. A job interrupted or timed out stays on OpenRouter; the command says how to
 * resume it.
 *
 * @since 0.1.0
 */
import { BadInput } from "@openrouter-effect/core/OpenRouterError"
import * as VideoJobStore from "@openrouter-effect/client/VideoJobStore"
import * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import * as VideoRequest from "@openrouter-effect/client/VideoRequest"
import * as Videos from "@openrouter-effect/client/Videos"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { authorization, type Context, definedOnly, ensureDir, mimeOf, opt, printDryRun, provideServices, readFile } from "./Shared.js"

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
}

const services = (context: Context) =>
  Videos.layer.pipe(Layer.provideMerge(VideoJobStore.layerFile(context.location.stateDir)), Layer.provide(VideoPoller.layer()))

/** `resume` and `jobs` send for real: there is no dry run of them. */
const withVideos = <A, E, R>(context: Context, effect: Effect.Effect<A, E, R>) => provideServices(context, false, services(context), effect)

const progressLine = (progress: Videos.Progress) => {
  const text = `video ${progress.jobId}: ${progress.status}, ${(progress.elapsedMs / 1000).toFixed(0)} s, poll ${progress.attempt}`
  return process.stderr.isTTY === true ? Effect.sync(() => process.stderr.write(`\r${text}   `)) : Console.error(text)
}

const resumeHint = (jobId: string) => `The job is still on OpenRouter and paid for; continue it with: openrouter-effect video resume ${jobId}`

const finish = (result: Videos.VideoResult) =>
  Effect.gen(function*() {
    if (process.stderr.isTTY === true) yield* Effect.sync(() => process.stderr.write("\n"))
    yield* Console.log(result.file ?? result.url ?? "")
    if (result.metadata.cost !== undefined) yield* Console.error(`cost $${result.metadata.cost}`)
  })

const generate = (args: Args) =>
  Effect.gen(function*() {
    if (Option.isNone(args.prompt)) return yield* Effect.fail(new BadInput({ field: "PROMPT", message: "Give a PROMPT (or use video resume JOB_ID / video jobs)" }))
    const images: Array<VideoRequest.VideoInputImage> = []
    const frames = [[args.firstFrame, "first_frame"], [args.lastFrame, "last_frame"]] as const
    for (const [path, role] of frames) if (Option.isSome(path)) images.push({ bytes: yield* readFile(path.value), mimeType: mimeOf(path.value), role })
    for (const path of args.reference) images.push({ bytes: yield* readFile(path), mimeType: mimeOf(path), role: "reference_image" })
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
    const job = yield* videos.submit({ ...options, output: `${args.out}/video.mp4` })
    yield* Console.error(`submitted video job ${job.id}`)
    const result = yield* Effect.flatMap(
      videos.poll(job, { timeoutMs: opt(args.timeoutMs), onProgress: progressLine }),
      (completed) => videos.download(job, completed)
    ).pipe(
      Effect.onInterrupt(() => Console.error(`\n${resumeHint(job.id)}`)),
      Effect.tapError((error) => (error._tag === "Timeout" || error._tag === "PollExhausted" ? Console.error(`\n${resumeHint(job.id)}`) : Effect.void))
    )
    yield* finish(result)
  })

/** Runs `video`. @since 0.1.0 @category Commands */
export const run = (context: Context, args: Args) => provideServices(context, args.dryRun, services(context), generate(args))

/** Runs `video resume JOB_ID`. @since 0.1.0 @category Commands */
export const resume = (context: Context, args: { readonly jobId: string; readonly out: string }) =>
  withVideos(
    context,
    Effect.gen(function*() {
      const videos = yield* Videos.Videos
      yield* ensureDir(args.out)
      const result = yield* videos.resume(args.jobId, { output: `${args.out}/video-${args.jobId}.mp4`, onProgress: progressLine })
      yield* finish(result)
    })
  )

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
