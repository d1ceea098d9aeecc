/**
 * One runner per SQLite file. A `SingleRunner` keeps its shard ownership in memory, so two
 * processes running one file would both run the same executions (and both could reach a submit).
 * The runner therefore claims the file in a row of the file itself, inside a `BEGIN IMMEDIATE`
 * transaction (SQLite's write lock makes the check-and-claim atomic across processes), and gives
 * it up when it stops. A claim left by a killed process is taken over once its process is gone.
 *
 * @internal
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { randomUUID } from "node:crypto"
import { hostname } from "node:os"

/** @internal */
export const TABLE = "openrouter_workflow_runner"

/** @internal */
export const thisHost = (): string => hostname()

/** @internal */
export interface Holder {
  readonly pid: number
  readonly host: string
  /** Tells two claims of one process apart (two runners built in one process, or a reused pid). */
  readonly token: string
}

/** The claims this process holds now. */
const ownClaims = new Set<string>()

/**
 * Whether the holder still runs. Only a process of this machine can be checked; one of another
 * machine (the file on a shared disk) counts as running.
 *
 * @internal
 */
export const isLive = (holder: Holder): boolean => {
  if (holder.host !== thisHost()) return true
  // A claim of this process's pid is live only if this process made it (a dead process's pid
  // can be reused by its successor).
  if (holder.pid === process.pid) return ownClaims.has(holder.token)
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

const createTable = (sql: SqlClient.SqlClient) =>
  sql.unsafe(`CREATE TABLE IF NOT EXISTS ${TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL, started_at INTEGER NOT NULL)`)

const holderOf = (rows: ReadonlyArray<Record<string, unknown>>): Option.Option<Holder> => {
  const row = rows[0]
  return row === undefined ? Option.none() : Option.some({ pid: Number(row["pid"]), host: String(row["host"]), token: String(row["token"]) })
}

/** The claim's current holder, live or not (none when the file has no claim). @internal */
export const read = (sql: SqlClient.SqlClient): Effect.Effect<Option.Option<Holder>, SqlError> =>
  Effect.map(sql.unsafe<Record<string, unknown>>(`SELECT pid, host, token FROM ${TABLE} WHERE id = 1`), holderOf)

/**
 * Claims the file for this process until the scope closes; fails with the live holder when
 * another process runs the file.
 *
 * @internal
 */
export const claim = (sql: SqlClient.SqlClient): Effect.Effect<Option.Option<Holder>, SqlError, Scope.Scope> =>
  Effect.gen(function*() {
    const me: Holder = { pid: process.pid, host: thisHost(), token: randomUUID() }
    yield* createTable(sql)
    const held = yield* sql.withTransaction(Effect.gen(function*() {
      const holder = yield* read(sql)
      if (Option.isSome(holder) && isLive(holder.value)) return holder
      yield* sql.unsafe(
        `INSERT INTO ${TABLE} (id, pid, host, token, started_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token, started_at = excluded.started_at`,
        [me.pid, me.host, me.token, Date.now()]
      )
      return Option.none<Holder>()
    }))
    if (Option.isNone(held)) {
      ownClaims.add(me.token)
      yield* Effect.addFinalizer(() =>
        Effect.ignore(sql.unsafe(`DELETE FROM ${TABLE} WHERE id = 1 AND token = ?`, [me.token])).pipe(
          Effect.ensuring(Effect.sync(() => ownClaims.delete(me.token)))
        )
      )
    }
    return held
  })
