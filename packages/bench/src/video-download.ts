/**
 * Memory of a large video download: generates a 256 MiB video on the simulator and downloads it
 * to a file with `Videos.generate`, sampling the process's resident set size. Prints the peak
 * RSS growth over the level before the download; the target is under 64 MiB (the download is
 * streamed, so memory must not follow the file size).
 *
 *   npm run video-download --workspace @openrouter-effect/bench [-- --mib 256]
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouter, Videos } from "@openrouter-effect/client"
import { spawn } from "node:child_process"
import { Effect, Layer, Schedule } from "effect"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const mibArg = process.argv.indexOf("--mib")
const mib = mibArg >= 0 ? Number(process.argv[mibArg + 1]) : 256
const KEY = "sk-or-v1-bench-00000000000000000000000000000"
// The simulator runs in its own process, so the RSS measured here is the client's alone.
const simulatorDir = join(dirname(fileURLToPath(import.meta.url)), "../../simulator")
const simulator = spawn(
  process.execPath,
  ["--import", "tsx", "src/bin.ts", "--port", "0", "--api-key", KEY, "--video-ms", "50", "--video-bytes", String(mib * 1024 * 1024)],
  { cwd: simulatorDir, stdio: ["ignore", "pipe", "inherit"] }
)
const baseUrl = await new Promise<string>((resolve, reject) => {
  simulator.stdout.on("data", (chunk: Buffer) => {
    const match = /listening on (\S+)/.exec(chunk.toString())
    if (match?.[1] !== undefined) resolve(match[1])
  })
  simulator.on("exit", (code) => reject(new Error(`the simulator exited (${code})`)))
})
const dir = mkdtempSync(join(tmpdir(), "ore-bench-"))
const output = join(dir, "video.mp4")

const layer = OpenRouter.layer({
  document: { models: { providers: { openrouter: { baseUrl } } } },
  environment: { OPENROUTER_API_KEY: KEY }
}).pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))

const download = (file: string) =>
  Effect.runPromise(
    Effect.gen(function*() {
      const videos = yield* Videos.Videos
      return yield* videos.generate({ prompt: "bench", output: file, schedule: Schedule.spaced("50 millis") })
    }).pipe(Effect.provide(layer))
  )

/** Runs one download, sampling RSS; answers the peak growth over the level before it, in MiB. */
const measure = async (file: string) => {
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  const started = performance.now()
  try {
    const result = await download(file)
    return { growth: (peak - baseline) / 1024 / 1024, seconds: (performance.now() - started) / 1000, size: result.size }
  } finally {
    clearInterval(sampler)
  }
}

try {
  // The first run also pays for start-up (module code, layers, the HTTP pool); the second shows
  // what a download itself costs.
  const first = await measure(output)
  rmSync(output, { force: true })
  const second = await measure(output)
  console.log(`video download: ${mib} MiB to a file in ${second.seconds.toFixed(2)} s (${(mib / second.seconds).toFixed(0)} MiB/s)`)
  console.log(`file size: ${statSync(output).size} bytes (reported ${second.size})`)
  console.log(`peak RSS growth, first download (includes start-up): ${first.growth.toFixed(1)} MiB`)
  console.log(`peak RSS growth, second download: ${second.growth.toFixed(1)} MiB (target < 64 MiB): ${second.growth < 64 ? "OK" : "OVER"}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
  simulator.kill("SIGTERM")
}
