/**
 * Edits of the OpenClaw-shaped config document, for `onboard --auth-choice openrouter-api-key` and
 * `models set REF` (reference §1.1, §1.4, §2.2).
 *
 * Every edit starts from the RAW document, as parsed by JSON5 and before `${VAR}` substitution, so
 * `${VAR}` references stay references. An edit returns a new document: the input is never mutated,
 * every key it does not own is kept untouched (the same value, by reference) and in its position,
 * and new keys are appended. Parts of the input that are not changed are shared with the result.
 *
 * Besides the document, an edit reports what it did ({@link Change}, with secrets masked) and what
 * the user should know (warnings, never containing a key).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Environment from "./Environment.js"
import * as ModelRef from "./ModelRef.js"
import { ConfigError, type InvalidModelRef } from "./OpenRouterError.js"
import { mask, redactSecrets } from "./Secret.js"

/**
 * One thing an edit did (or found already done), for the CLI to print.
 *
 * @since 0.1.0 @category Models
 */
export interface Change {
  /** Where, as a JSON path: `env.OPENROUTER_API_KEY`, `agents.defaults.models["openrouter/auto"]`. */
  readonly path: string
  /** `set`: a value was written; `kept`: it already held what we wanted; `moved`: an entry changed key. */
  readonly action: "set" | "kept" | "moved"
  /** One human line; a key appears only masked ({@link mask}). */
  readonly description: string
}

/**
 * The result of an edit.
 *
 * @since 0.1.0 @category Models
 */
export interface Edit {
  /** The new raw document, to be written back. */
  readonly document: Record<string, unknown>
  readonly changes: ReadonlyArray<Change>
  /** Things the user should know (e.g. the environment shadows the stored key). Never contain a key. */
  readonly warnings: ReadonlyArray<string>
}

/**
 * Options for {@link onboard}.
 *
 * @since 0.1.0 @category Models
 */
export interface OnboardOptions {
  /** The OpenRouter API key to store. Surrounding white space is trimmed; blank is refused. */
  readonly apiKey: string
  /** A snapshot of the real environment, to tell whether `OPENROUTER_API_KEY` there will shadow the stored key. */
  readonly environment: Environment.Environment
}

/** The variable the key is stored under. @since 0.1.0 @category Constants */
export const API_KEY_VARIABLE = "OPENROUTER_API_KEY"

/** The alias the `openrouter/auto` entry gets when it has none (reference §1.4). @since 0.1.0 @category Constants */
export const DEFAULT_ALIAS = "OpenRouter"

type Json = Record<string, unknown>

const record = (u: unknown): Json | undefined => (Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined)

const own = (object: Json, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined)

// defineProperty, not assignment: a JSON key `__proto__` is an ordinary key here.
const define = (object: Json, key: string, value: unknown): void => {
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
const rootOf = (raw: unknown, what: string): Either.Either<Json, ConfigError> => {
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

interface Log {
  readonly changes: Array<Change>
  readonly warnings: Array<string>
}

/**
 * Sets `agents.defaults.model.primary` (keeping `fallbacks`; a string model becomes `{ primary }`)
 * and moves a legacy `agents.defaults.models` entry of the ref to its canonical key.
 * With `ensureEntry`, also makes sure the canonical entry exists and has an alias.
 */
const selectModel = (
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
const storeKey = (
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

/**
 * Onboarding with an OpenRouter API key (`onboard --auth-choice openrouter-api-key`, reference
 * §1.4 `applyOpenrouterConfig`):
 *
 * - the key goes under `env.OPENROUTER_API_KEY`, or `env.vars.OPENROUTER_API_KEY` when the document
 *   already has an `env.vars` object;
 * - `agents.defaults.model.primary = "openrouter/auto"`, existing `fallbacks` kept (a string
 *   `agents.defaults.model` becomes `{ primary: "openrouter/auto" }`);
 * - an entry `agents.defaults.models["openrouter/auto"]` whose `alias` is the existing one, or
 *   `"OpenRouter"`; its other fields are kept. A legacy `openrouter/openrouter/auto` entry is moved
 *   to the canonical key first.
 *
 * Warns when a non-empty `OPENROUTER_API_KEY` in the environment differs from the stored key (the
 * environment wins). A root that is not an object, a value on the way that is not an object, or a
 * blank key is a {@link ConfigError}. `undefined` (no config file yet) counts as an empty document.
 * Onboarding twice gives the same document as onboarding once.
 *
 * @since 0.1.0 @category Editing
 */
export const onboard = (raw: unknown, options: OnboardOptions): Either.Either<Edit, ConfigError> =>
  Either.gen(function*() {
    const root = yield* rootOf(raw, "onboard")
    const apiKey = typeof options.apiKey === "string" ? options.apiKey.trim() : ""
    if (apiKey === "") {
      return yield* Either.left(
        new ConfigError({ message: "The OpenRouter API key is empty. Pass a key (sk-or-…).", path: `env.${API_KEY_VARIABLE}` })
      )
    }
    const log: Log = { changes: [], warnings: [] }
    const withKey = yield* storeKey(root, apiKey, options.environment, log)
    const document = yield* selectModel(withKey, ModelRef.fromSlug(ModelRef.DEFAULT), "onboard", log, {
      defaultAlias: DEFAULT_ALIAS
    })
    return { document, changes: log.changes, warnings: log.warnings }
  })

/**
 * Selecting the primary model (`models set REF`): resolves `ref` against the document (so
 * `openrouter:free` finds the configured free model), sets `agents.defaults.model.primary` to its
 * canonical config key keeping `fallbacks` (a string model becomes `{ primary }`), and moves a
 * legacy `agents.defaults.models` entry (`openrouter/openrouter/auto`) to the canonical key in the
 * same position. When both keys exist, the canonical one is kept, the legacy one left, and a warning
 * says so. No `agents.defaults.models` entry is created.
 *
 * @since 0.1.0 @category Editing
 */
export const setModel = (raw: unknown, ref: string): Either.Either<Edit, InvalidModelRef | ConfigError> =>
  Either.gen(function*() {
    const root = yield* rootOf(raw, "set the model")
    const resolved = yield* ModelRef.resolve(ref, { document: root })
    const log: Log = { changes: [], warnings: [] }
    const document = yield* selectModel(root, resolved, "set the model", log, undefined)
    return { document, changes: log.changes, warnings: log.warnings }
  })

const SECRET_KEY = /key|token|secret|password/i

const maskValue = (text: string): string =>
  text === "" || REFERENCE_ONLY.test(text.trim()) ? text : mask(text)

const scrub = (value: unknown, secret: boolean): unknown => {
  if (typeof value === "string") return secret ? maskValue(value) : redactSecrets(value)
  if (Array.isArray(value)) return value.map((item) => scrub(item, secret))
  const object = record(value)
  if (object === undefined) return value
  const out: Json = {}
  for (const [key, item] of Object.entries(object)) define(out, key, scrub(item, secret || SECRET_KEY.test(key)))
  return out
}

/**
 * A copy of a config for printing: every string under a key matching
 * `/key|token|secret|password/i`, and every value of the `env` block (both forms; `env.shellEnv`
 * excepted), is masked with {@link mask}; other strings that look like keys or bearer tokens are
 * redacted. A string that is only a `${VAR}` reference is not a secret and is shown as is.
 *
 * @since 0.1.0 @category Display
 */
export const withoutSecrets = (raw: unknown): unknown => {
  const root = record(raw)
  if (root === undefined) return scrub(raw, false)
  const out: Json = {}
  for (const [key, value] of Object.entries(root)) {
    if (key === "env") {
      const env = record(value)
      if (env === undefined) {
        define(out, key, scrub(value, true))
      } else {
        const scrubbed: Json = {}
        for (const [name, item] of Object.entries(env)) {
          define(scrubbed, name, scrub(item, name !== "shellEnv"))
        }
        define(out, key, scrubbed)
      }
    } else {
      define(out, key, scrub(value, SECRET_KEY.test(key)))
    }
  }
  return out
}
