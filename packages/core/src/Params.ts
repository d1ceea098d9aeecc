/**
 * Model params from the config's layers, merged the way OpenClaw merges them (reference §2.3,
 * §11): `agents.defaults.params` → `agents.defaults.models[ref].params` → `agents.list[id].params`
 * → the call's params, shallowly, later wins; then the transport patch puts
 * `models.providers.openrouter.params` beneath and merges the `provider` routing objects key by key.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as ResponseCache from "./ResponseCache.js"

/** A params object. @since 0.1.0 @category Models */
export type Params = Readonly<Record<string, unknown>>

const FORBIDDEN_KEYS = new Set(["__proto__", "prototype", "constructor"])

const isPlainObject = (u: unknown): u is Record<string, unknown> => Predicate.isRecord(u) && !Array.isArray(u)

/**
 * A copy with the keys `__proto__`, `prototype` and `constructor` dropped and `undefined` values
 * (and array entries) removed, recursively.
 *
 * @since 0.1.0 @category Sanitising
 */
export const sanitize = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(sanitize)
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key) || item === undefined) continue
    out[key] = sanitize(item)
  }
  return out
}

/** A sanitised params object, or `undefined` for anything that is not a non-empty object. @since 0.1.0 @category Sanitising */
export const fromUnknown = (value: unknown): Params | undefined => {
  if (!isPlainObject(value)) return undefined
  const clean = sanitize(value) as Record<string, unknown>
  return Object.keys(clean).length === 0 ? undefined : clean
}

/**
 * The effective extra params: the sources merged shallowly, lowest priority first, with the
 * response-cache aliases resolved across them and written under their canonical names.
 *
 * @since 0.1.0 @category Merging
 */
export const effective = (sources: ReadonlyArray<Params | undefined>): Record<string, unknown> => {
  const clean = sources.map(fromUnknown)
  const merged: Record<string, unknown> = Object.assign({}, ...clean.filter((s) => s !== undefined))
  return ResponseCache.canonicalize(merged, clean)
}

/**
 * The transport patch (§11): `{...providerWide, ...model, ...extra, provider}` where `provider` is
 * `{...providerWide.provider, ...model.provider, ...extra.provider}` and is present only when one
 * of them is a non-empty object. `undefined` when no source has anything.
 *
 * @since 0.1.0 @category Merging
 */
export const transport = (sources: {
  readonly providerWide?: Params | undefined
  readonly model?: Params | undefined
  readonly extra?: Params | undefined
}): Record<string, unknown> | undefined => {
  const layers = [sources.providerWide, sources.model, sources.extra].map(fromUnknown)
  if (layers.every((layer) => layer === undefined)) return undefined
  const merged: Record<string, unknown> = Object.assign({}, ...layers.filter((l) => l !== undefined))
  const routing = layers.map((layer) => fromUnknown(layer?.provider)).filter((r) => r !== undefined)
  // Assigning keeps `provider` where the spreads first put it: key order is part of OpenRouter's
  // response-cache key.
  if (routing.length > 0) merged.provider = Object.assign({}, ...routing)
  else delete merged.provider
  return merged
}
