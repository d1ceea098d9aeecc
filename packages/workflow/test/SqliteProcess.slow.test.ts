// Embedded durability: the worker bin (the build output, as users run it) on a SQLite file, in a
// child process, killed with SIGKILL while it polls, then started again: the job completes, one
// submit in the simulator's journal, the file whole. Next to the runner, `status` and `wait` from
// client-only processes on the same file.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { KEY, outputDir } from "./helpers.js"
import { BIN, exited, spawnBin, until } from "./processes.js"
import { VideoWorkflow } from "@openrouter-effect/workflow"
import { Effect } from "effect"

const BYTES = 300_000

let sim: Server.Running
beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b)`)
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: 2500, videoBytes: BYTES })
})
afterAll(() => sim?.close())

const runBin = (args: ReadonlyArray<string>, db: string) =>
  spawnBin(args, {
    OPENROUTER_WORKFLOW_DB: `sqlite:${db}`,
    OPENROUTER_API_KEY: KEY,
    OPENROUTER_BASE_URL: sim.baseUrl,
    OPENROUTER_VIDEO_POLL_MS: "250",
    OPENROUTER_WORKFLOW_LOG_LEVEL: "Info"
  })

const polls = () => sim.journal.list({ method: "GET" }).filter((entry) => /^\/videos\/[^/]+$/.test(entry.path) && entry.path !== "/videos/models")

describe("SingleRunner on SQLite in a child process", () => {
  it("SIGKILL mid-poll, restart: the job completes, one submit, the file whole", async () => {
    const dir = outputDir("sqlite")
    const db = join(dir, "workflows.db")
    const out = join(dir, "videos")
    const args = ["run", "sigkill-mid-poll", out, "a lighthouse at dusk"]

    const executionId = await Effect.runPromise(
      VideoWorkflow.VideoWorkflow.executionId({ key: "sigkill-mid-poll", prompt: "a lighthouse at dusk", output: { _tag: "Directory", path: out } })
    )
    const first = runBin(args, db)
    await until("two polls", () => polls().length >= 2)
    first.kill()
    const killed = await first.done
    expect(killed.signal).toBe("SIGKILL")
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
    const pollsBefore = polls().length

    const second = runBin(args, db)
    // Next to the runner, a client-only process answers where the job stands (it reads the
    // file; it takes no shard and runs nothing: still one submit below).
    const during = JSON.parse((await exited(runBin(["status", executionId], db), "status during the run")).stdout)
    expect(during.executionId).toBe(executionId)
    expect(["Running", "Suspended", "Completed"]).toContain(during.state)
    expect(during.submit).toMatchObject({ state: "Answered", jobId: expect.any(String) })
    const ended = await exited(second, "the restarted runner", 90_000)
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
    const third = await exited(runBin(args, db), "the third start")
    expect(JSON.parse(third.stdout.trim().split("\n").pop()!)).toEqual(line)
    expect(sim.journal.list().length).toBe(requests)

    // status and wait from a client-only process: the recorded outcome; an unknown id is Unknown.
    const status = JSON.parse((await exited(runBin(["status", executionId], db), "status")).stdout)
    expect(status).toMatchObject({ executionId, state: "Completed", outcome: line.value, submit: { state: "Answered", model: expect.any(String) } })
    const waited = await exited(runBin(["wait", executionId], db), "wait")
    expect(waited.code, waited.stderr).toBe(0)
    expect(JSON.parse(waited.stdout)).toEqual(status)
    const unknown = JSON.parse((await exited(runBin(["status", "no-such-execution"], db), "status of an unknown id")).stdout)
    expect(unknown).toEqual({ executionId: "no-such-execution", state: "Unknown" })
    expect(sim.journal.list().length).toBe(requests)
  })
})

describe("a worker on a SQLite file and clients beside it", () => {
  it("a second runner is refused; a client's start is run by the worker; a quoted directory keeps its spaces", async () => {
    const dir = outputDir("sqlite-clients")
    const db = join(dir, "workflows.db")
    const out = join(dir, "my videos")
    const worker = runBin(["worker"], db)
    try {
      // "started" is printed once the engine is built: the file is claimed by then.
      await until("the worker", () => worker.lines().some((line) => line["worker"] === "started"))
      const postsBefore = sim.journal.list({ method: "POST", path: "/videos" }).length
      const second = await exited(runBin(["worker"], db), "a second worker")
      expect(second.code).toBe(1)
      expect(second.stderr).toContain("RunnerLockHeld")
      expect(second.stderr).toContain(`is run by process ${worker.pid}`)

      // A one-shot start beside the worker is a client: it stores the start and exits; the worker runs it.
      const started = await exited(runBin(["start", "beside-the-worker", out, "a", "lighthouse"], db), "start")
      expect(started.code, started.stderr).toBe(0)
      const { executionId } = JSON.parse(started.stdout)
      // And a start on the worker's stdin, its directory quoted.
      worker.send(`start on-stdin "${out}" a harbour at night`)
      const onStdin = await until("the stdin start", () => worker.lines().find((line) => line["command"] === "start"))
      const waited = await exited(runBin(["wait", executionId], db), "wait", 90_000)
      expect(waited.code, waited.stderr).toBe(0)
      expect(JSON.parse(waited.stdout)).toMatchObject({ executionId, state: "Completed" })
      worker.send(`wait ${onStdin["executionId"]}`)
      const done = await until("the stdin job", () => worker.lines().find((line) => line["command"] === "wait"), 90_000)
      expect(done["state"]).toBe("Completed")
      expect(done["outcome"].outputs[0].path.startsWith(`${out}/`)).toBe(true)
      expect(readdirSync(out)).toHaveLength(2)
      // One submit per job, both by the worker.
      expect(sim.journal.list({ method: "POST", path: "/videos" }).length - postsBefore).toBe(2)
    } finally {
      worker.kill()
    }
  })
})

describe("killed with the submit on the wire", () => {
  it("SIGKILL while POST /videos waits for its answer; the restart does not POST again: SubmitOutcomeUnknown", async () => {
    const dir = outputDir("sqlite-mid-post")
    const db = join(dir, "workflows.db")
    const out = join(dir, "videos")
    const args = ["run", "killed-mid-post", out, "a lighthouse at dusk"]
    const posts = () => sim.journal.list({ method: "POST", path: "/videos" }).length
    const before = posts()
    // The answer to the next submit is held back 10 s: the runner is killed while it waits.
    sim.faults.add("POST /videos", { kind: "latency", ms: 10_000 })
    const first = runBin(args, db)
    await until("the POST on the wire", () => posts() === before + 1 && first.stderr().includes("submit sending"))
    first.kill()
    expect((await first.done).signal).toBe("SIGKILL")

    const second = await exited(runBin(args, db), "the restart")
    const line = JSON.parse(second.stdout.trim().split("\n").pop()!)
    expect(line.outcome).toBe("failure")
    expect(JSON.stringify(line.error)).toContain("SubmitOutcomeUnknown")
    // Nothing was sent again; the status says why it stopped.
    expect(posts()).toBe(before + 1)
    const executionId = await Effect.runPromise(
      VideoWorkflow.VideoWorkflow.executionId({ key: "killed-mid-post", prompt: "a lighthouse at dusk", output: { _tag: "Directory", path: out } })
    )
    const status = JSON.parse((await exited(runBin(["status", executionId], db), "status")).stdout)
    expect(status).toMatchObject({ executionId, state: "Failed", submit: { state: "InFlight" } })
    expect(JSON.stringify(status.error)).toContain("SubmitOutcomeUnknown")
  })
})
