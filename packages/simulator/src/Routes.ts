/**
 * The routes under `/api/v1`: which handler answers, whether a key is needed, and which request
 * schema checks the body.
 *
 * @since 0.1.0
 */
import { chatCompletions } from "./chat/Chat.js"
import { generation, key, model, modelEndpoints, models, modelsCount } from "./Lookups.js"
import { speech, transcription } from "./media/Speech.js"
import { form as transcriptionForm } from "./media/TranscriptionForm.js"
import { videoModels } from "./media/VideoModels.js"
import { pollVideo, submitVideo, videoContent } from "./media/Videos.js"
import type { FormOperation } from "./Multipart.js"
import type { Handler } from "./Types.js"
import type { Operation } from "./Validation.js"

/** @since 0.1.0 @category Models */
export interface Route {
  /** `METHOD /path` with `:name` segments: the same form faults are scheduled with. */
  readonly route: string
  readonly handler: Handler
  /** Answered without a key (OpenRouter's public catalogue endpoints). */
  readonly public?: boolean
  /** The request schema the body is checked against. */
  readonly operation?: Operation
  /**
   * How a `multipart/form-data` body becomes the JSON body the handler and the request schema
   * expect; a route without it answers a form with 400.
   */
  readonly form?: FormOperation
}

/** Every route, most specific first. @since 0.1.0 @category Routes */
export const routes: ReadonlyArray<Route> = [
  { route: "POST /chat/completions", handler: chatCompletions, operation: "chat" },
  { route: "GET /models/count", handler: modelsCount, public: true },
  { route: "GET /models/:author/:slug/endpoints", handler: modelEndpoints, public: true },
  { route: "GET /models", handler: models, public: true },
  { route: "GET /model/:author/:slug", handler: model, public: true },
  { route: "GET /generation", handler: generation },
  { route: "GET /key", handler: key },
  { route: "GET /videos/models", handler: videoModels, public: true },
  { route: "POST /videos", handler: submitVideo, operation: "videos" },
  { route: "GET /videos/:id/content", handler: videoContent },
  { route: "GET /videos/:id", handler: pollVideo },
  { route: "POST /audio/speech", handler: speech, operation: "speech" },
  { route: "POST /audio/transcriptions", handler: transcription, operation: "transcriptions", form: transcriptionForm }
]

const matchers = routes.map((route) => {
  const [method, path = ""] = route.route.split(" ")
  const segments = path.split("/")
  return {
    route,
    matches: (requestMethod: string, requestPath: string): boolean => {
      if (requestMethod !== method) return false
      const parts = requestPath.split("/")
      return parts.length === segments.length &&
        segments.every((segment, i) => segment.startsWith(":") ? (parts[i] ?? "") !== "" : segment === parts[i])
    }
  }
})

/** The route of a request, if any. @since 0.1.0 @category Routes */
export const find = (method: string, path: string): Route | undefined =>
  matchers.find((m) => m.matches(method, path))?.route
