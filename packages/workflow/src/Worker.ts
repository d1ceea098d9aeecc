/**
 * A worker: the video workflow registered with an engine, over the client's services. Run it with
 * `Layer.launch` (it runs until the process ends; the engine picks up every unfinished execution
 * of its shards, including those a dead process left), or build it to start and follow executions
 * from the same process.
 *
 * ```ts
 * const Live = Worker.layer({
 *   engine: Engine.layerConfig(), // OPENROUTER_WORKFLOW_DB=sqlite:/var/lib/videos.db
 *   client: Layer.mergeAll(OpenRouter.layerConfig(), VideoPoller.layer(), NodeFileSystem.layer).pipe(Layer.provide(NodeHttpClient.layerUndici))
 * })
 * Layer.launch(Live).pipe(NodeRuntime.runMain)
 * ```
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import type * as OpenRouterHttp from "@openrouter-effect/client/OpenRouterHttp"
import type * as VideoPoller from "@openrouter-effect/client/VideoPoller"
import * as Layer from "effect/Layer"
import type * as Engine from "./Engine.js"
import * as VideoSteps from "./VideoSteps.js"
import * as VideoWorkflow from "./VideoWorkflow.js"

/** @since 0.1.0 @category Models */
export interface Options<E1, E2> {
  readonly engine: Layer.Layer<Engine.Services, E1>
  readonly client: Layer.Layer<
    OpenRouterConfig.OpenRouterConfig | OpenRouterHttp.OpenRouterHttp | VideoPoller.VideoPoller | FileSystem.FileSystem,
    E2
  >
  readonly run?: VideoWorkflow.RunOptions | undefined
}

/**
 * The workflow registered with the engine; the engine's services stay available (to start, poll
 * and interrupt executions).
 *
 * @since 0.1.0 @category Layers
 */
export const layer = <E1, E2>(options: Options<E1, E2>): Layer.Layer<Engine.Services, E1 | E2> =>
  VideoWorkflow.layer(options.run).pipe(
    Layer.provide(VideoSteps.layer),
    Layer.provide(options.client),
    Layer.provideMerge(options.engine)
  )
