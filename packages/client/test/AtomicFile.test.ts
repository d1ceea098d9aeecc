// AtomicFile (internal/atomicFile.ts): the one file replacement of the project. The temporary name
// is `<path>.<16 hex>.tmp` beside the target, fresh per write and created exclusively; the mode is
// set despite the umask; a failed or interrupted write leaves the target as it was and no
// temporary behind.
import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import * as AtomicFile from "../src/AtomicFile.js"
import { temporaryName } from "../src/internal/atomicFile.js"

const TEMPORARY = /^target\.json\.[0-9a-f]{16}\.tmp$/

const place = () => {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "atomic-file-"))
  const file = nodePath.join(dir, "target.json")
  fs.writeFileSync(file, "old\n")
  return { dir, file }
}

/** NodeFileSystem whose `rename` fails, or never finishes, after recording the names it saw. */
const sabotaged = (how: "fail" | "hang", seen: Array<string>) =>
  Layer.effect(
    FileSystem.FileSystem,
    Effect.map(FileSystem.FileSystem, (real): FileSystem.FileSystem => ({
      ...real,
      rename: (from) =>
        Effect.suspend(() => {
          seen.push(nodePath.basename(from))
          return how === "fail"
            ? Effect.fail(new SystemError({ reason: "Unknown", module: "FileSystem", method: "rename", pathOrDescriptor: from, description: "sabotaged" }))
            : Effect.never
        })
    }))
  ).pipe(Layer.provide(NodeFileSystem.layer))

describe("Atomic file replacement", () => {
  it("temporary names: beside the target, 16 random hex digits, fresh each time", () => {
    const names = new Set(Array.from({ length: 1000 }, () => temporaryName("/state/target.json")))
    expect(names.size).toBe(1000)
    for (const name of names) expect(nodePath.basename(name)).toMatch(TEMPORARY)
    for (const name of names) expect(nodePath.dirname(name)).toBe("/state")
  })

  it.effect("writeFile replaces the file whole, with the mode asked for, and leaves nothing else", () =>
    Effect.gen(function*() {
      const at = place()
      yield* AtomicFile.writeFile(at.file, "new\n", { mode: 0o600 })
      expect(fs.readFileSync(at.file, "utf8")).toBe("new\n")
      expect(fs.statSync(at.file).mode & 0o777).toBe(0o600)
      yield* AtomicFile.writeFile(at.file, new Uint8Array([1, 2, 3]))
      expect([...fs.readFileSync(at.file)]).toEqual([1, 2, 3])
      expect(fs.readdirSync(at.dir)).toEqual(["target.json"])
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("a failed write leaves the target as it was and removes its temporary", () =>
    Effect.gen(function*() {
      const at = place()
      const seen: Array<string> = []
      const exit = yield* Effect.exit(AtomicFile.writeFile(at.file, "new\n", { mode: 0o600 }).pipe(Effect.provide(sabotaged("fail", seen))))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatch(TEMPORARY)
      expect(fs.readFileSync(at.file, "utf8")).toBe("old\n")
      expect(fs.readdirSync(at.dir)).toEqual(["target.json"])
    }))

  it.live("an interrupted write leaves the target as it was and removes its temporary", () =>
    Effect.gen(function*() {
      const at = place()
      const seen: Array<string> = []
      const fiber = yield* Effect.fork(AtomicFile.writeFile(at.file, "new\n").pipe(Effect.provide(sabotaged("hang", seen))))
      for (let i = 0; i < 2000 && seen.length === 0; i++) yield* Effect.sleep("5 millis")
      expect(seen).toHaveLength(1)
      expect(Exit.isInterrupted(yield* Fiber.interrupt(fiber))).toBe(true)
      expect(fs.readFileSync(at.file, "utf8")).toBe("old\n")
      expect(fs.readdirSync(at.dir)).toEqual(["target.json"])
    }))

  it.effect("writeFile creates its temporary exclusively: an existing file under the name fails the write", () =>
    Effect.gen(function*() {
      const at = place()
      const real = yield* FileSystem.FileSystem
      // A file system that always hands out one (already taken) name shows the `wx` at work.
      const taken = `${at.file}.0000000000000000.tmp`
      fs.writeFileSync(taken, "planted\n")
      const pinned: FileSystem.FileSystem = {
        ...real,
        writeFileString: (_path, data, options) => real.writeFileString(taken, data, options)
      }
      const exit = yield* Effect.exit(AtomicFile.writeFile(at.file, "new\n").pipe(Effect.provideService(FileSystem.FileSystem, pinned)))
      expect(Exit.isFailure(exit)).toBe(true)
      expect(fs.readFileSync(taken, "utf8")).toBe("planted\n")
      expect(fs.readFileSync(at.file, "utf8")).toBe("old\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.effect("replace: content from elsewhere (a copy), renamed into place with the mode", () =>
    Effect.gen(function*() {
      const at = place()
      const real = yield* FileSystem.FileSystem
      yield* AtomicFile.replace(`${at.file}.bak`, (temporary) => real.copyFile(at.file, temporary), { mode: 0o600 })
      expect(fs.readFileSync(`${at.file}.bak`, "utf8")).toBe("old\n")
      expect(fs.statSync(`${at.file}.bak`).mode & 0o777).toBe(0o600)
      expect(fs.readdirSync(at.dir).sort()).toEqual(["target.json", "target.json.bak"])
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
