/**
 * The plain `Videos` service, no engine (issue 21's reference): N video jobs at once through
 * `Videos.generate` (submit, poll on the `VideoPoller`'s schedule, download into a file), each timed
 * on this process's clock from its call to its result. The job store is the client's default (in
 * memory), as the workflow's steps use.
 *
 * Built by src/workflow.ts with every package external, so it runs the workspaces' `dist` as users
 * run them. Prints one JSON line: `{ wallMs, cpuMs, latencies, sizes }` (`cpuMs`: this process's CPU time over the jobs).
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouter, VideoPoller, Videos } from "@openrouter-effect/client"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import { join } from "node:path"

interface Spec {
  readonly url: string
  readonly key: string
  readonly jobs: number
  readonly dir: string
  readonly pollMs: number
  /** How long to wait once the layers are built, as a service that is up (the bins get as long). */
  readonly settleMs: number
}

const spec = JSON.parse(process.argv[2] ?? "{}") as Spec

const Live = OpenRouter.layerVideos({ videoPoller: VideoPoller.layer(Schedule.spaced(Duration.millis(spec.pollMs))) }).pipe(
  Layer.provideMerge(OpenRouter.layer({ apiKey: Redacted.make(spec.key), baseUrl: spec.url })),
  Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer])
)

const program = Effect.gen(function*() {
  const videos = yield* Videos.Videos
  yield* Effect.sleep(Duration.millis(spec.settleMs))
  const cpu = yield* Effect.sync(() => process.cpuUsage())
  const [wall, jobs] = yield* Effect.timed(
    Effect.forEach(
      Array.from({ length: spec.jobs }, (_, i) => i),
      (i) => Effect.timed(videos.generate({ prompt: `a bench video, take ${i}`, output: join(spec.dir, `video-${i}.mp4`) })),
      { concurrency: "unbounded" }
    )
  )
  const used = yield* Effect.sync(() => process.cpuUsage(cpu))
  return {
    wallMs: Duration.toMillis(wall),
    cpuMs: (used.user + used.system) / 1000,
    latencies: jobs.map(([took]) => Duration.toMillis(took)),
    sizes: jobs.map(([, result]) => result.size)
  }
})

Effect.runPromise(program.pipe(Effect.provide(Live))).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`)
    process.exit(0)
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(1)
  }
)
