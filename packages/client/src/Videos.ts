/**
 * Video generation (reference §13): capabilities, submit, polling through the `VideoPoller` in
 * context, resumable jobs, and a streamed download.
 *
 * Money safety: the submit is `billable-post` (repeated only when the server provably did not get
 * it); the job handle is stored the moment the 202 arrives, before the first poll; polling and
 * downloading never submit again, whatever fails; `resume(jobId)` picks a job up after a crash,
 * a timeout or Ctrl-C. A job already `completed` in the submit's answer is not polled (OpenClaw
 * §13.3): `poll` gives back that answer, and `download` takes its `unsigned_urls` or, without
 * them, the content endpoint (`/videos/{id}/content?index=0`).
 *
 * Settings (model, deadline, base URL, key, download cap) are resolved once per call and passed
 * to the transport as the call's target. {@link Service.prepare} builds the submit without sending
 * it: a dry run prints exactly what {@link Service.submit} sends.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Settings from "@openrouter-effect/core/Settings"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as VideoDownload from "./internal/videoDownload.js"
import { readJson } from "./internal/jsonBody.js"
import * as OutputFile from "./internal/outputFile.js"
import { checkTimeoutMs } from "./internal/timeouts.js"
import * as VideoJobs from "./internal/videoJob.js"
import * as Limits from "./Limits.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import { type ExecuteError, OpenRouterHttp } from "./OpenRouterHttp.js"
import { type StoreError, type VideoJob, VideoJobStore } from "./VideoJobStore.js"
import * as VideoPoller from "./VideoPoller.js"
import * as VideoRequest from "./VideoRequest.js"

/** A job ended `failed`, `cancelled` or `expired`. @since 0.1.0 @category Errors */
export class VideoJobFailed extends Schema.TaggedError<VideoJobFailed>("@openrouter-effect/client/VideoJobFailed")("VideoJobFailed", {
  message: Schema.String,
  jobId: Schema.String,
  status: Schema.String
}) {}

/**
 * The default poll schedule: 2 s, growing ×1.5, at most 15 s between polls
 * (`VideoPoller.defaultSchedule`).
 *
 * @since 0.1.0 @category Schedules
 */
export const defaultPollSchedule: Schedule.Schedule<unknown> = VideoPoller.defaultSchedule

/** Where a job stands, for progress displays. @since 0.1.0 @category Models */
export type Progress = VideoPoller.Progress

/** @since 0.1.0 @category Models */
export interface PollOptions {
  /** The deadline; default `videoGenerationModel.timeoutMs`, else 10 minutes. */
  readonly timeoutMs?: number | undefined
  /** Replaces the `VideoPoller`'s schedule for this poll. */
  readonly schedule?: VideoPoller.PollSchedule | undefined
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}
/**
 * How a download into a file is going, for progress displays: `start` once the response's headers
 * are in (`total` is its `Content-Length`, when declared), `progress` as bytes arrive (at most every
 * {@link downloadProgressIntervalMs}), `end` once every byte is written.
 *
 * @since 0.1.0 @category Models
 */
export interface DownloadProgress {
  readonly jobId: string
  readonly phase: "start" | "progress" | "end"
  /** The bytes received so far. */
  readonly bytes: number
  /** The declared size, when the server gave one. */
  readonly total?: number | undefined
  /** Since the download's request was sent. */
  readonly elapsedMs: number
}

/**
 * The least time between two `progress` events of a download: a fast download calls the callback
 * a few times a second, not once per chunk.
 *
 * @since 0.1.0 @category Models
 */
export const downloadProgressIntervalMs = 250

/** @since 0.1.0 @category Models */
export interface DownloadOptions {
  /** Called as the download goes (throttled: see {@link DownloadProgress}); its failures are ignored. */
  readonly onDownload?: ((progress: DownloadProgress) => Effect.Effect<void>) | undefined
  /**
   * Stream the video into this file (a temporary `<output>.<job digest>.partial`, put in place
   * when complete); else into memory under the media cap. An existing file that is not this job's
   * own download is kept: the video takes the next free name (`video-1.mp4`, recorded in the job
   * and answered as `file`), unless `force`.
   */
  readonly output?: string | undefined
  /** Replace an existing file at `output` instead of choosing a new free name. */
  readonly force?: boolean | undefined
  /**
   * The download's deadline, with `Limits.downloadTotalMs` (the shorter wins); an idle body ends
   * after `Limits.downloadIdleMs`. Bytes past the declared `Content-Length` (else past
   * `Limits.downloadBytes`) are a `LimitExceeded`.
   */
  readonly timeoutMs?: number | undefined
}

/** @since 0.1.0 @category Models */
export interface GenerateOptions extends VideoRequest.SubmitOptions, PollOptions, DownloadOptions {}

/** The result. Exactly one of `file`, `bytes` or `url` (when the video is larger than the media cap). @since 0.1.0 @category Models */
export interface VideoResult {
  readonly file?: string
  readonly bytes?: Uint8Array
  readonly url?: string
  readonly size: number
  readonly mimeType: string
  readonly fileName: string
  readonly model: string
  readonly metadata: {
    readonly jobId: string
    readonly status: string
    readonly generationId: string | undefined
    readonly cost: number | undefined
    readonly isByok: boolean | undefined
  }
}

/** @since 0.1.0 @category Models */
export type VideoError =
  | ExecuteError
  | Settings.ResolveError
  | OpenRouterError.BadInput
  | VideoJobFailed
  | VideoPoller.PollExhausted
  | StoreError

/**
 * A submit as it would be sent: what {@link Service.prepare} answers and {@link Service.submit}
 * sends.
 *
 * @since 0.1.0 @category Models
 */
export interface Prepared {
  readonly method: "POST"
  readonly url: string
  /** The request's headers, without `Authorization` (the transport adds it, to the target's origin only). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Readonly<Record<string, unknown>>
  /** The settings resolved for this call: model, deadline, base URL, route, key, download cap. */
  readonly settings: Settings.Media
}

/** @since 0.1.0 @category Models */
export interface PrepareOptions {
  /**
   * Where the model's capabilities come from: `"live"` (default) reads `/videos/models` (once per
   * service) and falls back to the bundled table; `"bundled"` uses the bundled table only and
   * sends nothing (a dry run).
   */
  readonly capabilities?: "live" | "bundled" | undefined
}

/** @since 0.1.0 @category Models */
export interface Service {
  /** The model's capabilities: live from `/videos/models` (cached), else the bundled table. */
  readonly capabilities: (model: string) => Effect.Effect<VideoRequest.VideoCapabilities | undefined>
  /** Resolves the settings and checks and builds the submit, sending nothing. */
  readonly prepare: (
    request: VideoRequest.SubmitOptions,
    options?: PrepareOptions
  ) => Effect.Effect<Prepared, Settings.ResolveError | OpenRouterError.BadInput>
  /** Checks and submits what {@link prepare} builds; the job is stored before this returns. */
  readonly submit: (options: VideoRequest.SubmitOptions & DownloadOptions) => Effect.Effect<VideoJob, VideoError>
  /** Polls through the `VideoPoller` until the job ends or the deadline passes; never submits; a job `completed` at submit is not polled. */
  readonly poll: (job: VideoJob, options?: PollOptions) => Effect.Effect<VideoRequest.JobPayload, VideoError>
  readonly download: (job: VideoJob, completed: VideoRequest.JobPayload, options?: DownloadOptions) => Effect.Effect<VideoResult, VideoError>
  /** submit → poll → download. */
  readonly generate: (options: GenerateOptions) => Effect.Effect<VideoResult, VideoError>
  /** Continues a stored job: poll, then download. */
  readonly resume: (jobId: string, options?: PollOptions & DownloadOptions) => Effect.Effect<VideoResult, VideoError>
  readonly jobs: Effect.Effect<ReadonlyArray<VideoJob>, StoreError>
}

/** @since 0.1.0 @category Context */
export class Videos extends Context.Tag("@openrouter-effect/client/Videos")<Videos, Service>() {}

/** The origin of a URL, or the URL itself when it does not parse. */
const originOf = (url: string) => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/**
 * Checks that a stored job is resumed against the origin it was submitted to (its `origin`, else
 * that of its `baseUrl`): another origin is a `ConfigError` (path `baseUrl`) naming both, before any
 * request.
 *
 * @since 0.1.0 @category Jobs
 */
export const sameOrigin = (job: VideoJob, baseUrl: string): Effect.Effect<void, OpenRouterError.ConfigError> => {
  const recorded = job.origin ?? originOf(job.baseUrl)
  const current = originOf(baseUrl)
  return recorded === current
    ? Effect.void
    : Effect.fail(
      new OpenRouterError.ConfigError({
        path: "baseUrl",
        message: `Video job ${job.id} was submitted to ${recorded}, but this resume would ask ${current}: ` +
          `the job exists only there; resume it with the base URL it was submitted to (${job.baseUrl})`
      })
    )
}

/**
 * Builds the service.
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  OpenRouterConfig | OpenRouterHttp | VideoJobStore | VideoPoller.VideoPoller | FileSystem.FileSystem
> = Effect.gen(function*() {
  const config = yield* OpenRouterConfig
  const http = yield* OpenRouterHttp
  const store = yield* VideoJobStore
  const poller = yield* VideoPoller.VideoPoller
  const fs = yield* FileSystem.FileSystem

  // A call's settings, resolved once per call (a base URL given to the layer, or the CLI's
  // --base-url, is the config's override, so it holds for video as for chat).
  const settingsFor = (model: string | undefined, timeoutMs?: number | undefined) =>
    config.media({ kind: "video", model, timeoutMs })

  const catalog = yield* Effect.cached(
    http.execute(HttpClientRequest.get(http.url("/videos/models")), {
      retryClass: "idempotent-get",
      timeout: Duration.seconds(5),
      operation: "videos.models"
    }).pipe(
      // Bounded like every JSON body (jsonBodyBytes): the catalogue is a hint, never worth the process.
      Effect.flatMap((response) =>
        readJson(response, {
          what: "OpenRouter's video models",
          malformed: (_text, cause) => new OpenRouterError.MalformedResponse({ message: `OpenRouter's video models are not JSON: ${String(cause)}` })
        })
      ),
      Effect.map((body) => VideoRequest.capabilitiesFromCatalog(body.value)),
      Effect.tapError((error) => Effect.logWarning(`The video model catalogue could not be read; using the bundled capabilities (${error._tag})`)),
      Effect.orElseSucceed(() => new Map<string, VideoRequest.VideoCapabilities>())
    )
  )

  // Jobs whose submit answered `completed`: their payload, taken by the first `poll`, so the
  // download follows with no poll. Held in memory only: after a restart, `resume` polls once.
  const completedAtSubmit = new Map<string, VideoRequest.JobPayload>()

  const bundled = (model: string) => (model === VideoRequest.defaultModel ? VideoRequest.bundled : undefined)

  const capabilities: Service["capabilities"] = (model) => Effect.map(catalog, (live) => live.get(model) ?? bundled(model))

  const failed = (jobId: string, payload: VideoRequest.JobPayload) =>
    Effect.zipRight(
      store.update(jobId, { status: "failed", ...(payload.error !== undefined ? { error: payload.error } : {}) }),
      Effect.fail(
        new VideoJobFailed({ jobId, status: payload.status ?? "failed", message: payload.error ?? `OpenRouter video generation ${payload.status ?? "failed"}` })
      )
    )

  const prepare: Service["prepare"] = (request, options = {}) =>
    Effect.gen(function*() {
      // A deadline the timer cannot hold would fire at once: refused before anything is sent.
      const settings = yield* settingsFor(request.model, yield* checkTimeoutMs("timeoutMs", request.timeoutMs))
      const model = settings.model.slug
      // Without a key the submit fails anyway (OpenRouterHttp refuses it): said before the live
      // catalogue lookup, so a missing key is reported before any request (a dry run reads no
      // catalogue and needs no key).
      if (options.capabilities !== "bundled" && Option.isNone(settings.key.apiKey)) return yield* Effect.fail(Settings.missingKey())
      const known = options.capabilities === "bundled" ? bundled(model) : yield* capabilities(model)
      const body = yield* VideoRequest.submitBody(model, request, known)
      return {
        method: "POST" as const,
        url: http.url("/videos", settings),
        headers: { ...HeaderPolicy.headers({ route: settings.route, configured: settings.headers, identity: config.identity }), "content-type": "application/json" },
        body,
        settings
      }
    })

  const submit: Service["submit"] = (options) =>
    Effect.gen(function*() {
      const prepared = yield* prepare(options)
      // The output is decided and checked writable before the billable submit: an existing file
      // is kept (the video takes a new free name, recorded in the job) unless `force`.
      const output = options.output === undefined
        ? undefined
        : yield* OutputFile.plan(fs, options.output, { force: options.force }, "output").pipe(
          Effect.map((planned) => planned.replace ? planned.requested : planned.path)
        )
      const response = yield* http.execute(
        HttpClientRequest.post(prepared.url).pipe(
          HttpClientRequest.setHeaders(prepared.headers),
          HttpClientRequest.bodyText(JSON.stringify(prepared.body), "application/json")
        ),
        { retryClass: "billable-post", target: prepared.settings, timeout: VideoJobs.REQUEST_TIMEOUT, operation: "videos.submit" }
      )
      const payload = yield* VideoJobs.readJob(response)
      if (payload.id === undefined || payload.pollingUrl === undefined) {
        return yield* Effect.fail(VideoJobs.malformed("OpenRouter video generation response missing job details"))
      }
      const status = VideoRequest.classifyStatus(payload.status)
      const job: VideoJob = {
        id: payload.id,
        pollingUrl: payload.pollingUrl,
        model: prepared.settings.model.slug,
        baseUrl: prepared.settings.baseUrl,
        origin: new URL(prepared.settings.baseUrl).origin,
        submittedAt: yield* Clock.currentTimeMillis,
        status: status === "completed" ? "completed" : "submitted",
        ...(output !== undefined ? { output } : {})
      }
      // Stored before anything else can fail: this job is paid for.
      yield* store.put(job)
      if (status === "failed") return yield* failed(job.id, payload)
      if (status === "unknown") return yield* Effect.fail(VideoJobs.malformed())
      if (status === "completed") completedAtSubmit.set(job.id, payload)
      return job
    }).pipe(Effect.withSpan("Videos.submit", { captureStackTrace: false }))

  const poll: Service["poll"] = (job, options = {}) =>
    Effect.gen(function*() {
      const ready = completedAtSubmit.get(job.id)
      if (ready !== undefined) {
        completedAtSubmit.delete(job.id)
        return ready
      }
      const settings = yield* settingsFor(job.model, yield* checkTimeoutMs("timeoutMs", options.timeoutMs))
      const { headersFor, resolveFrom } = VideoJobs.urls(settings, config.identity)
      const url = yield* resolveFrom(job.pollingUrl)
      const payload = yield* poller.poll(VideoJobs.check(http, settings, url, headersFor(url)), {
        jobId: job.id,
        timeoutMs: settings.timeoutMs,
        schedule: options.schedule,
        onProgress: options.onProgress
      })
      return VideoRequest.classifyStatus(payload.status) === "failed" ? yield* failed(job.id, payload) : payload
    }).pipe(Effect.withSpan("Videos.poll", { captureStackTrace: false, attributes: { "openrouter.video.job": job.id } }))

  const download: Service["download"] = (job, completed, options = {}) =>
    Effect.gen(function*() {
      const timeoutMs = yield* checkTimeoutMs("timeoutMs", options.timeoutMs)
      const settings = yield* settingsFor(job.model)
      const limits = yield* Limits.Limits
      return yield* VideoDownload.download(
        { http, target: settings, identity: config.identity, fs, store, maxBytes: settings.maxBytes, limits, timeoutMs, force: options.force, onDownload: options.onDownload },
        job,
        completed,
        options.output ?? job.output
      )
    }).pipe(Effect.withSpan("Videos.download", { captureStackTrace: false, attributes: { "openrouter.video.job": job.id } }))

  const finish = (job: VideoJob, options: PollOptions & DownloadOptions) =>
    Effect.flatMap(poll(job, options), (completed) => download(job, completed, options))

  // A job already downloaded into the file it records, still there whole: that file is the
  // result, with no poll and no second copy.
  const alreadyDownloaded = (job: VideoJob, output: string | undefined) =>
    Effect.gen(function*() {
      if (job.status !== "downloaded" || job.output === undefined || job.size === undefined) return Option.none<VideoResult>()
      if (output !== undefined && output !== job.output) return Option.none<VideoResult>()
      const info = yield* fs.stat(job.output).pipe(Effect.option)
      if (Option.isNone(info) || info.value.type !== "File" || Number(info.value.size) !== job.size) return Option.none<VideoResult>()
      const extension = job.output.split(".").pop()?.toLowerCase() ?? "mp4"
      const mimeType = extension === "mov" ? "video/quicktime" : `video/${extension === "" ? "mp4" : extension}`
      return Option.some<VideoResult>({
        file: job.output,
        size: job.size,
        mimeType,
        fileName: `video-1.${extension}`,
        model: job.model,
        metadata: { jobId: job.id, status: "downloaded", generationId: job.generationId, cost: undefined, isByok: undefined }
      })
    })

  const generate: Service["generate"] = (options) =>
    Effect.flatMap(submit(options), (job) => finish(job, options)).pipe(Effect.withSpan("Videos.generate", { captureStackTrace: false }))

  const resume: Service["resume"] = (jobId, options = {}) =>
    Effect.gen(function*() {
      const job = yield* store.get(jobId)
      if (Option.isNone(job)) {
        return yield* Effect.fail(new OpenRouterError.BadInput({ field: "jobId", value: jobId, message: `No stored video job ${jobId}` }))
      }
      const kept = yield* alreadyDownloaded(job.value, options.output)
      if (Option.isSome(kept)) return kept.value
      // The job exists only at the origin it was submitted to: polled elsewhere it is unknown (or,
      // with the key withheld from a foreign polling URL, "No auth credentials found").
      yield* sameOrigin(job.value, (yield* settingsFor(job.value.model)).baseUrl)
      return yield* finish(job.value, options)
    }).pipe(Effect.withSpan("Videos.resume", { captureStackTrace: false, attributes: { "openrouter.video.job": jobId } }))

  return { capabilities, prepare, submit, poll, download, generate, resume, jobs: store.list }
})

/**
 * The service; polls go through the `VideoPoller` in context (`VideoPoller.layer()` for the
 * default schedule).
 *
 * @since 0.1.0 @category Layers
 */
export const layer: Layer.Layer<
  Videos,
  never,
  OpenRouterConfig | OpenRouterHttp | VideoJobStore | VideoPoller.VideoPoller | FileSystem.FileSystem
> = Layer.effect(Videos, make)
