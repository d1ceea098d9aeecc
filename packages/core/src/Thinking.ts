/**
 * Thinking levels (reference §7.1, §7.2, §8): the levels, the words users type for them, the
 * default level of a model, and what each level becomes on the wire.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Catalog from "./Catalog.js"
import { BadInput } from "./OpenRouterError.js"

/** All levels, lowest first. @since 0.1.0 @category Constants */
export const levels = ["off", "minimal", "low", "medium", "high", "xhigh", "adaptive", "max"] as const

/** @since 0.1.0 @category Schemas */
export const Level = Schema.Literal(...levels)

/** @since 0.1.0 @category Models */
export type Level = typeof Level.Type

/** What `reasoning.effort` (and DeepSeek V4's `reasoning_effort`) can carry. @since 0.1.0 @category Models */
export type Effort = "minimal" | "low" | "medium" | "high" | "xhigh"

const aliasGroups: ReadonlyArray<readonly [Level, ReadonlyArray<string>]> = [
  ["off", ["off", "none", "disable", "disabled", "no", "false", "0"]],
  ["minimal", ["minimal", "min", "think"]],
  ["low", ["low", "on", "enable", "enabled", "true", "yes", "1", "thinkhard", "think-hard", "think_hard"]],
  ["medium", ["medium", "med", "mid", "harder", "thinkharder", "think-harder", "think_harder"]],
  ["high", ["high", "ultra", "highest", "ultrathink", "think-ultra", "thinkhardest", "think-hardest"]],
  ["xhigh", ["xhigh", "x-high", "x_high", "x high", "extrahigh", "extra-high", "extra_high", "extra high"]],
  ["adaptive", ["adaptive", "auto"]],
  ["max", ["max", "maximum"]]
]

const aliases: ReadonlyMap<string, Level> = new Map(
  aliasGroups.flatMap(([level, words]) => words.map((word) => [word, level] as const))
)

/**
 * Every word {@link parse} accepts, with the level it means.
 *
 * @since 0.1.0 @category Constants
 */
export const accepted: ReadonlyArray<readonly [string, Level]> = [...aliases.entries()]

/**
 * Reads a level or one of its aliases (trimmed, case-insensitive, runs of spaces folded).
 *
 * @since 0.1.0 @category Parsing
 */
export const normalize = (input: string): Level | undefined =>
  aliases.get(input.trim().toLowerCase().replace(/\s+/g, " "))

/**
 * Like {@link normalize}, failing with a {@link BadInput} that lists the levels.
 *
 * @since 0.1.0 @category Parsing
 */
export const parse = (input: string, field: string = "thinking"): Either.Either<Level, BadInput> => {
  const level = normalize(input)
  return level !== undefined
    ? Either.right(level)
    : Either.left(
      new BadInput({
        field,
        value: input,
        allowed: [...levels],
        message: `Unknown thinking level ${JSON.stringify(input)} for ${field}: use one of ${
          levels.join(", ")
        } (aliases such as on, think, auto, extrahigh and ultra are accepted too)`
      })
    )
}

const DEEPSEEK_V4 = new Set(["deepseek-v4-flash", "deepseek-v4-pro"])

/**
 * Whether a slug is DeepSeek V4 (`deepseek/deepseek-v4-flash` or `-pro`, any `:variant`, one
 * leading `openrouter/` ignored, case-insensitive).
 *
 * @since 0.1.0 @category Models
 */
export const isDeepSeekV4 = (slug: string): boolean => {
  const lower = slug.trim().toLowerCase().replace(/^openrouter\//, "")
  if (!lower.startsWith("deepseek/")) return false
  const rest = lower.slice("deepseek/".length)
  const colon = rest.indexOf(":")
  return DEEPSEEK_V4.has(colon < 0 ? rest : rest.slice(0, colon))
}

/** What a model's capabilities say about thinking. @since 0.1.0 @category Models */
export interface Capabilities {
  readonly reasoning: boolean
}

/**
 * A model's default level: `high` for DeepSeek V4 (its own thinking profile), else `low` when the
 * model reasons and `off` when it does not. Capabilities come from the argument, else from the
 * bundled catalogue; an unknown model without capabilities does not reason.
 *
 * @since 0.1.0 @category Defaults
 */
export const defaultLevel = (slug: string, capabilities?: Capabilities): Level => {
  if (isDeepSeekV4(slug)) return "high"
  const reasoning = capabilities?.reasoning ?? Catalog.find(slug)?.reasoning ?? false
  return reasoning ? "low" : "off"
}

/**
 * The `reasoning.effort` a level is sent as; `undefined` for `off` (nothing is injected).
 * `adaptive` → `medium`, `max` → `xhigh`.
 *
 * @since 0.1.0 @category Wire
 */
export const reasoningEffort = (level: Level): Effort | undefined => {
  switch (level) {
    case "off":
      return undefined
    case "adaptive":
      return "medium"
    case "max":
      return "xhigh"
    default:
      return level
  }
}

/**
 * DeepSeek V4's `reasoning_effort` for a level that is not `off`: the level itself up to
 * `xhigh`, `max` → `xhigh`, `adaptive` → `medium`, no level → `high`.
 *
 * @since 0.1.0 @category Wire
 */
export const deepSeekV4Effort = (level: Exclude<Level, "off"> | undefined): Effort =>
  level === undefined ? "high" : reasoningEffort(level) ?? "high"
