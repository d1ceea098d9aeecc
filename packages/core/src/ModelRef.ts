/**
 * Model refs: what a user writes to pick a model, and what it means on the wire.
 *
 * Accepted forms (reference §1.1):
 * - `openrouter/<author>/<slug>` → API slug `<author>/<slug>`
 * - `<author>/<slug>`, a bare OpenRouter slug (there is only one provider here)
 * - `openrouter/auto` and bare `auto` → `openrouter/auto`; `openrouter/<router>` → `openrouter/<router>`
 * - the aliases `openrouter:auto` and `openrouter:free` (the first configured `:free` model)
 *
 * Presets (`@preset/…`), variants (`:free`, `:nitro`), date (`@20250514`) and quant (`@q8_0`,
 * `@4bit`) suffixes stay part of the slug. A trailing `@<profile>` is refused: there are no auth
 * profiles in openrouter-effect.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import { InvalidModelRef } from "./OpenRouterError.js"

/**
 * A resolved model ref.
 *
 * @since 0.1.0 @category Models
 */
export interface ModelRef {
  /** The OpenRouter API slug, sent as the request's `model`. */
  readonly slug: string
  /** The canonical config key (`agents.defaults.models[key]`), also the canonical way to write the ref. */
  readonly key: string
}

/** @since 0.1.0 @category Constants */
export const PROVIDER = "openrouter"

/** The default ref. @since 0.1.0 @category Constants */
export const DEFAULT = "openrouter/auto"

/** How the accepted forms are described in errors. @since 0.1.0 @category Constants */
export const ACCEPTED_FORMS =
  "openrouter/<author>/<slug>, <author>/<slug>, openrouter/auto, auto, openrouter:auto, openrouter:free"

/**
 * Options for {@link resolve}.
 *
 * @since 0.1.0 @category Models
 */
export interface ResolveOptions {
  /** The config document (raw or decoded): where `openrouter:free` looks for a free model. */
  readonly document?: unknown
}

const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u
const DATE_SUFFIX = /^\d{8}$/
const QUANT_SUFFIX = /^(?:i?q\d+(?:_[a-z0-9]+)*|\d+bits?|fp\d+|bf16|int\d+|awq|gptq|gguf|mlx|exl2)$/i

/**
 * The canonical config key of an API slug: the slug itself when it is `openrouter/<name>` (a
 * router such as `openrouter/auto`), else `openrouter/<slug>`. A longer slug under the author
 * `openrouter` keeps the prefix too, so the key always reads back as the same slug.
 *
 * @since 0.1.0 @category Config keys
 */
export const keyOf = (slug: string): string =>
  // Case-sensitive: the key `OPENROUTER/x` would read back as the router `openrouter/x`, not the
  // slug `OPENROUTER/x` (an author spelled in capitals), so that slug keeps the prefix.
  slug.startsWith(`${PROVIDER}/`) && !slug.slice(PROVIDER.length + 1).includes("/")
    ? slug
    : `${PROVIDER}/${slug}`

/**
 * The keys under which per-model config may be stored, canonical first: for `openrouter/auto`
 * also the legacy duplicated key `openrouter/openrouter/auto`.
 *
 * @since 0.1.0 @category Config keys
 */
export const configKeys = (ref: ModelRef): ReadonlyArray<string> => {
  const legacy = `${PROVIDER}/${ref.slug}`
  return legacy === ref.key ? [ref.key] : [ref.key, legacy]
}

/** Builds a ref from an API slug (no validation). @since 0.1.0 @category Constructors */
export const fromSlug = (slug: string): ModelRef => ({ slug, key: keyOf(slug) })

/**
 * The canonical written form of a ref (its config key). `parse(format(r))` gives `r` back.
 *
 * @since 0.1.0 @category Formatting
 */
export const format = (ref: ModelRef): string => ref.key

/** Whether the ref is OpenRouter's automatic router. @since 0.1.0 @category Predicates */
export const isAuto = (ref: ModelRef): boolean => ref.slug === DEFAULT

const invalid = (input: string, reason: string): Either.Either<never, InvalidModelRef> =>
  Either.left(
    new InvalidModelRef({
      input,
      reason,
      message: `Invalid model ref ${JSON.stringify(input)}: ${reason}. Accepted forms: ${ACCEPTED_FORMS}.`
    })
  )

const record = (u: unknown): Record<string, unknown> | undefined =>
  Predicate.isRecord(u) && !Array.isArray(u) ? u : undefined

/**
 * The concrete model `openrouter:free` stands for: the first key of `agents.defaults.models` of
 * the form `openrouter/<author>/<slug>:free`, else the first `models.providers.openrouter.models[].id`
 * that contains `/` and ends with `:free`.
 *
 * @since 0.1.0 @category Resolution
 */
export const firstFreeModel = (document: unknown): string | undefined => {
  const root = record(document)
  const models = record(record(record(root?.agents)?.defaults)?.models)
  for (const key of Object.keys(models ?? {})) {
    const slash = key.indexOf("/")
    if (slash < 0) continue
    const provider = key.slice(0, slash).trim().toLowerCase()
    const model = key.slice(slash + 1).trim()
    if (provider === PROVIDER && model.includes("/") && model.endsWith(":free")) return model
  }
  const list = record(record(record(root?.models)?.providers)?.[PROVIDER])?.models
  if (Array.isArray(list)) {
    for (const entry of list) {
      const id = record(entry)?.id
      if (typeof id === "string" && id.includes("/") && id.trim().endsWith(":free")) return id.trim()
    }
  }
  return undefined
}

const checkSlug = (input: string, slug: string): Either.Either<ModelRef, InvalidModelRef> => {
  if (WHITESPACE_OR_CONTROL.test(slug)) return invalid(input, "a model id cannot contain spaces or control characters")
  const segments = slug.split("/")
  if (segments.some((segment) => segment === "")) return invalid(input, "a model id cannot have an empty path segment")
  const last = segments[segments.length - 1] ?? ""
  const at = last.lastIndexOf("@")
  if (at >= 0) {
    const suffix = last.slice(at + 1)
    if (at === 0) return invalid(input, `the last segment ${JSON.stringify(last)} is not a model name`)
    if (!DATE_SUFFIX.test(suffix) && !QUANT_SUFFIX.test(suffix)) {
      return invalid(
        input,
        `"@${suffix}" looks like an auth-profile suffix, and openrouter-effect has no auth profiles` +
          ` (date suffixes like @20250514 and quant suffixes like @q8_0 are kept as part of the id)`
      )
    }
  }
  return Either.right(fromSlug(slug))
}

/**
 * Resolves a model ref to its API slug and config key, reading the config for `openrouter:free`.
 * Never throws: anything that is not an accepted form is an {@link InvalidModelRef}.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolve = (input: string, options: ResolveOptions = {}): Either.Either<ModelRef, InvalidModelRef> => {
  if (typeof input !== "string") return invalid(String(input), "a model ref is a string")
  const trimmed = input.trim()
  if (trimmed === "") return invalid(input, "it is empty")
  const lower = trimmed.toLowerCase()
  if (lower === "openrouter:auto" || lower === "auto") return Either.right(fromSlug(DEFAULT))
  if (lower === "openrouter:free") {
    const free = options.document === undefined ? undefined : firstFreeModel(options.document)
    if (free === undefined) {
      return invalid(
        input,
        "openrouter:free needs a configured free model: a key like openrouter/<author>/<slug>:free under " +
          "agents.defaults.models, or an id ending in :free under models.providers.openrouter.models"
      )
    }
    return checkSlug(input, free)
  }
  const slash = trimmed.indexOf("/")
  if (slash < 0) {
    return invalid(input, "a bare name is not an OpenRouter model id (write <author>/<slug>, e.g. openai/gpt-4o)")
  }
  const provider = trimmed.slice(0, slash).trim()
  const model = trimmed.slice(slash + 1).trim()
  if (provider === "") return invalid(input, "the part before the first / is empty")
  if (model === "") return invalid(input, "the model after the first / is empty")
  if (provider.toLowerCase() === PROVIDER) {
    return checkSlug(input, model.includes("/") ? model : `${PROVIDER}/${model}`)
  }
  return checkSlug(input, `${provider}/${model}`)
}

/**
 * Parses a ref without config. The same as {@link resolve} with no document, so `openrouter:free`
 * is refused with a message that says what it needs.
 *
 * @since 0.1.0 @category Resolution
 */
export const parse = (input: string): Either.Either<ModelRef, InvalidModelRef> => resolve(input)
