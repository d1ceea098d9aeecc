// The top-level reading of the argument list: which command it names, and when `config show`
// is appended. A wrong reading would append `config show` to a real command, or miss a command.
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as Argv from "../src/Argv.js"

const anyText = fc.oneof(fc.string(), fc.constantFrom(...Argv.commandNames), fc.constantFrom("-x", "--help", "--version", "chat", "--", ""))
const valued = fc.constantFrom("--config", "--base-url", "--connect-to", "--log-level")
const globalOption = fc.oneof(
  fc.tuple(valued, anyText).map(([name, value]) => [name, value]),
  fc.tuple(valued, anyText).map(([name, value]) => [`${name}=${value}`]),
  fc.constant(["--verbose"])
)
const globals = fc.array(globalOption, { maxLength: 5 }).map((options) => options.flat())
const rest = fc.array(anyText, { maxLength: 6 })
const unknownOption = fc.string().filter((s) =>
  s.startsWith("-") && !["--verbose", "--help", "-h", "--version"].includes(s) && !/^--(config|base-url|connect-to|log-level)(=|$)/.test(s)
)

describe("Argv", () => {
  it.prop("the root options, then a command: that command, and the list unchanged, whatever the values and the rest", [globals, fc.constantFrom(...Argv.commandNames), rest], ([before, command, after]) => {
    expect(Argv.read([...before, command, ...after])).toEqual({ _tag: "Command", name: command })
    expect(Argv.effective([...before, command, ...after])).toEqual([...before, command, ...after])
  })

  it.prop("only root options: config show is appended", [globals], ([before]) => {
    expect(Argv.read(before)).toEqual({ _tag: "None", informational: false })
    expect(Argv.effective(before)).toEqual([...before, "config", "show"])
  })

  it.prop("--help or --version with no command: nothing is appended", [globals, fc.constantFrom("--help", "-h", "--version"), globals], ([before, flag, after]) => {
    expect(Argv.read([...before, flag, ...after])).toEqual({ _tag: "None", informational: true })
    expect(Argv.effective([...before, flag, ...after])).toEqual([...before, flag, ...after])
  })

  it.prop("an option it does not know before the command: left to @effect/cli as it is", [globals, unknownOption, rest], ([before, unknown, after]) => {
    expect(Argv.read([...before, unknown, ...after])).toEqual({ _tag: "Unsure" })
    expect(Argv.effective([...before, unknown, ...after])).toEqual([...before, unknown, ...after])
  })

  it.prop("any list: a command reading names a positional argument; only None appends", [fc.array(anyText, { maxLength: 8 })], ([argv]) => {
    const reading = Argv.read(argv)
    if (reading._tag === "Command") expect(reading.name.startsWith("-")).toBe(false)
    const effective = Argv.effective(argv)
    expect(effective.slice(0, argv.length)).toEqual(argv)
    expect(effective.length === argv.length || (reading._tag === "None" && !reading.informational)).toBe(true)
  })

  it("examples: values that look like commands, = forms, a missing value", () => {
    expect(Argv.effective(["--config", "chat"])).toEqual(["--config", "chat", "config", "show"])
    expect(Argv.read(["--config", "video", "chat", "hi"])).toEqual({ _tag: "Command", name: "chat" })
    expect(Argv.read(["--config=chat", "tts", "hello"])).toEqual({ _tag: "Command", name: "tts" })
    expect(Argv.read(["--config"])).toEqual({ _tag: "Unsure" })
    expect(Argv.effective(["--config"])).toEqual(["--config"])
    expect(Argv.effective(["--wizard"])).toEqual(["--wizard"])
    expect(Argv.effective([])).toEqual(["config", "show"])
  })
})
