/**
 * JSON text for output: what `JSON.stringify(value, null, indent)` writes, without recursion and
 * safe for a terminal.
 *
 * `JSON.stringify` recurses, so a (hostile) response nested some thousands of levels deep, such as
 * a chat answer's `reasoning_details`, throws `RangeError: Maximum call stack size exceeded`
 * when a command prints it. {@link stringify} walks the value with an explicit stack, so any depth
 * prints. Indentation stops {@link MAX_INDENT_DEPTH} levels down, so the text stays linear in the
 * depth (indenting 200,000 levels would write some 40 GB of spaces); deeper members are written
 * compactly, which is still the same JSON.
 *
 * Strings are escaped as `JSON.stringify` does, and further: DEL, the C1 controls, the
 * bidirectional embeddings, overrides and isolates and the line and paragraph separators are
 * written as `\uXXXX`, which `JSON.stringify` leaves raw. The text is then both valid JSON and
 * free of anything a terminal would act on (the same set `TerminalText.escape` rewrites).
 *
 * @since 0.1.0
 */

/**
 * How many levels are indented; members deeper than this are written compactly.
 *
 * @since 0.1.0 @category Constants
 */
export const MAX_INDENT_DEPTH = 64

// What JSON.stringify leaves raw but a terminal may act on. The C0 controls are escaped by
// JSON.stringify already.
const RAW_UNSAFE = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const quote = (text: string): string =>
  JSON.stringify(text).replace(RAW_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)

// Members JSON.stringify leaves out of objects (and writes as null in arrays).
const skipped = (value: unknown): boolean => value === undefined || typeof value === "function" || typeof value === "symbol"

// A value as JSON.stringify sees it: through its toJSON (a Date, for one).
const prepared = (value: unknown, key: string): unknown => {
  if (typeof value === "object" && value !== null && typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return (value as { toJSON: (key: string) => unknown }).toJSON(key)
  }
  return value
}

const scalar = (value: unknown): string => {
  if (value === null) return "null"
  switch (typeof value) {
    case "string":
      return quote(value)
    case "number":
      return Number.isFinite(value) ? String(value) : "null"
    case "boolean":
      return value ? "true" : "false"
    // JSON.stringify throws on a bigint: its digits are a valid JSON number.
    case "bigint":
      return value.toString()
    default:
      return "null"
  }
}

interface Frame {
  readonly container: object
  readonly close: string
  readonly members: ReadonlyArray<readonly [key: string | undefined, value: unknown]>
  readonly depth: number
  index: number
}

/**
 * `value` as JSON text, as `JSON.stringify(value, null, indent)` writes it (`indent` 0 for
 * compact text), for any nesting depth and with the terminal-unsafe characters escaped (see the
 * module's description). A cycle is written as the string `"[Circular]"`; a bigint as its digits;
 * a value JSON.stringify would answer `undefined` for (at the top level) as `null`.
 *
 * @example
 * stringify({ a: [1, "x\u202e"] }, 0) // '{"a":[1,"x\\u202e"]}'
 *
 * @since 0.1.0 @category Formatting
 */
export const stringify = (value: unknown, indent = 2): string => {
  const out: Array<string> = []
  const stack: Array<Frame> = []
  const open = new Set<object>()
  const pad = (depth: number) => (indent > 0 && depth <= MAX_INDENT_DEPTH ? `\n${" ".repeat(indent * depth)}` : "")

  // Writes `item` at `depth`: a scalar at once, a container by pushing its frame.
  const write = (item: unknown, depth: number): void => {
    if (typeof item !== "object" || item === null) {
      out.push(scalar(item))
      return
    }
    if (open.has(item)) {
      out.push(quote("[Circular]"))
      return
    }
    if (Array.isArray(item)) {
      if (item.length === 0) {
        out.push("[]")
        return
      }
      const members: Array<readonly [string | undefined, unknown]> = []
      for (let i = 0; i < item.length; i++) members.push([undefined, prepared(item[i], String(i))])
      out.push("[")
      open.add(item)
      stack.push({ container: item, close: "]", members, depth: depth + 1, index: 0 })
      return
    }
    const members: Array<readonly [string, unknown]> = []
    for (const [key, member] of Object.entries(item)) {
      const ready = prepared(member, key)
      if (!skipped(ready)) members.push([key, ready])
    }
    if (members.length === 0) {
      out.push("{}")
      return
    }
    out.push("{")
    open.add(item)
    stack.push({ container: item, close: "}", members, depth: depth + 1, index: 0 })
  }

  write(prepared(value, ""), 0)
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.index === frame.members.length) {
      stack.pop()
      open.delete(frame.container)
      out.push(`${pad(frame.depth - 1)}${frame.close}`)
      continue
    }
    const [key, member] = frame.members[frame.index]!
    out.push(`${frame.index > 0 ? "," : ""}${pad(frame.depth)}`)
    frame.index++
    if (key !== undefined) out.push(`${quote(key)}:${indent > 0 ? " " : ""}`)
    write(skipped(member) ? null : member, frame.depth)
  }
  return out.join("")
}
