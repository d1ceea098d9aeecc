// The floor of an Effect client: @effect/platform's HttpClient on undici, a POST and a
// JSON.parse per request, run through a ManagedRuntime like ours; no pipeline, no spans, no
// retries, no decode. A line split and a JSON.parse per event for streams.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, ManagedRuntime, Stream } from "effect"
import { BODY, job, KEY, run } from "./common.js"

const spec = job()
const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
const client = await runtime.runPromise(HttpClient.HttpClient)
const request = (stream: boolean) =>
  HttpClientRequest.post(`${spec.url}/chat/completions`).pipe(
    HttpClientRequest.setHeader("authorization", `Bearer ${KEY}`),
    HttpClientRequest.bodyText(JSON.stringify({ ...BODY, stream }), "application/json")
  )

await run({
  json: () => runtime.runPromise(Effect.flatMap(client.execute(request(false)), (response) => Effect.map(response.text, (text) => JSON.parse(text)))),
  stream: () =>
    runtime.runPromise(
      Effect.flatMap(client.execute(request(true)), (response) =>
        response.stream.pipe(
          Stream.decodeText(),
          Stream.splitLines,
          Stream.filter((line) => line.startsWith("data: ") && line !== "data: [DONE]"),
          Stream.map((line) => JSON.parse(line.slice(6))),
          Stream.runCount
        ))
    ),
  close: () => runtime.dispose()
})
