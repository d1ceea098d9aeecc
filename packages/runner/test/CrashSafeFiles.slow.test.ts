// Crash-safe files (issue 10, reliability):
//   (a) config writes (ConfigFile.save, behind onboard and models set) over a FileSystem that fails
//       or is interrupted during the backup, during the write, or between the write and the
//       rename: the config and its backup are byte-identical to before, no temporary file is left,
//       and nothing partial ever carries a final name; the same through the CLI's commands;
//   (b) child processes SIGKILLed at those moments, and while saving in a loop;
//   (c) a video download SIGKILLed mid-body: nothing under the final name, and a resume (CLI, then
//       library) completes the job's recorded output with the right size and bytes, replacing its
//       stale partial file (issue 17, defect 13), never downloading a second copy.
import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Exit, Fiber, Layer } from "effect"
import JSON5 from "json5"
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Cli from "../src/Cli.js"
import * as ConfigFile from "../src/ConfigFile.js"

const testDir = dirname(fileURLToPath(import.meta.url))
const runnerDir = join(testDir, "..")
const KEY = "sk-or-v1-crash-test-0000000000000000000000000000wxyz"
const FIXTURE_KEY = "sk-or-v1-crash-fixture-00000000000000000000000000"

const OLD = `{
  // the user's config, exactly as they wrote it
  gateway: { port: 18789 },
  env: { OPENROUTER_API_KEY: "sk-or-v1-old-key-000000000000000000000000" },
  agents: { defaults: { model: { primary: "openrouter/moonshotai/kimi-k2.6" } } },
}
`
const OLD_BAK = `{ gateway: { port: 1 } }\n`

/** A directory with a config (and a backup from an earlier save). */
const place = () => {
  const dir = mkdtempSync(join(tmpdir(), "ore-crash-"))
  const file = join(dir, "openclaw.json")
  writeFileSync(file, OLD, { mode: 0o600 })
  writeFileSync(`${file}.bak`, OLD_BAK, { mode: 0o600 })
  return { dir, file }
}

/**
 * The config is exactly as before; the backup is as before (`bak: "old"`) or a complete copy of
 * the config (`"config"`, once the backup step has finished); nothing else is in the directory,
 * or only temporary files (`leftovers: "temporary-only"`, after a crash).
 */
const expectUntouched = (at: { readonly dir: string; readonly file: string }, bak: "old" | "config", leftovers: "none" | "temporary-only") => {
  expect(readFileSync(at.file, "utf8")).toBe(OLD)
  expect(readFileSync(`${at.file}.bak`, "utf8")).toBe(bak === "old" ? OLD_BAK : OLD)
  const others = readdirSync(at.dir).filter((name) => name !== "openclaw.json" && name !== "openclaw.json.bak")
  if (leftovers === "none") expect(others).toEqual([])
  else for (const name of others) expect(name).toMatch(/^openclaw\.json(\.bak)?\.[0-9a-f]{16}\.tmp$/)
}

const NEW_DOCUMENT = { gateway: { port: 18789 }, env: { OPENROUTER_API_KEY: KEY }, agents: { defaults: { model: { primary: "openrouter/auto" } } } }

// ---- (a) in-process, over a FileSystem that fails or hangs ----

type Stage = "backup" | "write" | "chmod" | "rename"
type How = "fail" | "interrupt"

/**
 * NodeFileSystem with one step of a save sabotaged. The backup copy and the write first put half
 * their bytes on disk; then each sabotaged step fails (a full disk, say) or never finishes (to be
 * interrupted). `hits` counts how often the sabotage ran.
 */
const sabotaged = (stage: Stage, how: How) => {
  const hits = { count: 0 }
  const stop = (method: string, path: string) =>
    Effect.suspend(() => {
      hits.count++
      return how === "fail"
        ? Effect.fail(new SystemError({ reason: "WriteZero", module: "FileSystem", method, pathOrDescriptor: path, description: "sabotaged" }))
        : Effect.never
    })
  const layer = Layer.effect(
    FileSystem.FileSystem,
    Effect.map(FileSystem.FileSystem, (fs): FileSystem.FileSystem => ({
      ...fs,
      // The backup is written from the bytes read, to its own exclusive temporary name.
      writeFile: (path, data, options) =>
        stage === "backup" && path.includes(".bak.")
          ? fs.writeFile(path, data.subarray(0, data.length >> 1), options).pipe(Effect.zipRight(stop("writeFile", path)))
          : fs.writeFile(path, data, options),
      writeFileString: (path, data, options) =>
        stage === "write"
          ? fs.writeFileString(path, data.slice(0, data.length >> 1), options).pipe(Effect.zipRight(stop("writeFile", path)))
          : fs.writeFileString(path, data, options),
      // chmod and rename: only the steps of the config itself, after its backup
      chmod: (path, mode) => (stage === "chmod" && !path.includes(".bak") ? stop("chmod", path) : fs.chmod(path, mode)),
      rename: (from, to) => (stage === "rename" && !to.endsWith(".bak") ? stop("rename", from) : fs.rename(from, to))
    }))
  ).pipe(Layer.provide(NodeFileSystem.layer))
  return { hits, layer }
}

/** Runs `effect` until the sabotage is reached, then interrupts it (bounded wait). */
const interruptAtSabotage = <A, E>(effect: Effect.Effect<A, E>, hits: { readonly count: number }) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 2000 && hits.count === 0; i++) yield* Effect.sleep("5 millis")
    expect(hits.count).toBe(1)
    return yield* Fiber.interrupt(fiber)
  })

describe("(a) config writes over a failing or interrupted FileSystem", () => {
  const stages: ReadonlyArray<Stage> = ["backup", "write", "chmod", "rename"]
  for (const stage of stages) {
    for (const how of ["fail", "interrupt"] as const) {
      it.live(`${how} during ${stage}: the config and its backup are intact, no temporary is left`, () =>
        Effect.gen(function*() {
          const at = place()
          const sabotage = sabotaged(stage, how)
          const save = ConfigFile.save(at.file, NEW_DOCUMENT).pipe(Effect.provide(sabotage.layer))
          const exit = how === "fail" ? yield* Effect.exit(save) : yield* interruptAtSabotage(save, sabotage.hits)
          expect(sabotage.hits.count).toBe(1)
          if (how === "fail") {
            expect(exit).toMatchObject({ _tag: "Failure" })
            expect(Exit.isFailure(exit) && exit.cause.toString()).toContain("cannot write the config file")
          } else {
            expect(Exit.isInterrupted(exit)).toBe(true)
          }
          expectUntouched(at, stage === "backup" ? "old" : "config", "none")
        }))
    }
  }

  it.live("a save that is not sabotaged replaces both: the config complete, the backup the previous config, 0600", () =>
    Effect.gen(function*() {
      const at = place()
      yield* ConfigFile.save(at.file, NEW_DOCUMENT).pipe(Effect.provide(NodeFileSystem.layer))
      expect(JSON5.parse(readFileSync(at.file, "utf8"))).toEqual(NEW_DOCUMENT)
      expect(readFileSync(`${at.file}.bak`, "utf8")).toBe(OLD)
      expect(statSync(at.file).mode & 0o777).toBe(0o600)
      expect(statSync(`${at.file}.bak`).mode & 0o777).toBe(0o600)
      expect(readdirSync(at.dir).sort()).toEqual(["openclaw.json", "openclaw.json.bak"])
    }))

  it.live("onboard and models set through the CLI: a failed write exits non-zero and changes nothing", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [Stage, ReadonlyArray<string>]> = [
        ["rename", ["onboard", "--auth-choice", "openrouter-api-key", "--openrouter-api-key", KEY]],
        ["write", ["models", "set", "openrouter/moonshotai/kimi-k2.5"]],
        ["backup", ["models", "set", "openrouter/auto"]]
      ]
      for (const [stage, argv] of cases) {
        const at = place()
        const sabotage = sabotaged(stage, "fail")
        const code = yield* Cli.run(["--config", at.file, ...argv], Layer.mergeAll(NodeContext.layer, sabotage.layer), NodeHttpClient.layerUndici)
        expect(sabotage.hits.count, argv.join(" ")).toBe(1)
        expect(code, argv.join(" ")).toBe(2)
        expectUntouched(at, stage === "backup" ? "old" : "config", "none")
      }
    }))
})

// ---- child processes, SIGKILLed ----

interface Child {
  readonly lines: Array<string>
  /** Resolves with the first line matching, or undefined when the child exits first. */
  readonly waitFor: (pattern: RegExp) => Promise<string | undefined>
  readonly kill: () => Promise<NodeJS.Signals | null>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }>
}

const fixture = (args: ReadonlyArray<string>): Child => {
  const child = spawn(process.execPath, [join(testDir, "..", "build", "fixtures", "crash-writer.mjs"), ...args], {
    cwd: runnerDir,
    stdio: ["ignore", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  const waiting: Array<{ readonly pattern: RegExp; readonly resolve: (line: string | undefined) => void }> = []
  let buffered = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString()
    const parts = buffered.split("\n")
    buffered = parts.pop() ?? ""
    for (const line of parts) {
      lines.push(line)
      for (const waiter of [...waiting]) {
        if (waiter.pattern.test(line)) {
          waiting.splice(waiting.indexOf(waiter), 1)
          waiter.resolve(line)
        }
      }
    }
  })
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  // A guard, not an assertion: a child that hangs is killed and its test fails on what it lacks.
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(guard)
      for (const waiter of waiting.splice(0)) waiter.resolve(undefined)
      resolve({ code, signal, stderr })
    })
  )
  return {
    lines,
    waitFor: (pattern) => {
      const seen = lines.find((line) => pattern.test(line))
      if (seen !== undefined) return Promise.resolve(seen)
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(undefined)
      return new Promise((resolve) => waiting.push({ pattern, resolve }))
    },
    kill: async () => {
      child.kill("SIGKILL")
      return (await exited).signal
    },
    exited
  }
}

/** A config written by the fixture's loop: complete, every alias from the same save. */
const expectCompleteLoopDocument = (text: string) => {
  const document = JSON5.parse(text) as { agents: { defaults: { models: Record<string, { alias: string }> } } }
  const aliases = Object.values(document.agents.defaults.models).map((model) => model.alias)
  expect(aliases).toHaveLength(2000)
  const label = aliases[0]?.split("-")[0]
  expect(["odd", "even"]).toContain(label)
  expect(aliases.every((alias, i) => alias === `${label}-${i}`)).toBe(true)
}

describe("(b) a process killed while saving the config", () => {
  for (const stage of ["mid-backup", "mid-write", "before-rename"] as const) {
    it(`SIGKILL ${stage}: the config is byte-identical, the partial file is only ever a temporary`, async () => {
      const at = place()
      const child = fixture(["config-pause", at.file, stage])
      expect(await child.waitFor(new RegExp(`^PAUSED ${stage}$`)), (await Promise.race([child.exited, Promise.resolve(undefined)]))?.stderr).toBe(`PAUSED ${stage}`)
      expect(await child.kill()).toBe("SIGKILL")
      expectUntouched(at, stage === "mid-backup" ? "old" : "config", "temporary-only")
      const temporaries = readdirSync(at.dir).filter((name) => name.endsWith(".tmp"))
      // The kill did land mid-way: half a file sits under a temporary name.
      if (stage !== "before-rename") expect(temporaries).toHaveLength(1)
      // The next save works and replaces the config whole.
      await Effect.runPromise(ConfigFile.save(at.file, NEW_DOCUMENT).pipe(Effect.provide(NodeFileSystem.layer)))
      expect(JSON5.parse(readFileSync(at.file, "utf8"))).toEqual(NEW_DOCUMENT)
    }, 60_000)
  }

  it("SIGKILL at arbitrary moments of a save loop: the config and its backup always parse, complete", async () => {
    for (const after of [2, 5, 9]) {
      const at = place()
      const child = fixture(["config-loop", at.file])
      expect(await child.waitFor(new RegExp(`^SAVED ${after}$`))).toBe(`SAVED ${after}`)
      expect(await child.kill()).toBe("SIGKILL")
      expectCompleteLoopDocument(readFileSync(at.file, "utf8"))
      expectCompleteLoopDocument(readFileSync(`${at.file}.bak`, "utf8"))
      for (const name of readdirSync(at.dir)) expect(name).toMatch(/^openclaw\.json(\.bak)?(\.[0-9a-f]{16}\.tmp)?$/)
    }
  }, 90_000)
})

// ---- (c) a video download killed mid-body ----

const VIDEO_BYTES = 4_000_000
let sim: Server.Running
beforeAll(async () => {
  // No CDN origin: the downloads come from the content endpoint on the API origin (this test is
  // about kills and resumes, not about which hosts media may come from).
  sim = await Server.start({ apiKeys: [FIXTURE_KEY], cdn: false, videoProcessingMs: 300, videoBytes: VIDEO_BYTES })
})
afterAll(() => sim.close())

describe("(c) a video download killed mid-body", () => {
  it("leaves nothing under the final name; `video resume` finishes the recorded output (its partial replaced), a second resume keeps it", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "ore-crash-state-"))
    const outDir = mkdtempSync(join(tmpdir(), "ore-crash-video-"))
    const output = join(outDir, "video.mp4")
    // 20 ms after each chunk of the body: a slow network, so the kill lands mid-download.
    const child = fixture(["video-generate", sim.baseUrl, stateDir, output, "20"])
    const submitted = await child.waitFor(/^SUBMITTED /)
    const jobId = submitted?.split(" ")[1] ?? ""
    expect(jobId, (await Promise.race([child.exited, Promise.resolve(undefined)]))?.stderr).not.toBe("")
    const partialOf = () => readdirSync(outDir).find((name) => name.endsWith(".partial"))
    // Bounded wait for some bytes to arrive in the temporary file.
    let grown = 0
    for (let i = 0; i < 1500 && grown < 256 * 1024 && child.lines.every((line) => !line.startsWith("DONE")); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      const partial = partialOf()
      grown = partial !== undefined ? statSync(join(outDir, partial)).size : 0
    }
    expect(grown).toBeGreaterThanOrEqual(256 * 1024)
    expect(await child.kill()).toBe("SIGKILL")
    expect(child.lines.some((line) => line.startsWith("DONE"))).toBe(false)

    // Nothing under the final name; the partial download is under its own name, short: the
    // output's name and a digest of the job id (of bounded length, whatever the id).
    expect(existsSync(output)).toBe(false)
    const partial = partialOf()
    expect(partial).toBe(`video.mp4.${createHash("sha256").update(jobId).digest("hex").slice(0, 16)}.partial`)
    expect(statSync(join(outDir, partial ?? "")).size).toBeLessThan(VIDEO_BYTES)

    const expected = Buffer.from(await (await fetch(`${sim.baseUrl}/videos/${jobId}/content?index=0`, { headers: { authorization: `Bearer ${FIXTURE_KEY}` } })).arrayBuffer())
    expect(expected.length).toBe(VIDEO_BYTES)
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))
    const cli = (args: ReadonlyArray<string>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const process_ = spawn(process.execPath, ["bin/openrouter-effect.js", "--base-url", sim.baseUrl, "video", "resume", jobId, ...args], {
          cwd: runnerDir,
          env: { ...clean, HOME: stateDir, OPENCLAW_STATE_DIR: stateDir, OPENROUTER_API_KEY: FIXTURE_KEY },
          stdio: ["ignore", "pipe", "pipe"]
        })
        let stdout = ""
        let stderr = ""
        process_.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
        process_.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
        process_.on("exit", (code) => resolve({ code, stdout, stderr }))
      })

    // Defect 13: `video resume JOB` (no --out, run from elsewhere) finishes the job's recorded
    // output and replaces its stale partial: the right bytes, nothing else left.
    const resumedByCli = await cli([])
    expect(resumedByCli.code, resumedByCli.stderr).toBe(0)
    expect(resumedByCli.stdout.trim()).toBe(output)
    expect(readFileSync(output).equals(expected)).toBe(true)
    expect(readdirSync(outDir)).toEqual(["video.mp4"])
    expect(existsSync(join(runnerDir, `video-${jobId}.mp4`))).toBe(false)
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)

    // A new process resuming the same job finds it downloaded: the same file, no second copy.
    const downloads = () => sim.journal.list({ method: "GET" }).filter((entry) => entry.path.includes("/content") || entry.path.endsWith(".mp4")).length
    const before = downloads()
    const resumed = fixture(["video-resume", sim.baseUrl, stateDir, output, jobId])
    expect(await resumed.waitFor(/^DONE /), (await resumed.exited).stderr).toBe(`DONE ${output} ${VIDEO_BYTES}`)
    expect((await resumed.exited).code).toBe(0)
    expect(downloads()).toBe(before)
    expect(readdirSync(outDir)).toEqual(["video.mp4"])

    // `--out DIR` puts it in DIR under the recorded file's name.
    const cliOut = join(outDir, "cli")
    const elsewhere = await cli(["--out", cliOut])
    expect(elsewhere.code, elsewhere.stderr).toBe(0)
    expect(elsewhere.stdout.trim()).toBe(join(cliOut, "video.mp4"))
    expect(readFileSync(join(cliOut, "video.mp4")).equals(expected)).toBe(true)
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
  }, 90_000)
})
