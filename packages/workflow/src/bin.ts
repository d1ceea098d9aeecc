#!/usr/bin/env node
/**
 * The worker as a process, configured from the environment:
 *
 * - `OPENROUTER_WORKFLOW_DB`: `sqlite:PATH` or `postgres://…` (see `Engine`);
 * - `OPENROUTER_API_KEY`, and optionally `OPENROUTER_BASE_URL` and `OPENROUTER_MEDIA_HOSTS`
 *   (comma-separated hosts allowed for downloads besides OpenRouter's);
 * - `OPENROUTER_VIDEO_POLL_MS`: poll every N ms instead of the client's default schedule.
 *
 * - `OPENROUTER_WORKFLOW_LOG_LEVEL`: `Info` logs each submit, poll and download (default `Warning`).
 *
 * Commands (each answer is one JSON line on stdout):
 *
 * - `worker`: a runner, until killed; it also answers the commands of its stdin's lines;
 * - `client`: not a runner (no shard, no workflow runs in it, no OpenRouter key needed): answers
 *   the commands of its stdin's lines (`start KEY DIR PROMPT`, `status ID`, `wait ID`) and ends
 *   with stdin;
 * - `run KEY DIR PROMPT`: a runner that starts or joins the execution of KEY and prints its outcome;
 * - `start KEY DIR PROMPT`: a client: stores the start for the runners and prints the execution id;
 * - `status ID`, `wait ID`: where an execution stands, now or once it has ended (`wait` exits 1
 *   when it failed); client-only, so they can run next to the runners on any machine connected to
 *   the database, SQLite included.
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as OpenRouter from "@openrouter-effect/client/OpenRouter"
import * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { createInterface } from "node:readline"
import * as Engine from "./Engine.js"
import { words } from "./internal/commandLine.js"
import { VideoWorkflow } from "./VideoWorkflow.js"
import * as VideoWorkflowNs from "./VideoWorkflow.js"
import * as Worker from "./Worker.js"

const print = (value: unknown) => Effect.sync(() => process.stdout.write(`${JSON.stringify(value)}\n`))

const clientLayer = Layer.unwrapEffect(Effect.gen(function*() {
  const baseUrl = yield* Config.option(Config.string("OPENROUTER_BASE_URL"))
  const mediaHosts = yield* Config.option(Config.string("OPENROUTER_MEDIA_HOSTS"))
  const pollMs = yield* Config.option(Config.integer("OPENROUTER_VIDEO_POLL_MS"))
  return Layer.mergeAll(
    OpenRouter.layerConfig({
      ...(Option.isSome(baseUrl) ? { baseUrl: Config.succeed(baseUrl.value) } : {}),
      ...(Option.isSome(mediaHosts) ? { mediaHosts: mediaHosts.value.split(",").map((host) => host.trim()).filter((host) => host !== "") } : {})
    }),
    VideoPoller.layer(Option.isSome(pollMs) ? Schedule.spaced(`${pollMs.value} millis`) : undefined),
    NodeFileSystem.layer
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
}))

/** Unprocessed messages (a workflow a dead process left) are looked for every second. */
const shardingConfig = { entityMessagePollInterval: "1 second" } as const

const live = Worker.layer({ engine: Engine.layerConfig({ shardingConfig }), client: clientLayer })

/** A client: no shard, no workflow run here, no OpenRouter key needed. */
const client = Engine.layerConfig({ shardingConfig, clientOnly: true })

const request = (args: ReadonlyArray<string>) => ({
  key: args[0] ?? "",
  output: { _tag: "Directory" as const, path: args[1] ?? "." },
  prompt: args.slice(2).join(" ") || "a video"
})

const statusLine = (command: string) => (status: VideoWorkflowNs.Status) => print({ command, ...status })

/**
 * One command of a line on stdin (`worker` and `client` read them): `start KEY DIR PROMPT`,
 * `status EXECUTION_ID`, `wait EXECUTION_ID`; each answers one JSON line with its `command`.
 */
const command = (line: string): Effect.Effect<void, never, Engine.Services> => {
  const split = words(line)
  if (split === undefined) return print({ command: line.trim().split(/\s/)[0] ?? "", error: "a quote is not closed" })
  const [name = "", ...args] = split
  const run: Effect.Effect<void, unknown, Engine.Services> = (() => {
    switch (name) {
      case "":
        return Effect.void
      case "start":
        return Effect.flatMap(VideoWorkflow.execute(request(args), { discard: true }), (executionId) =>
          print({ command: "start", key: args[0], executionId }))
      case "status":
        return Effect.flatMap(VideoWorkflowNs.status(args[0] ?? ""), statusLine("status"))
      case "wait":
        return Effect.flatMap(VideoWorkflowNs.waitUntilDone(args[0] ?? ""), statusLine("wait"))
      default:
        return print({ command: name, error: "unknown command: start KEY DIR PROMPT | status EXECUTION_ID | wait EXECUTION_ID" })
    }
  })()
  return run.pipe(Effect.catchAllCause((cause) => print({ command: name, error: Cause.pretty(cause) })))
}

/**
 * Serves the commands of stdin's lines, each in its own fiber; at the end of stdin, waits for the
 * commands under way (a worker goes on running after that).
 */
const serveStdin = Effect.gen(function*() {
  const set = yield* FiberSet.make<void, never>()
  const run = yield* FiberSet.runtime(set)<Engine.Services>()
  yield* Effect.async<void>((resume) => {
    const lines = createInterface({ input: process.stdin })
    lines.on("line", (line) => {
      run(command(line))
    })
    lines.on("close", () => resume(Effect.void))
    return Effect.sync(() => lines.close())
  })
  yield* FiberSet.awaitEmpty(set)
}).pipe(Effect.scoped)

const usage = "usage: bin.js worker | client | run KEY DIR PROMPT | start KEY DIR PROMPT | status EXECUTION_ID | wait EXECUTION_ID"

const main = (args: ReadonlyArray<string>): Effect.Effect<void, unknown> => {
  switch (args[0]) {
    case "worker":
      // A runner; it also answers the commands of its stdin.
      return Effect.zipRight(print({ worker: "started", pid: process.pid }), Effect.zipRight(serveStdin, Effect.never)).pipe(
        Effect.provide(live)
      )
    case "client":
      // Not a runner: starts executions and answers where they stand, from stdin's lines.
      return Effect.zipRight(print({ client: "started", pid: process.pid }), serveStdin).pipe(Effect.provide(client))
    case "run":
      return Effect.gen(function*() {
        const exit = yield* Effect.exit(VideoWorkflow.execute(request(args.slice(1))))
        yield* print(Exit.isSuccess(exit) ? { outcome: "success", value: exit.value } : { outcome: "failure", error: exit.cause.toJSON() })
      }).pipe(Effect.provide(live))
    case "start":
      // A client: the start is stored for the database's runners (on SQLite, the file's runner
      // takes it at its next look; without one, it waits for the next `worker`).
      return Effect.gen(function*() {
        const db = yield* Engine.database
        if (db._tag === "Sqlite") {
          const Sqlite = yield* Effect.promise(() => import("./Sqlite.js"))
          if (Option.isNone(yield* Sqlite.runnerOf(db.path))) {
            yield* Effect.sync(() => process.stderr.write(`no runner holds ${db.path}: the execution starts when a worker runs on it\n`))
          }
        }
        const executionId = yield* VideoWorkflow.execute(request(args.slice(1)), { discard: true }).pipe(Effect.provide(client))
        yield* print({ executionId })
      })
    case "status":
      return Effect.flatMap(VideoWorkflowNs.status(args[1] ?? ""), (status) => print(status)).pipe(Effect.provide(client))
    case "wait":
      return Effect.flatMap(VideoWorkflowNs.waitUntilDone(args[1] ?? ""), (status) =>
        Effect.zipRight(print(status), status.state === "Completed" ? Effect.void : Effect.fail(`${status.executionId} ${status.state}`))).pipe(
          Effect.provide(client)
        )
    default:
      return Effect.dieMessage(usage)
  }
}

Effect.runFork(
  main(process.argv.slice(2)).pipe(
    (effect) =>
      Effect.flatMap(
        Effect.orElseSucceed(Config.logLevel("OPENROUTER_WORKFLOW_LOG_LEVEL").pipe(Config.withDefault(LogLevel.Warning)), () => LogLevel.Warning),
        (level) => Logger.withMinimumLogLevel(effect, level)
      ),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true, colors: false })))
  )
).addObserver((exit) => {
  if (Exit.isFailure(exit)) process.stderr.write(`${String(exit.cause)}\n`)
  process.exit(Exit.isSuccess(exit) ? 0 : 1)
})
