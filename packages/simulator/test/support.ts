// Helpers for handler unit tests: a context and requests, without a server.
import * as Context from "../src/Context.js"
import type { Fault, Options, SimContext, SimRequest } from "../src/Types.js"

export const TEST_BASE = "http://127.0.0.1:4010/api/v1"

export const context = (options: Options = {}, now?: () => number): SimContext =>
  Context.make({
    options: Context.resolveOptions(options),
    publicBaseUrl: options.publicBaseUrl ?? TEST_BASE,
    cdnBaseUrl: options.cdn === true ? "http://127.0.0.1:4011" : undefined,
    ...(now !== undefined ? { now } : {})
  })

export const request = (
  method: string,
  path: string,
  body?: unknown,
  extra: { readonly query?: string; readonly headers?: Record<string, string>; readonly apiKey?: string; readonly fault?: Fault } = {}
): SimRequest => ({
  method,
  path,
  query: new URLSearchParams(extra.query ?? ""),
  headers: extra.headers ?? {},
  body,
  apiKey: extra.apiKey ?? "sk-or-v1-test",
  fault: extra.fault
})
