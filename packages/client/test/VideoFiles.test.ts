// Video outputs and downloads under attack (issue 17):
//   defect 7:  a second video into the same output keeps the first (a new free name, recorded);
//              a resumed download of the same job recognises its finished file (no second copy);
//   defect 12: a 300-character job id is stored and resumable;
//   defect 13: a resume finishes the job's recorded output and replaces its stale partial file;
//   defect 14: a download is capped by its Content-Length, else by downloadBytes, and bounded in
//              time by downloadIdleMs and by the call's own timeout (a trickle ends in Timeout);
//   defect 3:  an output that cannot be written is refused before the billable submit.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { execFileSync } from "node:child_process"
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Limits from "../src/Limits.js"
import * as OpenRouter from "../src/OpenRouter.js"
import * as VideoJobStore from "../src/VideoJobStore.js"
import * as Videos from "../src/Videos.js"

const KEY = "sk-or-v1-video-files-000000000000000000000000000"

interface Seen {
  readonly method: string
  readonly url: string
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/**
 * A scripted OpenRouter whose jobs complete at once and whose video body is `video(jobId)`. Every
 * submit answers a new job id from `ids`.
 */
const scripted = (options: {
  readonly ids: ReadonlyArray<string>
  readonly video: (jobId: string, signal: AbortSignal) => Response
  readonly stateDir: string
  readonly limits?: Partial<Limits.Values>
}) => {
  const seen: Array<Seen> = []
  let submits = 0
  // Like every platform client, the double honors the request's AbortSignal: a download's idle and
  // total limits stop a read that waits by aborting the request.
  const client = HttpClient.make((request, url, signal) =>
    Effect.sync(() => {
      const href = url.toString()
      seen.push({ method: request.method, url: href })
      const answer = (() => {
        if (href.endsWith("/videos/models")) return json(200, { data: [] })
        if (request.method === "POST") {
          const id = options.ids[submits++] ?? "job-x"
          return json(202, { id, polling_url: `/api/v1/videos/${encodeURIComponent(id)}`, status: "pending" })
        }
        const content = /\/videos\/([^/?]+)\/content/.exec(href)
        if (content?.[1] !== undefined) return options.video(decodeURIComponent(content[1]), signal)
        const poll = /\/videos\/([^/?]+)$/.exec(href)
        const id = decodeURIComponent(poll?.[1] ?? "")
        return json(200, { id, status: "completed", unsigned_urls: [] })
      })()
      return HttpClientResponse.fromWeb(request, answer)
    }))
  const layer = OpenRouter.layerDocument({
    document: {},
    environment: { OPENROUTER_API_KEY: KEY },
    stateDir: options.stateDir,
    ...(options.limits !== undefined ? { limits: options.limits } : {})
  }).pipe(Layer.provideMerge(Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, client), NodeFileSystem.layer)))
  return { seen, layer, posts: () => seen.filter((s) => s.method === "POST").length }
}

const bytesOf = (label: string, size = 4096) => {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (label.charCodeAt(i % label.length) + i) & 0xff
  return bytes
}

const video = (bytes: Uint8Array, headers: Record<string, string> = {}) =>
  new Response(bytes, { status: 200, headers: { "content-type": "video/mp4", "content-length": String(bytes.byteLength), ...headers } })

const dirs = () => ({ stateDir: mkdtempSync(join(tmpdir(), "ore-vf-state-")), outDir: mkdtempSync(join(tmpdir(), "ore-vf-out-")) })

describe("defect 7: outputs never replace another file", () => {
  it.live("a second video into the same output takes video-1.mp4; the first paid video is intact and each job records its file", () =>
    Effect.gen(function*() {
      const at = dirs()
      const script = scripted({ ids: ["job-a", "job-b"], video: (id) => video(bytesOf(id)), stateDir: at.stateDir })
      const output = join(at.outDir, "video.mp4")
      const [first, second] = yield* Effect.gen(function*() {
        const videos = yield* Videos.Videos
        const first = yield* videos.generate({ prompt: "a", output })
        const second = yield* videos.generate({ prompt: "b", output })
        return [first, second] as const
      }).pipe(Effect.provide(script.layer))
      expect(first.file).toBe(output)
      expect(second.file).toBe(join(at.outDir, "video-1.mp4"))
      expect(Buffer.from(readFileSync(output)).equals(Buffer.from(bytesOf("job-a")))).toBe(true)
      expect(Buffer.from(readFileSync(join(at.outDir, "video-1.mp4"))).equals(Buffer.from(bytesOf("job-b")))).toBe(true)
      const jobs = yield* Effect.flatMap(Videos.Videos, (videos) => videos.jobs).pipe(Effect.provide(script.layer))
      expect(Object.fromEntries(jobs.map((job) => [job.id, job.output]))).toEqual({ "job-a": output, "job-b": join(at.outDir, "video-1.mp4") })
      expect(readdirSync(at.outDir).sort()).toEqual(["video-1.mp4", "video.mp4"])
    }))

  it.live("with force the existing file is replaced; resuming a downloaded job keeps its file and sends nothing", () =>
    Effect.gen(function*() {
      const at = dirs()
      const output = join(at.outDir, "video.mp4")
      writeFileSync(output, "someone else's video")
      const script = scripted({ ids: ["job-f"], video: (id) => video(bytesOf(id)), stateDir: at.stateDir })
      const result = yield* Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "f", output, force: true })).pipe(Effect.provide(script.layer))
      expect(result.file).toBe(output)
      expect(statSync(output).size).toBe(4096)
      const before = script.seen.length
      const again = yield* Effect.flatMap(Videos.Videos, (videos) => videos.resume("job-f")).pipe(Effect.provide(script.layer))
      expect(again).toMatchObject({ file: output, size: 4096 })
      expect(script.seen.length).toBe(before)
      expect(readdirSync(at.outDir)).toEqual(["video.mp4"])
    }))
})

describe("--force through a symbolic link to another file system (found in review)", () => {
  it.live("the target is replaced: the partial file is written beside it, so the final rename stays on one file system", () =>
    Effect.gen(function*() {
      const at = dirs()
      // /dev/shm is a tmpfs: a different file system from the temporary folder here (checked, so
      // the test cannot pass for the wrong reason).
      const elsewhere = mkdtempSync(join("/dev/shm", "ore-video-"))
      expect(statSync(elsewhere).dev).not.toBe(statSync(at.outDir).dev)
      const target = join(elsewhere, "real.mp4")
      writeFileSync(target, "an older video")
      const output = join(at.outDir, "video.mp4")
      symlinkSync(target, output)
      const script = scripted({ ids: ["job-x"], video: (id) => video(bytesOf(id)), stateDir: at.stateDir })
      const result = yield* Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "x", output, force: true })).pipe(Effect.provide(script.layer))
      expect(result.file).toBe(target)
      expect(lstatSync(output).isSymbolicLink()).toBe(true)
      expect(Buffer.from(readFileSync(output)).equals(Buffer.from(bytesOf("job-x")))).toBe(true)
      expect(readdirSync(elsewhere)).toEqual(["real.mp4"])
      expect(readdirSync(at.outDir)).toEqual(["video.mp4"])
    }))
})

describe("defect 12: job ids of any length", () => {
  it.live("a 300-character id is stored (under a hashed name) and resumable", () =>
    Effect.gen(function*() {
      const at = dirs()
      const id = `job-${"x".repeat(296)}`
      const output = join(at.outDir, "video.mp4")
      // The download fails once (a 500 on the content), after the job is stored.
      let failures = 1
      const script = scripted({
        ids: [id],
        video: (jobId) => failures-- > 0 ? new Response("boom", { status: 400 }) : video(bytesOf(jobId)),
        stateDir: at.stateDir
      })
      const first = yield* Effect.either(Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "long", output })).pipe(Effect.provide(script.layer)))
      expect(first._tag).toBe("Left")
      const names = readdirSync(join(at.stateDir, "videos"))
      expect(names).toHaveLength(1)
      expect(names[0]).toMatch(/^=sha256-[0-9a-f]{64}\.json$/)
      const resumed = yield* Effect.flatMap(Videos.Videos, (videos) => videos.resume(id)).pipe(Effect.provide(script.layer))
      expect(resumed.file).toBe(output)
      expect(statSync(output).size).toBe(4096)
      expect(script.posts()).toBe(1)
      // Short ids keep their readable names.
      expect(yield* VideoJobStore.fileNameOf("job-1")).toBe("job-1.json")
    }))
})

describe("defect 13: resume finishes the recorded output", () => {
  it.live("the stale partial of a killed download is replaced by the finished recorded file", () =>
    Effect.gen(function*() {
      const at = dirs()
      const output = join(at.outDir, "video.mp4")
      const script = scripted({ ids: ["job-r"], video: (id) => video(bytesOf(id)), stateDir: at.stateDir })
      // A job recorded with its output, then a killed download's partial file.
      const job = yield* Effect.flatMap(Videos.Videos, (videos) => videos.submit({ prompt: "r", output })).pipe(Effect.provide(script.layer))
      const { partialName } = yield* Effect.promise(() => import("../src/internal/videoDownload.js"))
      const partial = yield* partialName(output, job.id)
      writeFileSync(partial, "half a video")
      const result = yield* Effect.flatMap(Videos.Videos, (videos) => videos.resume(job.id)).pipe(Effect.provide(script.layer))
      expect(result.file).toBe(output)
      expect(readdirSync(at.outDir)).toEqual(["video.mp4"])
      expect(existsSync(partial)).toBe(false)
    }))
})

describe("defect 14: downloads are bounded", () => {
  const generateWith = (response: (jobId: string, signal: AbortSignal) => Response, limits: Partial<Limits.Values> = {}, timeoutMs?: number) =>
    Effect.gen(function*() {
      const at = dirs()
      const script = scripted({ ids: ["job-l"], video: response, stateDir: at.stateDir, limits })
      const error = yield* Effect.flip(
        Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "l", output: join(at.outDir, "video.mp4"), ...(timeoutMs !== undefined ? { timeoutMs } : {}) })).pipe(
          Effect.provide(script.layer),
          // A guard, not an assertion: the old code never ended.
          Effect.timeoutFail({ duration: "8 seconds", onTimeout: () => new Error("no end in 8 s") })
        )
      )
      // Nothing is left under the output's name, nor a partial file.
      expect(readdirSync(at.outDir)).toEqual([])
      return error
    })

  /** A body that never ends: `chunk` bytes every `everyMs`. */
  const endless = (chunk: number, everyMs: number, headers: Record<string, string> = {}) => (_id: string, signal: AbortSignal) =>
    new Response(
      new ReadableStream({
        start(controller) {
          signal.addEventListener("abort", () => controller.error(signal.reason))
        },
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, everyMs))
          controller.enqueue(new Uint8Array(chunk))
        }
      }),
      { status: 200, headers: { "content-type": "video/mp4", ...headers } }
    )

  it.live("more bytes than the declared Content-Length: LimitExceeded, nothing written", () =>
    Effect.gen(function*() {
      const error = yield* generateWith(endless(64 * 1024, 1, { "content-length": "100000" }))
      expect(error).toMatchObject({ _tag: "LimitExceeded", limit: "Content-Length", max: 100000 })
    }))

  it.live("no Content-Length: an endless body stops at downloadBytes with LimitExceeded naming it", () =>
    Effect.gen(function*() {
      const error = yield* generateWith(endless(64 * 1024, 1), { downloadBytes: 1024 * 1024 })
      expect(error).toMatchObject({ _tag: "LimitExceeded", limit: "downloadBytes", max: 1024 * 1024 })
      expect(error.message).toContain("downloadBytes (1 MiB)")
    }))

  it.live("a 1 byte per 100 ms trickle ends with Timeout at the call's timeout", () =>
    Effect.gen(function*() {
      const error = yield* generateWith(endless(1, 100), {}, 1500)
      expect(error).toMatchObject({ _tag: "Timeout" })
    }))

  it.live("a body that stalls ends with Timeout after downloadIdleMs", () =>
    Effect.gen(function*() {
      const error = yield* generateWith(endless(1, 60_000), { downloadIdleMs: 300 })
      expect(error).toMatchObject({ _tag: "Timeout" })
      expect(error.message).toContain("downloadIdleMs")
    }))
})

describe("defect 3: outputs are checked before the billable submit", () => {
  it.live("an output that cannot be written (its directory is a file): BadInput, no request", () =>
    Effect.gen(function*() {
      const at = dirs()
      const file = join(at.outDir, "a-file")
      writeFileSync(file, "")
      const script = scripted({ ids: ["job-w"], video: (id) => video(bytesOf(id)), stateDir: at.stateDir })
      const error = yield* Effect.flip(
        Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "w", output: join(file, "video.mp4") })).pipe(Effect.provide(script.layer))
      )
      expect(error).toMatchObject({ _tag: "BadInput" })
      expect(script.posts()).toBe(0)
    }))

  it.live("an output that is a directory or a FIFO: BadInput, no request", () =>
    Effect.gen(function*() {
      const at = dirs()
      const script = scripted({ ids: ["job-d"], video: (id) => video(bytesOf(id)), stateDir: at.stateDir })
      // Never the real /dev/null: the old code renamed its download over the output.
      const fifo = join(at.outDir, "fifo.mp4")
      execFileSync("mkfifo", [fifo])
      for (const output of [at.outDir, fifo]) {
        const error = yield* Effect.flip(
          Effect.flatMap(Videos.Videos, (videos) => videos.generate({ prompt: "d", output, force: true })).pipe(Effect.provide(script.layer))
        )
        expect(error.message).toContain("not a regular file")
      }
      expect(script.posts()).toBe(0)
    }))
})
