/**
 * The `openrouter-effect` entry point. With no command it prints the resolved configuration
 * (`config show`), which is what `npm start` runs for now.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer } from "effect"
import * as Cli from "./Cli.js"

const argv = process.argv.slice(2)
const hasCommand = argv.some((arg) => Cli.commandNames.includes(arg))
const effective = !hasCommand && !argv.includes("--help") && !argv.includes("--version") ? [...argv, "config", "show"] : argv

Effect.runPromise(Cli.run(effective, Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici))).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`openrouter-effect: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
)
