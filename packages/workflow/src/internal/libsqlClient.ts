/**
 * An `SqlClient` on one libSQL connection (the `libsql` package: better-sqlite3's synchronous API,
 * its native binary shipped in registry packages), with every statement of the process in one line.
 *
 * Why not `@effect/sql-libsql`: its client (through `@libsql/client`) hands its connection to each
 * transaction and opens a fresh one for what follows, and the fresh one has lost the connection's
 * settings: without a busy timeout, a write that meets another process's lock (a client reading
 * `status` or storing a start) fails at once with `SQLITE_BUSY`. A runner restarted beside client
 * processes failed so now and then (`test/Sqlite.client.test.ts` has the case). That client also
 * holds its lock only while a statement is picked, not while it runs.
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
  all(...params: ReadonlyArray<unknown>): Array<unknown>
  run(...params: ReadonlyArray<unknown>): { readonly changes: number; readonly lastInsertRowid: number | bigint }
}
interface LibsqlDatabase {
  prepare(sql: string): LibsqlStatement
  exec(sql: string): void
  close(): void
}
type LibsqlConstructor = new (path: string) => LibsqlDatabase

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
  return value
}

const failure = (message: string) => (cause: unknown) => new SqlError({ cause, message })

/**
 * Opens the file (its `libsql` module is loaded here, so only an engine on SQLite needs it).
 *
 * @internal
 */
export const make = (options: Options): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const Database = yield* Effect.try({
      try: () => createRequire(import.meta.url)("libsql") as LibsqlConstructor,
      catch: failure("cannot load the `libsql` package (the SQLite driver): install it with `npm install libsql`")
    })
    const db = yield* Effect.acquireRelease(
      Effect.try({ try: () => new Database(options.filename), catch: failure(`cannot open ${options.filename}`) }),
      (db) => Effect.sync(() => db.close())
    )
    yield* Effect.try({
      try: () => {
        // The wait first: switching to WAL itself needs the lock another process may hold.
        db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`)
        db.exec("PRAGMA journal_mode = WAL")
      },
      catch: failure(`cannot set up ${options.filename}`)
    })

    // Runs to completion before returning: `all` reads every row and `run` steps to the end, so
    // no statement is left in progress on the connection (a COMMIT would refuse). A write answers
    // no rows; its `{ changes, lastInsertRowid }` only when asked raw.
    const run = (sql: string, params: ReadonlyArray<unknown>, mode: "rows" | "values" | "raw") =>
      Effect.try({
        try: (): ReadonlyArray<any> => {
          const statement = db.prepare(sql).safeIntegers(true)
          const bound = params.map(toSql)
          if (statement.reader) return (mode === "values" ? statement.raw(true) : statement).all(...bound)
          const result = statement.run(...bound)
          return mode === "raw" ? (result as unknown as ReadonlyArray<any>) : []
        },
        catch: failure("Failed to execute statement")
      })
    const transformed = (effect: Effect.Effect<ReadonlyArray<any>, SqlError>, transformRows: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) =>
      transformRows === undefined ? effect : Effect.map(effect, transformRows)

    const connection: Connection = {
      execute: (sql, params, transformRows) => transformed(run(sql, params, "rows"), transformRows),
      executeRaw: (sql, params) => run(sql, params, "raw"),
      executeValues: (sql, params) => run(sql, params, "values"),
      executeUnprepared: (sql, params, transformRows) => transformed(run(sql, params ?? [], "rows"), transformRows),
      executeStream: () => Effect.dieMessage("executeStream is not implemented for SQLite")
    }

    // One permit: held by a statement for its whole run, and by a transaction for its whole life
    // (its statements run on the transaction's connection without asking again).
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(restore(semaphore.take(1)), Effect.flatMap(Effect.scope, (scope) => Scope.addFinalizer(scope, semaphore.release(1)))),
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
