// Shared by the candidates: argument parsing, a concurrency loop with latencies, RSS sampling,
// the steady-state heap check and the download memory measure.
export interface Job {
  readonly url: string
  readonly mode: "json" | "stream" | "steady"
  readonly requests: number
  readonly concurrency: number
  readonly warmup: number
}

export const job = (): Job => JSON.parse(process.argv[2] ?? "{}") as Job

export const KEY = "sk-or-v1-bench-000000000000000000000000000000"
export const BODY = { model: "openai/gpt-4o", messages: [{ role: "user" as const, content: "Say hello" }] }

let peak = process.memoryUsage().rss
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 10)
sampler.unref()

/** Runs `once` `total` times with `concurrency` workers; returns requests/s and latency percentiles. */
export const loop = async (once: () => Promise<unknown>, total: number, concurrency: number) => {
  const latencies: Array<number> = []
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < total) {
      next++
      const t = performance.now()
      await once()
      latencies.push(performance.now() - t)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  return { rps: total / seconds, p50: at(0.5), p99: at(0.99) }
}

// The candidates run with --expose-gc; a heap figure is taken after two full collections.
const settledHeap = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error("run the candidate with --expose-gc")
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

/**
 * Runs a candidate: JSON loops at the job's concurrency, one stream counted in chunks/s, or the
 * steady state (the heap after `requests` requests over the heap after the warm-up).
 */
export const run = async (candidate: {
  readonly json: () => Promise<unknown>
  readonly stream: () => Promise<number>
  readonly close?: () => Promise<void>
}) => {
  const spec = job()
  let result: Record<string, number>
  if (spec.mode === "json") {
    await loop(candidate.json, spec.warmup, Math.min(spec.concurrency, 8))
    result = await loop(candidate.json, spec.requests, spec.concurrency)
  } else if (spec.mode === "steady") {
    await loop(candidate.json, spec.warmup, spec.concurrency)
    const before = settledHeap()
    await loop(candidate.json, spec.requests, spec.concurrency)
    const after = settledHeap()
    result = { heapRatio: after / before, heapBeforeMiB: before / 1024 / 1024, heapAfterMiB: after / 1024 / 1024 }
  } else {
    await candidate.stream()
    peak = process.memoryUsage().rss
    const started = performance.now()
    const chunks = await candidate.stream()
    result = { chunksPerSecond: chunks / ((performance.now() - started) / 1000), chunks }
  }
  await candidate.close?.()
  process.stdout.write(`${JSON.stringify({ ...result, peakRssMiB: peak / 1024 / 1024 })}\n`)
  process.exit(0)
}

/**
 * Measures one download: the peak RSS growth over the level just before it (after a collection),
 * sampled every 10 ms, and the bytes written. Prints the result as JSON and exits.
 */
export const measureDownload = async (download: () => Promise<number>) => {
  const before = (settledHeap(), process.memoryUsage().rss)
  let top = before
  const sampling = setInterval(() => {
    top = Math.max(top, process.memoryUsage().rss)
  }, 10)
  const started = performance.now()
  const bytes = await download()
  const seconds = (performance.now() - started) / 1000
  clearInterval(sampling)
  top = Math.max(top, process.memoryUsage().rss)
  process.stdout.write(`${JSON.stringify({ rssGrowthMiB: (top - before) / 1024 / 1024, bytes, mibPerSecond: bytes / 1024 / 1024 / seconds })}\n`)
  process.exit(0)
}
