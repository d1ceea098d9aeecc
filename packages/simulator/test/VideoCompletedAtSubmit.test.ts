// The `videoCompletedAtSubmit` switch: a job that has ended by the time `POST /videos` answers
// (issue 16, item 6), the case a client must download without polling.
import { describe, expect, it } from "@effect/vitest"
import * as Videos from "../src/media/Videos.js"
import * as ResponseValidation from "../src/ResponseValidation.js"
import * as Server from "../src/Server.js"
import type { Reply } from "../src/Types.js"
import { context, request } from "./support.js"

const FAST = { model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm" }

const json = (reply: Reply) => {
  if (reply._tag !== "json") throw new Error(`expected a JSON reply, got ${reply._tag}`)
  return reply as { readonly status: number; readonly body: any }
}

describe("videoCompletedAtSubmit", () => {
  it("answers the submit completed, with generation_id and usage but no unsigned_urls", async () => {
    const ctx = context({ videoCompletedAtSubmit: true })
    const reply = json(await Videos.submitVideo(request("POST", "/videos", FAST), ctx))
    expect(reply.status).toBe(202)
    expect(reply.body).toMatchObject({ status: "completed", generation_id: expect.any(String), usage: { cost: expect.any(Number), is_byok: false } })
    expect(typeof reply.body.id).toBe("string")
    expect(typeof reply.body.polling_url).toBe("string")
    expect(reply.body).not.toHaveProperty("unsigned_urls")
    const check = ResponseValidation.validateResponse({ route: "POST /videos", status: 202, body: reply.body })
    expect(ResponseValidation.format(check, "POST /videos")).toEqual([])
    // The job really has ended: a poll says completed too, and the content is there at once.
    const poll = json(await Videos.pollVideo(request("GET", `/videos/${reply.body.id}`), ctx))
    expect(poll.body.status).toBe("completed")
    const content = await Videos.videoContent(request("GET", `/videos/${reply.body.id}/content`, undefined, { query: "index=0" }), ctx)
    expect(content.status).toBe(200)
  })

  it("records the generation at the submit", async () => {
    const ctx = context({ videoCompletedAtSubmit: true })
    const reply = json(await Videos.submitVideo(request("POST", "/videos", FAST), ctx))
    expect(ctx.generation(reply.body.generation_id)).toBeDefined()
  })

  it("answers a scripted outcome at the submit, with its error", async () => {
    const ctx = context({ videoCompletedAtSubmit: true })
    const reply = json(await Videos.submitVideo(request("POST", "/videos", FAST, { fault: { kind: "video-outcome", outcome: "failed" } }), ctx))
    expect(reply.body).toMatchObject({ status: "failed", error: Videos.OUTCOME_ERRORS.failed })
  })

  it("is off by default: the submit answers pending", async () => {
    const reply = json(await Videos.submitVideo(request("POST", "/videos", FAST), context()))
    expect(reply.body.status).toBe("pending")
  })

  it("over HTTP: the content endpoint serves the MP4 with no poll in between", async () => {
    const sim = await Server.start({ videoCompletedAtSubmit: true, videoBytes: 20_000 })
    try {
      const headers = { authorization: "Bearer sk-or-v1-test", "content-type": "application/json" }
      const submitted = await fetch(`${sim.baseUrl}/videos`, { method: "POST", headers, body: JSON.stringify(FAST) })
      const body = (await submitted.json()) as { id: string; status: string }
      expect(body.status).toBe("completed")
      const video = await fetch(`${sim.baseUrl}/videos/${body.id}/content?index=0`, { headers })
      expect(video.status).toBe(200)
      expect((await video.arrayBuffer()).byteLength).toBe(20_000)
      expect(sim.journal.list({ method: "GET" }).map((entry) => entry.path)).toEqual([`/videos/${body.id}/content`])
    } finally {
      await sim.close()
    }
  })
})
