// The floor of an Effect program's start-up, in the same consumer project: @effect/platform's
// HttpClient on undici sending one request, with no library on top.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect } from "effect"

await Effect.runPromise(
  HttpClient.execute(HttpClientRequest.post(`${process.env.BENCH_URL ?? ""}/chat/completions`).pipe(HttpClientRequest.bodyUnsafeJson({}))).pipe(
    Effect.provide(NodeHttpClient.layerUndici)
  )
)
