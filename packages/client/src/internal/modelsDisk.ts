/**
 * The disk copy of OpenRouter's model list: `<stateDir>/cache/openrouter-models.json`, holding
 * `{ version, baseUrl, fetchedAt, models }` (the raw `/models` entries). Reading never fails (a
 * missing, unreadable or foreign file is no cache); writing never fails either (it is logged), and
 * goes through `atomicFile`, so concurrent processes see the old list or the new one.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import type { Capabilities } from "../Models.js"
import { writeFileAtomic } from "./atomicFile.js"
import { parse } from "./jsonBody.js"
import { type Decoded, decodeEntries, fromApiModel } from "./modelsParse.js"

/** The disk cache's format version. */
export const CACHE_VERSION = 1

/** How long a disk copy is used before the network is asked again. */
export const CACHE_TTL: Duration.Duration = Duration.hours(24)

const cacheDirectory = (stateDir: string): string => `${stateDir.replace(/[\\/]+$/, "")}/cache`

/** The cache file under a state directory. */
export const cacheFile = (stateDir: string): string => `${cacheDirectory(stateDir)}/openrouter-models.json`

/** A model list, by id, and when it was fetched. */
export interface Snapshot {
  readonly fetchedAt: number
  readonly byId: ReadonlyMap<string, Capabilities>
  /** Read from an expired disk copy after the network failed: used, but replaced when possible. */
  readonly stale: boolean
}

/** The disk cache of one state directory. */
export interface Disk {
  /** The copy for `baseUrl`, `stale` when older than {@link CACHE_TTL}; `undefined` when there is none. */
  readonly read: (baseUrl: string, now: number) => Effect.Effect<Snapshot | undefined>
  readonly write: (baseUrl: string, fetchedAt: number, entries: ReadonlyArray<Decoded>) => Effect.Effect<void>
}

/** Capabilities by id of decoded entries. */
export const snapshotOf = (entries: ReadonlyArray<Decoded>, fetchedAt: number, stale: boolean): Snapshot => ({
  fetchedAt,
  stale,
  byId: new Map(entries.map(({ model }) => [model.id, fromApiModel(model)]))
})

const messageOf = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : String(error)

/** The disk cache under `stateDir`. */
export const make = (fs: FileSystem.FileSystem, stateDir: string): Disk => {
  const directory = cacheDirectory(stateDir)
  const file = cacheFile(stateDir)
  const ttl = Duration.toMillis(CACHE_TTL)
  return {
    read: (baseUrl, now) =>
      fs.readFileString(file).pipe(
        Effect.map((text): Snapshot | undefined => {
          const parsed = parse(text)
          if (!parsed.ok) return undefined
          const document = parsed.value
          if (
            !Predicate.isRecord(document) || document["version"] !== CACHE_VERSION ||
            document["baseUrl"] !== baseUrl || !Array.isArray(document["models"])
          ) return undefined
          const fetchedAt = document["fetchedAt"]
          if (typeof fetchedAt !== "number" || !Number.isFinite(fetchedAt)) return undefined
          const age = now - fetchedAt
          return snapshotOf(decodeEntries(document["models"]), fetchedAt, age < 0 || age >= ttl)
        }),
        // a missing or unreadable file is no cache (nor is a file system that dies on us)
        Effect.catchAllCause(() => Effect.succeed(undefined))
      ),
    write: (baseUrl, fetchedAt, entries) =>
      fs.makeDirectory(directory, { recursive: true }).pipe(
        Effect.zipRight(
          writeFileAtomic(file, JSON.stringify({ version: CACHE_VERSION, baseUrl, fetchedAt, models: entries.map((e) => e.raw) }))
        ),
        Effect.provideService(FileSystem.FileSystem, fs),
        // A cache write is not worth leaving half done: once started it finishes (or fails).
        Effect.uninterruptible,
        Effect.catchAllCause((cause) =>
          Effect.logWarning(`Could not write the model cache ${file}: ${messageOf(Cause.squash(cause))}`)
        )
      )
  }
}
