/**
 * The `openrouter-effect` entry point, bundled into `dist/main.js` (scripts/bundle.js). With no
 * command it prints the resolved configuration (`config show`).
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Cli from "./Cli.js"
import * as Argv from "./Argv.js"
import { ExitCode } from "./ExitCode.js"

// undici is imported when a command that sends builds this layer, not at start-up: `--version`,
// `--help`, `config show` and dry runs never load it.
const http = Layer.unwrapEffect(Effect.map(Effect.promise(() => import("@effect/platform-node/NodeHttpClient")), (m) => m.layerUndici))

const effective = Argv.effective(process.argv.slice(2))

const fiber = Effect.runFork(Cli.run(effective, NodeContext.layer, http))

// Ctrl-C interrupts the command (a video job prints how to resume it) and exits 130.
let interrupted = false
const onSignal = () => {
  if (interrupted) process.exit(ExitCode.interrupted)
  interrupted = true
  fiber.unsafeInterruptAsFork(fiber.id())
}
process.once("SIGINT", onSignal)
process.once("SIGTERM", onSignal)

fiber.addObserver((exit) => {
  process.exitCode = interrupted ? ExitCode.interrupted : Exit.isSuccess(exit) ? exit.value : ExitCode.failure
  process.removeListener("SIGINT", onSignal)
  process.removeListener("SIGTERM", onSignal)
})
