// Video download with openrouter-effect: the job is submitted and polled first, then the
// download alone (the streamed write to a temporary file and the rename) is measured.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouter, Videos } from "@openrouter-effect/client"
import { Effect, Layer, ManagedRuntime, Schedule } from "effect"
import { KEY, measureDownload } from "./common.js"

const { url, output } = JSON.parse(process.argv[2] ?? "{}") as { url: string; output: string }
const runtime = ManagedRuntime.make(
  OpenRouter.layerDocument({ document: { models: { providers: { openrouter: { baseUrl: url } } } }, environment: { OPENROUTER_API_KEY: KEY } })
    .pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))
)
const videos = await runtime.runPromise(Videos.Videos)
const job = await runtime.runPromise(videos.submit({ prompt: "bench" }))
const completed = await runtime.runPromise(videos.poll(job, { schedule: Schedule.spaced("20 millis") }))
await measureDownload(async () => (await runtime.runPromise(videos.download(job, completed, { output }))).size)
