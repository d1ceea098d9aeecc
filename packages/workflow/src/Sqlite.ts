/**
 * The embedded engine for one machine: `@effect/cluster`'s `SingleRunner` (one process owns every
 * shard) and `ClusterWorkflowEngine`, on a SQLite file through `@effect/sql-libsql` (an optional
 * peer: only this module imports it). The submit ledger lives in the same file.
 *
 * One runner per file: the runner keeps its shard ownership in memory, so two processes on one
 * file would both run the same executions. For several processes, use `Postgres`. Another process
 * may still read the file as a client (`clientOnly`): it owns no shard and runs nothing, so it can
 * ask where an execution stands (`VideoWorkflow.status`) next to the runner.
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
import { LibsqlClient } from "@effect/sql-libsql"
import * as Effect from "effect/Effect"
import * as SqlClient from "@effect/sql/SqlClient"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as SubmitLedger from "./SubmitLedger.js"

/** @since 0.1.0 @category Models */
export interface Options {
  /** The database file (created when missing). */
  readonly path: string
  /** Over `@effect/cluster`'s defaults (and its environment variables). */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
  /**
   * Read without running: no shard is taken and no workflow runs in this process (for `status`
   * and `wait` next to the file's runner). Starting executions from such a process is not
   * supported on SQLite: the runner would only see them on its next look at the file.
   */
  readonly clientOnly?: boolean | undefined
}

/**
 * The workflow engine and the submit ledger on a SQLite file.
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (
  options: Options
): Layer.Layer<WorkflowEngine.WorkflowEngine | SubmitLedger.SubmitLedger, ConfigError.ConfigError | SubmitLedger.LedgerError> => {
  // Snowflake ids need 64 bits: bigint, which the cluster's storage converts itself.
  // A worker and the client processes beside it (`status`, `wait`) share the file: readers must
  // not fail or stop on a writer's lock (SQLITE_BUSY under load), so the file is in WAL mode and
  // every connection waits for a lock up to 10 s.
  const sql = Layer.effectDiscard(Effect.gen(function*() {
    const client = yield* SqlClient.SqlClient
    yield* client.unsafe("PRAGMA busy_timeout = 10000")
    yield* client.unsafe("PRAGMA journal_mode = WAL")
  }).pipe(Effect.mapError((error) => new SubmitLedger.LedgerError({ message: `cannot set up ${options.path}: ${error.message}` })))).pipe(Layer.provideMerge(LibsqlClient.layer({ url: `file:${options.path}`, intMode: "bigint" })))
  const cluster = options.clientOnly === true
    // No runner address: `Sharding` takes no shard, registers no entity and polls nothing.
    ? Sharding.layer.pipe(
      Layer.provideMerge(Runners.layerNoop),
      Layer.provideMerge(SqlMessageStorage.layer),
      Layer.provide([RunnerStorage.layerMemory, RunnerHealth.layerNoop]),
      Layer.provide(ShardingConfig.layerFromEnv({ ...options.shardingConfig, runnerAddress: Option.none() }))
    )
    : SingleRunner.layer({ runnerStorage: "memory", shardingConfig: options.shardingConfig })
  return Layer.mergeAll(
    ClusterWorkflowEngine.layer.pipe(Layer.provideMerge(cluster)),
    SubmitLedger.layerSql()
  ).pipe(Layer.provide(sql))
}
