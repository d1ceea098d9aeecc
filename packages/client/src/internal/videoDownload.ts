/**
 * The download of a completed video: the unsigned URL (falling back to the content endpoint when
 * it has expired), streamed into a file (a temporary file renamed when complete) or into memory
 * under the media cap, checked against its `Content-Length`.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { OpenRouterError } from "@openrouter-effect/core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as AudioResponse from "../AudioResponse.js"
import type { ExecuteError, Service as Http, Target } from "../OpenRouterHttp.js"
import type { StoreError, Service as Store, VideoJob } from "../VideoJobStore.js"
import type * as VideoRequest from "../VideoRequest.js"
import type { VideoResult } from "../Videos.js"
import { malformed, REQUEST_TIMEOUT, urls } from "./videoJob.js"

const IDLE_TIMEOUT = Duration.seconds(60)

const extensionOf = (mimeType: string): string => {
  const subtype = mimeType.split(";")[0]?.trim().split("/")[1] ?? "mp4"
  return subtype === "quicktime" ? "mov" : subtype.split("+")[0] || "mp4"
}

const cannotWrite = (output: string, error: { readonly message: string }) =>
  new OpenRouterError.BadInput({ field: "output", value: output, message: `Cannot write ${output}: ${error.message}` })

/** What a download needs: the transport and its target, the file system, the job store, the media cap. */
export interface Context {
  readonly http: Http
  readonly target: Target
  readonly fs: FileSystem.FileSystem
  readonly store: Store
  readonly maxBytes: number
}

/** Downloads the video of `completed` into `output`, or into memory. */
export const download = (
  context: Context,
  job: VideoJob,
  completed: VideoRequest.JobPayload,
  output: string | undefined
): Effect.Effect<VideoResult, ExecuteError | OpenRouterError.MalformedResponse | OpenRouterError.Timeout | OpenRouterError.BadInput | StoreError> =>
  Effect.gen(function*() {
    const { fs, http, store, target } = context
    const { headersFor, resolve, resolveFrom } = urls(target)
    const fetchVideo = (url: string) =>
      http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headersFor(url))), {
        retryClass: "idempotent-get",
        target,
        timeout: REQUEST_TIMEOUT,
        operation: "videos.download"
      })
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
      Stream.timeoutFail(() => new OpenRouterError.Timeout({ message: "The video download stalled for 60 s", source: "client" }), IDLE_TIMEOUT)
    )
    const metadata = {
      jobId: job.id,
      status: completed.status ?? "completed",
      generationId: completed.generationId,
      cost: completed.usage?.cost,
      isByok: completed.usage?.isByok
    }
    const model = completed.model ?? job.model
    // A body that ends short of its Content-Length was cut, even when the transport ends it quietly.
    const declared = AudioResponse.declaredLength(response.headers)
    const cut = (size: number) =>
      new OpenRouterError.TransportError({ message: `The video download broke after ${size} of ${declared} bytes`, phase: "response" })
    if (output !== undefined) {
      const temporary = `${output}.${job.id.replace(/[^A-Za-z0-9]/g, "")}.partial`
      let size = 0
      const written = yield* Stream.tap(bytes, (chunk) =>
        Effect.sync(() => {
          size += chunk.byteLength
        })).pipe(
          Stream.run(fs.sink(temporary)),
          Effect.catchTags({
            SystemError: (error) => Effect.fail(cannotWrite(output, error)),
            BadArgument: (error) => Effect.fail(cannotWrite(output, error))
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
      yield* fs.rename(temporary, output).pipe(Effect.mapError((error) => cannotWrite(output, error)))
      yield* store.update(job.id, { status: "downloaded", output })
      return { file: output, size: written, mimeType, fileName, model, metadata }
    }
    const chunks: Array<Uint8Array> = []
    let size = 0
    let tooLarge = false
    yield* bytes.pipe(
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
  })
