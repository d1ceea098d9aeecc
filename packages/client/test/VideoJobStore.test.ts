import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, FastCheck, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import * as VideoJobStore from "../src/VideoJobStore.js"

const job = (id: string, submittedAt: number, extra: Partial<VideoJobStore.VideoJob> = {}): VideoJobStore.VideoJob => ({
  id,
  pollingUrl: `https://openrouter.ai/api/v1/videos/${id}`,
  model: "google/veo-3",
  baseUrl: "https://openrouter.ai/api/v1",
  submittedAt,
  status: "submitted",
  ...extra
})

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(nodePath.join(os.tmpdir(), "video-jobs-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

const fileStore = (dir: string) => VideoJobStore.makeFile(dir).pipe(Effect.provide(NodeFileSystem.layer))

const roundTrip = (store: VideoJobStore.Service) =>
  Effect.gen(function*() {
    expect(yield* store.get("a")).toEqual(Option.none())
    expect(yield* store.list).toEqual([])
    yield* store.put(job("a", 1000))
    yield* store.put(job("b", 3000, { output: "/tmp/b.mp4" }))
    yield* store.put(job("c", 2000))
    expect(yield* store.get("b")).toEqual(Option.some(job("b", 3000, { output: "/tmp/b.mp4" })))
    expect((yield* store.list).map((j) => j.id)).toEqual(["b", "c", "a"])
    const updated = yield* store.update("a", { status: "completed", generationId: "gen-1" })
    expect(updated).toEqual(job("a", 1000, { status: "completed", generationId: "gen-1" }))
    expect(yield* store.get("a")).toEqual(Option.some(updated))
    // put replaces
    yield* store.put(job("c", 2000, { status: "failed", error: "boom" }))
    expect(Option.getOrThrow(yield* store.get("c")).error).toBe("boom")
    expect(yield* store.list).toHaveLength(3)
    const missing = yield* Effect.exit(store.update("nope", { status: "failed" }))
    expect(Exit.isFailure(missing)).toBe(true)
    const error = yield* Effect.flip(store.update("nope", { status: "failed" }))
    expect(error._tag).toBe("StoreError")
  })

describe("VideoJobStore (memory)", () => {
  it.effect("put/get/list/update round trip", () =>
    Effect.gen(function*() {
      yield* roundTrip(yield* VideoJobStore.VideoJobStore)
    }).pipe(Effect.provide(VideoJobStore.layerMemory)))

  it.effect("each layer build starts empty", () =>
    Effect.gen(function*() {
      const a = yield* VideoJobStore.makeMemory
      const b = yield* VideoJobStore.makeMemory
      yield* a.put(job("x", 1))
      expect(yield* b.list).toEqual([])
    }))
})

describe("VideoJobStore (file)", () => {
  it.scoped("put/get/list/update round trip", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* roundTrip(yield* fileStore(dir))
    }))

  it.scoped("works through layerFile", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* VideoJobStore.VideoJobStore.pipe(
        Effect.provide(VideoJobStore.layerFile(dir).pipe(Layer.provide(NodeFileSystem.layer)))
      )
      yield* store.put(job("l", 5))
      expect(fs.existsSync(nodePath.join(dir, "videos", "l.json"))).toBe(true)
    }))

  it.scoped("the file exists right after put, mode 0600, with the job JSON", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      const accepted = job("vid-123", 42, { output: "out.mp4" })
      yield* store.put(accepted)
      const file = nodePath.join(dir, "videos", "vid-123.json")
      expect(fs.existsSync(file)).toBe(true)
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(accepted)
    }))

  it.scoped("ids with / or : are encoded safely", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      const ids = ["a/b/../../c", "job:1", "../escape", "%2F"]
      for (const [i, id] of ids.entries()) yield* store.put(job(id, i))
      const files = fs.readdirSync(nodePath.join(dir, "videos")).sort()
      expect(files).toEqual(ids.map((id) => `${encodeURIComponent(id)}.json`).sort())
      expect(fs.readdirSync(dir)).toEqual(["videos"])
      for (const id of ids) expect(Option.getOrThrow(yield* store.get(id)).id).toBe(id)
      expect((yield* store.list).map((j) => j.id)).toEqual([...ids].reverse())
    }))

  it.scoped("a second store over the same directory sees the jobs", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const first = yield* fileStore(dir)
      yield* first.put(job("p", 1))
      yield* first.update("p", { status: "downloaded", output: "/x.mp4" })
      const second = yield* fileStore(dir)
      expect(yield* second.get("p")).toEqual(Option.some(job("p", 1, { status: "downloaded", output: "/x.mp4" })))
      expect((yield* second.list).map((j) => j.id)).toEqual(["p"])
    }))

  it.scoped("unknown fields in stored files are tolerated", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      fs.mkdirSync(nodePath.join(dir, "videos"), { recursive: true })
      fs.writeFileSync(nodePath.join(dir, "videos", "u.json"), JSON.stringify({ ...job("u", 9), future: true }))
      const store = yield* fileStore(dir)
      expect(yield* store.get("u")).toEqual(Option.some(job("u", 9)))
    }))

  it.scoped("a corrupt file is skipped by list and a StoreError from get", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      yield* store.put(job("good", 1))
      const corrupt = nodePath.join(dir, "videos", "bad.json")
      fs.writeFileSync(corrupt, "{ not json")
      fs.writeFileSync(nodePath.join(dir, "videos", "wrong.json"), JSON.stringify({ id: "wrong" }))
      expect((yield* store.list).map((j) => j.id)).toEqual(["good"])
      const error = yield* Effect.flip(store.get("bad"))
      expect(error._tag).toBe("StoreError")
      expect(error.path).toBe(corrupt)
      expect(error.message).toContain(corrupt)
      const wrong = yield* Effect.flip(store.get("wrong"))
      expect(wrong.path).toBe(nodePath.join(dir, "videos", "wrong.json"))
      const updateError = yield* Effect.flip(store.update("bad", { status: "failed" }))
      expect(updateError.path).toBe(corrupt)
    }))

  it.scoped("update of an unknown id fails and writes nothing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      const error = yield* Effect.flip(store.update("ghost", { status: "completed" }))
      expect(error).toBeInstanceOf(VideoJobStore.StoreError)
      expect(error.message).toContain("ghost")
      expect(fs.existsSync(nodePath.join(dir, "videos", "ghost.json"))).toBe(false)
    }))

  it.scoped("no temp files are left behind", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => job(`j${i}`, i)),
        (j) => store.put(j),
        { concurrency: "unbounded" }
      )
      yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => i),
        (i) => store.update(`j${i % 3}`, { generationId: `g${i}` }),
        { concurrency: "unbounded" }
      )
      const files = fs.readdirSync(nodePath.join(dir, "videos"))
      expect(files.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `j${i}.json`).sort())
      expect((yield* store.list)).toHaveLength(10)
    }))

  it.scoped("put into an unwritable state dir fails with StoreError", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const blocker = nodePath.join(dir, "file")
      fs.writeFileSync(blocker, "")
      const store = yield* fileStore(blocker)
      const error = yield* Effect.flip(store.put(job("z", 1)))
      expect(error._tag).toBe("StoreError")
    }))

  // Issue 17, defect 12: a server may answer a job id of any length (a 300-character one could
  // not be stored: its file name passed the 255-byte limit, and the paid job was lost).
  it.scoped("ids of any length and characters are stored, found and listed; long ones under a hashed name", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = yield* fileStore(dir)
      const ids = FastCheck.sample(FastCheck.string({ minLength: 1, maxLength: 1000, unit: "binary" }), 40)
        .concat([`job-${"x".repeat(296)}`, "é".repeat(120), "%2F..%2F", "../../etc/passwd", "lone \ud800 surrogate"])
      const unique = [...new Set(ids)]
      for (const [i, id] of unique.entries()) yield* store.put(job(id, i))
      for (const [i, id] of unique.entries()) expect(yield* store.get(id)).toEqual(Option.some(job(id, i)))
      expect((yield* store.list).map((j) => j.id).sort()).toEqual([...unique].sort())
      const names = fs.readdirSync(nodePath.join(dir, "videos"))
      expect(names).toHaveLength(unique.length)
      for (const name of names) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255)
      expect(yield* VideoJobStore.fileNameOf(`job-${"x".repeat(296)}`)).toMatch(/^=sha256-[0-9a-f]{64}\.json$/)
      const updated = yield* store.update(`job-${"x".repeat(296)}`, { status: "completed" })
      expect(updated.status).toBe("completed")
    }))
})
