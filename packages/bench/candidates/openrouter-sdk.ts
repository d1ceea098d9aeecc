// OpenRouter's own TypeScript SDK.
import { OpenRouter } from "@openrouter/sdk"
import { BODY, job, KEY, run } from "./common.js"

const client = new OpenRouter({ apiKey: KEY, serverURL: job().url })

await run({
  json: () => client.chat.send({ chatRequest: BODY } as never),
  stream: async () => {
    let chunks = 0
    const stream = await client.chat.send({ chatRequest: { ...BODY, stream: true } } as never) as unknown as AsyncIterable<unknown>
    for await (const _ of stream) chunks++
    return chunks
  }
})
