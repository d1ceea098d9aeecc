// Output safety (issue 17): what the CLI prints of what a server or a file sent. Transformed
// echoes of the known key are masked (any case, percent-encoded wholly or in part, JSON `\u00XX`
// escapes, without the `sk-or-v1-` prefix, base64); control characters never reach a terminal
// raw; and JSON output is written without recursion, so any nesting depth prints.
import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import * as JsonText from "../src/JsonText.js"
import * as Secret from "../src/Secret.js"
import * as TerminalText from "../src/TerminalText.js"

const PREFIX = "sk-or-v1-"
const keyArb = fc.stringMatching(/^[0-9a-f]{64}$/).map((body) => `${PREFIX}${body}`)

const percent = (char: string, upper: boolean) => {
  const hex = char.charCodeAt(0).toString(16).padStart(2, "0")
  return `%${upper ? hex.toUpperCase() : hex}`
}

/** A key as an echo might transform it: each character's case flipped or not, percent- or `\u00XX`-encoded or not, the prefix kept or dropped. */
const transformed = (key: string) =>
  fc.record({
    dropPrefix: fc.boolean(),
    perChar: fc.array(fc.tuple(fc.constantFrom("same", "upper", "lower", "percent", "PERCENT", "json")), { minLength: key.length, maxLength: key.length })
  }).map(({ dropPrefix, perChar }) => {
    const chars = [...(dropPrefix ? key.slice(PREFIX.length) : key)]
    const offset = dropPrefix ? PREFIX.length : 0
    return chars.map((char, i) => {
      const [how] = perChar[i + offset] ?? ["same"]
      switch (how) {
        case "upper": return char.toUpperCase()
        case "lower": return char.toLowerCase()
        case "percent": return percent(char, false)
        case "PERCENT": return percent(char, true)
        case "json": return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`
        default: return char
      }
    }).join("")
  })

// Undo every transform above, so a surviving echo of the key's body shows up as a plain substring.
const normalise = (text: string) =>
  text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .toLowerCase()

const surrounding = fc.string({ maxLength: 20 })

describe("Secret.redactSecrets with the known key", () => {
  it.prop("no transformed echo of the known key survives, wherever it stands in the text", [keyArb.chain((key) => fc.tuple(fc.constant(key), transformed(key))), surrounding, surrounding], ([[key, echo], before, after]) => {
    const out = Secret.redactSecrets(`${before}${echo}${after}`, [key])
    const body = key.slice(PREFIX.length)
    expect(normalise(out)).not.toContain(body.toLowerCase())
    expect(out).toContain(Secret.mask(key).slice(-4))
  })

  it.prop("base64 of the key (standard and URL-safe) is masked too", [keyArb, fc.boolean()], ([key, urlSafe]) => {
    const encoded = Buffer.from(key).toString(urlSafe ? "base64url" : "base64")
    const out = Secret.redactSecrets(`basic ${encoded} end`, [key])
    expect(out).not.toContain(encoded)
    expect(out).not.toContain(encoded.slice(8, 40))
  })

  it("the named counterexamples: upper-cased, URL-encoded, without the prefix, inside JSON", () => {
    const key = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef01234567"
    const echoes = [
      key.toUpperCase(),
      encodeURIComponent(key).replace(/-/g, "%2D"),
      key.slice(PREFIX.length),
      key.slice(PREFIX.length).toUpperCase(),
      JSON.stringify({ error: { message: `invalid key ${key.slice(PREFIX.length)}` } })
    ]
    for (const echo of echoes) {
      const out = Secret.redactSecrets(`got: ${echo}`, [key])
      expect(normalise(out)).not.toContain(key.slice(PREFIX.length, 40))
    }
    // Without the known key, the prefix-less echo has nothing that marks it as a key.
    expect(Secret.redactSecrets(key.slice(PREFIX.length))).toBe(key.slice(PREFIX.length))
  })

  it("text without the key is left as it is; short known values are ignored rather than masking common words", () => {
    const key = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef01234567"
    expect(Secret.redactSecrets("a plain answer, 0123 abc", [key])).toBe("a plain answer, 0123 abc")
    expect(Secret.redactSecrets("the word short stays", ["short"])).toBe("the word short stays")
  })
})

describe("Secret.redactSecrets on bearer tokens", () => {
  it("masks a bearer token, but keeps one already masked (a dry run's Authorization line)", () => {
    expect(Secret.redactSecrets("Authorization: Bearer abc.def.ghi")).toBe("Authorization: Bearer ****")
    expect(Secret.redactSecrets("\"authorization\": \"Bearer sk-or-v1-…wxyz\"")).toBe("\"authorization\": \"Bearer sk-or-v1-…wxyz\"")
    expect(Secret.redactSecrets("Bearer ****")).toBe("Bearer ****")
    expect(Secret.redactSecrets("Bearer real…secret")).toBe("Bearer ****")
  })
})

describe("Secret.looksLikeKey", () => {
  it.prop("an OpenRouter key, in any case, with text around it, looks like a key", [keyArb, fc.boolean(), surrounding], ([key, upper, around]) => {
    expect(Secret.looksLikeKey(`${around}${upper ? key.toUpperCase() : key}`)).toBe(true)
  })
  it("model refs, voices and formats do not", () => {
    for (const value of ["openrouter/auto", "openai/gpt-4o-mini-tts", "alloy", "mp3", "disk-0123456789abcdefghij", "openrouter/moonshotai/kimi-k2.6"]) {
      expect(Secret.looksLikeKey(value)).toBe(false)
    }
  })
})

// Every character TerminalText.escape rewrites, and some it keeps.
const unsafeChar = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.constantFrom(0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069)
).map((code) => String.fromCharCode(code))
const textWithControls = fc.array(fc.oneof(fc.string({ maxLength: 8 }), unsafeChar, fc.constantFrom("\n", "\t", "\r\n", "\u001b]0;pwned\u0007", "\u001b[2J", "\u009b31m")), { maxLength: 30 }).map((parts) => parts.join(""))

describe("TerminalText.escape over generated control characters", () => {
  it.prop("the result is safe, keeps every line feed, tab and CR LF, and only grows", [textWithControls], ([text]) => {
    const out = TerminalText.escape(text)
    expect(TerminalText.isSafe(out)).toBe(true)
    // No control character but a CR ending a line (CR LF, harmless: it cannot overwrite).
    expect(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/.test(out)).toBe(false)
    expect(out.split("\r\n").length).toBe(text.split("\r\n").length)
    expect(out.split("\n").length).toBe(text.split("\n").length)
    expect(out.split("\t").length).toBe(text.split("\t").length)
    expect(out.length).toBeGreaterThanOrEqual(text.length)
    expect(TerminalText.escape(out)).toBe(out)
  })
})

describe("JsonText.stringify", () => {
  it.prop("agrees with JSON.stringify(value, null, 2) on JSON values", [fc.jsonValue({ maxDepth: 6 })], ([value]) => {
    expect(JsonText.stringify(value)).toBe(JSON.stringify(value, null, 2))
  })

  it.prop("the output is terminal-safe and parses back to the same value, whatever characters the strings hold", [fc.dictionary(textWithControls, fc.oneof(textWithControls, fc.array(textWithControls, { maxLength: 3 })), { maxKeys: 4 })], ([value]) => {
    const out = JsonText.stringify(value)
    expect(TerminalText.isSafe(out.replace(/\n/g, ""))).toBe(true)
    expect(JSON.parse(out)).toEqual(value)
  })

  it("prints a value nested 200,000 levels deep (JSON.stringify throws RangeError) and it parses back", () => {
    const depth = 200_000
    let value: unknown = "bottom"
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { d: value }
    expect(() => JSON.stringify(value)).toThrow(RangeError)
    const out = JsonText.stringify(value)
    // Indentation stops deep down: the output stays linear in the depth, not quadratic.
    expect(out.length).toBeLessThan(depth * 40)
    let parsed = JSON.parse(out) as unknown
    for (let i = depth - 1; i >= 0; i--) parsed = i % 2 === 0 ? (parsed as Array<unknown>)[0] : (parsed as { d: unknown }).d
    expect(parsed).toBe("bottom")
  })

  it("keeps a __proto__ key as data, writes non-finite numbers as null and skips undefined members like JSON.stringify", () => {
    const value = JSON.parse(`{"__proto__": {"x": 1}, "a": [1, 2]}`) as Record<string, unknown>
    value["n"] = Number.NaN
    value["u"] = undefined
    value["arr"] = [undefined, () => 1]
    expect(JsonText.stringify(value)).toBe(JSON.stringify(value, null, 2))
    expect(JsonText.stringify(value, 0)).toBe(JSON.stringify(value))
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic["self"] = cyclic
    expect(JSON.parse(JsonText.stringify(cyclic))).toEqual({ a: 1, self: "[Circular]" })
  })
})

// Found in review: masking ran on every answer the CLI prints, and an unbounded repetition in the
// key pattern exhausted the regex engine's stack on a run of millions of key characters; and the
// loose pattern masked ordinary words ("disk-or-network") and refused file names.
describe("Secret: hostile sizes and ordinary words", () => {
  it("a run of 9 million key characters is masked in pieces, without a throw", () => {
    for (const prefix of ["sk-or-v1-", "sk-", "Bearer "]) {
      const text = `${prefix}${"a".repeat(9_000_000)} end`
      const out = Secret.redactSecrets(text, ["sk-or-v1-0123456789abcdef0123456789abcdef"])
      expect(out.endsWith(" end")).toBe(true)
      // `mask` keeps an `sk-or-v1-` style prefix; a bare `sk-` key shows only its last four.
      expect(out.startsWith(prefix === "Bearer " ? "Bearer ****" : prefix === "sk-" ? "…aaaa" : "sk-or-v1-…aaaa")).toBe(true)
    }
  })

  it("ordinary words and paths with sk- or -or- in them are neither masked nor taken for keys", () => {
    for (
      const text of [
        "Is it disk-or-network-bound?",
        "task-or-subtask_model",
        "ask-or-tell-policies",
        "RISK-OR-REWARD-BALANCE",
        "sk-learn-preprocessing-pipeline",
        "/tmp/x/disk-or-tape-backup.png",
        "/tmp/x/sk-learn-tutorial-voice.mp3"
      ]
    ) {
      expect(Secret.redactSecrets(text)).toBe(text)
      expect(Secret.looksLikeKey(text)).toBe(false)
    }
  })

  it("real key shapes still are, in any case", () => {
    for (
      const key of [
        "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "SK-OR-V1-0123456789ABCDEF0123456789ABCDEF",
        "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-abc_DEF",
        "sk-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH"
      ]
    ) {
      expect(Secret.looksLikeKey(key)).toBe(true)
      expect(Secret.redactSecrets(`key ${key} here`)).not.toContain(key.slice(12, 24))
    }
  })
})
