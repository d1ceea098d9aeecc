/**
 * The handler context of a running simulator: options with defaults, ids, the clock and shared
 * state.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import type { Generation, Options, ResolvedOptions, SimContext } from "./Types.js"

/** The defaults of {@link Options}. @since 0.1.0 @category Constructors */
export const resolveOptions = (options: Options = {}): ResolvedOptions => ({
  port: options.port ?? 0,
  apiKeys: options.apiKeys ?? [],
  publicBaseUrl: options.publicBaseUrl,
  pollingUrl: options.pollingUrl ?? "absolute",
  cdn: options.cdn ?? false,
  videoProcessingMs: options.videoProcessingMs ?? 2000,
  videoBytes: options.videoBytes ?? 1024 * 1024,
  videoCompletedAtSubmit: options.videoCompletedAtSubmit ?? false,
  bench: options.bench ?? false,
  replyText: options.replyText ?? "Hello from the OpenRouter simulator. Everything is working.",
  streamDeltas: options.streamDeltas
})

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const alphanumerics = (length: number): string => {
  const bytes = randomBytes(length)
  let out = ""
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length]
  return out
}

/**
 * A context. `publicBaseUrl` is the base absolute URLs are built from; `now` defaults to the
 * real clock.
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (options: {
  readonly options: ResolvedOptions
  readonly publicBaseUrl: string
  readonly cdnBaseUrl?: string | undefined
  readonly now?: () => number
}): SimContext => {
  const now = options.now ?? Date.now
  const generations = new Map<string, Generation>()
  return {
    options: options.options,
    publicBaseUrl: options.publicBaseUrl.replace(/\/+$/, ""),
    cdnBaseUrl: options.cdnBaseUrl,
    now,
    nextId: (prefix) =>
      prefix === "gen" ? `gen-${Math.floor(now() / 1000)}-${alphanumerics(20)}` : `${prefix}-${alphanumerics(16)}`,
    state: new Map(),
    recordGeneration: (generation) => {
      generations.set(generation.id, generation)
    },
    generation: (id) => generations.get(id)
  }
}
