/**
 * The embedded engine for one machine: `@effect/cluster`'s `SingleRunner` (one process owns every
 * shard) and `ClusterWorkflowEngine`, on a SQLite file through the `libsql` driver (an optional
 * peer: only this module loads it, and only when the layer is built). The submit ledger lives in
 * the same file.
 *
 * One runner per file: the runner keeps its shard ownership in memory, so two processes running one
 * file would both run the same executions. The runner holds a lock on `<path>.runner` while it
 * runs (the system drops it when the process ends) and a second one fails with `RunnerLockHeld`. Other processes open the file as clients
 * (`clientOnly`): they ask where an execution stands (`VideoWorkflow.status`) and start
 * executions, which the runner takes from the file. For runners on several machines, use
 * `Postgres`.
 *
 * @since 0.1.0
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import * as RunnerHealth from "@effect/cluster/RunnerHealth"
import * as Runners from "@effect/cluster/Runners"
import * as RunnerStorage from "@effect/cluster/RunnerStorage"
import * as Sharding from "@effect/cluster/Sharding"
import * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SingleRunner from "@effect/cluster/SingleRunner"
import * as SqlMessageStorage from "@effect/cluster/SqlMessageStorage"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { existsSync } from "node:fs"
import * as LibsqlClient from "./internal/libsqlClient.js"
import * as RunnerLock from "./internal/runnerLock.js"
import * as SubmitLedger from "./SubmitLedger.js"

/** @since 0.1.0 @category Models */
export interface Options {
  /** The database file (created when missing). */
  readonly path: string
  /**
   * Over `@effect/cluster`'s defaults (and its environment variables). The runner looks for
   * messages stored by other processes (a client's start, a dead runner's work) every
   * `entityMessagePollInterval`: 1 second unless set here.
   */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
  /**
   * A client, not the runner: no shard is taken and no workflow runs in this process. It reads
   * where executions stand (`VideoWorkflow.status`) and may start executions: their message is
   * stored in the file and the file's runner takes it at its next look (see
   * `entityMessagePollInterval`). Any number of clients may open the file beside its runner.
   */
  readonly clientOnly?: boolean | undefined
  /** How long a statement waits for another process's write lock (default 10 000 ms). */
  readonly busyTimeoutMs?: number | undefined
}

/**
 * Another runner holds the file (a process, or another runner built in this one): a second runner
 * would run the same executions. Use that one (start executions as a client), or stop it first.
 * `pid` and `host` are what the holder wrote down (unknown in the moment before it does).
 *
 * @since 0.1.0 @category Errors
 */
export class RunnerLockHeld extends Schema.TaggedError<RunnerLockHeld>()("RunnerLockHeld", {
  path: Schema.String,
  pid: Schema.optional(Schema.Number),
  host: Schema.optional(Schema.String),
  message: Schema.String
}) {}

const sqlLayer = (options: Options) =>
  LibsqlClient.layer({ filename: options.path, busyTimeoutMs: options.busyTimeoutMs ?? 10_000 }).pipe(
    Layer.mapError((error) => new SubmitLedger.LedgerError({ message: `cannot open ${options.path}: ${error.message}` }))
  )

/** Who holds the file, in words. */
const holderText = (holder: RunnerLock.Holder) =>
  holder.pid === undefined ? "another runner" : `process ${holder.pid}${holder.host === undefined || holder.host === RunnerLock.thisHost() ? "" : ` on ${holder.host}`}`

/** The runner's claim on the file, held while the layer lives. */
const claimed = (path: string) =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const held = yield* RunnerLock.claim(sql, path).pipe(
      Effect.mapError((error) => new SubmitLedger.LedgerError({ message: `cannot claim ${path} for this runner: ${error.message}` }))
    )
    if (Option.isSome(held)) {
      return yield* new RunnerLockHeld({
        path,
        ...(held.value.pid !== undefined ? { pid: held.value.pid } : {}),
        ...(held.value.host !== undefined ? { host: held.value.host } : {}),
        message: `${path} is run by ${holderText(held.value)}: start executions through it (as a client), or stop it first`
      })
    }
  }))

/**
 * The workflow engine and the submit ledger on a SQLite file: its runner (one per file, claimed in
 * the file: a second fails with `RunnerLockHeld`), or a client of it (`clientOnly`).
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (
  options: Options
): Layer.Layer<WorkflowEngine.WorkflowEngine | SubmitLedger.SubmitLedger, ConfigError.ConfigError | SubmitLedger.LedgerError | RunnerLockHeld> => {
  const shardingConfig = { entityMessagePollInterval: "1 second", ...options.shardingConfig } as const
  const cluster = options.clientOnly === true
    // No runner address: `Sharding` takes no shard, registers no entity and runs nothing; what it
    // sends is stored for the runner.
    ? Sharding.layer.pipe(
      Layer.provideMerge(Runners.layerNoop),
      Layer.provideMerge(SqlMessageStorage.layer),
      Layer.provide([RunnerStorage.layerMemory, RunnerHealth.layerNoop]),
      Layer.provide(ShardingConfig.layerFromEnv({ ...shardingConfig, runnerAddress: Option.none() }))
    )
    : SingleRunner.layer({ runnerStorage: "memory", shardingConfig }).pipe(Layer.provide(claimed(options.path)))
  return Layer.mergeAll(
    ClusterWorkflowEngine.layer.pipe(Layer.provideMerge(cluster)),
    SubmitLedger.layerSql()
  ).pipe(Layer.provide(sqlLayer(options)))
}

/**
 * Whether the SQLite driver (`libsql`, an optional peer with a native binary per platform) loads
 * here, checked before anything is opened: a missing one fails with what to install.
 *
 * @since 0.1.0 @category Runner
 */
export const driver: Effect.Effect<void, SubmitLedger.LedgerError> = LibsqlClient.loadLibsql.pipe(
  Effect.asVoid,
  Effect.mapError((error) => new SubmitLedger.LedgerError({ message: `${error.message}: ${String(error.cause instanceof Error ? error.cause.message : error.cause).split("\n")[0]}` }))
)

/**
 * The runner of the file now, if any (none when the file does not exist: it is not created). Its
 * `pid` and `host` are what it wrote down.
 *
 * @since 0.1.0 @category Runner
 */
export const runnerOf = (path: string): Effect.Effect<Option.Option<RunnerLock.Holder>, SubmitLedger.LedgerError> =>
  Effect.gen(function*() {
    if (!existsSync(path) || !(yield* RunnerLock.isHeld(path))) return Option.none()
    const sql = yield* LibsqlClient.make({ filename: path, busyTimeoutMs: 10_000 })
    return Option.some(yield* RunnerLock.holderOf(sql))
  }).pipe(
    Effect.scoped,
    Effect.provide(Reactivity.layer),
    Effect.mapError((error) => new SubmitLedger.LedgerError({ message: `cannot read ${path}: ${error.message}` }))
  )
