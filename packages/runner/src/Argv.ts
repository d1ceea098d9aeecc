/**
 * How the CLI reads an argument list at the top level, before @effect/cli parses it: which
 * command it names, if any. With no command (and no `--help` or `--version`), `config show` is
 * what runs.
 *
 * The reader follows the root command's grammar: `--config`, `--base-url`, `--connect-to` and
 * @effect/cli's `--log-level` take a value (as the next argument or after `=`), `--verbose`,
 * `--help`, `-h` and `--version` do not. So `--config chat` names a file, not the `chat`
 * command. Anything else before the command (an unknown option, `--wizard`, `--completions`) is
 * left to @effect/cli as it is.
 *
 * @since 0.1.0
 */

/** The top-level command names. @since 0.1.0 @category Constants */
export const commandNames: ReadonlyArray<string> = ["config", "onboard", "models", "chat", "logs", "image", "video", "tts", "transcribe", "worker", "demo"]

// The root command's options that take a value, and @effect/cli's built-in `--log-level`.
const withValue = new Set(["--config", "--base-url", "--connect-to", "--log-level"])
const flags = new Set(["--verbose"])
const informational = new Set(["--help", "-h", "--version"])

/** How an argument list reads at the top level. @since 0.1.0 @category Models */
export type Reading =
  /** The first positional argument, after the root options. */
  | { readonly _tag: "Command"; readonly name: string }
  /** No command: `--help`/`--version` (`informational`), or nothing but root options. */
  | { readonly _tag: "None"; readonly informational: boolean }
  /** Something this reader does not decide (an unknown option, `--wizard`, `--completions`, `--`). */
  | { readonly _tag: "Unsure" }

/** Reads an argument list (without the node and script entries) at the top level. @since 0.1.0 @category Parsing */
export const read = (argv: ReadonlyArray<string>): Reading => {
  let informationalSeen = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith("-")) return { _tag: "Command", name: arg }
    if (arg === "--") return { _tag: "Unsure" }
    const eq = arg.indexOf("=")
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (withValue.has(name)) {
      if (eq === -1) {
        if (i + 1 >= argv.length) return { _tag: "Unsure" }
        i++
      }
      continue
    }
    if (eq === -1 && flags.has(arg)) continue
    if (eq === -1 && informational.has(arg)) {
      informationalSeen = true
      continue
    }
    return { _tag: "Unsure" }
  }
  return { _tag: "None", informational: informationalSeen }
}

/**
 * The argument list the CLI parses: `config show` appended when there is no command and no
 * `--help`/`--version`; otherwise `argv` as it is.
 *
 * @since 0.1.0 @category Parsing
 */
export const effective = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const reading = read(argv)
  return reading._tag === "None" && !reading.informational ? [...argv, "config", "show"] : argv
}
