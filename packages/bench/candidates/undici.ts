// The floor: undici.request with a keep-alive pool, a JSON.parse, and a line split for streams.
import { Pool } from "undici"
import { BODY, job, KEY, run } from "./common.js"

const spec = job()
const url = new URL(spec.url)
const pool = new Pool(url.origin, { connections: Math.max(1, spec.concurrency), pipelining: 1 })
const request = (stream: boolean) =>
  pool.request({
    path: `${url.pathname}/chat/completions`,
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, stream })
  })

await run({
  json: async () => JSON.parse(await (await request(false)).body.text()),
  stream: async () => {
    const response = await request(true)
    let chunks = 0
    let rest = ""
    for await (const part of response.body) {
      const lines = (rest + part.toString()).split("\n")
      rest = lines.pop() ?? ""
      for (const line of lines) if (line.startsWith("data: ") && line !== "data: [DONE]") { JSON.parse(line.slice(6)); chunks++ }
    }
    return chunks
  },
  close: () => pool.close()
})
