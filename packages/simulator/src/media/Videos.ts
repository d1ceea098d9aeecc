/**
 * The asynchronous video API (openrouter-api.md §4): submit (`POST /videos` → 202), poll
 * (`GET /videos/{jobId}`), download (`GET /videos/{jobId}/content?index=0`), and the CDN origin
 * that serves `unsigned_urls` when the `cdn` option is on.
 *
 * A job's status follows the clock: `pending` for the first half of `videoProcessingMs` after the
 * submit, `in_progress` for the second half, then `completed`, or the outcome of a
 * `video-outcome` fault the submit carried (`failed`, `cancelled`, `expired`, with a string
 * `error`); a `video-status` fault makes one poll report another status. The
 * `videoCompletedAtSubmit` option ends every job at its submit (see {@link submitVideo}). Jobs
 * live in the context's state and belong to the key that submitted them.
 *
 * The download is a real MP4 (see `Mp4.ts`): an H.264 track of the job's duration and frame size,
 * padded to exactly `videoBytes` bytes and streamed in chunks.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import * as Either from "effect/Either"
import * as Errors from "../Errors.js"
import type { Fault, Handler, Reply, SimContext, SimRequest } from "../Types.js"
import * as H264 from "./H264.js"
import * as Mp4 from "./Mp4.js"
import * as VideoModels from "./VideoModels.js"

/** Every status a job can report. @since 0.1.0 @category Models */
export type VideoStatus = "pending" | "in_progress" | "completed" | "failed" | "cancelled" | "expired"

/** A terminal status other than `completed`. @since 0.1.0 @category Models */
export type VideoFailure = Extract<Fault, { kind: "video-outcome" }>["outcome"]

/**
 * A submitted job, as the simulator keeps it.
 *
 * @since 0.1.0 @category Models
 */
export interface VideoJob {
  readonly id: string
  /** The key that submitted it: another key polls it as 404. */
  readonly apiKey: string | undefined
  /** The accepted request (model, prompt, duration, …). */
  readonly request: VideoModels.VideoRequest
  readonly submittedAt: number
  /** How long the job runs: `videoProcessingMs` at submit time. */
  readonly processingMs: number
  readonly pollingUrl: string
  readonly generationId: string
  readonly cost: number
  /** The scripted end, when the submit carried a `video-outcome` fault. */
  readonly outcome: { readonly status: VideoFailure; readonly error: string } | undefined
  /** Whether the generation has been recorded for `GET /generation`. */
  recorded: boolean
}

/** The key of the job table in `SimContext.state`. @since 0.1.0 @category Constants */
export const STATE_KEY = "media/videos"

/** The path prefix of the CDN origin; a job's file is `/videos/<id>.mp4`. @since 0.1.0 @category Constants */
export const CDN_PREFIX = "/videos/"

/** The default `error` of each scripted outcome. @since 0.1.0 @category Constants */
export const OUTCOME_ERRORS: Readonly<Record<VideoFailure, string>> = {
  failed: "Content policy violation",
  cancelled: "Job was cancelled",
  expired: "Job exceeded maximum time to live"
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** A job id: 20 alphanumerics, like the ids OpenRouter hands out. */
const newJobId = (): string => {
  const bytes = randomBytes(20)
  let out = ""
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length]
  return out
}

/** The job table of a context. @since 0.1.0 @category State */
export const jobs = (context: SimContext): Map<string, VideoJob> => {
  const existing = context.state.get(STATE_KEY)
  if (existing instanceof Map) return existing as Map<string, VideoJob>
  const table = new Map<string, VideoJob>()
  context.state.set(STATE_KEY, table)
  return table
}

/** A job by id, if it exists. @since 0.1.0 @category State */
export const job = (context: SimContext, id: string): VideoJob | undefined => jobs(context).get(id)

/**
 * The job id of `/videos/<id>` or `/videos/<id>/content` (the path after `/api/v1`).
 *
 * @since 0.1.0 @category Routing
 */
export const jobIdOf = (path: string): string | undefined => {
  const match = /^\/videos\/([^/]+)(?:\/content)?\/?$/.exec(path)
  if (match?.[1] === undefined) return undefined
  try {
    return decodeURIComponent(match[1])
  } catch {
    return undefined
  }
}

/** The path of a job's file on the CDN origin: `/videos/<id>.mp4`. @since 0.1.0 @category Routing */
export const cdnPath = (id: string): string => `${CDN_PREFIX}${encodeURIComponent(id)}.mp4`

/** The job id of a CDN path `/videos/<id>.mp4`. @since 0.1.0 @category Routing */
export const cdnJobIdOf = (path: string): string | undefined => {
  const match = /^\/videos\/([^/]+)\.mp4$/.exec(path)
  if (match?.[1] === undefined) return undefined
  try {
    return decodeURIComponent(match[1])
  } catch {
    return undefined
  }
}

/**
 * A job's `polling_url`: `<publicBaseUrl>/videos/<id>` when `pollingUrl` is `absolute`, else the
 * same path without the origin (`/api/v1/videos/<id>` on the simulator's own base).
 *
 * @since 0.1.0 @category Routing
 */
export const pollingUrlOf = (context: SimContext, id: string): string => {
  const absolute = `${context.publicBaseUrl}/videos/${encodeURIComponent(id)}`
  if (context.options.pollingUrl === "absolute") return absolute
  return URL.canParse(absolute) ? new URL(absolute).pathname : `/api/v1/videos/${encodeURIComponent(id)}`
}

/**
 * A job's status at a moment.
 *
 * @since 0.1.0 @category State
 */
export const statusAt = (job: VideoJob, now: number): VideoStatus => {
  const elapsed = now - job.submittedAt
  if (elapsed >= job.processingMs) return job.outcome?.status ?? "completed"
  return elapsed < job.processingMs / 2 ? "pending" : "in_progress"
}

/** The `unsigned_urls` of a completed job. @since 0.1.0 @category Routing */
export const unsignedUrlsOf = (context: SimContext, id: string): ReadonlyArray<string> => [
  context.cdnBaseUrl !== undefined
    ? `${context.cdnBaseUrl.replace(/\/+$/, "")}${cdnPath(id)}`
    : `${context.publicBaseUrl}/videos/${encodeURIComponent(id)}/content?index=0`
]

const notFound = (id: string): Reply =>
  Errors.error(404, `Video generation job ${id} not found`, { metadata: { error_type: "not_found" } })

/** Records the generation of a completed job once, for `GET /generation`. */
const settle = (job: VideoJob, context: SimContext, status: VideoStatus): void => {
  if (status !== "completed" || job.recorded) return
  job.recorded = true
  context.recordGeneration({
    id: job.generationId,
    model: job.request.model,
    provider: VideoModels.providerOf(job.request.model),
    createdAt: job.submittedAt,
    promptTokens: 0,
    completionTokens: 0,
    totalCost: job.cost,
    streamed: false,
    cached: false
  })
}

/**
 * A job's `VideoGenerationResponse` at a moment: `generation_id` from `in_progress` on (not for
 * `pending` nor `expired`), `unsigned_urls` and `usage` when `completed`, `error` when it ended
 * otherwise.
 *
 * @since 0.1.0 @category Constructors
 */
export const snapshot = (job: VideoJob, context: SimContext, status: VideoStatus = statusAt(job, context.now())) => ({
  id: job.id,
  polling_url: job.pollingUrl,
  status,
  ...(status === "pending" || status === "expired" ? {} : { generation_id: job.generationId }),
  ...(status === "completed"
    ? { unsigned_urls: unsignedUrlsOf(context, job.id), usage: { cost: job.cost, is_byok: false } }
    : {}),
  ...(job.outcome !== undefined && status === job.outcome.status ? { error: job.outcome.error } : {})
})

const ownedJob = (request: SimRequest, context: SimContext): VideoJob | Reply => {
  const id = jobIdOf(request.path) ?? ""
  const found = job(context, id)
  if (found === undefined || (found.apiKey !== undefined && request.apiKey !== undefined && found.apiKey !== request.apiKey)) {
    return notFound(id)
  }
  return found
}

const isReply = (value: VideoJob | Reply): value is Reply => "_tag" in value

/**
 * `POST /videos`: checks the body against the model's capabilities (400 with OpenRouter's body
 * otherwise), stores the job and answers **202** `{id, polling_url, status: "pending"}`. With the
 * `videoCompletedAtSubmit` option the job ends at once and the 202 carries its final status:
 * `completed` with `generation_id` and `usage` but no `unsigned_urls`, or the outcome of a
 * `video-outcome` fault with its `error`.
 *
 * @since 0.1.0 @category Handlers
 */
export const submitVideo: Handler = (request, context) => {
  const checked = VideoModels.check(request.body)
  if (Either.isLeft(checked)) return checked.left
  const accepted = checked.right
  if (accepted.previousJobId !== undefined) {
    const previous = job(context, accepted.previousJobId)
    if (previous === undefined || (previous.apiKey !== undefined && previous.apiKey !== request.apiKey)) {
      return notFound(accepted.previousJobId)
    }
    if (previous.request.model !== accepted.model) {
      return Errors.invalidRequest(
        `previous_job_id ${previous.id} was generated by ${previous.request.model}; model must be ${previous.request.model}, got ${accepted.model}`
      )
    }
    const previousStatus = statusAt(previous, context.now())
    if (previousStatus !== "completed") {
      return Errors.error(409, `previous_job_id ${previous.id} is ${previousStatus}; only a completed job can be extended`, {
        metadata: { error_type: "precondition_failed" }
      })
    }
  }
  const id = newJobId()
  const fault = request.fault?.kind === "video-outcome" ? request.fault : undefined
  const created: VideoJob = {
    id,
    apiKey: request.apiKey,
    request: accepted,
    submittedAt: context.now(),
    processingMs: context.options.videoCompletedAtSubmit ? 0 : Math.max(0, context.options.videoProcessingMs),
    pollingUrl: pollingUrlOf(context, id),
    generationId: context.nextId("gen"),
    cost: VideoModels.cost(accepted),
    outcome: fault !== undefined ? { status: fault.outcome, error: fault.error ?? OUTCOME_ERRORS[fault.outcome] } : undefined,
    recorded: false
  }
  jobs(context).set(id, created)
  if (context.options.videoCompletedAtSubmit) {
    // The job has already ended: the submit answers its final status the way a poll would, but
    // a completed one without `unsigned_urls`, so a client must fetch the content endpoint.
    const status = statusAt(created, created.submittedAt)
    settle(created, context, status)
    const body: Record<string, unknown> = { ...snapshot(created, context, status) }
    delete body.unsigned_urls
    return { _tag: "json", status: 202, body }
  }
  return { _tag: "json", status: 202, body: { id, polling_url: created.pollingUrl, status: "pending" } }
}

/**
 * `GET /videos/{jobId}`: the job's status now (see {@link snapshot}); 404 for an unknown job or
 * one another key submitted. Under a `video-status` fault the answer carries that status instead
 * (the rest of the snapshot as it is now; the job is unchanged).
 *
 * @since 0.1.0 @category Handlers
 */
export const pollVideo: Handler = (request, context) => {
  const found = ownedJob(request, context)
  if (isReply(found)) return found
  const status = statusAt(found, context.now())
  settle(found, context, status)
  const body = snapshot(found, context, status)
  return {
    _tag: "json",
    status: 200,
    body: request.fault?.kind === "video-status" ? { ...body, status: request.fault.status } : body
  }
}

/** The `index` query of the content endpoint: a number, or the 400 reply. */
const indexOf = (request: SimRequest): number | Reply => {
  const raw = request.query.get("index")
  if (raw === null || raw === "") return 0
  if (!/^[0-9]+$/.test(raw)) return Errors.invalidRequest(`index ${VideoModels.show(raw)} is not valid; supported: 0`)
  const index = Number(raw)
  if (index !== 0) return Errors.invalidRequest(`index ${index} is out of range; the job has 1 video (supported: 0)`)
  return index
}

/** The shorter side of each `resolution`, in pixels. */
const SHORT_SIDE: Readonly<Record<VideoModels.Resolution, number>> = {
  "480p": 480, "720p": 720, "768p": 768, "1080p": 1080, "1K": 1080, "2K": 1440, "4K": 2160
}

const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2))

/**
 * The frame size of a job's video: its `size` (`1280x720`), else its `resolution` (default
 * 720p) in its `aspect_ratio` (default 16:9), the longer side at most 4096 pixels.
 *
 * @since 0.1.0 @category Content
 */
export const frameSizeOf = (request: VideoModels.VideoRequest): H264.FrameSize => {
  const explicit = request.size !== undefined ? /^(\d+)x(\d+)$/.exec(request.size) : null
  let width: number
  let height: number
  if (explicit !== null) {
    width = Number(explicit[1])
    height = Number(explicit[2])
  } else {
    const short = SHORT_SIDE[request.resolution ?? "720p"]
    const [w, h] = (request.aspectRatio ?? "16:9").split(":").map(Number) as [number, number]
    width = w >= h ? (short * w) / h : short
    height = w >= h ? short : (short * h) / w
  }
  const scale = Math.min(1, H264.MAX_DIMENSION / Math.max(width, height))
  return { width: Math.min(H264.MAX_DIMENSION, even(width * scale)), height: Math.min(H264.MAX_DIMENSION, even(height * scale)) }
}

/** A frame of the same orientation a few macroblocks large: the fallback for a small `videoBytes`. */
const TINY = 32

/**
 * The MP4 a completed job serves: its duration, its frame size, and exactly `videoBytes` bytes.
 * When `videoBytes` is too small for that frame size (7 KB for 8 s of 720p, 12 KB of 1080p), the
 * frame shrinks to 32 pixels on the longer side; when it is too small even then (about 3 KB for
 * 8 s), the file is the smallest one, larger than asked.
 *
 * @since 0.1.0 @category Content
 */
export const videoFile = (job: VideoJob, videoBytes: number): Mp4.Layout => {
  const size = frameSizeOf(job.request)
  const full = Mp4.layout({ seconds: job.request.duration, size, bytes: videoBytes })
  if (full.size === videoBytes) return full
  const long = Math.max(size.width, size.height)
  const tiny = { width: even((size.width * TINY) / long), height: even((size.height * TINY) / long) }
  return Mp4.layout({ seconds: job.request.duration, size: tiny, bytes: videoBytes })
}

/** Each job's file, built on its first download and kept while the job lives. */
const files = new WeakMap<VideoJob, { readonly videoBytes: number; readonly file: Mp4.Layout }>()

const videoBytes = (context: SimContext, job: VideoJob): Reply => {
  const cached = files.get(job)
  const file = cached?.videoBytes === context.options.videoBytes ? cached.file : videoFile(job, context.options.videoBytes)
  files.set(job, { videoBytes: context.options.videoBytes, file })
  return {
    _tag: "bytes",
    status: 200,
    size: file.size,
    headers: { "content-type": "video/mp4" },
    bytesAt: (offset, length) => Mp4.bytesAt(file, offset, length)
  }
}

/**
 * `GET /videos/{jobId}/content?index=0`: the video bytes (`video/mp4`, `videoBytes` long) of a
 * completed job; 404 for an unknown job or one that has not completed, 400 for a bad `index`.
 *
 * @since 0.1.0 @category Handlers
 */
export const videoContent: Handler = (request, context) => {
  const found = ownedJob(request, context)
  if (isReply(found)) return found
  const index = indexOf(request)
  if (typeof index !== "number") return index
  const status = statusAt(found, context.now())
  if (status !== "completed") {
    return Errors.error(404, `Video generation job ${found.id} has no content: its status is ${status}`, {
      metadata: { error_type: "not_found" }
    })
  }
  settle(found, context, status)
  return videoBytes(context, found)
}

/**
 * The CDN origin (`GET /videos/<id>.mp4`, no key needed): the same bytes as the content
 * endpoint for a completed job, a plain-text 404 for anything else.
 *
 * @since 0.1.0 @category Handlers
 */
export const cdnContent: Handler = (request, context) => {
  const id = request.method === "GET" || request.method === "HEAD" ? cdnJobIdOf(request.path) : undefined
  const found = id !== undefined ? job(context, id) : undefined
  const status = found !== undefined ? statusAt(found, context.now()) : undefined
  if (found === undefined || status !== "completed") {
    return {
      _tag: "buffer",
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: new TextEncoder().encode("Not Found")
    }
  }
  settle(found, context, status)
  return videoBytes(context, found)
}

/**
 * The webhook OpenRouter would POST to a job's `callback_url` once it has ended (§4.5), or
 * `undefined` while it runs or when it has no `callback_url`. Unsigned: the simulator has no
 * workspace signing secret.
 *
 * @since 0.1.0 @category Constructors
 */
export const webhook = (
  context: SimContext,
  id: string
): { readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: unknown } | undefined => {
  const found = job(context, id)
  if (found?.request.callbackUrl === undefined) return undefined
  const status = statusAt(found, context.now())
  if (status === "pending" || status === "in_progress") return undefined
  const payload = snapshot(found, context, status)
  return {
    url: found.request.callbackUrl,
    headers: { "content-type": "application/json", "X-OpenRouter-Idempotency-Key": `${found.id}-${status}` },
    body: {
      type: `video.generation.${status}`,
      created_at: new Date(found.submittedAt + found.processingMs).toISOString(),
      data: {
        id: found.id,
        status,
        generation_id: "generation_id" in payload ? payload.generation_id : null,
        model: found.request.model,
        ...("unsigned_urls" in payload ? { unsigned_urls: payload.unsigned_urls, usage: payload.usage } : {}),
        ...("error" in payload ? { error: payload.error } : {})
      }
    }
  }
}
