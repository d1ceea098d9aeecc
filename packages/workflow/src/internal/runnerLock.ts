/**
 * One runner per SQLite file. A `SingleRunner` keeps its shard ownership in memory, so two
 * processes running one file would both run the same executions (and both could reach a submit).
 *
 * The runner holds an exclusive SQLite lock on a file beside the database (`<path>.runner`) for its
 * whole life: the operating system drops it the moment the process ends, however it ends, so a
 * killed runner's file is free again at once, and no pid, host name or clock is trusted to tell a
 * live runner from a dead one (pids are reused, containers change names, pid namespaces differ).
 * Who holds it (pid, host) is written in a row of the database, for messages only.
 *
 * @internal
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { existsSync } from "node:fs"
import { hostname } from "node:os"
import { isBusy, type LibsqlDatabase, loadLibsql } from "./libsqlClient.js"

/** @internal */
export const TABLE = "openrouter_workflow_runner"

/** @internal */
export const thisHost = (): string => hostname()

/** Who runs the file, as it wrote itself down (unknown when it had not yet). @internal */
export interface Holder {
  readonly pid: number | undefined
  readonly host: string | undefined
}

/** The lock file of a database. @internal */
export const lockPath = (path: string): string => `${path}.runner`

/** Takes the lock, or answers false when another connection holds it (after `waitMs`). */
const tryLock = (db: LibsqlDatabase, waitMs: number): boolean => {
  db.exec(`PRAGMA busy_timeout = ${waitMs}`)
  try {
    db.exec("BEGIN EXCLUSIVE")
    return true
  } catch (error) {
    if (isBusy(error)) return false
    throw error
  }
}

const createTable = (sql: SqlClient.SqlClient) =>
  sql.unsafe(`CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at INTEGER NOT NULL)`)

/** What the holder wrote down (nothing when the table or the row is missing). @internal */
export const holderOf = (sql: SqlClient.SqlClient): Effect.Effect<Holder> =>
  sql.unsafe<Record<string, unknown>>(`SELECT pid, host FROM ${TABLE} WHERE id = 1`).pipe(
    Effect.map((rows) => {
      const row = rows[0]
      return row === undefined ? { pid: undefined, host: undefined } : { pid: Number(row["pid"]), host: String(row["host"]) }
    }),
    Effect.orElseSucceed((): Holder => ({ pid: undefined, host: undefined }))
  )

const openLock = (path: string) =>
  Effect.flatMap(loadLibsql, (Database) =>
    Effect.acquireRelease(
      Effect.try({ try: () => new Database(lockPath(path)), catch: (cause) => new SqlError({ cause, message: `cannot open ${lockPath(path)}` }) }),
      (db) =>
        Effect.sync(() => {
          try {
            if (db.inTransaction) db.exec("ROLLBACK")
          } finally {
            db.close()
          }
        })
    ))

/**
 * Claims the file for this process until the scope closes; answers the holder when another
 * process (or another runner of this one) holds it. A claim being checked by `isHeld` at the same
 * moment is waited for (up to 2 s), not taken for a runner.
 *
 * @internal
 */
export const claim = (sql: SqlClient.SqlClient, path: string): Effect.Effect<Option.Option<Holder>, SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const lock = yield* openLock(path)
    const taken = yield* Effect.try({ try: () => tryLock(lock, 2_000), catch: (cause) => new SqlError({ cause, message: `cannot lock ${lockPath(path)}` }) })
    if (!taken) return Option.some(yield* holderOf(sql))
    yield* createTable(sql)
    yield* sql.unsafe(
      `INSERT INTO ${TABLE} (id, pid, host, started_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, started_at = excluded.started_at`,
      [process.pid, thisHost(), Date.now()]
    )
    // Before the lock is let go (the scope's earlier finalizer): the row is this runner's still.
    yield* Effect.addFinalizer(() => Effect.ignore(sql.unsafe(`DELETE FROM ${TABLE} WHERE id = 1 AND pid = ? AND host = ?`, [process.pid, thisHost()])))
    return Option.none()
  })

/**
 * Whether a runner holds the file now (a momentary try of its lock, let go at once).
 *
 * @internal
 */
export const isHeld = (path: string): Effect.Effect<boolean, SqlError> =>
  existsSync(lockPath(path))
    ? Effect.scoped(Effect.flatMap(openLock(path), (lock) =>
      Effect.try({
        try: () => {
          const taken = tryLock(lock, 0)
          if (taken) lock.exec("ROLLBACK")
          return !taken
        },
        catch: (cause) => new SqlError({ cause, message: `cannot check ${lockPath(path)}` })
      })))
    : Effect.succeed(false)
