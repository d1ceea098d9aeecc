// The CLI's exit codes by error tag (ExitCode.byTag): every class of the taxonomy and the client's
// own errors (VideoJobFailed, StoreError, PollExhausted) get the code the README documents, and look-alikes none.
import { describe, expect, it } from "@effect/vitest"
import { StoreError } from "@openrouter-effect/client/VideoJobStore"
import { PollExhausted } from "@openrouter-effect/client/VideoPoller"
import { VideoJobFailed } from "@openrouter-effect/client/Videos"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as ExitCode from "../src/ExitCode.js"

describe("ExitCode", () => {
  it("the documented codes: 0, 1, 2, 130", () => {
    expect(ExitCode.ExitCode).toEqual({ ok: 0, failure: 1, badInput: 2, interrupted: 130 })
  })

  it("bad input and configuration exit 2, before any request", () => {
    for (
      const error of [
        new OpenRouterError.ConfigError({ message: "broken", file: "openclaw.json", line: 3 }),
        new OpenRouterError.BadInput({ message: "bad", field: "thinking", value: "x" }),
        new OpenRouterError.InvalidModelRef({ message: "bad", input: "x@y", reason: "profile" })
      ]
    ) expect(ExitCode.ofError(error)).toEqual({ exitCode: 2, message: error.message })
  })

  it("remote and runtime failures exit 1, the client's own errors included", () => {
    const errors: ReadonlyArray<Error> = [
      new OpenRouterError.TransportError({ message: "refused", phase: "connect" }),
      new OpenRouterError.Timeout({ message: "deadline", source: "client", timeoutMs: 1000 }),
      new OpenRouterError.LimitExceeded({ message: "An event-stream line exceeded sseLineBytes (16 MiB)", limit: "sseLineBytes", max: 16 * 1024 * 1024 }),
      ...[400, 401, 402, 403, 404, 408, 418, 429, 500, 502, 503, 524].map((status) => OpenRouterError.fromResponse({ status, body: "" })),
      new VideoJobFailed({ message: "failed", jobId: "job-1", status: "failed" }),
      new StoreError({ message: "cannot read", path: "/tmp/x.json" }),
      new PollExhausted({ message: "the schedule ended", jobId: "job-1", attempts: 3, status: "pending" })
    ]
    const tags = new Set<string>()
    for (const error of errors) {
      expect(ExitCode.ofError(error), String(error)).toEqual({ exitCode: 1, message: error.message })
      tags.add((error as unknown as { readonly _tag: string })._tag)
    }
    // every tag of the table is exercised here or in the test above
    expect([...tags, "ConfigError", "BadInput", "InvalidModelRef"].sort()).toEqual(Object.keys(ExitCode.byTag).sort())
  })

  it("look-alikes and other errors have no code of the table", () => {
    expect(ExitCode.ofError({ _tag: "BadInput", message: "x" })).toBeUndefined()
    expect(ExitCode.ofError(Object.assign(new Error("x"), { _tag: "SystemError" }))).toBeUndefined()
    expect(ExitCode.ofError(Object.assign(new Error("x"), { _tag: "toString" }))).toBeUndefined()
    expect(ExitCode.ofError(new Error("plain"))).toBeUndefined()
    expect(ExitCode.ofError("ConfigError")).toBeUndefined()
  })
})
