// The reference for the CLI's start-up: the smallest useful @effect/cli program (one command with
// one option), shipped the way the runner is: bundled with the runner's own esbuild options
// (`cliBundleOptions`), packed, installed from the tarball and run through its bin.
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect } from "effect"

const name = Options.text("name").pipe(Options.withDefault("world"))
const hello = Command.make("minimal-cli", { name }, ({ name }) => Console.log(`hello ${name}`))
const cli = Command.run(hello, { name: "minimal-cli", version: "0.1.0" })

cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain({ disableErrorReporting: true }))
