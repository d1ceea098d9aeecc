// A hostile server on loopback, over real sockets (issue 17): an endless error body is read only up
// to `errorBodyBytes`, and a base URL naming `*.localhost` gets nothing (no request, no key).
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as Limits from "../src/Limits.js"
import * as OpenRouterHttp from "../src/OpenRouterHttp.js"

const KEY = "sk-or-v1-hostile-network-000000000000000000000000abcd"
const CHUNK = Buffer.alloc(64 * 1024, "x")

interface Seen {
  readonly url: string
  readonly authorization: string | undefined
}

let server: Server
let port = 0
const seen: Array<Seen> = []
// Bytes the hostile server managed to hand to the socket for the last endless body.
let written = 0

// `/endless`: a 502 whose body never ends (64 KiB chunks as fast as the socket takes them, until
// the client goes away). `/long-json`: a 502 whose JSON error message is 4 MiB long.
const handle = (request: IncomingMessage, response: ServerResponse) => {
  seen.push({ url: request.url ?? "", authorization: request.headers.authorization })
  if (request.url?.endsWith("/endless") === true) {
    written = 0
    response.writeHead(502, { "content-type": "application/json" })
    response.write(`{"error":{"code":502,"message":"`)
    const pump = () => {
      while (!response.destroyed && written < 2 * 1024 * 1024 * 1024) {
        written += CHUNK.byteLength
        if (!response.write(CHUNK)) return void response.once("drain", pump)
      }
    }
    response.on("close", () => response.removeAllListeners("drain"))
    pump()
    return
  }
  if (request.url?.endsWith("/long-json") === true) {
    response.writeHead(502, { "content-type": "application/json" })
    response.end(JSON.stringify({ error: { code: 502, message: `upstream broke ${"y".repeat(4 * 1024 * 1024)}` } }))
    return
  }
  response.writeHead(200, { "content-type": "application/json" })
  response.end("{}")
}

beforeAll(async () => {
  server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const layerFor = (baseUrl: string) =>
  OpenRouterHttp.layer({ apiKey: Redacted.make(KEY), baseUrl, maxRetries: 0 }).pipe(Layer.provide(NodeHttpClient.layerUndici))

const get = (path: string) =>
  Effect.gen(function*() {
    const http = yield* OpenRouterHttp.OpenRouterHttp
    return yield* http.execute(HttpClientRequest.get(http.url(path)), { retryClass: "idempotent-get", timeout: "20 seconds", operation: "t" })
  })

describe("error bodies are read up to errorBodyBytes (issue 17)", () => {
  it.live("an endless 502 body ends in Upstream(502) after about the limit, the rest never read", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(get("/endless")).pipe(
        Effect.provide(layerFor(`http://127.0.0.1:${port}/api/v1`)),
        Effect.provide(Limits.layer({ errorBodyBytes: 256 * 1024 })),
        // Only a bound against a hang: before the fix the body was read to its end, which never came.
        Effect.timeoutFail({ duration: "15 seconds", onTimeout: () => new Error("the error body was read without end") })
      )
      expect(error._tag).toBe("Upstream")
      expect("status" in error ? error.status : undefined).toBe(502)
      // The client went away: the server stopped far below what it was ready to send (2 GiB),
      // allowing for the socket buffers on both sides.
      yield* Effect.sleep("100 millis")
      console.log(`hostile server wrote ${written} bytes of the endless error body`)
      expect(written).toBeLessThan(64 * 1024 * 1024)
    }), 30_000)

  it.live("a 4 MiB JSON error is decoded from its prefix under the default 1 MiB: still Upstream(502), a bounded message", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(get("/long-json")).pipe(Effect.provide(layerFor(`http://127.0.0.1:${port}/api/v1`)))
      expect(error._tag).toBe("Upstream")
      expect(error.message.length).toBeLessThan(Limits.defaults.errorBodyBytes + 1024)
    }), 30_000)
})

describe("a base URL naming *.localhost gets nothing (issue 17, defect 5)", () => {
  it.live("http://api.localhost:PORT: ConfigError at construction, no request reaches the server", () =>
    Effect.gen(function*() {
      const before = seen.length
      const error = yield* Effect.flip(get("/models").pipe(Effect.provide(layerFor(`http://api.localhost:${port}/api/v1`))))
      expect(error._tag).toBe("ConfigError")
      expect(seen.slice(before)).toEqual([])
    }), 30_000)

  it.live("http://localhost:PORT (resolved by the system to loopback) still works, with the key", () =>
    Effect.gen(function*() {
      // Listening on `localhost` binds the address the system resolves first, the one requests are
      // pinned to.
      const local = createServer(handle)
      yield* Effect.promise(() => new Promise<void>((resolve) => local.listen(0, "localhost", resolve)))
      const localPort = (local.address() as AddressInfo).port
      const before = seen.length
      yield* get("/models").pipe(
        Effect.provide(layerFor(`http://localhost:${localPort}/api/v1`)),
        Effect.ensuring(Effect.promise(() => new Promise<void>((resolve) => (local.closeAllConnections(), local.close(() => resolve())))))
      )
      expect(seen.slice(before)).toEqual([{ url: "/api/v1/models", authorization: `Bearer ${KEY}` }])
    }), 30_000)
})
