/**
 * `npm start` for now: reads the config (the `--config PATH` flag, else the OpenClaw location
 * rules), resolves the chat settings, and prints them with the key masked, followed by the
 * bundled model catalogue. The full CLI comes later.
 *
 * Exit codes: 0 success, 2 bad input or configuration, 1 anything else.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { ConfigDocument, ConfigLocation, Settings } from "@openrouter-effect/core"
import { Console, Effect, Either } from "effect"
import { homedir } from "node:os"
import * as ShowConfig from "./ShowConfig.js"

const flagValue = (argv: ReadonlyArray<string>, name: string): string | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ""
    if (arg === name) return argv[i + 1]
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}

const program = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const environment = { ...process.env }
  const location = ConfigLocation.resolve({
    flag: flagValue(process.argv.slice(2), "--config"),
    environment,
    homeDir: homedir()
  })
  const exists = yield* fs.exists(location.file)
  const text = exists ? yield* fs.readFileString(location.file) : ""
  const parsed = ConfigDocument.parseText(text, location.file)
  const chat = Either.flatMap(parsed, ({ document }) => Settings.resolveChat(document, environment))
  if (Either.isLeft(chat)) {
    yield* Console.error(`openrouter-effect: ${chat.left.message}`)
    return chat.left.exitCode
  }
  const lines = [
    ...ShowConfig.configuration(location, exists ? "read" : "missing", chat.right),
    "",
    ...ShowConfig.catalogue(chat.right.model.slug)
  ]
  yield* Console.log(lines.join("\n"))
  return 0
})

program.pipe(
  Effect.provide(NodeFileSystem.layer),
  Effect.runPromise
).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`openrouter-effect: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
)
