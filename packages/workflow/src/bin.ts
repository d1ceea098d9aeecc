#!/usr/bin/env node
/**
 * The worker as a process, configured from the environment:
 *
 * - `OPENROUTER_WORKFLOW_DB`: `sqlite:PATH` or `postgres://…` (see `Engine`);
 * - `OPENROUTER_API_KEY`, and optionally `OPENROUTER_BASE_URL` and `OPENROUTER_MEDIA_HOSTS`
 *   (comma-separated hosts allowed for downloads besides OpenRouter's);
 * - `OPENROUTER_VIDEO_POLL_MS`: poll every N ms instead of the client's default schedule.
 *
 * Commands: `worker` (run until killed), `run KEY DIR PROMPT` (start or join the execution of
 * KEY and print its outcome as one JSON line), `start KEY DIR PROMPT` (print the execution id),
 * `status EXECUTION_ID` (print where it stands).
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouter, VideoPoller } from "@openrouter-effect/client"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Engine from "./Engine.js"
import { VideoWorkflow } from "./VideoWorkflow.js"
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

const live = Worker.layer({
  // Unprocessed messages (a workflow a dead process left) are looked for every second.
  engine: Engine.layerConfig({ shardingConfig: { entityMessagePollInterval: "1 second" } }),
  client: clientLayer
})

const request = (args: ReadonlyArray<string>) => ({
  key: args[0] ?? "",
  output: { _tag: "Directory" as const, path: args[1] ?? "." },
  prompt: args[2] ?? "a video"
})

const main = (args: ReadonlyArray<string>) => {
  switch (args[0]) {
    case "worker":
      return Effect.zipRight(print({ worker: "started", pid: process.pid }), Layer.launch(live))
    case "run":
      return Effect.gen(function*() {
        const exit = yield* Effect.exit(VideoWorkflow.execute(request(args.slice(1))))
        yield* print(Exit.isSuccess(exit) ? { outcome: "success", value: exit.value } : { outcome: "failure", error: exit.cause.toJSON() })
      }).pipe(Effect.provide(live))
    case "start":
      return Effect.flatMap(VideoWorkflow.execute(request(args.slice(1)), { discard: true }), (executionId) => print({ executionId })).pipe(
        Effect.provide(live)
      )
    case "status":
      return Effect.flatMap(VideoWorkflow.poll(args[1] ?? ""), (result) =>
        print(
          result === undefined
            ? { status: "running-or-unknown" }
            : result._tag === "Suspended"
            ? { status: "suspended" }
            : Exit.isSuccess(result.exit)
            ? { status: "completed", value: result.exit.value }
            : { status: "failed", error: result.exit.cause.toJSON() }
        )).pipe(Effect.provide(live))
    default:
      return Effect.dieMessage("usage: bin.js worker | run KEY DIR PROMPT | start KEY DIR PROMPT | status EXECUTION_ID")
  }
}

Effect.runFork(
  main(process.argv.slice(2)).pipe(
    Logger.withMinimumLogLevel(LogLevel.Warning),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.prettyLogger({ stderr: true, colors: false })))
  )
).addObserver((exit) => {
  if (Exit.isFailure(exit)) process.stderr.write(`${String(exit.cause)}\n`)
  process.exit(Exit.isSuccess(exit) ? 0 : 1)
})
