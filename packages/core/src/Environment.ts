/**
 * The environment as the config sees it: the real environment, filled in by the config's `env`
 * block, and `${VAR}` substitution. Pure: nothing here reads or writes `process.env`; callers
 * pass a snapshot.
 *
 * An environment variable that is set but empty (or only white space) counts as unset, everywhere.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import { ConfigError } from "./OpenRouterError.js"

/** A snapshot of environment variables. @since 0.1.0 @category Models */
export type Environment = Readonly<Record<string, string | undefined>>

/** A variable's value, `undefined` when it is unset or blank. @since 0.1.0 @category Reading */
export const get = (environment: Environment, name: string): string | undefined => {
  const value = Object.hasOwn(environment, name) ? environment[name] : undefined
  return value === undefined || value.trim() === "" ? undefined : value
}

/** Where a variable of the effective environment came from. @since 0.1.0 @category Models */
export type Origin = "environment" | "config"

/**
 * The effective environment and what the config's `env` block did to it.
 *
 * @since 0.1.0 @category Models
 */
export interface Effective {
  readonly values: Readonly<Record<string, string>>
  readonly origin: Readonly<Record<string, Origin>>
  /** Names the `env` block sets that the real environment already had with another value: the real one wins. */
  readonly shadowed: ReadonlyArray<string>
  /** Names in the `env` block that were not applied, with why. */
  readonly skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const BLOCKED = /^(?:NODE_OPTIONS|NODE_PATH|PATH|LD_[A-Z_]+|DYLD_[A-Z_]+)$/
const REFERENCE = /\$\$\{([A-Z_][A-Z0-9_]*)\}|\$\{([A-Z_][A-Z0-9_]*)\}/g

const record = (u: unknown): Record<string, unknown> | undefined =>
  Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined

/**
 * The entries of a config `env` block, in both forms: `env.vars.NAME` and the sugar `env.NAME`
 * (the keys `vars` and `shellEnv` excepted). When both name a variable, `env.vars` wins.
 *
 * @since 0.1.0 @category Reading
 */
export const blockEntries = (env: unknown): ReadonlyArray<readonly [string, unknown]> => {
  const block = record(env)
  if (block === undefined) return []
  const vars = record(block.vars) ?? {}
  const entries: Array<readonly [string, unknown]> = Object.entries(vars)
  for (const [name, value] of Object.entries(block)) {
    if (name === "vars" || name === "shellEnv" || Object.hasOwn(vars, name)) continue
    entries.push([name, value])
  }
  return entries
}

type Substituted = { readonly _tag: "ok"; readonly value: string } | { readonly _tag: "missing"; readonly name: string }

/**
 * Replaces every `${NAME}` (upper-case names) in a string with the variable's value; `$${NAME}`
 * stands for a literal `${NAME}`. Reports the first reference that is unset.
 *
 * @since 0.1.0 @category Substitution
 */
export const substituteString = (text: string, environment: Environment): Substituted => {
  let missing: string | undefined
  const value = text.replace(REFERENCE, (_match, escaped: string | undefined, name: string | undefined) => {
    if (escaped !== undefined) return "${" + escaped + "}"
    const found = get(environment, name ?? "")
    if (found === undefined) {
      missing ??= name
      return ""
    }
    return found
  })
  return missing === undefined ? { _tag: "ok", value } : { _tag: "missing", name: missing }
}

/**
 * The effective environment: the real environment, with the config's `env` block filling only
 * names that are unset or blank there. Block values may themselves use `${VAR}` from the real
 * environment; a value with an unresolved reference, a blank value, a non-string value, an
 * invalid name, and names that change how processes load code (`NODE_OPTIONS`, `PATH`, `LD_*`,
 * `DYLD_*`) are skipped.
 *
 * @since 0.1.0 @category Resolution
 */
export const effective = (env: unknown, environment: Environment): Effective => {
  const values: Record<string, string> = {}
  const origin: Record<string, Origin> = {}
  for (const name of Object.keys(environment)) {
    const value = get(environment, name)
    if (value !== undefined) {
      values[name] = value
      origin[name] = "environment"
    }
  }
  const shadowed: Array<string> = []
  const skipped: Array<{ name: string; reason: string }> = []
  for (const [name, raw] of blockEntries(env)) {
    if (!NAME.test(name)) {
      skipped.push({ name, reason: "not a valid variable name" })
      continue
    }
    if (BLOCKED.test(name)) {
      skipped.push({ name, reason: "this variable cannot be set from the config" })
      continue
    }
    if (typeof raw !== "string") {
      skipped.push({ name, reason: "the value is not a string" })
      continue
    }
    const substituted = substituteString(raw, environment)
    if (substituted._tag === "missing") {
      skipped.push({ name, reason: `it refers to \${${substituted.name}}, which is not set` })
      continue
    }
    if (substituted.value.trim() === "") {
      skipped.push({ name, reason: "the value is blank" })
      continue
    }
    if (origin[name] === "environment") {
      if (values[name] !== substituted.value) shadowed.push(name)
      continue
    }
    if (origin[name] === undefined) {
      values[name] = substituted.value
      origin[name] = "config"
    }
  }
  return { values, origin, shadowed, skipped }
}

/**
 * Writes a JSON path the way errors show it: `agents.defaults.models["openrouter/auto"].params`.
 *
 * @since 0.1.0 @category Formatting
 */
export const jsonPath = (path: ReadonlyArray<string | number>): string =>
  path.reduce<string>(
    (acc, segment) =>
      typeof segment === "number"
        ? `${acc}[${segment}]`
        : NAME.test(segment)
        ? acc === "" ? segment : `${acc}.${segment}`
        : `${acc}[${JSON.stringify(segment)}]`,
    ""
  )

/**
 * Substitutes `${VAR}` in every string of a JSON value, returning a new value (the input is not
 * touched). An unset variable is a {@link ConfigError} naming the variable and where it was used.
 *
 * @since 0.1.0 @category Substitution
 */
export const substitute = (
  value: unknown,
  environment: Environment,
  path: ReadonlyArray<string | number> = []
): Either.Either<unknown, ConfigError> => {
  if (typeof value === "string") {
    const result = substituteString(value, environment)
    if (result._tag === "ok") return Either.right(result.value)
    const where = jsonPath(path)
    return Either.left(
      new ConfigError({
        message: `The config refers to \${${result.name}}${
          where === "" ? "" : ` at ${where}`
        }, but ${result.name} is not set (nor set by the config's env block). Set it, or write $\${${result.name}} for a literal.`,
        ...(where === "" ? {} : { path: where })
      })
    )
  }
  if (Array.isArray(value)) {
    const out: Array<unknown> = []
    for (let i = 0; i < value.length; i++) {
      const item = substitute(value[i], environment, [...path, i])
      if (Either.isLeft(item)) return item
      out.push(item.right)
    }
    return Either.right(out)
  }
  const object = record(value)
  if (object !== undefined) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(object)) {
      const substituted = substitute(item, environment, [...path, key])
      if (Either.isLeft(substituted)) return substituted
      Object.defineProperty(out, key, { value: substituted.right, enumerable: true, writable: true, configurable: true })
    }
    return Either.right(out)
  }
  return Either.right(value)
}
