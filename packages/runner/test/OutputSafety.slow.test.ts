// What the CLI prints of what a hostile server or file sent (issue 17): logs and warnings on
// stderr only (defect 6), `__proto__` in the config never a prototype (defect 9), `chat --json` on
// a deeply nested answer (defect 10), control characters from the server never raw on the
// terminal, transformed echoes of the key masked, and key-looking values refused in flags that are
// not secrets. The built bin runs against a small hostile server on loopback.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { createServer, type Server } from "node:http"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cleanEnv, runCli } from "./support/cli.js"

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123cafe"
const BODY = KEY.slice("sk-or-v1-".length)
const ESC = "\u001b"
const HOSTILE = `${ESC}]0;pwned\u0007${ESC}[2J\rover\u009b31m\u202eevil`

const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  runCli(args, { env: { ...cleanEnv(), HOME: mkdtempSync(join(tmpdir(), "ore-home-")), ...env } })

const configFile = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), "ore-out-")), "openclaw.json")
  writeFileSync(file, text)
  return file
}

// Undo the transforms an echo may apply, so a surviving copy of the key shows as a substring.
const normalise = (text: string) =>
  text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).toLowerCase()

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/

const completion = (content: string, extra: Record<string, unknown> = {}) => ({
  id: "gen-1",
  model: "openai/gpt-4o",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content, ...extra } }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }
})

let server: Server
let baseUrl = ""
beforeAll(async () => {
  server = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk: Buffer) => (body += chunk.toString()))
    request.on("end", () => {
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { "content-type": "application/json" })
        response.end(typeof value === "string" ? value : JSON.stringify(value))
      }
      if (request.url?.endsWith("/models")) return json(500, { error: { code: 500, message: `catalogue down ${HOSTILE}` } })
      const prompt = String((JSON.parse(body || "{}") as { messages?: Array<{ content?: unknown }> }).messages?.at(-1)?.content ?? "")
      const stream = body.includes("\"stream\":true")
      switch (prompt) {
        case "escape":
          return json(400, { error: { code: 400, message: `bad request ${HOSTILE}` } })
        case "echo":
          return json(401, { error: { code: 401, message: `invalid key ${KEY.toUpperCase()} or ${BODY} or ${encodeURIComponent(KEY).replace(/-/g, "%2d")}` } })
        case "deep":
          // Built as text: JSON.stringify itself cannot write this depth.
          return json(200, JSON.stringify(completion("deep answer")).replace("\"message\":{", `"message":{"reasoning_details":[${"[".repeat(50_000)}1${"]".repeat(50_000)}],`))
        default:
          if (!stream) return json(200, completion(`answer ${HOSTILE} ${BODY.toUpperCase()}`))
          response.writeHead(200, { "content-type": "text/event-stream" })
          response.write(`data: ${JSON.stringify({ id: "gen-1", model: "openai/gpt-4o", choices: [{ index: 0, delta: { role: "assistant", content: `streamed ${HOSTILE}` } }] })}\n\n`)
          response.write(`data: ${JSON.stringify({ id: "gen-1", model: "openai/gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`)
          response.end("data: [DONE]\n\n")
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const env = { OPENROUTER_API_KEY: KEY }

describe("logs and warnings go to stderr (defect 6)", () => {
  it("models list --json prints parseable JSON on stdout when the live catalogue fails; the warning is on stderr, escaped", async () => {
    const { code, stdout, stderr } = await cli(["--base-url", baseUrl, "models", "list", "--json"], env)
    expect(code).toBe(0)
    expect(() => JSON.parse(stdout)).not.toThrow()
    expect((JSON.parse(stdout) as Array<{ id: string }>).some((model) => model.id === "openrouter/auto")).toBe(true)
    expect(stderr).toMatch(/^openrouter-effect: warning: /m)
    expect(stderr).not.toMatch(RAW_CONTROL)
  }, 30_000)
})

describe("control characters from the server are written visibly (escapes)", () => {
  it("an error message with OSC/CSI/CR/C1/bidi is printed escaped on stderr", async () => {
    const { code, stderr } = await cli(["--base-url", baseUrl, "chat", "escape", "--no-stream"], env)
    expect(code).toBe(1)
    expect(stderr).not.toMatch(RAW_CONTROL)
    expect(stderr).toContain("\\x1b]0;pwned\\x07")
    expect(stderr).toContain("\\u202e")
  }, 30_000)

  it("an answer, streamed or not, is printed escaped, line feeds kept, and echoes of the key masked", async () => {
    for (const args of [["chat", "answer", "--no-stream"], ["chat", "answer"]]) {
      const { code, stdout } = await cli(["--base-url", baseUrl, ...args], env)
      expect(code).toBe(0)
      expect(stdout).not.toMatch(RAW_CONTROL)
      expect(stdout).toContain("\\x1b[2J")
      expect(normalise(stdout)).not.toContain(BODY)
    }
  }, 30_000)
})

describe("masking transformed echoes of the known key", () => {
  it("a 401 echoing the key upper-cased, without its prefix and URL-encoded shows none of them", async () => {
    const { code, stderr, stdout } = await cli(["--base-url", baseUrl, "chat", "echo", "--no-stream"], env)
    expect(code).toBe(1)
    expect(stderr).toContain("invalid key")
    expect(normalise(stderr + stdout)).not.toContain(BODY)
    expect(normalise(stderr + stdout)).not.toContain(BODY.slice(0, 24))
  }, 30_000)
})

describe("chat --json on a deeply nested answer (defect 10)", () => {
  it("prints the response as JSON that parses, without a stack overflow", async () => {
    const { code, stdout, stderr } = await cli(["--base-url", baseUrl, "chat", "deep", "--json"], env)
    expect(stderr).not.toContain("Maximum call stack")
    expect(code).toBe(0)
    const parsed = JSON.parse(stdout) as { choices: Array<{ message: { content: string } }> }
    expect(parsed.choices[0]?.message.content).toBe("deep answer")
  }, 30_000)
})

describe("key-looking values are refused in flags that are not secrets", () => {
  it("--model, --voice, --format, --thinking and models set REF: exit 2 naming the flag, the key only masked, nothing written", async () => {
    const file = configFile(`{ agents: { defaults: { model: { primary: "openrouter/auto" } } } }`)
    const before = readFileSync(file, "utf8")
    const runs = [
      { args: ["chat", "hi", "--model", KEY, "--dry-run"], flag: "--model" },
      // A fixed choice (issue 18): refused by @effect/cli as not one of the choices, before the
      // key check; still exit 2, the key not echoed, nothing written.
      { args: ["chat", "hi", "--thinking", KEY.toUpperCase(), "--dry-run"], flag: "--thinking", choice: true },
      { args: ["tts", "hello", "--voice", KEY, "--dry-run"], flag: "--voice" },
      { args: ["tts", "hello", "--format", `x${KEY}`, "--dry-run"], flag: "--format", choice: true },
      // Without its prefix only the known key (from the environment) marks it.
      { args: ["tts", "hello", "--voice", BODY, "--dry-run"], flag: "--voice" },
      { args: ["models", "set", KEY], flag: "REF" },
      { args: ["models", "set", `openrouter/${BODY}`], flag: "REF" }
    ]
    for (const { args, flag, choice } of runs as ReadonlyArray<{ args: Array<string>; flag: string; choice?: boolean }>) {
      const { code, stdout, stderr } = await cli(["--config", file, ...args], env)
      expect(code, args.join(" ")).toBe(2)
      if (choice === true) {
        expect(stderr).toMatch(new RegExp(`${flag}|Expected one of`))
      } else {
        expect(stderr).toContain(flag)
        expect(stderr).toContain("looks like an API key")
      }
      expect(normalise(stdout + stderr)).not.toContain(BODY.slice(0, 24))
      expect(readFileSync(file, "utf8")).toBe(before)
    }
  }, 60_000)

  it("ordinary values still pass", async () => {
    const { code, stdout } = await cli(["chat", "hi", "--model", "openai/gpt-4o", "--dry-run"], env)
    expect(code).toBe(0)
    expect(() => JSON.parse(stdout)).not.toThrow()
  }, 30_000)
})

describe("__proto__ in the config (defect 9)", () => {
  it("a top-level __proto__ carrying a base URL is refused (exit 2); the key never goes to evil.example", async () => {
    const file = configFile(`{"env": {"OPENROUTER_API_KEY": "${KEY}"}, "__proto__": {"models": {"providers": {"openrouter": {"baseUrl": "https://evil.example/api/v1"}}}}}`)
    for (const args of [["config", "show"], ["chat", "hi", "--dry-run"]]) {
      const { code, stdout, stderr } = await cli(["--config", file, ...args])
      expect(code).toBe(2)
      expect(stdout).not.toContain("evil.example")
      expect(stderr).toContain("__proto__")
    }
  }, 30_000)
})
