/**
 * What the command definitions share: loading a command's implementation on demand (its output
 * made safe), the refusal of key-looking values, and the options several commands take.
 *
 * @since 0.1.0
 */
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Output from "./Output.js"

/**
 * Runs `f` on the module `load` imports: a command's implementation, loaded when it runs. What it
 * prints goes through `Output.withSafeConsole` (known keys masked, control characters visible).
 *
 * @since 0.1.0 @category Loading
 */
export const onDemand = <M, A, E, R>(load: () => Promise<M>, f: (module: M) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Output.withSafeConsole(Effect.flatMap(Effect.promise(load), f))

/**
 * Runs `effect` unless one of the text values in `args` looks like an API key (see
 * `Output.refuseKeyLike`): then a `BadInput` naming the flag, before anything is read, sent or
 * written. `skip` names the fields that are content, not flags (a prompt, the text to speak);
 * `names` the positional arguments (`ref` is `REF`).
 *
 * @since 0.1.0 @category Checking
 */
export const guarded = <A, E, R>(
  args: Readonly<Record<string, unknown>>,
  options: Parameters<typeof Output.textValues>[1],
  effect: Effect.Effect<A, E, R>
) => Effect.zipRight(Output.refuseKeyLike(Output.textValues(args, options)), effect)

/** `--model`. @since 0.1.0 @category Options */
export const model = Options.text("model").pipe(Options.withDescription("a model ref"), Options.optional)
/** `--dry-run`. @since 0.1.0 @category Options */
export const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("print the request that would be sent, send nothing"))
/** `--timeout-ms`. @since 0.1.0 @category Options */
export const timeoutMs = Options.integer("timeout-ms").pipe(Options.optional)
/** `--force`. @since 0.1.0 @category Options */
export const force = Options.boolean("force").pipe(
  Options.withDescription("replace an existing output file (without it, a new unique name is used and printed)")
)
