// The SQLite engine's own SqlClient (one libSQL connection, every statement in one line) and the
// runner's claim on its file. The client replaced `@effect/sql-libsql`, under which a restarted
// runner failed now and then with `SQLITE_BUSY` beside client processes: that client hands its
// connection to each transaction and opens a fresh one, which loses the connection's busy
// timeout, so a write met another process's lock and failed at once. The last test here is that
// case (with the old client it fails; with this one the write waits for the lock).
import { describe, expect, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Sqlite from "../src/Sqlite.js"
import { Cause, Deferred, Effect, Exit, Fiber, Layer, Option } from "effect"
import { spawn } from "node:child_process"
import { hostname } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as LibsqlClient from "../src/internal/libsqlClient.js"
import * as RunnerLock from "../src/internal/runnerLock.js"
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

describe("values bound alone", () => {
  it.live("a lone blob, a lone null, a whole number into a TEXT column", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE v (b BLOB, t TEXT)`
      yield* sql`INSERT INTO v (b) VALUES (${new Uint8Array([1, 2, 3])})`
      yield* sql`INSERT INTO v (b) VALUES (${null})`
      yield* sql`INSERT INTO v (t) VALUES (${1})`
      const rows = yield* sql<{ b: unknown; t: unknown }>`SELECT b, t FROM v`
      expect(new Uint8Array(rows[0]!.b as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]))
      expect(rows[1]).toEqual({ b: null, t: null })
      expect(rows[2]!.t).toBe("1")
    }).pipe(Effect.provide(clientOn(join(outputDir("sqlite-client"), "e.db")))))
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

describe("a transaction that cannot begin", () => {
  it.live("another process's lock past the busy timeout: a SqlError (not a defect), and later transactions commit", () => {
    const path = join(outputDir("sqlite-client"), "f.db")
    return Effect.gen(function*() {
      const sql = yield* withTable
      const child = spawn(process.execPath, ["-e", `
        const Database = require("libsql")
        const db = new Database(${JSON.stringify(path)})
        db.exec("BEGIN IMMEDIATE")
        process.stdout.write("locked\\n")
        setTimeout(() => { db.exec("ROLLBACK"); db.close() }, 1500)
      `], { cwd: fileURLToPath(new URL(".", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] })
      yield* Effect.async<void>((resume) => {
        child.stdout.on("data", () => resume(Effect.void))
      })
      const exit = yield* Effect.exit(sql.withTransaction(sql`INSERT INTO t (who) VALUES ('blocked')`))
      expect(exit._tag).toBe("Failure")
      if (exit._tag === "Failure") expect(Cause.failureOption(exit.cause)).toMatchObject({ _tag: "Some", value: { _tag: "SqlError" } })
      // A plain write that meets the lock fails too (its statement is left busy: the connection is replaced).
      expect((yield* Effect.flip(sql`INSERT INTO t (who) VALUES ('blocked too')`))._tag).toBe("SqlError")
      yield* Effect.async<void>((resume) => {
        if (child.exitCode === null) child.on("exit", () => resume(Effect.void))
        else resume(Effect.void)
      })
      yield* sql.withTransaction(sql`INSERT INTO t (who) VALUES ('after')`)
      expect((yield* sql<{ who: string }>`SELECT who FROM t`).map((row) => row.who)).toEqual(["after"])
    }).pipe(Effect.provide(LibsqlClient.layer({ filename: path, busyTimeoutMs: 100 })))
  })
})

describe("one runner per SQLite file", () => {
  it.live("a second runner on the file fails with RunnerLockHeld naming this process; a client beside it is fine", () =>
    Effect.gen(function*() {
      const path = join(outputDir("sqlite-claim"), "w.db")
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      yield* Layer.buildWithScope(Sqlite.layer({ path }), yield* Effect.scope)
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.some({ pid: process.pid, host: hostname() }))
      const second = yield* Effect.flip(Effect.scoped(Layer.build(Sqlite.layer({ path }))))
      expect(second).toMatchObject({ _tag: "RunnerLockHeld", path, pid: process.pid })
      expect(second.message).toContain(`${path} is run by process ${process.pid}:`)
      yield* Effect.scoped(Layer.build(Sqlite.layer({ path, clientOnly: true })))
    }).pipe(Effect.scoped))

  it.live("the lock and the row are given up when the runner stops; a row a killed runner left is no claim", () =>
    Effect.gen(function*() {
      const path = join(outputDir("sqlite-claim"), "x.db")
      yield* Effect.scoped(Layer.build(Sqlite.layer({ path })))
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      const rowOf = Effect.flatMap(SqlClient.SqlClient, (sql) => RunnerLock.holderOf(sql)).pipe(Effect.provide(clientOn(path)))
      expect(yield* rowOf).toEqual({ pid: undefined, host: undefined })
      // The row a runner killed with SIGKILL leaves (its lock went with its process).
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`INSERT INTO openrouter_workflow_runner (id, pid, host, started_at) VALUES (1, 1, ${hostname()}, 0)`
      }).pipe(Effect.provide(clientOn(path)))
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      yield* Effect.scoped(Effect.gen(function*() {
        yield* Layer.build(Sqlite.layer({ path }))
        expect(yield* Sqlite.runnerOf(path)).toEqual(Option.some({ pid: process.pid, host: hostname() }))
      }))
    }))

  it.live("a runner in another process holds the file until it is killed", () => {
    const path = join(outputDir("sqlite-claim"), "y.db")
    return Effect.gen(function*() {
      yield* Effect.scoped(Layer.build(Sqlite.layer({ path }))) // the file and its lock file exist
      const child = spawn(process.execPath, ["-e", `
        const Database = require("libsql")
        const lock = new Database(${JSON.stringify(`${path}.runner`)})
        lock.exec("BEGIN EXCLUSIVE")
        process.stdout.write("held\\n")
        setInterval(() => {}, 1000)
      `], { cwd: fileURLToPath(new URL(".", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] })
      yield* Effect.async<void>((resume) => {
        child.stdout.on("data", () => resume(Effect.void))
      })
      expect(Option.isSome(yield* Sqlite.runnerOf(path))).toBe(true)
      expect((yield* Effect.flip(Effect.scoped(Layer.build(Sqlite.layer({ path })))))._tag).toBe("RunnerLockHeld")
      yield* Effect.async<void>((resume) => {
        child.on("exit", () => resume(Effect.void))
        child.kill("SIGKILL")
      })
      expect(yield* Sqlite.runnerOf(path)).toEqual(Option.none())
      yield* Effect.scoped(Layer.build(Sqlite.layer({ path })))
    })
  })
})
