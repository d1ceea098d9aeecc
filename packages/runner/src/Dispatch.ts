/**
 * Which bundle of the CLI runs an argument list.
 *
 * The bin ships one self-contained bundle per command family (`dist/<bundle>/main.js`), each with
 * the whole command tree but only its own family's implementation, plus `all`, which has every
 * implementation behind on-demand chunks. Why not one bundle with a chunk per command: esbuild
 * puts each shared module (effect's `Schema`, `Stream`, …) in one chunk with everything any
 * command uses of it, so `--version` would pay for the chat, video and speech code paths of
 * those modules. Measured on this project: see the runner README.
 *
 * This module is pure and dependency-free: the bin imports it before any bundle. It reads the
 * argument list with the root command's grammar (`--config`, `--base-url`, `--connect-to` take a
 * value, `--verbose` none, and @effect/cli's built-ins) and picks a family only when it is sure;
 * anything else (an unknown option, `--wizard`, `--completions`, an unknown command) goes to
 * `all`, which runs every command, so a wrong guess can cost time but never behaviour.
 *
 * @since 0.1.0
 */

/** The bundles. @since 0.1.0 @category Models */
export type Bundle = "base" | "config" | "chat" | "image" | "video" | "speech" | "demo" | "all"

/** The top-level commands and the bundle that implements each. @since 0.1.0 @category Constants */
export const families: Readonly<Record<string, Exclude<Bundle, "base" | "all">>> = {
  config: "config",
  onboard: "config",
  models: "config",
  chat: "chat",
  image: "image",
  video: "video",
  tts: "speech",
  transcribe: "speech",
  demo: "demo"
}

/** The top-level command names. @since 0.1.0 @category Constants */
export const commandNames: ReadonlyArray<string> = Object.keys(families)

/** Every bundle the build makes. @since 0.1.0 @category Constants */
export const bundles: ReadonlyArray<Bundle> = ["base", "config", "chat", "image", "video", "speech", "demo", "all"]

// The root command's options that take a value, and @effect/cli's built-in `--log-level`.
const withValue = new Set(["--config", "--base-url", "--connect-to", "--log-level"])
const flags = new Set(["--verbose"])
const informational = new Set(["--help", "-h", "--version"])

/** How an argument list reads at the top level. @since 0.1.0 @category Models */
export type Reading =
  /** The first positional argument, after the root options. */
  | { readonly _tag: "Command"; readonly name: string }
  /** No command: `--help`/`--version` alone (`informational`), or nothing (then `config show`). */
  | { readonly _tag: "None"; readonly informational: boolean }
  /** Something this reader does not decide (an unknown option, `--wizard`, `--completions`). */
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

/** The bundle that runs `argv`. @since 0.1.0 @category Parsing */
export const bundleOf = (argv: ReadonlyArray<string>): Bundle => {
  const reading = read(argv)
  switch (reading._tag) {
    case "Command":
      return Object.hasOwn(families, reading.name) ? families[reading.name]! : "all"
    case "None":
      return reading.informational ? "base" : "config"
    case "Unsure":
      return "all"
  }
}

/**
 * The argument list the CLI parses: with no command (and no `--help`/`--version`), `config show`
 * is what runs.
 *
 * @since 0.1.0 @category Parsing
 */
export const effectiveArgv = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const reading = read(argv)
  return reading._tag === "None" && !reading.informational ? [...argv, "config", "show"] : argv
}
