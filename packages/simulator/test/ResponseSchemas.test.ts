// Every answer the simulator can give, checked against the response schemas of OpenRouter's OpenAPI
// document (src/data/response-schemas.json): each route of src/Routes.ts with valid requests, each
// fault preset exported by src/Faults.ts on each route, each fault kind that leaves a JSON or SSE
// body, and the simulator's own error answers. An issue fails the test unless
// ResponseValidation.exceptions documents it.
//
// Routes and presets are read from the modules, so a new route or preset is checked without
// editing this file (a route needs a request recipe below unless it is a GET whose parameters are
// known); a new fault kind fails to type-check here until it is given cases.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import { extract, OPERATIONS, OUTPUT, render } from "../scripts/generate-response-schemas.js"
import schemas from "../src/data/response-schemas.json" with { type: "json" }
import * as Faults from "../src/Faults.js"
import * as Videos from "../src/media/Videos.js"
import * as ResponseValidation from "../src/ResponseValidation.js"
import * as Routes from "../src/Routes.js"
import * as Server from "../src/Server.js"
import type { Fault } from "../src/Types.js"

const packageRoot = fileURLToPath(new URL("..", import.meta.url))
const KEY = "sk-or-v1-response-schemas-0000000000000000000wxyz"
// Long enough that a fresh job is `pending` however slow the machine; the other statuses are
// reached by moving a job's submit time back, not by waiting.
const VIDEO_MS = 60_000

let sim: Server.Running

beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], videoProcessingMs: VIDEO_MS, videoBytes: 4096, cdn: true })
})
afterAll(() => sim.close())
afterEach(() => sim.faults.clear())

// ---------------------------------------------------------------------------------------------
// Requests and answers
// ---------------------------------------------------------------------------------------------

interface Request {
  readonly method: "GET" | "POST"
  /** After `/api/v1`, with the query. */
  readonly path: string
  readonly body?: unknown
  /** A `multipart/form-data` body instead of JSON (fetch writes the boundary). */
  readonly form?: () => FormData
  readonly headers?: Readonly<Record<string, string>>
  /** Send no key. */
  readonly anonymous?: boolean
}

interface Answer {
  readonly request: Request
  readonly status: number
  readonly contentType: string
  readonly headers: Headers
  /** The parsed JSON body, or the parsed `data:` chunks of an SSE body; `undefined` for a binary body. */
  readonly json?: unknown
  readonly chunks?: ReadonlyArray<unknown>
  /** SSE lines that are neither `data:` nor a `:` comment. */
  readonly strayLines?: ReadonlyArray<string>
  /** The raw text of a body that is neither JSON nor SSE nor binary (an HTML page). */
  readonly text?: string
}

const send = async (request: Request): Promise<Answer> => {
  const response = await fetch(`${sim.baseUrl}${request.path}`, {
    method: request.method,
    headers: {
      ...(request.anonymous === true ? {} : { authorization: `Bearer ${KEY}` }),
      ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
      ...request.headers
    },
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : request.form !== undefined ? { body: request.form() } : {})
  })
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase()
  const base = { request, status: response.status, contentType, headers: response.headers }
  if (contentType === "application/json") return { ...base, json: JSON.parse(await response.text()) as unknown }
  if (contentType === "text/event-stream") {
    const text = await response.text()
    const chunks: Array<unknown> = []
    const strayLines: Array<string> = []
    for (const line of text.split("\n")) {
      if (line.startsWith("data:")) {
        const data = line.slice(5).trim()
        if (data !== "[DONE]") chunks.push(JSON.parse(data))
      } else if (line !== "" && !line.startsWith(":")) {
        strayLines.push(line)
      }
    }
    return { ...base, chunks, strayLines }
  }
  if (contentType.startsWith("text/")) return { ...base, text: await response.text() }
  await response.arrayBuffer()
  return { ...base }
}

/** Every exception an answer of this run was excused by, to check that none is stale. */
const used = new Set<ResponseValidation.Exception>()

/** The issues of an answer, one line each: `POST /chat/completions → 200 text/event-stream #3: /x must be string`. */
const issuesOf = (route: string, answer: Answer): ReadonlyArray<string> => {
  const where = `${answer.request.method} ${answer.request.path} → ${answer.status} ${answer.contentType}`
  const lines: Array<string> = []
  const run = (body: unknown, label: string) => {
    const check = ResponseValidation.validateResponse({
      route,
      status: answer.status,
      contentType: answer.contentType,
      ...(body !== undefined ? { body } : {})
    })
    for (const { exception } of check.excused) used.add(exception)
    lines.push(...ResponseValidation.format(check, label))
  }
  if (answer.chunks !== undefined) {
    if (answer.chunks.length === 0) lines.push(`${where}: the stream has no data chunk`)
    for (const line of answer.strayLines ?? []) lines.push(`${where}: a line that is neither data nor a comment: ${line}`)
    answer.chunks.forEach((chunk, i) => run(chunk, `${where} #${i}`))
  } else {
    run(answer.json, where)
  }
  return lines
}

/** `METHOD /path` of a request, for the validator: the route it was sent to. */
const routeOf = (request: Request): string => `${request.method} ${request.path.split("?")[0]}`

const expectValid = async (request: Request, expectStatus?: (status: number) => boolean): Promise<Answer> => {
  const answer = await send(request)
  if (expectStatus !== undefined) expect(expectStatus(answer.status), `${routeOf(request)} answered ${answer.status}`).toBe(true)
  const issues = issuesOf(routeOf(request), answer)
  expect(issues, issues.join("\n")).toEqual([])
  return answer
}

const ok = (status: number) => status >= 200 && status < 300

// ---------------------------------------------------------------------------------------------
// Fixtures: a generation, and video jobs in each state
// ---------------------------------------------------------------------------------------------

const chatBody = { model: "openai/gpt-4o", messages: [{ role: "user", content: "What is the capital of France?" }] }
const videoBody = { model: "google/veo-3.1-fast", prompt: "A lighthouse in a storm", duration: 4, resolution: "720p", aspect_ratio: "16:9" }
const tools = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
  }
}]
const jsonSchemaFormat = {
  type: "json_schema",
  json_schema: {
    name: "capital",
    strict: true,
    schema: { type: "object", properties: { city: { type: "string" }, population: { type: "integer" } }, required: ["city", "population"] }
  }
}
/** 0.1 s of silence as a WAV file, base64. */
const wav = (() => {
  const samples = 1600
  const buffer = Buffer.alloc(44 + samples * 2)
  buffer.write("RIFF", 0)
  buffer.writeUInt32LE(36 + samples * 2, 4)
  buffer.write("WAVEfmt ", 8)
  buffer.writeUInt32LE(16, 16)
  buffer.writeUInt16LE(1, 20)
  buffer.writeUInt16LE(1, 22)
  buffer.writeUInt32LE(16000, 24)
  buffer.writeUInt32LE(32000, 28)
  buffer.writeUInt16LE(2, 32)
  buffer.writeUInt16LE(16, 34)
  buffer.write("data", 36)
  buffer.writeUInt32LE(samples * 2, 40)
  return buffer.toString("base64")
})()

/** Submits a video job (under `fault` when given) and moves it to `age` of its run: 0 pending, 0.75 in progress, 1 done. */
const videoJob = async (age: number, fault?: Fault): Promise<string> => {
  if (fault !== undefined) sim.faults.add("POST /videos", fault)
  const answer = await send({ method: "POST", path: "/videos", body: videoBody })
  expect(answer.status).toBe(202)
  const id = (answer.json as { id: string }).id
  const table = Videos.jobs(sim.context)
  const job = table.get(id)!
  table.set(id, { ...job, submittedAt: job.submittedAt - Math.ceil(age * VIDEO_MS) })
  return id
}

const generationId = async (): Promise<string> => {
  const answer = await send({ method: "POST", path: "/chat/completions", body: chatBody })
  const id = answer.headers.get("x-generation-id")
  expect(id).not.toBeNull()
  return id!
}

// ---------------------------------------------------------------------------------------------
// Valid requests per route
// ---------------------------------------------------------------------------------------------

interface Recipe {
  readonly name: string
  readonly request: () => Promise<Request>
}

const recipe = (name: string, request: Request | (() => Promise<Request>)): Recipe => ({
  name,
  request: typeof request === "function" ? request : () => Promise.resolve(request)
})

const chat = (name: string, body: Record<string, unknown>, headers?: Record<string, string>): Recipe =>
  recipe(name, { method: "POST", path: "/chat/completions", body, ...(headers !== undefined ? { headers } : {}) })

const chatVariants: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
  ["text", chatBody],
  ["reasoning", { ...chatBody, model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "high" } }],
  ["excluded reasoning", { ...chatBody, model: "google/gemini-2.5-flash", reasoning: { effort: "low", exclude: true } }],
  ["a tool call", { ...chatBody, tools, tool_choice: "auto" }],
  ["a tool call with reasoning", { ...chatBody, model: "anthropic/claude-sonnet-4.5", tools, reasoning: { effort: "medium" } }],
  ["json_schema", { ...chatBody, response_format: jsonSchemaFormat }],
  ["json_object", { ...chatBody, response_format: { type: "json_object" } }],
  ["max_tokens cut (length)", { ...chatBody, max_tokens: 2 }],
  ["image output", { ...chatBody, model: "google/gemini-2.5-flash-image", modalities: ["image", "text"], image_config: { aspect_ratio: "16:9" } }],
  ["openrouter/auto", { ...chatBody, model: "openrouter/auto" }],
  ["openrouter/free", { ...chatBody, model: "openrouter/free" }],
  ["two images", { ...chatBody, model: "google/gemini-2.5-flash-image", modalities: ["image", "text"], n: 2 }],
  ["models fallback list", { ...chatBody, model: "openai/gpt-4o-mini", models: ["openai/gpt-4o-mini", "x-ai/grok-4.1-fast"] }],
  ["a free model", { ...chatBody, model: "meta-llama/llama-3.3-70b-instruct:free" }]
]

const CACHE = { "X-OpenRouter-Cache": "true", "X-OpenRouter-Cache-Clear": "false" }

/** Requests per route (in the form of src/Routes.ts), each answered 2xx. */
const recipes: Readonly<Record<string, ReadonlyArray<Recipe>>> = {
  "POST /chat/completions": [
    ...chatVariants.map(([name, body]) => chat(name, body)),
    ...chatVariants.map(([name, body]) => chat(`${name}, streamed`, { ...body, stream: true })),
    chat("a response-cache miss then hit", { ...chatBody, messages: [{ role: "user", content: "cache me" }] }, CACHE),
    chat("a response-cache miss then hit, streamed", { ...chatBody, messages: [{ role: "user", content: "cache me" }], stream: true }, CACHE),
    chat("reasoning and answer only in reasoning_details, streamed", { ...chatBody, model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "high" }, stream: true }, { "X-Simulator-Stream": "reasoning-details" })
  ],
  "GET /models": [
    recipe("the default listing", { method: "GET", path: "/models" }),
    recipe("every modality", { method: "GET", path: "/models?output_modalities=all" }),
    recipe("a page", { method: "GET", path: "/models?output_modalities=all&limit=3&offset=2" }),
    recipe("without a key", { method: "GET", path: "/models", anonymous: true })
  ],
  "GET /generation": [
    recipe("a chat generation", async () => ({ method: "GET", path: `/generation?id=${await generationId()}` })),
    recipe("a streamed chat generation", async () => {
      const answer = await send({ method: "POST", path: "/chat/completions", body: { ...chatBody, stream: true } })
      return { method: "GET", path: `/generation?id=${answer.headers.get("x-generation-id") ?? ""}` }
    }),
    recipe("a speech generation", async () => {
      const answer = await send({ method: "POST", path: "/audio/speech", body: { model: "hexgrad/kokoro-82m", input: "Hello" } })
      return { method: "GET", path: `/generation?id=${answer.headers.get("x-generation-id") ?? ""}` }
    }),
    recipe("a video generation", async () => {
      const id = await videoJob(1)
      const poll = await send({ method: "GET", path: `/videos/${id}` })
      return { method: "GET", path: `/generation?id=${(poll.json as { generation_id: string }).generation_id}` }
    })
  ],
  "GET /key": [recipe("the calling key", { method: "GET", path: "/key" })],
  "GET /videos/models": [
    recipe("the capabilities", { method: "GET", path: "/videos/models" }),
    recipe("without a key", { method: "GET", path: "/videos/models", anonymous: true })
  ],
  "POST /videos": [
    recipe("a minimal job", { method: "POST", path: "/videos", body: { model: "google/veo-3.1-fast", prompt: "A cat" } }),
    recipe("a job with every option", { method: "POST", path: "/videos", body: { ...videoBody, generate_audio: true } })
  ],
  "GET /videos/:id": [
    recipe("pending", async () => ({ method: "GET", path: `/videos/${await videoJob(0)}` })),
    recipe("in progress", async () => ({ method: "GET", path: `/videos/${await videoJob(0.75)}` })),
    recipe("completed", async () => ({ method: "GET", path: `/videos/${await videoJob(1)}` }))
  ],
  "GET /videos/:id/content": [
    recipe("a completed job's video", async () => ({ method: "GET", path: `/videos/${await videoJob(1)}/content?index=0` })),
    recipe("without an index", async () => ({ method: "GET", path: `/videos/${await videoJob(1)}/content` }))
  ],
  "POST /audio/speech": [
    recipe("pcm (the default)", { method: "POST", path: "/audio/speech", body: { model: "hexgrad/kokoro-82m", input: "Hello there" } }),
    recipe("mp3", { method: "POST", path: "/audio/speech", body: { model: "openai/gpt-4o-mini-tts-2025-12-15", input: "Hello", voice: "alloy", response_format: "mp3", speed: 1.5 } })
  ],
  "POST /audio/transcriptions": [
    recipe("json", { method: "POST", path: "/audio/transcriptions", body: { model: "openai/whisper-large-v3-turbo", input_audio: { data: wav, format: "wav" } } }),
    recipe("a multipart upload", {
      method: "POST",
      path: "/audio/transcriptions",
      form: () => {
        const form = new FormData()
        form.append("model", "openai/whisper-large-v3")
        form.append("file", new Blob([Buffer.from(wav, "base64")], { type: "audio/wav" }), "audio.wav")
        form.append("response_format", "verbose_json")
        form.append("timestamp_granularities[]", "word")
        return form
      }
    }),
    recipe("verbose_json with words", {
      method: "POST",
      path: "/audio/transcriptions",
      body: {
        model: "openai/whisper-large-v3",
        input_audio: { data: wav, format: "wav" },
        language: "en",
        response_format: "verbose_json",
        timestamp_granularities: ["word", "segment"]
      }
    })
  ]
}

/** Values for the path parameters of routes without a recipe (GET routes the catalogue is growing). */
const PARAMETERS: Readonly<Record<string, () => Promise<string>>> = {
  author: () => Promise.resolve("openai"),
  slug: () => Promise.resolve("gpt-4o"),
  id: () => videoJob(1),
  jobId: () => videoJob(1)
}

/** The requests of a route: its recipes, or for a GET route without one, its path with known parameters. */
const recipesOf = (route: Routes.Route): ReadonlyArray<Recipe> => {
  const own = recipes[route.route]
  if (own !== undefined) return own
  const [method, path = ""] = route.route.split(" ")
  if (method !== "GET") return []
  const names = path.split("/").filter((segment) => segment.startsWith(":")).map((segment) => segment.slice(1))
  if (names.some((name) => PARAMETERS[name] === undefined)) return []
  return [recipe("with known parameters", async () => {
    let filled = path
    for (const name of names) filled = filled.replace(`:${name}`, await PARAMETERS[name]!())
    return { method: "GET", path: filled }
  })]
}

// ---------------------------------------------------------------------------------------------
// The data file and the validator
// ---------------------------------------------------------------------------------------------

describe("src/data/response-schemas.json", () => {
  it("names its source document and version, and is in the generator's own rendering", () => {
    expect(schemas.source).toMatch(/^openrouter-openapi\.yaml \(OpenRouter OpenAPI \d+\.\d+\.\d+, OpenRouter API\)$/)
    expect(schemas.generatedBy).toBe("scripts/generate-response-schemas.ts")
    expect(ResponseValidation.source).toBe(schemas.source)
    const committed = Fs.readFileSync(`${packageRoot}/${OUTPUT}`, "utf8")
    expect(render(JSON.parse(committed))).toBe(committed)
    expect(committed).not.toContain("#/components/schemas/")
    expect(Object.keys(schemas.definitions)).toEqual([...Object.keys(schemas.definitions)].sort())
  })

  it("is extracted deterministically: statuses in order, refs rewritten, each error status's most documented body", () => {
    const error = (name: string) => ({ content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } })
    const success = { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Ok", description: "dropped" } } } }
    const paths: Record<string, unknown> = {}
    for (const operation of OPERATIONS) {
      const [method = "", path = ""] = operation.split(" ")
      // Statuses out of order, as a document may list them.
      const responses = { "429": error("Other"), "200": success, "400": error("Bad") }
      paths[path] = { ...(paths[path] as object | undefined), [method.toLowerCase()]: { responses } }
    }
    paths["/elsewhere"] = { get: { responses: { "429": error("TooMany") } }, post: { responses: { "429": error("TooMany") } } }
    const document = {
      info: { title: "T", version: "9.9.9" },
      paths,
      components: { schemas: { Ok: { type: "object", title: "dropped" }, Bad: { type: "object" }, Other: { type: "object" }, TooMany: { type: "object" }, Unused: {} } }
    }
    const first = extract(document, "doc.yaml")
    expect(first.source).toBe("doc.yaml (OpenRouter OpenAPI 9.9.9, T)")
    expect(Object.keys(first.operations["GET /key"]!)).toEqual(["200", "400", "429"])
    expect(first.operations["GET /key"]!["200"]).toEqual({ "application/json": { $ref: "#/definitions/Ok" } })
    expect(Object.keys(first.definitions)).toEqual(["Bad", "Ok", "Other"])
    // Every listed operation documents its 429 as Other: the most documented body wins.
    expect(first.errors).toEqual({ "400": { $ref: "#/definitions/Bad" }, "429": { $ref: "#/definitions/Other" } })
    expect(render(extract(JSON.parse(JSON.stringify(document)), "doc.yaml"))).toBe(render(first))
  })

  it("has an operation for every route of the simulator", () => {
    const missing = Routes.routes.map((r) => r.route).filter((route) => ResponseValidation.operationOf(route) === undefined)
    expect(missing, "regenerate with the route added to OPERATIONS in scripts/generate-response-schemas.ts").toEqual([])
  })
})

describe("ResponseValidation", () => {
  it("matches routes to the document's operations, literal segments first", () => {
    expect(ResponseValidation.operationOf("GET /videos/:id")).toBe("GET /videos/{jobId}")
    expect(ResponseValidation.operationOf("GET /videos/models")).toBe("GET /videos/models")
    expect(ResponseValidation.operationOf("GET /videos/abc/content?index=0")).toBe("GET /videos/{jobId}/content")
    expect(ResponseValidation.operationOf("GET /models/count")).toBe("GET /models/count")
    expect(ResponseValidation.operationOf("DELETE /videos/abc")).toBeUndefined()
  })

  it("reports every issue of a body, not only the first, and undeclared fields", () => {
    const check = ResponseValidation.validateResponse({
      route: "GET /videos/:id",
      status: 200,
      body: { id: 7, status: "melted", progress: 50 }
    })
    expect(check.schema).toBe("GET /videos/{jobId} 200 application/json")
    expect(check.issues).toEqual(expect.arrayContaining([
      { path: "/polling_url", message: "is required" },
      { path: "/id", message: "must be string" },
      { path: "/status", message: "must be one of \"pending\", \"in_progress\", \"completed\", \"failed\", \"cancelled\", \"expired\"" },
      { path: "/progress", message: "is not in the spec" }
    ]))
    expect(check.issues).toHaveLength(4)
  })

  it("checks a stream chunk against the chunk schema, and excuses the documented exceptions", () => {
    const check = ResponseValidation.validateResponse({
      route: "POST /chat/completions",
      status: 200,
      contentType: "text/event-stream",
      body: {
        id: "gen-1",
        provider: "OpenAI",
        model: "openai/gpt-4o",
        object: "chat.completion.chunk",
        created: 1,
        choices: [{ index: 0, delta: { content: 5 }, finish_reason: null, native_finish_reason: null }]
      }
    })
    expect(check.issues).toEqual([{ path: "/choices/0/delta/content", message: "must be string or null" }])
    expect(check.excused.map(({ issue }) => issue.path)).toEqual(["/provider", "/choices/0/native_finish_reason"])
  })

  it("checks an error an operation does not list against the document's error body for that status", () => {
    const check = ResponseValidation.validateResponse({ route: "GET /key", status: 429, body: { error: { code: 429 } } })
    expect(check.schema).toBe("errors 429")
    expect(check.issues).toEqual([{ path: "/error/message", message: "is required" }])
    expect(ResponseValidation.validateResponse({ route: "GET /key", status: 418, body: { error: { code: 418, message: "teapot" } } }))
      .toMatchObject({ schema: "errors 400", issues: [] })
  })

  it("reports an undocumented success status or content type, and checks only the headers of a binary body", () => {
    expect(ResponseValidation.validateResponse({ route: "POST /videos", status: 200, body: {} }).issues[0]?.message)
      .toMatch(/^has status 200, which POST \/videos does not document/)
    expect(ResponseValidation.validateResponse({ route: "POST /audio/speech", status: 200, contentType: "audio/mpeg" }).issues)
      .toEqual([])
    expect(ResponseValidation.validateResponse({ route: "POST /audio/speech", status: 200, contentType: "text/html" }).issues[0]?.message)
      .toBe("has content type text/html, not one documented for POST /audio/speech 200 (audio/*)")
  })

  it("documents every exception with a reason", () => {
    for (const exception of ResponseValidation.exceptions) {
      expect(exception.reason.length).toBeGreaterThan(20)
      expect(exception.operation === "*" || ResponseValidation.operations.includes(exception.operation)).toBe(true)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Every route, with valid requests
// ---------------------------------------------------------------------------------------------

describe("every route answers as the spec says", () => {
  it("has requests for every route of src/Routes.ts", () => {
    const without = Routes.routes.filter((route) => recipesOf(route).length === 0).map((route) => route.route)
    expect(without, "add a recipe to `recipes` in this file").toEqual([])
  })

  for (const route of Routes.routes) {
    for (const { name, request } of recipesOf(route)) {
      it(`${route.route}: ${name}`, async () => {
        const made = await request()
        const answer = await expectValid(made, ok)
        const streams = (made.body as { stream?: unknown } | undefined)?.stream === true
        expect(answer.contentType).toBe(streams ? "text/event-stream" : answer.contentType)
        // A cached request is sent again: the hit is a replay with its own headers and zeroed usage.
        if (made.headers?.["X-OpenRouter-Cache"] === "true") {
          const hit = await expectValid(made, ok)
          expect(hit.headers.get("x-openrouter-cache-status")).toBe("HIT")
          expect(answer.headers.get("x-openrouter-cache-status")).toMatch(/^(MISS|HIT)$/)
        }
        if (answer.json === undefined && answer.chunks === undefined) {
          // A binary body: the documented content type is what there is to check.
          expect(answer.contentType).toMatch(route.route.includes("speech") ? /^audio\// : /^video\/mp4$/)
        }
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// Every fault preset of src/Faults.ts, on every route
// ---------------------------------------------------------------------------------------------

/** Arguments for the presets that take some; a preset not listed is called without any. */
const PRESET_ARGUMENTS: Readonly<Record<string, ReadonlyArray<ReadonlyArray<unknown>>>> = {
  rateLimited: [[], [{ daily: true }], [{ retryAfter: 2 }]],
  platformRateLimited: [[], [{ daily: true }]],
  upstream: [[500], [502], [503], [503, { retryAfter: 5 }], [524], [529]],
  failAfterAccept: [[500], [502, "The upstream failed after accepting"], [503]]
}

/** Functions of Faults.ts that build parts of answers rather than faults. */
const HELPERS: ReadonlySet<string> = new Set(["errorTypeOf", "streamError"])

const isFault = (u: unknown): u is Fault =>
  typeof u === "object" && u !== null && typeof (u as { kind?: unknown }).kind === "string"

const attempt = (make: () => unknown): unknown => {
  try {
    return make()
  } catch (cause) {
    return cause
  }
}

const faultFunctions = Object.entries(Faults).filter(([name, value]) =>
  typeof value === "function" && /^[a-z]/.test(name) && !HELPERS.has(name)
) as ReadonlyArray<readonly [string, (...args: ReadonlyArray<unknown>) => unknown]>

/** Each exported preset (a lower-case function of Faults.ts that is not a helper) with each of its argument lists. */
const presets: ReadonlyArray<{ readonly name: string; readonly make: () => unknown }> = faultFunctions.flatMap(([name, fn]) =>
  (PRESET_ARGUMENTS[name] ?? [[]]).map((args) => ({
    name: `${name}(${args.map((a) => JSON.stringify(a)).join(", ")})`,
    make: () => fn(...args)
  }))
)

/** The first valid request of a route. */
const firstRequest = (route: Routes.Route): Promise<Request> | undefined => recipesOf(route)[0]?.request()

describe("every fault preset answers with OpenRouter's error body", () => {
  it("finds the presets of src/Faults.ts", () => {
    expect(presets.map((p) => p.name.split("(")[0])).toEqual(expect.arrayContaining(["rateLimited", "upstream", "failAfterAccept"]))
    const broken = presets.filter((preset) => !isFault(attempt(preset.make))).map((preset) => preset.name)
    expect(broken, "give them arguments in PRESET_ARGUMENTS, or list them in HELPERS when they make no fault").toEqual([])
  })

  for (const preset of presets) {
    it(preset.name, async () => {
      const failures: Array<string> = []
      for (const route of Routes.routes) {
        const request = await firstRequest(route)
        if (request === undefined) continue
        const fault = attempt(preset.make)
        if (!isFault(fault)) continue
        sim.faults.add(route.route, fault)
        const answer = await send(request)
        if (answer.status < 400) failures.push(`${route.route}: ${preset.name} answered ${answer.status}`)
        failures.push(...issuesOf(routeOf(request), answer))
        sim.faults.clear()
      }
      expect(failures, failures.join("\n")).toEqual([])
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Every fault kind that leaves a JSON or SSE body
// ---------------------------------------------------------------------------------------------

interface FaultCase {
  readonly name: string
  /** Where the fault is scheduled (a route of src/Routes.ts, or every route). */
  readonly routes: ReadonlyArray<string> | "every route"
  /** Scheduled on the route just before the request; absent when the request schedules its own. */
  readonly fault?: Fault
  /** The request, when not the route's first recipe. */
  readonly request?: () => Promise<Request>
  /** The fault breaks the contract on purpose: the validator must report it. */
  readonly offSpec?: true
}

const STREAM = "POST /chat/completions"
const streamed = (body: Record<string, unknown> = chatBody) => () =>
  Promise.resolve<Request>({ method: "POST", path: "/chat/completions", body: { ...body, stream: true } })
const reasoningStream = streamed({ ...chatBody, model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "high" }, tools })

/**
 * The cases of each fault kind; a string says why a kind has no body to check. The mapped type
 * makes a new kind of `Fault` a compile error here until it is covered.
 */
const FAULT_CASES: { readonly [K in Fault["kind"]]: ReadonlyArray<FaultCase> | string } = {
  status: [
    { name: "503 with the simulator's default body", routes: "every route", fault: { kind: "status", status: 503 } },
    { name: "a status with a message", routes: "every route", fault: { kind: "status", status: 500, message: "Internal Server Error" } },
    { name: "an undocumented status", routes: "every route", fault: { kind: "status", status: 418 } },
    { name: "a status with headers", routes: [STREAM], fault: { kind: "status", status: 429, headers: { "Retry-After": "3" } } }
  ],
  latency: [{ name: "a short latency", routes: "every route", fault: { kind: "latency", ms: 1 } }],
  reset: "destroys the connection: no body",
  "truncate-json": "sends half a JSON body: not JSON, nothing to check against a schema",
  "invalid-json": "sends a body that is not JSON: nothing to check against a schema",
  "sse-error": [
    { name: "an in-band error after 2 deltas", routes: [STREAM], fault: { kind: "sse-error", afterDeltas: 2 }, request: streamed() },
    {
      name: "an in-band 429 before the first delta",
      routes: [STREAM],
      fault: { kind: "sse-error", afterDeltas: 0, code: 429, message: "Rate limit exceeded" },
      request: streamed()
    },
    { name: "an in-band error in a reasoning stream", routes: [STREAM], fault: { kind: "sse-error", afterDeltas: 5 }, request: reasoningStream },
    ...[408, 500, 503, 524, 529].map((code): FaultCase => ({
      name: `an in-band ${code}`,
      routes: [STREAM],
      fault: { kind: "sse-error", afterDeltas: 1, code },
      request: streamed()
    }))
  ],
  "sse-cut": [{ name: "a stream cut after 3 deltas", routes: [STREAM], fault: { kind: "sse-cut", afterDeltas: 3 }, request: streamed() }],
  stall: [{ name: "a stall with keep-alives", routes: [STREAM], fault: { kind: "stall", ms: 20, keepAliveMs: 5 }, request: reasoningStream }],
  "content-type": [
    { name: "a JSON answer swapped for an unrelated JSON object", routes: ["POST /audio/transcriptions", "GET /key"], fault: { kind: "content-type", contentType: "application/json" }, offSpec: true },
    { name: "a JSON answer swapped for an HTML page", routes: ["POST /videos", "GET /models"], fault: { kind: "content-type", contentType: "text/html" }, offSpec: true },
    { name: "an audio answer swapped for a JSON error", routes: ["POST /audio/speech"], fault: { kind: "content-type", contentType: "application/json" }, offSpec: true }
  ],
  "video-outcome": (["failed", "cancelled", "expired"] as const).map((outcome): FaultCase => ({
    name: `a job that ends ${outcome}`,
    routes: ["GET /videos/:id"],
    // The fault is the submit's: the poll after the job's time is up reports the scripted end.
    request: async () => ({ method: "GET", path: `/videos/${await videoJob(1, { kind: "video-outcome", outcome })}` })
  })),
  "video-status": [
    ...(["pending", "in_progress", "completed", "failed", "cancelled", "expired"] as const).map((status): FaultCase => ({
      name: `a poll that reports ${status}`,
      routes: ["GET /videos/:id"],
      fault: { kind: "video-status", status }
    })),
    { name: "a poll that reports an undocumented status", routes: ["GET /videos/:id"], fault: { kind: "video-status", status: "melted" }, offSpec: true }
  ],
  "fail-after-accept": [
    { name: "a 500 after acceptance", routes: "every route", fault: { kind: "fail-after-accept", status: 500 } },
    { name: "a 502 with a message", routes: "every route", fault: { kind: "fail-after-accept", status: 502, message: "Provider returned error" } }
  ],
  "cut-body": "sends the first bytes of the body, then resets: not a whole body to check"
}

describe("every fault kind that leaves a JSON or SSE body answers as the spec says", () => {
  for (const [kind, cases] of Object.entries(FAULT_CASES)) {
    if (typeof cases === "string") {
      it(`${kind}: ${cases}`, () => {
        expect(cases.length).toBeGreaterThan(0)
      })
      continue
    }
    for (const faultCase of cases) {
      it(`${kind}: ${faultCase.name}`, async () => {
        const routes = faultCase.routes === "every route"
          ? Routes.routes
          : faultCase.routes.flatMap((name) => Routes.routes.filter((r) => r.route === name))
        if (faultCase.routes !== "every route") expect(routes.map((r) => r.route)).toEqual(faultCase.routes)
        const failures: Array<string> = []
        for (const route of routes) {
          // The request is made first (a video request submits its job), so that the fault meets
          // the request itself.
          const request = await (faultCase.request ?? (() => firstRequest(route)))()
          if (request === undefined) continue
          if (faultCase.fault !== undefined) sim.faults.add(route.route, faultCase.fault)
          const answer = await send(request)
          sim.faults.clear()
          const issues = answer.text !== undefined
            ? [`${route.route}: answered ${answer.contentType}`]
            : issuesOf(routeOf(request), answer)
          if (faultCase.offSpec === true) {
            expect(issues.length, `${route.route}: the validator reports the off-spec answer`).toBeGreaterThan(0)
          } else {
            failures.push(...issues)
          }
        }
        expect(failures, failures.join("\n")).toEqual([])
      })
    }
  }
})

// ---------------------------------------------------------------------------------------------
// The simulator's own error answers
// ---------------------------------------------------------------------------------------------

describe("the simulator's own errors answer with OpenRouter's error body", () => {
  const errors: ReadonlyArray<readonly [string, () => Promise<Request>]> = [
    ["no key", () => Promise.resolve({ method: "GET", path: "/key", anonymous: true })],
    ["an unknown key", () => Promise.resolve({ method: "GET", path: "/key", headers: { authorization: "Bearer sk-or-v1-unknown" } })],
    ["a body that breaks the request schema", () => Promise.resolve({ method: "POST", path: "/chat/completions", body: { model: "openai/gpt-4o" } })],
    ["an unknown model", () => Promise.resolve({ method: "POST", path: "/chat/completions", body: { ...chatBody, model: "acme/not-a-model" } })],
    ["image output from a text model", () => Promise.resolve({ method: "POST", path: "/chat/completions", body: { ...chatBody, modalities: ["image", "text"] } })],
    ["a bad max_tokens", () => Promise.resolve({ method: "POST", path: "/chat/completions", body: { ...chatBody, max_tokens: 0 } })],
    ["an unknown generation", () => Promise.resolve({ method: "GET", path: "/generation?id=gen-0-unknown" })],
    ["a generation without id", () => Promise.resolve({ method: "GET", path: "/generation" })],
    ["a bad /models page", () => Promise.resolve({ method: "GET", path: "/models?limit=0" })],
    ["an unknown video job", () => Promise.resolve({ method: "GET", path: "/videos/no-such-job" })],
    ["a video model's unsupported option", () => Promise.resolve({ method: "POST", path: "/videos", body: { ...videoBody, aspect_ratio: "1:1" } })],
    ["an unknown video model", () => Promise.resolve({ method: "POST", path: "/videos", body: { ...videoBody, model: "acme/video" } })],
    ["the content of a pending job", async () => ({ method: "GET", path: `/videos/${await videoJob(0)}/content` })],
    ["a bad content index", async () => ({ method: "GET", path: `/videos/${await videoJob(1)}/content?index=3` })],
    ["an unknown speech voice", () => Promise.resolve({ method: "POST", path: "/audio/speech", body: { model: "hexgrad/kokoro-82m", input: "Hi", voice: "nobody" } })],
    ["an unknown transcription model", () => Promise.resolve({ method: "POST", path: "/audio/transcriptions", body: { model: "acme/ears", input_audio: { data: wav, format: "wav" } } })],
    ["an unknown route", () => Promise.resolve({ method: "GET", path: "/videos" })]
  ]

  for (const [name, request] of errors) {
    it(name, async () => {
      const made = await request()
      const answer = await send(made)
      expect(answer.status).toBeGreaterThanOrEqual(400)
      const issues = issuesOf(routeOf(made), answer)
      expect(issues, issues.join("\n")).toEqual([])
    })
  }
})

describe("the exceptions", () => {
  it("are each met by some answer of the simulator (none is stale)", () => {
    // Only meaningful when the whole file ran; a filtered run (`-t`) meets fewer of them.
    if (used.size === 0) return
    const stale = ResponseValidation.exceptions.filter((exception) => !used.has(exception))
    expect(stale.map((e) => `${e.operation} ${e.path} ${e.message}`)).toEqual([])
  })
})
