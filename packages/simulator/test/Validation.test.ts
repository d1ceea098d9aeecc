import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import schemas from "../src/data/request-schemas.json" with { type: "json" }
import { OUTPUT, render } from "../scripts/generate-request-schemas.js"
import * as Validation from "../src/Validation.js"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))

const failure = (operation: Validation.Operation, body: unknown): Validation.ValidationIssue => {
  const result = Validation.validate(operation, body)
  if (result.ok) throw new Error(`expected ${JSON.stringify(body)} to be invalid`)
  expect(result.issues.length).toBeGreaterThan(0)
  return result.issues[0]!
}

const minimalChat = { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }

describe("src/data/request-schemas.json", () => {
  it("names its source document and version", () => {
    expect(schemas.source).toMatch(/^openrouter-openapi\.yaml \(OpenRouter OpenAPI \d+\.\d+\.\d+, OpenRouter API\)$/)
    expect(schemas.generatedBy).toBe("scripts/generate-request-schemas.ts")
    expect(Validation.source).toBe(schemas.source)
  })

  // The OpenAPI document itself is not in the repository: regenerating from it is a maintainer's
  // step (`npm run simulator:schemas -- <document>`), whose output git shows as a diff.
  it("is in the generator's own rendering, and every operation has a schema", () => {
    const committed = Fs.readFileSync(`${packageRoot}/${OUTPUT}`, "utf8")
    expect(render(JSON.parse(committed))).toBe(committed)
    for (const operation of ["chat", "videos", "speech", "transcriptions"] as const) {
      const schema: unknown = schemas.operations[operation]
      expect(typeof schema === "object" && schema !== null && Object.keys(schema).length > 0).toBe(true)
    }
    expect(Object.keys(schemas.definitions)).toEqual([...Object.keys(schemas.definitions)].sort())
    expect(committed).not.toContain("#/components/schemas/")
  })
})

describe("chat", () => {
  it("accepts a minimal request", () => {
    expect(Validation.validate("chat", minimalChat)).toEqual({ ok: true })
  })

  it("rejects a request without messages, naming messages", () => {
    const issue = failure("chat", { model: "openai/gpt-4o" })
    expect(issue).toEqual({ path: "/messages", message: "is required" })
    expect(Validation.errorMessage([issue])).toBe("Invalid request body: /messages is required")
  })

  it("rejects an unknown key inside provider (ProviderPreferences has additionalProperties: false)", () => {
    const issue = failure("chat", { ...minimalChat, provider: { bogus: true } })
    expect(issue.path).toBe("/provider/bogus")
  })

  it("accepts a full-featured request, unknown top-level keys included", () => {
    const body = {
      model: "openai/gpt-4o",
      models: ["openai/gpt-4o", "anthropic/claude-sonnet-4.5"],
      messages: [
        { role: "system", content: "You are terse." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?", cache_control: { type: "ephemeral" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "high" } }
          ]
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }
          ],
          reasoning_details: [
            { type: "reasoning.text", text: "The user wants the weather.", format: "unknown", index: 0 },
            { type: "reasoning.encrypted", data: "gAAAAB…", index: 1 }
          ]
        },
        { role: "tool", tool_call_id: "call_1", content: "{\"temp\":21}" }
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
          }
        }
      ],
      tool_choice: "auto",
      reasoning: { effort: "high" },
      provider: { order: ["openai", "azure"], sort: "price", allow_fallbacks: true },
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather", strict: true, schema: { type: "object", properties: { temp: { type: "number" } } } }
      },
      stream: true,
      stream_options: { include_usage: true },
      modalities: ["image", "text"],
      image_config: { aspect_ratio: "16:9" },
      temperature: 0.7,
      max_tokens: 1000,
      stop: ["\n\n"],
      x_custom: { anything: [1, 2, 3] }
    }
    expect(Validation.validate("chat", body)).toEqual({ ok: true })
  })

  it("explains a bad message by its role, not by the first oneOf branch", () => {
    expect(failure("chat", { messages: [{ role: "usr", content: "hi" }] })).toEqual({
      path: "/messages/0/role",
      message: "must be one of \"system\", \"user\", \"developer\", \"assistant\", \"tool\""
    })
    expect(failure("chat", { messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] })).toEqual({
      path: "/messages/0/content/0/text",
      message: "must be string"
    })
    expect(failure("chat", { messages: [{ role: "tool", content: "x" }] })).toEqual({
      path: "/messages/0/tool_call_id",
      message: "is required"
    })
  })

  it("explains a value of the wrong type in a union", () => {
    expect(failure("chat", { ...minimalChat, temperature: "hot" })).toEqual({
      path: "/temperature",
      message: "must be number or null"
    })
    expect(failure("chat", { ...minimalChat, provider: { sort: "cheapest" } }).path).toBe("/provider/sort")
  })

  it("rejects a body that is not an object", () => {
    expect(failure("chat", [])).toEqual({ path: "", message: "must be object" })
    expect(Validation.errorMessage([{ path: "", message: "must be object" }])).toBe(
      "Invalid request body: the body must be object"
    )
  })
})

describe("videos", () => {
  const video = { model: "google/veo-3.1-fast", prompt: "a cat", duration: 8, resolution: "720p", aspect_ratio: "16:9" }

  it("accepts a valid request", () => {
    expect(Validation.validate("videos", video)).toEqual({ ok: true })
    expect(
      Validation.validate("videos", {
        ...video,
        frame_images: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" }, frame_type: "first_frame" }],
        generate_audio: true,
        provider: { options: { "google-vertex": { parameters: { negativePrompt: "dogs" } } } }
      })
    ).toEqual({ ok: true })
  })

  it("rejects a wrong type", () => {
    expect(failure("videos", { ...video, duration: "8" })).toEqual({ path: "/duration", message: "must be integer" })
    expect(failure("videos", { ...video, resolution: "720" }).path).toBe("/resolution")
  })

  it("reads OpenAPI 3.0's boolean exclusiveMinimum (upscale_factor > 0)", () => {
    expect(Validation.validate("videos", { model: "x", upscale_factor: 2 })).toEqual({ ok: true })
    expect(failure("videos", { model: "x", upscale_factor: 0 })).toEqual({ path: "/upscale_factor", message: "must be > 0" })
  })
})

describe("speech", () => {
  it("accepts a valid request", () => {
    expect(
      Validation.validate("speech", { model: "hexgrad/kokoro-82m", input: "hi", voice: "af_alloy", response_format: "mp3" })
    ).toEqual({ ok: true })
  })

  it("rejects a request without input", () => {
    expect(failure("speech", { model: "hexgrad/kokoro-82m", voice: "af_alloy" })).toEqual({
      path: "/input",
      message: "is required"
    })
  })

  it("rejects a response_format outside the schema's enum", () => {
    expect(failure("speech", { model: "openai/gpt-4o-mini-tts", input: "hi", response_format: "wav" })).toEqual({
      path: "/response_format",
      message: "must be one of \"mp3\", \"pcm\""
    })
  })
})

describe("transcriptions", () => {
  it("accepts a valid request", () => {
    expect(
      Validation.validate("transcriptions", {
        model: "openai/whisper-large-v3",
        input_audio: { data: "UklGRiQA", format: "wav" },
        language: "en",
        response_format: "verbose_json",
        timestamp_granularities: ["word", "segment"]
      })
    ).toEqual({ ok: true })
  })

  it("rejects a request without input_audio data", () => {
    expect(failure("transcriptions", { model: "openai/whisper-large-v3", input_audio: { format: "wav" } })).toEqual({
      path: "/input_audio/data",
      message: "is required"
    })
  })
})

describe("normalizeSchema", () => {
  it("turns OpenAPI 3.0 keywords into JSON Schema 2020-12", () => {
    expect(
      Validation.normalizeSchema({
        type: "object",
        properties: {
          a: { type: "number", minimum: 0, exclusiveMinimum: true, nullable: true },
          b: { type: "integer", maximum: 10, exclusiveMaximum: false },
          c: { type: "string", enum: ["x", "y"], nullable: true },
          d: { allOf: [{ $ref: "#/definitions/D" }], nullable: true }
        }
      })
    ).toEqual({
      type: "object",
      properties: {
        a: { type: ["number", "null"], exclusiveMinimum: 0 },
        b: { type: "integer", maximum: 10 },
        c: { type: ["string", "null"], enum: ["x", "y", null] },
        d: { anyOf: [{ allOf: [{ $ref: "#/definitions/D" }] }, { type: "null" }] }
      }
    })
  })
})
