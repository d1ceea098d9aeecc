/**
 * The `openrouter-effect` command line (@effect/cli): global options, `config show`, `onboard`
 * and `models set|list`. `run(argv)` answers the exit code: 0 success, 1 a remote or runtime
 * failure, 2 bad input or configuration, 130 interrupted. Expected errors print one line.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { Models, OpenRouter } from "@openrouter-effect/client"
import { ConfigDocument, ConfigEdit, ConfigLocation, ModelRef, OpenRouterError, Secret, Settings } from "@openrouter-effect/core"
import { Cause, Console, Effect, Exit, type Layer, Option, Redacted } from "effect"
import { homedir } from "node:os"
import * as Commands from "./Commands.js"
import * as ConfigFile from "./ConfigFile.js"
import * as Demo from "./Demo.js"
import * as ShowConfig from "./ShowConfig.js"

/** Exit codes. @since 0.1.0 @category Constants */
export const ExitCode = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const

const config = Options.text("config").pipe(Options.withDescription("the config file (default: the OpenClaw location rules)"), Options.optional)
const baseUrl = Options.text("base-url").pipe(Options.withDescription("overrides models.providers.openrouter.baseUrl"), Options.optional)
const connectTo = Options.text("connect-to").pipe(
  Options.withDescription("HOST:PORT on this machine to send OpenRouter's requests to (also OPENROUTER_CONNECT_TO)"),
  Options.optional
)
const verbose = Options.boolean("verbose").pipe(Options.withDescription("print causes in full"))

const root = Command.make("openrouter-effect", { config, baseUrl, connectTo, verbose })

/** The global options, resolved: where the config is, and the environment. */
const context = Effect.gen(function*() {
  const globals = yield* root
  const environment = { ...process.env }
  const location = ConfigLocation.resolve({ flag: Option.getOrUndefined(globals.config), environment, homeDir: homedir() })
  return {
    location,
    environment,
    baseUrl: Option.getOrUndefined(globals.baseUrl),
    connectTo: Option.getOrUndefined(globals.connectTo) ?? environment["OPENROUTER_CONNECT_TO"]
  }
})

const configShow = Command.make("show", {}, () =>
  Effect.gen(function*() {
    const { location, environment, baseUrl: baseUrlOverride } = yield* context
    const loaded = yield* ConfigFile.load(location.file)
    const document = yield* ConfigDocument.decode(loaded.raw, location.file)
    const chat = yield* Settings.resolveChat(document, environment, { baseUrl: baseUrlOverride })
    yield* Console.log([
      ...ShowConfig.configuration(location, loaded.exists ? "read" : "missing", chat),
      "",
      ...ShowConfig.catalogue(chat.model.slug)
    ].join("\n"))
  })).pipe(Command.withDescription("print the resolved configuration (key masked) and the bundled catalogue"))

const configCommand = Command.make("config").pipe(
  Command.withDescription("the configuration"),
  Command.withSubcommands([configShow])
)

const printEdit = (file: string, edit: ConfigEdit.Edit) =>
  Effect.gen(function*() {
    yield* Console.log(`Updated ${file}:`)
    for (const change of edit.changes) yield* Console.log(`  ${change.action === "kept" ? "kept " : change.action === "moved" ? "moved" : "set  "} ${change.description}`)
    for (const warning of edit.warnings) yield* Console.error(`warning: ${warning}`)
  })

const onboard = Command.make("onboard", {
  authChoice: Options.choice("auth-choice", ["openrouter-api-key"]).pipe(Options.withDescription("how to authenticate")),
  apiKey: Options.redacted("openrouter-api-key").pipe(Options.withDescription("the key (else OPENROUTER_API_KEY, else a prompt)"), Options.optional)
}, ({ apiKey }) =>
  Effect.gen(function*() {
    const { location, environment } = yield* context
    const fromEnvironment = environment["OPENROUTER_API_KEY"]?.trim()
    const key = Option.isSome(apiKey)
      ? Redacted.value(apiKey.value)
      : fromEnvironment !== undefined && fromEnvironment !== ""
      ? fromEnvironment
      : process.stdin.isTTY === true
      ? Redacted.value(yield* Prompt.run(Prompt.hidden({ message: "Enter OpenRouter API key" })))
      : yield* Effect.fail(
        new OpenRouterError.ConfigError({
          message: "No API key: pass --openrouter-api-key KEY, set OPENROUTER_API_KEY, or run onboard in a terminal to be prompted"
        })
      )
    const loaded = yield* ConfigFile.load(location.file)
    const edit = yield* ConfigEdit.onboard(loaded.raw, { apiKey: key, environment })
    yield* ConfigFile.save(location.file, edit.document)
    yield* printEdit(location.file, edit)
  })).pipe(Command.withDescription("store an OpenRouter API key and make openrouter/auto the default model"))

const modelsSet = Command.make("set", { ref: Args.text({ name: "REF" }) }, ({ ref }) =>
  Effect.gen(function*() {
    const { location } = yield* context
    const loaded = yield* ConfigFile.load(location.file)
    const edit = yield* ConfigEdit.setModel(loaded.raw, ref)
    yield* ConfigFile.save(location.file, edit.document)
    yield* printEdit(location.file, edit)
  })).pipe(Command.withDescription("set the default model (openrouter/<provider>/<model>)"))

const modelsList = Command.make("list", { json: Options.boolean("json").pipe(Options.withDescription("print JSON")) }, ({ json }) =>
  Effect.gen(function*() {
    const { location, environment, baseUrl: baseUrlOverride, connectTo: target } = yield* context
    const loaded = yield* ConfigFile.load(location.file)
    const document = yield* ConfigDocument.decode(loaded.raw, location.file)
    const chat = yield* Settings.resolveChat(document, environment, { baseUrl: baseUrlOverride })
    const models = yield* Effect.gen(function*() {
      const service = yield* Models.Models
      return yield* service.list
    }).pipe(
      Effect.provide(
        OpenRouter.layer({ document: loaded.raw, environment, baseUrl: baseUrlOverride, connectTo: target, stateDir: location.stateDir })
      )
    )
    if (json) {
      yield* Console.log(JSON.stringify(models.map((model) => ({ ...model, primary: model.id === chat.model.slug })), null, 2))
      return
    }
    for (const model of models) {
      yield* Console.log(`${model.id === chat.model.slug ? "*" : " "} ${ModelRef.keyOf(model.id).padEnd(52)} ${model.source.padEnd(7)} ${model.name}`)
    }
  })).pipe(Command.withDescription("the bundled catalogue plus OpenRouter's live list, the default marked"))

const modelsCommand = Command.make("models").pipe(
  Command.withDescription("model selection"),
  Command.withSubcommands([modelsSet, modelsList])
)

const demo = Command.make("demo", { out: Options.text("out").pipe(Options.withDescription("where the demo's files go (default: a new temporary folder)"), Options.optional) }, ({ out }) =>
  Demo.run(Option.match(out, { onNone: () => ({}), onSome: (outDir) => ({ outDir }) })).pipe(Effect.asVoid)).pipe(
  Command.withDescription("everything against the embedded simulator, with a fake key: no key of yours, no network")
)

const command = root.pipe(Command.withSubcommands([configCommand, onboard, modelsCommand, ...Commands.commands(context), demo]))

/** The top-level command names. @since 0.1.0 @category Constants */
export const commandNames: ReadonlyArray<string> = ["config", "onboard", "models", "chat", "image", "video", "tts", "transcribe", "demo"]

const cli = Command.run(command, { name: "openrouter-effect", version: "0.1.0" })

/** What the CLI needs from the platform. @since 0.1.0 @category Models */
export type Environment =
  | FileSystem.FileSystem
  | HttpClient.HttpClient
  | Terminal.Terminal
  | Path.Path
  | CommandExecutor.CommandExecutor

const tagged = (error: unknown): { readonly exitCode: number; readonly message: string } | undefined =>
  OpenRouterError.isOpenRouterError(error) ? { exitCode: error.exitCode, message: error.message } : undefined

// stderr carries messages built from what was typed or what a server answered: a key pasted in the
// wrong place (a model ref, an unknown argument echoed by @effect/cli) is masked there too.
const redactArgs = (args: ReadonlyArray<unknown>) => args.map((arg) => (typeof arg === "string" ? Secret.redactSecrets(arg) : arg))
const withRedactedStderr = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.consoleWith((console) =>
    Effect.withConsole(effect, {
      ...console,
      error: (...args: ReadonlyArray<unknown>) => console.error(...redactArgs(args)),
      warn: (...args: ReadonlyArray<unknown>) => console.warn(...redactArgs(args)),
      unsafe: {
        ...console.unsafe,
        error: (...args: ReadonlyArray<unknown>) => console.unsafe.error(...redactArgs(args)),
        warn: (...args: ReadonlyArray<unknown>) => console.unsafe.warn(...redactArgs(args))
      }
    })
  )

/**
 * Runs the CLI on `argv` (without the node and script entries) and answers the exit code,
 * printing expected errors as one line (causes in full with `--verbose`).
 *
 * @since 0.1.0 @category Running
 */
export const run = (argv: ReadonlyArray<string>, layer: Layer.Layer<Environment>): Effect.Effect<number> =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(cli(["node", "openrouter-effect", ...argv]).pipe(Effect.provide(layer)))
    if (Exit.isSuccess(exit)) return ExitCode.ok
    if (Cause.isInterruptedOnly(exit.cause)) return ExitCode.interrupted
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) {
      const error = failure.value
      if (ValidationError.isValidationError(error)) return ExitCode.badInput // @effect/cli printed it
      const known = tagged(error)
      if (known !== undefined) {
        yield* Console.error(`openrouter-effect: ${known.message}`)
        if (argv.includes("--verbose")) yield* Console.error(Cause.pretty(exit.cause))
        return known.exitCode
      }
      if (Terminal.isQuitException(error)) return ExitCode.interrupted
    }
    const squashed = Cause.squash(exit.cause)
    yield* Console.error(
      `openrouter-effect: ${argv.includes("--verbose") ? Cause.pretty(exit.cause) : squashed instanceof Error ? squashed.message : String(squashed)}`
    )
    return ExitCode.failure
  }).pipe(withRedactedStderr)
