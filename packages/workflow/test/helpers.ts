// Shared by the workflow tests: a scripted OpenRouter (an HttpClient recording each request with
// its clock time), the client and workflow layers on the memory engine, and an output directory.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import { OpenRouter, VideoPoller } from "@openrouter-effect/client"
import { SubmitLedger, VideoSteps, VideoWorkflow } from "@openrouter-effect/workflow"
import { Clock, Effect, Layer, Redacted } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

export const KEY = "sk-or-v1-workflow-test-000000000000000000000000"

export interface Seen {
  readonly method: string
  readonly url: string
  /** The clock's time of the request (TestClock in `it.effect`). */
  readonly at: number
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

export const VIDEO = new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112, 105, 115, 111, 109])

/** A scripted OpenRouter for job `job-1`: `pendingPolls` polls pending, then completed, then the video. */
export const scripted = (pendingPolls: number, extra: (request: Seen, poll: number) => Response | undefined = () => undefined) => {
  const seen: Array<Seen> = []
  let polls = 0
  const answer = (request: Seen): Response => {
    const isPoll = request.method === "GET" && /\/videos\/job-1$/.test(request.url)
    if (isPoll) polls++
    const special = extra(request, polls)
    if (special !== undefined) return special
    if (request.url.endsWith("/videos/models")) return json(200, { data: [] })
    if (request.method === "POST") return json(202, { id: "job-1", polling_url: "/api/v1/videos/job-1", status: "pending" })
    if (isPoll) {
      return polls <= pendingPolls
        ? json(200, { id: "job-1", status: "in_progress" })
        : json(200, { id: "job-1", status: "completed", generation_id: "gen-1", unsigned_urls: ["https://cdn.example.com/job-1.mp4"], usage: { cost: 0.4 } })
    }
    return new Response(VIDEO, { status: 200, headers: { "content-type": "video/mp4", "content-length": String(VIDEO.length) } })
  }
  const client = HttpClient.make((request, url) =>
    Effect.map(Clock.currentTimeMillis, (at) => {
      const record = { method: request.method, url: url.toString(), at }
      seen.push(record)
      return HttpClientResponse.fromWeb(request, answer(record))
    }))
  return { seen, http: Layer.succeed(HttpClient.HttpClient, client) }
}

export const pollTimes = (seen: ReadonlyArray<Seen>) => seen.filter((s) => s.method === "GET" && /\/videos\/job-1$/.test(s.url)).map((s) => s.at)
export const posts = (seen: ReadonlyArray<Seen>) => seen.filter((s) => s.method === "POST").length

/** The client's services on an HttpClient, with a poll schedule. */
export const client = (options: {
  readonly http: Layer.Layer<HttpClient.HttpClient>
  readonly schedule?: VideoPoller.PollSchedule | undefined
  readonly baseUrl?: string | undefined
  readonly mediaHosts?: ReadonlyArray<string> | undefined
}) =>
  Layer.mergeAll(
    OpenRouter.layer({
      apiKey: Redacted.make(KEY),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      ...(options.mediaHosts !== undefined ? { mediaHosts: options.mediaHosts } : {})
    }).pipe(Layer.orDie, Layer.provide(options.http)),
    VideoPoller.layer(options.schedule),
    NodeFileSystem.layer
  )

/** The workflow on the memory engine, over the client's services and a ledger. */
export const memoryEngine = (
  clientLayer: ReturnType<typeof client>,
  ledger: Layer.Layer<SubmitLedger.SubmitLedger>,
  options: VideoWorkflow.RunOptions = {}
) =>
  VideoWorkflow.layer(options).pipe(
    Layer.provideMerge(WorkflowEngine.layerMemory),
    Layer.provide(VideoSteps.layer),
    Layer.provide(Layer.merge(clientLayer, ledger))
  )

export const outputDir = (what: string) => mkdtempSync(join(tmpdir(), `or-workflow-${what}-`))
