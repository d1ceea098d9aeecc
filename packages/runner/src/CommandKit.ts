/**
 * What the command definitions share: loading a command's implementation on demand (its output
 * made safe), the refusal of key-looking values, and the options several commands take.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
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
export const boundedInteger = (name: string, min: number, max: number, alias?: string) => {
  // Read as text and parsed here: @effect/cli's own integer parse fails with "'abc' is not a
  // integer", naming no flag.
  const option = Options.text(name).pipe(
    Options.withPseudoName("integer"),
    Options.mapEffect((text) => {
      const value = /^[-+]?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN
      return Number.isSafeInteger(value) && value >= min && value <= max
        ? Effect.succeed(value)
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`${flagLabel(name, alias)} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`)))
    })
  )
  return alias === undefined ? option : Options.withAlias(option, alias)
}

// How a message names a flag: as the user may have typed it.
const flagLabel = (name: string, alias: string | undefined) => (alias === undefined ? `--${name}` : `-${alias}/--${name}`)

/**
 * One of fixed `choices`, read as text and checked here (letter case ignored, the value sent
 * spelled as listed): anything else is exit 2 naming the flag and what it accepts (`shown.list`,
 * when the full list is too long to print, e.g. the levels without their aliases). @effect/cli's
 * own choice names no flag ("Expected one of …").
 *
 * @since 0.1.0 @category Options
 */
export const choice = <const C extends ReadonlyArray<string>>(
  name: string,
  choices: C,
  shown?: { readonly list: string; readonly placeholder: string }
): Options.Options<C[number]> => {
  const byLower = new Map(choices.map((value) => [value.toLowerCase(), value] as const))
  return Options.text(name).pipe(
    // The help lists them: `--format mp3 | pcm`, or `CHOICE` and the list when it is long; a
    // list too long even for that (levels and their aliases) is named by `shown.placeholder`
    // and described by the option's own description.
    Options.withPseudoName(shown?.placeholder ?? choices.join(" | ")),
    Options.mapEffect((text) => {
      const found = byLower.get(text.trim().toLowerCase())
      return found !== undefined
        ? Effect.succeed(found as C[number])
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} must be one of ${shown?.list ?? choices.join(", ")} (got ${JSON.stringify(text)})`)))
    })
  )
}

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

/**
 * `-m, --model` of a command whose default is `configured` (e.g. "the configured image model").
 *
 * @since 0.1.0 @category Options
 */
export const modelOf = (configured: string) =>
  Options.text("model").pipe(
    Options.withAlias("m"),
    Options.withPseudoName("MODEL"),
    Options.withDescription(`the model: openrouter/<provider>/<model>, a slug like openai/gpt-4o, or an alias (default: ${configured})`),
    Options.optional
  )

/** `-m, --model` of `chat`. @since 0.1.0 @category Options */
export const model = modelOf("the configured model, else openrouter/auto")
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

/**
 * The `ID` of `video status` and `video wait`: a workflow execution id, the 32 hexadecimal digits
 * `video --durable` printed (what `@effect/workflow` derives from the job's key), read as text and
 * checked here: anything else is exit 2 naming `ID` and the form, before a database is opened.
 *
 * @since 0.1.0 @category Arguments
 */
export const executionId = Args.text({ name: "ID" }).pipe(
  Args.mapEffect((text) => {
    const id = text.trim().toLowerCase()
    return /^[0-9a-f]{32}$/.test(id)
      ? Effect.succeed(id)
      : Effect.fail(HelpDoc.p(`ID must be an execution id, the 32 hexadecimal digits \`video --durable\` printed (got ${JSON.stringify(text)})`))
  }),
  Args.withDescription("the execution id `video --durable` printed")
)
