/**
 * The embedded engine for one machine: `@effect/cluster`'s `SingleRunner` (one process owns every
 * shard) and `ClusterWorkflowEngine`, on a SQLite file through `@effect/sql-libsql` (an optional
 * peer: only this module imports it). The submit ledger lives in the same file.
 *
 * One runner per file: the runner keeps its shard ownership in memory, so two processes on one
 * file would both run the same executions. For several processes, use `Postgres`.
 *
 * @since 0.1.0
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SingleRunner from "@effect/cluster/SingleRunner"
import { LibsqlClient } from "@effect/sql-libsql"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as SubmitLedger from "./SubmitLedger.js"

/** @since 0.1.0 @category Models */
export interface Options {
  /** The database file (created when missing). */
  readonly path: string
  /** Over `@effect/cluster`'s defaults (and its environment variables). */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
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
  const sql = LibsqlClient.layer({ url: `file:${options.path}`, intMode: "bigint" })
  return Layer.mergeAll(
    ClusterWorkflowEngine.layer.pipe(
      Layer.provideMerge(SingleRunner.layer({ runnerStorage: "memory", shardingConfig: options.shardingConfig }))
    ),
    SubmitLedger.layerSql()
  ).pipe(Layer.provide(sql))
}
