/**
 * A runner of a fleet: `@effect/platform-node`'s `NodeClusterSocket` runners (shards spread over
 * the live runners, messages and runner registrations in PostgreSQL through `@effect/sql-pg`, an
 * optional peer: only this module imports it) and `ClusterWorkflowEngine`. The submit ledger lives
 * in the same database.
 *
 * Each runner needs an address the others reach (`shardingConfig.runnerAddress`, or
 * `@effect/cluster`'s `HOST` / `PORT` environment variables); a process that only starts and
 * follows workflows is `clientOnly`.
 *
 * @since 0.1.0
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import { PgClient } from "@effect/sql-pg"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as SubmitLedger from "./SubmitLedger.js"

/** @since 0.1.0 @category Models */
export interface Options {
  /** `postgres://user@host:port/database` */
  readonly url: string
  /** Over `@effect/cluster`'s defaults (and its environment variables). */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
  /** Start and follow workflows without running any (no shards, no listening socket). */
  readonly clientOnly?: boolean | undefined
}

/**
 * The workflow engine and the submit ledger on PostgreSQL, as a runner of the fleet (or a client).
 *
 * @since 0.1.0 @category Layers
 */
export const layer = (options: Options): Layer.Layer<WorkflowEngine.WorkflowEngine | SubmitLedger.SubmitLedger, unknown> => {
  const sql = PgClient.layer({ url: Redacted.make(options.url) })
  const cluster = options.clientOnly === true
    ? NodeClusterSocket.layer({ clientOnly: true, storage: "sql", shardingConfig: options.shardingConfig })
    : NodeClusterSocket.layer({ storage: "sql", shardingConfig: options.shardingConfig })
  return Layer.mergeAll(
    ClusterWorkflowEngine.layer.pipe(Layer.provideMerge(cluster)),
    SubmitLedger.layerSql()
  ).pipe(
    Layer.provide(sql),
    // Runners starting together on a fresh database race on @effect/cluster's own `CREATE TABLE IF
    // NOT EXISTS`: PostgreSQL fails all but one on its catalog's unique index. The tables exist by
    // the next try.
    Layer.retry(Schedule.intersect(Schedule.recurs(5), Schedule.spaced("250 millis")).pipe(Schedule.whileInput(isCatalogRace)))
  )
}

/** A concurrent `CREATE … IF NOT EXISTS` that lost to another process (unique_violation on a catalog index, or duplicate_table). */
const isCatalogRace = (error: unknown): boolean => {
  const text = `${String((error as { readonly cause?: unknown })?.cause ?? "")} ${String((error as { readonly message?: unknown })?.message ?? "")}`
  const code = ((error as { readonly cause?: { readonly code?: unknown } })?.cause)?.code
  return code === "42P07" || /pg_(type|class)_\w*_index|already exists/.test(text)
}
