/**
 * What the command line writes, made safe: everything a command prints through `Console` (an
 * answer, a model name, a job id, a server's error message, a log line) has echoes of the keys in
 * use masked and its control characters written visibly; logs and warnings go to stderr; and a
 * value that looks like a key is refused in a flag that is not a secret.
 *
 * The keys in use are remembered as the CLI learns them ({@link rememberKey}): the environment's
 * `OPENROUTER_API_KEY` at start, the key the configuration resolves to when a command builds its
 * services, the key `onboard` stores. Knowing the key lets the masking catch echoes that look like
 * nothing in particular: the key upper-cased, percent-encoded, or without its `sk-or-v1-` prefix.
 *
 * This module is loaded at start-up, so it imports only `effect` and core modules.
 *
 * @since 0.1.0
 */
import type { BadInput } from "@openrouter-effect/core/OpenRouterError"
import * as Secret from "@openrouter-effect/core/Secret"
import * as TerminalText from "@openrouter-effect/core/TerminalText"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

// The keys in use in this process. A process runs one command, so a module-level set is the
// command's set; it only grows.
const known = new Set<string>()

/**
 * Remembers a key in use, so that its echoes are masked in everything printed from now on.
 * Values too short to be a key are ignored (they would mask ordinary words).
 *
 * @since 0.1.0 @category Secrets
 */
export const rememberKey = (key: string | Redacted.Redacted<string> | undefined): void => {
  if (key === undefined) return
  const value = (typeof key === "string" ? key : Redacted.value(key)).trim()
  if (value.length >= 16) known.add(value)
}

/**
 * Remembers the keys a configuration resolves to, for chat and for speech (each may have its
 * own). A configuration that does not resolve adds nothing: the command reports that itself.
 *
 * @since 0.1.0 @category Secrets
 */
export const rememberConfiguredKeys = (config: {
  readonly chat: () => Effect.Effect<{ readonly key: { readonly apiKey: Option.Option<Redacted.Redacted<string>> } }, unknown>
  readonly speech: () => Effect.Effect<{ readonly key: { readonly apiKey: Option.Option<Redacted.Redacted<string>> } }, unknown>
}): Effect.Effect<void> =>
  Effect.forEach([config.chat(), config.speech()], (settings) =>
    Effect.match(settings, {
      onFailure: () => undefined,
      onSuccess: (resolved) => rememberKey(Option.getOrUndefined(resolved.key.apiKey))
    }), { discard: true })

/** The keys remembered so far. @since 0.1.0 @category Secrets */
export const knownKeys = (): ReadonlyArray<string> => [...known]

/**
 * Text as the CLI prints it: key-like text and echoes of the known keys masked, then every
 * character that could act on a terminal written visibly (line feeds and tabs kept).
 *
 * @since 0.1.0 @category Display
 */
export const display = (text: string): string => TerminalText.escape(Secret.redactSecrets(text, known))

/** Text for stderr outside a command (what @effect/cli prints): masked, not escaped. @since 0.1.0 @category Display */
export const redacted = (text: string): string => Secret.redactSecrets(text, known)

const mapArgs = (f: (text: string) => string) => (args: ReadonlyArray<unknown>) => args.map((arg) => (typeof arg === "string" ? f(arg) : arg))

const consoleThrough = (f: (text: string) => string, streams: "all" | "stderr") =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.consoleWith((console) => {
    const map = mapArgs(f)
    const out = streams === "all"
    return Effect.withConsole(effect, {
      ...console,
      ...(out
        ? {
          log: (...args: ReadonlyArray<unknown>) => console.log(...map(args)),
          info: (...args: ReadonlyArray<unknown>) => console.info(...map(args)),
          debug: (...args: ReadonlyArray<unknown>) => console.debug(...map(args))
        }
        : {}),
      error: (...args: ReadonlyArray<unknown>) => console.error(...map(args)),
      warn: (...args: ReadonlyArray<unknown>) => console.warn(...map(args)),
      unsafe: {
        ...console.unsafe,
        ...(out
          ? {
            log: (...args: ReadonlyArray<unknown>) => console.unsafe.log(...map(args)),
            info: (...args: ReadonlyArray<unknown>) => console.unsafe.info(...map(args)),
            debug: (...args: ReadonlyArray<unknown>) => console.unsafe.debug(...map(args))
          }
          : {}),
        error: (...args: ReadonlyArray<unknown>) => console.unsafe.error(...map(args)),
        warn: (...args: ReadonlyArray<unknown>) => console.unsafe.warn(...map(args))
      }
    })
  })

/**
 * Runs a command with every `Console` line it prints, to stdout and stderr, passed through
 * {@link display}. Commands print what servers and files sent (answers, model names, job ids,
 * error messages), so this is where it is made safe, once. (@effect/cli's own help and messages
 * are printed outside it and keep their styling.)
 *
 * @since 0.1.0 @category Display
 */
export const withSafeConsole: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = consoleThrough(display, "all")

/**
 * Runs `effect` with what it prints to stderr masked ({@link redacted}): what @effect/cli echoes
 * of the arguments (a key pasted in the wrong place) included.
 *
 * @since 0.1.0 @category Display
 */
export const withRedactedStderr: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> = consoleThrough(redacted, "stderr")

// One line a message, as the CLI's own errors read: `openrouter-effect: warning: …`. The
// timestamp, fiber and spans of Effect's format say nothing to a person at a terminal.
const lineOf = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((part) => (typeof part === "string" ? part : String(part))).join(" ")

/**
 * Effect's default logger writes to `Console.log`, which is stdout: a warning logged by the
 * client (the live catalogue could not be read, a job file skipped) then lands in the middle of
 * `models list --json`. This layer replaces it with one plain line a message on `Console.error`
 * (`openrouter-effect: warning: …`, the level in words), so logs and warnings go to stderr,
 * always (through the masking of {@link withSafeConsole}).
 *
 * @since 0.1.0 @category Logging
 */
export const stderrLogger: Layer.Layer<never> = Logger.replace(
  Logger.defaultLogger,
  Logger.withConsoleError(Logger.make(({ logLevel, message }) => `openrouter-effect: ${logLevel._tag === "Warning" ? "warning" : logLevel.label.toLowerCase()}: ${lineOf(message)}`))
)

/**
 * Fails with a `BadInput` naming the flag when one of `values` looks like an API key (an
 * `sk-or-…` key, a bearer token, or an echo of a known key in any of the forms masking catches).
 * The message shows only the masked form. Use it on the flags that are not secrets (`--model`,
 * `--voice`, `--format`, `models set REF`…): a key pasted there would be sent as a model name,
 * echoed, or written into the config.
 *
 * @since 0.1.0 @category Secrets
 */
export const refuseKeyLike = (values: ReadonlyArray<readonly [flag: string, value: string]>): Effect.Effect<void, BadInput> => {
  for (const [flag, value] of values) {
    const masked = Secret.redactSecrets(value, known)
    if (masked !== value || Secret.looksLikeKey(value)) {
      // The error classes are loaded only here: start-up loads none of them.
      return Effect.flatMap(Effect.promise(() => import("@openrouter-effect/core/OpenRouterError")), (errors) =>
        Effect.fail(
          new errors.BadInput({
            field: flag,
            value: masked,
            message: `${flag} looks like an API key (${TerminalText.escape(masked)}); it was not used and nothing was written. ` +
              "A key goes in OPENROUTER_API_KEY or `onboard --openrouter-api-key`"
          })
        ))
    }
  }
  return Effect.void
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)

/**
 * The text values of a command's parsed arguments, each with the flag it came from: a field
 * `aspectRatio` is `--aspect-ratio`, unless `names` says otherwise (a positional `REF`); fields
 * in `skip` (a prompt, a secret) are left out. Options, arrays and plain strings are read.
 *
 * @since 0.1.0 @category Secrets
 */
export const textValues = (
  args: Readonly<Record<string, unknown>>,
  options: { readonly skip?: ReadonlyArray<string>; readonly names?: Readonly<Record<string, string>> } = {}
): ReadonlyArray<readonly [string, string]> => {
  const values: Array<readonly [string, string]> = []
  for (const [field, value] of Object.entries(args)) {
    if (options.skip?.includes(field) === true) continue
    const flag = options.names?.[field] ?? `--${kebab(field)}`
    const items = Option.isOption(value) ? Option.toArray(value) : Array.isArray(value) ? value : [value]
    for (const item of items) if (typeof item === "string") values.push([flag, item])
  }
  return values
}

/** Prints `text` to stdout as {@link display} shows it, without a line end (a streamed answer). @since 0.1.0 @category Display */
export const writeStdout = (text: string): Effect.Effect<void> => Effect.sync(() => void process.stdout.write(display(text)))

/** Prints `text` to stderr as {@link display} shows it, without a line end (streamed reasoning). @since 0.1.0 @category Display */
export const writeStderr = (text: string): Effect.Effect<void> => Effect.sync(() => void process.stderr.write(display(text)))

/** `Console.log` through {@link display}, for code outside {@link withSafeConsole}. @since 0.1.0 @category Display */
export const log = (text: string): Effect.Effect<void> => Console.log(display(text))
