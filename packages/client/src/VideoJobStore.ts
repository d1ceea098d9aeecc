/**
 * A durable record of submitted video jobs. Video jobs cost money and take minutes, so the handle
 * the server returns with its 202 is persisted before the first poll: a crashed or interrupted
 * process can then resume polling and downloading without submitting the job again.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { writeFileAtomic } from "./internal/atomicFile.js"
import { describeType, readBounded, sha256Hex } from "./internal/localFile.js"
import { lazily } from "./internal/lazily.js"

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/**
 * One submitted video job, as the server accepted it, with what is known so far.
 *
 * @since 0.1.0 @category Models
 */
export interface VideoJob {
  readonly id: string
  readonly pollingUrl: string
  readonly model: string
  readonly baseUrl: string
  /**
   * The origin of the base URL the job was submitted to (`https://openrouter.ai`): a resume
   * against another origin is refused before any request, since the job exists only there.
   * Absent in records written before it was kept (the origin of `baseUrl` then).
   */
  readonly origin?: string
  /**
   * The loopback `HOST:PORT` the submit was sent through (`connectTo`), when one was used and the
   * caller recorded it: a resume needs the same route to reach the job.
   */
  readonly connectTo?: string
  /** When the job was accepted, in milliseconds since the epoch. */
  readonly submittedAt: number
  readonly status: "submitted" | "completed" | "downloaded" | "failed"
  /** Where the download goes, when known (where it went, once `downloaded`). */
  readonly output?: string
  /** The size of the downloaded file, once `downloaded` into one. */
  readonly size?: number
  readonly generationId?: string
  readonly error?: string
}

/**
 * The schema of a stored {@link VideoJob}; unknown fields are tolerated (and dropped).
 *
 * @since 0.1.0 @category Schemas
 */
export const VideoJobSchema: Schema.Schema<VideoJob> = Schema.Struct({
  id: Schema.String,
  pollingUrl: Schema.String,
  model: Schema.String,
  baseUrl: Schema.String,
  origin: Schema.optionalWith(Schema.String, { exact: true }),
  connectTo: Schema.optionalWith(Schema.String, { exact: true }),
  submittedAt: Schema.Number,
  status: Schema.Literal("submitted", "completed", "downloaded", "failed"),
  output: Schema.optionalWith(Schema.String, { exact: true }),
  size: Schema.optionalWith(Schema.Number, { exact: true }),
  generationId: Schema.optionalWith(Schema.String, { exact: true }),
  error: Schema.optionalWith(Schema.String, { exact: true })
})

/**
 * A job store cannot be read or written, a stored job is corrupt, or an updated job is absent.
 *
 * @since 0.1.0 @category Errors
 */
export class StoreError extends Schema.TaggedError<StoreError>("@openrouter-effect/client/VideoJobStore/StoreError")(
  "StoreError",
  { message: Schema.String, path: Schema.optional(Schema.String) }
) {}

// ---------------------------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------------------------

/**
 * The operations of a {@link VideoJobStore}.
 *
 * @since 0.1.0 @category Models
 */
export interface Service {
  /** Stores a job, replacing any job with the same id. Durable when the effect succeeds. */
  readonly put: (job: VideoJob) => Effect.Effect<void, StoreError>
  readonly get: (id: string) => Effect.Effect<Option.Option<VideoJob>, StoreError>
  /** Every stored job, newest (`submittedAt`) first. */
  readonly list: Effect.Effect<ReadonlyArray<VideoJob>, StoreError>
  /** Merges `patch` into the stored job and returns the result; fails when the job is absent. */
  readonly update: (id: string, patch: Partial<Omit<VideoJob, "id">>) => Effect.Effect<VideoJob, StoreError>
}

/**
 * Where video jobs are kept.
 *
 * @since 0.1.0 @category Tags
 */
export class VideoJobStore extends Context.Tag("@openrouter-effect/client/VideoJobStore")<VideoJobStore, Service>() {}

const spanOf = (name: string, id: string) => Effect.withSpan(`VideoJobStore.${name}`, { captureStackTrace: false, attributes: { "openrouter.video.job_id": id } })

const newestFirst = (jobs: ReadonlyArray<VideoJob>): ReadonlyArray<VideoJob> =>
  [...jobs].sort((a, b) => b.submittedAt - a.submittedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

const merge = (job: VideoJob, patch: Partial<Omit<VideoJob, "id">>): VideoJob => ({ ...job, ...patch, id: job.id })

const absent = (id: string, path?: string): StoreError =>
  new StoreError({ message: `no video job with id ${JSON.stringify(id)}`, ...(path === undefined ? {} : { path }) })

/** Builds a service from put/get/list; `update` is serialised so concurrent updates do not lose writes. */
const makeService = (
  raw: {
    readonly put: (job: VideoJob) => Effect.Effect<void, StoreError>
    readonly get: (id: string) => Effect.Effect<Option.Option<VideoJob>, StoreError>
    readonly list: Effect.Effect<ReadonlyArray<VideoJob>, StoreError>
    readonly pathOf?: (id: string) => Effect.Effect<string>
  }
): Effect.Effect<Service> =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    const put: Service["put"] = (job) => lock.withPermits(1)(raw.put(job)).pipe(spanOf("put", job.id))
    const get: Service["get"] = (id) => raw.get(id).pipe(spanOf("get", id))
    const list: Service["list"] = raw.list.pipe(Effect.map(newestFirst), Effect.withSpan("VideoJobStore.list", { captureStackTrace: false }))
    const update: Service["update"] = (id, patch) =>
      lock.withPermits(1)(
        Effect.gen(function*() {
          const current = yield* raw.get(id)
          if (Option.isNone(current)) return yield* Effect.fail(absent(id, raw.pathOf === undefined ? undefined : yield* raw.pathOf(id)))
          const next = merge(current.value, patch)
          yield* raw.put(next)
          return next
        })
      ).pipe(spanOf("update", id))
    return VideoJobStore.of({ put, get, list, update })
  })

// ---------------------------------------------------------------------------------------------
// File store
// ---------------------------------------------------------------------------------------------

// Ids whose encoded name is short enough keep the readable name stores have always used; longer
// ones (a server may answer any length, and a file name is at most 255 bytes) are stored under
// their SHA-256. `=` is escaped by `encodeURIComponent`, so the two forms cannot meet.
const MAX_READABLE_NAME = 200

const MAX_JOB_FILE_BYTES = 1024 * 1024

/**
 * The file name of job `id` in a store: `<encodeURIComponent(id)>.json`, or, when that would be
 * longer than 200 characters, `=sha256-<hex>.json`.
 *
 * @since 0.1.0 @category Files
 */
export const fileNameOf = (id: string): Effect.Effect<string> => {
  // `encodeURIComponent` throws on a lone surrogate (JSON can carry one): hashed then.
  let readable: string | undefined
  try {
    readable = encodeURIComponent(id)
  } catch {
    readable = undefined
  }
  return readable !== undefined && readable.length <= MAX_READABLE_NAME
    ? Effect.succeed(`${readable}.json`)
    : Effect.map(sha256Hex(id), (digest) => `=sha256-${digest}.json`)
}

const decodeJob = lazily(() => Schema.decodeUnknownEither(Schema.parseJson(VideoJobSchema)))
const encodeJob = lazily(() => Schema.encodeSync(VideoJobSchema))

/**
 * A store keeping one JSON file per job at `<stateDir>/videos/<name>`, {@link fileNameOf} the job's
 * id (`<encodeURIComponent(id)>.json`, or `=sha256-<hex>.json` for ids of any length), mode
 * 0600. Each write goes to a temporary file in the same directory (`*.tmp`, see `AtomicFile`)
 * which is then renamed over the job's file, so a file is always either the old or the new job. `list` skips (and logs) files that
 * cannot be read or decoded; `get` reports them as a {@link StoreError} naming the file.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeFile = (stateDir: string): Effect.Effect<Service, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = `${stateDir.replace(/\/+$/, "")}/videos`
    const pathOf = (id: string) => Effect.map(fileNameOf(id), (name) => `${dir}/${name}`)
    const failure = (path: string, what: string) => (error: { readonly message: string }) =>
      new StoreError({ message: `cannot ${what} ${path}: ${error.message}`, path })

    const read = (path: string): Effect.Effect<Option.Option<VideoJob>, StoreError> =>
      Effect.gen(function*() {
        // A job file is a few hundred bytes: a regular file of at most 1 MiB is read, nothing else
        // (a FIFO or a device planted in the state directory would block or never end).
        const bytes = yield* readBounded(fs, path, MAX_JOB_FILE_BYTES).pipe(
          Effect.map(Option.some),
          Effect.catchAll((problem) =>
            problem._tag === "NotFound"
              ? Effect.succeed(Option.none<Uint8Array>())
              : Effect.fail(
                failure(path, "read")({
                  message: problem._tag === "Failed"
                    ? problem.error.message
                    : problem._tag === "TooLarge"
                    ? `larger than ${MAX_JOB_FILE_BYTES} bytes`
                    : `it is ${describeType(problem.type)}, not a regular file`
                })
              )
          )
        )
        if (Option.isNone(bytes)) return Option.none()
        const decoded = decodeJob(new TextDecoder().decode(bytes.value))
        if (decoded._tag === "Left") {
          return yield* Effect.fail(
            new StoreError({ message: `corrupt video job file ${path}: ${decoded.left.message}`, path })
          )
        }
        return Option.some(decoded.right)
      })

    const put = (job: VideoJob): Effect.Effect<void, StoreError> =>
      Effect.flatMap(pathOf(job.id), (path) =>
      fs.makeDirectory(dir, { recursive: true, mode: 0o700 }).pipe(
        Effect.mapError(failure(dir, "create directory")),
        Effect.zipRight(
          writeFileAtomic(path, `${JSON.stringify(encodeJob(job), null, 2)}\n`, { mode: 0o600 }).pipe(
            Effect.mapError(failure(path, "write")),
            Effect.provideService(FileSystem.FileSystem, fs)
          )
        )
      ))

    const get = (id: string): Effect.Effect<Option.Option<VideoJob>, StoreError> =>
      Effect.flatMap(pathOf(id), (path) =>
      read(path).pipe(
        Effect.flatMap((job) =>
          Option.isSome(job) && job.value.id !== id
            ? Effect.fail(
              new StoreError({
                message: `video job file ${path} holds job ${JSON.stringify(job.value.id)}, not ${JSON.stringify(id)}`,
                path
              })
            )
            : Effect.succeed(job)
        )
      ))

    const list: Effect.Effect<ReadonlyArray<VideoJob>, StoreError> = Effect.gen(function*() {
      const exists = yield* fs.exists(dir).pipe(Effect.mapError(failure(dir, "read")))
      if (!exists) return []
      const names = yield* fs.readDirectory(dir).pipe(Effect.mapError(failure(dir, "read")))
      const jobs: Array<VideoJob> = []
      for (const name of [...names].sort()) {
        if (!name.endsWith(".json")) continue // temporary files end in .tmp
        const path = `${dir}/${name}`
        const job = yield* read(path).pipe(
          Effect.catchAll((error) =>
            Effect.logWarning(`skipping video job file: ${error.message}`).pipe(
              Effect.annotateLogs({ path }),
              Effect.as(Option.none<VideoJob>())
            )
          )
        )
        if (Option.isSome(job)) jobs.push(job.value)
      }
      return jobs
    })

    return yield* makeService({ put, get, list, pathOf })
  })

/**
 * The file store of {@link makeFile} as a layer.
 *
 * @since 0.1.0 @category Layers
 */
export const layerFile = (stateDir: string): Layer.Layer<VideoJobStore, never, FileSystem.FileSystem> =>
  Layer.effect(VideoJobStore, makeFile(stateDir))

// ---------------------------------------------------------------------------------------------
// Memory store
// ---------------------------------------------------------------------------------------------

/**
 * An in-memory store, for tests and for embedders who keep jobs elsewhere.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.gen(function*() {
  const ref = yield* Ref.make<ReadonlyMap<string, VideoJob>>(new Map())
  return yield* makeService({
    put: (job) => Ref.update(ref, (jobs) => new Map(jobs).set(job.id, job)),
    get: (id) => Ref.get(ref).pipe(Effect.map((jobs) => Option.fromNullable(jobs.get(id)))),
    list: Ref.get(ref).pipe(Effect.map((jobs) => [...jobs.values()]))
  })
})

/**
 * The in-memory store of {@link makeMemory} as a layer; each build starts empty.
 *
 * @since 0.1.0 @category Layers
 */
export const layerMemory: Layer.Layer<VideoJobStore> = Layer.effect(VideoJobStore, makeMemory)
