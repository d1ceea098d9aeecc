/**
 * The implementation of the `Models` service: memory → disk → network lookups, one network fetch
 * at a time, and the fallbacks (an expired disk copy, else the bundled catalogue) when a lookup
 * fails.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Catalog from "@openrouter-effect/core/Catalog"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import type * as Thinking from "@openrouter-effect/core/Thinking"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { Capabilities, Service } from "../Models.js"
import * as OpenRouterHttp from "../OpenRouterHttp.js"
import { readJson } from "./jsonBody.js"
import type { Disk, Snapshot } from "./modelsDisk.js"
import { snapshotOf } from "./modelsDisk.js"
import { decodeEntries, entriesOf, fromCatalogEntry } from "./modelsParse.js"

/** After a failed lookup, how long callers get the fallback without asking the network again. */
export const FAILURE_COOLDOWN: Duration.Duration = Duration.minutes(5)

/** Per attempt, until the response headers arrive (§1.3). */
export const FETCH_TIMEOUT: Duration.Duration = Duration.seconds(10)

/** Reading the `/models` body, after the headers. */
export const BODY_TIMEOUT: Duration.Duration = Duration.seconds(30)

/** The bundled catalogue as capabilities. */
export const bundled: ReadonlyArray<Capabilities> = Catalog.bundled.map(fromCatalogEntry)

const bundledById: ReadonlyMap<string, Capabilities> = new Map(bundled.map((c) => [c.id, c]))

interface State {
  readonly live: Snapshot | undefined
  readonly failedAt: number | undefined
}

/** The service, with the disk cache `disk` (none when `undefined`). */
export const make = (disk: Disk | undefined): Effect.Effect<Service, never, OpenRouterHttp.OpenRouterHttp> =>
  Effect.gen(function*() {
    const http = yield* OpenRouterHttp.OpenRouterHttp
    const state = yield* SynchronizedRef.make<State>({ live: undefined, failedAt: undefined })
    const cooldown = Duration.toMillis(FAILURE_COOLDOWN)

    // GET /models → decoded entries; memory is the caller's business, disk is written here.
    const fetchLive: Effect.Effect<Snapshot, OpenRouterHttp.ExecuteError> = Effect.gen(function*() {
      const response = yield* http.execute(
        HttpClientRequest.get(http.url("/models")).pipe(HttpClientRequest.acceptJson),
        { retryClass: "idempotent-get", timeout: FETCH_TIMEOUT, operation: "models", authenticate: false }
      )
      const notJson = (detail: string) =>
        new OpenRouterError.MalformedResponse({ message: `OpenRouter's model list is not JSON: ${detail}`, status: response.status })
      const { value: body } = yield* readJson(response, {
        what: "OpenRouter's model list",
        malformed: (_text, cause) => notJson(cause instanceof Error ? cause.message : String(cause)),
        readFailed: (error) => notJson(error.message)
      }).pipe(
        Effect.timeoutFail({
          duration: BODY_TIMEOUT,
          onTimeout: () =>
            new OpenRouterError.Timeout({
              message: `OpenRouter did not send the model list within ${Duration.format(BODY_TIMEOUT)}`,
              source: "client",
              timeoutMs: Duration.toMillis(BODY_TIMEOUT)
            })
        })
      )
      const data = entriesOf(body)
      if (data === undefined) {
        return yield* Effect.fail(
          new OpenRouterError.MalformedResponse({
            message: "OpenRouter's model list has no \"data\" array",
            status: response.status
          })
        )
      }
      const entries = decodeEntries(data)
      // a non-empty list of which nothing decodes is not a catalogue worth caching
      if (entries.length === 0 && data.length > 0) {
        return yield* Effect.fail(
          new OpenRouterError.MalformedResponse({
            message: `None of the ${data.length} entries of OpenRouter's model list could be read`,
            status: response.status
          })
        )
      }
      if (entries.length < data.length) {
        yield* Effect.logDebug(`Skipped ${data.length - entries.length} unreadable entries of OpenRouter's model list`)
      }
      const fetchedAt = yield* Clock.currentTimeMillis
      if (disk !== undefined) yield* disk.write(http.baseUrl, fetchedAt, entries)
      return snapshotOf(entries, fetchedAt, false)
    })

    // Disk, then network; a failure is logged and remembered, never raised.
    const load = (current: State, now: number): Effect.Effect<State> =>
      Effect.gen(function*() {
        // (read again even when memory holds an expired copy: another process may have refreshed it)
        const fromDisk = disk === undefined ? undefined : yield* disk.read(http.baseUrl, now)
        if (fromDisk !== undefined && !fromDisk.stale) return { live: fromDisk, failedAt: undefined }
        const fallback = fromDisk === undefined || (current.live !== undefined && current.live.fetchedAt > fromDisk.fetchedAt)
          ? current.live
          : fromDisk
        return yield* fetchLive.pipe(
          Effect.map((live): State => ({ live, failedAt: undefined })),
          Effect.catchAll((error) =>
            Effect.logWarning(
              `OpenRouter's model list is unavailable (${error._tag}: ${error.message}); using ${
                fallback === undefined ? "the bundled catalogue" : "an expired cached copy"
              }`
            ).pipe(Effect.as<State>({ live: fallback, failedAt: now }))
          )
        )
      })

    const usable = (s: State, now: number): boolean =>
      (s.live !== undefined && !s.live.stale) || (s.failedAt !== undefined && now - s.failedAt < cooldown)

    const current: Effect.Effect<Snapshot | undefined> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const seen = yield* SynchronizedRef.get(state)
      if (usable(seen, now)) return seen.live
      // one loader at a time; those waiting see its result when they get the lock
      const next = yield* SynchronizedRef.updateAndGetEffect(state, (s) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => usable(s, at) ? Effect.succeed(s) : load(s, at)))
      return next.live
    })

    const lookup = (live: Snapshot | undefined, slug: string): Capabilities | undefined =>
      live?.byId.get(slug) ?? bundledById.get(slug)

    const resolve = (live: Snapshot | undefined, slug: string): Capabilities => {
      const exact = lookup(live, slug)
      if (exact !== undefined) return exact
      const colon = slug.indexOf(":")
      const base = colon > 0 ? lookup(live, slug.slice(0, colon)) : undefined
      return base !== undefined ? { ...base, id: slug } : fromCatalogEntry(Catalog.describe(slug))
    }

    const find = (slug: string): Effect.Effect<Capabilities> =>
      Effect.map(current, (live) => resolve(live, slug)).pipe(
        Effect.tap((found) => Effect.annotateCurrentSpan({ "openrouter.model.source": found.source })),
        Effect.withSpan("Models.find", { captureStackTrace: false, attributes: { "openrouter.model": slug } })
      )

    const list: Effect.Effect<ReadonlyArray<Capabilities>> = Effect.map(current, (live) => {
      const merged = new Map(bundledById)
      for (const [id, capabilities] of live?.byId ?? []) merged.set(id, capabilities)
      return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    }).pipe(
      Effect.tap((all) => Effect.annotateCurrentSpan({ "openrouter.models.count": all.length })),
      Effect.withSpan("Models.list", { captureStackTrace: false })
    )

    const refresh: Effect.Effect<void, OpenRouterHttp.ExecuteError> = SynchronizedRef.updateEffect(
      state,
      () => Effect.map(fetchLive, (live): State => ({ live, failedAt: undefined }))
    ).pipe(Effect.withSpan("Models.refresh", { captureStackTrace: false }))

    return {
      list,
      find,
      thinkingCapabilities: (slug) =>
        find(slug).pipe(
          Effect.map((found): Thinking.Capabilities => ({ reasoning: found.reasoning })),
          Effect.withSpan("Models.thinkingCapabilities", { captureStackTrace: false, attributes: { "openrouter.model": slug } })
        ),
      refresh
    }
  })
