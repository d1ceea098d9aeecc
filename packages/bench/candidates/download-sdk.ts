// Video download with @openrouter/sdk: submit and poll, then the content call
// (`videoGeneration.getVideoContent`) piped to a file is measured.
import { OpenRouter } from "@openrouter/sdk"
import { createWriteStream } from "node:fs"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { KEY, measureDownload } from "./common.js"

const { url, output } = JSON.parse(process.argv[2] ?? "{}") as { url: string; output: string }
const client = new OpenRouter({ apiKey: KEY, serverURL: url })
const submitted = await client.videoGeneration.generate({ videoGenerationRequest: { model: "google/veo-3.1", prompt: "bench" } } as never) as { id: string }
for (;;) {
  const job = await client.videoGeneration.getGeneration({ jobId: submitted.id } as never) as { status: string }
  if (job.status === "completed") break
  if (job.status === "failed" || job.status === "cancelled" || job.status === "expired") throw new Error(`job ${job.status}`)
  await new Promise((resolve) => setTimeout(resolve, 20))
}
await measureDownload(async () => {
  const stream = await client.videoGeneration.getVideoContent({ jobId: submitted.id, index: 0 })
  let bytes = 0
  await pipeline(Readable.fromWeb(stream as never).on("data", (chunk: Buffer) => (bytes += chunk.length)), createWriteStream(output))
  return bytes
})
