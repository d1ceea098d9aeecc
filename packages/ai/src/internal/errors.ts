/**
 * Our typed errors as `AiError`s: the nearest variant, with what the user needs to act on it.
 * `HttpResponseError` has no `cause`, so its `description` carries our error's tag, the status,
 * OpenRouter's code, message, request id and any retry-after; the variants that have a `cause`
 * keep our error there. The table is in the package README.
 *
 * @internal
 */
import * as AiError from "@effect/ai/AiError"
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

/** @internal */
export const MODULE = "OpenRouterLanguageModel"

/** Where a call went, for the `request` of the HTTP variants. @internal */
export interface Target {
  readonly url: string
  readonly method: string
  /** Whether the error came after the stream had started (an in-band error). */
  readonly inBand?: boolean | undefined
}

type Any = OpenRouterError.OpenRouterError

const requestOf = (target: Target) => ({
  method: "POST" as const,
  url: target.url,
  urlParams: [] as Array<[string, string]>,
  hash: Option.none<string>(),
  headers: {}
})

const field = (name: string, value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`

const describe = (error: Any, extra: ReadonlyArray<string | undefined>): string => {
  const facts = extra.filter((fact): fact is string => fact !== undefined)
  return `${error._tag}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}: ${error.message}`
}

const retryAfterOf = (error: { readonly retryAfter?: Duration.Duration | undefined }) =>
  error.retryAfter === undefined ? undefined : `retryAfter=${Duration.toMillis(error.retryAfter)}ms`

const statusError = (
  error: Any,
  target: Target,
  status: number,
  facts: ReadonlyArray<string | undefined>,
  body?: string | undefined
) =>
  new AiError.HttpResponseError({
    module: MODULE,
    method: target.method,
    request: requestOf(target),
    response: { status, headers: {} },
    reason: "StatusCode",
    description: describe(error, [target.inBand === true ? "in-band stream error" : undefined, ...facts]),
    ...(body !== undefined ? { body } : {})
  }, { disableValidation: true })

/**
 * Maps one of our errors to the nearest `AiError` variant.
 *
 * @internal
 */
export const toAiError = (error: Any, target: Target): AiError.AiError => {
  switch (error._tag) {
    case "ConfigError":
    case "BadInput":
    case "InvalidModelRef":
      return new AiError.MalformedInput({
        module: MODULE,
        method: target.method,
        description: describe(error, [
          error._tag === "BadInput" ? field("field", error.field) : undefined,
          error._tag === "ConfigError" ? field("path", error.path) : undefined
        ]),
        cause: error
      })
    case "InvalidRequest":
    case "AuthenticationError":
    case "InsufficientCredits":
    case "NotFound":
      return statusError(error, target, error.status, [
        field("status", error.status),
        field("code", error.code),
        field("requestId", error.requestId),
        field("provider", error.providerName)
      ], error.raw)
    case "Forbidden":
      return statusError(error, target, error.status, [
        field("status", error.status),
        field("code", error.code),
        field("reason", error.reason),
        field("requestId", error.requestId)
      ], error.raw)
    case "RateLimited":
      return statusError(error, target, error.status, [
        field("status", error.status),
        field("code", error.code),
        retryAfterOf(error),
        field("retryable", error.retryable),
        field("limitSource", error.limitSource),
        field("requestId", error.requestId),
        field("provider", error.providerName)
      ], error.raw)
    case "Upstream":
      return statusError(error, target, error.status, [
        field("status", error.status),
        field("code", error.code),
        retryAfterOf(error),
        field("requestId", error.requestId),
        field("provider", error.providerName)
      ], error.raw)
    case "Timeout":
      // The server gave up (408, 524): a status. We gave up: the request never got its answer.
      return error.source === "server"
        ? statusError(error, target, error.status ?? 408, [
          field("status", error.status),
          field("code", error.code),
          field("requestId", error.requestId)
        ])
        : new AiError.HttpRequestError({
          module: MODULE,
          method: target.method,
          reason: "Transport",
          request: requestOf(target),
          description: describe(error, [field("source", "client"), field("timeoutMs", error.timeoutMs)]),
          cause: error
        }, { disableValidation: true })
    case "TransportError":
      return new AiError.HttpRequestError({
        module: MODULE,
        method: target.method,
        reason: "Transport",
        request: requestOf(target),
        description: describe(error, [field("phase", error.phase), field("code", error.code)]),
        cause: error
      }, { disableValidation: true })
    case "MalformedResponse":
      return new AiError.HttpResponseError({
        module: MODULE,
        method: target.method,
        request: requestOf(target),
        response: { status: error.status ?? 200, headers: {} },
        reason: "Decode",
        description: describe(error, [field("status", error.status), field("requestId", error.requestId)]),
        ...(error.body !== undefined ? { body: error.body } : {})
      }, { disableValidation: true })
    case "LimitExceeded":
      return new AiError.UnknownError({
        module: MODULE,
        method: target.method,
        description: describe(error, [field("limit", error.limit), field("max", error.max)]),
        cause: error
      })
  }
}
