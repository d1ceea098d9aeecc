// The client over the simulator, for every test of this package: one place to change when the
// client's entry point changes.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouter } from "@openrouter-effect/client"
import type * as Server from "@openrouter-effect/simulator/Server"
import { Layer, Redacted } from "effect"

export const KEY = "sk-or-v1-ai-test-000000000000000000000000000wxyz"

/** The plain client layer to the simulator's own URL (a custom route: no attribution headers). */
export const client = (sim: Server.Running, options: Omit<OpenRouter.LayerOptions, "apiKey" | "baseUrl"> = {}) =>
  OpenRouter.layer({ ...options, apiKey: Redacted.make(KEY), baseUrl: sim.baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici))

/** The chat requests the simulator received, in order. */
export const chatRequests = (sim: Server.Running) => sim.journal.list({ path: "/chat/completions" })
