import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const KEY = "sk-or-v1-abcdef0123456789abcdef0123456789wxyz"

const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const home = mkdtempSync(join(tmpdir(), "ore-home-"))
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_"))
  )
  const result = spawnSync(process.execPath, ["bin/openrouter-effect.js", ...args], {
    cwd: runnerDir,
    env: { ...clean, HOME: home, ...env },
    encoding: "utf8"
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

const configFile = (text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), "ore-config-"))
  const file = join(dir, "openclaw.json")
  writeFileSync(file, text)
  return file
}

describe("openrouter-effect with no command (config show)", () => {
  it("prints the resolved configuration with the key masked, and the bundled catalogue", () => {
    const file = configFile(`{
      env: { OPENROUTER_API_KEY: "${KEY}" },
      agents: { defaults: { model: { primary: "openrouter/moonshotai/kimi-k2.6" } } },
    }`)
    const { code, stdout, stderr } = start(["--config", file])
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toContain(`config file     ${file} (read; chosen by flag)`)
    expect(stdout).toContain("model           openrouter/moonshotai/kimi-k2.6 → API slug moonshotai/kimi-k2.6 (config)")
    expect(stdout).toContain("API key         sk-or-v1-…wxyz (from OPENROUTER_API_KEY in the config's env block)")
    expect(stdout).toContain("thinking        low")
    expect(stdout).toMatch(/\*\s+openrouter\/moonshotai\/kimi-k2\.6\s+MoonshotAI: Kimi K2\.6/)
    expect(stdout).toContain("openrouter/auto")
    expect(stdout).not.toContain(KEY)
    expect(stdout).not.toContain(KEY.slice(9, 30))
  })

  it("works without a config file, from OPENCLAW_CONFIG_PATH's absence down to the environment", () => {
    const { code, stdout } = start([], { OPENROUTER_API_KEY: KEY })
    expect(code).toBe(0)
    expect(stdout).toContain("not found: the environment alone is used")
    expect(stdout).toContain("(from OPENROUTER_API_KEY in the environment)")
    expect(stdout).not.toContain(KEY)
  })

  it("a broken config file exits 2 with the file and line:column, and prints no stack", () => {
    const file = configFile(`{\n  agents: {\n    defaults: ,\n  },\n}`)
    const { code, stdout, stderr } = start([], { OPENCLAW_CONFIG_PATH: file })
    expect(code).toBe(2)
    expect(stdout).toBe("")
    expect(stderr.trim()).toBe(`openrouter-effect: ${file}:3:15: JSON5 syntax error: invalid character ','`)
  })

  it("a schema error exits 2 naming the JSON path", () => {
    const file = configFile(`{ agents: { defaults: { mediaMaxMb: "lots" } } }`)
    const { code, stderr } = start(["--config", file])
    expect(code).toBe(2)
    expect(stderr).toContain("agents.defaults.mediaMaxMb: expected a positive finite number, found \"lots\"")
  })
})

describe("npm start", () => {
  it("runs the demo to the end with no key and no network, in a child process", async () => {
    const root = join(runnerDir, "..", "..")
    const scripts = JSON.parse((await import("node:fs")).readFileSync(join(root, "package.json"), "utf8")).scripts as { start: string }
    expect(scripts.start).toBe("node packages/runner/bin/openrouter-effect.js demo")
    const result = spawnSync(process.execPath, ["bin/openrouter-effect.js", "demo"], {
      cwd: runnerDir,
      env: { ...process.env, OPENROUTER_API_KEY: "sk-or-v1-must-not-be-used-0000000000000" },
      encoding: "utf8"
    })
    expect(result.status).toBe(0)
    expect(result.stdout).toContain("Demo complete: no key, no network.")
    expect(result.stdout).toContain("Cache: MISS → HIT")
    expect(result.stdout + result.stderr).not.toContain("must-not-be-used")
  }, 60_000)
})
