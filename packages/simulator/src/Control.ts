/**
 * The control endpoint, `/__sim/…`, for scripting a simulator running in another process:
 *
 * | request | does |
 * |---|---|
 * | `GET /__sim/journal?method=&path=` | the journal (`path` may end in `*`) |
 * | `DELETE /__sim/journal` | clears it |
 * | `GET /__sim/in-flight` | `{ "inFlight": n }` |
 * | `GET /__sim/faults` | what is scheduled |
 * | `POST /__sim/faults` `{ route, times?, fault }` or `{ route, times?, preset, options? }` | schedules a fault; `{ "id": n }` |
 * | `DELETE /__sim/faults` | clears them |
 *
 * Presets: `rateLimited`, `platformRateLimited`, `providerRateLimited`, `capacityExhausted`,
 * `insufficientCredits`, `moderation`, `noEndpoints`, `upstream` (with `options.status`). A
 * `fault` is any kind of `Types.Fault`: `status`, `latency`, `reset`, `truncate-json`,
 * `invalid-json`, `sse-error`, `sse-cut`, `stall`, `content-type`, `video-outcome`,
 * `video-status`, `fail-after-accept`, `cut-body`.
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import * as Faults from "./Faults.js"
import type { Journal } from "./Journal.js"
import type { Fault } from "./Types.js"

const send = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) })
  response.end(text)
}

const readJson = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString("utf8")
  return text.trim() === "" ? {} : JSON.parse(text)
}

const FAULT_KINDS = new Set([
  "status", "latency", "reset", "truncate-json", "invalid-json", "sse-error", "sse-cut", "stall", "content-type", "video-outcome",
  "video-status", "fail-after-accept", "cut-body"
])

/** Builds a fault from a control request body. @since 0.1.0 @category Parsing */
export const faultFrom = (body: Record<string, unknown>): Fault | string => {
  if (typeof body.preset === "string") {
    const options = (typeof body.options === "object" && body.options !== null ? body.options : {}) as Record<string, unknown>
    switch (body.preset) {
      case "rateLimited":
        return Faults.rateLimited({
          ...(typeof options.retryAfter === "number" ? { retryAfter: options.retryAfter } : {}),
          ...(options.daily === true ? { daily: true } : {})
        })
      case "platformRateLimited":
        return Faults.platformRateLimited({
          ...(typeof options.retryAfter === "number" ? { retryAfter: options.retryAfter } : {}),
          ...(options.daily === true ? { daily: true } : {})
        })
      case "providerRateLimited":
        return Faults.providerRateLimited({
          ...(typeof options.retryAfter === "number" ? { retryAfter: options.retryAfter } : {}),
          ...(typeof options.provider === "string" ? { provider: options.provider } : {}),
          ...(typeof options.model === "string" ? { model: options.model } : {})
        })
      case "capacityExhausted":
        return Faults.capacityExhausted({
          ...(typeof options.retryAfter === "number" ? { retryAfter: options.retryAfter } : {}),
          ...(typeof options.model === "string" ? { model: options.model } : {})
        })
      case "insufficientCredits":
        return Faults.insufficientCredits()
      case "moderation":
        return Faults.moderation()
      case "noEndpoints":
        return Faults.noEndpoints()
      case "upstream": {
        const status = options.status
        if (status !== 500 && status !== 502 && status !== 503 && status !== 524 && status !== 529) {
          return "preset upstream needs options.status: 500, 502, 503, 524 or 529"
        }
        return Faults.upstream(status, typeof options.retryAfter === "number" ? { retryAfter: options.retryAfter } : {})
      }
      default:
        return `unknown preset ${JSON.stringify(body.preset)}: use rateLimited, platformRateLimited, providerRateLimited, capacityExhausted, insufficientCredits, moderation, noEndpoints or upstream`
    }
  }
  const fault = body.fault as { kind?: unknown } | undefined
  if (typeof fault !== "object" || fault === null || typeof fault.kind !== "string" || !FAULT_KINDS.has(fault.kind)) {
    return `fault.kind must be one of ${[...FAULT_KINDS].join(", ")}`
  }
  return fault as Fault
}

/**
 * Answers a control request.
 *
 * @since 0.1.0 @category Control
 */
export const handle = async (
  sim: { readonly journal: Journal; readonly faults: Faults.FaultQueue },
  request: IncomingMessage,
  response: ServerResponse,
  url: URL
): Promise<void> => {
  const method = (request.method ?? "GET").toUpperCase()
  const what = url.pathname.slice("/__sim/".length)
  if (what === "journal" && method === "GET") {
    const methodFilter = url.searchParams.get("method")
    const path = url.searchParams.get("path")
    return send(response, 200, {
      entries: sim.journal.list({ ...(methodFilter !== null ? { method: methodFilter } : {}), ...(path !== null ? { path } : {}) })
    })
  }
  if (what === "journal" && method === "DELETE") {
    sim.journal.clear()
    return send(response, 200, { cleared: true })
  }
  if (what === "in-flight" && method === "GET") return send(response, 200, { inFlight: sim.journal.inFlight })
  if (what === "faults" && method === "GET") return send(response, 200, { faults: sim.faults.list() })
  if (what === "faults" && method === "DELETE") {
    sim.faults.clear()
    return send(response, 200, { cleared: true })
  }
  if (what === "faults" && method === "POST") {
    let body: unknown
    try {
      body = await readJson(request)
    } catch {
      return send(response, 400, { error: "the body must be JSON" })
    }
    const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>
    if (typeof record.route !== "string") return send(response, 400, { error: "route must be a string such as \"POST /chat/completions\" or \"*\"" })
    const fault = faultFrom(record)
    if (typeof fault === "string") return send(response, 400, { error: fault })
    const times = typeof record.times === "number" && record.times >= 1 ? record.times : 1
    return send(response, 200, { id: sim.faults.add(record.route, fault, times) })
  }
  return send(response, 404, { error: `unknown control request ${method} ${url.pathname}` })
}
