// The chat endpoint as the official clients see it, over a real socket: `@openrouter/sdk` (its
// zod validation of every JSON answer and every stream chunk) for EVERY catalogue model, and
// `openai@6` (create, JSON and stream; a `runTools` agent loop that ends; structured output through
// `parse`; image output). An SDK-side validation error anywhere fails the test.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { OpenRouter } from "@openrouter/sdk"
import * as SdkErrors from "@openrouter/sdk/models/errors"
import Ajv2020 from "ajv/dist/2020.js"
import * as JSONSchema from "effect/JSONSchema"
import * as Schema from "effect/Schema"
import OpenAI from "openai"
import { standardResponseFormat } from "openai/helpers/standard-schema"
import * as Catalog from "../src/Catalog.js"
import * as Answers from "../src/chat/Answers.js"
import * as Faults from "../src/Faults.js"
import type { Fault } from "../src/Types.js"
import * as Server from "../src/Server.js"

const KEY = "sk-or-v1-official-clients-000000000000000000000wxyz"
let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY] })
})
afterAll(() => sim.close())

const QUESTION = "What is the capital of France?"
const weatherParameters: Record<string, unknown> = {
  type: "object",
  properties: {
    city: { type: "string", description: "The city" },
    unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    days: { type: "integer", minimum: 1, maximum: 5 }
  },
  required: ["city", "unit"],
  additionalProperties: false
}
const weatherTool = {
  type: "function" as const,
  function: { name: "get_weather", description: "Current weather for a city", parameters: weatherParameters }
}

const Ajv = Ajv2020.default ?? (Ajv2020 as unknown as typeof Ajv2020.default)
const ajv = new Ajv({ strict: false })

const isPng = (url: string): boolean => {
  const prefix = "data:image/png;base64,"
  if (!url.startsWith(prefix)) return false
  const bytes = Buffer.from(url.slice(prefix.length), "base64")
  return bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
}

// -----------------------------------------------------------------------------------------------
// @openrouter/sdk
// -----------------------------------------------------------------------------------------------

describe("@openrouter/sdk: chat.send, JSON and stream, through its zod validation, for every catalogue model", () => {
  const sdk = () => new OpenRouter({ apiKey: KEY, serverURL: sim.baseUrl, retryConfig: { strategy: "none" } })
  const user = (content: string) => [{ role: "user" as const, content }]

  /** Every chunk of a stream, parsed by the SDK (a chunk its schema rejects throws here). */
  const collect = async (response: unknown) => {
    if (typeof response !== "object" || response === null || !(Symbol.asyncIterator in response)) throw new Error("not a stream")
    const chunks: Array<any> = []
    for await (const chunk of response as AsyncIterable<unknown>) chunks.push(chunk)
    return chunks
  }
  const text = (chunks: ReadonlyArray<any>) => chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")

  for (const entry of Catalog.all) {
    it(entry.id, async () => {
      const client = sdk()
      const json: any = await client.chat.send({ chatRequest: { model: entry.id, messages: user(QUESTION) } })
      const answered = Catalog.find(json.model)!
      expect(json.systemFingerprint).toBe(answered.systemFingerprint)
      expect(json.choices[0].message.content).toContain(`${answered.id} was asked: "${QUESTION}"`)
      expect(json.choices[0].finishReason).toBe("stop")

      // A plain stream: the same answer, and a usage chunk.
      const plain = await collect(await client.chat.send({ chatRequest: { model: entry.id, messages: user(QUESTION), stream: true } }))
      expect(text(plain)).toBe(json.choices[0].message.content)
      expect(plain.at(-1).usage.totalTokens).toBeGreaterThan(0)
      for (const chunk of plain) {
        if (answered.systemFingerprint === null) expect(chunk.systemFingerprint).toBeUndefined()
        else expect(chunk.systemFingerprint).toBe(answered.systemFingerprint)
      }

      // Reasoning and a tool call, streamed: reasoning details, tool-call deltas.
      const toolRequest = { model: entry.id, messages: user("What's the weather in Paris?"), tools: [weatherTool], reasoning: { effort: "low" as const } }
      const calling = await collect(await client.chat.send({ chatRequest: { ...toolRequest, stream: true } }))
      const fragments = calling.flatMap((c) => c.choices[0]?.delta?.toolCalls ?? [])
      expect(fragments[0]).toMatchObject({ index: 0, id: expect.any(String), function: { name: "get_weather" } })
      const args = JSON.parse(fragments.map((f: any) => f.function?.arguments ?? "").join(""))
      expect(ajv.validate(weatherParameters, args)).toBe(true)
      expect(args.city).toBe("Paris")
      expect(calling.find((c) => c.choices[0]?.finishReason !== null && c.choices.length > 0)?.choices[0].finishReason).toBe("tool_calls")
      if (answered.reasons) expect(calling.some((c) => (c.choices[0]?.delta?.reasoningDetails ?? []).length > 0)).toBe(true)

      // The tool result goes back: a final answer quoting it, JSON.
      const id = fragments[0].id as string
      const final: any = await client.chat.send({
        chatRequest: {
          model: entry.id,
          tools: [weatherTool],
          messages: [
            ...toolRequest.messages,
            { role: "assistant", content: null, toolCalls: [{ id, type: "function", function: { name: "get_weather", arguments: JSON.stringify(args) } }] },
            { role: "tool", toolCallId: id, content: "{\"temperature\":18}" }
          ]
        }
      })
      expect(final.choices[0].finishReason).toBe("stop")
      expect(final.choices[0].message.toolCalls).toBeUndefined()
      expect(final.choices[0].message.content).toContain("{\"temperature\":18}")

      // Image models: images in the message and in a stream delta (the SDK keeps the fields it knows).
      if (Catalog.outputs(answered, "image") && !entry.router) {
        const image: any = await client.chat.send({
          chatRequest: { model: entry.id, messages: user("A lighthouse at dusk"), modalities: ["image", "text"] }
        })
        expect(isPng(image.choices[0].message.images[0].imageUrl.url)).toBe(true)
        await collect(await client.chat.send({ chatRequest: { model: entry.id, messages: user("A lighthouse"), modalities: ["image", "text"], stream: true } }))
      }
    })
  }

  it("structured output, json_schema: the content is valid against the schema", async () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, country: { type: "string" }, population: { type: "integer", minimum: 0 } },
      required: ["city", "country", "population"],
      additionalProperties: false
    }
    const result: any = await sdk().chat.send({
      chatRequest: {
        model: "google/gemini-2.5-flash",
        messages: user("Tell me about Paris"),
        responseFormat: { type: "json_schema", jsonSchema: { name: "city", strict: true, schema } }
      }
    })
    const parsed = JSON.parse(result.choices[0].message.content)
    expect(ajv.validate(schema, parsed)).toBe(true)
    expect(parsed.city).toBe("Paris")
  })

  it("in-band stream errors pass its chunk schema (error_type is an ApiErrorType)", async () => {
    for (const code of [429, 502, 503]) {
      sim.faults.add("POST /chat/completions", { kind: "sse-error", afterDeltas: 2, code })
      const chunks = await collect(await sdk().chat.send({ chatRequest: { model: "openai/gpt-4o", messages: user(QUESTION), stream: true } }))
      expect(chunks.at(-1).error).toMatchObject({ code, metadata: { errorType: Faults.errorTypeOf(code) } })
      expect(chunks.at(-1).choices[0].finishReason).toBe("error")
    }
  })

  it("each rate-limit preset reaches it as its typed 429 error, not a validation error", async () => {
    const presets = [
      Faults.platformRateLimited({ retryAfter: 1 }),
      Faults.platformRateLimited({ daily: true }),
      Faults.providerRateLimited({ retryAfter: 1 }),
      Faults.capacityExhausted({ retryAfter: 1 }),
      Faults.rateLimited({ retryAfter: 1 })
    ]
    for (const fault of presets) {
      sim.faults.add("POST /chat/completions", fault)
      const failure = await sdk().chat.send({ chatRequest: { model: "openai/gpt-4o", messages: user(QUESTION) } }).then(
        () => undefined,
        (error: unknown) => error
      )
      expect(failure).toBeInstanceOf(SdkErrors.TooManyRequestsResponseError)
      expect(failure).not.toBeInstanceOf(SdkErrors.SDKValidationError)
    }
    sim.faults.clear()
  })

  it("each other error preset reaches it as the typed error class of its status, not a validation error", async () => {
    const cases: ReadonlyArray<readonly [Fault, new (...args: ReadonlyArray<never>) => unknown]> = [
      [Faults.insufficientCredits(), SdkErrors.PaymentRequiredResponseError],
      [Faults.moderation(), SdkErrors.ForbiddenResponseError],
      [Faults.noEndpoints(), SdkErrors.NotFoundResponseError],
      [Faults.upstream(500), SdkErrors.InternalServerResponseError],
      [Faults.upstream(502), SdkErrors.BadGatewayResponseError],
      [Faults.upstream(503), SdkErrors.ServiceUnavailableResponseError],
      [Faults.upstream(524), SdkErrors.EdgeNetworkTimeoutResponseError],
      [Faults.upstream(529), SdkErrors.ProviderOverloadedResponseError],
      [Faults.failAfterAccept(500), SdkErrors.InternalServerResponseError]
    ]
    for (const [fault, errorClass] of cases) {
      sim.faults.add("POST /chat/completions", fault)
      const failure = await sdk().chat.send({ chatRequest: { model: "openai/gpt-4o", messages: user(QUESTION) } }).then(
        () => undefined,
        (error: unknown) => error
      )
      expect(failure, JSON.stringify(fault)).toBeInstanceOf(errorClass)
      expect(failure).not.toBeInstanceOf(SdkErrors.SDKValidationError)
      sim.faults.clear()
    }
  })
})

// -----------------------------------------------------------------------------------------------
// openai@6
// -----------------------------------------------------------------------------------------------

describe("openai@6 against the simulator", () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: sim.baseUrl, maxRetries: 0 })

  it("chat.completions.create, JSON and stream, with and without a system fingerprint", async () => {
    for (const model of ["openai/gpt-4o", "moonshotai/kimi-k2.6"]) {
      const completion = await client().chat.completions.create({ model, messages: [{ role: "user", content: QUESTION }] })
      expect(completion.choices[0]?.message.content).toContain(`${model} was asked`)
      expect(completion.system_fingerprint).toBe(Catalog.find(model)!.systemFingerprint)
      const stream = await client().chat.completions.create({ model, messages: [{ role: "user", content: QUESTION }], stream: true })
      let text = ""
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ""
      expect(text).toBe(completion.choices[0]?.message.content)
      // The stream helper accumulates the chunks into a completion, checking their shape.
      const helper = client().chat.completions.stream({ model, messages: [{ role: "user", content: "Say hello" }] })
      expect((await helper.finalChatCompletion()).choices[0]?.message.content).toBe(Answers.GREETING)
    }
  })

  const getWeather = {
    type: "function" as const,
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: weatherParameters,
      parse: (input: string) => JSON.parse(input) as { city: string; unit: string },
      function: (args: { city: string; unit: string }) => ({ city: args.city, temperature: 21, unit: args.unit })
    }
  }

  it("runTools: the agent loop calls the tool once, then ends with a final answer using its result (JSON and stream)", async () => {
    for (const stream of [false, true]) {
      const runner = stream
        ? client().chat.completions.runTools({
          model: "anthropic/claude-sonnet-4.5",
          messages: [{ role: "user", content: "What's the weather in Lisbon?" }],
          tools: [getWeather],
          stream: true
        }, { maxChatCompletions: 3 })
        : client().chat.completions.runTools({
          model: "anthropic/claude-sonnet-4.5",
          messages: [{ role: "user", content: "What's the weather in Lisbon?" }],
          tools: [getWeather]
        }, { maxChatCompletions: 3 })
      const final = await runner.finalContent()
      const completions = runner.allChatCompletions()
      expect(completions.length).toBeLessThanOrEqual(3)
      expect(completions).toHaveLength(2)
      const result = await runner.finalFunctionToolCallResult()
      expect(JSON.parse(result ?? "null")).toMatchObject({ city: "Lisbon", temperature: 21 })
      expect(final).toContain(`get_weather returned ${result}`)
    }
  })

  it("structured output with parse: an Effect Schema as a Standard Schema response format, validated by the client", async () => {
    // An identified struct becomes a `$ref` into `$defs`. (Schema.Int would too, with bounds as
    // siblings of the `$ref`, which openai's strict-schema check refuses: an inline int here.)
    const District = Schema.Struct({
      label: Schema.String.pipe(Schema.minLength(3)),
      area: Schema.Number.pipe(Schema.positive())
    }).annotations({ identifier: "District" })
    const City = Schema.Struct({
      name: Schema.String,
      country: Schema.String,
      population: Schema.Number.pipe(Schema.int(), Schema.between(1000, 50_000_000)),
      coastal: Schema.Boolean,
      rating: Schema.Literal("good", "great", "superb"),
      districts: Schema.Array(District).pipe(Schema.minItems(1)),
      nickname: Schema.NullOr(Schema.String),
      code: Schema.String.pipe(Schema.pattern(/^[A-Z]{3}$/))
    })
    const completion = await client().chat.completions.parse({
      model: "openai/gpt-4o",
      messages: [{ role: "user", content: "Describe Lisbon" }],
      response_format: standardResponseFormat(Schema.standardSchemaV1(City), "city", { schema: JSONSchema.make(City) })
    })
    const parsed = completion.choices[0]?.message.parsed
    expect(parsed).toBeDefined()
    expect(Schema.is(City)(parsed)).toBe(true)
    expect(parsed?.name).toBe("Lisbon")
  })

  it("structured output with parse: a raw json_schema response format", async () => {
    const schema = {
      type: "object",
      properties: { title: { type: "string" }, year: { type: "integer", minimum: 1900, maximum: 2030 }, genres: { type: "array", items: { type: "string" } } },
      required: ["title", "year", "genres"],
      additionalProperties: false
    }
    const completion = await client().chat.completions.parse({
      model: "x-ai/grok-4.1-fast",
      messages: [{ role: "user", content: "Recommend a film" }],
      response_format: { type: "json_schema", json_schema: { name: "film", strict: true, schema } }
    })
    expect(ajv.validate(schema, completion.choices[0]?.message.parsed)).toBe(true)
  })

  it("image output: PNG images in the message and in the stream", async () => {
    const image = Catalog.all.find((entry) => !entry.router && Catalog.outputs(entry, "image"))!
    const request = { model: image.id, messages: [{ role: "user" as const, content: "A lighthouse at dusk" }], modalities: ["image", "text"] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming
    const completion = await client().chat.completions.create(request)
    const images = (completion.choices[0]?.message as unknown as { images: Array<{ image_url: { url: string } }> }).images
    expect(images).toHaveLength(1)
    expect(isPng(images[0]!.image_url.url)).toBe(true)
    const stream = await client().chat.completions.create({ ...request, stream: true })
    const streamed: Array<string> = []
    for await (const chunk of stream) {
      for (const item of (chunk.choices[0]?.delta as { images?: Array<{ image_url: { url: string } }> } | undefined)?.images ?? []) streamed.push(item.image_url.url)
    }
    expect(streamed).toHaveLength(1)
    expect(isPng(streamed[0]!)).toBe(true)
  })
})
