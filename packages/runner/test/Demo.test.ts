// The demo end to end against its embedded simulator: the files it writes, the cache statuses,
// the verified-route headers, and that the user's real key is never read or shown.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Demo from "../src/Demo.js"

const SENTINEL = "sk-or-v1-REAL-USER-KEY-sentinel-SNTL"

it.live("runs the demo: files, cache MISS then HIT, verified-route headers, no real key", () => {
  const outDir = mkdtempSync(join(tmpdir(), "ore-demo-test-"))
  const output: Array<string> = []
  const previous = process.env.OPENROUTER_API_KEY
  const realWrite = process.stdout.write
  const realLog = console.log
  const setUp = Effect.sync(() => {
    process.env.OPENROUTER_API_KEY = SENTINEL
    // Effect's default Console calls console.log at the time of the call.
    console.log = (...args: Array<unknown>) => void output.push(args.map(String).join(" ") + "\n")
    // Streamed text goes to process.stdout directly: capture it too.
    process.stdout.write = ((chunk: string | Uint8Array) => {
      output.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"))
      return true
    }) as typeof process.stdout.write
  })
  const tearDown = Effect.sync(() => {
    process.stdout.write = realWrite
    console.log = realLog
    if (previous === undefined) delete process.env.OPENROUTER_API_KEY
    else process.env.OPENROUTER_API_KEY = previous
  })
  return Effect.acquireUseRelease(setUp, () => Effect.gen(function*() {
    const report = yield* Demo.run({ outDir }).pipe(
      Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodeHttpClient.layerUndici))
    )
    const stdout = output.join("")

    // Files.
    expect(report.outDir).toBe(outDir)
    expect(report.files).toEqual([
      join(outDir, "image-1.png"),
      join(outDir, "image-2.png"),
      join(outDir, "video.mp4"),
      join(outDir, "speech.mp3")
    ])
    for (const image of report.files.slice(0, 2)) {
      expect([...readFileSync(image).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    }
    expect(statSync(join(outDir, "video.mp4")).size).toBe(262144)
    const mp3 = readFileSync(join(outDir, "speech.mp3"))
    expect(mp3.length).toBeGreaterThan(0)
    expect(mp3[0]).toBe(0xff)
    // No temporary files left behind.
    expect(readdirSync(outDir).sort()).toEqual(["image-1.png", "image-2.png", "speech.mp3", "video.mp4"])

    // Cache, headers, cost.
    expect(report.cacheStatuses).toEqual(["MISS", "HIT"])
    expect(report.headers["http-referer"]).toBe("https://openclaw.ai")
    expect(report.headers["x-openrouter-cache"]).toBe("true")
    expect(report.headers["x-openrouter-title"]).toBeDefined()
    expect(report.headers["authorization"]).toBe(`Bearer …${Demo.DEMO_KEY.slice(-4)}`)
    expect(report.costs).toBeGreaterThanOrEqual(0)

    // Output.
    expect(stdout).toContain("Chat (streamed): ")
    expect(stdout).toContain("Cache: MISS → HIT")
    expect(stdout).toMatch(/video [^:]+: \w+, \d+\.\ds elapsed, attempt 1/)
    expect(stdout).toContain("http-referer: https://openclaw.ai")
    expect(stdout).toContain("Demo complete: no key, no network.")

    // The real key appears nowhere: not in the report, the output, nor the file names; the fake
    // key is never printed in full either.
    for (const text of [JSON.stringify(report), stdout, readdirSync(outDir).join("\n")]) {
      expect(text).not.toContain(SENTINEL)
      expect(text).not.toContain(SENTINEL.slice(-4))
      expect(text).not.toContain(Demo.DEMO_KEY)
    }
  }), () => tearDown)
}, 30_000)

it.live("quiet: prints nothing, and writes into a new temporary directory by default", () => {
  const realWrite = process.stdout.write
  const realLog = console.log
  let printed = ""
  const setUp = Effect.sync(() => {
    console.log = (...args: Array<unknown>) => void (printed += args.map(String).join(" "))
    process.stdout.write = ((chunk: string | Uint8Array) => {
      printed += String(chunk)
      return true
    }) as typeof process.stdout.write
  })
  const tearDown = Effect.sync(() => {
    process.stdout.write = realWrite
    console.log = realLog
  })
  return Effect.acquireUseRelease(setUp, () =>
    Effect.gen(function*() {
      const report = yield* Demo.run({ quiet: true }).pipe(
        Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodeHttpClient.layerUndici))
      )
      expect(printed).toBe("")
      expect(report.outDir.startsWith(tmpdir())).toBe(true)
      expect(readdirSync(report.outDir).sort()).toEqual(["image-1.png", "image-2.png", "speech.mp3", "video.mp4"])
      expect(report.cacheStatuses).toEqual(["MISS", "HIT"])
      rmSync(report.outDir, { recursive: true, force: true })
    }), () => tearDown)
}, 30_000)
