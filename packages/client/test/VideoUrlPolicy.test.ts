// A hostile OpenRouter naming where the client should poll and download (issue 17, SSRF): a
// `polling_url` or `unsigned_urls` entry on plain http, on this machine's other ports, on a private,
// link-local or metadata address, in any spelling `new URL` reads as one, is never fetched; a host
// named in `mediaHosts` is. Scripted transport: every request the client makes is recorded.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc, Layer } from "effect"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-video-url-policy-0000000000000000000000"
const MP4 = new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112, 105, 115, 111, 109])

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/** OpenRouter answering the submit with `submitAnswer`; every other request recorded and answered. */
const scripted = (submitAnswer: Record<string, unknown>, mediaHosts?: ReadonlyArray<string>) => {
  const requests: Array<string> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      if (url.pathname.endsWith("/videos/models")) return HttpClientResponse.fromWeb(request, json(200, { data: [] }))
      if (request.method === "POST") return HttpClientResponse.fromWeb(request, json(202, submitAnswer))
      requests.push(url.toString())
      if (url.pathname.includes("/videos/") && !url.pathname.endsWith("/content")) {
        return HttpClientResponse.fromWeb(request, json(200, { id: "job-1", status: "completed" }))
      }
      return HttpClientResponse.fromWeb(request, new Response(MP4, { status: 200, headers: { "content-type": "video/mp4" } }))
    }))
  const layer = OpenRouter.layerDocument({
    document: {},
    environment: { OPENROUTER_API_KEY: KEY },
    ...(mediaHosts !== undefined ? { mediaHosts } : {})
  }).pipe(Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer)))
  return { requests, layer }
}

const octet = fc.integer({ min: 0, max: 255 })
// Hosts a server must not point us at, spelt the ways WHATWG reads as the same address.
const hostileHost = fc.oneof(
  fc.constantFrom(
    "169.254.169.254",
    "0xa9fea9fe",
    "2852039166",
    "0251.0376.0251.0376",
    "[::ffff:169.254.169.254]",
    "[fd00:ec2::254]",
    "metadata.google.internal",
    "localhost",
    "api.localhost",
    "127.1",
    "[::1]",
    "0",
    "[fe80::1]"
  ),
  fc.tuple(octet, octet).map(([a, b]) => `10.${a}.${b}.1`),
  fc.tuple(fc.integer({ min: 16, max: 31 }), octet).map(([a, b]) => `172.${a}.${b}.9`),
  fc.tuple(octet, octet).map(([a, b]) => `192.168.${a}.${b}`),
  fc.tuple(octet, octet).map(([a, b]) => `127.${a}.${b}.1`)
)
const hostileUrl = fc.tuple(fc.constantFrom("http", "https"), hostileHost, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(
  ([scheme, host, port]) => `${scheme}://${host}${port === undefined ? "" : `:${port}`}/latest/meta-data/`
)
// Public hosts over plain http: refused too.
const plainHttp = fc.domain().map((host) => `http://${host}/v.mp4`)

describe("Videos: polling_url and unsigned_urls (issue 17, SSRF)", () => {
  it.effect.prop("a hostile polling_url is never requested: MalformedResponse naming the URL", [fc.oneof(hostileUrl, plainHttp)], ([pollingUrl]) =>
    Effect.gen(function*() {
      const { requests, layer } = scripted({ id: "job-1", polling_url: pollingUrl, status: "pending" })
      const error = yield* Effect.flip(Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "a cat" })).pipe(Effect.provide(layer)))
      expect(error._tag).toBe("MalformedResponse")
      expect(error.message).toContain("will not fetch")
      expect(requests).toEqual([])
    }), { timeout: 60_000, fastCheck: { numRuns: propertyRuns(30) } })

  it.effect.prop("a hostile unsigned URL is never requested", [fc.oneof(hostileUrl, plainHttp)], ([unsigned]) =>
    Effect.gen(function*() {
      const { requests, layer } = scripted({ id: "job-1", polling_url: "/api/v1/videos/job-1", status: "completed", unsigned_urls: [unsigned] })
      yield* Effect.exit(Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "a cat" })).pipe(Effect.provide(layer)))
      // Whatever the download ends in, the hostile URL itself was not fetched.
      expect(requests.filter((url) => !url.startsWith("https://openrouter.ai/"))).toEqual([])
    }), { timeout: 60_000, fastCheck: { numRuns: propertyRuns(30) } })

  it.effect("the same URLs on a host named in mediaHosts are fetched; a public https CDN needs no entry", () =>
    Effect.gen(function*() {
      const allowed = scripted(
        { id: "job-1", polling_url: "http://127.0.0.1:4011/api/v1/videos/job-1", status: "pending" },
        ["127.0.0.1:4011", "10.1.2.3"]
      )
      yield* Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "a cat" })).pipe(Effect.provide(allowed.layer))
      expect(allowed.requests[0]).toBe("http://127.0.0.1:4011/api/v1/videos/job-1")
      const cdn = scripted({ id: "job-1", polling_url: "/api/v1/videos/job-1", status: "completed", unsigned_urls: ["https://cdn.example.com/v.mp4"] })
      yield* Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "a cat" })).pipe(Effect.provide(cdn.layer))
      expect(cdn.requests).toEqual(["https://cdn.example.com/v.mp4"])
    }))
})
