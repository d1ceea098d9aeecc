/**
 * The three steps of a video job as the workflow runs them, on the client's public services: a
 * submit (the client's `Videos.submit`, one billable POST), one poll at a time (the client's own
 * poll with its URL and header rules, stopped after one check so that the workflow does the
 * waiting durably), and a download into a file (the client's streamed, size-checked download).
 *
 * The schedule the workflow waits on is the `VideoPoller`'s in context (`OpenRouter.layerVideos({
 * videoPoller })`), so one setting drives both the plain `Videos` service and the workflow.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import * as OpenRouterHttp from "@openrouter-effect/client/OpenRouterHttp"
import type * as VideoRequest from "@openrouter-effect/client/VideoRequest"
import type { VideoJob } from "@openrouter-effect/client/VideoJobStore"
import * as VideoJobStore from "@openrouter-effect/client/VideoJobStore"
import * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import * as Videos from "@openrouter-effect/client/Videos"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"

/** What one poll found. @since 0.1.0 @category Models */
export type Check =
  | { readonly _tag: "Done"; readonly payload: VideoRequest.JobPayload; readonly at: number }
  | {
    readonly _tag: "Pending"
    readonly status: string
    readonly at: number
    /** The wait the server asked for (`Retry-After`, capped as the client caps it), when it did. */
    readonly serverDelayMs?: number | undefined
  }

/** @since 0.1.0 @category Models */
export interface Service {
  /** The schedule between polls: the `VideoPoller`'s in context. */
  readonly schedule: VideoPoller.PollSchedule
  /** Checks and builds the submit, sending nothing (a bad request costs nothing). */
  readonly prepare: (request: VideoRequest.SubmitOptions) => Effect.Effect<Videos.Prepared, Videos.VideoError>
  /** The billable POST: exactly one submit (retried only when it provably never arrived). */
  readonly submit: (request: VideoRequest.SubmitOptions) => Effect.Effect<VideoJob, Videos.VideoError>
  /** One poll, no wait. */
  readonly check: (job: VideoJob) => Effect.Effect<Check, Videos.VideoError>
  /** The video of a completed job, streamed into `path` (a `.partial` put in place when whole). */
  readonly download: (job: VideoJob, completed: VideoRequest.JobPayload, path: string) => Effect.Effect<Videos.VideoResult, Videos.VideoError>
  readonly fs: FileSystem.FileSystem
}

/** @since 0.1.0 @category Context */
export class VideoSteps extends Context.Tag("@openrouter-effect/workflow/VideoSteps")<VideoSteps, Service>() {}

/**
 * Builds the steps on the client's services in context.
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  OpenRouterConfig.OpenRouterConfig | OpenRouterHttp.OpenRouterHttp | VideoPoller.VideoPoller | FileSystem.FileSystem
> = Effect.gen(function*() {
  const poller = yield* VideoPoller.VideoPoller
  const fs = yield* FileSystem.FileSystem
  const store = yield* VideoJobStore.makeMemory
  // The last pending step of each job: a poller that checks once and stops, so the client's poll
  // answers after one request and the workflow decides the wait.
  const pending = new Map<string, VideoPoller.Pending>()
  const once: VideoPoller.Service = {
    schedule: Schedule.stop,
    poll: (check, options) =>
      Effect.flatMap(check, (step) => {
        if (step._tag === "Done") return Effect.succeed(step.value)
        pending.set(options.jobId, step)
        return Effect.fail(
          new VideoPoller.PollExhausted({ message: "pending", jobId: options.jobId, attempts: 1, status: step.status })
        )
      }),
    stream: () => Stream.dieMessage("VideoSteps: the one-check poller does not stream")
  }
  const videos = yield* Videos.make.pipe(
    Effect.provideService(VideoJobStore.VideoJobStore, store),
    Effect.provideService(VideoPoller.VideoPoller, once)
  )
  // The client's poll and download update the job's record: it must be there (after a restart
  // this memory store is new).
  const known = (job: VideoJob) =>
    Effect.flatMap(store.get(job.id), (found) => (Option.isSome(found) ? Effect.void : store.put(job)))

  const check: Service["check"] = (job) =>
    Effect.gen(function*() {
      yield* known(job)
      pending.delete(job.id)
      const result = yield* Effect.either(videos.poll(job))
      const at = yield* Clock.currentTimeMillis
      if (result._tag === "Right") return { _tag: "Done" as const, payload: result.right, at }
      const step = pending.get(job.id)
      pending.delete(job.id)
      if (result.left._tag !== "PollExhausted" || step === undefined) return yield* Effect.fail(result.left)
      const delay = VideoPoller.serverDelay(step, at)
      return {
        _tag: "Pending" as const,
        status: step.status,
        at,
        ...(Option.isSome(delay) ? { serverDelayMs: Duration.toMillis(delay.value) } : {})
      }
    })

  return {
    schedule: poller.schedule,
    prepare: (request) => videos.prepare(request),
    submit: (request) => videos.submit(request),
    check,
    download: (job, completed, path) => Effect.zipRight(known(job), videos.download(job, completed, { output: path })),
    fs
  }
})

/**
 * The steps on the client's services: `OpenRouter.layer({ apiKey })` (or `layerConfig`) and a
 * `VideoPoller` (`OpenRouter.layerVideos()` provides one; `VideoPoller.layer(schedule)` alone
 * does too), with a `FileSystem`.
 *
 * @since 0.1.0 @category Layers
 */
export const layer: Layer.Layer<
  VideoSteps,
  never,
  OpenRouterConfig.OpenRouterConfig | OpenRouterHttp.OpenRouterHttp | VideoPoller.VideoPoller | FileSystem.FileSystem
> = Layer.effect(VideoSteps, make)
