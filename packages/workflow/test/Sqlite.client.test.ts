// The SQLite engine's own SqlClient (one libSQL connection, every statement in one line) and the
// runner's claim on its file. The client replaced `@effect/sql-libsql`, under which a restarted
// runner failed now and then with `SQLITE_BUSY` beside client processes: that client hands its
// connection to each transaction and opens a fresh one, which loses the connection's busy
// timeout, so a write met another process's lock and failed at once. The last test here is that
// case (with the old client it fails; with this one the write waits for the lock).
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Sqlite from "../src/Sqlite.js"
import { Deferred, Effect, Exit, Fiber, Layer, Option } from "effect"
import { spawn } from "node:child_process"
import { hostname } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as LibsqlClient from "../src/internal/libsqlClient.js"
import { outputDir } from "./helpers.js"

const clientOn = (filename: string) => LibsqlClient.layer({ filename, busyTimeoutMs: 10_000 })

const withTable = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, who TEXT NOT NULL, n INTEGER, flag INTEGER)`
  return sql
})

describe("the SQLite client", () => {
  it.live("transactions and plain statements from 200 fibers at once: every row lands, none fails", () =>
    Effect.gen(function*() {
      const sql = yield* withTable
      yield* Effect.forEach(Array.from({ length: 200 }, (_, i) => i), (i) =>
        i % 2 === 0
          ? sql.withTransaction(Effect.gen(function*() {
            yield* sql`INSERT INTO t (who, n) VALUES ('tx', ${i})`
            yield* Effect.yieldNow() // other fibers run while the transaction is open
            yield* sql`INSERT INTO t (who, n) VALUES ('tx', ${i})`
          }))
          : sql`INSERT INTO t (who, n) VALUES ('plain', ${i})`, { concurrency: "unbounded", discard: true })
      const rows = yield* sql<{ who: string; count: bigint }>`SELECT who, COUNT(*) AS count FROM t GROUP BY who ORDER BY who`
      expect(rows).toEqual([{ who: "plain", count: 100n }, { who: "tx", count: 200n }])
    }).pipe(Effect.provide(clientOn(join(outputDir("sqlite-client"), "a.db")))))

  it.live("a statement of another fiber never joins an open transaction: the rollback keeps it", () =>
    Effect.gen(function*() {
      const sql = yield* withTable
      const opened = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const tx = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
        yield* sql`INSERT INTO t (who) VALUES ('rolled back')`
        yield* Deferred.succeed(opened, undefined)
        yield* Deferred.await(release)
        return yield* Effect.fail("abort")
      })))
      yield* Deferred.await(opened)
      const plain = yield* Effect.fork(sql`INSERT INTO t (who) VALUES ('kept')`)
      yield* Effect.yieldNow()
      yield* Deferred.succeed(release, undefined)
      expect(Exit.isFailure(yield* Fiber.await(tx))).toBe(true)
      yield* Fiber.join(plain)
      expect(yield* sql<{ who: string }>`SELECT who FROM t`).toEqual([{ who: "kept" }])
    }).pipe(Effect.provide(clientOn(join(outputDir("sqlite-client"), "b.db")))))

  it.live("integers read as bigint (the cluster's 64-bit ids), booleans and dates stored as numbers", () =>
    Effect.gen(function*() {
      const sql = yield* withTable
      const at = new Date(1_700_000_000_123)
      yield* sql`INSERT INTO t (who, n, flag) VALUES (${"x"}, ${9_007_199_254_740_993n}, ${true})`
      yield* sql`INSERT INTO t (who, n, flag) VALUES (${"y"}, ${at}, ${false})`
      expect(yield* sql`SELECT who, n, flag FROM t ORDER BY id`).toEqual([
        { who: "x", n: 9_007_199_254_740_993n, flag: 1n },
        { who: "y", n: 1_700_000_000_123n, flag: 0n }
      ])
      expect(yield* sql`SELECT who FROM t WHERE id = 1`.values).toEqual([["x"]])
      const error = yield* Effect.flip(sql`SELECT * FROM no_such_table`)
      expect(error._tag).toBe("SqlError")
    }).pipe(Effect.provide(clientOn(join(outputDir("sqlite-client"), "c.db")))))
})

describe("another process holding the write lock", () => {
  it.live("after transactions, a write waits for another process's lock instead of failing", () => {
    const path = join(outputDir("sqlite-client"), "d.db")
    return Effect.gen(function*() {
      const sql = yield* withTable
      yield* sql.withTransaction(sql`INSERT INTO t (who) VALUES ('before')`)
      // A process that takes the write lock, says so, and holds it for 400 ms.
      const child = spawn(process.execPath, ["-e", `
        const Database = require("libsql")
        const db = new Database(${JSON.stringify(path)})
        db.exec("BEGIN IMMEDIATE")
        db.exec("INSERT INTO t (who) VALUES ('other process')")
        process.stdout.write("locked\\n")
        setTimeout(() => { db.exec("COMMIT"); db.close() }, 400)
      `], { cwd: fileURLToPath(new URL(".", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] })
      yield* Effect.async<void>((resume) => {
        child.stdout.on("data", (chunk) => String(chunk).includes("locked") && resume(Effect.void))
        child.on("exit", () => resume(Effect.void))
      })
      yield* sql.withTransaction(sql`INSERT INTO t (who) VALUES ('transaction')`)
      yield* sql`INSERT INTO t (who) VALUES ('plain')`
      yield* Effect.async<void>((resume) => {
        if (child.exitCode === null) child.on("exit", () => resume(Effect.void))
        else resume(Effect.void)
      })
      expect((yield* sql<{ who: string }>`SELECT who FROM t ORDER BY id`).map((row) => row.who)).toEqual(["before", "other process", "transaction", "plain"])
    }).pipe(Effect.provide(clientOn(path)))
  })
})

describe("one runner per SQLite file", () => {
  it.live("a second runner on the file fails with RunnerLockHeld naming this process; once the first stops, a new one runs", () =>
    Effect.gen(function*() {
      const path = join(outputDir("sqlite-claim"), "w.db")
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      const first = yield* Layer.buildWithScope(Sqlite.layer({ path }), yield* Effect.scope)
      expect(first).toBeDefined()
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.some({ pid: process.pid, host: expect.any(String) }))
      const second = yield* Effect.flip(Effect.scoped(Layer.build(Sqlite.layer({ path }))))
      expect(second).toMatchObject({ _tag: "RunnerLockHeld", path, pid: process.pid })
      expect(second.message).toContain(`${path} is run by process ${process.pid}`)
      // A client beside the runner is fine.
      yield* Effect.scoped(Layer.build(Sqlite.layer({ path, clientOnly: true })))
    }).pipe(Effect.scoped))

  it.live("the claim is given up when the runner stops, and a claim of a dead process is taken over", () =>
    Effect.gen(function*() {
      const path = join(outputDir("sqlite-claim"), "x.db")
      yield* Effect.scoped(Layer.build(Sqlite.layer({ path })))
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      // A claim left by a killed process (a pid that no longer runs).
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO openrouter_workflow_runner (id, pid, host, token, started_at) VALUES (1, ${2 ** 22 + 12_345}, ${hostname()}, 'dead', 0)`
      }).pipe(Effect.provide(clientOn(path)))
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Layer.build(Sqlite.layer({ path }))
        expect(yield* Sqlite.runnerOf(path)).toEqual(Option.some({ pid: process.pid, host: expect.any(String) }))
      }))
    }))
})
