// The CLI as a child process (its built bin, as users run it): onboarding into an existing config, models
// set and list (against the simulator), config show, and the exit codes.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import JSON5 from "json5"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const KEY = "sk-or-v1-cli-test-abcdefghijklmnopqrstuvwxyz0123"

const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))
    const child = spawn(process.execPath, ["bin/openrouter-effect.js", ...args], {
      cwd: runnerDir,
      env: { ...clean, HOME: mkdtempSync(join(tmpdir(), "ore-home-")), ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("exit", (code) => resolve({ code, stdout, stderr }))
  })

const configFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "ore-cli-")), "openclaw.json")
  writeFileSync(file, text)
  return file
}

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start()
})
afterAll(() => sim.close())

describe("onboard", () => {
  it("writes the key, the default model and its alias into an existing config, keeping every other key and ${VAR}", async () => {
    const original = `{
      // a user's OpenClaw config
      gateway: { port: 18789 },
      models: { providers: { anthropic: { apiKey: "\${ANTHROPIC_API_KEY}" } } },
      agents: { defaults: { model: { primary: "anthropic/claude-sonnet-4-6", fallbacks: ["openrouter/auto"] } } },
    }`
    const file = configFile(original)
    const { code, stdout, stderr } = await cli(["--config", file, "onboard", "--auth-choice", "openrouter-api-key", "--openrouter-api-key", KEY])
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toContain("sk-or-v1-…0123")
    expect(stdout).not.toContain(KEY)
    const written = JSON5.parse(readFileSync(file, "utf8"))
    expect(written).toEqual({
      gateway: { port: 18789 },
      models: { providers: { anthropic: { apiKey: "${ANTHROPIC_API_KEY}" } } },
      agents: {
        defaults: {
          model: { primary: "openrouter/auto", fallbacks: ["openrouter/auto"] },
          models: { "openrouter/auto": { alias: "OpenRouter" } }
        }
      },
      env: { OPENROUTER_API_KEY: KEY }
    })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600)
    expect(JSON5.parse(readFileSync(`${file}.bak`, "utf8"))).toEqual(JSON5.parse(original))
  })

  it("warns when an exported OPENROUTER_API_KEY will shadow the stored key", async () => {
    const file = configFile("{}")
    const { code, stderr } = await cli(["--config", file, "onboard", "--auth-choice", "openrouter-api-key", "--openrouter-api-key", KEY], {
      OPENROUTER_API_KEY: "sk-or-v1-other-key-000000000000000000000000"
    })
    expect(code).toBe(0)
    expect(stderr).toContain("warning:")
    expect(stderr).not.toContain(KEY)
  })

  it("with no key and no terminal: exit 2 and a clear message", async () => {
    const file = configFile("{}")
    const { code, stderr } = await cli(["--config", file, "onboard", "--auth-choice", "openrouter-api-key"])
    expect(code).toBe(2)
    expect(stderr.trim()).toBe("openrouter-effect: No API key: pass --openrouter-api-key KEY, set OPENROUTER_API_KEY, or run onboard in a terminal to be prompted")
  })
})

describe("models", () => {
  it("set validates the ref, sets the primary and migrates the legacy duplicated key", async () => {
    const file = configFile(`{ agents: { defaults: { models: { "openrouter/openrouter/auto": { params: { temperature: 0.2 } } } } } }`)
    const set = await cli(["--config", file, "models", "set", "openrouter:auto"])
    expect(set.code).toBe(0)
    expect(JSON5.parse(readFileSync(file, "utf8")).agents.defaults).toEqual({
      models: { "openrouter/auto": { params: { temperature: 0.2 } } },
      model: { primary: "openrouter/auto" }
    })
    const bad = await cli(["--config", file, "models", "set", "openrouter/openai/gpt-4o@work"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("no auth profiles")
    expect(bad.stderr).toContain("openrouter/<author>/<slug>")
  })

  it("list shows the bundled and live models with the primary marked (--json)", async () => {
    const file = configFile(`{ agents: { defaults: { model: { primary: "openrouter/openai/gpt-4o" } } } }`)
    const { code, stdout } = await cli(["--config", file, "--base-url", sim.baseUrl, "models", "list", "--json"])
    expect(code).toBe(0)
    const models = JSON.parse(stdout) as Array<{ id: string; source: string; primary: boolean }>
    expect(models.find((m) => m.id === "openai/gpt-4o")).toMatchObject({ source: "live", primary: true })
    expect(models.find((m) => m.id === "moonshotai/kimi-k2.6")).toBeDefined()
    expect(sim.journal.list({ path: "/models" }).length).toBeGreaterThan(0)
  })
})

describe("config show and exit codes", () => {
  it("config show prints the resolved configuration with the key masked", async () => {
    const file = configFile(`{ env: { OPENROUTER_API_KEY: "${KEY}" } }`)
    const { code, stdout } = await cli(["--config", file, "config", "show"])
    expect(code).toBe(0)
    expect(stdout).toContain("sk-or-v1-…0123")
    expect(stdout).not.toContain(KEY)
  })

  it("an unknown command is bad input (2); a broken config is 2 with line:column", async () => {
    expect((await cli(["nonsense"])).code).toBe(2)
    const file = configFile("{ oops ")
    const broken = await cli(["--config", file, "models", "set", "auto"])
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/openclaw\.json:1:\d+: JSON5 syntax error/)
  })
})
