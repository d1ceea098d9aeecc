/**
 * The download of a completed video: the unsigned URL (falling back to the content endpoint when
 * it has expired), streamed into a file (a temporary file renamed when complete) or into memory
 * under the media cap, checked against its `Content-Length`.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as AudioResponse from "../AudioResponse.js"
import * as Limits from "../Limits.js"
import type { ExecuteError, Service as Http, Target } from "../OpenRouterHttp.js"
import type { StoreError, Service as Store, VideoJob } from "../VideoJobStore.js"
import type * as VideoRequest from "../VideoRequest.js"
import type { DownloadProgress, VideoResult } from "../Videos.js"
import * as Deadline from "./deadline.js"
import * as LocalFile from "./localFile.js"
import * as OutputFile from "./outputFile.js"
import { malformed, REQUEST_TIMEOUT, urls } from "./videoJob.js"

const extensionOf = (mimeType: string): string => {
  const subtype = mimeType.split(";")[0]?.trim().split("/")[1] ?? "mp4"
  return subtype === "quicktime" ? "mov" : subtype.split("+")[0] || "mp4"
}

const cannotWrite = (output: string, error: { readonly message: string }) =>
  new OpenRouterError.BadInput({ field: "output", value: output, message: `Cannot write ${output}: ${error.message}` })

/** A duration for messages: `500 ms`, `60 s`, `2 min`, `2 h`. */
const formatMs = (ms: number): string =>
  ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${+(ms / 1000).toFixed(1)} s` : ms < 7_200_000 ? `${+(ms / 60_000).toFixed(1)} min` : `${+(ms / 3_600_000).toFixed(1)} h`

/**
 * The name a download of job `jobId` into `output` streams into before it is complete:
 * `<output>.<16 hex digits of SHA-256(job id)>.partial`. Fixed per job and output, so a resume
 * (or a retry) of the same job finds and replaces its own; of bounded length, whatever the id.
 */
export const partialName = (output: string, jobId: string): Effect.Effect<string> =>
  Effect.map(LocalFile.sha256Hex(jobId), (digest) => `${output}.${digest.slice(0, 16)}.partial`)

/**
 * What a download needs: the transport and its target, the file system, the job store, the media
 * cap (what is held in memory), the limits (what is streamed to a file, how long), the call's own
 * deadline, and whether an existing output is replaced.
 */
export interface Context {
  readonly http: Http
  readonly target: Target
  /** App attribution for requests to the target's origin; default the core's. */
  readonly identity?: HeaderPolicy.Identity | undefined
  readonly fs: FileSystem.FileSystem
  readonly store: Store
  readonly maxBytes: number
  readonly limits: Limits.Values
  readonly timeoutMs?: number | undefined
  readonly force?: boolean | undefined
  /** Progress of a download into a file; called at most every `intervalMs` while bytes arrive. */
  readonly onDownload?: ((progress: DownloadProgress) => Effect.Effect<void>) | undefined
}

/** The least time between two `progress` events (`Videos.downloadProgressIntervalMs`). */
const PROGRESS_INTERVAL_MS = 250

/** Downloads the video of `completed` into `output`, or into memory. */
export const download = (
  context: Context,
  job: VideoJob,
  completed: VideoRequest.JobPayload,
  output: string | undefined
): Effect.Effect<VideoResult, ExecuteError | OpenRouterError.MalformedResponse | OpenRouterError.Timeout | OpenRouterError.BadInput | StoreError> => {
  const { limits } = context
  // The whole download (the request and every byte) is bounded by `downloadTotalMs` and by the
  // call's own deadline, whichever is shorter: a body trickling a byte a second cannot outlive it.
  const totalMs = Math.min(limits.downloadTotalMs, context.timeoutMs ?? Number.POSITIVE_INFINITY)
  const late = () =>
    new OpenRouterError.Timeout({
      message: `The video download did not finish within ${formatMs(totalMs)}${totalMs === limits.downloadTotalMs ? " (downloadTotalMs)" : ""}`,
      source: "client",
      timeoutMs: totalMs
    })
  // The request's scope: closing it aborts the request and its body. The body's reads stay in this
  // fiber (a read from a fiber of its own was measurably slower, packages/bench/NOTES.md), so its
  // idle and total limits are one watchdog that aborts the request, not an interruption.
  return Effect.flatMap(Scope.make(), (requestScope) => Effect.gen(function*() {
    const { fs, http, store, target } = context
    const { headersFor, resolve, resolveFrom } = urls(target, context.identity)
    const sentAt = yield* Clock.currentTimeMillis
    const endAt = sentAt + totalMs
    // A display's failure or defect is not the download's: ignored; nor may it outlive the
    // download's deadline (a callback that answers at once costs no timer).
    const onDownload = context.onDownload
    const report = (phase: DownloadProgress["phase"], bytes: number, total: number | undefined) =>
      onDownload === undefined
        ? Effect.void
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Deadline.deadline(
            onDownload({ jobId: job.id, phase, bytes, ...(total !== undefined ? { total } : {}), elapsedMs: now - sentAt }),
            Duration.millis(Math.max(0, endAt - now)),
            () => undefined
          ).pipe(Effect.catchAllCause(() => Effect.void)))
    const fetchVideo = (url: string) =>
      http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headersFor(url))), {
        retryClass: "idempotent-get",
        target,
        timeout: REQUEST_TIMEOUT,
        operation: "videos.download",
        scope: requestScope
      })
    const contentUrl = resolve(`videos/${encodeURIComponent(completed.id ?? job.id)}/content?index=0`)
    const unsigned = completed.unsignedUrls.find((u) => u.trim() !== "")
    const first = unsigned === undefined ? contentUrl : yield* resolveFrom(unsigned)
    // An expired unsigned URL (403/404) falls back to the content endpoint.
    // Up to the response headers (retries and their delays included): within the deadline.
    const response = yield* fetchVideo(first).pipe(
      Effect.catchIf(
        (error) => first !== contentUrl && "status" in error && (error.status === 403 || error.status === 404),
        () => fetchVideo(contentUrl)
      ),
      (fetching) => Deadline.deadline(fetching, Duration.millis(totalMs), late)
    )
    const contentType = response.headers["content-type"]
    if (AudioResponse.isTextual(contentType ?? "")) return yield* Effect.fail(malformed(`OpenRouter generated video download answered ${contentType}, not a video`))
    const mimeType = (contentType ?? "video/mp4").split(";")[0]?.trim() || "video/mp4"
    const fileName = `video-1.${extensionOf(mimeType)}`
    // A body that ends short of its Content-Length was cut, even when the transport ends it
    // quietly; one that goes past it, or past `downloadBytes` without one, is refused as it goes.
    const declared = AudioResponse.declaredLength(response.headers)
    const cap = declared ?? limits.downloadBytes
    const overCap = () =>
      new OpenRouterError.LimitExceeded({
        message: declared !== undefined
          ? `The video download went past its declared Content-Length (${declared} bytes)`
          : `The video download exceeded downloadBytes (${Limits.formatBytes(limits.downloadBytes)})`,
        limit: declared !== undefined ? "Content-Length" : "downloadBytes",
        max: cap
      })
    let received = 0
    let reportedAt = sentAt
    const stalled = () =>
      new OpenRouterError.Timeout({ message: `The video download stalled for ${formatMs(limits.downloadIdleMs)} (downloadIdleMs)`, source: "client", timeoutMs: limits.downloadIdleMs })
    // Every read within the idle limit and the whole body by the deadline (time spent writing to
    // the disk is not idle time).
    const body = Deadline.failWhenIdleOrLate(
      response.stream.pipe(
        Stream.mapError((error) =>
          new OpenRouterError.TransportError({ message: `The video download broke: ${error.message}`, phase: "response", cause: error })
        )
      ),
      { idle: Duration.millis(limits.downloadIdleMs), onIdle: stalled, endAt, onLate: late, abort: Scope.close(requestScope, Exit.void) }
    )
    // Every piece, synchronously (see `StreamFile`): counted against the cap, and a progress event
    // when one is due. An effect only when there is something to do, none per piece otherwise.
    const clock = yield* Effect.clock
    const inspect = (piece: Uint8Array): Effect.Effect<void, OpenRouterError.LimitExceeded> | undefined => {
      received += piece.byteLength
      if (received > cap) return Effect.fail(overCap())
      if (onDownload === undefined) return undefined
      const now = clock.unsafeCurrentTimeMillis()
      if (now - reportedAt < PROGRESS_INTERVAL_MS) return undefined
      reportedAt = now
      return report("progress", received, declared)
    }
    const metadata = {
      jobId: job.id,
      status: completed.status ?? "completed",
      generationId: completed.generationId,
      cost: completed.usage?.cost,
      isByok: completed.usage?.isByok
    }
    const model = completed.model ?? job.model
    const cut = (size: number) =>
      new OpenRouterError.TransportError({ message: `The video download broke after ${size} of ${declared} bytes`, phase: "response" })
    if (output !== undefined) {
      // Another file under the output's name is kept (a new free name) unless `force`; with
      // `force` on a symbolic link, its target is what gets replaced.
      const planned = yield* OutputFile.plan(fs, output, { force: context.force }, "output")
      // The partial file sits beside the file it becomes (a link's target may be on another file
      // system, where the final rename would fail after the whole download).
      const partial = yield* partialName(planned.path, job.id)
      // This job's own partial downloads from earlier attempts (beside the output asked for, the
      // one planned, or the output it was recorded with): replaced, never kept as a second copy.
      // A remove does not follow a symbolic link, and the new partial file is created exclusively.
      const stale = new Set([partial, yield* partialName(output, job.id)])
      if (job.output !== undefined) stale.add(yield* partialName(job.output, job.id))
      for (const name of stale) yield* fs.remove(name).pipe(Effect.ignore)
      yield* report("start", 0, declared)
      const written = yield* OutputFile.commit(fs, planned, (temporary) =>
        OutputFile.writeStreamExclusive(fs, temporary, body, { inspect }).pipe(
          Effect.catchTags({
            SystemError: (error) => Effect.fail(cannotWrite(output, error)),
            BadArgument: (error) => Effect.fail(cannotWrite(output, error))
          }),
          Effect.filterOrElse(
            () => (declared === undefined || received === declared) && received > 0,
            () => Effect.fail(declared !== undefined && received !== declared ? cut(received) : malformed("OpenRouter generated video download was empty"))
          )
        ), "output", partial)
      yield* store.update(job.id, { status: "downloaded", output: written, size: received })
      yield* report("end", received, declared)
      return { file: written, size: received, mimeType, fileName, model, metadata }
    }
    const chunks: Array<Uint8Array> = []
    let size = 0
    let tooLarge = false
    yield* body.pipe(
      Stream.takeWhile((chunk) => {
        size += chunk.byteLength
        tooLarge = size > context.maxBytes
        if (!tooLarge) chunks.push(chunk)
        return !tooLarge
      }),
      Stream.runDrain
    )
    if (tooLarge) {
      // Too large to hold: the caller gets the URL, when there is one to give.
      if (unsigned !== undefined && /^https?:\/\//i.test(unsigned)) {
        yield* store.update(job.id, { status: "completed" })
        return { url: unsigned, size: 0, mimeType, fileName, model, metadata }
      }
      return yield* Effect.fail(malformed(`OpenRouter generated video download exceeds ${context.maxBytes} bytes`))
    }
    if (declared !== undefined && size !== declared) return yield* Effect.fail(cut(size))
    if (size === 0) return yield* Effect.fail(malformed("OpenRouter generated video download was empty"))
    yield* store.update(job.id, { status: "downloaded" })
    return { bytes: Buffer.concat(chunks), size, mimeType, fileName, model, metadata }
  }).pipe(Effect.onExit(() => Scope.close(requestScope, Exit.void))))
}
