/**
 * Instances of JSON Schemas, for tool-call arguments and structured outputs: a value VALID
 * against the schema (required properties present, types, `enum`/`const`, numeric bounds and
 * `multipleOf`, string lengths, common `format`s and simple `pattern`s, array lengths and
 * `uniqueItems`, `$ref`s into the same document, `allOf`/`anyOf`/`oneOf`), chosen
 * deterministically from a seed, so the same request always gets the same arguments.
 *
 * What is out of reach (`not`, `if`/`then`, `dependentSchemas`, patterns with look-arounds or
 * back-references) gets a plausible value that may not validate: clients ask models for simple
 * schemas, and a real model gets those wrong too.
 *
 * @since 0.1.0
 */

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value)

/** A seeded generator of numbers in [0, 1) (mulberry32: small, fast, good enough here). @since 0.1.0 @category Random */
export const random = (seed: number): () => number => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Options of {@link instance}. @since 0.1.0 @category Models */
export interface InstanceOptions {
  /** Seeds every choice: the same seed and schema give the same value. */
  readonly seed: number
  /**
   * Words a string that names a place, a name or a query takes first (the proper nouns of the
   * prompt, say: "What's the weather in Oslo?" → `{"city": "Oslo"}`).
   */
  readonly words?: ReadonlyArray<string>
}

/** The words plain strings are made of. @since 0.1.0 @category Constants */
export const WORDS: ReadonlyArray<string> = [
  "amber", "harbor", "lantern", "meadow", "orbit", "pebble", "quartz", "river", "summit", "tundra",
  "velvet", "willow", "cobalt", "delta", "ember", "fjord", "glacier", "horizon", "island", "juniper"
]

/** Property names whose string is best taken from the prompt's words. */
const HINTED = /city|location|place|country|region|town|destination|origin|name|title|query|topic|subject|search|keyword|term|company|person|author/i

const MAX_DEPTH = 12

interface State {
  readonly root: unknown
  readonly next: () => number
  readonly words: ReadonlyArray<string>
  wordIndex: number
}

const pick = <A>(state: State, items: ReadonlyArray<A>): A => items[Math.floor(state.next() * items.length)]!

const decodePointer = (token: string): string => decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~")

/** Resolves a `#/…` reference against the root document; `undefined` for anything else. */
const resolveRef = (root: unknown, ref: string): unknown => {
  if (ref === "#") return root
  if (!ref.startsWith("#/")) return undefined
  let node: unknown = root
  for (const token of ref.slice(2).split("/").map(decodePointer)) {
    if (Array.isArray(node)) node = node[Number(token)]
    else if (isRecord(node)) node = node[token]
    else return undefined
  }
  return node
}

/** Merges `allOf` branches (and the schema's own keywords) into one schema. */
const mergeAll = (schemas: ReadonlyArray<Json>): Json => {
  const merged: Json = {}
  const properties: Json = {}
  const required = new Set<string>()
  for (const schema of schemas) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "properties" && isRecord(value)) Object.assign(properties, value)
      else if (key === "required" && Array.isArray(value)) {
        for (const name of value) if (typeof name === "string") required.add(name)
      } else if ((key === "minimum" || key === "minLength" || key === "minItems" || key === "exclusiveMinimum") && typeof value === "number") {
        merged[key] = typeof merged[key] === "number" ? Math.max(merged[key] as number, value) : value
      } else if ((key === "maximum" || key === "maxLength" || key === "maxItems" || key === "exclusiveMaximum") && typeof value === "number") {
        merged[key] = typeof merged[key] === "number" ? Math.min(merged[key] as number, value) : value
      } else if (!(key in merged)) merged[key] = value
    }
  }
  if (Object.keys(properties).length > 0) merged["properties"] = properties
  if (required.size > 0) merged["required"] = [...required]
  return merged
}

/** The schema with `$ref` and `allOf` folded in (siblings of `$ref` apply too, as in 2019-09+). */
const flatten = (state: State, schema: Json, depth: number): Json => {
  let current = schema
  for (let hops = 0; hops < 32; hops++) {
    const ref = current["$ref"]
    if (typeof ref === "string") {
      const target = resolveRef(state.root, ref)
      const { $ref: _ref, ...rest } = current
      current = isRecord(target) ? { ...target, ...rest } : rest
      continue
    }
    const all = current["allOf"]
    if (Array.isArray(all) && all.length > 0) {
      const { allOf: _all, ...rest } = current
      current = mergeAll([rest, ...all.filter(isRecord).map((branch) => flatten(state, branch, depth + 1))])
      continue
    }
    break
  }
  return current
}

const typesOf = (schema: Json): ReadonlyArray<string> => {
  const declared = schema["type"]
  if (typeof declared === "string") return [declared]
  if (Array.isArray(declared)) return declared.filter((t): t is string => typeof t === "string")
  if (isRecord(schema["properties"]) || Array.isArray(schema["required"]) || "additionalProperties" in schema) return ["object"]
  if ("items" in schema || "prefixItems" in schema || "minItems" in schema) return ["array"]
  if (["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"].some((k) => k in schema)) return ["number"]
  return ["string"]
}

const canBeNull = (schema: Json): boolean => typesOf(schema).includes("null")

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

const pad2 = (n: number): string => String(n).padStart(2, "0")

const formatted = (state: State, format: string, word: string): string | undefined => {
  const day = 1 + Math.floor(state.next() * 28)
  const month = 1 + Math.floor(state.next() * 12)
  const hour = Math.floor(state.next() * 24)
  const minute = Math.floor(state.next() * 60)
  const date = `2026-${pad2(month)}-${pad2(day)}`
  const time = `${pad2(hour)}:${pad2(minute)}:00`
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(state.next() * 16)]).join("")
  switch (format) {
    case "date-time":
      return `${date}T${time}Z`
    case "date":
      return date
    case "time":
      return `${time}Z`
    case "duration":
      return `PT${1 + Math.floor(state.next() * 59)}M`
    case "email":
    case "idn-email":
      return `${word}@example.com`
    case "uri":
    case "url":
    case "iri":
    case "uri-reference":
    case "iri-reference":
      return `https://example.com/${word}`
    case "uri-template":
      return `https://example.com/{${word}}`
    case "hostname":
    case "idn-hostname":
      return `${word}.example.com`
    case "ipv4":
      return `192.0.2.${1 + Math.floor(state.next() * 254)}`
    case "ipv6":
      return `2001:db8::${hex(4)}`
    case "uuid":
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[Math.floor(state.next() * 4)]}${hex(3)}-${hex(12)}`
    case "json-pointer":
      return `/${word}`
    case "regex":
      return `^${word}$`
    case "byte":
      return Buffer.from(word).toString("base64")
    default:
      return undefined
  }
}

// A small generator for the regular expressions schemas use (`^[A-Z]{3}-\d{4}$`, `^(yes|no)$`):
// literals, classes, `\d \w \s .`, groups with alternatives, and the quantifiers `? * + {n} {n,m}`.
type Node =
  | { readonly kind: "chars"; readonly chars: string }
  | { readonly kind: "group"; readonly alternatives: ReadonlyArray<ReadonlyArray<Quantified>> }

interface Quantified {
  readonly node: Node
  readonly min: number
  readonly max: number
}

const DIGITS = "0123456789"
const LOWER = "abcdefghijklmnopqrstuvwxyz"
const UPPER = LOWER.toUpperCase()
const WORD_CHARS = LOWER + UPPER + DIGITS + "_"

const parsePattern = (pattern: string): ReadonlyArray<ReadonlyArray<Quantified>> | undefined => {
  let i = 0
  const escapeClass = (c: string): string | undefined => {
    switch (c) {
      case "d":
        return DIGITS
      case "w":
        return WORD_CHARS
      case "s":
        return " "
      case "D":
      case "W":
      case "S":
      case "b":
      case "B":
        return undefined
      case "n":
        return "\n"
      case "t":
        return "\t"
      default:
        return c
    }
  }
  const parseClass = (): string | undefined => {
    // After "[".
    if (pattern[i] === "^") return undefined
    let chars = ""
    while (i < pattern.length && pattern[i] !== "]") {
      const c = pattern[i++]!
      if (c === "\\") {
        const escaped = escapeClass(pattern[i++] ?? "")
        if (escaped === undefined) return undefined
        chars += escaped
        continue
      }
      if (pattern[i] === "-" && pattern[i + 1] !== undefined && pattern[i + 1] !== "]") {
        let end = pattern[i + 1]!
        i += 2
        if (end === "\\") end = pattern[i++] ?? end
        for (let code = c.charCodeAt(0); code <= end.charCodeAt(0); code++) chars += String.fromCharCode(code)
        continue
      }
      chars += c
    }
    i++ // "]"
    return chars === "" ? undefined : chars
  }
  const parseSequence = (): ReadonlyArray<ReadonlyArray<Quantified>> | undefined => {
    const alternatives: Array<Array<Quantified>> = [[]]
    while (i < pattern.length) {
      const c = pattern[i]!
      if (c === ")") break
      i++
      let node: Node | undefined
      if (c === "|") {
        alternatives.push([])
        continue
      } else if (c === "^" || c === "$") {
        continue
      } else if (c === "(") {
        if (pattern[i] === "?") {
          if (pattern[i + 1] !== ":") return undefined // look-arounds, named groups
          i += 2
        }
        const inner = parseSequence()
        if (inner === undefined || pattern[i] !== ")") return undefined
        i++
        node = { kind: "group", alternatives: inner }
      } else if (c === "[") {
        const chars = parseClass()
        if (chars === undefined) return undefined
        node = { kind: "chars", chars }
      } else if (c === "\\") {
        const letter = pattern[i++] ?? ""
        const escaped = escapeClass(letter)
        // Back-references (\1) cannot be generated.
        if (escaped === undefined || /[1-9]/.test(letter)) return undefined
        node = { kind: "chars", chars: escaped }
      } else if (c === ".") {
        node = { kind: "chars", chars: LOWER }
      } else if ("*+?{".includes(c)) {
        return undefined
      } else {
        node = { kind: "chars", chars: c }
      }
      let min = 1
      let max = 1
      const q = pattern[i]
      if (q === "?") [min, max, i] = [0, 1, i + 1]
      else if (q === "*") [min, max, i] = [0, 3, i + 1]
      else if (q === "+") [min, max, i] = [1, 3, i + 1]
      else if (q === "{") {
        const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i))
        if (match === null) return undefined
        min = Number(match[1])
        max = match[2] === undefined ? min : match[3] === "" ? min + 3 : Number(match[3])
        i += match[0].length
      }
      if (pattern[i] === "?" || pattern[i] === "+") i++ // lazy / possessive
      alternatives[alternatives.length - 1]!.push({ node, min, max })
    }
    return alternatives
  }
  const parsed = parseSequence()
  return parsed !== undefined && i >= pattern.length ? parsed : undefined
}

const fromPattern = (state: State, pattern: string): string | undefined => {
  const parsed = parsePattern(pattern)
  if (parsed === undefined) return undefined
  const render = (alternatives: ReadonlyArray<ReadonlyArray<Quantified>>): string =>
    pick(state, alternatives).map(({ max, min, node }) => {
      const count = min + Math.floor(state.next() * (Math.min(max, min + 3) - min + 1))
      let out = ""
      for (let k = 0; k < count; k++) out += node.kind === "chars" ? pick(state, Array.from(node.chars)) : render(node.alternatives)
      return out
    }).join("")
  return render(parsed)
}

const matches = (pattern: string, text: string): boolean => {
  try {
    return new RegExp(pattern, "u").test(text)
  } catch {
    return false
  }
}

const nextWord = (state: State): string => pick(state, WORDS)

const stringFor = (state: State, schema: Json, key: string | undefined): string => {
  const hinted = key !== undefined && HINTED.test(key) && state.words.length > 0
    ? state.words[state.wordIndex++ % state.words.length]!
    : undefined
  const word = hinted ?? nextWord(state)
  const format = typeof schema["format"] === "string" ? formatted(state, schema["format"], word.toLowerCase()) : undefined
  let text = format ?? hinted ?? (state.next() < 0.5 ? word : `${word} ${nextWord(state)}`)
  const pattern = typeof schema["pattern"] === "string" ? schema["pattern"] : undefined
  if (pattern !== undefined && !matches(pattern, text)) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = fromPattern(state, pattern)
      if (candidate === undefined) break
      if (matches(pattern, candidate)) {
        text = candidate
        break
      }
    }
  }
  const minLength = typeof schema["minLength"] === "number" ? schema["minLength"] : 0
  const maxLength = typeof schema["maxLength"] === "number" ? schema["maxLength"] : Infinity
  let chars = Array.from(text)
  while (chars.length < minLength) chars = [...chars, ...Array.from(` ${nextWord(state)}`)]
  if (chars.length > maxLength) chars = chars.slice(0, Math.max(minLength, maxLength))
  return chars.join("")
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const numberFor = (state: State, schema: Json, integer: boolean): number => {
  // Draft 4 writes exclusive bounds as booleans beside minimum / maximum.
  const exclusiveMin = schema["exclusiveMinimum"]
  const exclusiveMax = schema["exclusiveMaximum"]
  const minimum = typeof schema["minimum"] === "number" ? schema["minimum"] : undefined
  const maximum = typeof schema["maximum"] === "number" ? schema["maximum"] : undefined
  let low = minimum
  let high = maximum
  let lowOpen = exclusiveMin === true
  let highOpen = exclusiveMax === true
  if (typeof exclusiveMin === "number" && (low === undefined || exclusiveMin >= low)) [low, lowOpen] = [exclusiveMin, true]
  if (typeof exclusiveMax === "number" && (high === undefined || exclusiveMax <= high)) [high, highOpen] = [exclusiveMax, true]
  if (low === undefined && high === undefined) [low, high] = [integer ? 1 : 0, 100]
  else if (low === undefined) low = high! - 100
  else if (high === undefined) high = low + 100
  const multipleOf = typeof schema["multipleOf"] === "number" && schema["multipleOf"] > 0 ? schema["multipleOf"] : undefined
  const step = integer ? (multipleOf !== undefined && Number.isInteger(multipleOf) ? multipleOf : 1) : multipleOf
  if (step !== undefined) {
    let first = Math.ceil(low! / step)
    let last = Math.floor(high! / step)
    if (lowOpen && first * step <= low!) first++
    if (highOpen && last * step >= high!) last--
    if (last < first) return first * step
    const count = last - first + 1
    const start = Math.floor(state.next() * count)
    // A value whose division by the step is exact in binary floating point, as naive validators
    // check `value / multipleOf` (0.3 / 0.1 is 2.9999999999999996; 0.5 / 0.1 is 5).
    let fallback: number | undefined
    for (let offset = 0; offset < Math.min(count, 64); offset++) {
      const k = first + ((start + offset) % count)
      const value = Number((k * step).toPrecision(12))
      fallback ??= value
      if (Number.isInteger(value / step)) return value
    }
    return fallback!
  }
  const span = high! - low!
  let value = Math.round((low! + state.next() * span) * 100) / 100
  if ((lowOpen && value <= low!) || value < low!) value = low! + span / 2
  if ((highOpen && value >= high!) || value > high!) value = low! + span / 2
  return value
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

const generate = (state: State, input: unknown, depth: number, key: string | undefined): unknown => {
  if (input === true || input === undefined) return stringFor(state, {}, key)
  if (!isRecord(input)) return null
  const schema = flatten(state, input, depth)
  if ("const" in schema) return schema["const"]
  if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return pick(state, schema["enum"])
  for (const combinator of ["oneOf", "anyOf"]) {
    const branches = schema[combinator]
    if (!Array.isArray(branches) || branches.length === 0) continue
    // The first branch that is not just `null`: one branch, so a `oneOf` matches exactly once in
    // the usual case of disjoint branches.
    const resolved = branches.map((branch) => (isRecord(branch) ? flatten(state, branch, depth + 1) : {}))
    const chosen = resolved.find((branch) => !(typesOf(branch).length === 1 && typesOf(branch)[0] === "null")) ?? resolved[0]!
    const { [combinator]: _branches, ...rest } = schema
    return generate(state, mergeAll([chosen, rest]), depth + 1, key)
  }
  const types = typesOf(schema)
  const type = types.find((t) => t !== "null") ?? types[0] ?? "string"
  if (depth > MAX_DEPTH && canBeNull(schema)) return null
  switch (type) {
    case "null":
      return null
    case "boolean":
      return state.next() < 0.5
    case "integer":
      return numberFor(state, schema, true)
    case "number":
      return numberFor(state, schema, false)
    case "array":
      return arrayFor(state, schema, depth)
    case "object":
      return objectFor(state, schema, depth)
    default:
      return stringFor(state, schema, key)
  }
}

const arrayFor = (state: State, schema: Json, depth: number): ReadonlyArray<unknown> => {
  const prefix = Array.isArray(schema["prefixItems"])
    ? schema["prefixItems"]
    : Array.isArray(schema["items"])
    ? schema["items"]
    : []
  const rest = Array.isArray(schema["items"]) ? schema["additionalItems"] : schema["items"]
  const minItems = typeof schema["minItems"] === "number" ? schema["minItems"] : 0
  const maxItems = typeof schema["maxItems"] === "number" ? schema["maxItems"] : Infinity
  const restAllowed = rest !== false
  // Deep in a recursive schema, as short as allowed.
  const wanted = depth > MAX_DEPTH / 2 ? minItems : Math.max(minItems, 1 + Math.floor(state.next() * 2))
  const length = Math.min(maxItems, restAllowed ? Math.max(wanted, Math.min(prefix.length, maxItems)) : prefix.length)
  const unique = schema["uniqueItems"] === true
  const out: Array<unknown> = []
  const seen = new Set<string>()
  for (let index = 0; out.length < length; index++) {
    const itemSchema = index < prefix.length ? prefix[index] : rest
    let item = generate(state, itemSchema, depth + 1, undefined)
    if (unique) {
      for (let attempt = 0; attempt < 32 && seen.has(JSON.stringify(item)); attempt++) item = generate(state, itemSchema, depth + 1, undefined)
      if (seen.has(JSON.stringify(item))) break
      seen.add(JSON.stringify(item))
    }
    out.push(item)
    if (index > length + 16) break
  }
  return out
}

const objectFor = (state: State, schema: Json, depth: number): Json => {
  const properties = isRecord(schema["properties"]) ? schema["properties"] : {}
  const required = Array.isArray(schema["required"]) ? schema["required"].filter((k): k is string => typeof k === "string") : []
  const maxProperties = typeof schema["maxProperties"] === "number" ? schema["maxProperties"] : Infinity
  const minProperties = typeof schema["minProperties"] === "number" ? schema["minProperties"] : 0
  const optional = Object.keys(properties).filter((name) => !required.includes(name))
  // Required properties always; optional ones too, unless the walk is deep in a recursive schema.
  const names = [...required, ...(depth > MAX_DEPTH / 2 ? [] : optional)].slice(0, Math.max(required.length, maxProperties))
  const out: Json = {}
  const additional = schema["additionalProperties"]
  for (const name of names) {
    out[name] = generate(state, name in properties ? properties[name] : isRecord(additional) ? additional : {}, depth + 1, name)
  }
  for (let extra = 1; Object.keys(out).length < minProperties && additional !== false; extra++) {
    out[`${nextWord(state)}_${extra}`] = generate(state, isRecord(additional) ? additional : {}, depth + 1, undefined)
  }
  return out
}

/**
 * A value valid against `schema` (JSON Schema draft 4 to 2020-12), chosen from `options.seed`.
 * `$ref`s resolve against `schema` itself (`#/$defs/…`, `#/definitions/…`).
 *
 * @since 0.1.0 @category Generation
 */
export const instance = (schema: unknown, options: InstanceOptions): unknown =>
  generate({ root: schema, next: random(options.seed), words: options.words ?? [], wordIndex: 0 }, schema, 0, undefined)
