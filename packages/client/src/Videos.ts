/**
 * Video generation (reference §13): capabilities, submit, a poller on a replaceable `Schedule`
 * under a deadline, resumable jobs, and a streamed download.
 *
 * Money safety: the submit is `billable-post` (repeated only when the server provably did not get
 * it); the job handle is stored the moment the 202 arrives, before the first poll; polling and
 * downloading never submit again, whatever fails; `resume(jobId)` picks a job up after a crash,
 * a timeout or Ctrl-C.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { HeaderPolicy, OpenRouterError, type Settings } from "@openrouter-effect/core"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as AudioResponse from "./AudioResponse.js"
import { OpenRouterConfig } from "./OpenRouterConfig.js"
import { type ExecuteError, OpenRouterHttp } from "./OpenRouterHttp.js"
import * as Retry from "./Retry.js"
import { type VideoJob, VideoJobStore, type StoreError } from "./VideoJobStore.js"
import * as VideoRequest from "./VideoRequest.js"

/** A job ended `failed`, `cancelled` or `expired`. @since 0.1.0 @category Errors */
export class VideoJobFailed extends Schema.TaggedError<VideoJobFailed>("@openrouter-effect/client/VideoJobFailed")("VideoJobFailed", {
  message: Schema.String,
  jobId: Schema.String,
  status: Schema.String
}) {
  /** @since 0.1.0 */
  get exitCode(): number {
    return 1
  }
}

/**
 * The default poll schedule: 2 s, growing ×1.5, at most 15 s between polls.
 *
 * @since 0.1.0 @category Schedules
 */
export const defaultPollSchedule: Schedule.Schedule<unknown> = Schedule.exponential("2 seconds", 1.5).pipe(
  Schedule.union(Schedule.spaced("15 seconds"))
)

/** Where a job stands, for progress displays. @since 0.1.0 @category Models */
export interface Progress {
  readonly jobId: string
  readonly status: string
  readonly attempt: number
  readonly elapsedMs: number
}

/** @since 0.1.0 @category Models */
export interface PollOptions {
  /** The deadline; default `videoGenerationModel.timeoutMs`, else 10 minutes. */
  readonly timeoutMs?: number | undefined
  readonly schedule?: Schedule.Schedule<unknown> | undefined
  readonly onProgress?: ((progress: Progress) => Effect.Effect<void>) | undefined
}

/** @since 0.1.0 @category Models */
export interface DownloadOptions {
  /** Stream the video into this file (a temporary file, renamed when complete); else into memory under the media cap. */
  readonly output?: string | undefined
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
  | StoreError

/** @since 0.1.0 @category Models */
export interface Service {
  /** The model's capabilities: live from `/videos/models` (cached), else the bundled table. */
  readonly capabilities: (model: string) => Effect.Effect<VideoRequest.VideoCapabilities | undefined>
  /** Checks and submits; the job is stored before this returns. */
  readonly submit: (options: VideoRequest.SubmitOptions & DownloadOptions) => Effect.Effect<VideoJob, VideoError>
  /** Polls until the job completes, fails or the deadline passes. Never submits. */
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

const POLL_REQUEST_TIMEOUT = Duration.seconds(60)
const DOWNLOAD_IDLE_TIMEOUT = Duration.seconds(60)

const malformed = (message = "OpenRouter video generation response malformed") => new OpenRouterError.MalformedResponse({ message })

const extensionOf = (mimeType: string): string => {
  const subtype = mimeType.split(";")[0]?.trim().split("/")[1] ?? "mp4"
  return subtype === "quicktime" ? "mov" : subtype.split("+")[0] || "mp4"
}

/**
 * Builds the service.
 *
 * @since 0.1.0 @category Constructors
 */
export const make: Effect.Effect<Service, never, OpenRouterConfig | OpenRouterHttp | VideoJobStore | FileSystem.FileSystem> = Effect.gen(
  function*() {
    const config = yield* OpenRouterConfig
    const http = yield* OpenRouterHttp
    const store = yield* VideoJobStore
    const fs = yield* FileSystem.FileSystem
    const baseOrigin = new URL(http.baseUrl).origin

    const resolve = (url: string) => new URL(url, `${http.baseUrl}/`).toString()
    // A URL from a response that does not parse is a malformed response, not a defect.
    const resolveFrom = (url: string) => Effect.try({ try: () => resolve(url), catch: () => malformed() })
    // OpenRouter's headers go to OpenRouter's origin only; a CDN gets nothing of ours.
    const headersFor = (url: string) => (new URL(url).origin === baseOrigin ? HeaderPolicy.headers({ route: http.route }) : {})

    const catalog = yield* Effect.cached(
      http.execute(HttpClientRequest.get(http.url("/videos/models")), {
        retryClass: "idempotent-get",
        timeout: Duration.seconds(5),
        operation: "videos.models"
      }).pipe(
        Effect.flatMap((response) => response.json),
        Effect.map(VideoRequest.capabilitiesFromCatalog),
        Effect.tapError((error) => Effect.logWarning(`The video model catalogue could not be read; using the bundled capabilities (${error._tag})`)),
        Effect.orElseSucceed(() => new Map<string, VideoRequest.VideoCapabilities>())
      )
    )

    const capabilities: Service["capabilities"] = (model) =>
      Effect.map(catalog, (live) => live.get(model) ?? (model === VideoRequest.defaultModel ? VideoRequest.bundled : undefined))

    const readJob = (response: HttpClientResponse.HttpClientResponse) =>
      response.text.pipe(
        Effect.mapError(() => malformed()),
        Effect.flatMap((text) => {
          let body: unknown
          try {
            body = JSON.parse(text)
          } catch {
            return Effect.fail(malformed())
          }
          return VideoRequest.parseJob(body)
        })
      )

    const failed = (jobId: string, payload: VideoRequest.JobPayload) =>
      new VideoJobFailed({
        jobId,
        status: payload.status ?? "failed",
        message: payload.error ?? `OpenRouter video generation ${payload.status ?? "failed"}`
      })

    const submit: Service["submit"] = (options) =>
      Effect.gen(function*() {
        const media = yield* config.media({ kind: "video", model: options.model, timeoutMs: options.timeoutMs })
        const model = media.model.slug
        const body = yield* VideoRequest.submitBody(model, options, yield* capabilities(model))
        const response = yield* http.execute(
          HttpClientRequest.post(http.url("/videos")).pipe(
            HttpClientRequest.setHeaders({ ...HeaderPolicy.headers({ route: http.route, configured: media.headers }), "content-type": "application/json" }),
            HttpClientRequest.bodyText(JSON.stringify(body), "application/json")
          ),
          { retryClass: "billable-post", timeout: POLL_REQUEST_TIMEOUT, operation: "videos.submit" }
        )
        const payload = yield* readJob(response)
        if (payload.id === undefined || payload.pollingUrl === undefined) {
          return yield* Effect.fail(malformed("OpenRouter video generation response missing job details"))
        }
        const job: VideoJob = {
          id: payload.id,
          pollingUrl: payload.pollingUrl,
          model,
          baseUrl: http.baseUrl,
          submittedAt: yield* Clock.currentTimeMillis,
          status: "submitted",
          ...(options.output !== undefined ? { output: options.output } : {})
        }
        // Stored before anything else can fail: this job is paid for.
        yield* store.put(job)
        const status = VideoRequest.classifyStatus(payload.status)
        if (status === "failed") {
          yield* store.update(job.id, { status: "failed", ...(payload.error !== undefined ? { error: payload.error } : {}) })
          return yield* Effect.fail(failed(job.id, payload))
        }
        if (status === "unknown") return yield* Effect.fail(malformed())
        return job
      }).pipe(Effect.withSpan("Videos.submit", { captureStackTrace: false }))

    const poll: Service["poll"] = (job, options = {}) =>
      Effect.gen(function*() {
        const media = yield* config.media({ kind: "video", model: job.model, timeoutMs: options.timeoutMs })
        const deadline = media.timeoutMs
        const url = yield* resolveFrom(job.pollingUrl)
        const driver = yield* Schedule.driver(options.schedule ?? defaultPollSchedule)
        const started = yield* Clock.currentTimeMillis
        let attempt = 0
        const loop: Effect.Effect<VideoRequest.JobPayload, VideoError> = Effect.gen(function*() {
          for (;;) {
            attempt++
            const result = yield* Effect.either(
              http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headersFor(url))), {
                retryClass: "idempotent-get",
                timeout: POLL_REQUEST_TIMEOUT,
                operation: "videos.poll"
              })
            )
            let retryAfter: Duration.Duration | undefined
            let status = "unreachable"
            if (result._tag === "Left") {
              const error = result.left
              // A poll that fails for a transient reason is tried again inside the deadline; the
              // job is never submitted again.
              if (error._tag === "ConfigError" || !Retry.isRetryable("idempotent-get", error)) return yield* Effect.fail(error)
              retryAfter = Option.getOrUndefined(Retry.serverDelay(error))
            } else {
              const payload = yield* readJob(result.right)
              const retryHeader = result.right.headers["retry-after"]
              if (retryHeader !== undefined && /^\d+$/.test(retryHeader)) retryAfter = Duration.min(Duration.seconds(Number(retryHeader)), Retry.MAX_DELAY)
              status = payload.status ?? ""
              const kind = VideoRequest.classifyStatus(payload.status)
              if (kind === "completed") return payload
              if (kind === "failed") {
                yield* store.update(job.id, { status: "failed", ...(payload.error !== undefined ? { error: payload.error } : {}) })
                return yield* Effect.fail(failed(job.id, payload))
              }
              if (kind !== "in_progress") return yield* Effect.fail(malformed())
            }
            const now = yield* Clock.currentTimeMillis
            if (options.onProgress !== undefined) yield* options.onProgress({ jobId: job.id, status, attempt, elapsedMs: now - started })
            // A Retry-After from the server replaces the schedule's next step.
            if (retryAfter !== undefined) yield* Effect.sleep(retryAfter)
            else yield* driver.next(undefined).pipe(Effect.orElse(() => Effect.never))
          }
        })
        return yield* loop.pipe(
          Effect.timeoutFail({
            duration: Duration.millis(deadline),
            onTimeout: () =>
              new OpenRouterError.Timeout({
                message: `OpenRouter video generation timed out after ${deadline}ms (job ${job.id} is still on the server: resume it with its id)`,
                source: "client",
                timeoutMs: deadline
              })
          })
        )
      }).pipe(Effect.withSpan("Videos.poll", { captureStackTrace: false, attributes: { "openrouter.video.job": job.id } }))

    const fetchVideo = (url: string) =>
      http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headersFor(url))), {
        retryClass: "idempotent-get",
        timeout: POLL_REQUEST_TIMEOUT,
        operation: "videos.download"
      })

    const download: Service["download"] = (job, completed, options = {}) =>
      Effect.gen(function*() {
        const media = yield* config.media({ kind: "video", model: job.model })
        const contentUrl = resolve(`videos/${encodeURIComponent(completed.id ?? job.id)}/content?index=0`)
        const unsigned = completed.unsignedUrls.find((u) => u.trim() !== "")
        const first = unsigned === undefined ? contentUrl : yield* resolveFrom(unsigned)
        // An expired unsigned URL (403/404) falls back to the content endpoint.
        const response = yield* fetchVideo(first).pipe(
          Effect.catchIf(
            (error) => first !== contentUrl && "status" in error && (error.status === 403 || error.status === 404),
            () => fetchVideo(contentUrl)
          )
        )
        const contentType = response.headers["content-type"]
        if (AudioResponse.isTextual(contentType ?? "")) return yield* Effect.fail(malformed(`OpenRouter generated video download answered ${contentType}, not a video`))
        const mimeType = (contentType ?? "video/mp4").split(";")[0]?.trim() || "video/mp4"
        const fileName = `video-1.${extensionOf(mimeType)}`
        const bytes = response.stream.pipe(
          Stream.mapError((error) =>
            new OpenRouterError.TransportError({ message: `The video download broke: ${error.message}`, phase: "response", cause: error })
          ),
          Stream.timeoutFail(
            () => new OpenRouterError.Timeout({ message: "The video download stalled for 60 s", source: "client" }),
            DOWNLOAD_IDLE_TIMEOUT
          )
        )
        const metadata = {
          jobId: job.id,
          status: completed.status ?? "completed",
          generationId: completed.generationId,
          cost: completed.usage?.cost,
          isByok: completed.usage?.isByok
        }
        const model = completed.model ?? job.model
        const output = options.output ?? job.output
        // A body that ends short of its Content-Length was cut, even when the transport ends it quietly.
        const declared = AudioResponse.declaredLength(response.headers)
        const cut = (size: number) =>
          new OpenRouterError.TransportError({ message: `The video download broke after ${size} of ${declared} bytes`, phase: "response" })
        if (output !== undefined) {
          const temporary = `${output}.${job.id.replace(/[^A-Za-z0-9]/g, "")}.partial`
          let size = 0
          const written = yield* Stream.tap(bytes, (chunk) => Effect.sync(() => {
            size += chunk.byteLength
          })).pipe(
            Stream.run(fs.sink(temporary)),
            Effect.catchTags({
              SystemError: (error) => Effect.fail(new OpenRouterError.BadInput({ field: "output", value: output, message: `Cannot write ${output}: ${error.message}` })),
              BadArgument: (error) => Effect.fail(new OpenRouterError.BadInput({ field: "output", value: output, message: `Cannot write ${output}: ${error.message}` }))
            }),
            Effect.map(() => size),
            Effect.onError(() => fs.remove(temporary).pipe(Effect.ignore))
          )
          if (declared !== undefined && written !== declared) {
            yield* fs.remove(temporary).pipe(Effect.ignore)
            return yield* Effect.fail(cut(written))
          }
          if (written === 0) {
            yield* fs.remove(temporary).pipe(Effect.ignore)
            return yield* Effect.fail(malformed("OpenRouter generated video download was empty"))
          }
          yield* fs.rename(temporary, output).pipe(
            Effect.mapError((error) => new OpenRouterError.BadInput({ field: "output", value: output, message: `Cannot write ${output}: ${error.message}` }))
          )
          yield* store.update(job.id, { status: "downloaded", output })
          return { file: output, size: written, mimeType, fileName, model, metadata }
        }
        const chunks: Array<Uint8Array> = []
        let size = 0
        let tooLarge = false
        yield* bytes.pipe(
          Stream.takeWhile((chunk) => {
            size += chunk.byteLength
            tooLarge = size > media.maxBytes
            if (!tooLarge) chunks.push(chunk)
            return !tooLarge
          }),
          Stream.runDrain
        )
        if (tooLarge) {
          if (unsigned !== undefined && /^https?:\/\//i.test(unsigned)) {
            yield* store.update(job.id, { status: "completed" })
            return { url: unsigned, size: 0, mimeType, fileName, model, metadata }
          }
          return yield* Effect.fail(malformed(`OpenRouter generated video download exceeds ${media.maxBytes} bytes`))
        }
        if (declared !== undefined && size !== declared) return yield* Effect.fail(cut(size))
        if (size === 0) return yield* Effect.fail(malformed("OpenRouter generated video download was empty"))
        yield* store.update(job.id, { status: "downloaded" })
        return { bytes: Buffer.concat(chunks), size, mimeType, fileName, model, metadata }
      }).pipe(Effect.withSpan("Videos.download", { captureStackTrace: false, attributes: { "openrouter.video.job": job.id } }))

    const finish = (job: VideoJob, options: PollOptions & DownloadOptions) =>
      Effect.flatMap(poll(job, options), (completed) => download(job, completed, options))

    const generate: Service["generate"] = (options) =>
      Effect.flatMap(submit(options), (job) => finish(job, options)).pipe(Effect.withSpan("Videos.generate", { captureStackTrace: false }))

    const resume: Service["resume"] = (jobId, options = {}) =>
      Effect.gen(function*() {
        const job = yield* store.get(jobId)
        if (Option.isNone(job)) {
          return yield* Effect.fail(new OpenRouterError.BadInput({ field: "jobId", value: jobId, message: `No stored video job ${jobId}` }))
        }
        return yield* finish(job.value, options)
      }).pipe(Effect.withSpan("Videos.resume", { captureStackTrace: false, attributes: { "openrouter.video.job": jobId } }))

    return { capabilities, submit, poll, download, generate, resume, jobs: store.list }
  }
)

/** @since 0.1.0 @category Layers */
export const layer: Layer.Layer<Videos, never, OpenRouterConfig | OpenRouterHttp | VideoJobStore | FileSystem.FileSystem> =
  Layer.effect(Videos, make)
