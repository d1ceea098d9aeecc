/**
 * Validates JSON request bodies against the request schemas of OpenRouter's OpenAPI document.
 *
 * The schemas come from `src/data/request-schemas.json`, which `scripts/generate-request-schemas.ts`
 * extracts from the document; nothing outside this package is read at run time. One `Ajv2020`
 * instance compiles each operation the first time it is validated.
 *
 * Before compiling, the schemas are normalized for JSON Schema 2020-12:
 * - OpenAPI 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` (beside `minimum`/`maximum`)
 *   become the numeric form (`{minimum: 0, exclusiveMinimum: true}` → `{exclusiveMinimum: 0}`);
 * - OpenAPI 3.0's `nullable: true` becomes a type union with `"null"` (and `null` joins an `enum`).
 *
 * `discriminator` and `example` are accepted as no-op keywords: validation is plain JSON Schema
 * (`oneOf` must match exactly one branch), as OpenAPI defines it. The discriminator is only used to
 * explain a failure: when no branch of a discriminated `oneOf` matches, the issue reported is the
 * one of the branch the tag selects, not the first branch's.
 *
 * Issue paths are JSON pointers into the body (`/messages/0/role`; `""` for the body itself).
 *
 * @since 0.1.0
 */
import type { AnySchemaObject, ErrorObject, ValidateFunction } from "ajv"
import Ajv2020 from "ajv/dist/2020.js"
import schemas from "./data/request-schemas.json" with { type: "json" }
import { SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS } from "./internal/schemaKeywords.js"

/**
 * The operations whose request bodies are validated: `POST /chat/completions`, `POST /videos`,
 * `POST /audio/speech`, `POST /audio/transcriptions` (JSON body).
 *
 * @since 0.1.0
 * @category Models
 */
export type Operation = "chat" | "videos" | "speech" | "transcriptions"

/**
 * One reason a body is invalid. `path` is a JSON pointer into the body (`/messages/0/role`; the
 * empty string for the body itself); `message` completes the sentence "<path> …" (`is required`,
 * `must be string`, `must be one of "user", "system"`).
 *
 * @since 0.1.0
 * @category Models
 */
export interface ValidationIssue {
  readonly path: string
  readonly message: string
}

/**
 * The outcome of {@link validate}.
 *
 * @since 0.1.0
 * @category Models
 */
export type ValidationResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly issues: ReadonlyArray<ValidationIssue> }

/**
 * Where the schemas come from: the OpenAPI document's file name, version and title, e.g.
 * `openrouter-openapi.yaml (OpenRouter OpenAPI 1.0.0, OpenRouter API)`.
 *
 * @since 0.1.0
 * @category Constants
 */
export const source: string = schemas.source

const DOCUMENT_ID = "urn:openrouter-effect:simulator:request-schemas"

type Json = null | boolean | number | string | Array<Json> | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)


const escapePointer = (segment: string): string => segment.replace(/~/g, "~0").replace(/\//g, "~1")

/**
 * A normalized deep copy of a schema (OpenAPI 3.0 leftovers turned into 2020-12), recording the
 * JSON pointer of every schema object in `pointers`.
 */
const normalize = (schema: Json, pointer: string, pointers: Map<object, string>): Json => {
  if (!isObject(schema)) return schema
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = normalize(value, `${pointer}/${key}`, pointers)
    } else if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((item, i) => normalize(item, `${pointer}/${key}/${i}`, pointers))
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      const map: JsonObject = {}
      for (const [name, item] of Object.entries(value)) {
        map[name] = normalize(item, `${pointer}/${key}/${escapePointer(name)}`, pointers)
      }
      out[key] = map
    } else {
      out[key] = value
    }
  }
  // OpenAPI 3.0: `exclusiveMinimum: true` qualifies `minimum`; 2020-12: it is the bound itself.
  for (const [exclusive, inclusive] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    const flag = out[exclusive]
    if (typeof flag !== "boolean") continue
    const bound = out[inclusive]
    delete out[exclusive]
    if (flag && typeof bound === "number") {
      out[exclusive] = bound
      delete out[inclusive]
    }
  }
  // OpenAPI 3.0: `nullable: true` admits null.
  if ("nullable" in out) {
    const nullable = out["nullable"] === true
    delete out["nullable"]
    if (nullable) {
      const type = out["type"]
      if (typeof type === "string") out["type"] = type === "null" ? type : [type, "null"]
      else if (Array.isArray(type) && !type.includes("null")) out["type"] = [...type, "null"]
      const values = out["enum"]
      if (Array.isArray(values) && !values.includes(null)) out["enum"] = [...values, null]
      if (type === undefined && !Array.isArray(values)) {
        const copy: JsonObject = { ...out }
        for (const key of Object.keys(out)) delete out[key]
        out["anyOf"] = [copy, { type: "null" }]
      }
    }
  }
  pointers.set(out, pointer)
  return out
}

/**
 * The JSON Schema 2020-12 form of an OpenAPI 3.0-flavoured schema, as {@link validate} compiles
 * it: boolean `exclusiveMinimum`/`exclusiveMaximum` become numeric bounds, `nullable: true`
 * becomes a type union with `"null"`. Returns a copy; the argument is not modified.
 *
 * @example
 * normalizeSchema({ type: "number", minimum: 0, exclusiveMinimum: true, nullable: true })
 * // { type: ["number", "null"], exclusiveMinimum: 0 }
 *
 * @since 0.1.0
 * @category Utils
 */
export const normalizeSchema = (schema: unknown): unknown => normalize(schema as Json, "", new Map())

interface Compiled {
  readonly ajv: {
    getSchema(ref: string): ValidateFunction | undefined
  }
  /** The JSON pointer of each (normalized) schema object in the document. */
  readonly pointers: Map<object, string>
  /** The normalized definitions, to look through `$ref`s when explaining a failure. */
  readonly definitions: JsonObject
}

let compiled: Compiled | undefined

/**
 * A fresh ajv instance set up as request validation uses it (JSON Schema 2020-12, first error
 * only, formats not checked, `example` and `discriminator` as no-op keywords), for other
 * documents checked the same way (`ResponseValidation`'s response schemas).
 *
 * @since 0.1.0
 * @category Utils
 */
export const makeAjv = (): InstanceType<typeof Ajv2020.default> => {
  // ajv is CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the
  // class (and so is `module.exports` itself at run time).
  const Ajv = Ajv2020.default ?? (Ajv2020 as unknown as typeof Ajv2020.default)
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    verbose: true,
    // OpenAPI formats (`double`, `int32`, `uri`, `binary`, …) are documentation here, as they are
    // for OpenRouter's own validation as far as it can be observed.
    validateFormats: false
  })
  for (const keyword of ["example", "discriminator"]) {
    if (ajv.getKeyword(keyword) === false) ajv.addKeyword(keyword)
  }
  return ajv
}

const instance = (): Compiled => {
  if (compiled !== undefined) return compiled
  const pointers = new Map<object, string>()
  const document = normalize(
    { operations: schemas.operations as Json, definitions: schemas.definitions as Json },
    "",
    pointers
  ) as JsonObject
  const ajv = makeAjv()
  ajv.addSchema({ ...document, $id: DOCUMENT_ID } as AnySchemaObject)
  compiled = { ajv, pointers, definitions: isObject(document["definitions"]) ? document["definitions"] : {} }
  return compiled
}

const validator = (pointer: string): ValidateFunction => {
  const fn = instance().ajv.getSchema(`${DOCUMENT_ID}#${pointer}`)
  if (fn === undefined) throw new Error(`request schema ${pointer} not found`)
  return fn
}

const jsonType = (u: unknown): string =>
  u === null
    ? "null"
    : Array.isArray(u)
    ? "array"
    : typeof u === "number"
    ? Number.isInteger(u) ? "integer" : "number"
    : typeof u

/** Follows `$ref`s to `#/definitions/X`. */
const resolve = (schema: Json): Json => {
  const { definitions } = instance()
  for (let i = 0; i < 32 && isObject(schema) && typeof schema["$ref"] === "string"; i++) {
    const ref = schema["$ref"]
    if (!ref.startsWith("#/definitions/")) break
    const name = ref.slice("#/definitions/".length).replace(/~1/g, "/").replace(/~0/g, "~")
    schema = definitions[name] ?? schema
  }
  return schema
}

/** The types a schema admits at its top level, or `undefined` when it does not say. */
const typesOf = (schema: Json): ReadonlyArray<string> | undefined => {
  const resolved = resolve(schema)
  if (!isObject(resolved)) return undefined
  const type = resolved["type"]
  if (typeof type === "string") return [type]
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string")
  for (const keyword of ["anyOf", "oneOf"]) {
    const branches = resolved[keyword]
    if (!Array.isArray(branches)) continue
    const all: Array<string> = []
    for (const branch of branches) {
      const types = typesOf(branch)
      if (types === undefined) return undefined
      all.push(...types)
    }
    return all
  }
  return undefined
}

const admits = (types: ReadonlyArray<string>, value: unknown): boolean => {
  const actual = jsonType(value)
  return types.includes(actual) || (actual === "integer" && types.includes("number"))
}

const list = (words: ReadonlyArray<string>): string =>
  words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`

const unique = <A>(items: ReadonlyArray<A>): Array<A> => [...new Set(items)]

/** The values a discriminator tag may take in one branch (its `const` or `enum`). */
const tagValues = (branch: Json, tagName: string): ReadonlyArray<Json> => {
  const resolved = resolve(branch)
  if (!isObject(resolved) || !isObject(resolved["properties"])) return []
  const property = resolve(resolved["properties"][tagName] ?? null)
  if (!isObject(property)) return []
  if ("const" in property) return [property["const"] ?? null]
  return Array.isArray(property["enum"]) ? property["enum"] : []
}

/**
 * One ajv error as a {@link ValidationIssue} (`{ path: "/messages", message: "is required" }`).
 *
 * @since 0.1.0
 * @category Utils
 */
export const issueOf = (error: ErrorObject): ValidationIssue => {
  const path = error.instancePath
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case "required":
      return { path: `${path}/${escapePointer(String(params["missingProperty"]))}`, message: "is required" }
    case "additionalProperties":
    case "unevaluatedProperties":
      return {
        path: `${path}/${escapePointer(String(params["additionalProperty"] ?? params["unevaluatedProperty"]))}`,
        message: "is not an allowed key"
      }
    case "type":
      return { path, message: `must be ${list(String(params["type"]).split(","))}` }
    case "enum":
      return {
        path,
        message: `must be one of ${(params["allowedValues"] as ReadonlyArray<unknown>).map((v) => JSON.stringify(v)).join(", ")}`
      }
    case "const":
      return { path, message: `must be ${JSON.stringify(params["allowedValue"])}` }
    case "oneOf":
      return {
        path,
        message: params["passingSchemas"] === null
          ? "does not match any of the allowed shapes"
          : "matches more than one of the allowed shapes"
      }
    case "anyOf":
      return { path, message: "does not match any of the allowed shapes" }
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` }
  }
}

const depth = (path: string): number => (path === "" ? 0 : path.split("/").length - 1)

const prefixed = (prefix: string, issue: ValidationIssue): ValidationIssue => ({ ...issue, path: prefix + issue.path })

/**
 * The issue behind a failed validation. With `allErrors: false` the last error is the one that made
 * validation fail; when it is a failed `oneOf`/`anyOf`, the branch the value was meant for is
 * found (by the discriminator tag when there is one, else by the value's type) and validated
 * alone, so that the issue names what is wrong inside it.
 */
const explain = (errors: ReadonlyArray<ErrorObject>, level = 0): ValidationIssue => {
  const last = errors[errors.length - 1]
  if (last === undefined) return { path: "", message: "is invalid" }
  if (level > 16 || (last.keyword !== "oneOf" && last.keyword !== "anyOf")) return issueOf(last)
  if (last.keyword === "oneOf" && (last.params as { passingSchemas?: unknown }).passingSchemas !== null) {
    return issueOf(last)
  }
  const schema = last.parentSchema as JsonObject | undefined
  const pointer = schema === undefined ? undefined : instance().pointers.get(schema)
  const branches = schema?.[last.keyword]
  if (schema === undefined || pointer === undefined || !Array.isArray(branches)) return issueOf(last)
  const path = last.instancePath
  const data: unknown = last.data

  let candidates = branches.map((_, i) => i)
  const discriminator = schema["discriminator"]
  if (isObject(discriminator) && typeof discriminator["propertyName"] === "string" && isObject(data)) {
    const tagName = discriminator["propertyName"]
    const tag = data[tagName]
    const allowed = unique(branches.flatMap((branch) => tagValues(branch, tagName)))
    candidates = candidates.filter((i) => tagValues(branches[i]!, tagName).some((v) => v === tag))
    if (candidates.length === 0 && allowed.length > 0) {
      const tagPath = `${path}/${escapePointer(tagName)}`
      return tag === undefined
        ? { path: tagPath, message: "is required" }
        : { path: tagPath, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}` }
    }
  } else {
    const typed = candidates.filter((i) => {
      const types = typesOf(branches[i]!)
      return types === undefined || admits(types, data)
    })
    if (typed.length === 0) {
      const types = unique(branches.flatMap((branch) => typesOf(branch) ?? []))
      return { path, message: `must be ${list(types)}` }
    }
    candidates = typed
  }

  let best: ValidationIssue | undefined
  for (const i of candidates) {
    const validate = validator(`${pointer}/${last.keyword}/${i}`)
    if (validate(data) || validate.errors == null) continue
    const issue = prefixed(path, explain(validate.errors, level + 1))
    if (best === undefined || depth(issue.path) > depth(best.path)) best = issue
  }
  return best ?? issueOf(last)
}

/**
 * Validates a parsed JSON request body against the request schema of `operation`. The first
 * failure is reported (ajv's `allErrors: false`), explained as precisely as the schema allows.
 *
 * @example
 * validate("chat", { model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] })
 * // { ok: true }
 * validate("chat", { model: "openai/gpt-4o" })
 * // { ok: false, issues: [{ path: "/messages", message: "is required" }] }
 *
 * @since 0.1.0
 * @category Validation
 */
export const validate = (operation: Operation, body: unknown): ValidationResult => {
  const fn = validator(`/operations/${operation}`)
  if (fn(body)) return { ok: true }
  return { ok: false, issues: [explain(fn.errors ?? [])] }
}

/**
 * The `error.message` of the 400 the simulator answers an invalid body with (the body is
 * `{"error":{"code":400,"message":…,"metadata":{"error_type":"invalid_request"}},"user_id":…}`,
 * see `Errors.invalidRequest`), e.g. `Invalid request body: /messages is required`.
 *
 * @since 0.1.0
 * @category Validation
 */
export const errorMessage = (issues: ReadonlyArray<ValidationIssue>): string => {
  const first = issues[0]
  if (first === undefined) return "Invalid request body"
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""
  return `Invalid request body: ${first.path === "" ? "the body" : first.path} ${first.message}${more}`
}
