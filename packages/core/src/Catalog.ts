/**
 * The bundled model catalogue: the models this provider knows without asking OpenRouter, with
 * their metadata (OpenClaw's static catalogue, reference §1.2). Any other OpenRouter slug works
 * too; its metadata comes from the live `/models` list or falls back to the defaults below.
 *
 * @since 0.1.0
 */
import { DEFAULT } from "./ModelRef.js"
import { CANONICAL_BASE_URL } from "./RouteVerifier.js"

/** Prices in US dollars per million tokens. @since 0.1.0 @category Models */
export interface Cost {
  readonly input: number
  readonly output: number
  readonly cacheRead: number
  readonly cacheWrite: number
}

/** One catalogue entry. `id` is the OpenRouter API slug. @since 0.1.0 @category Models */
export interface Entry {
  readonly id: string
  readonly name: string
  /** Whether the model reasons; decides the default thinking level. */
  readonly reasoning: boolean
  readonly input: ReadonlyArray<"text" | "image">
  readonly cost: Cost
  readonly contextWindow: number
  readonly maxTokens: number
}

/** The base URL the bundled catalogue is served from. @since 0.1.0 @category Constants */
export const baseUrl = CANONICAL_BASE_URL

/** The default model ref, `openrouter/auto` (OpenRouter's automatic routing). @since 0.1.0 @category Constants */
export const defaultRef = DEFAULT

/** Context window of a model whose metadata is unknown. @since 0.1.0 @category Constants */
export const defaultContextWindow = 200_000

/** Output-token limit of a model whose metadata is unknown. @since 0.1.0 @category Constants */
export const defaultMaxTokens = 8192

/**
 * The bundled entries: `openrouter/auto` and the two Kimi models. Bare `auto` is a ref alias, not
 * a catalogue entry, and the retired stealth models `openrouter/hunter-alpha` and
 * `openrouter/healer-alpha` are deliberately absent.
 *
 * @since 0.1.0 @category Catalogue
 */
export const bundled: ReadonlyArray<Entry> = [
  {
    id: "openrouter/auto",
    name: "OpenRouter Auto",
    reasoning: false,
    input: ["text", "image"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextWindow: 200_000,
    maxTokens: 8192
  },
  {
    id: "moonshotai/kimi-k2.6",
    name: "MoonshotAI: Kimi K2.6",
    reasoning: true,
    input: ["text", "image"],
    cost: { input: 0.8, output: 3.5, cacheRead: 0.2, cacheWrite: 0 },
    contextWindow: 262_144,
    maxTokens: 262_144
  },
  {
    id: "moonshotai/kimi-k2.5",
    name: "MoonshotAI: Kimi K2.5",
    reasoning: true,
    input: ["text", "image"],
    cost: { input: 0.44, output: 2, cacheRead: 0.22, cacheWrite: 0 },
    contextWindow: 262_144,
    maxTokens: 262_144
  }
]

const byId = new Map(bundled.map((entry) => [entry.id, entry]))

/** The bundled entry for an API slug, if there is one. @since 0.1.0 @category Catalogue */
export const find = (slug: string): Entry | undefined => byId.get(slug)

/**
 * The metadata of any slug: the bundled entry, else an entry with the defaults OpenClaw gives an
 * unknown model (name = slug, text input, no reasoning, zero cost, 200 000 / 8192 tokens).
 *
 * @since 0.1.0 @category Catalogue
 */
export const describe = (slug: string): Entry =>
  find(slug) ?? {
    id: slug,
    name: slug,
    reasoning: false,
    input: ["text"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextWindow: defaultContextWindow,
    maxTokens: defaultMaxTokens
  }
