import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, FastCheck as fc } from "effect"
import * as ChatRequest from "../src/ChatRequest.js"
import * as HeaderPolicy from "../src/HeaderPolicy.js"
import * as PayloadTransformers from "../src/PayloadTransformers.js"
import * as Testing from "../src/testing.js"
import type { Body, TransformContext } from "../src/transform/Context.js"
import * as Pipeline from "../src/transform/Pipeline.js"
import { isAnthropic, reasoningEnabled } from "../src/transform/Prefill.js"

const RUNS = { fastCheck: { numRuns: propertyRuns(1000) } }

const shaped = (context: TransformContext, request: Body): Body => {
  const result = PayloadTransformers.shapeBody(context, request)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const countCacheControl = (value: unknown): number => {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + countCacheControl(item), 0)
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).reduce(
      (n, [key, item]) => n + (key === "cache_control" ? 1 : 0) + countCacheControl(item),
      0
    )
  }
  return 0
}

const messagesOf = (body: Body): ReadonlyArray<Record<string, unknown>> =>
  (Array.isArray(body.messages) ? body.messages : []) as ReadonlyArray<Record<string, unknown>>

const reserved = [...HeaderPolicy.attributionNames, ...HeaderPolicy.cacheNames].map((name) => name.toLowerCase())

describe("PayloadTransformers: properties over generated requests and contexts", () => {
  it.prop("(1) the input is never mutated", [Testing.context, Testing.request], ([context, request]) => {
    const requestBefore = structuredClone(request)
    const contextBefore = structuredClone(context)
    PayloadTransformers.shape(context, request)
    expect(request).toStrictEqual(requestBefore)
    expect(context).toStrictEqual(contextBefore)
  }, RUNS)

  it.prop("(2) idempotence: shaping a shaped request changes nothing, key order included", [Testing.context, Testing.request], ([context, request]) => {
    const once = shaped(context, request)
    const twice = shaped(context, once)
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once))
  }, RUNS)

  it.prop(
    "(3) route safety: off a host-verified route no attribution, cache header or cache_control is added; off an exact-verified route no provider is written and no message removed",
    [Testing.context, Testing.request],
    ([context, request]) => {
      const result = Either.getOrThrow(PayloadTransformers.shape(context, request))
      if (!context.route.hostVerified) {
        expect(Object.keys(result.headers).filter((name) => reserved.includes(name.toLowerCase()))).toEqual([])
        expect(countCacheControl(result.body)).toBeLessThanOrEqual(countCacheControl(request))
      }
      if (!context.route.exactVerified) {
        expect(result.body.provider).toEqual(request.provider)
        expect(messagesOf(result.body).length).toBe(messagesOf(request).length)
      }
    },
    RUNS
  )

  it.prop("(4) unknown fields of the request and of its messages survive, in their order", [Testing.context, Testing.request], ([context, request]) => {
    const body = shaped(context, request)
    const unknown = (record: Record<string, unknown>) => Object.keys(record).filter((key) => key.startsWith("x_"))
    expect(unknown(body)).toEqual(unknown(request))
    for (const key of unknown(request)) expect(body[key]).toEqual(request[key])
    const before = messagesOf(request)
    const after = messagesOf(body)
    after.forEach((message, index) => {
      const original = before[index] ?? {}
      expect(unknown(message)).toEqual(unknown(original))
      for (const key of unknown(original)) expect(message[key]).toEqual(original[key])
    })
  }, RUNS)

  it.prop("(5) only the prefill rule removes messages, and only trailing ones", [Testing.context, Testing.request], ([context, request]) => {
    const body = shaped(context, request)
    const before = messagesOf(request)
    const after = messagesOf(body)
    if (after.length === before.length) return
    expect(context.route.exactVerified && isAnthropic(context.slug) && reasoningEnabled(body)).toBe(true)
    for (const removed of before.slice(after.length)) expect(removed.role).toBe("assistant")
    expect(after.map((m) => m.role)).toEqual(before.slice(0, after.length).map((m) => m.role))
  }, RUNS)

  it.prop("(6) generated requests decode with the request Schema, and so do the shaped ones", [Testing.context, Testing.request], ([context, request]) => {
    const input = ChatRequest.decode(request)
    if (Either.isLeft(input)) throw new Error(`generated request does not decode: ${input.left}`)
    const result = ChatRequest.decode(shaped(context, request))
    if (Either.isLeft(result)) throw new Error(result.left)
  }, RUNS)

  it.prop("(7) reasoning_details arrays come out byte-identical on non-Gemini routes", [Testing.context, Testing.request], ([context, request]) => {
    if (context.slug.toLowerCase().includes("gemini")) return
    const body = shaped(context, request)
    const details = (messages: ReadonlyArray<Record<string, unknown>>) =>
      messages.filter((m) => Array.isArray(m.reasoning_details)).map((m) => JSON.stringify(m.reasoning_details))
    const kept = details(messagesOf(body))
    const sent = details(messagesOf(request).slice(0, messagesOf(body).length))
    expect(kept).toEqual(sent)
  }, RUNS)

  it.prop("shaping never throws, whatever the JSON", [Testing.context, fc.jsonValue()], ([context, junk]) => {
    const request = typeof junk === "object" && junk !== null && !Array.isArray(junk) ? (junk as Body) : { messages: junk }
    PayloadTransformers.shape(context, request)
  }, RUNS)
})

// The pipeline calls its steps directly; it must shape exactly as the fold of its public steps
// (`Pipeline.before`, `extraBody`, `Pipeline.after`) does, key order and errors included.
const folded = (context: TransformContext, request: Body): Either.Either<Body, unknown> => {
  const run = (body: Body, steps: typeof Pipeline.before) => steps.reduce((current, [, step]) => step(context)(current), body)
  return Either.map(PayloadTransformers.extraBody(context)(run(request, Pipeline.before)), (body) => run(body, Pipeline.after))
}
const outcome = (result: Either.Either<Body, unknown>) =>
  Either.isLeft(result) ? { error: (result.left as { message: string }).message } : { body: result.right, keys: JSON.stringify(keysOf(result.right)) }
const keysOf = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(keysOf) : typeof value === "object" && value !== null ? Object.entries(value).map(([key, v]) => [key, keysOf(v)]) : null
const slugs = fc.oneof(
  Testing.context.map((context) => context.slug),
  fc.constantFrom("deepseek/deepseek-v4-pro", "openrouter/anthropic/claude-3", " Anthropic/X ", "x-ai/grok-4", "openrouter/hunter-alpha", "mistralai/mistral-large"),
  fc.string({ maxLength: 12 })
)
const contexts = fc.tuple(Testing.context, slugs, fc.option(fc.dictionary(fc.constantFrom("model", "eb_x", "stream", "temperature"), fc.string({ maxLength: 3 }), { maxKeys: 2 }), { nil: undefined }))
  .map(([context, slug, extraBody]) => ({ ...context, slug, params: extraBody === undefined ? context.params : { ...context.params, extraBody } }))

describe("PayloadTransformers: the pipeline is the fold of its steps", () => {
  it.prop("on generated contexts and requests", [contexts, Testing.request], ([context, request]) => {
    expect(outcome(PayloadTransformers.shapeBody(context, request))).toEqual(outcome(folded(context, request)))
  }, { fastCheck: { numRuns: propertyRuns(5000) } })

  it.prop("on any JSON", [contexts, fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue().map((messages) => ({ messages })))], ([context, request]) => {
    expect(outcome(PayloadTransformers.shapeBody(context, request))).toEqual(outcome(folded(context, request)))
  }, { fastCheck: { numRuns: propertyRuns(3000) } })
})

describe("PayloadTransformers: the service", () => {
  it.effect("the default layer shapes like the plain function", () =>
    Effect.gen(function*() {
      const service = yield* PayloadTransformers.PayloadTransformers
      const context = fc.sample(Testing.context, { seed: 1, numRuns: 1 })[0]!
      const request = { messages: [{ role: "user", content: "hi" }] }
      expect(service.shape(context, request)).toEqual(PayloadTransformers.shape(context, request))
    }).pipe(Effect.provide(PayloadTransformers.layer)))
})
