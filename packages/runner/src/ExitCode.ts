/**
 * The exit codes of the `openrouter-effect` command line, and which error tag exits with which.
 *
 * Exit codes are a CLI concern, so they live here rather than on the error classes: the libraries'
 * errors carry what happened, this table says what a shell sees. 0 success, 1 a remote or runtime
 * failure, 2 bad input or configuration (nothing was sent), 130 interrupted.
 *
 * @since 0.1.0
 */
import type * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import type { StoreError } from "@openrouter-effect/client/VideoJobStore"
import type { PollExhausted } from "@openrouter-effect/client/VideoPoller"
import type { VideoJobFailed } from "@openrouter-effect/client/Videos"

/** The exit codes. @since 0.1.0 @category Constants */
export const ExitCode = {
  /** Success. */
  ok: 0,
  /** A remote or runtime failure. */
  failure: 1,
  /** Bad input or configuration: nothing was sent. */
  badInput: 2,
  /** Interrupted (Ctrl-C). */
  interrupted: 130
} as const

/** One of {@link ExitCode}'s values. @since 0.1.0 @category Models */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/**
 * The tag of every error a command can fail with: the core taxonomy and the client's own errors.
 *
 * @since 0.1.0 @category Models
 */
export type Tag =
  | OpenRouterError.OpenRouterError["_tag"]
  | VideoJobFailed["_tag"]
  | StoreError["_tag"]
  | PollExhausted["_tag"]

/**
 * The exit code of each error tag. Typed over {@link Tag}, so an error class added to the
 * taxonomy without a code here does not compile. (The imports above are type-only: the bin loads
 * no error class to read this table.)
 *
 * @since 0.1.0 @category Constants
 */
export const byTag: { readonly [K in Tag]: ExitCode } = {
  ConfigError: ExitCode.badInput,
  BadInput: ExitCode.badInput,
  InvalidModelRef: ExitCode.badInput,
  InvalidRequest: ExitCode.failure,
  AuthenticationError: ExitCode.failure,
  InsufficientCredits: ExitCode.failure,
  Forbidden: ExitCode.failure,
  NotFound: ExitCode.failure,
  RateLimited: ExitCode.failure,
  Timeout: ExitCode.failure,
  Upstream: ExitCode.failure,
  MalformedResponse: ExitCode.failure,
  LimitExceeded: ExitCode.failure,
  TransportError: ExitCode.failure,
  VideoJobFailed: ExitCode.failure,
  StoreError: ExitCode.failure,
  PollExhausted: ExitCode.failure
}

/**
 * An error of the taxonomy (an `Error` whose `_tag` is in {@link byTag}) with its exit code and
 * message; `undefined` for anything else (a defect, a platform or @effect/cli error).
 *
 * @since 0.1.0 @category Mapping
 */
export const ofError = (error: unknown): { readonly exitCode: ExitCode; readonly message: string } | undefined => {
  if (!(error instanceof Error)) return undefined
  const tag: unknown = (error as { readonly _tag?: unknown })._tag
  if (typeof tag !== "string" || !Object.hasOwn(byTag, tag)) return undefined
  return { exitCode: byTag[tag as Tag], message: error.message }
}
