// Shared by the PostgreSQL process tests: the server (OPENROUTER_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test) and statements on it; the child processes are
// processes.ts's.
import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"

export { BIN, type Child, type Exited, spawnBin, until } from "./processes.js"

export const ADMIN = process.env.OPENROUTER_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"

/** The URL of another database on the same server. */
export const databaseUrl = (database: string) => {
  const parsed = new URL(ADMIN)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Runs statements on the admin database (or `options.database`); answers the last one's rows. */
export const admin = <Row = unknown>(...args: ReadonlyArray<string | { readonly database: string }>): Promise<ReadonlyArray<Row>> => {
  const statements = args.filter((arg): arg is string => typeof arg === "string")
  const options = args.find((arg): arg is { readonly database: string } => typeof arg !== "string")
  return Effect.runPromise(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      let rows: ReadonlyArray<Row> = []
      for (const statement of statements) rows = (yield* sql.unsafe(statement)) as unknown as ReadonlyArray<Row>
      return rows
    }).pipe(
      Effect.scoped,
      Effect.provide(PgClient.layer({ url: Redacted.make(options === undefined ? ADMIN : databaseUrl(options.database)) })),
      Effect.timeout("5 seconds")
    )
  )
}

export const available = await admin("SELECT 1").then(() => true, () => false)

