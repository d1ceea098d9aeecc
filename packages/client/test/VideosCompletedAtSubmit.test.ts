// A video already `completed` in the submit's answer (issue 16, item 6; openclaw-behaviour.md
// §13.3): no poll, the download straight from `unsigned_urls` or, without them, the content
// endpoint `/videos/{id}/content?index=0`. Scripted, then against the simulator's
// `videoCompletedAtSubmit` switch, counting requests in its journal.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Layer } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as OpenRouter from "../src/OpenRouter.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-video-at-submit-000000000000000000000"
const MP4 = new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112, 105, 115, 111, 109])

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/** OpenRouter answering the submit `completed`, every GET recorded. */
const scripted = (submitAnswer: Record<string, unknown>) => {
  const gets: Array<string> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      if (url.pathname.endsWith("/videos/models")) return HttpClientResponse.fromWeb(request, json(200, { data: [] }))
      if (request.method === "POST") return HttpClientResponse.fromWeb(request, json(202, submitAnswer))
      gets.push(url.toString())
      if (url.pathname.endsWith("/videos/job-1")) {
        return HttpClientResponse.fromWeb(request, json(200, { id: "job-1", status: "completed", unsigned_urls: ["https://cdn.example.com/polled.mp4"] }))
      }
      return HttpClientResponse.fromWeb(request, new Response(MP4, { status: 200, headers: { "content-type": "video/mp4" } }))
    }))
  const layer = OpenRouter.layerDocument({ document: {}, environment: { OPENROUTER_API_KEY: KEY } }).pipe(
    Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer))
  )
  return { gets, layer }
}

const COMPLETED = { id: "job-1", polling_url: "/api/v1/videos/job-1", status: "completed", generation_id: "gen-1", usage: { cost: 0.4, is_byok: false } }

describe("Videos: a video completed at submit (scripted)", () => {
  it.effect("without unsigned_urls: no poll, one GET of the content endpoint (index=0)", () => {
    const { gets, layer } = scripted(COMPLETED)
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const result = yield* videos.generate({ prompt: "a cat" })
      expect(gets).toEqual(["https://openrouter.ai/api/v1/videos/job-1/content?index=0"])
      expect(new Uint8Array(result.bytes ?? [])).toEqual(MP4)
      expect(result.metadata).toEqual({ jobId: "job-1", status: "completed", generationId: "gen-1", cost: 0.4, isByok: false })
    }).pipe(Effect.provide(layer))
  })

  it.effect("with unsigned_urls: no poll, the unsigned URL", () => {
    const { gets, layer } = scripted({ ...COMPLETED, unsigned_urls: ["https://cdn.example.com/job-1.mp4"] })
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      yield* videos.generate({ prompt: "a cat" })
      expect(gets).toEqual(["https://cdn.example.com/job-1.mp4"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("submit → poll → download (the CLI's steps): the job is stored completed, the poll sends nothing", () => {
    const { gets, layer } = scripted(COMPLETED)
    return Effect.gen(function*() {
      const videos = yield* Videos.Videos
      const job = yield* videos.submit({ prompt: "a cat" })
      expect(job.status).toBe("completed")
      expect((yield* videos.jobs).map((stored) => stored.status)).toEqual(["completed"])
      const completed = yield* videos.poll(job)
      expect(gets).toEqual([])
      expect(completed.status).toBe("completed")
      yield* videos.download(job, completed)
      expect(gets).toEqual(["https://openrouter.ai/api/v1/videos/job-1/content?index=0"])
      // The submit's answer is used once: a later poll asks the server again.
      yield* videos.poll(job)
      expect(gets.at(-1)).toBe("https://openrouter.ai/api/v1/videos/job-1")
    }).pipe(Effect.provide(layer))
  })
})

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoCompletedAtSubmit: true, videoBytes: 40_000 })
})
afterAll(() => sim.close())

describe("Videos: a video completed at submit (simulator)", () => {
  it.live("generate downloads from the content endpoint with no GET /videos/:id in the journal", () =>
    Effect.gen(function*() {
      sim.journal.clear()
      const videos = yield* Videos.Videos
      const output = join(mkdtempSync(join(tmpdir(), "ore-video-at-submit-")), "now.mp4")
      const result = yield* videos.generate({ prompt: "a cat", output })
      expect(result).toMatchObject({ file: output, size: 40_000, mimeType: "video/mp4" })
      expect(readFileSync(output).subarray(4, 8).toString("latin1")).toBe("ftyp")
      const requests = sim.journal.list().map((entry) => `${entry.method} ${entry.path}${entry.query !== "" ? `?${entry.query.replace(/^\?/, "")}` : ""}`)
      const id = result.metadata.jobId
      expect(requests.filter((line) => line !== "GET /videos/models")).toEqual(["POST /videos", `GET /videos/${id}/content?index=0`])
    }).pipe(
      Effect.provide(
        OpenRouter.layerDocument({ document: { models: { providers: { openrouter: { baseUrl: sim.baseUrl } } } }, environment: { OPENROUTER_API_KEY: KEY } })
          .pipe(Layer.provideMerge(Layer.mergeAll(NodeHttpClient.layerUndici, NodeFileSystem.layer)))
      )
    ), 20_000)
})
