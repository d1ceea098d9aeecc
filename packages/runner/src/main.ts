/**
 * The `openrouter-effect` entry point. With no command it prints the resolved configuration
 * (`config show`), which is what `npm start` runs for now.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Exit, Layer } from "effect"
import * as Cli from "./Cli.js"

const argv = process.argv.slice(2)
const hasCommand = argv.some((arg) => Cli.commandNames.includes(arg))
const effective = !hasCommand && !argv.includes("--help") && !argv.includes("--version") ? [...argv, "config", "show"] : argv

const fiber = Effect.runFork(Cli.run(effective, Layer.mergeAll(NodeContext.layer, NodeHttpClient.layerUndici)))

// Ctrl-C interrupts the command (a video job prints how to resume it) and exits 130.
let interrupted = false
const onSignal = () => {
  if (interrupted) process.exit(Cli.ExitCode.interrupted)
  interrupted = true
  fiber.unsafeInterruptAsFork(fiber.id())
}
process.once("SIGINT", onSignal)
process.once("SIGTERM", onSignal)

fiber.addObserver((exit) => {
  process.exitCode = interrupted ? Cli.ExitCode.interrupted : Exit.isSuccess(exit) ? exit.value : Cli.ExitCode.failure
  process.removeListener("SIGINT", onSignal)
  process.removeListener("SIGTERM", onSignal)
})
