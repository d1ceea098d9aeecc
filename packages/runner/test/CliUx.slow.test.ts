// Issue 18, as a user meets the CLI (its built bin as a child process, stdout and stderr piped,
// so not a terminal): help for every command with every option described and no placeholder,
// no ANSI escapes when piped or with NO_COLOR, --count bounds, flags named in errors, output
// folders created, and a missing key reported with no request at all (the simulator's journal).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { existsSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Cli from "../src/Cli.js"
import * as Help from "../src/Help.js"
import { cleanEnv, runCli, runnerDir } from "./support/cli.js"

const KEY = "sk-or-v1-cliux-0000000000000000000000000000abcd"
const ESC = "\u001b"

let sim: Server.Running
let state: string
let config: string
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1" })
  state = mkdtempSync(join(tmpdir(), "ore-ux-"))
  config = join(state, "openclaw.json")
  writeFileSync(config, "{}")
})
afterAll(() => sim.close())
beforeEach(() => sim.journal.clear())

const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}, cwd = runnerDir) =>
  runCli(["--config", config, ...args], { cwd, env: { ...cleanEnv(), HOME: state, OPENCLAW_STATE_DIR: state, ...env } })

const via = () => ["--connect-to", `127.0.0.1:${sim.port}`]

describe("help", () => {
  const paths = Help.nodes(Cli.helpTree()).map((node) => node.path)

  it("walks every command: exit 0, every option and argument described, no placeholder, usage with the program name, no escapes, 80 columns", async () => {
    expect(paths.map((path) => path.join(" "))).toEqual(expect.arrayContaining(["", "chat", "image", "video", "video resume", "video jobs", "tts", "transcribe", "config show", "models set"]))
    for (const path of paths) {
      for (const env of [{}, { NO_COLOR: "1" }]) {
        const run = await cli([...path, "--help"], env)
        expect(run.code, path.join(" ")).toBe(0)
        expect(run.stdout).not.toContain("A user-defined piece of text")
        expect(run.stdout).not.toContain(ESC)
        expect(run.stdout).toContain(`$ ${["openrouter-effect", ...path].join(" ")}`)
        for (const line of run.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80)
      }
    }
    const tree = Cli.helpTree()
    for (const node of Help.nodes(tree)) {
      expect(node.description, node.path.join(" ")).not.toBe("")
      for (const [label, text] of [...node.options, ...node.args]) expect(text, `${node.path.join(" ")} ${label}`).not.toBe("")
    }
  }, 120_000)

  it("the root help lists the commands with descriptions and examples; video resume does not repeat video's options", async () => {
    const root = await cli(["--help"])
    expect(root.stdout).toMatch(/^ {2}image +generate images$/m)
    expect(root.stdout).toContain("EXAMPLES")
    expect(root.stdout).toContain("$ openrouter-effect chat")
    const resume = await cli(["video", "resume", "--help"])
    expect(resume.stdout).toContain("<JOB_ID>")
    expect(resume.stdout).not.toContain("--duration")
    expect(resume.stdout).not.toContain("--aspect-ratio")
  }, 120_000)

  it("choices and integers are typed: --format, --resolution, --aspect-ratio, --seed, -m", async () => {
    expect((await cli(["tts", "--help"])).stdout).toContain("--format mp3 | pcm")
    const image = (await cli(["image", "--help"])).stdout
    expect(image).toContain("--resolution 0.5K | 1K | 2K | 4K")
    expect(image).toMatch(/--aspect-ratio CHOICE[\s\S]*16:9/)
    expect(image).toContain("-m, --model")
    expect((await cli(["video", "--help"])).stdout).toContain("--seed integer")
    const bad = await cli(["tts", "--format", "wav", "--dry-run", "hi"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).not.toContain(ESC)
  }, 120_000)
})

describe("validation before anything is sent", () => {
  it("--count outside 1–4 is exit 2 naming the flag and the range, nothing sent", async () => {
    for (const count of ["0", "-3", "10", "2.5", "abc"]) {
      const run = await cli([...via(), "image", "--count", count, "a cat"], { OPENROUTER_API_KEY: KEY })
      expect(run.code, count).toBe(2)
      expect(run.stderr).toContain("--count must be a whole number from 1 to 4")
      expect(run.stderr).not.toContain(ESC)
    }
    expect(sim.journal.list()).toHaveLength(0)
    const ok = await cli(["image", "--count", "4", "--dry-run", "a cat"], { OPENROUTER_API_KEY: KEY })
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout).body.n).toBe(4)
  }, 120_000)

  it("--seed is an integer: 1.5 is exit 2 naming --seed", async () => {
    const run = await cli(["video", "--seed", "1.5", "--dry-run", "waves"], { OPENROUTER_API_KEY: KEY })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("--seed must be a whole number")
  }, 120_000)

  it("a library error names the flag the user typed, not the internal field", async () => {
    const run = await cli(["video", "--aspect-ratio", "7:3", "--dry-run", "waves"], { OPENROUTER_API_KEY: KEY })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("--aspect-ratio")
    expect(run.stderr).not.toMatch(/(^|[^-])aspectRatio/)
  }, 120_000)

  it("with no key, chat, image, video and tts exit 2 and send nothing (zero journal entries)", async () => {
    for (const argv of [["chat", "hi"], ["image", "a cat"], ["video", "waves"], ["tts", "hello"]]) {
      const run = await cli([...via(), ...argv])
      expect(run.code, argv[0]).toBe(2)
      expect(run.stderr).toContain("No API key")
      expect(run.stderr, argv[0]).not.toContain("WARN")
    }
    expect(sim.journal.list()).toHaveLength(0)
  }, 120_000)
})

describe("output folders", () => {
  it("tts --out a/b.mp3 creates a/ and the message names no temporary file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-ux-out-"))
    const run = await cli([...via(), "tts", "--out", "a/b.mp3", "hello"], { OPENROUTER_API_KEY: KEY }, dir)
    expect(run.stderr).not.toMatch(/\.partial|\.tmp/)
    expect(run.code).toBe(0)
    expect(existsSync(join(dir, "a", "b.mp3"))).toBe(true)
  }, 120_000)
})
