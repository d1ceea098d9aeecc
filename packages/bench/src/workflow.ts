/**
 * Durable video jobs (issue 21): N short video jobs at once, against one simulator, through
 *
 * - `plain-videos`: the client's plain `Videos` service in one process (`candidates/workflow-plain.ts`,
 *   built with every package external: it runs the workspaces' `dist`), the reference;
 * - `sqlite-1-runner`: one `bin.js worker` (the workflow package's `dist/bin.js`, under `node`) on
 *   a fresh SQLite file; the jobs are started (`start KEY DIR PROMPT`) and waited for (`wait ID`)
 *   on its stdin: on SQLite the runner starts them;
 * - `postgres-3-runners`: three `bin.js worker` processes on a fresh PostgreSQL database (each on
 *   its own `PORT`, as `@effect/cluster`'s socket runners need; the first alone, then the other
 *   two) and one `bin.js client` process that starts the jobs and waits for them, once the shards
 *   are spread over the three.
 *
 * The same poll interval everywhere (`OPENROUTER_VIDEO_POLL_MS` for the bins,
 * `VideoPoller.layer(Schedule.spaced(…))` for the plain service), and the same second of rest
 * between a candidate's layers being up and its first job. For the bins, a job's latency runs on
 * this harness's clock from the moment its `start` line is written to the moment its `wait`
 * answer arrives; the plain candidate times each job on its own clock, from its `generate` call
 * to its result. The workers log at `Info`, so the moment each runner logs `download written ID`
 * is taken too (the `wait` answers poll the engine's record every 500 ms). The CPU time of the
 * candidate's processes over the jobs comes from /proc (the plain candidate's from
 * `process.cpuUsage`), PostgreSQL's from its backends' /proc entries; the engine's rows are
 * counted in the database after the run (SQLite with the `sqlite3` shell, when installed).
 *
 * `OPENROUTER_BENCH_WORKFLOW_LOGS=DIR` keeps every child's whole stderr in DIR and prints every
 * job's two latencies.
 *
 * Every run checks the simulator's journal (exactly N `POST /videos`, N downloads) and the output
 * directory (N whole files, no `.partial`), and fails loudly otherwise; every child is killed and
 * every temporary directory and database removed at the end, failures included.
 */
import { execFile, spawn } from "node:child_process"
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { createServer, type AddressInfo, type Server } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { build } from "esbuild"
import { mean, percentile } from "./report.js"

/** The candidates, in the order of the table and of each repetition. */
export const CANDIDATES = ["plain-videos", "sqlite-1-runner", "postgres-3-runners"] as const
export type Candidate = (typeof CANDIDATES)[number]

/** The rows of the table. */
export const scenarios = (jobs: number) => ({
  wall: `${jobs} jobs at once, wall time (s)`,
  rate: "jobs/min",
  mean: "latency per job, start → completed, mean (ms)",
  p95: "latency per job, p95 (ms)",
  overhead: "overhead per job: mean − plain-videos' mean (ms)",
  logged: "start → the runner's `download written`, mean (ms)",
  loggedOverhead: "… its overhead over plain-videos' mean (ms)",
  cpu: "CPU per job: the candidate's own processes (ms)",
  databaseCpu: "CPU per job: PostgreSQL's server processes (ms)",
  polls: "polls per job (GET /videos/ID in the journal)",
  posts: "POST /videos in the journal",
  files: "files written",
  messages: "engine: stored messages per job",
  replies: "engine: stored replies per job",
  ledger: "engine: ledger rows per job",
  updates: "engine: row updates per job (PostgreSQL statistics)"
})

export interface Options {
  readonly benchDir: string
  /** Where the plain candidate is built. */
  readonly outDir: string
  /** The simulator's API base URL (`…/api/v1`); it was started with `key`, `videoBytes` and its processing time. */
  readonly url: string
  readonly key: string
  readonly jobs: number
  readonly reps: number
  readonly pollMs: number
  readonly videoBytes: number
  /** PostgreSQL's admin URL (any database there); the section creates and drops its own. */
  readonly postgresUrl: string
  /** Called with every figure of every run. */
  readonly record: (scenario: string, candidate: Candidate, value: number) => void
}

export interface Outcome {
  /** Why `postgres-3-runners` did not run, when it did not. */
  readonly postgresSkipped?: string
}

// ---- child processes ---------------------------------------------------------------------------

interface Proc {
  readonly label: string
  readonly pid: number
  /** Its stdout's JSON lines so far. */
  readonly lines: Array<Record<string, unknown>>
  readonly onLine: (listener: (line: Record<string, unknown>, at: number) => void) => void
  readonly onStderrLine: (listener: (line: string, at: number) => void) => void
  readonly send: (line: string) => void
  readonly running: () => boolean
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  readonly kill: () => Promise<void>
  /** The last 8,000 characters of its stderr, with its label. */
  readonly tail: () => string
}

/** Where every child's whole stderr is kept, when set (to look into a run). */
const logDir = process.env.OPENROUTER_BENCH_WORKFLOW_LOGS

/** `node ARGS` with only PATH and `env` in its environment; its output split into lines as it comes. */
const launch = (label: string, args: ReadonlyArray<string>, env: Record<string, string>): Proc => {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] })
  const lines: Array<Record<string, unknown>> = []
  const lineListeners: Array<(line: Record<string, unknown>, at: number) => void> = []
  const stderrListeners: Array<(line: string, at: number) => void> = []
  let stderr = ""
  let out = ""
  let err = ""
  child.stdout.on("data", (chunk: Buffer) => {
    const at = performance.now()
    out += chunk.toString()
    const parts = out.split("\n")
    out = parts.pop() ?? ""
    for (const part of parts) {
      if (!part.startsWith("{")) continue
      let line: Record<string, unknown>
      try {
        line = JSON.parse(part) as Record<string, unknown>
      } catch {
        continue
      }
      lines.push(line)
      for (const listener of lineListeners) listener(line, at)
    }
  })
  const log = logDir === undefined ? undefined : createWriteStream(join(logDir, `${label.replace(/[^\w.-]+/g, "_")}-${Date.now()}.log`))
  child.stderr.on("data", (chunk: Buffer) => {
    const at = performance.now()
    const text = chunk.toString()
    log?.write(text)
    stderr = (stderr + text).slice(-8000)
    err += text
    const parts = err.split("\n")
    err = parts.pop() ?? ""
    for (const part of parts) for (const listener of stderrListeners) listener(part, at)
  })
  child.stdin.on("error", () => {})
  let exited = false
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      exited = true
      resolve({ code, signal })
    })
    child.on("error", (error) => {
      stderr += `\n${String(error)}`
      exited = true
      resolve({ code: null, signal: null })
    })
  })
  return {
    label,
    pid: child.pid ?? -1,
    lines,
    onLine: (listener) => void lineListeners.push(listener),
    onStderrLine: (listener) => void stderrListeners.push(listener),
    send: (line) => void child.stdin.write(`${line}\n`),
    running: () => !exited,
    exit,
    kill: async () => {
      if (!exited) child.kill("SIGKILL")
      await exit
    },
    tail: () => `--- ${label} (pid ${child.pid}), the end of its stderr:\n${stderr}`
  }
}

/**
 * Waits until `condition` holds (checked every 20 ms). Fails when one of `procs` ends, or after
 * `ms` (a guard against a hang, not a timed assertion), with their stderr.
 */
const until = async (what: string, condition: () => boolean | Promise<boolean>, ms: number, procs: ReadonlyArray<Proc>) => {
  const end = Date.now() + ms
  for (;;) {
    if (await condition()) return
    const dead = procs.find((proc) => !proc.running())
    if (dead !== undefined) throw new Error(`${dead.label} ended while waiting for ${what}\n${procs.map((proc) => proc.tail()).join("\n")}`)
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${procs.map((proc) => proc.tail()).join("\n")}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const run = (file: string, args: ReadonlyArray<string>, env?: Record<string, string>) =>
  new Promise<string>((resolve, reject) =>
    execFile(file, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`${file} ${args.join(" ")}: ${stderr || error.message}`))
    )
  )

/** Three (or n) distinct free TCP ports on this machine. */
const freePorts = async (n: number): Promise<ReadonlyArray<number>> => {
  const servers: Array<Server> = []
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject)
        server.listen(0, resolve)
      })
    }
    return servers.map((server) => (server.address() as AddressInfo).port)
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  }
}

/** The clock ticks of /proc/PID/stat. */
const ticksPerSecond = await run("getconf", ["CLK_TCK"]).then((out) => Number(out.trim()) || 100, () => 100)

/**
 * The CPU time (user + system, ms) a process has used, from /proc/PID/stat (Linux; readable for
 * any user's process): 0 when it is gone or on another system.
 */
const cpuMs = (pid: number): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    // After the command's name in parentheses: state is field 3, utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) * 1000 / ticksPerSecond
  } catch {
    return 0
  }
}

// ---- databases ---------------------------------------------------------------------------------

/** Runs SQL through `psql` (PostgreSQL's own client, with the server); answers its unaligned rows. */
const psql = (url: string, statement: string) =>
  run("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-Atq", "-F", "|", "-d", url, "-c", statement], { PGCONNECT_TIMEOUT: "5" })
    .then((out) => out.split("\n").filter((line) => line !== "").map((line) => line.split("|")))

const databaseUrl = (admin: string, database: string) => {
  const parsed = new URL(admin)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

const ENGINE_COUNTS = `SELECT
  (SELECT count(*) FROM cluster_messages),
  (SELECT count(*) FROM cluster_replies),
  (SELECT count(*) FROM openrouter_video_submits)`
const BY_TAG = "SELECT tag, count(*) FROM cluster_messages GROUP BY tag ORDER BY tag"

interface EngineRows {
  readonly messages: number
  readonly replies: number
  readonly ledger: number
  /** PostgreSQL only: row updates over every table of the database. */
  readonly updates?: number
  /** What the messages are, for the log. */
  readonly detail: string
}

/** The SQLite file's rows, read with the `sqlite3` shell once the runner is gone (none where it is missing). */
const sqliteRows = async (file: string): Promise<EngineRows | undefined> => {
  try {
    const [counts, byTag] = [await run("sqlite3", [file, ENGINE_COUNTS]), await run("sqlite3", [file, BY_TAG])]
    const [messages, replies, ledger] = (counts.trim().split("\n")[0] ?? "").split("|").map(Number)
    return { messages: messages ?? Number.NaN, replies: replies ?? Number.NaN, ledger: ledger ?? Number.NaN, detail: `messages by tag: ${byTag.trim().split("\n").join(", ")}` }
  } catch (error) {
    console.error(`workflow: the SQLite file's rows were not counted (${String(error).split("\n")[0]})`)
    return undefined
  }
}

/** The database's rows and its tables' write statistics, once the runners' connections have closed. */
const postgresRows = async (url: string): Promise<EngineRows> => {
  // A backend flushes its statistics when it ends: wait for the runners' and the client's.
  const end = Date.now() + 15_000
  while (Date.now() < end) {
    const [[others] = []] = await psql(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
    if (others === "0") break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const [[messages, replies, ledger] = []] = await psql(url, ENGINE_COUNTS)
  const byTag = await psql(url, BY_TAG)
  const tables = await psql(url, "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables ORDER BY relname")
  return {
    messages: Number(messages),
    replies: Number(replies),
    ledger: Number(ledger),
    updates: tables.reduce((sum, [, , updated]) => sum + Number(updated), 0),
    detail: `messages by tag: ${byTag.map(([tag, n]) => `${tag}|${n}`).join(", ")}; per table (inserts/updates/deletes): ${
      tables.map(([name, ins, upd, del]) => `${name} ${ins}/${upd}/${del}`).join(", ")
    }`
  }
}

// ---- one run of a candidate --------------------------------------------------------------------

/**
 * Every candidate gets its jobs as a service that is up: this long after its layers are built
 * (the plain candidate waits as long itself). Without it, the first requests of a process that
 * has just built its layers were about 200 ms slower in a trial (undici and cold code).
 */
const SETTLE_MS = 1000
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS))

interface Measured {
  readonly wallMs: number
  readonly latencies: ReadonlyArray<number>
  /** The CPU time the candidate's processes used from the first job started to the last answered. */
  readonly cpuMs: number
  /** PostgreSQL's server processes over the same time (its connections' backends). */
  readonly databaseCpuMs?: number
  /** Start → the runner's `download written` line, per job (the bins only). */
  readonly logged?: ReadonlyArray<number>
  readonly rows?: EngineRows | undefined
}

/** The workflow package's bin, as built (`npm run bench` builds first). */
const binArgs = (options: Options) => [join(options.benchDir, "../workflow/dist/bin.js")]

const workerEnv = (options: Options, db: string, extra: Record<string, string> = {}): Record<string, string> => ({
  OPENROUTER_WORKFLOW_DB: db,
  OPENROUTER_API_KEY: options.key,
  OPENROUTER_BASE_URL: options.url,
  OPENROUTER_VIDEO_POLL_MS: String(options.pollMs),
  OPENROUTER_WORKFLOW_LOG_LEVEL: "Info",
  ...extra
})

/**
 * Starts the jobs through `starter`'s stdin, waits for each on `waiter`'s as its id comes back,
 * and takes the `download written` lines of `runners`. Measured from the first `start` written to
 * the last `wait` answer, with the CPU time of `procs` (and of the database's `backends`) over
 * that time.
 */
const drive = async (
  options: Options,
  starter: Proc,
  waiter: Proc,
  runners: ReadonlyArray<Proc>,
  out: string,
  procs: ReadonlyArray<Proc>,
  backends?: () => Promise<ReadonlyArray<number>>
): Promise<Omit<Measured, "rows">> => {
  const sentAt = new Map<string, number>()
  const keyOf = new Map<string, string>()
  const doneAt = new Map<string, number>()
  const writtenAt = new Map<string, number>()
  const failures: Array<string> = []
  starter.onLine((line) => {
    if (line.command !== "start") return
    if (typeof line.executionId !== "string") return void failures.push(JSON.stringify(line).slice(0, 2000))
    keyOf.set(line.executionId, String(line.key))
    waiter.send(`wait ${line.executionId}`)
  })
  waiter.onLine((line, at) => {
    if (line.command !== "wait") return
    if (line.state !== "Completed") return void failures.push(JSON.stringify(line).slice(0, 2000))
    doneAt.set(String(line.executionId), at)
  })
  for (const runner of runners) {
    runner.onStderrLine((line, at) => {
      const match = /download written (\S+) /.exec(line)
      if (match?.[1] !== undefined && !writtenAt.has(match[1])) writtenAt.set(match[1], at)
    })
  }
  await settle()
  const procCpu = () => procs.reduce((sum, proc) => sum + cpuMs(proc.pid), 0)
  const backendCpu = async () => new Map((await (backends?.() ?? Promise.resolve([]))).map((pid) => [pid, cpuMs(pid)]))
  const cpuBefore = procCpu()
  const databaseBefore = await backendCpu()
  const first = performance.now()
  for (let i = 0; i < options.jobs; i++) {
    const key = `bench-${i}`
    sentAt.set(key, performance.now())
    starter.send(`start ${key} ${out} a bench video, take ${i}`)
  }
  await until(`${options.jobs} completed jobs`, () => {
    if (failures.length > 0) throw new Error(`a job did not complete: ${failures[0]}\n${procs.map((proc) => proc.tail()).join("\n")}`)
    return doneAt.size === options.jobs
  }, 60_000 + options.jobs * 2_000, procs)
  const last = Math.max(...doneAt.values())
  const cpu = procCpu() - cpuBefore
  // A backend that began during the run counts whole; one that ended during it is lost.
  const databaseCpu = [...(await backendCpu())].reduce((sum, [pid, ms]) => sum + ms - (databaseBefore.get(pid) ?? 0), 0)
  if (logDir !== undefined) {
    const rows = [...doneAt].map(([id, at]) => `${keyOf.get(id)} ${id} start→wait ${(at - (sentAt.get(keyOf.get(id) ?? "") ?? 0)).toFixed(0)} ms, start→written ${((writtenAt.get(id) ?? Number.NaN) - (sentAt.get(keyOf.get(id) ?? "") ?? 0)).toFixed(0)} ms`)
    console.error(rows.sort().join("\n"))
  }
  const since = (id: string, at: number) => at - (sentAt.get(keyOf.get(id) ?? "") ?? Number.NaN)
  return {
    wallMs: last - first,
    latencies: [...doneAt].map(([id, at]) => since(id, at)),
    logged: [...writtenAt].map(([id, at]) => since(id, at)),
    cpuMs: cpu,
    ...(backends === undefined ? {} : { databaseCpuMs: databaseCpu })
  }
}

const runPlain = async (options: Options, dir: string, jobs = options.jobs): Promise<Measured> => {
  const plain = launch("plain-videos", [join(options.outDir, "workflow-plain.mjs"), JSON.stringify({ url: options.url, key: options.key, jobs, dir, pollMs: options.pollMs, settleMs: SETTLE_MS })], {})
  try {
    await until(`plain-videos' ${jobs} jobs`, () => plain.lines.length > 0, 60_000 + jobs * 2_000, [plain])
    const result = plain.lines[0] as { wallMs: number; latencies: Array<number>; sizes: Array<number>; cpuMs: number }
    if (result.sizes.length !== jobs || result.sizes.some((size) => size !== options.videoBytes)) {
      throw new Error(`plain-videos: sizes ${result.sizes.join(",")}`)
    }
    return { wallMs: result.wallMs, latencies: result.latencies, cpuMs: result.cpuMs }
  } finally {
    await plain.kill()
  }
}

const runSqlite = async (options: Options, dir: string): Promise<Measured> => {
  const file = join(dir, "engine.db")
  const worker = launch("sqlite-1-runner: worker", [...binArgs(options), "worker"], workerEnv(options, `sqlite:${file}`))
  let measured: Omit<Measured, "rows">
  try {
    await until("the SQLite runner", () => worker.lines.some((line) => line.worker === "started"), 60_000, [worker])
    measured = await drive(options, worker, worker, [worker], join(dir, "videos"), [worker])
  } finally {
    await worker.kill()
  }
  return { ...measured, rows: await sqliteRows(file) }
}

const runPostgres = async (options: Options, dir: string, database: string): Promise<Measured> => {
  const url = databaseUrl(options.postgresUrl, database)
  await psql(options.postgresUrl, `DROP DATABASE IF EXISTS ${database}`)
  await psql(options.postgresUrl, `CREATE DATABASE ${database}`)
  const procs: Array<Proc> = []
  try {
    let measured: Omit<Measured, "rows">
    try {
      const ports = await freePorts(3)
      const worker = (port: number) => {
        const runner = launch(`postgres-3-runners: worker :${port}`, [...binArgs(options), "worker"], workerEnv(options, url, { PORT: String(port) }))
        procs.push(runner)
        return runner
      }
      // The first runner alone until it is up (its tables exist), then the other two: three started
      // together on a fresh database failed one time in two here, one of them on @effect/cluster's
      // `CREATE TABLE IF NOT EXISTS "cluster_runners"` (PostgreSQL: duplicate key value violates
      // unique constraint "pg_type_typname_nsp_index"), a race of the runners' own start.
      const first = worker(ports[0]!)
      await until("the first runner", () => first.lines.some((line) => line.worker === "started"), 60_000, [first])
      const runners = [first, ...ports.slice(1).map(worker)]
      // The three registered and the shards spread over them (a shard is an advisory lock held by
      // its runner's connection) before the jobs start: the first runner takes all 300 shards and
      // hands two thirds over a few seconds after the others join, and an execution moved that way
      // mid-job waited about 16 s on its new runner in a trial run.
      await until("three runners sharing the shards", async () => {
        if (!runners.every((runner) => runner.lines.some((line) => line.worker === "started"))) return false
        const holders = await psql(url, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) GROUP BY pid`).catch(() => [])
        return holders.length === 3 && holders.reduce((sum, [n]) => sum + Number(n), 0) === 300
      }, 120_000, runners)
      const client = launch("postgres-3-runners: client", [...binArgs(options), "client"], workerEnv(options, url))
      procs.push(client)
      await until("the client", () => client.lines.some((line) => line.client === "started"), 60_000, procs)
      const backends = () =>
        psql(url, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()").then((rows) => rows.map(([pid]) => Number(pid)))
      measured = await drive(options, client, client, runners, join(dir, "videos"), procs, backends)
    } finally {
      await Promise.all(procs.map((proc) => proc.kill()))
    }
    return { ...measured, rows: await postgresRows(url) }
  } finally {
    await psql(options.postgresUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }
}

// ---- the section -------------------------------------------------------------------------------

const journal = async (origin: string, method: string, path: string) => {
  const response = await fetch(`${origin}/__sim/journal?method=${method}&path=${encodeURIComponent(path)}`)
  if (!response.ok) throw new Error(`the simulator's journal: ${response.status}`)
  return ((await response.json()) as { entries: Array<{ path: string }> }).entries
}

/** Runs the section: `reps` interleaved repetitions of every candidate, each figure passed to `record`. */
export const runSection = async (options: Options): Promise<Outcome> => {
  const S = scenarios(options.jobs)
  const origin = new URL(options.url).origin
  await build({
    entryPoints: [{ in: join(options.benchDir, "candidates/workflow-plain.ts"), out: "workflow-plain" }],
    outdir: options.outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    // Not bundled: the candidate imports the workspaces' dist and effect as users' code does.
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error"
  })
  const postgresSkipped = await psql(options.postgresUrl, "SELECT 1").then(
    () => undefined,
    (error: unknown) => `no PostgreSQL answered at ${options.postgresUrl} (${String(error).split("\n")[0]})`
  )
  if (postgresSkipped !== undefined) console.error(`workflow: postgres-3-runners skipped: ${postgresSkipped}`)
  const candidates = CANDIDATES.filter((name) => name !== "postgres-3-runners" || postgresSkipped === undefined)

  // A warm-up, not recorded: the simulator's own first requests run cold code.
  const warmDir = mkdtempSync(join(tmpdir(), "ore-bench-workflow-"))
  try {
    await runPlain(options, warmDir, Math.min(options.jobs, 20))
  } finally {
    rmSync(warmDir, { recursive: true, force: true })
  }

  for (let rep = 0; rep < options.reps; rep++) {
    let plainMean = Number.NaN
    for (const candidate of candidates) {
      const dir = mkdtempSync(join(tmpdir(), "ore-bench-workflow-"))
      if (/\s/.test(dir)) throw new Error(`${dir}: the bins' start command splits on whitespace`)
      try {
        await fetch(`${origin}/__sim/journal`, { method: "DELETE" })
        const measured = candidate === "plain-videos"
          ? await runPlain(options, dir)
          : candidate === "sqlite-1-runner"
          ? await runSqlite(options, dir)
          : await runPostgres(options, dir, `openrouter_bench_${process.pid}_${rep}`)

        // The journal and the files: exactly one submit and one download per job, each file whole.
        const posts = (await journal(origin, "POST", "/videos")).length
        const gets = await journal(origin, "GET", "/videos/*")
        const downloads = gets.filter((entry) => entry.path.endsWith("/content")).length
        const polls = gets.length - downloads
        const videos = candidate === "plain-videos" ? dir : join(dir, "videos")
        const names = readdirSync(videos)
        const whole = names.filter((name) => name.endsWith(".mp4") && statSync(join(videos, name)).size === options.videoBytes)
        if (posts !== options.jobs || downloads !== options.jobs || whole.length !== options.jobs || names.length !== options.jobs) {
          throw new Error(
            `workflow: ${candidate}: ${posts} POST /videos and ${downloads} downloads in the journal, ${whole.length} whole files of ${names.length} in ${videos}; expected ${options.jobs} of each`
          )
        }
        if (measured.latencies.length !== options.jobs) throw new Error(`workflow: ${candidate}: ${measured.latencies.length} latencies`)

        const jobMean = mean(measured.latencies)
        if (candidate === "plain-videos") plainMean = jobMean
        options.record(S.wall, candidate, measured.wallMs / 1000)
        options.record(S.rate, candidate, options.jobs / (measured.wallMs / 60_000))
        options.record(S.mean, candidate, jobMean)
        options.record(S.p95, candidate, percentile(measured.latencies, 0.95))
        options.record(S.cpu, candidate, measured.cpuMs / options.jobs)
        if (measured.databaseCpuMs !== undefined) options.record(S.databaseCpu, candidate, measured.databaseCpuMs / options.jobs)
        options.record(S.polls, candidate, polls / options.jobs)
        options.record(S.posts, candidate, posts)
        options.record(S.files, candidate, whole.length)
        if (candidate !== "plain-videos") {
          options.record(S.overhead, candidate, jobMean - plainMean)
          if (measured.logged !== undefined && measured.logged.length === options.jobs) {
            options.record(S.logged, candidate, mean(measured.logged))
            options.record(S.loggedOverhead, candidate, mean(measured.logged) - plainMean)
          }
        }
        if (measured.rows !== undefined) {
          options.record(S.messages, candidate, measured.rows.messages / options.jobs)
          options.record(S.replies, candidate, measured.rows.replies / options.jobs)
          options.record(S.ledger, candidate, measured.rows.ledger / options.jobs)
          if (measured.rows.updates !== undefined) options.record(S.updates, candidate, measured.rows.updates / options.jobs)
          console.error(`workflow: ${candidate}, repetition ${rep + 1}: ${measured.rows.detail}`)
        }
        console.error(
          `workflow: ${candidate}, repetition ${rep + 1}: ${(measured.wallMs / 1000).toFixed(1)} s, mean ${jobMean.toFixed(0)} ms, p95 ${
            percentile(measured.latencies, 0.95).toFixed(0)
          } ms, ${(polls / options.jobs).toFixed(1)} polls per job, CPU ${(measured.cpuMs / options.jobs).toFixed(1)} ms per job${
            measured.databaseCpuMs === undefined ? "" : ` (+ PostgreSQL ${(measured.databaseCpuMs / options.jobs).toFixed(1)})`
          }`
        )
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
    console.error(`workflow: repetition ${rep + 1} of ${options.reps} done`)
  }
  return postgresSkipped === undefined ? {} : { postgresSkipped }
}
