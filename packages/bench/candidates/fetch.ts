// Node's global fetch, with a JSON.parse, and a line split for streams.
import { BODY, job, KEY, run } from "./common.js"

const spec = job()
const request = (stream: boolean) =>
  fetch(`${spec.url}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, stream })
  })

await run({
  json: async () => (await request(false)).json(),
  stream: async () => {
    const response = await request(true)
    const decoder = new TextDecoder()
    let chunks = 0
    let rest = ""
    for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
      const lines = (rest + decoder.decode(part, { stream: true })).split("\n")
      rest = lines.pop() ?? ""
      for (const line of lines) if (line.startsWith("data: ") && line !== "data: [DONE]") { JSON.parse(line.slice(6)); chunks++ }
    }
    return chunks
  }
})
