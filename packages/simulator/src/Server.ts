/**
 * The simulator's HTTP server: one `node:http` server on 127.0.0.1 serving `/api/v1`, the control
 * endpoint `/__sim/…`, and optionally a second origin (another port) that serves `unsigned_urls`
 * like a CDN.
 *
 * Per request: the body is read and parsed, the request is journalled, the key checked, the body
 * validated against OpenRouter's request schema, scheduled faults taken, the handler run, and its
 * reply written with the faults applied.
 *
 * @since 0.1.0
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as Context from "./Context.js"
import * as Either from "effect/Either"
import * as Control from "./Control.js"
import * as Errors from "./Errors.js"
import { FaultQueue, streamError } from "./Faults.js"
import { type Entry, Journal } from "./Journal.js"
import { cdnContent } from "./media/Videos.js"
import * as Multipart from "./Multipart.js"
import * as Routes from "./Routes.js"
import type { Fault, Headers, Options, Reply, SimContext, SimRequest } from "./Types.js"
import * as Validation from "./Validation.js"

/** A running simulator. @since 0.1.0 @category Models */
export interface Running {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  /** `http://127.0.0.1:<port>/api/v1`: what a client uses as its base URL. */
  readonly baseUrl: string
  /** The base absolute URLs in responses are built from. */
  readonly publicBaseUrl: string
  /** The CDN origin, when `cdn` is on. */
  readonly cdnOrigin: string | undefined
  /**
   * What a client must allow to download from the CDN origin (`127.0.0.1:<port>`, plain http on
   * loopback, which a client refuses for media URLs unless told): pass it as the client's
   * `mediaHosts`. Empty when `cdn` is off.
   */
  readonly mediaHosts: ReadonlyArray<string>
  readonly port: number
  readonly journal: Journal
  readonly faults: FaultQueue
  readonly context: SimContext
  readonly close: () => Promise<void>
}

const API_PREFIX = "/api/v1"
const CHUNK = 64 * 1024
const KEEP_ALIVE = ": OPENROUTER PROCESSING"

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A request body: its bytes, or `tooLarge` (and no bytes) when it ran past the limit. */
interface Body {
  readonly raw: Buffer
  readonly tooLarge: boolean
  /** How many bytes the client sent. */
  readonly bytes: number
}

/**
 * Reads a body, keeping at most `limit` bytes. Past the limit the rest is read and dropped, so
 * that the client, still uploading, gets the 413 rather than a reset connection.
 */
const readBody = (request: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Body> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let bytes = 0
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= limit) chunks.push(chunk)
      else chunks.length = 0
    })
    request.on("end", () => resolve(bytes > limit ? { raw: Buffer.alloc(0), tooLarge: true, bytes } : { raw: Buffer.concat(chunks), tooLarge: false, bytes }))
    request.on("error", reject)
  })

const bearer = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined
  const match = /^Bearer\s+(.+)$/i.exec(header.trim())
  const key = match?.[1]?.trim()
  return key === undefined || key === "" ? undefined : key
}

const describeFault = (fault: Fault): string =>
  fault.kind === "status" ? `status ${fault.status}` : fault.kind === "reset" ? `reset ${fault.when}` : fault.kind

/** Writes, waiting for the socket to drain; false when the client has gone. */
const write = async (response: ServerResponse, chunk: string | Uint8Array): Promise<boolean> => {
  if (response.destroyed || response.writableEnded) return false
  if (!response.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        response.off("drain", done)
        response.off("close", done)
        resolve()
      }
      response.on("drain", done)
      response.on("close", done)
    })
  }
  return !response.destroyed
}

const sendHead = (response: ServerResponse, status: number, headers: Headers) => {
  response.writeHead(status, headers)
  response.flushHeaders()
}

const resetAfterHeaders = (response: ServerResponse, status: number, headers: Headers) => {
  sendHead(response, status, headers)
  setImmediate(() => response.socket?.destroy())
}

/** Writes and waits until the chunk is handed to the OS; false when the client has gone. */
const writeFlushed = (response: ServerResponse, chunk: Uint8Array): Promise<boolean> =>
  new Promise((resolve) => {
    if (response.destroyed || response.writableEnded) return resolve(false)
    response.write(chunk, (error) => resolve(error == null && !response.destroyed))
  })

/**
 * The `cut-body` fault: the headers (with the full `Content-Length`), the first `afterBytes` bytes
 * of a body of `size` bytes (taken from `bytesAt`), then the connection destroyed.
 */
const cutBody = async (
  response: ServerResponse,
  status: number,
  headers: Headers,
  size: number,
  afterBytes: number,
  bytesAt: (offset: number, length: number) => Uint8Array
): Promise<void> => {
  const limit = Math.max(0, Math.min(Math.floor(afterBytes), size - 1))
  response.writeHead(status, { ...headers, "content-length": String(size) })
  if (limit === 0) response.flushHeaders()
  for (let offset = 0; offset < limit; offset += CHUNK) {
    if (!(await writeFlushed(response, bytesAt(offset, Math.min(CHUNK, limit - offset))))) return
  }
  response.socket?.destroy()
}

/** The small body of a `content-type` fault. */
const swappedBody = (contentType: "application/json" | "text/html"): string =>
  contentType === "application/json"
    ? JSON.stringify({ error: { code: 200, message: "This is not the video you are looking for" } })
    : "<!doctype html><html><body><h1>Access denied</h1></body></html>"

const fill = (size: number): Buffer => {
  const buffer = Buffer.alloc(size)
  for (let i = 0; i < size; i++) buffer[i] = (i * 31 + 7) & 0xff
  return buffer
}
const FILL = fill(CHUNK)

const dataCount = (line: { readonly data: string } | { readonly comment: string }): boolean =>
  "data" in line && line.data !== "[DONE]"

const sseErrorChunk = (events: ReadonlyArray<{ readonly data: string } | { readonly comment: string }>, fault: Extract<Fault, { kind: "sse-error" }>) => {
  let base: Record<string, unknown> = {}
  for (const event of events) {
    if ("data" in event && event.data !== "[DONE]") {
      try {
        const parsed = JSON.parse(event.data) as Record<string, unknown>
        base = { id: parsed.id, object: parsed.object, created: parsed.created, model: parsed.model, provider: parsed.provider }
        break
      } catch {
        continue
      }
    }
  }
  return JSON.stringify({
    ...base,
    // The error_type matches the code (429 → rate_limit_exceeded, 502 → provider_unavailable, …).
    error: streamError(fault),
    choices: [{ index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: "error" }]
  })
}

/**
 * Writes a reply, applying the faults that shape a body.
 *
 * @since 0.1.0 @category Writing
 */
export const writeReply = async (response: ServerResponse, reply: Reply, faults: ReadonlyArray<Fault>): Promise<void> => {
  const reset = faults.find((f) => f.kind === "reset" && f.when === "after-headers")
  const headers: Record<string, string> = { ...reply.headers }
  switch (reply._tag) {
    case "json": {
      const swap = faults.find((f): f is Extract<Fault, { kind: "content-type" }> => f.kind === "content-type")
      const text = swap !== undefined ? swappedBody(swap.contentType) : JSON.stringify(reply.body)
      if (swap !== undefined) headers["content-type"] = swap.contentType
      headers["content-type"] ??= "application/json"
      if (reset !== undefined) return resetAfterHeaders(response, reply.status, headers)
      const cut = faults.find((f): f is Extract<Fault, { kind: "cut-body" }> => f.kind === "cut-body")
      if (cut !== undefined) {
        const bytes = Buffer.from(text)
        return cutBody(response, reply.status, headers, bytes.byteLength, cut.afterBytes, (offset, length) => bytes.subarray(offset, offset + length))
      }
      if (faults.some((f) => f.kind === "invalid-json")) {
        response.writeHead(reply.status, headers)
        response.end("{\"id\": \"gen-truncated\", <html>not json")
        return
      }
      if (faults.some((f) => f.kind === "truncate-json")) {
        response.writeHead(reply.status, headers)
        await write(response, text.slice(0, Math.floor(text.length / 2)))
        response.end()
        return
      }
      headers["content-length"] = String(Buffer.byteLength(text))
      response.writeHead(reply.status, headers)
      response.end(text)
      return
    }
    case "sse": {
      headers["content-type"] ??= "text/event-stream"
      headers["cache-control"] ??= "no-cache"
      headers["connection"] ??= "keep-alive"
      if (reset !== undefined) return resetAfterHeaders(response, reply.status, headers)
      sendHead(response, reply.status, headers)
      const stall = faults.find((f): f is Extract<Fault, { kind: "stall" }> => f.kind === "stall")
      const error = faults.find((f): f is Extract<Fault, { kind: "sse-error" }> => f.kind === "sse-error")
      const cut = faults.find((f): f is Extract<Fault, { kind: "sse-cut" }> => f.kind === "sse-cut")
      let sent = 0
      let stalled = stall === undefined
      for (const event of reply.events) {
        if (dataCount(event)) {
          if (!stalled && stall !== undefined) {
            stalled = true
            const every = Math.max(1, stall.keepAliveMs ?? 1000)
            for (let waited = 0; waited < stall.ms; waited += every) {
              await sleep(Math.min(every, stall.ms - waited))
              if (!(await write(response, `${KEEP_ALIVE}\n\n`))) return
            }
          }
          if (error !== undefined && sent === error.afterDeltas) {
            await write(response, `data: ${sseErrorChunk(reply.events, error)}\n\n`)
            response.end()
            return
          }
          if (cut !== undefined && sent === cut.afterDeltas) {
            response.end()
            return
          }
          sent++
        }
        const text = "comment" in event ? `: ${event.comment}\n\n` : `data: ${event.data}\n\n`
        if (!(await write(response, text))) return
        if (reply.delayMs !== undefined && reply.delayMs > 0) await sleep(reply.delayMs)
      }
      response.end()
      return
    }
    case "bytes":
    case "buffer": {
      const swap = faults.find((f): f is Extract<Fault, { kind: "content-type" }> => f.kind === "content-type")
      if (swap !== undefined) {
        const body = swappedBody(swap.contentType)
        response.writeHead(reply.status, { ...headers, "content-type": swap.contentType, "content-length": String(Buffer.byteLength(body)) })
        response.end(body)
        return
      }
      const size = reply._tag === "bytes" ? reply.size : reply.body.byteLength
      headers["content-length"] = String(size)
      if (reset !== undefined) return resetAfterHeaders(response, reply.status, headers)
      const cut = faults.find((f): f is Extract<Fault, { kind: "cut-body" }> => f.kind === "cut-body")
      if (cut !== undefined) {
        const buffer = reply._tag === "buffer" ? reply.body : undefined
        return cutBody(response, reply.status, headers, size, cut.afterBytes, (offset, length) =>
          buffer !== undefined
            ? buffer.subarray(offset, offset + length)
            : reply._tag === "bytes" && reply.bytesAt !== undefined
            ? reply.bytesAt(offset, length)
            : FILL.subarray(0, length))
      }
      response.writeHead(reply.status, headers)
      if (reply._tag === "buffer") {
        response.end(reply.body)
        return
      }
      for (let offset = 0; offset < size; offset += CHUNK) {
        const length = Math.min(CHUNK, size - offset)
        const chunk = reply.bytesAt !== undefined ? reply.bytesAt(offset, length) : length === CHUNK ? FILL : FILL.subarray(0, length)
        if (!(await write(response, chunk))) return
      }
      response.end()
      return
    }
  }
}

const json = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) })
  response.end(text)
}

interface Shared {
  readonly context: SimContext
  readonly journal: Journal
  readonly faults: FaultQueue
  readonly apiKeys: ReadonlySet<string>
  readonly bench: boolean
  readonly benchReplies: Map<string, Reply>
}

const handleApi = async (shared: Shared, request: IncomingMessage, response: ServerResponse, url: URL) => {
  const path = url.pathname.slice(API_PREFIX.length) || "/"
  const method = (request.method ?? "GET").toUpperCase()
  const contentType = request.headers["content-type"]
  // A form (the multipart transcription upload) is read within the parser's body limit and
  // parsed now, so the journal records what it held; its errors are answered after the key check,
  // like a JSON body that does not parse.
  const multipart = Multipart.isMultipart(contentType)
  const read = await readBody(request, multipart ? Multipart.defaultLimits.maxBodyBytes : undefined)
  const raw = read.raw
  let body: unknown = undefined
  let unparsable = false
  let form: ReadonlyArray<Multipart.Part> | undefined
  let formError: Reply | undefined
  if (multipart) {
    const parsed = read.tooLarge ? Either.left(Multipart.bodyTooLarge(read.bytes)) : Multipart.parse(raw, contentType)
    if (Either.isRight(parsed)) {
      form = parsed.right
      body = Multipart.summary(parsed.right)
    } else {
      const { message, status } = parsed.left
      formError = Errors.error(status, message, { metadata: { error_type: status === 413 ? "payload_too_large" : "invalid_request" } })
    }
  } else if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString("utf8"))
    } catch {
      unparsable = true
      body = raw.toString("utf8").slice(0, 2000)
    }
  }
  let entry: Entry | undefined
  if (!shared.bench) {
    entry = shared.journal.record({
      time: shared.context.now(),
      method,
      origin: `http://${request.headers.host ?? "127.0.0.1"}`,
      path,
      query: url.search,
      headers: request.headers,
      body
    })
    shared.journal.started()
    const finished = entry
    response.on("close", () => {
      finished.completed = response.writableFinished
      finished.clientDisconnected = !response.writableFinished
      shared.journal.finished()
    })
  }
  const answer = async (reply: Reply, faults: ReadonlyArray<Fault> = []) => {
    if (entry !== undefined) entry.status = reply.status
    await writeReply(response, reply, faults)
  }

  const route = Routes.find(method, path)
  const faults = shared.bench ? [] : shared.faults.take(method, path)
  if (entry !== undefined) entry.faults = faults.map(describeFault)
  for (const fault of faults) if (fault.kind === "latency") await sleep(fault.ms)
  if (faults.some((f) => f.kind === "reset" && f.when === "before-headers")) {
    request.socket.destroy()
    return
  }
  const status = faults.find((f): f is Extract<Fault, { kind: "status" }> => f.kind === "status")
  if (status !== undefined) {
    const reply: Reply = status.body !== undefined
      ? { _tag: "json", status: status.status, body: status.body, ...(status.headers !== undefined ? { headers: status.headers } : {}) }
      : Errors.error(status.status, status.message ?? `Simulated HTTP ${status.status}`, status.headers !== undefined ? { headers: status.headers } : {})
    return answer(reply, faults)
  }
  if (route === undefined) return answer(Errors.error(404, `No route for ${method} ${API_PREFIX}${path}`, { userId: false }))
  const apiKey = bearer(request.headers.authorization)
  if (route.public !== true) {
    if (apiKey === undefined) return answer(Errors.error(401, "No auth credentials found", { userId: false }))
    if (shared.apiKeys.size > 0 && !shared.apiKeys.has(apiKey)) return answer(Errors.error(401, "User not found.", { userId: false }))
  }
  if (unparsable) return answer(Errors.invalidRequest("Invalid JSON in request body"), faults)
  if (formError !== undefined) return answer(formError, faults)
  if (form !== undefined) {
    if (route.form === undefined) {
      return answer(Errors.invalidRequest(`${route.route} takes a JSON body (application/json), not multipart/form-data`), faults)
    }
    const decoded = route.form.decode(form)
    if (Either.isLeft(decoded)) return answer(Errors.invalidRequest(decoded.left), faults)
    body = decoded.right
  }
  if (route.operation !== undefined && !shared.bench) {
    const result = Validation.validate(route.operation, body)
    // A form's issues name its fields (`/timestamp_granularities[]/0`), not the decoded body's.
    const fieldPath = form !== undefined ? route.form?.fieldPath : undefined
    const issues = result.ok
      ? []
      : fieldPath === undefined
      ? result.issues
      : result.issues.map((issue) => ({ ...issue, path: fieldPath(issue.path) }))
    if (entry !== undefined) entry.validation = result.ok ? { ok: true } : { ok: false, issues }
    if (!result.ok) return answer(Errors.invalidRequest(Validation.errorMessage(issues)), faults)
  }
  const simRequest: SimRequest = {
    method,
    path,
    query: url.searchParams,
    headers: request.headers,
    body,
    apiKey,
    fault: faults.find((f) => f.kind === "video-outcome" || f.kind === "video-status")
  }
  if (shared.bench && route.route === "POST /chat/completions") {
    const cacheKey = /"stream"\s*:\s*true/.test(raw.toString("utf8")) ? "stream" : "json"
    let reply = shared.benchReplies.get(cacheKey)
    if (reply === undefined) {
      reply = await route.handler(simRequest, shared.context)
      shared.benchReplies.set(cacheKey, reply)
    }
    return answer(reply)
  }
  let reply: Reply
  try {
    reply = await route.handler(simRequest, shared.context)
  } catch (cause) {
    reply = Errors.error(500, `Simulator handler failed: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
  // Accepted (the handler ran and answered 2xx), then failed anyway.
  const afterAccept = faults.find((f): f is Extract<Fault, { kind: "fail-after-accept" }> => f.kind === "fail-after-accept")
  if (afterAccept !== undefined && reply.status >= 200 && reply.status < 300) {
    reply = Errors.error(afterAccept.status, afterAccept.message ?? `Simulated HTTP ${afterAccept.status} after the request was accepted`)
  }
  return answer(reply, faults)
}

const listen = (server: HttpServer, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))
  })

const closeServer = (server: HttpServer): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })

/**
 * Starts a simulator on 127.0.0.1.
 *
 * @since 0.1.0 @category Lifecycle
 */
export const start = async (options: Options = {}): Promise<Running> => {
  const resolved = Context.resolveOptions(options)
  const journal = new Journal()
  const faults = new FaultQueue()
  let shared: Shared | undefined
  const api = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1")
    if (shared === undefined) return json(response, 503, { error: { code: 503, message: "starting" } })
    const current = shared
    const run = url.pathname.startsWith("/__sim/")
      ? Control.handle({ journal, faults }, request, response, url)
      : url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)
      ? handleApi(current, request, response, url)
      : Promise.resolve(json(response, 404, { error: { code: 404, message: "Not Found" } }))
    run.catch((cause: unknown) => {
      if (!response.headersSent) json(response, 500, { error: { code: 500, message: String(cause) } })
      else response.destroy()
    })
  })
  api.keepAliveTimeout = 5000
  const port = await listen(api, resolved.port)
  const origin = `http://127.0.0.1:${port}`
  let cdn: HttpServer | undefined
  let cdnOrigin: string | undefined
  if (resolved.cdn) {
    const cdnServer = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1")
      const current = shared
      if (current === undefined) return json(response, 503, {})
      const method = (request.method ?? "GET").toUpperCase()
      const faultsTaken = current.faults.take(method, `/cdn${url.pathname}`)
      // CDN requests are journalled too, under /cdn/…, so a test can count downloads.
      const entry = current.bench
        ? undefined
        : journal.record({
          time: current.context.now(),
          method,
          origin: `http://${request.headers.host ?? "127.0.0.1"}`,
          path: `/cdn${url.pathname}`,
          query: url.search,
          headers: request.headers,
          body: undefined
        })
      if (entry !== undefined) {
        entry.faults = faultsTaken.map(describeFault)
        journal.started()
        response.on("close", () => {
          entry.completed = response.writableFinished
          entry.clientDisconnected = !response.writableFinished
          journal.finished()
        })
      }
      const status = faultsTaken.find((f): f is Extract<Fault, { kind: "status" }> => f.kind === "status")
      const reply = status !== undefined
        ? Promise.resolve<Reply>({ _tag: "json", status: status.status, body: status.body ?? { error: { code: status.status, message: "Forbidden" } } })
        : Promise.resolve(cdnContent({ method, path: url.pathname, query: url.searchParams, headers: request.headers, body: undefined, apiKey: undefined, fault: undefined }, current.context))
      reply.then((r) => {
        if (entry !== undefined) entry.status = r.status
        return writeReply(response, r, faultsTaken)
      }).catch(() => response.destroy())
    })
    const cdnPort = await listen(cdnServer, 0)
    cdn = cdnServer
    cdnOrigin = `http://127.0.0.1:${cdnPort}`
  }
  const publicBaseUrl = (resolved.publicBaseUrl ?? `${origin}${API_PREFIX}`).replace(/\/+$/, "")
  const context = Context.make({ options: resolved, publicBaseUrl, cdnBaseUrl: cdnOrigin })
  shared = {
    context,
    journal,
    faults,
    apiKeys: new Set(resolved.apiKeys),
    bench: resolved.bench,
    benchReplies: new Map()
  }
  return {
    origin,
    baseUrl: `${origin}${API_PREFIX}`,
    publicBaseUrl,
    cdnOrigin,
    mediaHosts: cdnOrigin === undefined ? [] : [new URL(cdnOrigin).host],
    port,
    journal,
    faults,
    context,
    close: async () => {
      await Promise.all([closeServer(api), ...(cdn !== undefined ? [closeServer(cdn)] : [])])
    }
  }
}
