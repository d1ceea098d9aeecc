/**
 * JSON Schema keywords by the shape of their value, for code that walks schemas (the generator
 * of `src/data/request-schemas.json` and the validator's OpenAPI 3.0 conversion).
 *
 * @internal
 */

/** Keywords whose value is one schema. @internal */
export const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  "items",
  "additionalItems",
  "additionalProperties",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else"
])

/** Keywords whose value is an array of schemas. @internal */
export const SCHEMA_ARRAY_KEYWORDS: ReadonlySet<string> = new Set(["allOf", "anyOf", "oneOf", "prefixItems"])

/** Keywords whose value maps names to schemas. @internal */
export const SCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set([
  "properties",
  "patternProperties",
  "dependentSchemas",
  "$defs",
  "definitions"
])
