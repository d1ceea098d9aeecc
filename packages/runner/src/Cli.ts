/**
 * The `openrouter-effect` command line (@effect/cli): global options, `config show`, `onboard`
 * and `models set|list`. `run(argv)` answers the exit code (see `ExitCode`): 0 success, 1 a remote
 * or runtime failure, 2 bad input or configuration, 130 interrupted. Expected errors print one line.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as CommandExecutor from "@effect/platform/CommandExecutor"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { homedir } from "node:os"
import { choice } from "./CommandKit.js"
import * as Commands from "./Commands.js"
import * as Argv from "./Argv.js"
import { ExitCode, ofError } from "./ExitCode.js"
import * as Help from "./Help.js"
import * as Output from "./Output.js"

const config = Options.text("config").pipe(Options.withPseudoName("FILE"), Options.withDescription("the config file (default: the OpenClaw location rules)"), Options.optional)
const baseUrl = Options.text("base-url").pipe(Options.withPseudoName("URL"), Options.withDescription("overrides models.providers.openrouter.baseUrl"), Options.optional)
const connectTo = Options.text("connect-to").pipe(
  Options.withPseudoName("HOST:PORT"),
  Options.withDescription("HOST:PORT on this machine to send OpenRouter's requests to (also OPENROUTER_CONNECT_TO)"),
  Options.optional
)
const verbose = Options.boolean("verbose").pipe(Options.withDescription("print causes in full"))

const root = Command.make("openrouter-effect", { config, baseUrl, connectTo, verbose }).pipe(
  Command.withDescription("OpenRouter from the command line: chat, images, video, speech, transcription")
)

/**
 * The HTTP stack the commands that send are given: a layer, built only by a command that sends
 * (the bin passes one that imports undici when it is built, so `--version`, `--help`, `config`
 * and dry runs never load it).
 *
 * @since 0.1.0 @category Tags
 */
export class HttpStack extends Context.Tag("@openrouter-effect/runner/HttpStack")<HttpStack, Layer.Layer<HttpClient.HttpClient>>() {}

/**
 * The argument list as given: a command reads from it whether `--` ended the options (then an
 * argument that looks like a flag is meant as text).
 *
 * @since 0.1.0 @category Tags
 */
export class GivenArgv extends Context.Tag("@openrouter-effect/runner/GivenArgv")<GivenArgv, ReadonlyArray<string>>() {}

/** The global options, resolved: where the config is, the environment, the HTTP stack. */
const context = Effect.gen(function*() {
  const globals = yield* root
  const http = yield* HttpStack
  const argv = yield* GivenArgv
  // Loaded here rather than at start-up: `--help` and `--version` never need them.
  const [ConfigLocation, OpenRouterConfig] = yield* Effect.promise(() =>
    Promise.all([import("@openrouter-effect/core/ConfigLocation"), import("@openrouter-effect/client/OpenRouterConfig")])
  )
  // The variables that locate the config and pick the key, through Effect's Config (the same
  // snapshot the client's config service takes).
  const environment = yield* OpenRouterConfig.snapshot(OpenRouterConfig.FIXED_NAMES)
  // The environment's key is known from here on: its echoes are masked in whatever is printed.
  Output.rememberKey(environment["OPENROUTER_API_KEY"])
  // A key pasted into a global option would be echoed, sent as a URL or read as a path.
  yield* Output.refuseKeyLike(Output.textValues({ config: globals.config, baseUrl: globals.baseUrl, connectTo: globals.connectTo }))
  const location = ConfigLocation.resolve({ flag: Option.getOrUndefined(globals.config), environment, homeDir: homedir() })
  return {
    location,
    environment,
    baseUrl: Option.getOrUndefined(globals.baseUrl),
    connectTo: Option.getOrUndefined(globals.connectTo) ?? environment["OPENROUTER_CONNECT_TO"],
    http,
    endOfOptions: argv.includes("--")
  }
})

const onDemand = Commands.onDemand
const guarded = Commands.guarded
const handlers = () => import("./handlers/Config.js")

const configShow = Command.make("show", {}, () => Effect.flatMap(context, (ctx) => onDemand(handlers, (m) => m.show(ctx)))).pipe(
  Command.withDescription("print the resolved configuration (key masked) and the bundled catalogue")
)

const configCommand = Command.make("config").pipe(
  Command.withDescription("the configuration"),
  Command.withSubcommands([configShow])
)

const onboard = Command.make("onboard", {
  authChoice: choice("auth-choice", ["openrouter-api-key"]).pipe(Options.withDescription("how to authenticate")),
  apiKey: Options.redacted("openrouter-api-key").pipe(Options.withDescription("the key (else OPENROUTER_API_KEY, else a prompt)"), Options.optional)
}, (args) => guarded(args, { skip: ["apiKey"] }, Effect.flatMap(context, (ctx) => onDemand(handlers, (m) => m.onboard(ctx, args))))).pipe(
  Command.withDescription("store an OpenRouter API key and make openrouter/auto the default model")
)

const modelsSet = Command.make("set", { ref: Args.text({ name: "REF" }).pipe(Args.withDescription("the model, e.g. openrouter/anthropic/claude-sonnet-4.6")) }, (args) =>
  guarded(args, { names: { ref: "REF" } }, Effect.flatMap(context, (ctx) => onDemand(handlers, (m) => m.modelsSet(ctx, args))))).pipe(
    Command.withDescription("set the default model (openrouter/<provider>/<model>)")
  )

const modelsList = Command.make("list", { json: Options.boolean("json").pipe(Options.withDescription("print the list as JSON")) }, (args) =>
  Effect.flatMap(context, (ctx) => onDemand(handlers, (m) => m.modelsList(ctx, args)))).pipe(
    Command.withDescription("the bundled catalogue plus OpenRouter's live list, the default marked")
  )

const modelsCommand = Command.make("models").pipe(
  Command.withDescription("model selection"),
  Command.withSubcommands([modelsSet, modelsList])
)

const demo = Command.make("demo", { out: Options.text("out").pipe(Options.withPseudoName("DIR"), Options.withDescription("where the demo's files go (default: a new temporary folder)"), Options.optional) }, ({ out }) =>
  guarded({ out }, {}, Effect.flatMap(context, (ctx) =>
    onDemand(() => import("./Demo.js"), (Demo) =>
      Demo.run(Option.match(out, { onNone: () => ({}), onSome: (outDir) => ({ outDir }) })).pipe(Effect.asVoid, Effect.provide(ctx.http)))))).pipe(
  Command.withDescription("everything against the embedded simulator, with a fake key: no key of yours, no network")
)

const command = root.pipe(Command.withSubcommands([configCommand, onboard, modelsCommand, ...Commands.commands(context), demo]))

/** The top-level command names. @since 0.1.0 @category Constants */
export const commandNames: ReadonlyArray<string> = Argv.commandNames

const cli = Command.run(command, { name: "openrouter-effect", version: "0.1.0" })

/** What the root help shows as examples. */
const examples: ReadonlyArray<readonly [string, string]> = [
  ["openrouter-effect onboard --auth-choice openrouter-api-key", "store your key (asked for) and pick openrouter/auto"],
  ["openrouter-effect chat \"What is Effect?\"", "ask a question"],
  ["openrouter-effect chat -m openai/gpt-4o \"Write a haiku\"", "ask a given model"],
  ["openrouter-effect chat -c \"And in French?\"", "continue the latest conversation"],
  ["cat notes.txt | openrouter-effect chat \"Summarise this\"", "pipe a file in: it follows the prompt as context"],
  ["openrouter-effect logs -n 5", "the last five chats, and what they cost"],
  ["openrouter-effect image --count 2 --aspect-ratio 16:9 \"a lighthouse at dusk\"", "two images, saved to the current folder"],
  ["openrouter-effect video --out clips \"waves at sunrise\"", "a video: submit, wait with progress, download"],
  ["openrouter-effect tts --out audio/hello.mp3 \"Hello there\"", "text to speech"],
  ["openrouter-effect demo", "try everything against the built-in simulator, no key needed"]
]

// The root options that take a value (as the next argument or after `=`), and @effect/cli's
// `--log-level`: their values are not command names.
const valued = new Set(["--config", "--base-url", "--connect-to", "--log-level"])

/**
 * The words a `--help` is about (the command path at the start of the positional words), or
 * undefined when help was not asked for, or @effect/cli's own built-ins are (`--wizard`,
 * `--completions`).
 */
const helpRequest = (argv: ReadonlyArray<string>): ReadonlyArray<string> | undefined => {
  const end = argv.indexOf("--")
  const args = end === -1 ? argv : argv.slice(0, end)
  if (!args.some((arg) => arg === "--help" || arg === "-h")) return undefined
  if (args.some((arg) => arg === "--wizard" || arg === "--completions" || arg.startsWith("--completions="))) return undefined
  const words: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (valued.has(arg)) i++
    else if (!arg.startsWith("-")) words.push(arg)
  }
  return words
}

/** The CLI's command tree, as its help shows it. @since 0.1.0 @category Help */
export const helpTree = (): Help.Node => Help.tree(command)

/**
 * The help for `argv`, rendered from the command descriptors (see `Help`): the deepest command
 * named, wrapped to the terminal's width, styled only on a terminal without NO_COLOR.
 *
 * @since 0.1.0 @category Help
 */
export const helpText = (words: ReadonlyArray<string>, layout: { readonly width: number; readonly color: boolean }): string => {
  const tree = helpTree()
  return Help.render(tree, Help.find(tree, words), { program: "openrouter-effect", examples, ...layout })
}

/**
 * Runs `effect` with what @effect/cli prints (its messages, `--version`, the wizard) stripped of
 * ANSI styling on a stream that is not a terminal, or when NO_COLOR is set.
 */
const plainWhereNeeded = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => {
  const out = Help.useColor(process.stdout.isTTY, process.env) ? (text: string) => text : Help.stripAnsi
  const err = Help.useColor(process.stderr.isTTY, process.env) ? (text: string) => text : Help.stripAnsi
  const map = (f: (text: string) => string) => (args: ReadonlyArray<unknown>) => args.map((arg) => (typeof arg === "string" ? f(arg) : arg))
  return Effect.consoleWith((console) =>
    Effect.withConsole(effect, {
      ...console,
      log: (...args: ReadonlyArray<unknown>) => console.log(...map(out)(args)),
      info: (...args: ReadonlyArray<unknown>) => console.info(...map(out)(args)),
      error: (...args: ReadonlyArray<unknown>) => console.error(...map(err)(args)),
      warn: (...args: ReadonlyArray<unknown>) => console.warn(...map(err)(args)),
      unsafe: {
        ...console.unsafe,
        log: (...args: ReadonlyArray<unknown>) => console.unsafe.log(...map(out)(args)),
        info: (...args: ReadonlyArray<unknown>) => console.unsafe.info(...map(out)(args)),
        error: (...args: ReadonlyArray<unknown>) => console.unsafe.error(...map(err)(args)),
        warn: (...args: ReadonlyArray<unknown>) => console.unsafe.warn(...map(err)(args))
      }
    })
  )
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)

/**
 * An error message as the CLI prints it: a library error names its field (`aspectRatio`), the
 * user typed a flag (`--aspect-ratio`); when the flag for the field was given, the message names
 * the flag instead.
 *
 * @since 0.1.0 @category Errors
 */
export const flagNamed = (message: string, field: unknown, argv: ReadonlyArray<string>, value?: unknown): string => {
  if (typeof field !== "string" || !/^[a-z][A-Za-z]*$/.test(field)) return message
  const flag = `--${kebab(field)}`
  if (!argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`))) return message
  // The field as written (`aspectRatio`) or as a label (`Aspect ratio`), as a word of its own: not
  // part of a path or a name (`out/x.mp3`, `messages.json`).
  const label = kebab(field).split("-").join(" ")
  const rename = (text: string) => text.replace(new RegExp(`(^|[^-\\w/.])(${field}|${label})(?![\\w\\-/.])`, "gi"), `$1${flag}`)
  // The value the user gave is quoted as given, whatever words it holds.
  return typeof value === "string" && value !== "" ? message.split(value).map(rename).join(value) : rename(message)
}

/**
 * What the CLI needs from the platform. The `HttpClient` is not among them: it comes as a layer
 * that only the commands that send build (see `run`).
 *
 * @since 0.1.0 @category Models
 */
export type Environment =
  | FileSystem.FileSystem
  | Terminal.Terminal
  | Path.Path
  | CommandExecutor.CommandExecutor

/**
 * Runs the CLI on `argv` (without the node and script entries) and answers the exit code,
 * printing expected errors as one line (causes in full with `--verbose`). `http` is the HTTP
 * stack of the commands that send; it is built only when one of them runs.
 *
 * @since 0.1.0 @category Running
 */
export const run = (
  argv: ReadonlyArray<string>,
  layer: Layer.Layer<Environment>,
  http: Layer.Layer<HttpClient.HttpClient>
): Effect.Effect<number> =>
  Effect.gen(function*() {
    // Known before anything is parsed or printed: a flag holding the key without its prefix, or
    // an error message echoing it transformed, is recognised from the start.
    Output.rememberKey(Option.getOrUndefined(yield* Effect.orElseSucceed(Config.option(Config.string("OPENROUTER_API_KEY")), () => Option.none())))
    // Help is rendered here, from the same descriptors the parser reads: @effect/cli's own
    // renderer cannot leave out its placeholder text nor its styling (see `Help`).
    const help = helpRequest(argv)
    if (help !== undefined) {
      const width = process.stdout.isTTY === true && (process.stdout.columns ?? 0) > 0 ? Math.min(process.stdout.columns, 120) : 80
      yield* Effect.sync(() => process.stdout.write(helpText(help, { width, color: Help.useColor(process.stdout.isTTY, process.env) })))
      return ExitCode.ok
    }
    const exit = yield* Effect.exit(
      cli(["node", "openrouter-effect", ...argv]).pipe(
        plainWhereNeeded,
        Effect.provideService(HttpStack, http),
        Effect.provideService(GivenArgv, argv),
        Effect.provide(layer)
      )
    )
    if (Exit.isSuccess(exit)) return ExitCode.ok
    if (Cause.isInterruptedOnly(exit.cause)) return ExitCode.interrupted
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) {
      const error = failure.value
      if (ValidationError.isValidationError(error)) return ExitCode.badInput // @effect/cli printed it
      // Known by its tag (ExitCode.byTag): no error class is loaded to read the code.
      const known = ofError(error)
      if (known !== undefined) {
        // The message may carry a server's text: shown escaped (Output.display), never raw.
        yield* Console.error(`openrouter-effect: ${Output.display(flagNamed(known.message, (error as { readonly field?: unknown }).field, argv, (error as { readonly value?: unknown }).value))}`)
        if (argv.includes("--verbose")) yield* Console.error(Output.display(Cause.pretty(exit.cause)))
        return known.exitCode
      }
      if (Terminal.isQuitException(error)) return ExitCode.interrupted
    }
    const squashed = Cause.squash(exit.cause)
    yield* Console.error(
      `openrouter-effect: ${Output.display(argv.includes("--verbose") ? Cause.pretty(exit.cause) : squashed instanceof Error ? squashed.message : String(squashed))}`
    )
    return ExitCode.failure
  }).pipe(
    // stderr carries messages built from what was typed or what a server answered: a key pasted
    // in the wrong place (an unknown argument echoed by @effect/cli) is masked there too.
    Output.withRedactedStderr,
    // Logs and warnings go to stderr, always: stdout is for answers (`--json` must parse).
    Effect.provide(Output.stderrLogger)
  )
