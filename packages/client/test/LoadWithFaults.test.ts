// 1,000 `Chat.complete` calls at concurrency 50 against the simulator over a real socket, with 2 %
// of them (a fixed pseudo-random draw) preceded by an injected fault (429 with Retry-After 0, 502
// and 503 with Retry-After 0, and connection resets before headers, in turn). A fault answers
// whichever attempt reaches the simulator next, so now and then one call meets two or three in a
// row and ends in the last one's typed error once its retries run out. Every call must end in success or a typed
// error, none may hang, and every attempt beyond the first of a call must follow an injected
// retryable fault: each call carries its index in a header, so the simulator's journal shows
// the attempts of each call in order, with the faults that answered them.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import type { Entry } from "@openrouter-effect/simulator/Journal"
import * as Server from "@openrouter-effect/simulator/Server"
import type { Fault } from "@openrouter-effect/simulator/Types"
import { Cause, Clock, Effect, Exit, Layer, Option } from "effect"
import * as Chat from "../src/Chat.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Retry from "../src/Retry.js"

const KEY = "sk-or-v1-load-faults-00000000000000000000000000wxyz"
const ROUTE = "POST /chat/completions"
const REQUESTS = 1000
const CONCURRENCY = 50
const FAULTS = REQUESTS / 50

/** The calls preceded by a fault: 20 of 1,000 (2 %), drawn once from a fixed seed (mulberry32). */
const FAULTY: ReadonlySet<number> = (() => {
  let seed = 0x5eed_0010
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const picked = new Set<number>()
  while (picked.size < FAULTS) picked.add(Math.floor(next() * REQUESTS))
  return picked
})()
const MAX_RETRIES = Retry.DEFAULT_MAX_RETRIES

let sim: Server.Running
const rejections: Array<unknown> = []
const onRejection = (reason: unknown) => {
  rejections.push(reason)
}

beforeAll(async () => {
  process.on("unhandledRejection", onRejection)
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(async () => {
  await sim.close()
  process.off("unhandledRejection", onRejection)
  expect(rejections).toEqual([])
})

const layer = () =>
  OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY }, connectTo: `127.0.0.1:${sim.port}` }).pipe(
    Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer])
  )

/** The injected faults, in turn, with what each does to an attempt and the tag it ends in. */
const MIX: ReadonlyArray<{ readonly fault: Fault; readonly journal: string; readonly tag: string }> = [
  { fault: Faults.rateLimited({ retryAfter: 0 }), journal: "status 429", tag: "RateLimited" },
  { fault: Faults.upstream(502, { retryAfter: 0 }), journal: "status 502", tag: "Upstream" },
  { fault: Faults.upstream(503, { retryAfter: 0 }), journal: "status 503", tag: "Upstream" },
  { fault: { kind: "reset", when: "before-headers" }, journal: "reset before-headers", tag: "TransportError" }
]
const RETRYABLE = new Set(MIX.map((m) => m.journal))
const TAG_OF = new Map(MIX.map((m) => [m.journal, m.tag]))

type Outcome = { readonly ok: true } | { readonly ok: false; readonly tag: string; readonly defect: boolean; readonly interrupted: boolean }

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }

describe("load with faults", () => {
  it.live(`${REQUESTS} completions at concurrency ${CONCURRENCY} with 2 % injected faults`, () =>
    Effect.gen(function*() {
      const chat = yield* Chat.Chat
      const outcomes: Array<Outcome | undefined> = new Array(REQUESTS).fill(undefined)
      let injected = 0
      const started = yield* Clock.currentTimeMillis

      const one = (i: number) =>
        Effect.gen(function*() {
          if (FAULTY.has(i)) {
            // Taken by whichever attempt reaches the simulator next, this call's or another's.
            const entry = MIX[injected % MIX.length]!
            sim.faults.add(ROUTE, entry.fault, 1)
            injected++
          }
          const exit = yield* Effect.exit(
            chat.complete(hello, { model: "openai/gpt-4o", catalog: "bundled", headers: { "x-load-call": String(i) } })
          )
          outcomes[i] = Exit.isSuccess(exit)
            ? { ok: true }
            : {
              ok: false,
              tag: Option.match(Cause.failureOption(exit.cause), { onNone: () => "(no failure)", onSome: (e) => e._tag }),
              defect: Cause.isDie(exit.cause),
              interrupted: Cause.isInterrupted(exit.cause)
            }
        })

      // None hangs: the whole run is bounded, and a run that outlives the bound fails the test.
      yield* Effect.forEach(Array.from({ length: REQUESTS }, (_, i) => i), one, { concurrency: CONCURRENCY, discard: true }).pipe(
        Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error("the load run did not finish within 60 s") })
      )
      const wallMs = (yield* Clock.currentTimeMillis) - started
      for (let i = 0; i < 300 && sim.journal.inFlight > 0; i++) yield* Effect.sleep("10 millis")

      // Every call ended, in success or a typed error: never a defect or an interruption.
      expect(injected).toBe(FAULTS)
      expect(outcomes.filter((o) => o === undefined)).toHaveLength(0)
      const failures = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => o !== undefined && !o.ok)
      expect(failures.filter((f) => f.defect || f.interrupted || f.tag === "(no failure)")).toEqual([])

      // The journal, per call, in order of arrival.
      const entries = sim.journal.list({ path: "/chat/completions" })
      const byCall = new Map<number, Array<Entry>>()
      for (const entry of entries) {
        const call = Number(entry.headers["x-load-call"])
        const list = byCall.get(call) ?? []
        list.push(entry)
        byCall.set(call, list)
      }
      expect(byCall.size).toBe(REQUESTS)
      // Every injected fault answered exactly one attempt.
      expect(entries.reduce((n, entry) => n + entry.faults.length, 0)).toBe(injected)
      expect(sim.faults.list()).toEqual([])

      let retries = 0
      for (let i = 0; i < REQUESTS; i++) {
        const attempts = byCall.get(i) ?? []
        const outcome = outcomes[i]!
        expect(attempts.length).toBeGreaterThanOrEqual(1)
        expect(attempts.length).toBeLessThanOrEqual(1 + MAX_RETRIES)
        retries += attempts.length - 1
        // Every attempt before the last was answered by an injected retryable fault.
        for (const earlier of attempts.slice(0, -1)) {
          expect(earlier.faults.length).toBeGreaterThan(0)
          expect(earlier.faults.every((f) => RETRYABLE.has(f))).toBe(true)
        }
        const last = attempts[attempts.length - 1]!
        if (outcome.ok) {
          expect(last.faults).toEqual([])
          expect(last.status).toBe(200)
        } else {
          // A failure is the last fault's own tag, after the retries ran out.
          expect(attempts.length).toBe(1 + MAX_RETRIES)
          const kinds = last.faults.filter((f) => TAG_OF.has(f))
          expect(kinds.length).toBeGreaterThan(0)
          const expected = last.faults.includes("reset before-headers") ? "TransportError" : TAG_OF.get(kinds[0]!)
          expect(outcome.tag).toBe(expected)
        }
      }
      expect(entries.length).toBe(REQUESTS + retries)
      expect(entries.length).toBeLessThanOrEqual(REQUESTS * (1 + MAX_RETRIES))
      // Each retry follows a faulted attempt, and a faulted attempt is retried unless retries ran out.
      const faultedAttempts = entries.filter((entry) => entry.faults.length > 0).length
      expect(retries).toBe(faultedAttempts - failures.length)
      expect(sim.journal.inFlight).toBe(0)

      const byTag: Record<string, number> = {}
      for (const f of failures) byTag[f.tag] = (byTag[f.tag] ?? 0) + 1
      const successes = outcomes.filter((o) => o?.ok === true).length
      console.log(
        `load-with-faults: requests=${REQUESTS} concurrency=${CONCURRENCY} injected=${injected} successes=${successes} ` +
          `typedErrors=${JSON.stringify(byTag)} attempts=${entries.length} retries=${retries} faultedAttempts=${faultedAttempts} ` +
          `wallMs=${wallMs}`
      )
    }).pipe(Effect.provide(layer())), 90_000)
})
