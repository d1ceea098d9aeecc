// The fault matrix for chat (issue 10): every fault the simulator can play on POST /chat/completions,
// against `Chat.complete` and `Chat.stream` (consumed to the end) over a real socket. For each cell:
// (a) success or the exact typed error with its fields, never a defect, an interruption or an
// unhandled rejection; (b) exactly as many attempts as the `chat` retry class allows, counted in
// the simulator's journal (and every scheduled fault used up); (c) nothing left in flight.
//
// Speed without touching the policy: 429/502/503 carry `Retry-After: 0` (the server's wait is
// honoured, so the retry is immediate); 524 and resets carry no usable wait, so they take the real
// jittered backoff with Effect's `Random` fixed at 0 (the shortest draw: 250 ms, then 500 ms).
// The default `maxRetries` (2) is used everywhere except one cell that sets it to 0 through the
// layer options to surface a long `Retry-After` without waiting for it.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Faults from "@openrouter-effect/simulator/Faults"
import * as Server from "@openrouter-effect/simulator/Server"
import type { Fault } from "@openrouter-effect/simulator/Types"
import { Cause, Chunk, Duration, Effect, Exit, Layer, Option, Random, Stream } from "effect"
import * as Chat from "../src/Chat.js"
import * as OpenRouter from "../src/OpenRouter.js"

const KEY = "sk-or-v1-fault-matrix-000000000000000000000000000wxyz"
const ROUTE = "POST /chat/completions"
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
afterEach(() => {
  sim.faults.clear()
  sim.journal.clear()
})

const client = (maxRetries?: number) =>
  OpenRouter.layerDocument({
    document: {},
    environment: { OPENROUTER_API_KEY: KEY },
    connectTo: `127.0.0.1:${sim.port}`,
    ...(maxRetries !== undefined ? { maxRetries } : {})
  }).pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))

const hello: Chat.Request = { messages: [{ role: "user", content: "Say hello" }] }
// The bundled catalogue only: no GET /models beside the request under test.
const base: Chat.Options = { model: "openai/gpt-4o", catalog: "bundled" }

type Op = "complete" | "stream"

/** What one call yields: the answer's text on success. */
const call = (op: Op, options: Chat.Options): Effect.Effect<string, Chat.ChatError, Chat.Chat> =>
  Effect.flatMap(Chat.Chat, (chat) =>
    op === "complete"
      ? Effect.map(chat.complete(hello, options), (completion) => completion.text)
      : Effect.map(Stream.runCollect(chat.stream(hello, options)), (events) => {
        const all = Chunk.toReadonlyArray(events)
        const text = all.map((e) => (e._tag === "Text" ? e.delta : "")).join("")
        // A finished stream: it started and has a finish reason.
        return all[0]?._tag === "Start" && all.some((e) => e._tag === "Finish") ? text : `unfinished stream: ${text}`
      }))

interface Cell {
  readonly name: string
  readonly ops: ReadonlyArray<Op>
  /** Scheduled in order, each for its `times` requests; every one must be used up. */
  readonly faults: ReadonlyArray<{ readonly fault: Fault; readonly times: number }>
  readonly maxRetries?: number
  readonly options?: Chat.Options
  /** Requests to /chat/completions. */
  readonly attempts: number
  /** `ok`, or the typed error's tag and a check of its fields. */
  readonly expected: "ok" | { readonly tag: string; readonly check?: (error: Record<string, unknown>) => void }
}

const retryAfter0 = Faults.rateLimited({ retryAfter: 0 })
const upstream502 = Faults.upstream(502, { retryAfter: 0 })
const upstream503 = Faults.upstream(503, { retryAfter: 0 })
const upstream524 = Faults.upstream(524)
const resetBefore: Fault = { kind: "reset", when: "before-headers" }
const RAW_502 = "{\"error\":{\"message\":\"upstream connect error\",\"type\":\"server_error\"}}"

const both: ReadonlyArray<Op> = ["complete", "stream"]

const cells: ReadonlyArray<Cell> = [
  {
    name: "429 with Retry-After 0, once: retried, then succeeds",
    ops: both,
    faults: [{ fault: retryAfter0, times: 1 }],
    attempts: 2,
    expected: "ok"
  },
  {
    name: "429 with Retry-After 0, every time: retries exhausted → RateLimited",
    ops: both,
    faults: [{ fault: retryAfter0, times: 3 }],
    attempts: 3,
    expected: {
      tag: "RateLimited",
      check: (e) => {
        expect(e.status).toBe(429)
        expect(e.retryable).toBe(true)
        expect(Duration.toMillis(e.retryAfter as Duration.Duration)).toBe(0)
      }
    }
  },
  {
    name: "429 with Retry-After 30 and maxRetries 0: not waited for; retryAfter surfaced",
    ops: both,
    faults: [{ fault: Faults.rateLimited({ retryAfter: 30 }), times: 1 }],
    maxRetries: 0,
    attempts: 1,
    expected: {
      tag: "RateLimited",
      check: (e) => {
        expect(e.status).toBe(429)
        expect(Duration.toMillis(e.retryAfter as Duration.Duration)).toBe(30_000)
        expect(e.retryable).toBe(true)
      }
    }
  },
  {
    name: "429 daily cap: never retried → RateLimited (retryable false)",
    ops: both,
    faults: [{ fault: Faults.rateLimited({ daily: true, retryAfter: 0 }), times: 1 }],
    attempts: 1,
    expected: {
      tag: "RateLimited",
      check: (e) => {
        expect(e.retryable).toBe(false)
        expect(e.limitSource).toBe("openrouter_free_tier_daily")
      }
    }
  },
  {
    name: "402: never retried → InsufficientCredits",
    ops: both,
    faults: [{ fault: Faults.insufficientCredits(), times: 1 }],
    attempts: 1,
    expected: {
      tag: "InsufficientCredits",
      check: (e) => {
        expect(e.status).toBe(402)
        expect(e.message).toContain("requires more credits")
      }
    }
  },
  {
    name: "403 moderation: never retried → Forbidden (moderation, reasons)",
    ops: both,
    faults: [{ fault: Faults.moderation(), times: 1 }],
    attempts: 1,
    expected: {
      tag: "Forbidden",
      check: (e) => {
        expect(e.status).toBe(403)
        expect(e.reason).toBe("moderation")
        expect(e.reasons).toEqual(["violence"])
        expect(e.providerName).toBe("OpenAI")
      }
    }
  },
  {
    name: "404 no endpoints: never retried → NotFound (noEndpoints)",
    ops: both,
    faults: [{ fault: Faults.noEndpoints(), times: 1 }],
    attempts: 1,
    expected: {
      tag: "NotFound",
      check: (e) => {
        expect(e.status).toBe(404)
        expect(e.noEndpoints).toBe(true)
      }
    }
  },
  {
    name: "502 with metadata.raw, once: retried, then succeeds",
    ops: both,
    faults: [{ fault: upstream502, times: 1 }],
    attempts: 2,
    expected: "ok"
  },
  {
    name: "502 with metadata.raw, every time: retries exhausted → Upstream with raw surfaced",
    ops: both,
    faults: [{ fault: upstream502, times: 3 }],
    attempts: 3,
    expected: {
      tag: "Upstream",
      check: (e) => {
        expect(e.status).toBe(502)
        expect(e.raw).toBe(RAW_502)
        expect(e.providerName).toBe("Fireworks")
        expect(e.errorType).toBe("provider_unavailable")
        expect(e.message).toContain("upstream connect error")
        expect(e.message).toContain("provider Fireworks")
      }
    }
  },
  {
    name: "503, once: retried, then succeeds",
    ops: both,
    faults: [{ fault: upstream503, times: 1 }],
    attempts: 2,
    expected: "ok"
  },
  {
    name: "503, every time: retries exhausted → Upstream",
    ops: both,
    faults: [{ fault: upstream503, times: 3 }],
    attempts: 3,
    expected: {
      tag: "Upstream",
      check: (e) => {
        expect(e.status).toBe(503)
        expect(e.errorType).toBe("provider_overloaded")
        expect(Duration.toMillis(e.retryAfter as Duration.Duration)).toBe(0)
      }
    }
  },
  {
    name: "524, once: retried after backoff, then succeeds",
    ops: both,
    faults: [{ fault: upstream524, times: 1 }],
    attempts: 2,
    expected: "ok"
  },
  {
    name: "524, every time: retries exhausted → Timeout (server)",
    ops: both,
    faults: [{ fault: upstream524, times: 3 }],
    attempts: 3,
    expected: {
      tag: "Timeout",
      check: (e) => {
        expect(e.source).toBe("server")
        expect(e.status).toBe(524)
      }
    }
  },
  {
    name: "connection reset before headers, once: retried after backoff, then succeeds",
    ops: both,
    faults: [{ fault: resetBefore, times: 1 }],
    attempts: 2,
    expected: "ok"
  },
  {
    name: "connection reset before headers, every time: retries exhausted → TransportError",
    ops: both,
    faults: [{ fault: resetBefore, times: 3 }],
    attempts: 3,
    expected: {
      tag: "TransportError",
      // The request was sent and the socket closed before an answer: not a connect failure.
      check: (e) => expect(e.phase).toBe("request")
    }
  },
  {
    name: "connection reset after headers: the body broke, not retried → TransportError (response)",
    ops: both,
    faults: [{ fault: { kind: "reset", when: "after-headers" }, times: 1 }],
    attempts: 1,
    expected: { tag: "TransportError", check: (e) => expect(e.phase).toBe("response") }
  },
  {
    name: "truncated JSON body → MalformedResponse, not retried",
    ops: ["complete"],
    faults: [{ fault: { kind: "truncate-json" }, times: 1 }],
    attempts: 1,
    expected: { tag: "MalformedResponse", check: (e) => expect(e.message).toContain("not JSON") }
  },
  {
    name: "invalid JSON body → MalformedResponse, not retried",
    ops: ["complete"],
    faults: [{ fault: { kind: "invalid-json" }, times: 1 }],
    attempts: 1,
    expected: {
      tag: "MalformedResponse",
      check: (e) => {
        expect(e.message).toContain("not JSON")
        expect(e.body).toContain("<html>not json")
      }
    }
  },
  {
    name: "in-band error in a 200 JSON body → Upstream with raw surfaced, not retried",
    ops: ["complete"],
    faults: [{
      fault: {
        kind: "status",
        status: 200,
        body: {
          id: "gen-inband",
          model: "openai/gpt-4o",
          error: { code: 502, message: "Provider returned error", metadata: { raw: RAW_502, provider_name: "Fireworks" } },
          choices: []
        }
      },
      times: 1
    }],
    attempts: 1,
    expected: {
      tag: "Upstream",
      check: (e) => {
        expect(e.status).toBe(502)
        expect(e.raw).toBe(RAW_502)
      }
    }
  },
  {
    name: "in-band SSE error after deltas → Upstream, not retried",
    ops: ["stream"],
    faults: [{ fault: { kind: "sse-error", afterDeltas: 2, code: 503, message: "upstream died" }, times: 1 }],
    attempts: 1,
    expected: {
      tag: "Upstream",
      check: (e) => {
        expect(e.status).toBe(503)
        expect(e.message).toContain("upstream died")
      }
    }
  },
  {
    name: "stream cut without [DONE] → MalformedResponse, not retried",
    ops: ["stream"],
    faults: [{ fault: { kind: "sse-cut", afterDeltas: 2 }, times: 1 }],
    attempts: 1,
    expected: { tag: "MalformedResponse", check: (e) => expect(e.message).toContain("[DONE]") }
  },
  {
    name: "stall with keep-alives longer than the idle timeout: the comments keep it alive → success",
    ops: ["stream"],
    faults: [{ fault: { kind: "stall", ms: 600, keepAliveMs: 50 }, times: 1 }],
    options: { idleTimeout: "250 millis" },
    attempts: 1,
    expected: "ok"
  },
  {
    name: "stall whose keep-alives are sparser than the idle timeout → Timeout (client), not retried",
    ops: ["stream"],
    faults: [{ fault: { kind: "stall", ms: 2000, keepAliveMs: 1000 }, times: 1 }],
    options: { idleTimeout: "150 millis" },
    attempts: 1,
    expected: { tag: "Timeout", check: (e) => expect(e.source).toBe("client") }
  },
  {
    name: "latency beyond the call's timeout → Timeout (client), not retried",
    ops: ["complete"],
    faults: [{ fault: { kind: "latency", ms: 1000 }, times: 1 }],
    options: { timeout: "150 millis" },
    attempts: 1,
    expected: { tag: "Timeout", check: (e) => expect(e.source).toBe("client") }
  }
]

const expectedFaults = (cell: Cell): number => cell.faults.reduce((n, f) => n + f.times, 0)

/** Waits (bounded) for the simulator to see every response end. */
const settled = Effect.gen(function*() {
  for (let i = 0; i < 300 && sim.journal.inFlight > 0; i++) yield* Effect.sleep("10 millis")
})

describe("fault matrix: Chat.complete and Chat.stream against the simulator", () => {
  for (const cell of cells) {
    for (const op of cell.ops) {
      it.live(`${op}: ${cell.name}`, () =>
        Effect.gen(function*() {
          for (const { fault, times } of cell.faults) sim.faults.add(ROUTE, fault, times)
          const exit = yield* Effect.exit(call(op, { ...base, ...cell.options }))
          yield* settled

          // (a) the outcome: success, or exactly the typed error; never a defect or an interruption.
          expect(Cause.isDie(Exit.isFailure(exit) ? exit.cause : Cause.empty)).toBe(false)
          expect(Exit.isInterrupted(exit)).toBe(false)
          if (cell.expected === "ok") {
            expect(Exit.isSuccess(exit) ? exit.value : exit.cause.toString()).toBe(sim.context.options.replyText)
          } else {
            expect(Exit.isFailure(exit)).toBe(true)
            const failure = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
            expect(Option.isSome(failure)).toBe(true)
            const error = Option.getOrThrow(failure) as unknown as Record<string, unknown>
            expect(error._tag).toBe(cell.expected.tag)
            cell.expected.check?.(error)
          }

          // (b) exactly the attempts the chat retry class allows; every scheduled fault used up;
          // the faulted attempts come first and, on success, one clean attempt ends the call.
          const entries = sim.journal.list({ path: "/chat/completions" })
          expect(entries).toHaveLength(cell.attempts)
          expect(sim.faults.list()).toEqual([])
          const faulted = entries.filter((entry) => entry.faults.length > 0).length
          expect(faulted).toBe(Math.min(expectedFaults(cell), cell.attempts))
          if (cell.expected === "ok") {
            const last = entries[entries.length - 1]
            expect(last?.status).toBe(200)
            expect(last?.completed).toBe(true)
            if (cell.faults.every((f) => f.fault.kind !== "stall")) expect(last?.faults).toEqual([])
          }

          // (c) nothing left in flight.
          expect(sim.journal.inFlight).toBe(0)
        }).pipe(
          // The shortest backoff draw, so 524 and reset cells wait 250 ms, then 500 ms.
          Effect.withRandom(Random.fixed([0])),
          Effect.provide(client(cell.maxRetries))
        ))
    }
  }
})
