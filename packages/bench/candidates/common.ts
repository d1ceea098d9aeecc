// Shared by the candidates: argument parsing, a concurrency loop with latencies, RSS sampling.
export interface Job {
  readonly url: string
  readonly mode: "json" | "stream"
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

/** Runs a candidate: JSON loops at the job's concurrency, or one stream counted in chunks/s. */
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
