/**
 * Extracts the request-body schemas the simulator validates against from OpenRouter's OpenAPI
 * document, so that the simulator carries them and never reads the document itself.
 *
 * Usage: `npm run simulator:schemas -- <path/to/openrouter-openapi.yaml>` at the repository root
 * (a maintainer's step; the document is not in the repository). Writes
 * `src/data/request-schemas.json`:
 *
 * ```json
 * { "source": "...", "generatedBy": "...", "operations": { "chat": {...}, ... }, "definitions": { ... } }
 * ```
 *
 * `operations` holds the `application/json` request-body schema of each operation; `definitions`
 * holds every `components.schemas` entry they reach, transitively, with `$ref`s rewritten from
 * `#/components/schemas/X` to `#/definitions/X`, so the whole file is one JSON Schema document
 * that a single ajv instance can compile each operation from. Annotations that do not affect
 * validation (`description`, `example`, `examples`, `title`, `default`, `deprecated`,
 * `externalDocs`, `x-*`) are dropped, and object keys are sorted, so the output is small and
 * deterministic. Everything else (including OpenAPI 3.0 leftovers such as a boolean
 * `exclusiveMinimum`) is copied as is; `src/Validation.ts` normalizes those when it compiles.
 *
 * @since 0.1.0
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { parse } from "yaml"
import { SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS } from "../src/internal/schemaKeywords.js"

/**
 * The operations whose request bodies are extracted: simulator name, HTTP method, path.
 *
 * @since 0.1.0
 * @category Constants
 */
export const OPERATIONS = [
  ["chat", "post", "/chat/completions"],
  ["videos", "post", "/videos"],
  ["speech", "post", "/audio/speech"],
  ["transcriptions", "post", "/audio/transcriptions"]
] as const

/**
 * What the generator writes.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RequestSchemas {
  readonly source: string
  readonly generatedBy: string
  readonly operations: Readonly<Record<(typeof OPERATIONS)[number][0], unknown>>
  readonly definitions: Readonly<Record<string, unknown>>
}

/**
 * The data file, relative to the package root.
 *
 * @since 0.1.0
 * @category Constants
 */
export const OUTPUT = "src/data/request-schemas.json"

const GENERATED_BY = "scripts/generate-request-schemas.ts"
const COMPONENT_PREFIX = "#/components/schemas/"
const DEFINITION_PREFIX = "#/definitions/"

/** Keywords that only annotate: they never change whether an instance validates. */
const ANNOTATIONS = new Set(["description", "example", "examples", "title", "default", "deprecated", "externalDocs"])

/** Plain JSON data. @since 0.1.0 @category Models */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** Whether `u` is a plain object (not `null`, not an array). @since 0.1.0 @category Utils */
export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The value at `keys` inside `u`, `undefined` when a step is missing. @since 0.1.0 @category Utils */
export const get = (u: unknown, ...keys: ReadonlyArray<string>): unknown => {
  let current = u
  for (const key of keys) {
    if (!isRecord(current)) return undefined
    current = current[key]
  }
  return current
}

const componentName = (ref: string): string => {
  if (!ref.startsWith(COMPONENT_PREFIX)) throw new Error(`unsupported $ref ${JSON.stringify(ref)}`)
  const name = ref.slice(COMPONENT_PREFIX.length)
  if (name.includes("/")) throw new Error(`unsupported $ref into a schema: ${JSON.stringify(ref)}`)
  return name.replace(/~1/g, "/").replace(/~0/g, "~")
}

const definitionRef = (name: string): string =>
  DEFINITION_PREFIX + name.replace(/~/g, "~0").replace(/\//g, "~1")

/** A deep copy of plain data (enum values, `const`, …) with sorted object keys. */
const sortedData = (u: unknown): Json => {
  if (Array.isArray(u)) return u.map(sortedData)
  if (isRecord(u)) {
    const out: Record<string, Json> = {}
    for (const key of Object.keys(u).sort()) out[key] = sortedData(u[key])
    return out
  }
  if (u === undefined) throw new Error("undefined in the document")
  return u as Json
}

/**
 * Copies a schema: drops annotations, rewrites `$ref`s (and `discriminator.mapping` targets) to
 * `#/definitions/X`, sorts keys, and reports each referenced component to `onRef`. The response
 * schemas' generator (`generate-response-schemas.ts`) copies the same way.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const copySchema = (schema: unknown, onRef: (name: string) => void): Json => {
  if (typeof schema === "boolean") return schema
  if (!isRecord(schema)) throw new Error(`not a schema: ${JSON.stringify(schema)}`)
  const out: Record<string, Json> = {}
  for (const key of Object.keys(schema).sort()) {
    const value = schema[key]
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue
    if (key === "$ref") {
      if (typeof value !== "string") throw new Error("$ref is not a string")
      const name = componentName(value)
      onRef(name)
      out[key] = definitionRef(name)
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = copySchema(value, onRef)
    } else if (SCHEMA_ARRAY_KEYWORDS.has(key)) {
      if (!Array.isArray(value)) throw new Error(`${key} is not an array`)
      out[key] = value.map((item) => copySchema(item, onRef))
    } else if (SCHEMA_MAP_KEYWORDS.has(key)) {
      if (!isRecord(value)) throw new Error(`${key} is not an object`)
      const map: Record<string, Json> = {}
      for (const name of Object.keys(value).sort()) map[name] = copySchema(value[name], onRef)
      out[key] = map
    } else if (key === "discriminator" && isRecord(value)) {
      const discriminator: Record<string, Json> = {}
      for (const field of Object.keys(value).sort()) {
        const fieldValue = value[field]
        if (field === "mapping" && isRecord(fieldValue)) {
          const mapping: Record<string, Json> = {}
          for (const tag of Object.keys(fieldValue).sort()) {
            const target = fieldValue[tag]
            if (typeof target !== "string") throw new Error("discriminator mapping target is not a string")
            const name = componentName(target)
            onRef(name)
            mapping[tag] = definitionRef(name)
          }
          discriminator[field] = mapping
        } else {
          discriminator[field] = sortedData(fieldValue)
        }
      }
      out[key] = discriminator
    } else {
      out[key] = sortedData(value)
    }
  }
  return out
}

/**
 * Builds the data file's content from a parsed OpenAPI document. Pure: same document, same output.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const extract = (document: unknown, fileName = "openrouter-openapi.yaml"): RequestSchemas => {
  const components = get(document, "components", "schemas")
  if (!isRecord(components)) throw new Error("the document has no components.schemas")
  const reached = new Set<string>()
  const pending: Array<string> = []
  const onRef = (name: string) => {
    if (reached.has(name)) return
    if (!(name in components)) throw new Error(`$ref to a missing schema ${name}`)
    reached.add(name)
    pending.push(name)
  }

  const operations: Record<string, Json> = {}
  for (const [name, method, path] of OPERATIONS) {
    const schema = get(document, "paths", path, method, "requestBody", "content", "application/json", "schema")
    if (schema === undefined) throw new Error(`${method.toUpperCase()} ${path} has no application/json request body`)
    operations[name] = copySchema(schema, onRef)
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
    operations: Object.fromEntries(OPERATIONS.map(([name]) => [name, operations[name]])) as RequestSchemas["operations"],
    definitions
  }
}

/**
 * The data file's text for a result of {@link extract}: compact JSON with one operation or
 * definition a line, so that a change in the document shows as a readable diff.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const render = (schemas: RequestSchemas): string => {
  const entries = (record: Readonly<Record<string, unknown>>) =>
    Object.keys(record).map((key) => `    ${JSON.stringify(key)}: ${JSON.stringify(record[key])}`).join(",\n")
  return [
    "{",
    `  "source": ${JSON.stringify(schemas.source)},`,
    `  "generatedBy": ${JSON.stringify(schemas.generatedBy)},`,
    `  "operations": {\n${entries(schemas.operations)}\n  },`,
    `  "definitions": {\n${entries(schemas.definitions)}\n  }`,
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
export const extractFile = (yamlPath: string): RequestSchemas =>
  extract(parse(Fs.readFileSync(yamlPath, "utf8"), { maxAliasCount: -1 }), Path.basename(yamlPath))

/**
 * The command line both generators share: the document's path as the one required argument,
 * `output` (relative to the package) written from what `make` renders of it, and a summary line.
 *
 * @since 0.1.0
 * @category Running
 */
export const runGenerator = <A>(options: {
  readonly script: string
  readonly output: string
  readonly extractFile: (yamlPath: string) => A
  readonly render: (schemas: A) => string
  readonly summary: (schemas: A, bytes: number) => string
}): void => {
  const argument = process.argv[2]
  if (argument === undefined) {
    console.error(`usage: npm run ${options.script} -- <path to OpenRouter's openrouter-openapi.yaml>`)
    process.exit(2)
  }
  const schemas = options.extractFile(Path.resolve(argument))
  const output = Path.join(Path.dirname(fileURLToPath(import.meta.url)), "..", options.output)
  Fs.mkdirSync(Path.dirname(output), { recursive: true })
  const text = options.render(schemas)
  Fs.writeFileSync(output, text)
  console.log(`${options.output}: ${options.summary(schemas, text.length)}`)
}

const main = () =>
  runGenerator({
    script: "simulator:schemas",
    output: OUTPUT,
    extractFile,
    render,
    summary: (schemas, bytes) => `${Object.keys(schemas.definitions).length} definitions, ${bytes} bytes, from ${schemas.source}`
  })

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()
