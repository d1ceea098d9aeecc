// The official openai client (v6).
import OpenAI from "openai"
import { BODY, job, KEY, run } from "./common.js"

const client = new OpenAI({ apiKey: KEY, baseURL: job().url, maxRetries: 0 })

await run({
  json: () => client.chat.completions.create(BODY),
  stream: async () => {
    let chunks = 0
    for await (const _ of await client.chat.completions.create({ ...BODY, stream: true })) chunks++
    return chunks
  }
})
