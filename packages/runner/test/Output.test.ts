// The CLI's output filter (issue 17) from the sources: Output.display masks the known key however
// an echo transformed it and writes control characters visibly; refuseKeyLike names the flag and
// shows the key only masked. Properties over generated control characters and key transforms.
import { describe, expect, it } from "@effect/vitest"
import * as TerminalText from "@openrouter-effect/core/TerminalText"
import { Effect, Either, FastCheck as fc, Option } from "effect"
import * as Output from "../src/Output.js"

const KEY = "sk-or-v1-feedface0123456789abcdef0123456789abcdef0123456789abcd"
const BODY = KEY.slice("sk-or-v1-".length)
Output.rememberKey(KEY)

const control = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.constantFrom(0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202e, 0x2066, 0x2069)
).map((code) => String.fromCharCode(code))

// The key as an echo may write it: a case per character, some characters percent-encoded, the prefix dropped or not.
const echo = fc.tuple(fc.boolean(), fc.array(fc.constantFrom("same", "upper", "percent"), { minLength: KEY.length, maxLength: KEY.length })).map(([drop, how]) =>
  [...(drop ? BODY : KEY)].map((char, i) =>
    how[i] === "upper" ? char.toUpperCase() : how[i] === "percent" ? `%${char.charCodeAt(0).toString(16).toUpperCase()}` : char
  ).join("")
)

const decoded = (text: string) => text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).toLowerCase()

describe("Output.display", () => {
  it.prop("is terminal-safe, keeps line feeds, and leaves no echo of the known key", [fc.array(fc.oneof(fc.string({ maxLength: 6 }), control, echo, fc.constant("\n")), { maxLength: 12 })], ([parts]) => {
    const text = parts.join("")
    const out = Output.display(text)
    expect(TerminalText.isSafe(out)).toBe(true)
    expect(out.split("\n").length).toBe(text.split("\n").length)
    expect(decoded(out)).not.toContain(BODY.slice(0, 20))
  })
})

describe("Output.refuseKeyLike", () => {
  it("refuses a key-looking value naming the flag, with only the masked form in the error (property)", () =>
    fc.assert(fc.asyncProperty(echo, fc.constantFrom("--model", "--voice", "REF"), (value, flag) =>
    Effect.gen(function*() {
      const result = yield* Effect.either(Output.refuseKeyLike([["--out", "reply.mp3"], [flag, value]]))
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isRight(result)) return
      expect(result.left._tag).toBe("BadInput")
      expect(result.left.message.startsWith(`${flag} looks like an API key`)).toBe(true)
      expect(decoded(result.left.message + String(result.left.value))).not.toContain(BODY.slice(0, 20))
    }).pipe(Effect.runPromise)), { numRuns: propertyRuns(100) }))

  it("passes ordinary values, and reads options, arrays and positional names", async () => {
    const values = Output.textValues({ model: Option.some("openai/gpt-4o"), input: ["a.png"], ref: "openrouter/auto", prompt: KEY, dryRun: true }, { skip: ["prompt"], names: { ref: "REF" } })
    expect(values).toEqual([["--model", "openai/gpt-4o"], ["--input", "a.png"], ["REF", "openrouter/auto"]])
    await Effect.runPromise(Output.refuseKeyLike(values))
  })
})
