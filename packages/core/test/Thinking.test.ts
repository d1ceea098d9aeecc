import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import * as Thinking from "../src/Thinking.js"

describe("Thinking.normalize", () => {
  it("the levels are the eight of §7.1, lowest first", () => {
    expect(Thinking.levels).toEqual(["off", "minimal", "low", "medium", "high", "xhigh", "adaptive", "max"])
  })

  // Every word in `accepted` normalises to its level.
  for (const [word, level] of Thinking.accepted) {
    it(`${JSON.stringify(word)} → ${level}`, () => {
      expect(Thinking.normalize(word)).toBe(level)
      expect(Thinking.parse(word)).toEqual(Either.right(level))
    })
  }

  it("accepted contains every level as itself and the aliases of §7.1", () => {
    const table = new Map(Thinking.accepted)
    for (const level of Thinking.levels) expect(table.get(level)).toBe(level)
    expect(table.get("on")).toBe("low")
    expect(table.get("enable")).toBe("low")
    expect(table.get("think")).toBe("minimal")
    expect(table.get("auto")).toBe("adaptive")
    expect(table.get("adaptive")).toBe("adaptive")
    expect(table.get("extrahigh")).toBe("xhigh")
    expect(table.get("ultra")).toBe("high")
    expect(table.get("highest")).toBe("high")
    expect(table.get("none")).toBe("off")
    // no word is listed twice
    expect(table.size).toBe(Thinking.accepted.length)
  })

  it("is trimmed, case-insensitive and folds runs of spaces", () => {
    expect(Thinking.normalize("  HIGH\t")).toBe("high")
    expect(Thinking.normalize("Extra   High")).toBe("xhigh")
    expect(Thinking.normalize("x\thigh")).toBe("xhigh")
    expect(Thinking.normalize("Auto")).toBe("adaptive")
  })

  it("unknown input is undefined", () => {
    for (const input of ["", " ", "banana", "hi", "highh", "x-x-high", "extra-extra-high", "constructor", "__proto__"]) {
      expect(Thinking.normalize(input)).toBeUndefined()
    }
  })
})

describe("Thinking.parse", () => {
  it("unknown input fails with a BadInput listing the levels", () => {
    const result = Thinking.parse("banana")
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const error = result.left
      expect(error._tag).toBe("BadInput")
      expect(error.field).toBe("thinking")
      expect(error.value).toBe("banana")
      expect(error.allowed).toEqual(["off", "minimal", "low", "medium", "high", "xhigh", "adaptive", "max"])
      for (const level of Thinking.levels) expect(error.message).toContain(level)
      expect(error.message).toContain(`"banana"`)
    }
  })

  it("names the field it was given", () => {
    const result = Thinking.parse("nope", "agents.defaults.thinking")
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left.field).toBe("agents.defaults.thinking")
      expect(result.left.message).toContain("agents.defaults.thinking")
    }
  })
})

describe("Thinking.defaultLevel", () => {
  const cases: ReadonlyArray<readonly [string, Thinking.Capabilities | undefined, Thinking.Level]> = [
    ["openrouter/auto", undefined, "off"],
    ["moonshotai/kimi-k2.6", undefined, "low"],
    ["moonshotai/kimi-k2.5", undefined, "low"],
    ["acme/unknown-model", undefined, "off"],
    ["acme/unknown-model", { reasoning: true }, "low"],
    ["moonshotai/kimi-k2.6", { reasoning: false }, "off"],
    ["deepseek/deepseek-v4-pro", undefined, "high"],
    ["deepseek/deepseek-v4-flash:free", undefined, "high"],
    ["deepseek/deepseek-v4-pro", { reasoning: false }, "high"]
  ]
  for (const [slug, capabilities, expected] of cases) {
    it(`${slug}${capabilities !== undefined ? ` ${JSON.stringify(capabilities)}` : ""} → ${expected}`, () => {
      expect(Thinking.defaultLevel(slug, capabilities)).toBe(expected)
    })
  }
})

describe("Thinking.reasoningEffort (§7.2)", () => {
  const table: ReadonlyArray<readonly [Thinking.Level, Thinking.Effort | undefined]> = [
    ["off", undefined],
    ["minimal", "minimal"],
    ["low", "low"],
    ["medium", "medium"],
    ["high", "high"],
    ["xhigh", "xhigh"],
    ["adaptive", "medium"],
    ["max", "xhigh"]
  ]
  for (const [level, effort] of table) {
    it(`${level} → ${effort ?? "undefined"}`, () => {
      expect(Thinking.reasoningEffort(level)).toBe(effort)
    })
  }

  it("the table covers every level", () => {
    expect(table.map(([level]) => level).sort()).toEqual([...Thinking.levels].sort())
  })
})

describe("Thinking.deepSeekV4Effort (§8)", () => {
  it("the fixed sequence minimal, low, medium, high, xhigh, max", () => {
    const sequence = ["minimal", "low", "medium", "high", "xhigh", "max"] as const
    expect(sequence.map(Thinking.deepSeekV4Effort)).toEqual(["minimal", "low", "medium", "high", "xhigh", "xhigh"])
  })

  it("no level → high", () => {
    expect(Thinking.deepSeekV4Effort(undefined)).toBe("high")
  })

  it("adaptive → medium", () => {
    expect(Thinking.deepSeekV4Effort("adaptive")).toBe("medium")
  })
})

describe("Thinking.isDeepSeekV4 (§8)", () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    ["deepseek/deepseek-v4-pro", true],
    ["deepseek/deepseek-v4-flash", true],
    ["openrouter/deepseek/deepseek-v4-pro", true],
    ["deepseek/deepseek-v4-flash:free", true],
    ["openrouter/deepseek/deepseek-v4-flash:free", true],
    ["DeepSeek/DeepSeek-V4-Pro", true],
    ["OpenRouter/deepseek/deepseek-v4-flash", true],
    ["deepseek/deepseek-v4-flash-x", false],
    ["deepseek/deepseek-v4-flash-x:free", false],
    ["deepseek/deepseek-v4", false],
    ["deepseek/deepseek-v3.2", false],
    ["deepseek/deepseek-r1", false],
    ["deepseek-v4-pro", false],
    ["acme/deepseek-v4-pro", false],
    ["openrouter/openrouter/deepseek/deepseek-v4-pro", false],
    ["deepseek/deepseek-v4-pro/extra", false],
    ["openrouter/auto", false],
    ["", false]
  ]
  for (const [slug, expected] of cases) {
    it(`${JSON.stringify(slug)} → ${expected}`, () => {
      expect(Thinking.isDeepSeekV4(slug)).toBe(expected)
    })
  }
})

describe("Thinking properties", () => {
  const levels: ReadonlyArray<string> = Thinking.levels

  it.prop("normalize never throws and gives undefined or a level", [fc.string()], ([input]) => {
    const level = Thinking.normalize(input)
    expect(level === undefined || levels.includes(level)).toBe(true)
  })

  it.prop("normalize gives undefined or a level on any unicode text", [fc.fullUnicodeString()], ([input]) => {
    const level = Thinking.normalize(input)
    expect(level === undefined || levels.includes(level)).toBe(true)
  })

  const whitespace = fc
    .array(fc.constantFrom(" ", "\t", "\n", "\r", "\u00a0"), { maxLength: 4 })
    .map((chars) => chars.join(""))

  it.prop(
    "normalize is case- and surrounding-whitespace-insensitive for every accepted word",
    {
      entry: fc.constantFrom(...Thinking.accepted),
      upper: fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }),
      before: whitespace,
      after: whitespace
    },
    ({ after, before, entry, upper }) => {
      const [word, level] = entry
      const cased = [...word].map((ch, i) => (upper[i] === true ? ch.toUpperCase() : ch.toLowerCase())).join("")
      expect(Thinking.normalize(`${before}${cased}${after}`)).toBe(level)
    }
  )
})
