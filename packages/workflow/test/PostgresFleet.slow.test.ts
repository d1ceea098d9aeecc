// A fleet on PostgreSQL: three runner processes (the worker bin on the build output, `node`, not
// tsx), 50 video jobs started from a fourth, client-only process against the simulator. One runner
// is SIGKILLed while the jobs poll, another while it downloads (every download is held 4 s by the
// simulator so one is caught in flight): all 50 complete on the last runner standing, exactly 50
// submits in the journal, each file whole and written once, and `status` answers from every
// surviving process (the runner's and the client's stdin, and a one-shot `bin.js status`).
//
// The moments of the kills are chosen from what the runners log (`OPENROUTER_WORKFLOW_LOG_LEVEL=Info`:
// each poll and download), never from elapsed time; the waits have generous guards only. The test
// creates its own database and drops it; it is skipped when no server answers.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { KEY, outputDir } from "./helpers.js"
import { admin, available, BIN, databaseUrl, spawnBin, until, type Child } from "./postgres.js"

const BYTES = 200_000
const JOBS = 50
const DATABASE = `openrouter_workflow_fleet_${process.pid}`

let sim: Server.Running
let url = ""
const children: Array<Child> = []
beforeAll(async () => {
  if (!available) return
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b)`)
  // Long enough that every job is still processing when the first runner is killed (checked below).
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 15_000, videoBytes: BYTES })
  // Every download waits 4 s before its first byte: the second kill catches one in flight.
  sim.faults.add("GET /videos/:id/content", { kind: "latency", ms: 4_000 }, 1_000)
  await admin(`DROP DATABASE IF EXISTS ${DATABASE}`, `CREATE DATABASE ${DATABASE}`)
  url = databaseUrl(DATABASE)
})
afterAll(async () => {
  for (const child of children) child.kill()
  await Promise.all(children.map((child) => child.done))
  await sim?.close()
  if (available) await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)
})

const env = (port?: number): Record<string, string> => ({
  OPENROUTER_WORKFLOW_DB: url,
  OPENROUTER_API_KEY: KEY,
  OPENROUTER_BASE_URL: sim.baseUrl,
  OPENROUTER_VIDEO_POLL_MS: "1000",
  OPENROUTER_WORKFLOW_LOG_LEVEL: "Info",
  // @effect/cluster's settings: a dead runner's heartbeat expires in 10 s (default 35 s), the
  // runners check each other every 2 s (default 1 min).
  SHARD_LOCK_REFRESH_INTERVAL: "2 seconds",
  SHARD_LOCK_EXPIRATION: "10 seconds",
  RUNNER_HEALTH_CHECK_INTERVAL: "2 seconds",
  ...(port !== undefined ? { PORT: String(port) } : {})
})

/** The execution ids a runner logged for a step (`poll`, `download started`, `download written`). */
const logged = (child: Child, step: "poll" | "download started" | "download written"): Set<string> => {
  const pattern = step === "poll" ? /poll \d+ (\S+) / : new RegExp(`${step} (\\S+) `)
  const ids = new Set<string>()
  for (const line of child.stderr().split("\n")) {
    const match = pattern.exec(line)
    if (match !== null) ids.add(match[1]!)
  }
  return ids
}

const writes = (child: Child) => child.stderr().split("\n").filter((line) => /download written \S+ /.test(line))

describe.skipIf(!available)("a fleet: three runners on PostgreSQL, 50 jobs from a fourth process", () => {
  it("one runner killed mid-poll, another mid-download: all complete, 50 submits, each file whole and written once; status from every survivor", { timeout: 400_000 }, async () => {
    const out = join(outputDir("fleet"), "videos")
    const runners = [34631, 34632, 34633].map((port) => spawnBin(["worker"], env(port)))
    children.push(...runners)
    // All three registered, and every shard locked (advisory locks on PostgreSQL), before the jobs start.
    await until("three runners holding the shards", async () => {
      // (the table appears with the first runner)
      const rows = await admin<{ readonly runners: string; readonly locks: string }>(
        `SELECT (SELECT count(*) FROM cluster_runners WHERE healthy) AS runners,
                (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = '${DATABASE}')) AS locks`,
        { database: DATABASE }
      ).catch(() => [])
      const dead = runners.find((runner) => !runner.running())
      if (dead !== undefined) throw new Error(`a runner ended: ${dead.stderr()}`)
      return Number(rows[0]?.runners) === 3 && Number(rows[0]?.locks) >= 300
    }, 90_000)

    const client = spawnBin(["client"], env())
    children.push(client)
    for (let i = 0; i < JOBS; i++) client.send(`start fleet-${i} ${out} a lighthouse at dusk, take ${i}`)
    await until("50 executions started", () => client.lines().filter((line) => line.command === "start").length === JOBS, 90_000)
    const started = client.lines().filter((line) => line.command === "start")
    expect(started.every((line) => typeof line.executionId === "string")).toBe(true)
    const ids = started.map((line) => line.executionId as string)
    expect(new Set(ids).size).toBe(JOBS)

    // Kill 1: once every job has been submitted and polled at least once (so every submit's answer
    // is recorded), a runner that is polling some of them.
    const [a, b, c] = runners as [Child, Child, Child]
    const polling = () => new Set(runners.flatMap((runner) => [...logged(runner, "poll")]))
    await until("every job polled", () => ids.every((id) => polling().has(id)), 120_000)
    const victim1 = await until("a runner polling a job it has not begun to download", () =>
      [a, b, c].find((runner) => {
        const downloading = logged(runner, "download started")
        return [...logged(runner, "poll")].some((id) => !downloading.has(id))
      }), 60_000)
    victim1.kill()
    expect((await victim1.done).signal).toBe("SIGKILL")
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(JOBS)
    // Killed mid-poll: it polled jobs whose download it had not begun. (Whether another runner's
    // downloads had begun by then depends on how busy the machine is: not asserted.)
    const polledByVictim1 = logged(victim1, "poll")
    const downloadingByVictim1 = logged(victim1, "download started")
    expect([...polledByVictim1].filter((id) => !downloadingByVictim1.has(id)).length).toBeGreaterThan(0)

    // Kill 2: a surviving runner caught with a download begun and not written.
    const survivors = runners.filter((runner) => runner !== victim1)
    let caught: string | undefined
    const victim2 = await until("a download in flight", () =>
      survivors.find((runner) => {
        const written = logged(runner, "download written")
        caught = [...logged(runner, "download started")].find((id) => !written.has(id))
        return caught !== undefined
      }), 120_000)
    victim2.kill()
    expect((await victim2.done).signal).toBe("SIGKILL")
    const last = survivors.find((runner) => runner !== victim2)!

    // While the last runner takes over, every surviving process answers where a job stands.
    last.send(`status ${caught}`)
    client.send(`status ${caught}`)
    await until("status from the runner and the client", () =>
      last.lines().some((line) => line.command === "status") && client.lines().some((line) => line.command === "status"), 60_000)
    for (const answer of [last, client].map((child) => child.lines().find((line) => line.command === "status")!)) {
      expect(answer).toMatchObject({ executionId: caught, submit: { state: "Answered" } })
      expect(["Running", "Suspended", "Completed"]).toContain(answer.state)
    }

    // All 50 complete (the client waits on each).
    for (const id of ids) client.send(`wait ${id}`)
    await until("50 outcomes", () => client.lines().filter((line) => line.command === "wait").length === JOBS, 180_000)
    const outcomes = client.lines().filter((line) => line.command === "wait")
    expect(outcomes.filter((line) => line.state !== "Completed")).toEqual([])
    expect(new Set(outcomes.map((line) => line.executionId))).toEqual(new Set(ids))

    // Exactly 50 submits: no job was sent twice, though two runners died with jobs on them.
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(JOBS)
    // Each file whole, alone (no partial file left), and written once across all runners.
    expect(readdirSync(out).sort()).toEqual(ids.map((id) => `video-${id}.mp4`).sort())
    for (const line of outcomes) {
      expect(line.outcome.outputs).toHaveLength(1)
      expect(line.outcome.outputs[0].size).toBe(BYTES)
      expect(statSync(line.outcome.outputs[0].path).size).toBe(BYTES)
    }
    const written = runners.flatMap(writes).map((line) => /download written (\S+) /.exec(line)![1])
    expect(written.sort()).toEqual([...ids].sort())
    // The jobs of both dead runners were finished elsewhere: the download caught in flight by the last one.
    expect(logged(last, "download written").has(caught!)).toBe(true)
    const writtenBy = (child: Child) => logged(child, "download written")
    expect(writtenBy(victim1).size).toBe(0)
    expect([...polledByVictim1].every((id) => writtenBy(victim2).has(id) || writtenBy(last).has(id))).toBe(true)

    // status from every surviving process: the runner, the client, and a one-shot client process.
    const sample = [ids[0]!, caught!, [...polledByVictim1][0]!]
    for (const id of sample) {
      last.send(`status ${id}`)
      client.send(`status ${id}`)
    }
    const answered = (child: Child) => child.lines().filter((line) => line.command === "status" && line.state === "Completed")
    await until("status answers", () => answered(last).length >= sample.length && answered(client).length >= sample.length, 60_000)
    const byId = new Map(outcomes.map((line) => [line.executionId, line.outcome]))
    for (const child of [last, client]) {
      for (const id of sample) {
        expect(answered(child).find((line) => line.executionId === id)?.outcome).toEqual(byId.get(id))
      }
    }
    const oneShot = spawnBin(["status", caught!], env())
    const shot = await oneShot.done
    expect(shot.code, shot.stderr).toBe(0)
    expect(JSON.parse(shot.stdout)).toMatchObject({ executionId: caught, state: "Completed", outcome: byId.get(caught) })
    // Status reads only: not one request more to OpenRouter.
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(JOBS)
  })
})
