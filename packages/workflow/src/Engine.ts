/**
 * The engine from configuration: `OPENROUTER_WORKFLOW_DB` (through Effect's `Config`, so any
 * `ConfigProvider` can give it) is `sqlite:PATH` for the embedded engine (`Sqlite`) or a
 * `postgres://…` URL for a fleet (`Postgres`). Each driver module is loaded only when chosen, so
 * a program needs only the driver it uses.
 *
 * @since 0.1.0
 */
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as SubmitLedger from "./SubmitLedger.js"

/** The variable that names the database. @since 0.1.0 @category Config */
export const DATABASE_VARIABLE = "OPENROUTER_WORKFLOW_DB"

/** Where the workflows are kept. @since 0.1.0 @category Models */
export type Database =
  | { readonly _tag: "Sqlite"; readonly path: string }
  | { readonly _tag: "Postgres"; readonly url: string }

/**
 * Reads a database setting: `sqlite:PATH` (also `sqlite://PATH` and `file:PATH`) or
 * `postgres://…` / `postgresql://…`.
 *
 * @since 0.1.0 @category Config
 */
export const parseDatabase = (text: string): Either.Either<Database, string> => {
  const value = text.trim()
  const sqlite = /^(?:sqlite:(?:\/\/)?|file:)(.+)$/.exec(value)
  if (sqlite !== null) return Either.right({ _tag: "Sqlite", path: sqlite[1]! })
  if (/^postgres(?:ql)?:\/\//.test(value)) return Either.right({ _tag: "Postgres", url: value })
  return Either.left(`expected sqlite:PATH or postgres://…, got ${JSON.stringify(value)}`)
}

/** The database from `OPENROUTER_WORKFLOW_DB`. @since 0.1.0 @category Config */
export const database: Config.Config<Database> = Config.string(DATABASE_VARIABLE).pipe(
  Config.mapOrFail((text) =>
    Either.mapLeft(parseDatabase(text), (message) => ConfigError.InvalidData([DATABASE_VARIABLE], message))
  )
)

/** @since 0.1.0 @category Models */
export interface Options {
  /** Over `@effect/cluster`'s defaults. */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
  /**
   * A client, not a runner: it takes no shard and runs no workflow. It starts executions (on
   * PostgreSQL) and reads where they stand (`VideoWorkflow.status`, both databases).
   */
  readonly clientOnly?: boolean | undefined
}

/** The services every engine layer provides. @since 0.1.0 @category Models */
export type Services = WorkflowEngine.WorkflowEngine | SubmitLedger.SubmitLedger

/**
 * The engine for a database: SQLite → the embedded single runner; Postgres → a runner of the
 * fleet (`Postgres.layer`, which reads its own address settings).
 *
 * @since 0.1.0 @category Layers
 */
export const layerFor = (db: Database, options: Options = {}): Layer.Layer<Services, unknown> =>
  Layer.unwrapEffect(
    db._tag === "Sqlite"
      ? Effect.map(Effect.promise(() => import("./Sqlite.js")), (Sqlite) => Sqlite.layer({ path: db.path, shardingConfig: options.shardingConfig, clientOnly: options.clientOnly }))
      : Effect.map(Effect.promise(() => import("./Postgres.js")), (Postgres) => Postgres.layer({ url: db.url, shardingConfig: options.shardingConfig, clientOnly: options.clientOnly }))
  )

/** {@link layerFor} the database of `OPENROUTER_WORKFLOW_DB`. @since 0.1.0 @category Layers */
export const layerConfig = (options: Options = {}): Layer.Layer<Services, unknown> =>
  Layer.unwrapEffect(Effect.map(database, (db) => layerFor(db, options)))
