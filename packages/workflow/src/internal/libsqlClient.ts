/**
 * An `SqlClient` on one libSQL connection (the `libsql` package: better-sqlite3's synchronous API,
 * its native binary shipped in registry packages), with every statement of the process in one line.
 *
 * Why not `@effect/sql-libsql`: its client (through `@libsql/client`) hands its connection to each
 * transaction and opens a fresh one for what follows, and the fresh one has lost the connection's
 * settings: without a busy timeout, a write that meets another process's lock (a client reading
 * `status` or storing a start) fails at once with `SQLITE_BUSY`. And libsql never resets a
 * statement whose step failed with `SQLITE_BUSY`: SQLite counts it as in progress until the garbage
 * collector finalizes it, and every COMMIT on that connection meanwhile fails with `cannot commit
 * transaction - SQL statements in progress`, the error a restarted runner died of now and then
 * (`test/Sqlite.client.test.ts` has both cases). That client also holds its lock only while a
 * statement is picked, not while it runs.
 *
 * Here: one connection for the process's lifetime; a semaphore held for each statement's whole
 * run and for each transaction's whole life (`BEGIN IMMEDIATE`: the write lock is taken up front,
 * so a transaction never fails on a lock upgrade); WAL and a busy timeout set once on the one
 * connection, so other processes (clients reading `status`, or starting executions) wait for the
 * lock instead of failing. Integers are read as `bigint` (the cluster's 64-bit snowflake ids).
 *
 * @internal
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { createRequire } from "node:module"

/** The `libsql` module's shape, as far as this client uses it (better-sqlite3's API). */
interface LibsqlStatement {
  readonly reader: boolean
  safeIntegers(toggle?: boolean): LibsqlStatement
  raw(toggle?: boolean): LibsqlStatement
  all(params: ReadonlyArray<unknown>): Array<unknown>
  run(params: ReadonlyArray<unknown>): { readonly changes: number; readonly lastInsertRowid: number | bigint }
}
/** @internal */
export interface LibsqlDatabase {
  readonly inTransaction: boolean
  prepare(sql: string): LibsqlStatement
  exec(sql: string): void
  close(): void
}
/** @internal */
export type LibsqlConstructor = new (path: string) => LibsqlDatabase

/** @internal */
export interface Options {
  readonly filename: string
  /** How long a statement waits for another process's write lock (SQLite's `busy_timeout`). */
  readonly busyTimeoutMs: number
}

const minInteger = -9223372036854775808n
const maxInteger = 9223372036854775807n

/** What SQLite stores for a bound value (as `@libsql/client` converts them). */
const toSql = (value: unknown): unknown => {
  if (typeof value === "boolean") return value ? 1n : 0n
  if (value instanceof Date) return value.valueOf()
  if (value instanceof ArrayBuffer) return Buffer.from(value)
  if (typeof value === "bigint" && (value < minInteger || value > maxInteger)) {
    throw new RangeError("a bigint beyond 64 bits cannot be stored")
  }
  if (value === undefined) throw new TypeError("undefined cannot be stored")
  // A whole number as an integer: bound as a JS number, SQLite would take it as REAL (`1.0`).
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value)
  return value
}

const failure = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/** Whether a libsql error is SQLite's `SQLITE_BUSY` (another connection holds the lock). @internal */
export const isBusy = (error: unknown): boolean => (error as { readonly code?: unknown } | null)?.code === "SQLITE_BUSY"

/** The `libsql` module (the SQLite driver, an optional peer), loaded when first needed. @internal */
export const loadLibsql: Effect.Effect<LibsqlConstructor, SqlError> = Effect.try({
  try: () => createRequire(import.meta.url)("libsql") as LibsqlConstructor,
  catch: failure("cannot load the `libsql` package (the SQLite driver): install it with `npm install libsql`")
})

/**
 * Opens the file (its `libsql` module is loaded here, so only an engine on SQLite needs it).
 *
 * @internal
 */
export const make = (options: Options): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const Database = yield* loadLibsql
    const open = (): LibsqlDatabase => {
      const db = new Database(options.filename)
      db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`)
      return db
    }
    let db: LibsqlDatabase = yield* Effect.acquireRelease(
      Effect.try({
        try: (): LibsqlDatabase => {
          // The wait first: switching to WAL itself needs the lock another process may hold.
          const first = open()
          first.exec("PRAGMA journal_mode = WAL")
          return first
        },
        catch: failure(`cannot open ${options.filename}`)
      }),
      () => Effect.sync(() => db.close())
    )
    // libsql does not reset a statement whose step failed with SQLITE_BUSY (it can only be
    // finalized by the garbage collector), and SQLite counts it as in progress: every later COMMIT
    // on the connection would fail ("cannot commit transaction - SQL statements in progress"). So
    // transaction control goes through `exec`, which finalizes its statement whatever happens, and
    // after a busy statement outside a transaction the connection is replaced by a clean one.
    const control = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i
    const replaceAfterBusy = (error: unknown) => {
      if (!isBusy(error) || db.inTransaction) return
      const old = db
      db = open()
      try {
        old.close()
      } catch {
        // Closed once its last statement is finalized.
      }
    }

    // Runs to completion before returning: `all` reads every row and `run` steps to the end, so
    // no statement is left in progress on the connection (a COMMIT would refuse). A write answers
    // no rows; its `{ changes, lastInsertRowid }` only when asked raw.
    const run = (sql: string, params: ReadonlyArray<unknown>, mode: "rows" | "values" | "raw") =>
      Effect.try({
        try: (): ReadonlyArray<any> => {
          if (params.length === 0 && control.test(sql)) {
            db.exec(sql)
            return []
          }
          const statement = db.prepare(sql).safeIntegers(true)
          const bound = params.map(toSql)
          // The values as one array: a single object argument would be read as named parameters
          // (a lone blob even crashes the native side).
          if (statement.reader) return (mode === "values" ? statement.raw(true) : statement).all(bound)
          const result = statement.run(bound)
          return mode === "raw" ? (result as unknown as ReadonlyArray<any>) : []
        },
        catch: (cause) => {
          replaceAfterBusy(cause)
          return new SqlError({ cause, message: "Failed to execute statement" })
        }
      })
    const transformed = (effect: Effect.Effect<ReadonlyArray<any>, SqlError>, transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) =>
      transformRows === undefined ? effect : Effect.map(effect, transformRows)

    const connection: Connection = {
      execute: (sql, params, transformRows) => transformed(run(sql, params, "rows"), transformRows),
      executeRaw: (sql, params) => run(sql, params, "raw"),
      executeValues: (sql, params) => run(sql, params, "values"),
      // A ROLLBACK after a BEGIN that failed (another process's lock past the busy timeout) has no
      // transaction to end: not an error (`@effect/sql` would make it a defect).
      executeUnprepared: (sql, params, transformRows) =>
        sql === "ROLLBACK" && !db.inTransaction ? Effect.succeed([]) : transformed(run(sql, params ?? [], "rows"), transformRows),
      executeStream: () => Effect.dieMessage("executeStream is not implemented for SQLite")
    }

    // One permit: held by a statement for its whole run, and by a transaction for its whole life
    // (its statements run on the transaction's connection without asking again).
    const semaphore = yield* Effect.makeSemaphore(1)
    // Released, the connection is never left inside a transaction (a COMMIT that failed would
    // otherwise keep the write lock and take every later statement into it).
    const release = Effect.zipRight(
      Effect.sync(() => {
        if (db.inTransaction) {
          try {
            db.exec("ROLLBACK")
          } catch {
            // The transaction is gone either way.
          }
        }
      }),
      semaphore.release(1)
    )
    const acquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(restore(semaphore.take(1)), Effect.flatMap(Effect.scope, (scope) => Scope.addFinalizer(scope, release))),
        connection
      )
    )
    return yield* SqlClient.make({
      acquirer,
      transactionAcquirer: acquirer,
      compiler: Statement.makeCompilerSqlite(),
      beginTransaction: "BEGIN IMMEDIATE",
      spanAttributes: [["db.system.name", "sqlite"]]
    })
  })

/** @internal */
export const layer = (options: Options): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.scoped(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
