/**
 * Checks the simulator's answers against the response schemas of OpenRouter's OpenAPI document:
 * given a route, a status, a content type and the parsed body (or one SSE `data:` chunk), the
 * issues, each a JSON pointer into the body and what is wrong there.
 *
 * The schemas come from `src/data/response-schemas.json`, which
 * `scripts/generate-response-schemas.ts` extracts from the document; nothing outside this package
 * is read. They are compiled with the same ajv set-up as the request schemas
 * (`Validation.makeAjv`), after the same OpenAPI 3.0 normalization.
 *
 * Two kinds of issue are reported:
 * - the body breaks the schema (`/system_fingerprint must be string`, `/data/id is required`);
 * - the body carries a field the schema does not declare (`/provider is not in the spec`): a key
 *   of an object whose schema lists its `properties` and says nothing of other keys. JSON Schema
 *   accepts such keys, but a field the spec does not know is either one real OpenRouter sends
 *   that the spec omits (then it belongs in {@link exceptions}, with the reason) or a simulator
 *   mistake. Free-form objects (`{ "type": "object" }`, `additionalProperties: {}`) take any key.
 *
 * Unlike request validation, every issue of a body is reported, not only the first: an excused
 * issue must never hide another. ajv decides whether a value is valid; the walk over the schema
 * beside the value only finds where and why, and which keys are undeclared.
 *
 * @since 0.1.0
 */
import type { AnySchemaObject, ValidateFunction } from "ajv"
import schemas from "./data/response-schemas.json" with { type: "json" }
import { issueOf, makeAjv, normalizeSchema, type ValidationIssue } from "./Validation.js"

/**
 * A documented divergence from the spec: an issue the simulator's answers are allowed to have,
 * and why.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Exception {
  /** The operation as the document writes it (`POST /chat/completions`, `GET /videos/{jobId}`), or `*`. */
  readonly operation: string
  /** Only bodies of this content type (`text/event-stream`: SSE chunks); every one when absent. */
  readonly contentType?: string
  /** A JSON pointer into the body; a `*` segment matches any one key or index. */
  readonly path: string
  /** The issue's message, exactly (`is not in the spec`, `must be string`). */
  readonly message: string
  /** Why the simulator keeps it. */
  readonly reason: string
}

/**
 * The issues the simulator's answers may have, each with its reason: fields real OpenRouter sends
 * that the spec omits (openrouter-api.md §13.6 lists most of them). They are kept because clients
 * are written against the real service and must meet them in tests. The README lists them too.
 *
 * @since 0.1.0
 * @category Constants
 */
export const exceptions: ReadonlyArray<Exception> = [
  {
    operation: "POST /chat/completions",
    path: "/provider",
    message: "is not in the spec",
    reason: "Real completions and chunks name the provider that served them (openrouter-api.md §2.6, §2.8, §13.6); "
      + "ChatResult and ChatStreamChunk omit it."
  },
  {
    operation: "POST /chat/completions",
    path: "/choices/*/native_finish_reason",
    message: "is not in the spec",
    reason: "Real choices carry the provider's raw finish reason beside the normalized one (openrouter-api.md §2.6, §13.6); "
      + "ChatChoice and ChatStreamChoice omit it."
  },
  {
    operation: "POST /chat/completions",
    path: "/choices/*/message/images/*/type",
    message: "is not in the spec",
    reason: "Real image outputs are `{type: \"image_url\", image_url: {url}}` (openrouter-api.md §3.2, §13.6); the spec's "
      + "ChatAssistantImages items omit `type`."
  },
  {
    operation: "POST /chat/completions",
    contentType: "text/event-stream",
    path: "/choices/*/delta/images",
    message: "is not in the spec",
    reason: "Real image models stream their images in `delta.images` (openrouter-api.md §3.3, §13.6); ChatStreamDelta "
      + "omits it."
  },
  {
    operation: "POST /chat/completions",
    contentType: "text/event-stream",
    path: "/choices/*/delta/reasoning_details/*/type",
    message: "must be one of \"reasoning.summary\", \"reasoning.encrypted\", \"reasoning.text\", \"reasoning.server_tool_call\"",
    reason: "OpenRouter streams some models' answer (Qwen3, MiniMax, …) as `response.output_text` entries of "
      + "`delta.reasoning_details` (the simulator's `X-Simulator-Stream: reasoning-details`); ReasoningDetailUnion omits that type."
  },
  {
    operation: "POST /chat/completions",
    path: "/usage/completion_tokens_details/image_tokens",
    message: "is not in the spec",
    reason: "Real usage counts the output tokens of generated images in `completion_tokens_details.image_tokens` "
      + "(openrouter-api.md §2.7); ChatUsage lists reasoning, audio and prediction tokens only."
  },
  ...["allowed_data_regions", "free_model_daily_requests", "organization_id", "workspace_id"].map((field): Exception => ({
    operation: "GET /key",
    path: `/data/${field}`,
    message: "is not in the spec",
    reason: `The current @openrouter/sdk (1.3.19, GetCurrentKeyData) requires \`${field}\` in every /key answer: the `
      + "service sends it, and the OpenAPI copy the schemas come from predates it."
  })),
  {
    operation: "GET /models/{author}/{slug}/endpoints",
    path: "/data/endpoints/*/supports_tool_choice",
    message: "is not in the spec",
    reason: "The current @openrouter/sdk (1.3.19, PublicEndpoint) requires each endpoint's per-value `tool_choice` "
      + "support: the service sends it, and the OpenAPI copy the schemas come from predates it."
  },
  {
    operation: "*",
    path: "/error/availability",
    message: "is not in the spec",
    reason: "Model-availability failures (a 429 at capacity, an unknown model) add `error.availability` with the retry "
      + "advice (openrouter-api.md §7.1, §7.3, §12.8); the error schemas do not list it yet."
  }
]

/**
 * An issue that {@link exceptions} allows, with the exception that allows it.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ExcusedIssue {
  readonly issue: ValidationIssue
  readonly exception: Exception
}

/**
 * What {@link validateResponse} found.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ResponseCheck {
  /** The document's operation the route is, e.g. `GET /videos/{jobId}`; `undefined` when none is. */
  readonly operation: string | undefined
  /** Which schema the body was checked against: `GET /videos/{jobId} 200 application/json`, `errors 429`. */
  readonly schema: string | undefined
  /** The issues no exception allows: an empty list means the answer matches the spec. */
  readonly issues: ReadonlyArray<ValidationIssue>
  /** The issues {@link exceptions} allow. */
  readonly excused: ReadonlyArray<ExcusedIssue>
}

/**
 * One answer to check.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ResponseInput {
  /** `METHOD /path` after `/api/v1`: concrete (`GET /videos/abc`) or a template (`GET /videos/:id`, `GET /videos/{jobId}`). A query is ignored. */
  readonly route: string
  readonly status: number
  /** The `Content-Type` header (parameters ignored); `application/json` when absent. */
  readonly contentType?: string
  /**
   * The parsed JSON body; for `text/event-stream`, the parsed JSON of one `data:` event (each
   * chunk is checked alone). Absent for a binary body (audio, video), whose status and content
   * type only are checked.
   */
  readonly body?: unknown
}

/**
 * Where the schemas come from, e.g. `openrouter-openapi.yaml (OpenRouter OpenAPI 1.0.0, OpenRouter API)`.
 *
 * @since 0.1.0
 * @category Constants
 */
export const source: string = schemas.source

/**
 * The operations the data file has schemas for (`POST /chat/completions`, `GET /videos/{jobId}`, …).
 *
 * @since 0.1.0
 * @category Constants
 */
export const operations: ReadonlyArray<string> = Object.keys(schemas.operations)

const DOCUMENT_ID = "urn:openrouter-effect:simulator:response-schemas"
const UNDECLARED = "is not in the spec"

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

const escapePointer = (segment: string): string => segment.replace(/~/g, "~0").replace(/\//g, "~1")
const unescapePointer = (segment: string): string => segment.replace(/~1/g, "/").replace(/~0/g, "~")

interface Compiled {
  readonly ajv: ReturnType<typeof makeAjv>
  readonly document: JsonObject
  readonly validators: Map<string, ValidateFunction>
}

let compiled: Compiled | undefined

// Each schema is normalized on its own (OpenAPI 3.0 leftovers to 2020-12); the maps holding them
// are not schemas, so the document is assembled from already normalized pieces.
const normalizeMap = (record: Readonly<Record<string, unknown>>): JsonObject =>
  Object.fromEntries(Object.entries(record).map(([key, schema]) => [key, normalizeSchema(schema) as Json]))

const instance = (): Compiled => {
  if (compiled !== undefined) return compiled
  const byOperation: JsonObject = {}
  for (const [operation, statuses] of Object.entries(schemas.operations as Record<string, Record<string, Record<string, unknown>>>)) {
    const byStatus: JsonObject = {}
    for (const [status, content] of Object.entries(statuses)) byStatus[status] = normalizeMap(content)
    byOperation[operation] = byStatus
  }
  const document: JsonObject = {
    operations: byOperation,
    errors: normalizeMap(schemas.errors),
    definitions: normalizeMap(schemas.definitions)
  }
  const ajv = makeAjv()
  ajv.addSchema({ ...document, $id: DOCUMENT_ID } as AnySchemaObject)
  compiled = { ajv, document, validators: new Map() }
  return compiled
}

/** A schema and its JSON pointer in the document (the pointer is what ajv compiles from). */
interface Node {
  readonly schema: Json
  readonly pointer: string
}

const nodeAt = (pointer: string): Node | undefined => {
  let current: Json | undefined = instance().document
  for (const segment of pointer.split("/").slice(1)) {
    current = isObject(current) ? current[unescapePointer(segment)] : Array.isArray(current) ? current[Number(segment)] : undefined
    if (current === undefined) return undefined
  }
  return { schema: current, pointer }
}

const child = (node: Node, ...keys: ReadonlyArray<string | number>): Node => {
  let schema: Json | undefined = node.schema
  for (const key of keys) {
    schema = isObject(schema) ? schema[String(key)] : Array.isArray(schema) ? schema[Number(key)] : undefined
  }
  return { schema: schema ?? true, pointer: `${node.pointer}/${keys.map((key) => escapePointer(String(key))).join("/")}` }
}

const validator = (pointer: string): ValidateFunction => {
  const { ajv, validators } = instance()
  const cached = validators.get(pointer)
  if (cached !== undefined) return cached
  // Segments are percent-encoded: ajv decodes the fragment before reading the pointer, and keys
  // such as `POST /chat/completions` or `application/json` hold spaces and braces.
  const fragment = pointer.split("/").map(encodeURIComponent).join("/")
  const fn = ajv.getSchema(`${DOCUMENT_ID}#${fragment}`)
  if (fn === undefined) throw new Error(`response schema ${pointer} not found`)
  validators.set(pointer, fn)
  return fn
}

const isValid = (node: Node, value: unknown): boolean =>
  node.schema === true ? true : node.schema === false ? false : validator(node.pointer)(value) === true

/** The `$ref` target, when the schema is a reference into the document. */
const target = (node: Node): Node | undefined => {
  const ref = isObject(node.schema) ? node.schema["$ref"] : undefined
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined
  return nodeAt(ref.slice(1))
}

const jsonType = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "array" : typeof u === "number" ? (Number.isInteger(u) ? "integer" : "number") : typeof u

const admits = (types: ReadonlyArray<string>, value: unknown): boolean => {
  const actual = jsonType(value)
  return types.includes(actual) || (actual === "integer" && types.includes("number"))
}

const typeList = (schema: Json): ReadonlyArray<string> | undefined => {
  if (!isObject(schema)) return undefined
  const type = schema["type"]
  if (typeof type === "string") return [type]
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string")
  return undefined
}

/** The types a schema admits at its top level, through `$ref`s and unions; `undefined` when it does not say. */
const typesOf = (node: Node, depth = 0): ReadonlyArray<string> | undefined => {
  if (depth > 32) return undefined
  const own = typeList(node.schema)
  if (own !== undefined) return own
  const ref = target(node)
  if (ref !== undefined) return typesOf(ref, depth + 1)
  for (const keyword of ["anyOf", "oneOf"]) {
    const branches = isObject(node.schema) ? node.schema[keyword] : undefined
    if (!Array.isArray(branches)) continue
    const all: Array<string> = []
    for (let i = 0; i < branches.length; i++) {
      const types = typesOf(child(node, keyword, i), depth + 1)
      if (types === undefined) return undefined
      all.push(...types)
    }
    return [...new Set(all)]
  }
  return undefined
}

const list = (words: ReadonlyArray<string>): string =>
  words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

/** The values a discriminator tag may take in one branch (its `const` or `enum`, through `$ref`s). */
const tagValues = (node: Node, tagName: string): ReadonlyArray<Json> => {
  const resolved = target(node) ?? node
  const properties = isObject(resolved.schema) ? resolved.schema["properties"] : undefined
  if (!isObject(properties) || properties[tagName] === undefined) return []
  const property = child(resolved, "properties", tagName)
  const schema = (target(property) ?? property).schema
  if (!isObject(schema)) return []
  if ("const" in schema) return [schema["const"] ?? null]
  return Array.isArray(schema["enum"]) ? schema["enum"] : []
}

type Issues = Array<ValidationIssue>

/** The issue ajv reports for a value the walk found nothing wrong in (a `minimum`, a `pattern`, …). */
const fallback = (node: Node, value: unknown, path: string): ValidationIssue => {
  const fn = validator(node.pointer)
  fn(value)
  const last = fn.errors?.[fn.errors.length - 1]
  if (last === undefined) return { path, message: "is invalid" }
  const issue = issueOf(last)
  return { path: path + issue.path, message: issue.message }
}

/** Checks what a schema says of a value itself, not of its parts: `type`, `enum`, `const`. */
const local = (schema: Json, value: unknown, path: string, out: Issues): boolean => {
  if (schema === false) {
    out.push({ path, message: "is not allowed" })
    return false
  }
  if (!isObject(schema)) return true
  const types = typeList(schema)
  if (types !== undefined && !admits(types, value)) {
    out.push({ path, message: `must be ${list(types)}` })
    return false
  }
  const values = schema["enum"]
  if (Array.isArray(values) && !values.some((v) => equal(v, value))) {
    out.push({ path, message: `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}` })
    return false
  }
  if ("const" in schema && !equal(schema["const"], value)) {
    out.push({ path, message: `must be ${JSON.stringify(schema["const"])}` })
    return false
  }
  return true
}

/** Schemas that apply to a value, and whether the value is known to satisfy them. */
interface Applied {
  readonly nodes: ReadonlyArray<Node>
  /** The value matches them: what applies to its parts is then satisfied too, and need not be asked of ajv. */
  readonly valid: boolean
}

/**
 * The branches of a `oneOf`/`anyOf` a value is checked against: those it matches; else the one the
 * discriminator tag names; else, among those of the right type, the one with the fewest issues.
 * No branch means the value fits none at all (the issue is pushed).
 */
const choose = (node: Node, keyword: "oneOf" | "anyOf", value: unknown, path: string, out: Issues): Applied => {
  const schema = node.schema as JsonObject
  const count = Array.isArray(schema[keyword]) ? (schema[keyword] as Array<Json>).length : 0
  const branches = Array.from({ length: count }, (_, i) => child(node, keyword, i))
  const matching = branches.filter((branch) => isValid(branch, value))
  if (matching.length > 0) {
    if (keyword === "oneOf" && matching.length > 1) {
      out.push({ path, message: "matches more than one of the allowed shapes" })
      return { nodes: matching.slice(0, 1), valid: true }
    }
    return { nodes: matching, valid: true }
  }
  const none: Applied = { nodes: [], valid: false }
  let candidates = branches
  const discriminator = schema["discriminator"]
  if (isObject(discriminator) && typeof discriminator["propertyName"] === "string" && isObject(value)) {
    const tagName = discriminator["propertyName"]
    const tag = value[tagName]
    const allowed = [...new Set(branches.flatMap((branch) => tagValues(branch, tagName)))]
    candidates = branches.filter((branch) => tagValues(branch, tagName).some((v) => v === tag))
    if (candidates.length === 0 && allowed.length > 0) {
      const tagPath = `${path}/${escapePointer(tagName)}`
      out.push(tag === undefined
        ? { path: tagPath, message: "is required" }
        : { path: tagPath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}` })
      return none
    }
    if (candidates.length === 0) candidates = branches
  }
  const typed = candidates.filter((branch) => {
    const types = typesOf(branch)
    return types === undefined || admits(types, value)
  })
  if (typed.length === 0) {
    const types = [...new Set(candidates.flatMap((branch) => typesOf(branch) ?? []))]
    out.push({ path, message: `must be ${list(types)}` })
    return none
  }
  if (typed.length === 1) return { nodes: typed, valid: false }
  let best: { readonly node: Node; readonly issues: number } | undefined
  for (const branch of typed) {
    const scratch: Issues = []
    walk(branch, value, path, scratch, false)
    if (best === undefined || scratch.length < best.issues) best = { node: branch, issues: scratch.length }
  }
  return best === undefined ? none : { nodes: [best.node], valid: false }
}

/** A schema of an object's key, and whether the object is known to satisfy the schema it comes from. */
interface KeySchema {
  readonly node: Node
  readonly valid: boolean
}

/** What the schemas that apply to an object (itself, its `$ref`, `allOf`, the chosen branches) say of its keys. */
interface ObjectView {
  readonly properties: Map<string, Array<KeySchema>>
  readonly patterns: Array<{ readonly pattern: RegExp; readonly schema: KeySchema }>
  readonly additional: Array<KeySchema>
  readonly required: Set<string>
  /** Some schema lists `properties` and says nothing of other keys: an unlisted key is undeclared. */
  described: boolean
  /** Some schema takes any key (`additionalProperties` a schema). */
  open: boolean
  /** Some schema forbids other keys (`additionalProperties: false`). */
  closed: boolean
}

const collect = (node: Node, value: JsonObject, valid: boolean, path: string, view: ObjectView, out: Issues, depth = 0): void => {
  if (depth > 64) return
  const schema = node.schema
  if (!local(schema, value, path, out) || !isObject(schema)) return
  const properties = schema["properties"]
  if (isObject(properties)) {
    view.described = true
    for (const key of Object.keys(properties)) {
      const schemas = view.properties.get(key) ?? []
      schemas.push({ node: child(node, "properties", key), valid })
      view.properties.set(key, schemas)
    }
  }
  const patterns = schema["patternProperties"]
  if (isObject(patterns)) {
    for (const pattern of Object.keys(patterns)) {
      view.patterns.push({ pattern: new RegExp(pattern, "u"), schema: { node: child(node, "patternProperties", pattern), valid } })
    }
  }
  const additional = schema["additionalProperties"]
  if (additional === false) view.closed = true
  else if (additional !== undefined) {
    view.open = true
    view.additional.push({ node: child(node, "additionalProperties"), valid })
  }
  const required = schema["required"]
  if (Array.isArray(required)) for (const key of required) if (typeof key === "string") view.required.add(key)
  const ref = target(node)
  if (ref !== undefined) collect(ref, value, valid, path, view, out, depth + 1)
  const allOf = schema["allOf"]
  if (Array.isArray(allOf)) allOf.forEach((_, i) => collect(child(node, "allOf", i), value, valid, path, view, out, depth + 1))
  for (const keyword of ["oneOf", "anyOf"] as const) {
    if (!Array.isArray(schema[keyword])) continue
    const chosen = choose(node, keyword, value, path, out)
    for (const branch of chosen.nodes) collect(branch, value, chosen.valid, path, view, out, depth + 1)
  }
}

const walkObject = (node: Node, value: JsonObject, valid: boolean, path: string, out: Issues): void => {
  const view: ObjectView = {
    properties: new Map(),
    patterns: [],
    additional: [],
    required: new Set(),
    described: false,
    open: false,
    closed: false
  }
  collect(node, value, valid, path, view, out)
  for (const key of view.required) if (!(key in value)) out.push({ path: `${path}/${escapePointer(key)}`, message: "is required" })
  // A schema that lists no properties at all (`{ "type": "object" }`) is a free-form object.
  const open = view.open || !view.described
  for (const [key, item] of Object.entries(value)) {
    const keyPath = `${path}/${escapePointer(key)}`
    const declared = [
      ...(view.properties.get(key) ?? []),
      ...view.patterns.filter(({ pattern }) => pattern.test(key)).map(({ schema }) => schema)
    ]
    const applied = declared.length > 0 ? declared : view.additional
    if (applied.length > 0) {
      for (const { node: keyNode, valid: known } of applied) walk(keyNode, item, keyPath, out, known)
    } else if (view.closed) {
      out.push({ path: keyPath, message: "is not an allowed key" })
    } else if (!open) {
      out.push({ path: keyPath, message: UNDECLARED })
    }
  }
}

const walkOther = (node: Node, value: unknown, valid: boolean, path: string, out: Issues): void => {
  const schema = node.schema
  if (!local(schema, value, path, out) || !isObject(schema)) return
  const ref = target(node)
  if (ref !== undefined) walk(ref, value, path, out, valid)
  const allOf = schema["allOf"]
  if (Array.isArray(allOf)) allOf.forEach((_, i) => walk(child(node, "allOf", i), value, path, out, valid))
  for (const keyword of ["oneOf", "anyOf"] as const) {
    if (!Array.isArray(schema[keyword])) continue
    const chosen = choose(node, keyword, value, path, out)
    for (const branch of chosen.nodes) walk(branch, value, path, out, chosen.valid)
  }
  if (Array.isArray(value)) {
    const prefix = Array.isArray(schema["prefixItems"]) ? schema["prefixItems"].length : 0
    value.forEach((item, i) => {
      if (i < prefix) walk(child(node, "prefixItems", i), item, `${path}/${i}`, out, valid)
      else if (schema["items"] !== undefined) walk(child(node, "items"), item, `${path}/${i}`, out, valid)
    })
  }
}

/**
 * Every issue of `value` against `node`, appended to `out`. `known` says the value is already known
 * to satisfy the schema (its parent's schema was satisfied, and this one applies to the part), so
 * ajv is asked only where something is wrong or a branch must be chosen.
 */
const walk = (node: Node, value: unknown, path: string, out: Issues, known: boolean): void => {
  const before = out.length
  const valid = known || isValid(node, value)
  if (isObject(value)) walkObject(node, value, valid, path, out)
  else walkOther(node, value, valid, path, out)
  // ajv is the judge: when it rejects a value the walk found nothing wrong with, its own reason.
  if (!valid && out.length === before) out.push(fallback(node, value, path))
}

const dedupe = (issues: Issues): Issues => {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const segments = (path: string): ReadonlyArray<string> => path.split("?")[0]!.split("/").slice(1)

/**
 * The document's operation a route is: the same method and the same segments, a `{name}` segment
 * of the document matching any segment (and a `:name` or `{name}` segment of the route only a
 * `{name}` one), literal segments preferred (`GET /videos/models` is not `GET /videos/{jobId}`).
 *
 * @example
 * operationOf("GET /videos/:id") // "GET /videos/{jobId}"
 * operationOf("GET /videos/job-1/content?index=0") // "GET /videos/{jobId}/content"
 *
 * @since 0.1.0
 * @category Validation
 */
export const operationOf = (route: string): string | undefined => {
  const [method = "", path = ""] = route.trim().split(/\s+/)
  const parts = segments(path)
  let best: { readonly operation: string; readonly params: number } | undefined
  for (const operation of operations) {
    const [opMethod = "", opPath = ""] = operation.split(" ")
    if (opMethod !== method.toUpperCase()) continue
    const opParts = segments(opPath)
    if (opParts.length !== parts.length) continue
    let params = 0
    const matches = opParts.every((opPart, i) => {
      const part = parts[i] ?? ""
      const isParam = part.startsWith(":") || /^\{.+\}$/.test(part)
      if (/^\{.+\}$/.test(opPart)) {
        params++
        return part !== ""
      }
      return !isParam && part === opPart
    })
    if (matches && (best === undefined || params < best.params)) best = { operation, params }
  }
  return best?.operation
}

const essence = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase()

const contentMatches = (documented: string, actual: string): boolean => {
  const [type, subtype] = documented.toLowerCase().split("/")
  const [actualType] = actual.split("/")
  return documented.toLowerCase() === actual || (subtype === "*" && (type === "*" || type === actualType))
}

/**
 * The content types the document gives for an operation's status (`["application/json",
 * "text/event-stream"]`, `["audio/*"]`); `undefined` when the operation does not document it.
 *
 * @since 0.1.0
 * @category Validation
 */
export const contentTypes = (operation: string, status: number): ReadonlyArray<string> | undefined => {
  const statuses = (schemas.operations as Record<string, Record<string, Record<string, unknown>> | undefined>)[operation]
  const content = statuses?.[String(status)]
  return content === undefined ? undefined : Object.keys(content)
}

const pathMatches = (pattern: string, path: string): boolean => {
  const a = pattern.split("/")
  const b = path.split("/")
  return a.length === b.length && a.every((segment, i) => segment === "*" || segment === b[i])
}

/**
 * The exception that allows an issue of a body of `operation` (of content type `contentType`).
 *
 * @since 0.1.0
 * @category Validation
 */
export const exceptionFor = (
  operation: string | undefined,
  contentType: string,
  issue: ValidationIssue
): Exception | undefined =>
  exceptions.find((exception) =>
    (exception.operation === "*" || exception.operation === operation) &&
    (exception.contentType === undefined || exception.contentType === contentType) &&
    exception.message === issue.message &&
    pathMatches(exception.path, issue.path)
  )

const result = (
  operation: string | undefined,
  schema: string | undefined,
  contentType: string,
  issues: Issues
): ResponseCheck => {
  const open: Issues = []
  const excused: Array<ExcusedIssue> = []
  for (const issue of dedupe(issues)) {
    const exception = exceptionFor(operation, contentType, issue)
    if (exception === undefined) open.push(issue)
    else excused.push({ issue, exception })
  }
  return { operation, schema, issues: open, excused }
}

const isBinary = (schema: Json): boolean =>
  isObject(schema) && schema["type"] === "string" && (schema["format"] === "binary" || Object.keys(schema).length === 1)

/**
 * Checks one answer against the document: that the operation documents the status (an error
 * status it does not list is checked against the error body the document gives that status
 * elsewhere), that the content type is one documented for it, and that the body matches the
 * schema: every issue, and which of them {@link exceptions} allow.
 *
 * For `text/event-stream` the body is one chunk: the document describes an event as
 * `{ data: <chunk> }` (Speakeasy's convention), and the chunk is checked against that `data`.
 *
 * @example
 * validateResponse({ route: "GET /videos/:id", status: 200, body: { id: "job-1", status: "pending" } }).issues
 * // [{ path: "/polling_url", message: "is required" }]
 *
 * @since 0.1.0
 * @category Validation
 */
export const validateResponse = (response: ResponseInput): ResponseCheck => {
  const contentType = essence(response.contentType ?? "application/json")
  const operation = operationOf(response.route)
  if (operation === undefined && response.status < 400) {
    return result(undefined, undefined, contentType, [{ path: "", message: `answers ${response.route}, an operation the response schemas do not have` }])
  }
  const status = String(response.status)
  const documented = operation === undefined ? undefined : contentTypes(operation, response.status)
  let node: Node
  let label: string
  if (operation !== undefined && documented !== undefined && documented.length === 0) {
    // Documented without content (a 204, say): there must be no body.
    const issues = response.body === undefined ? [] : [{ path: "", message: `is present, but ${operation} ${status} documents no body` }]
    return result(operation, `${operation} ${status}`, contentType, issues)
  }
  if (operation !== undefined && documented !== undefined) {
    const type = documented.find((t) => t.toLowerCase() === contentType) ?? documented.find((t) => contentMatches(t, contentType))
    if (type === undefined) {
      return result(operation, undefined, contentType, [{
        path: "",
        message: `has content type ${contentType}, not one documented for ${operation} ${status} (${documented.join(", ")})`
      }])
    }
    node = nodeAt(`/operations/${escapePointer(operation)}/${status}/${escapePointer(type)}`)!
    label = `${operation} ${status} ${type}`
  } else if (response.status >= 400) {
    // Any operation may fail with any error, and a path the document does not know (a 404 for no
    // route) still answers OpenRouter's error body; the document lists only the likely ones.
    const errors = schemas.errors as Record<string, unknown>
    const key = status in errors ? status : response.status >= 500 ? "500" : "400"
    if (contentType !== "application/json") {
      return result(operation, undefined, contentType, [{ path: "", message: `has content type ${contentType}: an error body is application/json` }])
    }
    node = nodeAt(`/errors/${key}`)!
    label = `errors ${key}`
  } else {
    const statuses = Object.keys((schemas.operations as Record<string, Record<string, unknown>>)[operation ?? ""] ?? {})
    return result(operation, undefined, contentType, [{
      path: "",
      message: `has status ${status}, which ${operation} does not document (${statuses.join(", ")})`
    }])
  }
  if (contentType === "text/event-stream") {
    const event = target(node) ?? node
    const properties = isObject(event.schema) ? event.schema["properties"] : undefined
    if (isObject(properties) && properties["data"] !== undefined) node = child(event, "properties", "data")
  }
  if (response.body === undefined) {
    return result(operation, label, contentType, isBinary(node.schema) ? [] : [{ path: "", message: "is missing" }])
  }
  const issues: Issues = []
  walk(node, response.body, "", issues, false)
  return result(operation, label, contentType, issues)
}

/**
 * One line per issue, for a test's failure message: `POST /chat/completions 200 text/event-stream: /system_fingerprint must be string`.
 *
 * @since 0.1.0
 * @category Validation
 */
export const format = (check: ResponseCheck, where: string): ReadonlyArray<string> =>
  check.issues.map((issue) => `${where}: ${issue.path === "" ? "the body" : issue.path} ${issue.message}`)
