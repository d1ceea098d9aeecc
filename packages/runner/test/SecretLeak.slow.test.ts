// Secret-leak scan (issue 10, reliability). A recognisable key is put in the environment and the
// config file, then:
//   (a) every CLI command runs as a child process against the simulator, succeeding, dry-running
//       and failing (401, 402, 500, a 500 that echoes the key, a reset, a client timeout, bad flags,
//       missing files): no 12-character window of the key's secret part may appear on stdout or
//       stderr, nor in any file the CLI writes beside the config itself;
//   (b) every client operation runs in-process, succeeding and failing, under a recording Tracer
//       and a Logger at LogLevel.All: the key is in no error message, String/JSON/inspect of an
//       error, Cause.pretty, span attribute/event/exit, or log line;
//   (c) what the simulators saw on origins other than the base URL's (the CDN, a foreign polling
//       origin, a redirect target) carries no Authorization header and no key anywhere.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Chat, Images, Models, OpenRouter, Speech, Videos } from "@openrouter-effect/client"
import { Secret } from "@openrouter-effect/core"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as Server from "@openrouter-effect/simulator/Server"
import type { Fault } from "@openrouter-effect/simulator/Types"
import { Cause, type Context, Effect, Exit, Layer, Logger, LogLevel, type Option, Schedule, Stream, Tracer } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { inspect } from "node:util"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")

// ---- the canary and the scanner ----

const SECRET = "LEAKCANARY" + "7c41e09b2fd35a86c1be470d93a25f6e08bd14c7a9e2f53d"
const KEY = `sk-or-v1-${SECRET}`
const MASKED = Secret.mask(KEY)
/** Any run of this many consecutive characters of the secret part is a leak. */
const WINDOW = 12
const windows = Array.from({ length: SECRET.length - WINDOW + 1 }, (_, i) => SECRET.slice(i, i + WINDOW))

/** The first window of the secret found in `text`, else undefined. */
const findLeak = (text: string): string | undefined => windows.find((window) => text.includes(window))

const expectClean = (what: string, text: string) => {
  const leak = findLeak(text)
  if (leak !== undefined) {
    const at = text.indexOf(leak)
    expect.fail(`${what} leaks the key (${JSON.stringify(leak)}) near: ${JSON.stringify(text.slice(Math.max(0, at - 120), at + 80))}`)
  }
}

describe("the scanner", () => {
  it("finds the whole key, any 12-character window of it, and a key inside JSON; passes the mask", () => {
    expect(SECRET).toHaveLength(58)
    expect(findLeak(`Authorization: Bearer ${KEY}`)).toBeDefined()
    expect(findLeak(JSON.stringify({ error: { message: `bad key ${KEY.slice(0, 30)}` } }))).toBeDefined()
    expect(findLeak(`…${SECRET.slice(30, 42)}…`)).toBeDefined()
    expect(findLeak(`tail ${SECRET.slice(-WINDOW)}`)).toBeDefined()
    expect(findLeak(SECRET.slice(5, 5 + WINDOW - 1))).toBeUndefined()
    expect(findLeak(`authorization: Bearer ${MASKED}`)).toBeUndefined()
    expect(MASKED).toBe(`sk-or-v1-…${KEY.slice(-4)}`)
    expect(() => expectClean("a sample", `x ${KEY} y`)).toThrow(/leaks the key/)
  })
})

// ---- simulators ----

const OTHER_KEY = "sk-or-v1-someone-else-0000000000000000000000000000"

/** An upstream that echoes the key back in its error body (a proxy, a misbehaving provider). */
const echo = (status: number): Fault => ({
  kind: "status",
  status,
  body: {
    error: {
      code: status,
      message: `Invalid credentials: Authorization: Bearer ${KEY} was rejected (key ${KEY})`,
      metadata: { provider_name: "Echo", raw: JSON.stringify({ error: { received: `Bearer ${KEY}` } }), echoed: { header: `Bearer ${KEY}`, key: KEY } }
    }
  }
})

let main: Server.Running // accepts KEY; CDN on; public base URL https://openrouter.ai/api/v1 (reached through connectTo)
let custom: Server.Running // accepts KEY; CDN on; used as a custom base URL (another origin than the CDN)
let rejecting: Server.Running // accepts only another key: every authenticated request is a 401
let faulty: Server.Running // faults scheduled per case
let foreign: Server.Running // the origin a foreign polling_url points at
let pointing: Server.Running // answers polling_urls on `foreign`
// Each answers every request with its fault.
let failing: { readonly credits: Server.Running; readonly upstream: Server.Running; readonly echo: Server.Running; readonly reset: Server.Running; readonly slow: Server.Running }
let all: ReadonlyArray<Server.Running> = []

const always = async (fault: Fault) => {
  const sim = await Server.start({ apiKeys: [KEY] })
  sim.faults.add("*", fault, 1_000_000)
  return sim
}

beforeAll(async () => {
  main = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1", cdn: true, videoProcessingMs: 300, videoBytes: 40_000 })
  custom = await Server.start({ apiKeys: [KEY], cdn: true, videoProcessingMs: 300, videoBytes: 40_000 })
  rejecting = await Server.start({ apiKeys: [OTHER_KEY] })
  faulty = await Server.start({ apiKeys: [KEY], cdn: true, videoProcessingMs: 200, videoBytes: 20_000 })
  foreign = await Server.start({ apiKeys: [KEY] })
  pointing = await Server.start({ apiKeys: [KEY], publicBaseUrl: foreign.baseUrl, videoProcessingMs: 200, videoBytes: 20_000 })
  failing = {
    credits: await always(Faults.insufficientCredits()),
    upstream: await always(Faults.upstream(500)),
    echo: await always(echo(502)),
    reset: await always({ kind: "reset", when: "before-headers" }),
    slow: await always({ kind: "latency", ms: 1500 })
  }
  all = [main, custom, rejecting, faulty, foreign, pointing, ...Object.values(failing)]
})
afterAll(async () => {
  await Promise.all(all.map((sim) => sim.close()))
})

// ---- (a) the CLI as child processes ----

interface Run {
  readonly args: ReadonlyArray<string>
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))

/** A home of its own: state dir, config file (`{}`, or with the key), and the key in the environment unless told. */
const home = (config: "empty" | "key" | "provider-key" | string = "empty") => {
  const dir = mkdtempSync(join(tmpdir(), "ore-leak-"))
  const file = join(dir, "openclaw.json")
  const text = config === "empty"
    ? "{}"
    : config === "key"
    ? `{ env: { OPENROUTER_API_KEY: "${KEY}" } }`
    : config === "provider-key"
    ? `{ models: { providers: { openrouter: { auth: "api-key", apiKey: "${KEY}" } } } }`
    : config
  writeFileSync(file, text)
  return { dir, file }
}

const cli = (
  place: { readonly dir: string; readonly file: string },
  args: ReadonlyArray<string>,
  env: Record<string, string> = { OPENROUTER_API_KEY: KEY }
) =>
  new Promise<Run>((resolve) => {
    const child = spawn(process.execPath, ["bin/openrouter-effect.js", "--config", place.file, ...args], {
      cwd: runnerDir,
      env: { ...cleanEnv, HOME: place.dir, OPENCLAW_STATE_DIR: place.dir, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    // A guard, not an assertion: a hung child ends with code null and fails its exit-code check.
    const guard = setTimeout(() => child.kill("SIGKILL"), 45_000)
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("exit", (code) => {
      clearTimeout(guard)
      resolve({ args, code, stdout, stderr })
    })
  })

/** Every file under `dir` except the config and its backup (which hold the key by design). */
const writtenFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile() && !/openclaw\.json(\.bak)?$/.test(path))

const via = (sim: Server.Running) => ["--connect-to", `127.0.0.1:${sim.port}`]

type Case = () => Promise<ReadonlyArray<Run>>

/** A case's failed expectations, kept so one failing case does not leave the others running unchecked. */
const problems: Array<string> = []

/** Runs the cases a few at a time. */
const pool = async (cases: ReadonlyArray<Case>, width: number): Promise<ReadonlyArray<Run>> => {
  const out: Array<Run> = []
  let next = 0
  const worker = async () => {
    while (next < cases.length) {
      const index = next++
      try {
        out.push(...(await cases[index]!()))
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error))
      }
    }
  }
  await Promise.all(Array.from({ length: width }, worker))
  return out
}

const expectCode = (run: Run, code: number) => {
  if (run.code !== code) expect.fail(`${run.args.join(" ")} exited ${run.code}, expected ${code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`)
}

const dryRunOf = (run: Run) => {
  expectCode(run, 0)
  const out = JSON.parse(run.stdout) as { readonly headers: Record<string, string> }
  expect(out.headers.authorization).toBe(`Bearer ${MASKED}`)
  return run
}

describe("(a) the CLI never prints the key", () => {
  it("every command, succeeding, dry-running and failing, as child processes", async () => {
    const checked: Array<Run> = []
    const homes: Array<string> = []
    const track = (place: { readonly dir: string; readonly file: string }) => {
      homes.push(place.dir)
      return place
    }
    const one = (config: Parameters<typeof home>[0], args: ReadonlyArray<string>, code: number, env?: Record<string, string>, extra?: (run: Run) => void): Case =>
      async () => {
        const run = await cli(track(home(config)), args, env)
        expectCode(run, code)
        extra?.(run)
        return [run]
      }
    const noKey = {}
    const audio = join(mkdtempSync(join(tmpdir(), "ore-leak-audio-")), "hello.mp3")

    const cases: ReadonlyArray<Case> = [
      // configuration
      one("key", ["config", "show"], 0, noKey, (run) => expect(run.stdout).toContain(MASKED)),
      one("provider-key", [], 0, noKey, (run) => expect(run.stdout).toContain(MASKED)),
      async () => {
        // onboard (flag, then environment), models set, config show on the written file
        const place = track(home(`{ gateway: { port: 18789 } }`))
        const fromFlag = await cli(place, ["onboard", "--auth-choice", "openrouter-api-key", "--openrouter-api-key", KEY], noKey)
        expectCode(fromFlag, 0)
        expect(fromFlag.stdout).toContain(MASKED)
        expect(readFileSync(place.file, "utf8")).toContain(KEY)
        const set = await cli(place, ["models", "set", "openrouter/moonshotai/kimi-k2.6"], noKey)
        expectCode(set, 0)
        const show = await cli(place, ["config", "show"], noKey)
        expectCode(show, 0)
        const fromEnv = await cli(track(home()), ["onboard", "--auth-choice", "openrouter-api-key"])
        expectCode(fromEnv, 0)
        // a key in both: the warning about shadowing names no key
        const shadow = await cli(place, ["onboard", "--auth-choice", "openrouter-api-key", "--openrouter-api-key", KEY], { OPENROUTER_API_KEY: OTHER_KEY })
        expectCode(shadow, 0)
        expect(shadow.stderr).toContain("warning:")
        return [fromFlag, set, show, fromEnv, shadow]
      },
      one("key", [...via(main), "models", "list"], 0),
      one("empty", [...via(main), "models", "list", "--json"], 0),
      // operations, succeeding (verified route through connectTo, and a custom base URL)
      one("empty", [...via(main), "chat", "Say hello"], 0),
      one("key", [...via(main), "chat", "--no-stream", "--show-reasoning", "Say hello"], 0, noKey),
      one("empty", [...via(main), "chat", "--json", "Say hello"], 0),
      one("provider-key", ["--verbose", "--base-url", custom.baseUrl, "chat", "Say hello"], 0),
      async () => {
        const place = track(home())
        return [await cli(place, [...via(main), "image", "--count", "2", "--out", join(place.dir, "images"), "a cat"])]
      },
      async () => {
        // tts, then transcribe the file it wrote
        const place = track(home("key"))
        const tts = await cli(place, [...via(main), "tts", "Hello there", "--out", audio], noKey)
        expectCode(tts, 0)
        const transcribe = await cli(place, [...via(main), "transcribe", audio], noKey)
        expectCode(transcribe, 0)
        return [tts, transcribe]
      },
      async () => {
        // video (downloaded from the CDN origin, plain http on loopback: allowed by name in the
        // config's mediaHosts), jobs, resume
        const place = track(home(`{ models: { providers: { openrouter: { mediaHosts: ${JSON.stringify(main.mediaHosts)} } } } }`))
        const out = join(place.dir, "clips")
        const video = await cli(place, [...via(main), "video", "--duration", "4", "--out", out, "a cat"])
        expectCode(video, 0)
        const jobId = /submitted video job (\S+)/.exec(video.stderr)?.[1] ?? ""
        expect(jobId).not.toBe("")
        const jobs = await cli(place, ["video", "jobs"])
        expectCode(jobs, 0)
        expect(jobs.stdout).toContain(jobId)
        const resumed = await cli(place, [...via(main), "video", "resume", jobId, "--out", out])
        expectCode(resumed, 0)
        return [video, jobs, resumed]
      },
      // --dry-run: the Authorization header is masked
      one("key", ["chat", "--dry-run", "--model", "anthropic/claude-sonnet-4-6", "--thinking", "high", "hi"], 0, noKey, dryRunOf),
      one("empty", ["--base-url", "https://proxy.example.com/v1", "chat", "--dry-run", "hi"], 0, undefined, dryRunOf),
      one("provider-key", ["image", "--dry-run", "a cat"], 0, noKey, dryRunOf),
      one("empty", ["video", "--dry-run", "--duration", "4", "a cat"], 0, undefined, dryRunOf),
      one("key", ["tts", "--dry-run", "Hello"], 0, noKey, dryRunOf),
      // failing: the server says no
      one("empty", [...via(rejecting), "chat", "hi"], 1),
      one("key", [...via(rejecting), "--verbose", "chat", "--json", "hi"], 1, noKey),
      one("empty", [...via(rejecting), "--verbose", "image", "a cat"], 1),
      one("empty", [...via(rejecting), "--verbose", "video", "--duration", "4", "a cat"], 1),
      one("empty", [...via(rejecting), "--verbose", "tts", "Hello"], 1),
      async () => {
        const place = track(home())
        writeFileSync(join(place.dir, "a.mp3"), new Uint8Array([0xff, 0xfb, 0x90, 0x00, 1, 2, 3, 4]))
        return [await cli(place, [...via(rejecting), "--verbose", "transcribe", join(place.dir, "a.mp3")])]
      },
      // failing: 402, 500, an upstream echoing the key, a reset, a client timeout
      one("empty", [...via(failing.credits), "--verbose", "chat", "hi"], 1),
      one("key", [...via(failing.credits), "image", "a cat"], 1, noKey),
      one("empty", [...via(failing.upstream), "--verbose", "chat", "--no-stream", "hi"], 1),
      one("empty", [...via(failing.echo), "--verbose", "chat", "hi"], 1),
      one("empty", [...via(failing.echo), "chat", "--json", "hi"], 1),
      one("provider-key", [...via(failing.echo), "--verbose", "image", "a cat"], 1, noKey),
      one("empty", [...via(failing.echo), "--verbose", "tts", "Hello"], 1),
      one("empty", [...via(failing.echo), "--verbose", "video", "--duration", "4", "a cat"], 1),
      one("empty", [...via(failing.reset), "--verbose", "video", "--duration", "4", "a cat"], 1),
      one("empty", [...via(failing.slow), "--verbose", "image", "--timeout-ms", "300", "a cat"], 1),
      // failing before any request: bad flags, missing files, a key pasted where it does not belong
      one("empty", ["chat", "--no-such-flag", "hi"], 2),
      one("empty", ["chat", "--openrouter-api-key", KEY, "hi"], 2),
      one("empty", ["chat", "--dry-run", "--model", KEY, "hi"], 2),
      one("empty", ["--verbose", "transcribe", "/nonexistent/audio.mp3"], 2),
      one("empty", ["chat", "--messages", "/nonexistent/body.json"], 2),
      one("key", ["--verbose", "--base-url", "http://example.com/v1", "chat", "hi"], 2, noKey),
      one(`{ env: { OPENROUTER_API_KEY: "${KEY}" }, agents: { defaults: { model: { primary: "${KEY}" } } } }`, ["--verbose", "config", "show"], 2, noKey),
      one(`{ models: { providers: { openrouter: { apiKey: ["${KEY}"] } } } }`, ["config", "show"], 2, noKey),
      one(`{ env: { OPENROUTER_API_KEY: "${KEY}" }, oops }`, ["--verbose", "models", "set", "auto"], 2, noKey),
      one("empty", ["onboard", "--auth-choice", "openrouter-api-key"], 2, noKey),
      // the demo (its own fake key; ours is in the environment)
      one("empty", ["demo", "--out", join(mkdtempSync(join(tmpdir(), "ore-leak-demo-")), "out")], 0)
    ]

    const runs = await pool(cases, 3)
    checked.push(...runs)
    expect(problems).toEqual([])
    expect(checked.length).toBeGreaterThanOrEqual(50)
    for (const run of checked) {
      expectClean(`stdout of ${run.args.join(" ")}`, run.stdout)
      expectClean(`stderr of ${run.args.join(" ")}`, run.stderr)
    }
    for (const dir of homes) {
      for (const file of writtenFiles(dir)) expectClean(file, readFileSync(file).toString("latin1"))
    }
    expectClean("the transcribed audio", readFileSync(audio).toString("latin1"))
  }, 240_000)
})

// ---- (b) the client library in-process: errors, spans, logs ----

/** A span that keeps everything it is given. */
class RecordingSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId = "leak-scan"
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }> = []
  exit: Exit.Exit<unknown, unknown> | undefined
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    readonly options: Tracer.SpanOptions | undefined,
    id: number
  ) {
    this.spanId = `span-${id}`
    this.links = [...links]
    this.status = { _tag: "Started", startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    this.exit = exit
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
  /** What an exporter could send: name, attributes, events, links and, on failure, the cause. */
  exported(): string {
    const failure = this.exit !== undefined && Exit.isFailure(this.exit) ? [Cause.pretty(this.exit.cause), inspect(this.exit.cause, { depth: 10 }), JSON.stringify(this.exit.cause)] : []
    return [
      this.name,
      inspect(Object.fromEntries(this.attributes), { depth: 10 }),
      inspect(this.options?.attributes ?? {}, { depth: 10 }),
      inspect(this.events, { depth: 10 }),
      inspect(this.links.map((link) => link.attributes), { depth: 10 }),
      ...failure
    ].join("\n")
  }
}

const recorder = () => {
  const spans: Array<RecordingSpan> = []
  const lines: Array<string> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = new RecordingSpan(name, parent, context, links, startTime, kind, options, spans.length + 1)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  const capture = Logger.make((options) => {
    lines.push(Logger.stringLogger.log(options))
    lines.push(Logger.logfmtLogger.log(options))
    lines.push(inspect({ message: options.message, annotations: options.annotations, spans: options.spans }, { depth: 10 }))
    if (!Cause.isEmpty(options.cause)) lines.push(Cause.pretty(options.cause))
  })
  const layer = Layer.mergeAll(Layer.setTracer(tracer), Logger.replace(Logger.defaultLogger, capture), Logger.minimumLogLevel(LogLevel.All))
  return { spans, lines, layer }
}

type Services = Layer.Layer.Success<ReturnType<typeof OpenRouter.layerDocument>>

const AUDIO = new Uint8Array([0xff, 0xfb, 0x90, 0x00, 1, 2, 3, 4, 5, 6, 7, 8])
const quick = Schedule.spaced("50 millis")
const timeout = (timeoutMs: number | undefined) => (timeoutMs !== undefined ? { timeoutMs } : {})

/** The operations, each given a client-side timeout (for the timeout fault) or none. */
const operations = (outDir: string): ReadonlyArray<readonly [string, (timeoutMs: number | undefined) => Effect.Effect<unknown, unknown, Services>]> => [
  ["models.list", () => Effect.flatMap(Models.Models, (models) => models.list)],
  ["chat.complete", (timeoutMs) =>
    Effect.flatMap(Chat.Chat, (chat) => chat.complete({ messages: [{ role: "user", content: "hi" }] }, { ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}) }))],
  ["chat.stream", (timeoutMs) =>
    Effect.flatMap(Chat.Chat, (chat) =>
      Stream.runCollect(chat.stream({ messages: [{ role: "user", content: "hi" }] }, { ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}) })))],
  ["images.generate", (timeoutMs) => Effect.flatMap(Images.Images, (images) => images.generate({ prompt: "a cat", timeoutMs }))],
  ["speech.synthesize", (timeoutMs) => Effect.flatMap(Speech.Speech, (speech) => speech.synthesize({ text: "Hello", timeoutMs }))],
  ["speech.transcribe", (timeoutMs) => Effect.flatMap(Speech.Speech, (speech) => speech.transcribe({ audio: AUDIO, fileName: "a.mp3", timeoutMs }))],
  ["videos.generate (to a file)", (timeoutMs) =>
    Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "a cat", duration: 4, ...timeout(timeoutMs), schedule: quick, output: join(outDir, "video.mp4") }))],
  ["videos.generate (into memory)", (timeoutMs) =>
    Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "a cat", duration: 4, ...timeout(timeoutMs), schedule: quick }))]
]

interface Outcome {
  readonly label: string
  readonly exit: Exit.Exit<unknown, unknown>
  readonly spans: ReadonlyArray<RecordingSpan>
  readonly lines: ReadonlyArray<string>
}

/** Runs one operation against `sim` with the key in the environment, recording everything. */
const runOperation = (
  sim: Server.Running,
  label: string,
  operation: (timeoutMs: number | undefined) => Effect.Effect<unknown, unknown, Services>,
  timeoutMs: number | undefined,
  stateDir: string,
  // Media and poll URLs off the base URL's origin must be https unless named here: the
  // simulator's CDN (plain http on loopback) is, and `foreign` where a test points polls at it.
  mediaHosts: ReadonlyArray<string> = sim.mediaHosts
): Effect.Effect<Outcome> => {
  const record = recorder()
  const client = OpenRouter.layerDocument({
    document: { models: { providers: { openrouter: { baseUrl: sim.baseUrl } } } },
    environment: { OPENROUTER_API_KEY: KEY },
    stateDir,
    maxRetries: 1,
    mediaHosts
  }).pipe(Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeFileSystem.layer)))
  return Effect.gen(function*() {
    yield* Effect.logDebug(`leak scan: ${label}`)
    return yield* operation(timeoutMs)
  }).pipe(
    // A caller that logs the whole cause of a failure, as many do.
    Effect.tapErrorCause((cause) => Effect.logError(`${label} failed`, cause)),
    Effect.withSpan(`leak-scan ${label}`),
    Effect.provide(client),
    Effect.exit,
    Effect.provide(record.layer),
    Effect.map((exit) => ({ label, exit, spans: record.spans, lines: record.lines }))
  )
}

const scanOutcome = (outcome: Outcome) => {
  if (Exit.isFailure(outcome.exit)) {
    const cause = outcome.exit.cause
    expectClean(`${outcome.label}: Cause.pretty`, Cause.pretty(cause))
    expectClean(`${outcome.label}: inspect(cause)`, inspect(cause, { depth: 10 }))
    const error = Cause.squash(cause)
    expectClean(`${outcome.label}: error.message`, error instanceof Error ? error.message : "")
    expectClean(`${outcome.label}: String(error)`, String(error))
    expectClean(`${outcome.label}: JSON.stringify(error)`, JSON.stringify(error) ?? "")
    expectClean(`${outcome.label}: inspect(error)`, inspect(error, { depth: 10 }))
  }
  for (const span of outcome.spans) expectClean(`${outcome.label}: span ${span.name}`, span.exported())
  for (const line of outcome.lines) expectClean(`${outcome.label}: a log line`, line)
}

const faultCases: ReadonlyArray<readonly [string, Fault | undefined, string, number | undefined]> = [
  ["success", undefined, "*", undefined],
  ["401", { kind: "status", status: 401 }, "*", undefined],
  ["402", Faults.insufficientCredits(), "*", undefined],
  ["500", Faults.upstream(500), "*", undefined],
  ["502 echoing the key", echo(502), "*", undefined],
  ["reset", { kind: "reset", when: "before-headers" }, "*", undefined],
  ["timeout", { kind: "latency", ms: 1200 }, "*", 300]
]

describe("(b) the client library never puts the key in errors, spans or logs", () => {
  it.live("every operation, succeeding and failing (401, 402, 500, an echo, a reset, a timeout)", () =>
    Effect.gen(function*() {
      const stateDir = mkdtempSync(join(tmpdir(), "ore-leak-state-"))
      const outcomes: Array<Outcome> = []
      for (const [faultName, fault, route, timeoutMs] of faultCases) {
        for (const [name, operation] of operations(mkdtempSync(join(tmpdir(), "ore-leak-out-")))) {
          faulty.faults.clear()
          if (fault !== undefined) faulty.faults.add(route, fault, 1_000_000)
          outcomes.push(yield* runOperation(faulty, `${name} / ${faultName}`, operation, timeoutMs, stateDir))
        }
      }
      faulty.faults.clear()
      // The poll and the download failing after a good submit; a real 401 from a server that
      // does not know the key.
      // A failing poll is retried until the deadline: keep that short.
      const video = (output?: string) =>
        Effect.flatMap(Videos.Videos, (videos) =>
          videos.generate({ prompt: "a cat", duration: 4, schedule: quick, timeoutMs: 1500, ...(output !== undefined ? { output } : {}) }))
      const later: ReadonlyArray<readonly [string, string, Fault]> = [
        ["poll 500", "GET /videos/:id", Faults.upstream(500)],
        ["poll echo", "GET /videos/:id", echo(502)],
        ["poll reset", "GET /videos/:id", { kind: "reset", when: "before-headers" }],
        ["download 500 (CDN)", "GET /cdn/*", Faults.upstream(500)],
        ["download echo (CDN)", "GET /cdn/*", echo(502)],
        ["download reset mid-body (CDN)", "GET /cdn/*", { kind: "reset", when: "after-headers" }]
      ]
      for (const [name, route, fault] of later) {
        faulty.faults.clear()
        faulty.faults.add(route, fault, 1_000_000)
        outcomes.push(yield* runOperation(faulty, `videos.generate / ${name}`, () => video(join(mkdtempSync(join(tmpdir(), "ore-leak-out-")), "v.mp4")), undefined, stateDir))
      }
      faulty.faults.clear()
      outcomes.push(yield* runOperation(rejecting, "chat.complete / real 401", operations(stateDir)[1]![1], undefined, stateDir))
      outcomes.push(yield* runOperation(rejecting, "videos.generate / real 401", () => video(), undefined, stateDir))

      // The runs did what they were meant to: successes succeeded, faults failed, spans and logs were recorded.
      const byLabel = new Map(outcomes.map((outcome) => [outcome.label, outcome]))
      for (const [name] of operations(stateDir)) {
        expect(Exit.isSuccess(byLabel.get(`${name} / success`)!.exit), `${name} / success`).toBe(true)
        if (name === "models.list") continue // falls back to the bundled catalogue whatever happens
        for (const [faultName] of faultCases.slice(1)) expect(Exit.isFailure(byLabel.get(`${name} / ${faultName}`)!.exit), `${name} / ${faultName}`).toBe(true)
      }
      for (const [name] of later) expect(Exit.isFailure(byLabel.get(`videos.generate / ${name}`)!.exit), name).toBe(true)
      expect(Exit.isFailure(byLabel.get("chat.complete / real 401")!.exit)).toBe(true)
      const spanNames = new Set(outcomes.flatMap((outcome) => outcome.spans.map((span) => span.name)))
      for (const name of ["OpenRouterHttp.videos.submit", "OpenRouterHttp.videos.poll", "OpenRouterHttp.speech.synthesize", "Videos.download"]) expect(spanNames).toContain(name)
      expect(outcomes.flatMap((outcome) => outcome.spans).filter((span) => span.exit !== undefined && Exit.isFailure(span.exit)).length).toBeGreaterThan(20)
      expect(outcomes.every((outcome) => outcome.lines.some((line) => line.includes("leak scan:")))).toBe(true)
      // The echo reached the client: its message is there, masked.
      const echoed = byLabel.get("chat.complete / 502 echoing the key")!.exit
      expect(Exit.isFailure(echoed) && Cause.pretty(echoed.cause)).toContain(MASKED)

      for (const outcome of outcomes) scanOutcome(outcome)

      // The recorder does see each surface: a key put in a log line, a span attribute or a failure is caught.
      const probes: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, Services>]> = [
        ["a log line", Effect.logTrace(`probe ${KEY}`)],
        ["a span attribute", Effect.annotateCurrentSpan("probe", KEY)],
        ["a span event", Effect.flatMap(Effect.currentSpan, (span) => Effect.sync(() => span.event("probe", 0n, { key: KEY })))],
        ["a failure", Effect.fail(new Error(`probe ${KEY}`))]
      ]
      for (const [surface, probe] of probes) {
        const planted = yield* runOperation(custom, `probe: ${surface}`, () => probe, undefined, stateDir)
        expect(() => scanOutcome(planted), surface).toThrow(/leaks the key/)
      }
      for (const file of writtenFiles(stateDir)) expectClean(file, readFileSync(file).toString("latin1"))
    }), 180_000)
})

// ---- (c) what other origins received ----

describe("(c) origins other than the base URL's get no Authorization and no key", () => {
  it.live("a foreign polling_url, a redirect to the CDN origin; then every journal of every simulator", () =>
    Effect.gen(function*() {
      const stateDir = mkdtempSync(join(tmpdir(), "ore-leak-origins-"))
      // A custom base URL (the simulator's own address) whose videos come from the CDN origin.
      const before = custom.journal.list({ path: "/cdn/*" }).length
      const viaCdn = yield* runOperation(custom, "videos.generate / custom base URL, CDN download", operations(stateDir)[6]![1], undefined, stateDir)
      expect(Exit.isSuccess(viaCdn.exit)).toBe(true)
      expect(custom.journal.list({ path: "/cdn/*" }).length).toBeGreaterThan(before)
      scanOutcome(viaCdn)
      // `pointing` answers with polling URLs on `foreign` (plain http to another loopback port):
      // not followed at all unless allowed by name (issue 17, SSRF)…
      const foreignBefore = foreign.journal.list().length
      const refusedPoll = yield* runOperation(pointing, "videos.generate / foreign polling_url, not allowed", operations(stateDir)[7]![1], undefined, stateDir)
      expect(Exit.isFailure(refusedPoll.exit)).toBe(true)
      expect(foreign.journal.list().length).toBe(foreignBefore)
      scanOutcome(refusedPoll)
      // …and once allowed, the poll goes there without the key (and `foreign`, wanting one,
      // refuses it).
      const foreignPoll = yield* runOperation(pointing, "videos.generate / foreign polling_url", operations(stateDir)[7]![1], undefined, stateDir, [new URL(foreign.origin).host])
      expect(Exit.isFailure(foreignPoll.exit)).toBe(true)
      // A poll redirected to the CDN origin is followed without the key.
      custom.faults.add("GET /videos/:id", { kind: "status", status: 302, headers: { location: `${custom.cdnOrigin}/moved/video-status` }, body: {} }, 1_000_000)
      const redirected = yield* runOperation(custom, "videos.generate / redirected poll", operations(stateDir)[7]![1], undefined, stateDir)
      custom.faults.clear()
      expect(Exit.isFailure(redirected.exit)).toBe(true)
      scanOutcome(foreignPoll)
      scanOutcome(redirected)

      const seenAbroad = foreign.journal.list()
      expect(seenAbroad.length).toBeGreaterThan(0)
      for (const entry of seenAbroad) expect(entry.headers.authorization, `${entry.method} ${entry.path} on the foreign origin`).toBeUndefined()
      const moved = custom.journal.list({ path: "/cdn/moved/*" })
      expect(moved.length).toBeGreaterThan(0)

      let cdnEntries = 0
      let authenticated = 0
      for (const sim of all) {
        for (const entry of sim.journal.list()) {
          expectClean(`the journal entry ${entry.method} ${entry.origin}${entry.path}${entry.query}`, JSON.stringify(entry))
          if (entry.path.startsWith("/cdn/")) {
            cdnEntries++
            expect(entry.headers.authorization, `${entry.method} ${entry.path} on the CDN origin`).toBeUndefined()
            expect(Object.keys(entry.headers).filter((name) => name.startsWith("x-openrouter") || name === "http-referer"), entry.path).toEqual([])
          } else if (entry.headers.authorization !== undefined) {
            authenticated++
            // The journal masks what it saw: the scheme and the last 4 characters of our key.
            expect(entry.headers.authorization).toMatch(/^Bearer …/)
          }
        }
      }
      // Downloads from the CDN happened, and the journals do record Authorization when it is sent.
      expect(cdnEntries).toBeGreaterThan(0)
      expect(authenticated).toBeGreaterThan(0)
    }), 60_000)
})
