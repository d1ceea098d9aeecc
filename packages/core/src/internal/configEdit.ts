/**
 * The machinery of `ConfigEdit`: copy-on-write edits of the raw document that keep every key in its
 * position (`assoc`, `renameKey`), shape checks that say where the config is wrong, and the two
 * edits (`selectModel`, `storeKey`) and the scrubbing that `onboard`, `setModel` and
 * `withoutSecrets` are made of.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import type { Change } from "../ConfigEdit.js"
import * as Environment from "../Environment.js"
import * as ModelRef from "../ModelRef.js"
import { ConfigError } from "../OpenRouterError.js"
import { mask, redactSecrets } from "../Secret.js"
import { API_KEY_VARIABLE } from "../Settings.js"

/** A JSON object of the raw document. */
export type Json = Record<string, unknown>

export const record = (u: unknown): Json | undefined => (Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined)

const own = (object: Json, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined)

// defineProperty, not assignment: a JSON key `__proto__` is an ordinary key here.
export const define = (object: Json, key: string, value: unknown): void => {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A copy of `object` with `key` set to `value`: in its position when present, else appended. */
const assoc = (object: Json, key: string, value: unknown): Json => {
  const out: Json = {}
  let found = false
  for (const [k, v] of Object.entries(object)) {
    if (k === key) {
      found = true
      define(out, k, value)
    } else {
      define(out, k, v)
    }
  }
  if (!found) define(out, key, value)
  return out
}

/** A copy of `object` with the key `from` renamed to `to`, in the same position. */
const renameKey = (object: Json, from: string, to: string): Json => {
  const out: Json = {}
  for (const [k, v] of Object.entries(object)) define(out, k === from ? to : k, v)
  return out
}

const describeType = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : `a ${typeof value}`

const wrongShape = (path: ReadonlyArray<string>, value: unknown, expected: string, what: string): ConfigError => {
  const where = Environment.jsonPath(path)
  return new ConfigError({
    message: `Cannot ${what}: ${where === "" ? "the config" : where} is ${describeType(value)}, expected ${expected}. ` +
      `Fix the config by hand and try again.`,
    ...(where === "" ? {} : { path: where })
  })
}

/** The object at `key` of `parent`; `undefined` when absent; a ConfigError when it is something else. */
const objectAt = (
  parent: Json,
  path: ReadonlyArray<string>,
  what: string
): Either.Either<Json | undefined, ConfigError> => {
  const value = own(parent, path[path.length - 1] ?? "")
  if (value === undefined) return Either.right(undefined)
  const object = record(value)
  return object === undefined ? Either.left(wrongShape(path, value, "an object", what)) : Either.right(object)
}

/** The raw root: an object; a missing document (`undefined`, no file yet) counts as empty. */
export const rootOf = (raw: unknown, what: string): Either.Either<Json, ConfigError> => {
  if (raw === undefined) return Either.right({})
  const root = record(raw)
  return root === undefined ? Either.left(wrongShape([], raw, "an object", what)) : Either.right(root)
}

const REFERENCE_ONLY = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/

/** How a stored value is shown: a `${VAR}` reference as is, anything else masked. */
const shown = (value: unknown): string =>
  typeof value === "string"
    ? REFERENCE_ONLY.test(value.trim()) ? value.trim() : mask(value)
    : describeType(value)

const path = (...segments: ReadonlyArray<string>): string => Environment.jsonPath(segments)

export interface Log {
  readonly changes: Array<Change>
  readonly warnings: Array<string>
}

/**
 * Sets `agents.defaults.model.primary` (keeping `fallbacks`; a string model becomes `{ primary }`)
 * and moves a legacy `agents.defaults.models` entry of the ref to its canonical key.
 * With `ensureEntry`, also makes sure the canonical entry exists and has an alias.
 */
export const selectModel = (
  root: Json,
  ref: ModelRef.ModelRef,
  what: string,
  log: Log,
  ensureEntry: { readonly defaultAlias: string } | undefined
): Either.Either<Json, ConfigError> =>
  Either.gen(function*() {
    const key = ModelRef.format(ref)
    const agents = (yield* objectAt(root, ["agents"], what)) ?? {}
    const defaults = (yield* objectAt(agents, ["agents", "defaults"], what)) ?? {}

    // agents.defaults.model
    const model = own(defaults, "model")
    const primaryPath = path("agents", "defaults", "model", "primary")
    let nextModel: Json
    if (model === undefined) {
      nextModel = { primary: key }
      log.changes.push({ path: primaryPath, action: "set", description: `Set the primary model to ${key}.` })
    } else if (typeof model === "string") {
      nextModel = { primary: key }
      log.changes.push({
        path: primaryPath,
        action: "set",
        description: `Set the primary model to ${key} (agents.defaults.model was the string ${JSON.stringify(model)}).`
      })
    } else {
      const object = record(model)
      if (object === undefined) {
        return yield* Either.left(
          wrongShape(["agents", "defaults", "model"], model, "a model ref or an object { primary, fallbacks }", what)
        )
      }
      const previous = own(object, "primary")
      const fallbacks = own(object, "fallbacks")
      const kept = Array.isArray(fallbacks) && fallbacks.length > 0
        ? ` Kept ${fallbacks.length} fallback${fallbacks.length === 1 ? "" : "s"}.`
        : ""
      if (previous === key) {
        nextModel = object
        log.changes.push({ path: primaryPath, action: "kept", description: `The primary model is already ${key}.${kept}` })
      } else {
        nextModel = assoc(object, "primary", key)
        log.changes.push({
          path: primaryPath,
          action: "set",
          description: `Set the primary model to ${key}${
            typeof previous === "string" ? ` (was ${JSON.stringify(previous)})` : ""
          }.${kept}`
        })
      }
    }
    let nextDefaults = assoc(defaults, "model", nextModel)

    // agents.defaults.models
    const models = yield* objectAt(defaults, ["agents", "defaults", "models"], what)
    if (models !== undefined || ensureEntry !== undefined) {
      let nextModels = models ?? {}
      for (const legacy of ModelRef.configKeys(ref).slice(1)) {
        if (!Object.hasOwn(nextModels, legacy)) continue
        if (Object.hasOwn(nextModels, key)) {
          log.warnings.push(
            `agents.defaults.models has both ${JSON.stringify(key)} and the legacy key ${JSON.stringify(legacy)}; ` +
              `the legacy entry is ignored and was left as is. Merge it into ${JSON.stringify(key)} and remove it.`
          )
        } else {
          nextModels = renameKey(nextModels, legacy, key)
          log.changes.push({
            path: path("agents", "defaults", "models", legacy),
            action: "moved",
            description: `Moved the legacy entry ${JSON.stringify(legacy)} to its canonical key ${JSON.stringify(key)}.`
          })
        }
      }
      if (ensureEntry !== undefined) {
        const entryPath = ["agents", "defaults", "models", key]
        const entry = (yield* objectAt(nextModels, entryPath, what)) ?? {}
        const alias = own(entry, "alias")
        const aliasPath = path(...entryPath, "alias")
        if (typeof alias === "string" && alias.trim() !== "") {
          log.changes.push({
            path: aliasPath,
            action: "kept",
            description: `Kept the alias ${JSON.stringify(alias)} of ${key}.`
          })
        } else {
          nextModels = assoc(nextModels, key, assoc(entry, "alias", ensureEntry.defaultAlias))
          log.changes.push({
            path: aliasPath,
            action: "set",
            description: `Set the alias of ${key} to ${JSON.stringify(ensureEntry.defaultAlias)}.`
          })
        }
      }
      nextDefaults = assoc(nextDefaults, "models", nextModels)
    }

    return assoc(root, "agents", assoc(agents, "defaults", nextDefaults))
  })

/**
 * Stores the API key in the `env` block: under `env.vars.OPENROUTER_API_KEY` when the document
 * already has an `env.vars` object, else under `env.OPENROUTER_API_KEY` (the seed's form).
 */
export const storeKey = (
  root: Json,
  apiKey: string,
  environment: Environment.Environment,
  log: Log
): Either.Either<Json, ConfigError> =>
  Either.gen(function*() {
    const what = "store the API key"
    const env = (yield* objectAt(root, ["env"], what)) ?? {}
    const vars = record(own(env, "vars"))
    const target = vars ?? env
    const keyPath = vars === undefined ? ["env", API_KEY_VARIABLE] : ["env", "vars", API_KEY_VARIABLE]
    const where = path(...keyPath)
    const previous = own(target, API_KEY_VARIABLE)

    let nextEnv: Json
    if (previous === apiKey) {
      nextEnv = env
      log.changes.push({ path: where, action: "kept", description: `${where} already holds this key (${mask(apiKey)}).` })
    } else {
      nextEnv = vars === undefined
        ? assoc(env, API_KEY_VARIABLE, apiKey)
        : assoc(env, "vars", assoc(vars, API_KEY_VARIABLE, apiKey))
      log.changes.push({
        path: where,
        action: "set",
        description: previous === undefined
          ? `Stored the key ${mask(apiKey)} in ${where}.`
          : `Replaced ${shown(previous)} in ${where} with the key ${mask(apiKey)}.`
      })
      if (typeof previous === "string" && REFERENCE_ONLY.test(previous.trim())) {
        log.warnings.push(`${where} was the reference ${previous.trim()}; it now holds the key itself.`)
      }
    }

    if (vars !== undefined) {
      const sugar = own(env, API_KEY_VARIABLE)
      if (sugar !== undefined && sugar !== apiKey) {
        log.warnings.push(
          `env.${API_KEY_VARIABLE} is also set, with another value; env.vars.${API_KEY_VARIABLE} takes precedence ` +
            `over it. Remove env.${API_KEY_VARIABLE} to avoid confusion.`
        )
      }
    }

    const fromEnvironment = Environment.get(environment, API_KEY_VARIABLE)
    if (fromEnvironment !== undefined && fromEnvironment.trim() !== apiKey) {
      log.warnings.push(
        `${API_KEY_VARIABLE} is set in your environment to a different key, and the environment wins over the ` +
          `config: the key stored in ${where} will not be used until you unset ${API_KEY_VARIABLE}.`
      )
    }

    return assoc(root, "env", nextEnv)
  })

export const SECRET_KEY = /key|token|secret|password/i

const maskValue = (text: string): string =>
  text === "" || REFERENCE_ONLY.test(text.trim()) ? text : mask(text)

export const scrub = (value: unknown, secret: boolean): unknown => {
  if (typeof value === "string") return secret ? maskValue(value) : redactSecrets(value)
  if (Array.isArray(value)) return value.map((item) => scrub(item, secret))
  const object = record(value)
  if (object === undefined) return value
  const out: Json = {}
  for (const [key, item] of Object.entries(object)) define(out, key, scrub(item, secret || SECRET_KEY.test(key)))
  return out
}
