/**
 * Extracts the response schemas of the operations the simulator answers from OpenRouter's OpenAPI
 * document, so that the simulator's tests can check every answer against them without reading the
 * document.
 *
 * Usage: `npm run simulator:response-schemas -- <path/to/openrouter-openapi.yaml>` at the
 * repository root (a maintainer's step; the document is not in the repository). Writes
 * `src/data/response-schemas.json`:
 *
 * ```json
 * {
 *   "source": "...", "generatedBy": "...",
 *   "operations": { "GET /videos/{jobId}": { "200": { "application/json": {...} }, "404": {...} }, ... },
 *   "errors": { "400": {...}, "429": {...}, ... },
 *   "definitions": { ... }
 * }
 * ```
 *
 * - `operations`: for each operation of {@link OPERATIONS} (`METHOD /path` as the document writes
 *   the path), every documented status with the schema of each content type (`application/json`,
 *   `text/event-stream`, `video/mp4`, `audio/*`, …).
 * - `errors`: for each error status (4xx, 5xx) documented anywhere in the document, the schema most
 *   operations document for it, so that an error an operation does not list (a scripted 429 on
 *   `GET /key`, say) is still checked against OpenRouter's error body.
 * - `definitions`: every `components.schemas` entry those reach, transitively.
 *
 * Schemas are copied as `generate-request-schemas.ts` copies them (annotations dropped, `$ref`s to
 * `#/definitions/X`, keys sorted), and rendered one status or definition a line, so a change in the
 * document shows as a readable diff and the same document always gives the same bytes.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import { parse } from "yaml"
import { copySchema, get, isRecord, type Json, runGenerator } from "./generate-request-schemas.js"

/**
 * The operations whose responses are extracted: the simulator's routes, and the catalogue routes
 * it is growing (`/models/count`, `/models/{author}/{slug}/endpoints`, `/model/{author}/{slug}`).
 *
 * @since 0.1.0
 * @category Constants
 */
export const OPERATIONS = [
  "POST /chat/completions",
  "GET /models",
  "GET /models/count",
  "GET /models/{author}/{slug}/endpoints",
  "GET /model/{author}/{slug}",
  "GET /generation",
  "GET /key",
  "POST /videos",
  "GET /videos/{jobId}",
  "GET /videos/{jobId}/content",
  "GET /videos/models",
  "POST /audio/speech",
  "POST /audio/transcriptions"
] as const

/**
 * Schemas by content type, e.g. `{ "application/json": {...} }`.
 *
 * @since 0.1.0
 * @category Models
 */
export type ContentSchemas = Readonly<Record<string, unknown>>

/**
 * What the generator writes.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ResponseSchemas {
  readonly source: string
  readonly generatedBy: string
  /** Operation → status → content type → schema. */
  readonly operations: Readonly<Record<string, Readonly<Record<string, ContentSchemas>>>>
  /** Error status → the schema of its JSON body. */
  readonly errors: Readonly<Record<string, unknown>>
  readonly definitions: Readonly<Record<string, unknown>>
}

/**
 * The data file, relative to the package root.
 *
 * @since 0.1.0
 * @category Constants
 */
export const OUTPUT = "src/data/response-schemas.json"

const GENERATED_BY = "scripts/generate-response-schemas.ts"
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

/** Statuses in numeric order, then `default` and ranges (`4XX`): the order `JSON.parse` keeps. */
const byStatus = (a: string, b: string): number => {
  const numeric = (s: string) => /^\d+$/.test(s)
  if (numeric(a) && numeric(b)) return Number(a) - Number(b)
  if (numeric(a) !== numeric(b)) return numeric(a) ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

const sortedKeys = (record: Readonly<Record<string, unknown>>): Array<string> => Object.keys(record).sort()

/** The content schemas of one documented response, copied. */
const contentOf = (response: unknown, where: string, onRef: (name: string) => void): Record<string, Json> => {
  if (isRecord(response) && typeof response["$ref"] === "string") {
    throw new Error(`${where}: a $ref response object is not supported`)
  }
  const content = get(response, "content")
  const out: Record<string, Json> = {}
  if (!isRecord(content)) return out
  for (const type of sortedKeys(content)) {
    const schema = get(content, type, "schema")
    // A content type documented without a schema says nothing checkable about the body.
    out[type] = schema === undefined ? {} : copySchema(schema, onRef)
  }
  return out
}

/**
 * Builds the data file's content from a parsed OpenAPI document. Pure: same document, same output.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const extract = (document: unknown, fileName = "openrouter-openapi.yaml"): ResponseSchemas => {
  const components = get(document, "components", "schemas")
  const paths = get(document, "paths")
  if (!isRecord(components)) throw new Error("the document has no components.schemas")
  if (!isRecord(paths)) throw new Error("the document has no paths")
  const reached = new Set<string>()
  const pending: Array<string> = []
  const onRef = (name: string) => {
    if (reached.has(name)) return
    if (!(name in components)) throw new Error(`$ref to a missing schema ${name}`)
    reached.add(name)
    pending.push(name)
  }

  const operations: Record<string, Record<string, Record<string, Json>>> = {}
  for (const operation of OPERATIONS) {
    const [method = "", path = ""] = operation.split(" ")
    const responses = get(paths, path, method.toLowerCase(), "responses")
    if (!isRecord(responses)) throw new Error(`${operation} is not in the document, or has no responses`)
    const statuses: Record<string, Record<string, Json>> = {}
    for (const status of Object.keys(responses).sort(byStatus)) {
      statuses[status] = contentOf(responses[status], `${operation} ${status}`, onRef)
    }
    operations[operation] = statuses
  }

  // The error body of each status across the whole document: the JSON schema most operations use
  // (ties broken by the rendered schema, so the choice never depends on the document's order).
  const counts = new Map<string, Map<string, { readonly schema: unknown; count: number }>>()
  for (const path of sortedKeys(paths)) {
    for (const method of METHODS) {
      const responses = get(paths, path, method, "responses")
      if (!isRecord(responses)) continue
      for (const status of Object.keys(responses)) {
        if (!/^[45]\d\d$/.test(status)) continue
        const schema = get(responses[status], "content", "application/json", "schema")
        if (schema === undefined) continue
        const key = JSON.stringify(schema)
        const perStatus = counts.get(status) ?? new Map<string, { readonly schema: unknown; count: number }>()
        counts.set(status, perStatus)
        const entry = perStatus.get(key) ?? { schema, count: 0 }
        entry.count++
        perStatus.set(key, entry)
      }
    }
  }
  const errors: Record<string, Json> = {}
  for (const status of [...counts.keys()].sort(byStatus)) {
    const candidates = [...counts.get(status)!.entries()].sort(([ka, a], [kb, b]) =>
      b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0)
    )
    errors[status] = copySchema(candidates[0]![1].schema, onRef)
  }

  const copied = new Map<string, Json>()
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    copied.set(name, copySchema(components[name], onRef))
  }
  const definitions: Record<string, Json> = {}
  for (const name of [...copied.keys()].sort()) definitions[name] = copied.get(name)!

  const version = get(document, "info", "version")
  const title = get(document, "info", "title")
  return {
    source: `${fileName} (OpenRouter OpenAPI ${String(version)}, ${String(title)})`,
    generatedBy: GENERATED_BY,
    operations,
    errors,
    definitions
  }
}

/**
 * The data file's text for a result of {@link extract}: compact JSON with one status (of an
 * operation), error or definition a line.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const render = (schemas: ResponseSchemas): string => {
  const lines = (record: Readonly<Record<string, unknown>>, indent: string) =>
    Object.keys(record).map((key) => `${indent}${JSON.stringify(key)}: ${JSON.stringify(record[key])}`).join(",\n")
  const operations = Object.keys(schemas.operations).map((operation) =>
    `    ${JSON.stringify(operation)}: {\n${lines(schemas.operations[operation]!, "      ")}\n    }`
  ).join(",\n")
  return [
    "{",
    `  "source": ${JSON.stringify(schemas.source)},`,
    `  "generatedBy": ${JSON.stringify(schemas.generatedBy)},`,
    `  "operations": {\n${operations}\n  },`,
    `  "errors": {\n${lines(schemas.errors, "    ")}\n  },`,
    `  "definitions": {\n${lines(schemas.definitions, "    ")}\n  }`,
    "}",
    ""
  ].join("\n")
}

/**
 * Reads and parses the YAML document, then extracts.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const extractFile = (yamlPath: string): ResponseSchemas =>
  extract(parse(Fs.readFileSync(yamlPath, "utf8"), { maxAliasCount: -1 }), Path.basename(yamlPath))

const main = () =>
  runGenerator({
    script: "simulator:response-schemas",
    output: OUTPUT,
    extractFile,
    render,
    summary: (schemas, bytes) =>
      `${Object.keys(schemas.operations).length} operations, ${Object.keys(schemas.definitions).length} definitions, ${bytes} bytes, from ${schemas.source}`
  })

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()
