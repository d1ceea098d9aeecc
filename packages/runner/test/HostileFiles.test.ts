// Hostile files around the config (issue 17):
//   defect 2: another local user plants symlinks at the temporary names a save writes (the old
//             predictable `<file>.<pid>.tmp` and the backup's temporary name): nothing reaches
//             the symlinks' target;
//   defect 4: a save never replaces what is not a regular file (a device node, a FIFO); a
//             symbolic link has its target edited atomically, the link kept, and says so;
//   defect 14 (config): `/dev/zero`, a FIFO and a 100 MB file as the config are ConfigErrors
//             naming the reason (and `configFileBytes`), at once, holding no big memory.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Limits from "@openrouter-effect/client/Limits"
import { Effect, Layer } from "effect"
import JSON5 from "json5"
import { execFileSync } from "node:child_process"
import { lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { vi } from "vitest"
import * as ConfigFile from "../src/ConfigFile.js"
import { runCli } from "./support/cli.js"

const KEY = "sk-or-v1-hostile-files-000000000000000000000000000000"
const OLD = `{ env: { OPENROUTER_API_KEY: "sk-or-v1-old-key-000000000000000000000000" } }\n`
const DOCUMENT = { env: { OPENROUTER_API_KEY: KEY } }
const fsLayer = NodeFileSystem.layer

const place = () => {
  const dir = mkdtempSync(join(tmpdir(), "ore-hostile-"))
  const file = join(dir, "openclaw.json")
  writeFileSync(file, OLD, { mode: 0o600 })
  const victim = join(dir, "victim.txt")
  writeFileSync(victim, "the victim's own file\n")
  return { dir, file, victim }
}

/** `getRandomValues` answering zeros for the next `times` calls: the temporary names become known. */
const predictableRandom = (times: number) => {
  const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
  let left = times
  return vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    if (left > 0 && array instanceof Uint8Array) {
      left--
      array.fill(0)
      return array
    }
    return original(array as never) as T
  })
}

const ZEROS = "0".repeat(16)

describe("defect 2: planted symlinks at a save's temporary names", () => {
  it.live("nothing reaches their target; the save takes other names and completes", () =>
    Effect.gen(function*() {
      const at = place()
      // The old predictable name, and the names the next two random draws give (the backup's
      // temporary file, then a retry's).
      symlinkSync(at.victim, `${at.file}.${process.pid}.tmp`)
      symlinkSync(at.victim, `${at.file}.bak.${ZEROS}.tmp`)
      symlinkSync(at.victim, `${at.file}.${ZEROS}.tmp`)
      const spy = predictableRandom(2)
      try {
        yield* ConfigFile.save(at.file, DOCUMENT).pipe(Effect.provide(fsLayer))
      } finally {
        spy.mockRestore()
      }
      expect(readFileSync(at.victim, "utf8")).toBe("the victim's own file\n")
      expect(JSON5.parse(readFileSync(at.file, "utf8"))).toEqual(DOCUMENT)
      expect(readFileSync(`${at.file}.bak`, "utf8")).toBe(OLD)
      // The planted links are left as they were (not ours to remove), nothing else is left.
      expect(lstatSync(`${at.file}.bak.${ZEROS}.tmp`).isSymbolicLink()).toBe(true)
      expect(readdirSync(at.dir).sort()).toEqual(
        ["openclaw.json", `openclaw.json.${ZEROS}.tmp`, `openclaw.json.${process.pid}.tmp`, "openclaw.json.bak", `openclaw.json.bak.${ZEROS}.tmp`, "victim.txt"].sort()
      )
    }))

  it.live("when every name is taken the save fails, and still nothing reaches the target", () =>
    Effect.gen(function*() {
      const at = place()
      symlinkSync(at.victim, `${at.file}.bak.${ZEROS}.tmp`)
      const spy = predictableRandom(1000)
      const exit = yield* Effect.exit(ConfigFile.save(at.file, DOCUMENT).pipe(Effect.provide(fsLayer)))
      spy.mockRestore()
      expect(readFileSync(at.victim, "utf8")).toBe("the victim's own file\n")
      expect(exit._tag).toBe("Failure")
      expect(readFileSync(at.file, "utf8")).toBe(OLD)
    }))
})

/** A FIFO at `path` (mkfifo). */
const fifo = (path: string) => execFileSync("mkfifo", [path])

/** Fails a test that would hang (the old code blocked on a FIFO for good). */
const bounded = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("hung for 5 s") }))

describe("defect 4: saves replace only regular files", () => {
  it.live("a FIFO as the config: a ConfigError at once, the FIFO stays, no backup", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-hostile-"))
      const file = join(dir, "openclaw.json")
      fifo(file)
      const error = yield* Effect.flip(bounded(ConfigFile.save(file, DOCUMENT).pipe(Effect.provide(fsLayer))))
      expect(error).toMatchObject({ _tag: "ConfigError" })
      expect(error.message).toContain("not a regular file")
      expect(statSync(file).isFIFO()).toBe(true)
      expect(readdirSync(dir)).toEqual(["openclaw.json"])
    }))

  it.live("a device node as the config (a /dev/null of our own): refused, the node stays", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-hostile-"))
      const file = join(dir, "null")
      try {
        execFileSync("mknod", [file, "c", "1", "3"], { stdio: "ignore" })
      } catch {
        return // not root: no device node to attack with
      }
      const error = yield* Effect.flip(bounded(ConfigFile.save(file, DOCUMENT).pipe(Effect.provide(fsLayer))))
      expect(error.message).toContain("character device")
      expect(statSync(file).isCharacterDevice()).toBe(true)
      expect(readdirSync(dir)).toEqual(["null"])
    }))

  it.live("a symbolic link: its target is replaced atomically, the link kept, and stderr says so", () =>
    Effect.gen(function*() {
      const at = place()
      const real = join(at.dir, "real.json")
      writeFileSync(real, OLD, { mode: 0o600 })
      const link = join(at.dir, "link.json")
      symlinkSync(real, link)
      const lines: Array<string> = []
      const spy = vi.spyOn(console, "error").mockImplementation((...args: Array<unknown>) => void lines.push(args.join(" ")))
      const saved = yield* ConfigFile.save(link, DOCUMENT).pipe(Effect.provide(fsLayer), Effect.ensuring(Effect.sync(() => spy.mockRestore())))
      expect(saved).toEqual({ written: real, viaSymlink: true })
      expect(lstatSync(link).isSymbolicLink()).toBe(true)
      expect(JSON5.parse(readFileSync(real, "utf8"))).toEqual(DOCUMENT)
      expect(readFileSync(`${real}.bak`, "utf8")).toBe(OLD)
      expect(lines.join("\n")).toContain(`${link} is a symbolic link: wrote its target ${real}`)
    }))
})

describe("defect 14: the config read is bounded", () => {
  it.live("a FIFO, /dev/zero and a 100 MB file are ConfigErrors at once, naming why", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-hostile-"))
      const pipe = join(dir, "fifo.json")
      fifo(pipe)
      const big = join(dir, "big.json")
      writeFileSync(big, "")
      truncateSync(big, 100 * 1024 * 1024)
      const fifoError = yield* Effect.flip(bounded(ConfigFile.load(pipe).pipe(Effect.provide(fsLayer))))
      expect(fifoError.message).toContain("FIFO")
      const zeroError = yield* Effect.flip(bounded(ConfigFile.load("/dev/zero").pipe(Effect.provide(fsLayer))))
      expect(zeroError.message).toContain("character device")
      const bigError = yield* Effect.flip(bounded(ConfigFile.load(big).pipe(Effect.provide(fsLayer))))
      expect(bigError.message).toContain("configFileBytes (4 MiB)")
      // A limit given to the layer applies.
      const small = join(dir, "small.json")
      writeFileSync(small, `{ gateway: { port: 1 } }  ${" ".repeat(2000)}\n`)
      const smallError = yield* Effect.flip(
        ConfigFile.load(small).pipe(Effect.provide(Layer.merge(fsLayer, Limits.layer({ configFileBytes: 1024 }))))
      )
      expect(smallError.message).toContain("configFileBytes (1 KiB)")
    }))

  /** Runs the built CLI with a hostile --config; its peak RSS (VmHWM, KiB) and exit code. */
  const cliPeak = (config: string) =>
    runCli(["--config", config, "models", "set", "openrouter/auto"], {
      env: { PATH: process.env["PATH"] ?? "", HOME: tmpdir() },
      guardMs: 8_000
    })

  it("the CLI with --config /dev/zero, a FIFO or a 100 MB file exits 2 at once, peak RSS well under 100 MB", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-hostile-"))
    const pipe = join(dir, "fifo.json")
    fifo(pipe)
    const big = join(dir, "big.json")
    writeFileSync(big, "")
    truncateSync(big, 100 * 1024 * 1024)
    for (const config of ["/dev/zero", pipe, big]) {
      const run = await cliPeak(config)
      // A ConfigError: bad input, nothing sent.
      expect(run.code, `${config}: ${run.stderr}`).toBe(2)
      expect(run.stderr).toMatch(/not a regular file|configFileBytes/)
      expect(run.peakKiB, config).toBeLessThan(100 * 1024)
    }
    // /dev/zero is untouched, of course, and the FIFO is still one.
    expect(statSync(pipe).isFIFO()).toBe(true)
  }, 30_000)
})
