// The operation commands as child processes against the simulator: chat, image, video (with a
// Ctrl-C and a resume), tts, transcribe, and the dry-run output of representative requests.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const KEY = "sk-or-v1-operations-000000000000000000000000wxyz"

let sim: Server.Running
let state: string
let config: string
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1", videoProcessingMs: 1200, videoBytes: 50_000 })
  state = mkdtempSync(join(tmpdir(), "ore-ops-"))
  config = join(state, "openclaw.json")
  writeFileSync(config, "{}")
})
afterAll(() => sim.close())

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const cli = (args: ReadonlyArray<string>, options: { readonly env?: Record<string, string>; readonly interruptAfter?: (stderr: string) => boolean } = {}) =>
  new Promise<Run>((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("OPENROUTER_") && !name.startsWith("OPENCLAW_")))
    const child = spawn(process.execPath, ["bin/openrouter-effect.js", "--config", config, ...args], {
      cwd: runnerDir,
      env: { ...clean, HOME: state, OPENCLAW_STATE_DIR: state, OPENROUTER_API_KEY: KEY, ...options.env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    let sent = false
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString()
      if (!sent && options.interruptAfter?.(stderr) === true) {
        sent = true
        child.kill("SIGINT")
      }
    })
    child.on("exit", (code) => resolve({ code, stdout, stderr }))
  })

const via = () => ["--connect-to", `127.0.0.1:${sim.port}`]

describe("chat", () => {
  it("streams the answer to stdout and usage to stderr (verified route through connectTo)", async () => {
    const run = await cli([...via(), "chat", "Say hello"])
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe(sim.context.options.replyText)
    expect(run.stderr).toContain("usage:")
    const [entry] = sim.journal.list({ path: "/chat/completions" }).slice(-1)
    expect(entry?.headers["x-openrouter-title"]).toBe("OpenClaw")
  })

  it("--no-stream --json prints the decoded response", async () => {
    const run = await cli([...via(), "chat", "--json", "Say hello"])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ object: "chat.completion", choices: [{ message: { content: sim.context.options.replyText } }] })
  })

  it("--messages takes a file with a whole request body", async () => {
    const file = join(state, "body.json")
    writeFileSync(file, JSON.stringify({ messages: [{ role: "user", content: "from a file" }], temperature: 0.3 }))
    const run = await cli([...via(), "chat", "--no-stream", "--messages", file])
    expect(run.code).toBe(0)
    const [entry] = sim.journal.list({ path: "/chat/completions" }).slice(-1)
    expect(entry?.body).toMatchObject({ temperature: 0.3, messages: [{ role: "user", content: "from a file" }] })
  })

  it("a missing key is a configuration error (2) before any request", async () => {
    sim.journal.clear()
    const run = await cli([...via(), "chat", "hi"], { env: { OPENROUTER_API_KEY: "" } })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("No API key found")
    expect(sim.journal.list({ path: "/chat/completions" })).toEqual([])
  })
})

describe("--dry-run", () => {
  const dry = async (args: ReadonlyArray<string>) => {
    sim.journal.clear()
    const run = await cli(args)
    expect(run.code).toBe(0)
    expect(sim.journal.list()).toEqual([])
    return JSON.parse(run.stdout) as { method: string; url: string; headers: Record<string, string>; body: Record<string, unknown> }
  }

  it("verified route: attribution, masked key, reasoning and cache markers for Anthropic", async () => {
    const out = await dry(["chat", "--dry-run", "--model", "anthropic/claude-sonnet-4-6", "--thinking", "high", "hi"])
    expect(out.method).toBe("POST")
    expect(out.url).toBe("https://openrouter.ai/api/v1/chat/completions")
    expect(out.headers["HTTP-Referer"]).toBe("https://openclaw.ai")
    expect(out.headers.authorization).toBe("Bearer sk-or-v1-…wxyz")
    expect(JSON.stringify(out)).not.toContain(KEY)
    expect(out.body).toMatchObject({ reasoning: { effort: "high" }, model: "anthropic/claude-sonnet-4-6", stream: true })
  })

  it("custom base URL: no attribution; DeepSeek V4 only gets its patch on the verified route", async () => {
    const custom = await dry(["--base-url", "https://proxy.example.com/v1", "chat", "--dry-run", "--model", "deepseek/deepseek-v4-pro", "--thinking", "max", "hi"])
    expect(custom.url).toBe("https://proxy.example.com/v1/chat/completions")
    expect(custom.headers).not.toHaveProperty("HTTP-Referer")
    expect(custom.body).not.toHaveProperty("reasoning_effort")
    const verified = await dry(["chat", "--dry-run", "--model", "deepseek/deepseek-v4-pro", "--thinking", "max", "hi"])
    expect(verified.body).toMatchObject({ thinking: { type: "enabled" }, reasoning_effort: "xhigh", reasoning: { effort: "xhigh" } })
  }, 15_000)

  it("thinking off and aliases; Gemini keeps valid signatures; image, video and tts dry runs", async () => {
    const off = await dry(["chat", "--dry-run", "--model", "moonshotai/kimi-k2.6", "--thinking", "off", "hi"])
    expect(off.body).not.toHaveProperty("reasoning")
    const ultra = await dry(["chat", "--dry-run", "--model", "moonshotai/kimi-k2.6", "--thinking", "ultra", "hi"])
    expect(ultra.body.reasoning).toEqual({ effort: "high" })
    const gemini = await dry(["chat", "--dry-run", "--model", "google/gemini-2.5-pro", "hi"])
    expect(gemini.body.model).toBe("google/gemini-2.5-pro")
    const image = await dry(["image", "--dry-run", "--aspect-ratio", "16:9", "--resolution", "2K", "a cat"])
    expect(image.body).toMatchObject({ modalities: ["image", "text"], n: 1, image_config: { aspect_ratio: "16:9", image_size: "2K" } })
    const video = await dry(["video", "--dry-run", "--duration", "7", "--resolution", "720P", "a cat"])
    expect(video.url).toBe("https://openrouter.ai/api/v1/videos")
    expect(video.body).toMatchObject({ model: "google/veo-3.1-fast", duration: 8, resolution: "720p" })
    const tts = await dry(["tts", "--dry-run", "Hello"])
    expect(tts.body).toEqual({ model: "hexgrad/kokoro-82m", input: "Hello", voice: "af_alloy", response_format: "mp3" })
  }, 30_000)

  it("--base-url holds for every command's dry run, speech included (it used to keep the canonical URL)", async () => {
    const base = "http://127.0.0.1:9/api/v1"
    for (const [argv, path] of [
      [["tts", "--dry-run", "Hello"], "/audio/speech"],
      [["chat", "--dry-run", "hi"], "/chat/completions"],
      [["image", "--dry-run", "a cat"], "/chat/completions"],
      [["video", "--dry-run", "a cat"], "/videos"]
    ] as const) {
      const out = await dry(["--base-url", base, ...argv])
      expect(out.url).toBe(`${base}${path}`)
      expect(out.headers).not.toHaveProperty("HTTP-Referer")
    }
  }, 30_000)
})

describe("media commands", () => {
  it("image writes image-1.png into a new --out folder and prints the path", async () => {
    const out = join(state, "images", "nested")
    const run = await cli([...via(), "image", "--count", "2", "--out", out, "a cat"])
    expect(run.code).toBe(0)
    expect(run.stdout.trim().split("\n")).toEqual([join(out, "image-1.png"), join(out, "image-2.png")])
    expect(readFileSync(join(out, "image-1.png")).subarray(1, 4).toString()).toBe("PNG")
  })

  it("tts writes an mp3 and transcribe reads it back", { timeout: 15_000 }, async () => {
    const file = join(state, "hello.mp3")
    const tts = await cli([...via(), "tts", "Hello there", "--out", file])
    expect(tts.code).toBe(0)
    expect(readFileSync(file)[0]).toBe(0xff)
    const transcribe = await cli([...via(), "transcribe", file])
    expect(transcribe.code).toBe(0)
    expect(transcribe.stdout.trim().length).toBeGreaterThan(0)
  })

  it("video: Ctrl-C exits 130 and prints the resume command; resume finishes the same job", async () => {
    sim.journal.clear()
    const out = join(state, "video")
    const first = await cli([...via(), "video", "--duration", "4", "--out", out, "a cat"], { interruptAfter: (stderr) => stderr.includes("poll 1") })
    expect(first.code).toBe(130)
    const jobId = /video resume (\S+)/.exec(first.stderr)?.[1] ?? ""
    expect(jobId).not.toBe("")
    const jobs = await cli(["video", "jobs"])
    expect(jobs.stdout).toContain(jobId)
    const resumed = await cli([...via(), "video", "resume", jobId, "--out", out])
    expect(resumed.code).toBe(0)
    const file = resumed.stdout.trim()
    expect(existsSync(file)).toBe(true)
    expect(statSync(file).size).toBe(50_000)
    expect(sim.journal.list({ method: "POST", path: "/videos" })).toHaveLength(1)
  }, 30_000)
})
