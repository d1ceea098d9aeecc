/**
 * What the command definitions share: loading a command's implementation on demand (its output
 * made safe), the refusal of key-looking values, and the options several commands take.
 *
 * @since 0.1.0
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
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

/**
 * An integer option checked against `min`..`max` when parsed: an out-of-range value is exit 2
 * with a message naming the flag and the allowed range, before anything is read or sent (the
 * client would otherwise clamp it silently).
 *
 * @since 0.1.0 @category Options
 */
export const boundedInteger = (name: string, min: number, max: number) =>
  // Read as text and parsed here: @effect/cli's own integer parse fails with "'abc' is not a
  // integer", naming no flag.
  Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.mapEffect((text) => {
      const value = /^[-+]?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
      return Number.isSafeInteger(value) && value >= min && value <= max
        ? Effect.succeed(value)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`)))
    })
  )

/**
 * Reads a decimal number (`4`, `1.5`, `.5`, `-2`, `1e1`): the whole text, nothing else (`Number`
 * alone would take `""`, `0x10` and `Infinity`).
 *
 * @since 0.1.0 @category Options
 */
export const parseDecimal = (text: string): number => {
  const trimmed = text.trim()
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN
}

/**
 * A number option checked against `min`..`max` when parsed, read as text and parsed here like
 * {@link boundedInteger}: anything else is exit 2 naming the flag and the allowed range, before
 * anything is read or sent (@effect/cli's float parse names no flag and takes any number).
 *
 * @since 0.1.0 @category Options
 */
export const boundedNumber = (name: string, min: number, max: number, unit = "") =>
  Options.text(name).pipe(
    Options.withPseudoName("number"),
    Options.mapEffect((text) => {
      const value = parseDecimal(text)
      return Number.isFinite(value) && value >= min && value <= max
        ? Effect.succeed(value)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be a number from ${min} to ${max}${unit} (got ${JSON.stringify(text)})`)))
    })
  )

/** `-m, --model`. @since 0.1.0 @category Options */
export const model = Options.text("model").pipe(
  Options.withAlias("m"),
  Options.withDescription("the model: openrouter/<provider>/<model>, a slug like openai/gpt-4o, or an alias (default: the configured model)"),
  Options.optional
)
/** `--dry-run`. @since 0.1.0 @category Options */
export const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("print the request that would be sent, send nothing"))
/** `--timeout-ms`. @since 0.1.0 @category Options */
export const timeoutMs = boundedInteger("timeout-ms", 1, 2_147_483_647).pipe(
  Options.withDescription("give up after this many milliseconds, at most 2147483647 (about 24.8 days; default: the configured timeout)"),
  Options.optional
)
/** `--force`. @since 0.1.0 @category Options */
export const force = Options.boolean("force").pipe(
  Options.withDescription("replace an existing output file (without it, a new unique name is used and printed)")
)
