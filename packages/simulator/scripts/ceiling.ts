/**
 * The simulator's own ceiling: requests per second a raw `undici` client gets from a simulator in
 * bench mode (no validation, no journal, canned answers), at concurrency 1 and 64, for JSON chat.
 * Benchmarks of clients are only meaningful well below this number.
 *
 *   npm run simulator:ceiling [-- --seconds 3]   (at the repository root)
 */
import { Pool } from "undici"
import * as Server from "../src/Server.js"

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1] ?? "") || 2
const body = JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })

const run = async (origin: string, concurrency: number): Promise<number> => {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 })
  const deadline = Date.now() + seconds * 1000
  let count = 0
  const worker = async () => {
    while (Date.now() < deadline) {
      const response = await pool.request({
        path: "/api/v1/chat/completions",
        method: "POST",
        headers: { authorization: "Bearer sk-or-v1-bench", "content-type": "application/json" },
        body
      })
      await response.body.text()
      count++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  await pool.close()
  return count / seconds
}

const sim = await Server.start({ bench: true })
try {
  await run(sim.origin, 4) // warm-up
  for (const concurrency of [1, 64]) {
    const rate = await run(sim.origin, concurrency)
    console.log(`simulator ceiling (bench mode, undici, c${concurrency}): ${Math.round(rate)} requests/s`)
  }
} finally {
  await sim.close()
}
