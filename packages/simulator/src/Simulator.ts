/**
 * The simulator as Effect values: a scoped `start` that returns the running simulator and closes
 * it with the scope, a `Simulator` Tag and a `layer`.
 *
 * ```ts
 * const program = Effect.gen(function*() {
 *   const sim = yield* Simulator.Simulator
 *   sim.faults.add("POST /chat/completions", Faults.rateLimited({ retryAfter: 2 }))
 *   // point a client at sim.baseUrl
 * }).pipe(Effect.provide(Simulator.layer({ apiKeys: ["sk-or-v1-test"] })))
 * ```
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Server from "./Server.js"
import type { Options } from "./Types.js"

/** The simulator could not start (say, the port is taken). @since 0.1.0 @category Errors */
export class SimulatorStartError extends Data.TaggedError("SimulatorStartError")<{
  readonly message: string
  readonly cause: unknown
}> {}

/** @since 0.1.0 @category Context */
export class Simulator extends Context.Tag("@openrouter-effect/simulator/Simulator")<Simulator, Server.Running>() {}

/**
 * Starts a simulator for the life of the scope.
 *
 * @since 0.1.0 @category Lifecycle
 */
export const start = (options: Options = {}): Effect.Effect<Server.Running, SimulatorStartError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => Server.start(options),
      catch: (cause) =>
        new SimulatorStartError({ message: `The simulator could not start: ${cause instanceof Error ? cause.message : String(cause)}`, cause })
    }),
    (running) => Effect.promise(() => running.close())
  ).pipe(Effect.withSpan("Simulator.start"))

/** @since 0.1.0 @category Layers */
export const layer = (options: Options = {}): Layer.Layer<Simulator, SimulatorStartError> =>
  Layer.scoped(Simulator, start(options))
