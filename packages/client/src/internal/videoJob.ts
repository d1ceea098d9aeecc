/**
 * The job side of `Videos`: reading a job payload from a response, and one poll as a
 * `VideoPoller` check.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HeaderPolicy from "@openrouter-effect/core/HeaderPolicy"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ExecuteError, Service as Http, Target } from "../OpenRouterHttp.js"
import { readText } from "./jsonBody.js"
import * as Retry from "../Retry.js"
import * as VideoPoller from "../VideoPoller.js"
import * as VideoRequest from "../VideoRequest.js"

/** The per-request timeout of a submit, a poll or a download's headers. */
export const REQUEST_TIMEOUT = Duration.seconds(60)

export const malformed = (message = VideoRequest.malformedMessage) => new OpenRouterError.MalformedResponse({ message })

/** A response's body as a job payload, or `MalformedResponse`. */
export const readJob = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<VideoRequest.JobPayload, OpenRouterError.MalformedResponse | OpenRouterError.LimitExceeded> =>
  // At most jsonBodyBytes: a job answer is small, an endless one is an attack.
  readText(response, { what: "the video job" }).pipe(
    Effect.mapError((error) => (error._tag === "LimitExceeded" ? error : malformed())),
    Effect.flatMap((text) => {
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        return Effect.fail(malformed())
      }
      return VideoRequest.parseJob(body)
    })
  )

/** URLs of a target: relative ones resolved against its base URL, OpenRouter's headers to its origin only. */
export const urls = (target: Target, identity?: HeaderPolicy.Identity | undefined) => {
  const origin = new URL(target.baseUrl).origin
  const resolve = (url: string) => new URL(url, `${target.baseUrl}/`).toString()
  return {
    resolve,
    // A URL from a response that does not parse is a malformed response, not a defect.
    resolveFrom: (url: string) => Effect.try({ try: () => resolve(url), catch: () => malformed() }),
    // A CDN or another origin gets none of our headers.
    headersFor: (url: string): Record<string, string> => (new URL(url).origin === origin ? HeaderPolicy.headers({ route: target.route, identity }) : {})
  }
}

/**
 * One poll of a job, as a poller check: `done` with the payload when the job has ended
 * (`completed`, or `failed` / `cancelled` / `expired`: the caller tells them apart), `pending`
 * while it runs, carrying the response's headers (a `Retry-After` there overrides the next delay).
 * A transient failure (what `idempotent-get` would retry) is `pending` as `unreachable`, with the
 * error's own `retryAfter`: the request itself is sent once (`retry: "none"`), so the poller's
 * schedule is the only retry. Anything else fails.
 */
export const check = (
  http: Http,
  target: Target,
  url: string,
  headers: Readonly<Record<string, string>>
): Effect.Effect<VideoPoller.Step<VideoRequest.JobPayload>, ExecuteError | OpenRouterError.MalformedResponse> =>
  http.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers)), {
    retryClass: "idempotent-get",
    retry: "none",
    target,
    timeout: REQUEST_TIMEOUT,
    operation: "videos.poll"
  }).pipe(
    Effect.matchEffect({
      onFailure: (error) =>
        error._tag === "ConfigError" || !Retry.isRetryable("idempotent-get", error)
          ? Effect.fail(error)
          : Effect.succeed(VideoPoller.pending("unreachable", { retryAfter: Option.getOrUndefined(Retry.serverDelay(error)) })),
      onSuccess: (response) =>
        Effect.flatMap(readJob(response), (payload) => {
          const status = payload.status ?? ""
          switch (VideoRequest.classifyStatus(payload.status)) {
            case "completed":
            case "failed":
              return Effect.succeed(VideoPoller.done(payload, status))
            case "in_progress":
              return Effect.succeed(VideoPoller.pending(status, { headers: response.headers }))
            default:
              return Effect.fail(malformed())
          }
        })
    })
  )
