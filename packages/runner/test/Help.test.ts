// The help renderer and the CLI's message helpers, from sources: colour only on a terminal
// without NO_COLOR, escapes stripped, wrapping to the width, flags named in library errors, and
// the video resume hint carrying every option the resume needs.
import { describe, expect, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Cli from "../src/Cli.js"
import * as Help from "../src/Help.js"
import { resumeHint } from "../src/handlers/Video.js"

const ESC = "\u001b"

describe("Help", () => {
  it("styles only a terminal without NO_COLOR", () => {
    expect(Help.useColor(true, {})).toBe(true)
    expect(Help.useColor(true, { NO_COLOR: "1" })).toBe(false)
    expect(Help.useColor(false, {})).toBe(false)
    expect(Help.useColor(undefined, {})).toBe(false)
    expect(Cli.helpText(["image"], { width: 80, color: true })).toContain(ESC)
    expect(Cli.helpText(["image"], { width: 80, color: false })).not.toContain(ESC)
  })

  it("wraps every command's help to the width asked for (a narrow terminal too)", () => {
    for (const node of Help.nodes(Cli.helpTree())) {
      for (const width of [50, 100]) {
        const text = Cli.helpText(node.path, { width, color: false })
        // A single word longer than the room (a config path) is kept whole, never cut.
        for (const line of text.split("\n")) if (/\S \S/.test(line.trim())) expect(line.length, line).toBeLessThanOrEqual(width)
      }
    }
  })

  it("stripAnsi removes what @effect/cli styles with and keeps the text", () => {
    expect(Help.stripAnsi("\u001b[0;1m\u001b[0;37;1mopenrouter-effect\u001b[0;1m\u001b[0m x")).toBe("openrouter-effect x")
    FastCheck.assert(FastCheck.property(FastCheck.string(), (text) => {
      const plain = text.replace(/\u001b/g, "")
      expect(Help.stripAnsi(`\u001b[1m${plain}\u001b[0m`)).toBe(Help.stripAnsi(plain))
      expect(Help.stripAnsi(plain)).not.toContain(ESC)
    }))
  })

  it("wrap never loses a word and keeps lines within the width unless a word is longer", () => {
    FastCheck.assert(FastCheck.property(FastCheck.array(FastCheck.stringMatching(/^[a-z]{1,12}$/)), FastCheck.integer({ min: 12, max: 100 }), (words, width) => {
      const lines = Help.wrap(words.join(" "), width)
      expect(lines.join(" ").split(" ").filter((w) => w !== "")).toEqual(words)
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width)
    }))
  })
})

describe("flagNamed", () => {
  it("names the flag the user typed instead of the field or its label", () => {
    expect(Cli.flagNamed("Aspect ratio \"7:3\" is not supported", "aspectRatio", ["video", "--aspect-ratio", "7:3"])).toBe("--aspect-ratio \"7:3\" is not supported")
    expect(Cli.flagNamed("aspectRatio \"7:3\" is not supported", "aspectRatio", ["--aspect-ratio=7:3"])).toBe("--aspect-ratio \"7:3\" is not supported")
    // Not typed: the message is left as it is (a library default, not the user's flag).
    expect(Cli.flagNamed("aspectRatio x", "aspectRatio", ["video"])).toBe("aspectRatio x")
  })

  it("leaves the field's name alone inside a path, a file name or the value the user gave", () => {
    expect(Cli.flagNamed("Cannot create the folder out/sub: permission denied", "out", ["tts", "--out", "out/sub/x.mp3"])).toBe(
      "Cannot create the folder out/sub: permission denied"
    )
    expect(Cli.flagNamed("messages.json is not JSON", "messages", ["chat", "--messages", "messages.json"])).toBe("messages.json is not JSON")
    expect(Cli.flagNamed("out is not writable: out", "out", ["--out", "my out"], "my out")).toBe("--out is not writable: --out")
  })

  it("never changes a message whose field was not given as a flag", () => {
    FastCheck.assert(FastCheck.property(FastCheck.string(), FastCheck.stringMatching(/^[a-z][A-Za-z]{0,10}$/), (message, field) => {
      expect(Cli.flagNamed(message, field, [])).toBe(message)
    }))
  })
})

describe("the video resume hint", () => {
  const location = { file: "/home/u/my config.json", source: "flag" as const, stateDir: "/home/u" }
  it("carries --config, --base-url and --connect-to when they were given", () => {
    expect(resumeHint({ location, baseUrl: "https://proxy.example.com/v1", connectTo: "127.0.0.1:8080" }, "job-1")).toContain(
      "openrouter-effect --config '/home/u/my config.json' --base-url https://proxy.example.com/v1 --connect-to 127.0.0.1:8080 video resume job-1"
    )
    expect(resumeHint({ location: { ...location, source: "default" }, baseUrl: undefined, connectTo: undefined }, "job-1")).toContain(
      "continue it with: openrouter-effect video resume job-1"
    )
  })
})
