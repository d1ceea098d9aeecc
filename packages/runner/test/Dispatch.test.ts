// The bin's dispatcher: which bundle runs an argument list. A wrong family would reach a stub
// ("internal error: … not in the … bundle"), so the reader must be exact where it decides and
// send everything else to `all`.
import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Dispatch from "../src/Dispatch.js"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")

const anyText = fc.oneof(fc.string(), fc.constantFrom(...Dispatch.commandNames), fc.constantFrom("-x", "--help", "--version", "chat", "--", ""))
const globalOption = fc.oneof(
  fc.tuple(fc.constantFrom("--config", "--base-url", "--connect-to", "--log-level"), anyText).map(([name, value]) => [name, value]),
  fc.tuple(fc.constantFrom("--config", "--base-url", "--connect-to", "--log-level"), anyText).map(([name, value]) => [`${name}=${value}`]),
  fc.constant(["--verbose"])
)
const globals = fc.array(globalOption, { maxLength: 5 }).map((options) => options.flat())
const rest = fc.array(anyText, { maxLength: 6 })

describe("Dispatch.bundleOf", () => {
  it.prop("the root options, then a command: that command's family, whatever the values and the rest", [globals, fc.constantFrom(...Dispatch.commandNames), rest], ([before, command, after]) => {
    expect(Dispatch.bundleOf([...before, command, ...after])).toBe(Dispatch.families[command])
    expect(Dispatch.effectiveArgv([...before, command, ...after])).toEqual([...before, command, ...after])
  })

  it.prop("only root options: config show runs, in the config bundle", [globals], ([before]) => {
    expect(Dispatch.bundleOf(before)).toBe("config")
    expect(Dispatch.effectiveArgv(before)).toEqual([...before, "config", "show"])
  })

  it.prop("--help or --version with no command: the base bundle, and nothing is appended", [globals, fc.constantFrom("--help", "-h", "--version"), globals], ([before, flag, after]) => {
    expect(Dispatch.bundleOf([...before, flag, ...after])).toBe("base")
    expect(Dispatch.effectiveArgv([...before, flag, ...after])).toEqual([...before, flag, ...after])
  })

  it.prop("an option it does not know before the command: all, which runs everything", [globals, fc.string().filter((s) => s.startsWith("-") && !["--verbose", "--help", "-h", "--version"].includes(s) && !/^--(config|base-url|connect-to|log-level)(=|$)/.test(s)), rest], ([before, unknown, after]) => {
    expect(Dispatch.bundleOf([...before, unknown, ...after])).toBe("all")
  })

  it.prop("any argument list: a bundle the build makes; a family only for a known command", [fc.array(anyText, { maxLength: 8 })], ([argv]) => {
    const bundle = Dispatch.bundleOf(argv)
    expect(Dispatch.bundles).toContain(bundle)
    const reading = Dispatch.read(argv)
    if (reading._tag === "Command") expect(reading.name.startsWith("-")).toBe(false)
    if (bundle !== "all" && bundle !== "base" && reading._tag === "Command") expect(Dispatch.families[reading.name]).toBe(bundle)
  })

  it("examples: values that look like commands, = forms, a missing value, an unknown command", () => {
    expect(Dispatch.bundleOf(["--config", "video", "chat", "hi"])).toBe("chat")
    expect(Dispatch.bundleOf(["--config=chat", "tts", "hello"])).toBe("speech")
    expect(Dispatch.bundleOf(["--verbose", "--base-url", "http://127.0.0.1:1", "models", "list"])).toBe("config")
    expect(Dispatch.bundleOf(["--config"])).toBe("all")
    expect(Dispatch.bundleOf(["--wizard"])).toBe("all")
    expect(Dispatch.bundleOf(["--completions", "bash"])).toBe("all")
    expect(Dispatch.bundleOf(["bogus"])).toBe("all")
    expect(Dispatch.bundleOf(["constructor"])).toBe("all")
    expect(Dispatch.bundleOf(["__proto__"])).toBe("all")
    expect(Dispatch.bundleOf([])).toBe("config")
    expect(Dispatch.effectiveArgv([])).toEqual(["config", "show"])
  })

  it("the build made every bundle the dispatcher can name (npm run build)", () => {
    expect(existsSync(join(runnerDir, "dist", "dispatch.js"))).toBe(true)
    for (const bundle of Dispatch.bundles) expect(existsSync(join(runnerDir, "dist", bundle, "main.js")), bundle).toBe(true)
  })
})
