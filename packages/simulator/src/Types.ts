/**
 * The shapes shared by the simulator's server and its route handlers.
 *
 * A handler turns a parsed request into a {@link Reply} description; the server writes it, and
 * applies scripted faults to it on the way (truncation, an in-band SSE error, a cut stream, a
 * stall, a reset), so handlers never deal with faults except the ones only they can play
 * (a video job that fails, say), which they read from `request.fault`.
 *
 * @since 0.1.0
 */
import type { IncomingHttpHeaders } from "node:http"

/** Response headers. @since 0.1.0 @category Models */
export type Headers = Readonly<Record<string, string>>

/** One server-sent event: a comment line (`: text`) or a `data:` payload. @since 0.1.0 @category Models */
export type SseEvent = { readonly comment: string } | { readonly data: string }

/**
 * What a handler answers.
 * - `json`: a JSON body (`Content-Type: application/json` unless given).
 * - `sse`: `text/event-stream`; the events are written in order, each ended by a blank line; the
 *   handler includes the final `data: [DONE]` itself. `delayMs` waits between events.
 * - `bytes`: a generated body of `size` bytes, streamed in chunks, never held in memory:
 *   `bytesAt(offset, length)` gives each chunk (a video file, say; the caller never writes to
 *   it), or, without it, a filler pattern.
 * - `buffer`: a small binary body held in memory (PNG, audio).
 *
 * @since 0.1.0 @category Models
 */
export type Reply =
  | { readonly _tag: "json"; readonly status: number; readonly headers?: Headers; readonly body: unknown }
  | {
    readonly _tag: "sse"
    readonly status: number
    readonly headers?: Headers
    readonly events: ReadonlyArray<SseEvent>
    readonly delayMs?: number
  }
  | {
    readonly _tag: "bytes"
    readonly status: number
    readonly headers?: Headers
    readonly size: number
    readonly bytesAt?: (offset: number, length: number) => Uint8Array
  }
  | { readonly _tag: "buffer"; readonly status: number; readonly headers?: Headers; readonly body: Uint8Array }

/**
 * A scripted fault. Scheduled per route for the next N requests (see `Faults.ts`).
 *
 * @since 0.1.0 @category Models
 */
export type Fault =
  /** Answer with this status and body instead of the handler (an OpenRouter error body when `body` is absent). */
  | {
    readonly kind: "status"
    readonly status: number
    readonly body?: unknown
    readonly headers?: Headers
    readonly message?: string
  }
  /** Wait before answering. */
  | { readonly kind: "latency"; readonly ms: number }
  /** Destroy the connection before any header is sent, or right after the headers. */
  | { readonly kind: "reset"; readonly when: "before-headers" | "after-headers" }
  /** Send only the first half of the JSON body. */
  | { readonly kind: "truncate-json" }
  /** Send a body that is not JSON, with a JSON content type. */
  | { readonly kind: "invalid-json" }
  /** In an SSE reply: after `afterDeltas` data events, an in-band error chunk, then the end. */
  | { readonly kind: "sse-error"; readonly afterDeltas: number; readonly code?: number; readonly message?: string }
  /** In an SSE reply: after `afterDeltas` data events, end the stream without `[DONE]`. */
  | { readonly kind: "sse-cut"; readonly afterDeltas: number }
  /** In an SSE reply: stall `ms` before the first data event, sending keep-alive comments every `keepAliveMs`. */
  | { readonly kind: "stall"; readonly ms: number; readonly keepAliveMs?: number }
  /**
   * Answer with another content type and a small body of that type, keeping the status: a download
   * or an audio answer (`bytes`, `buffer`) that is an error page, or a JSON answer replaced by an
   * HTML page (`text/html`) or by an unrelated JSON object (`application/json`).
   */
  | { readonly kind: "content-type"; readonly contentType: "application/json" | "text/html" }
  /** A video job submitted under this fault ends `failed`, `cancelled` or `expired` instead of completing. */
  | { readonly kind: "video-outcome"; readonly outcome: "failed" | "cancelled" | "expired"; readonly error?: string }
  /**
   * A poll (`GET /videos/:id`) answers the job with this `status` (one the API never documented,
   * say) instead of its real one; the job itself is unchanged.
   */
  | { readonly kind: "video-status"; readonly status: string }
  /**
   * The handler runs first, so the request is accepted (a video job is created, a generation
   * recorded: it may cost money), then its answer is replaced by this status with OpenRouter's
   * error body: a 5xx *after* acceptance, unlike `status`, which answers instead of the handler.
   */
  | { readonly kind: "fail-after-accept"; readonly status: number; readonly message?: string }
  /**
   * Send the headers (with the full `Content-Length`) and the first `afterBytes` bytes of the body,
   * then destroy the connection: a reset in the middle of a download or a JSON answer. For `json`,
   * `bytes` and `buffer` replies (SSE has `sse-cut`).
   */
  | { readonly kind: "cut-body"; readonly afterBytes: number }

/**
 * A request as handlers see it.
 *
 * @since 0.1.0 @category Models
 */
export interface SimRequest {
  readonly method: string
  /** The path after `/api/v1`, e.g. `/chat/completions`, `/videos/job-1/content`. */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  /** The parsed JSON body, `undefined` when there is none. */
  readonly body: unknown
  /** The bearer key, when one was sent. */
  readonly apiKey: string | undefined
  /** A fault scheduled for this request that only the handler can play (`video-outcome`, `video-status`). */
  readonly fault: Fault | undefined
}

/**
 * What handlers may use of the running simulator.
 *
 * @since 0.1.0 @category Models
 */
export interface SimContext {
  readonly options: ResolvedOptions
  /** The base every absolute URL in a response is built from, e.g. `http://127.0.0.1:4010/api/v1`. */
  readonly publicBaseUrl: string
  /** The CDN origin's base (`http://127.0.0.1:<other port>`) when `cdn` is on. */
  readonly cdnBaseUrl: string | undefined
  /** Milliseconds since the epoch. */
  readonly now: () => number
  /** A fresh id: `gen-<unix seconds>-<20 alphanumerics>` for `gen`, else `<prefix>-<alphanumerics>`. */
  readonly nextId: (prefix: string) => string
  /** Per-handler state that lives as long as the simulator (cache entries, video jobs). */
  readonly state: Map<string, unknown>
  /** Records a generation for `GET /generation?id=`. */
  readonly recordGeneration: (generation: Generation) => void
  readonly generation: (id: string) => Generation | undefined
}

/** A finished generation, as `GET /generation` reports it. @since 0.1.0 @category Models */
export interface Generation {
  readonly id: string
  readonly model: string
  readonly provider: string
  readonly createdAt: number
  readonly promptTokens: number
  readonly completionTokens: number
  readonly totalCost: number
  readonly streamed: boolean
  readonly cached: boolean
}

/** A route handler. @since 0.1.0 @category Models */
export type Handler = (request: SimRequest, context: SimContext) => Reply | Promise<Reply>

/**
 * The simulator's options.
 *
 * @since 0.1.0 @category Models
 */
export interface Options {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number
  /** Keys accepted as `Authorization: Bearer <key>`; empty or absent accepts any non-empty key. */
  readonly apiKeys?: ReadonlyArray<string>
  /** Base for absolute URLs in responses (default: the server's own `http://127.0.0.1:<port>/api/v1`). */
  readonly publicBaseUrl?: string
  /** `polling_url` as `/api/v1/videos/<id>` (relative) or absolute (default). */
  readonly pollingUrl?: "relative" | "absolute"
  /** Serve `unsigned_urls` from a second origin on another port, like a CDN. */
  readonly cdn?: boolean
  /** How long a video job takes from submit to completed (default 2000 ms); half of it is `pending`. */
  readonly videoProcessingMs?: number
  /** Size of a generated video in bytes (default 1 MiB). */
  readonly videoBytes?: number
  /**
   * A video job ends at its submit (default false): `POST /videos` answers its final status
   * (`completed` without `unsigned_urls`, or a `video-outcome` fault's), so no poll is needed.
   */
  readonly videoCompletedAtSubmit?: boolean
  /** Canned answers, no validation, no journal: for benchmarks. */
  readonly bench?: boolean
  /** Text the chat model answers with (default a short fixed sentence). */
  readonly replyText?: string
  /** Number of content deltas in a streamed answer (default: one per word). */
  readonly streamDeltas?: number
}

/** Options with their defaults filled in. @since 0.1.0 @category Models */
export type ResolvedOptions = Required<Omit<Options, "publicBaseUrl" | "apiKeys" | "streamDeltas">> & {
  readonly publicBaseUrl: string | undefined
  readonly apiKeys: ReadonlyArray<string>
  readonly streamDeltas: number | undefined
}
