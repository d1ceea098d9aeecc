// The client over the simulator, for every test of this package: one place to change when the
// client's entry point changes.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OpenRouter } from "@openrouter-effect/client"
import type * as Server from "@openrouter-effect/simulator/Server"
import { Effect, Layer, Redacted } from "effect"

export const KEY = "sk-or-v1-ai-test-000000000000000000000000000wxyz"

/** The plain client layer to the simulator's own URL (a custom route: no attribution headers). */
export const client = (sim: Server.Running, options: Omit<OpenRouter.LayerOptions, "apiKey" | "baseUrl"> = {}) =>
  OpenRouter.layer({ ...options, apiKey: Redacted.make(KEY), baseUrl: sim.baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici))

/** The chat requests the simulator received, in order. */
export const chatRequests = (sim: Server.Running) => sim.journal.list({ path: "/chat/completions" })

/** A chat answer a scripted transport gives: a JSON body, or SSE chunks (`[DONE]` added). */
export type ScriptedAnswer = { readonly json: unknown } | { readonly sse: ReadonlyArray<unknown> }

/**
 * The plain client layer over a transport that answers the n-th chat request (from 0) with
 * `answer(body, n)`, and the bodies it was sent: for answers the simulator does not give.
 */
export const scripted = (answer: (body: Record<string, any>, n: number) => ScriptedAnswer) => {
  const bodies: Array<Record<string, any>> = []
  const transport = HttpClient.make((request) =>
    Effect.sync(() => {
      if (!request.url.endsWith("/chat/completions")) {
        return HttpClientResponse.fromWeb(request, new Response(JSON.stringify({ data: [] }), { headers: { "content-type": "application/json" } }))
      }
      const raw = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "{}"
      const body = JSON.parse(raw) as Record<string, any>
      bodies.push(body)
      const reply = answer(body, bodies.length - 1)
      return HttpClientResponse.fromWeb(
        request,
        "json" in reply
          ? new Response(JSON.stringify(reply.json), { headers: { "content-type": "application/json", "x-generation-id": "gen-scripted" } })
          : new Response(
            [...reply.sse.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), "data: [DONE]\n\n"].join(""),
            { headers: { "content-type": "text/event-stream" } }
          )
      )
    })
  )
  const layer = OpenRouter.layer({ apiKey: Redacted.make(KEY), baseUrl: "https://scripted.example/api/v1", maxRetries: 0 }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, transport))
  )
  return { layer, bodies }
}

/** A chat completion whose one choice has `message`. */
export const completion = (message: Record<string, unknown>, finish = "stop") => ({
  id: "gen-scripted",
  object: "chat.completion",
  created: 1786000000,
  model: "anthropic/claude-sonnet-4.5",
  provider: "Anthropic",
  choices: [{ index: 0, finish_reason: finish, native_finish_reason: finish, message: { role: "assistant", ...message } }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }
})

/** A stream chunk whose one choice has `delta`. */
export const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "gen-scripted",
  object: "chat.completion.chunk",
  created: 1786000000,
  model: "anthropic/claude-sonnet-4.5",
  provider: "Anthropic",
  choices: [{ index: 0, delta, finish_reason: finish }]
})
