/**
 * The durable video commands, on `@openrouter-effect/workflow`: `worker` (a runner), `video
 * --durable` (start a workflow execution and follow it), `video status ID` and `video wait ID`
 * (client-only: from any machine connected to the same database).
 *
 * The database is `--db`, else `OPENROUTER_WORKFLOW_DB`, else `sqlite:<state dir>/workflows.db`.
 * On PostgreSQL `video --durable` is a client: a `worker` runs the job. On SQLite a file has one
 * runner: `video --durable` hands its job to the `worker` running on the file when there is one,
 * and otherwise runs it in this process (stopped, the job goes on at the file's next runner: a
 * `worker`, or the same command again, which never pays twice).
 *
 * This module, the workflow engine and its drivers are loaded only by these commands (their own
 * chunks of the bundle). The SQLite driver (`libsql`, an optional dependency: its native binary
 * cannot be bundled) is loaded only for a SQLite database, and checked first, so that a missing
 * one is a message saying what to do rather than a stack.
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { BadInput, ConfigError } from "@openrouter-effect/core/OpenRouterError"
import { StoreError } from "@openrouter-effect/client/VideoJobStore"
import * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import { VideoJobFailed } from "@openrouter-effect/client/Videos"
import * as Engine from "@openrouter-effect/workflow/Engine"
import * as Sqlite from "@openrouter-effect/workflow/Sqlite"
import * as VideoWorkflow from "@openrouter-effect/workflow/VideoWorkflow"
import * as Worker from "@openrouter-effect/workflow/Worker"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import { randomUUID } from "node:crypto"
import { existsSync } from "node:fs"
import { dirname, join, resolve as resolvePath } from "node:path"
import * as Progress from "../Progress.js"
import { commandLine, type Context, definedOnly, ensureDir, foundation, opt } from "./Shared.js"
import type { Args as VideoArgs } from "./Video.js"

/**
 * How long an execution may stay `Unknown` (no runner has taken it up, or no job has its id)
 * before `video --durable` says a worker may be missing, and `video wait` gives up on it. A
 * runner looks for new executions every second, so this is many of its looks.
 */
const UNKNOWN_LIMIT_MS = 10_000

/** How often a followed execution's status is read. */
const FOLLOW_EVERY = "1 second"

// -----------------------------------------------------------------------------
// The database
// -----------------------------------------------------------------------------

/** The `--db` option's value. @since 0.1.0 @category Models */
export interface DbArgs {
  readonly db: Option.Option<string>
}

/**
 * The database of a command: `--db`, else `OPENROUTER_WORKFLOW_DB` (through Effect's `Config`),
 * else the state directory's `workflows.db`. A SQLite path is made absolute, so every hint printed
 * works from any folder. A value that is neither form is a `BadInput` naming where it came from,
 * the value (a password masked) and the forms allowed.
 *
 * @since 0.1.0 @category Database
 */
export const databaseOf = Effect.fn("Durable.databaseOf")(function*(context: Pick<Context, "location">, db: Option.Option<string>) {
  const fromVariable = yield* Effect.orElseSucceed(Config.option(Config.string(Engine.DATABASE_VARIABLE)), () => Option.none<string>())
  const [source, text] = Option.isSome(db)
    ? ["--db", db.value] as const
    : Option.isSome(fromVariable)
    ? [Engine.DATABASE_VARIABLE, fromVariable.value] as const
    : ["the default", `sqlite:${join(context.location.stateDir, "workflows.db")}`] as const
  const parsed = Engine.parseDatabase(text)
  if (parsed._tag === "Left") {
    return yield* new BadInput({
      field: source,
      value: shown(text),
      allowed: ["sqlite:PATH", "postgres://USER@HOST:PORT/DATABASE"],
      message: `${source} must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE, not ${JSON.stringify(shown(text))}`
    })
  }
  const database: Engine.Database = parsed.right._tag === "Sqlite" ? { _tag: "Sqlite", path: resolvePath(parsed.right.path) } : parsed.right
  return database
})

/**
 * A database setting as it may be printed: a URL's password (in its user part or its query)
 * replaced by `***`.
 *
 * @since 0.1.0 @category Database
 */
export const shown = (text: string): string => {
  try {
    const url = new URL(text)
    if (url.password === "" && !url.searchParams.has("password")) return text
    if (url.password !== "") url.password = "***"
    if (url.searchParams.has("password")) url.searchParams.set("password", "***")
    return url.toString()
  } catch {
    return text.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@").replace(/([?&]password=)[^&]*/gi, "$1***")
  }
}

/** How a database is named in messages and hints: never with its password. */
const describe = (db: Engine.Database) => (db._tag === "Sqlite" ? `sqlite:${db.path}` : shown(db.url))

/** The first line of an error's message, any database URL in it without its password. */
const messageOf = (error: unknown): string => {
  const message = typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
  return (message.split("\n")[0] ?? "").replaceAll(/postgres(?:ql)?:\/\/[^\s"']+/g, (url) => shown(url))
}

/**
 * On SQLite, the driver must load: `libsql` is an optional dependency (a native binary per
 * platform), absent where npm skipped it. Checked (by the workflow package's own loader) before
 * anything is opened, so a missing driver is one line saying what to do (exit 2: nothing was
 * sent), never a stack from deep in the engine.
 */
const driverFor = (db: Engine.Database): Effect.Effect<void, ConfigError> =>
  db._tag !== "Sqlite"
    ? Effect.void
    : Effect.mapError(Sqlite.driver, (error) =>
      new ConfigError({
        path: "--db",
        message: `the SQLite driver of the durable commands (the optional dependency libsql) cannot be loaded: ${messageOf(error)}. ` +
          "Install it where openrouter-effect is installed (npm install libsql; npm install -g libsql beside a global install), " +
          "or use a PostgreSQL database: --db postgres://USER@HOST:PORT/DATABASE"
      }))

/** A SQLite file that does not exist is not made by reading it: `status` and `wait` refuse it. */
const existing = (db: Engine.Database) =>
  db._tag === "Sqlite" && !existsSync(db.path)
    ? Effect.fail(new BadInput({ field: "--db", value: describe(db), message: `no workflow database at ${db.path}: give the --db the job was started with` }))
    : Effect.void

/** Whether an error is the SQLite runner's `RunnerLockHeld` (another live process runs the file). */
const isLockHeld = (error: unknown): error is Sqlite.RunnerLockHeld => Predicate.isTagged(error, "RunnerLockHeld")

/** A database failure as the CLI's `StoreError`: the database named, a password never. */
const storeError = (db: Engine.Database, error: unknown) =>
  new StoreError({ path: describe(db), message: `the workflow database ${describe(db)}: ${messageOf(error)}` })

/**
 * The engine; its failures as the CLI's errors (exit 1, the database named, a password never),
 * except `RunnerLockHeld`, which `video --durable` answers by following as a client.
 */
const engine = (db: Engine.Database, clientOnly: boolean): Layer.Layer<Engine.Services, StoreError | Sqlite.RunnerLockHeld> =>
  Engine.layerFor(db, { clientOnly }).pipe(
    Layer.mapError((error) => (isLockHeld(error) ? error : storeError(db, error)))
  )

/** A client of the database: it runs nothing, so it is never refused a lock. */
const client = (db: Engine.Database): Layer.Layer<Engine.Services, StoreError> =>
  engine(db, true).pipe(Layer.mapError((error) => (isLockHeld(error) ? new StoreError({ path: describe(db), message: error.message }) : error)))

/** What a runner needs of the client: the CLI's configuration, its HTTP stack, the poller, files. */
const clientServices = (context: Context) =>
  Layer.merge(foundation(context, context.http), VideoPoller.layer()).pipe(Layer.provideMerge(NodeFileSystem.layer))

/** A runner: the workflow registered with the engine, over the CLI's OpenRouter services. */
const runner = (context: Context, db: Engine.Database) => Worker.layer({ engine: engine(db, false), client: clientServices(context) })

/** Where an execution stands, a database failure as a `StoreError`. */
const statusOf = (executionId: string, db: Engine.Database) =>
  VideoWorkflow.status(executionId).pipe(Effect.mapError((error) => storeError(db, error)))

// -----------------------------------------------------------------------------
// worker
// -----------------------------------------------------------------------------

/**
 * `worker`: a runner on the database until the process is stopped (Ctrl-C or SIGTERM stop it
 * gracefully: its layers are closed, a SQLite file's claim given up). One line says that it runs:
 * its pid and the database (a password never).
 *
 * @since 0.1.0 @category Commands
 */
export const worker = Effect.fn("Durable.worker")(function*(context: Context, args: DbArgs) {
  const db = yield* databaseOf(context, args.db)
  yield* driverFor(db)
  if (db._tag === "Sqlite") yield* ensureDir(dirname(db.path))
  const noted = stopNotes()
  return yield* Console.error(`worker ${process.pid} runs the durable video jobs of ${describe(db)} (Ctrl-C to stop)`).pipe(
    Effect.zipRight(Effect.never),
    Effect.onInterrupt(() => noted.stopping(`worker ${process.pid} stops; the jobs it leaves go on at the database's next runner`)),
    Effect.provide(runner(context, db)),
    noted.worker,
    Effect.mapError((error) => (isLockHeld(error) ? new StoreError({ path: error.path, message: error.message }) : error))
  )
})

// -----------------------------------------------------------------------------
// video --durable
// -----------------------------------------------------------------------------

/** The arguments of `video --durable`. @since 0.1.0 @category Models */
export interface StartArgs extends Omit<VideoArgs, "key" | "db">, DbArgs {
  readonly key: Option.Option<string>
}

/** What a durable record cannot hold, or means nothing for it, refused before anything is opened. */
const refused = (args: StartArgs): Effect.Effect<void, BadInput> => {
  if (Option.isNone(args.prompt)) return Effect.fail(new BadInput({ field: "PROMPT", message: "Give a PROMPT for the durable video job" }))
  if (args.dryRun) {
    return Effect.fail(new BadInput({ field: "--dry-run", message: "--dry-run and --durable together: a dry run sends nothing, so there is no job to record; leave one out" }))
  }
  if (args.force) {
    return Effect.fail(new BadInput({ field: "--force", message: "--force and --durable together: a durable job writes a file of its own name (video-<execution id>.mp4) and never replaces one; leave out --force" }))
  }
  if (Option.isSome(args.key) && args.key.value.trim() === "") return Effect.fail(new BadInput({ field: "--key", value: "", message: "--key must not be empty" }))
  const file = Option.isSome(args.firstFrame) ? "--first-frame" : Option.isSome(args.lastFrame) ? "--last-frame" : args.reference.length > 0 ? "--reference" : undefined
  return file === undefined
    ? Effect.void
    : Effect.fail(new BadInput({ field: file, message: `${file} takes a local file, which a durable job cannot record (its request must be replayable on any machine): leave out --durable or ${file}` }))
}

/**
 * `video --durable PROMPT`: starts the execution of `--key` (default a new one, printed), prints
 * its id, follows it to its end (a line on stderr at each change) and prints the video's path.
 * On PostgreSQL, or on a SQLite file a `worker` runs, this process is a client; on a SQLite file
 * no worker runs, it runs the job itself (and takes over when the worker it follows stops). Ctrl-C
 * stops following (or running): the job goes on at the database's next runner.
 *
 * @since 0.1.0 @category Commands
 */
export const start = Effect.fn("Durable.start")(function*(context: Context, args: StartArgs) {
  yield* refused(args)
  const db = yield* databaseOf(context, args.db)
  yield* driverFor(db)
  const out = resolvePath(args.out)
  yield* ensureDir(out)
  const key = Option.getOrElse(args.key, () => `cli-${randomUUID()}`)
  const options = definedOnly({
    duration: opt(args.duration),
    resolution: opt(args.resolution),
    aspectRatio: opt(args.aspectRatio),
    audio: args.audio ? true : undefined,
    seed: opt(args.seed),
    timeoutMs: opt(args.timeoutMs)
  }) as VideoWorkflow.VideoOptions
  const request: VideoWorkflow.VideoJobRequest = {
    key,
    prompt: Option.getOrElse(args.prompt, () => ""),
    ...(Option.isSome(args.model) ? { model: args.model.value } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    output: { _tag: "Directory", path: out }
  }
  if (db._tag === "Postgres") {
    const followed = yield* startAndFollow(context, db, request, { role: "client", whenUnknown: "hint" }).pipe(Effect.provide(client(db)))
    // Without a watched file, a following ends only with its execution.
    return followed._tag === "Ended" ? yield* ended(context, followed.status, db, { out }) : undefined
  }
  // SQLite: the file's worker runs the job when there is one; otherwise this process does. The
  // roles change as workers come and go: a worker that stops while it is followed leaves the job
  // to this process, and a worker that starts first keeps it.
  yield* ensureDir(dirname(db.path))
  const noted = stopNotes()
  for (;;) {
    const holder = yield* Sqlite.runnerOf(db.path).pipe(Effect.mapError((error) => new StoreError({ path: db.path, message: error.message })))
    if (Option.isSome(holder)) {
      const followed = yield* startAndFollow(context, db, request, { role: "client", whenUnknown: "hint", watch: { path: db.path, takeOver: true } }).pipe(
        Effect.provide(client(db))
      )
      if (followed._tag === "Ended") return yield* ended(context, followed.status, db, { out })
      yield* Console.error(`the worker of ${describe(db)} has stopped: this process runs the job now`)
      continue
    }
    yield* Console.error(
      `no worker runs on ${describe(db)}: this process runs the job; if it stops, \`${commandLine(context, ["worker", "--db", describe(db)])}\` ` +
        "or the same command again finishes it without paying twice"
    )
    const followed = yield* startAndFollow(context, db, request, { role: "runner", whenUnknown: "quiet", onStop: noted.stopping }).pipe(
      Effect.provide(runner(context, db)),
      noted.quiet,
      // A worker started on the file since it was looked at: it runs the job, this process follows.
      Effect.map(Option.some),
      Effect.catchIf(isLockHeld, (held) =>
        Effect.as(Console.error(`${held.pid !== undefined ? `process ${held.pid}` : "another runner"} has started running ${describe(db)} meanwhile: it runs the job`), Option.none()))
    )
    if (Option.isSome(followed) && followed.value._tag === "Ended") return yield* ended(context, followed.value.status, db, { out })
  }
})

/**
 * A runner in this process, kept readable. Its stop gets a line saying what stopping waits for (a
 * step under way gets `@effect/cluster`'s entity termination timeout, 15 s, to end; a second
 * Ctrl-C stops at once, and the job still never pays twice); once stopping, the cluster's "No
 * healthy runners available" warnings are left out: that is the runner noticing its own stop.
 * The runner of `video --durable` (`quiet`) also leaves out its `Info` log (each submit, poll and
 * download: what a `worker` logs), as its progress lines say the same, unless a `--log-level`
 * other than Effect's default asks for it, and the cluster's "Could not find entity manager"
 * warning of a runner resuming a job as it starts (it retries, and the job goes on). Set around
 * the runner's construction, so that the fibers the engine forks inherit it.
 */
const stopNotes = () => {
  let stopping = false
  const without = (dropped: (text: string) => boolean) => <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.locallyWith(effect, FiberRef.currentLoggers, (loggers) =>
      HashSet.map(loggers, (logger) =>
        Logger.make<unknown, void>((options) => {
          const message = Array.isArray(options.message) ? options.message : [options.message]
          if (message.some((part) => typeof part === "string" && dropped(part))) return
          logger.log(options)
        })))
  const stopNoise = (text: string) => stopping && text.startsWith("No healthy runners available")
  return {
    /** Marks the start of the stop (from an `onInterrupt`), with its line. */
    stopping: (line: string) =>
      Effect.suspend(() => {
        stopping = true
        return Console.error(`${line} (a step under way gets up to 15 s to end; Ctrl-C again stops at once)`)
      }),
    /** For a `worker`: its log as it is, without the stop's noise. */
    worker: without(stopNoise),
    /** For the runner of `video --durable`: no `Info` log unless asked for, no cluster noise. */
    quiet: <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      without((text) => stopNoise(text) || text.startsWith("Could not find entity manager for address"))(
        Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (level) => level._tag === "Info" ? Logger.withMinimumLogLevel(effect, LogLevel.Warning) : effect)
      )
  }
}

/** How this process follows an execution. */
interface FollowOptions {
  /** A client of a worker, or the runner of a SQLite file no worker holds. */
  readonly role: "client" | "runner"
  readonly whenUnknown: WhenUnknown
  /**
   * A SQLite file whose runner is watched while the execution is followed: when it has none any
   * more, `takeOver` ends the following (`RunnerGone`: this process becomes the runner), else a
   * line says once that the job waits for one.
   */
  readonly watch?: { readonly path: string; readonly takeOver: boolean } | undefined
  /** How a stop (Ctrl-C) is told: its line on stderr, by default. */
  readonly onStop?: ((line: string) => Effect.Effect<void>) | undefined
}

/** How a following ended. */
type Followed = { readonly _tag: "Ended"; readonly status: VideoWorkflow.Status } | { readonly _tag: "RunnerGone" }
const endedWith = (status: VideoWorkflow.Status): Followed => ({ _tag: "Ended", status })
const runnerGone: Followed = { _tag: "RunnerGone" }

/** Starts (or joins) the execution of `request` and follows it (see {@link follow}). */
const startAndFollow = (context: Context, db: Engine.Database, request: VideoWorkflow.VideoJobRequest, options: FollowOptions) =>
  Effect.gen(function*() {
    const executionId = yield* VideoWorkflow.VideoWorkflow.execute(request, { discard: true })
    yield* Console.error(`durable video job ${executionId} (key ${request.key}) on ${describe(db)}`)
    return yield* follow(context, executionId, db, options).pipe(
      Effect.onInterrupt(() =>
        (options.onStop ?? Console.error)(
          options.role === "runner"
            ? `stopped: job ${executionId} goes on at the next runner of ${describe(db)}: \`${commandLine(context, ["worker", "--db", describe(db)])}\`, or the same command again (it never pays twice)`
            : `stopped following job ${executionId}; it goes on in the worker: \`${commandLine(context, ["video", "status", executionId, "--db", describe(db)])}\` tells where it stands, \`${
              commandLine(context, ["video", "wait", executionId, "--db", describe(db)])
            }\` waits for it`
        )
      )
    )
  })

/**
 * What `follow` does while an execution stays `Unknown` past {@link UNKNOWN_LIMIT_MS}: `hint` says
 * once that a worker may be missing (a client of `video --durable`), `quiet` goes on (this process
 * is the runner), `refuse` fails (`video wait`: no job has the id, or no runner takes it up).
 */
type WhenUnknown = "hint" | "quiet" | "refuse"

/** Follows an execution to its end: its status every second, a line on stderr at each change. */
const follow = (context: Context, executionId: string, db: Engine.Database, options: FollowOptions) =>
  Effect.gen(function*() {
    const started = Date.now()
    let last = ""
    let hinted = false
    for (;;) {
      const status = yield* statusOf(executionId, db)
      const line = stateLine(status, options.whenUnknown)
      if (line !== last) yield* Console.error(`video ${executionId}: ${line}, ${Progress.duration(Date.now() - started)}`)
      last = line
      if (VideoWorkflow.isDone(status)) return endedWith(status)
      const worker = `\`${commandLine(context, ["worker", "--db", describe(db)])}\``
      if (options.watch !== undefined) {
        // A failed look is not taken for a stopped worker.
        const held = yield* Sqlite.runnerOf(options.watch.path).pipe(Effect.map(Option.isSome), Effect.orElseSucceed(() => true))
        if (!held) {
          if (options.watch.takeOver) return runnerGone
          if (!hinted) {
            hinted = true
            yield* Console.error(`no worker runs on ${describe(db)}: job ${executionId} goes on when one does (${worker}, or \`video --durable\` with its --key)`)
          }
        }
      }
      if (status.state === "Unknown" && Date.now() - started > UNKNOWN_LIMIT_MS) {
        if (options.whenUnknown === "refuse") {
          return yield* new BadInput({
            field: "ID",
            value: executionId,
            message: `nothing has taken up ${executionId} on ${describe(db)} in ${UNKNOWN_LIMIT_MS / 1000} s: no job has that id there (see the id \`video --durable\` printed, ` +
              `and its --db), or no worker runs on the database (${worker})`
          })
        }
        if (options.whenUnknown === "hint" && !hinted) {
          hinted = true
          yield* Console.error(`nothing has taken job ${executionId} up yet: is a worker running on this database? ${worker}`)
        }
      }
      yield* Effect.sleep(FOLLOW_EVERY)
    }
  })

/** A status as a progress line's words. */
const stateLine = (status: VideoWorkflow.Status, whenUnknown: WhenUnknown): string => {
  switch (status.state) {
    case "Unknown":
      return whenUnknown === "quiet" ? "starting" : "waiting for a runner to take it up"
    case "Running":
    case "Suspended":
      return status.submit === undefined
        ? "waiting to submit"
        : status.submit.state === "Answered"
        ? `submitted as ${status.submit.jobId ?? "?"} (${status.submit.model}), generating`
        : status.submit.state === "InFlight"
        ? "submitting"
        : "submit refused"
    case "Completed":
      return "completed"
    case "Failed":
      return `failed (${status.error?._tag ?? "?"})`
  }
}

/**
 * The end of an execution: its paths on stdout (its cost on stderr), or its failure as
 * `VideoJobFailed` (exit 1) with the execution id and what to do next.
 */
const ended = (context: Context, status: VideoWorkflow.Status, db: Engine.Database, where: { readonly out?: string } = {}) =>
  Effect.gen(function*() {
    if (status.state === "Completed" && status.outcome !== undefined) {
      for (const output of status.outcome.outputs) yield* Console.log(output.path)
      if (status.outcome.cost !== undefined) yield* Console.error(`cost $${status.outcome.cost}`)
      return
    }
    const tag = status.error?._tag ?? status.state
    const detail = status.error?.message !== undefined && status.error.message !== "" ? `: ${status.error.message.replace(/\.+$/, "")}` : ""
    return yield* new VideoJobFailed({
      jobId: status.submit?.jobId ?? status.executionId,
      status: tag,
      message: `durable video job ${status.executionId} on ${describe(db)} failed: ${tag}${detail}. ${advice(context, status, where)}`
    })
  })

/** What to do after a failed execution. Its key answers the same failure again: a retry is a new --key. */
const advice = (context: Context, status: VideoWorkflow.Status, where: { readonly out?: string }): string => {
  const again = "The same --key answers this failure again; a new --key starts a new job."
  const jobId = status.submit?.state === "Answered" ? status.submit.jobId : undefined
  switch (status.error?._tag) {
    case "SubmitOutcomeUnknown":
      return "Its submit was on the wire when its runner stopped: it may have reached OpenRouter (and be billed), so it is never sent again. " +
        `Look for the job in your OpenRouter activity before you start it with a new --key.`
    case "SubmitRefused":
      return `Its submit was refused, by OpenRouter or before it was sent (nothing is billed): fix the cause, then start it with a new --key. ${again}`
    case "VideoJobFailed":
      return `OpenRouter reports that the job failed. ${again}`
    default:
      // PollDeadline, a poll's or a download's failure: the job may be on OpenRouter, done or not.
      return jobId !== undefined
        ? `The job ${jobId} was submitted: if OpenRouter still has it, \`${
          commandLine(context, ["video", "resume", jobId, ...(where.out !== undefined ? ["--out", where.out] : [])])
        }\` fetches it. ${again}`
        : again
  }
}

// -----------------------------------------------------------------------------
// video status, video wait
// -----------------------------------------------------------------------------

/** The arguments of `video status` and `video wait`. @since 0.1.0 @category Models */
export interface StatusArgs extends DbArgs {
  readonly executionId: string
  readonly json: boolean
}

/** A status on stdout: the `VideoWorkflow.Status` as one JSON line, or a line per fact. */
const printStatus = (status: VideoWorkflow.Status, json: boolean) =>
  json
    ? Console.log(JSON.stringify(status))
    : Console.log(
      [
        `${status.executionId}  ${status.state}`,
        ...(status.submit !== undefined ? [`submit  ${status.submit.state}  ${status.submit.model}${status.submit.jobId !== undefined ? `  job ${status.submit.jobId}` : ""}`] : []),
        ...(status.outcome?.outputs.map((output) => `output  ${output.path}  ${output.size} bytes`) ?? []),
        ...(status.outcome?.cost !== undefined ? [`cost  $${status.outcome.cost}`] : []),
        ...(status.error !== undefined ? [`error  ${status.error._tag}: ${status.error.message}`] : [])
      ].join("\n")
    )

/**
 * `video status ID`: where an execution stands now (`Unknown` when nothing is recorded for it).
 * Client-only: it runs nothing and sends nothing to OpenRouter.
 *
 * @since 0.1.0 @category Commands
 */
export const status = Effect.fn("Durable.status")(function*(context: Context, args: StatusArgs) {
  const db = yield* databaseOf(context, args.db)
  yield* driverFor(db)
  yield* existing(db)
  const status = yield* statusOf(args.executionId, db).pipe(Effect.provide(client(db)))
  yield* printStatus(status, args.json)
})

/**
 * `video wait ID`: follows the execution until it ends (its changes on stderr), prints its status
 * and exits 0 only when it completed (1 when it failed). An execution still `Unknown` after
 * {@link UNKNOWN_LIMIT_MS} (no job has the id, or no runner takes it up) is exit 2 saying both,
 * rather than a wait that may never end. Client-only.
 *
 * @since 0.1.0 @category Commands
 */
export const wait = Effect.fn("Durable.wait")(function*(context: Context, args: StatusArgs) {
  const db = yield* databaseOf(context, args.db)
  yield* driverFor(db)
  yield* existing(db)
  const followed = yield* follow(context, args.executionId, db, {
    role: "client",
    whenUnknown: "refuse",
    watch: db._tag === "Sqlite" ? { path: db.path, takeOver: false } : undefined
  }).pipe(Effect.provide(client(db)))
  // Only `takeOver` ends a following without its end.
  if (followed._tag !== "Ended") return
  const status = followed.status
  yield* printStatus(status, args.json)
  if (status.state !== "Completed") yield* ended(context, status, db)
})
