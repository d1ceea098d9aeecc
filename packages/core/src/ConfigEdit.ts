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
import type * as Environment from "./Environment.js"
import * as internal from "./internal/configEdit.js"
import * as ModelRef from "./ModelRef.js"
import { ConfigError, type InvalidModelRef } from "./OpenRouterError.js"
import * as Settings from "./Settings.js"


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
  /** One human line; a key appears only masked (`Secret.mask`). */
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

/** The variable the key is stored under (`Settings.API_KEY_VARIABLE`). @since 0.1.0 @category Constants */
export const API_KEY_VARIABLE: typeof Settings.API_KEY_VARIABLE = Settings.API_KEY_VARIABLE

/** The alias the `openrouter/auto` entry gets when it has none (reference §1.4). @since 0.1.0 @category Constants */
export const DEFAULT_ALIAS = "OpenRouter"

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
    const root = yield* internal.rootOf(raw, "onboard")
    const apiKey = typeof options.apiKey === "string" ? options.apiKey.trim() : ""
    if (apiKey === "") {
      return yield* Either.left(
        new ConfigError({ message: "The OpenRouter API key is empty. Pass a key (sk-or-…).", path: `env.${API_KEY_VARIABLE}` })
      )
    }
    const log: internal.Log = { changes: [], warnings: [] }
    const withKey = yield* internal.storeKey(root, apiKey, options.environment, log)
    const document = yield* internal.selectModel(withKey, ModelRef.fromSlug(ModelRef.DEFAULT), "onboard", log, {
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
    const root = yield* internal.rootOf(raw, "set the model")
    const resolved = yield* ModelRef.resolve(ref, { document: root })
    const log: internal.Log = { changes: [], warnings: [] }
    const document = yield* internal.selectModel(root, resolved, "set the model", log, undefined)
    return { document, changes: log.changes, warnings: log.warnings }
  })

/**
 * A copy of a config for printing: every string under a key matching
 * `/key|token|secret|password/i`, and every value of the `env` block (both forms; `env.shellEnv`
 * excepted), is masked with `Secret.mask`; other strings that look like keys or bearer tokens are
 * redacted. A string that is only a `${VAR}` reference is not a secret and is shown as is.
 *
 * @since 0.1.0 @category Display
 */
export const withoutSecrets = (raw: unknown): unknown => {
  const root = internal.record(raw)
  if (root === undefined) return internal.scrub(raw, false)
  const out: internal.Json = {}
  for (const [key, value] of Object.entries(root)) {
    if (key === "env") {
      const env = internal.record(value)
      if (env === undefined) {
        internal.define(out, key, internal.scrub(value, true))
      } else {
        const scrubbed: internal.Json = {}
        for (const [name, item] of Object.entries(env)) {
          internal.define(scrubbed, name, internal.scrub(item, name !== "shellEnv"))
        }
        internal.define(out, key, scrubbed)
      }
    } else {
      internal.define(out, key, internal.scrub(value, internal.SECRET_KEY.test(key)))
    }
  }
  return out
}
