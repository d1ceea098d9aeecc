// Spoken replies from `openrouter-effect chat` (issue 16, item 8; `messages.tts.auto`): the bin as
// a child process against the simulator, whose journal says which requests were sent.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Audio from "@openrouter-effect/simulator/media/Audio"
import * as SimSpeech from "@openrouter-effect/simulator/media/Speech"
import * as Server from "@openrouter-effect/simulator/Server"
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cleanEnv, runCli } from "./support/cli.js"

const KEY = "sk-or-v1-spoken-cli-000000000000000000000000wxyz"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1" })
})
afterAll(() => sim.close())

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** The directory the command ran in (its current directory, holding its config). */
  readonly dir: string
}

/** Runs the bin in a fresh directory with `messages.tts` as given, through the simulator. */
const chat = async (tts: Record<string, unknown> | undefined, args: ReadonlyArray<string>): Promise<Run> => {
  const dir = mkdtempSync(join(tmpdir(), "ore-spoken-cli-"))
  const config = join(dir, "openclaw.json")
  writeFileSync(config, JSON.stringify(tts !== undefined ? { messages: { tts } } : {}))
  const run = await runCli(["--config", config, "--connect-to", `127.0.0.1:${sim.port}`, "chat", ...args], {
    cwd: dir,
    env: { ...cleanEnv(), HOME: dir, OPENCLAW_STATE_DIR: dir, OPENROUTER_API_KEY: KEY }
  })
  return { ...run, dir }
}

const posts = () => sim.journal.list({ method: "POST" }).map((entry) => entry.path)
const speechRequests = () => sim.journal.list({ method: "POST", path: "/audio/speech" })
const audioFiles = (dir: string) => readdirSync(dir).filter((name) => /\.(mp3|pcm)$/.test(name))
/** The simulator's MP3 of `text`: what `/audio/speech` answers for it. */
const simulatorMp3 = (text: string) => Buffer.from(Audio.mp3(SimSpeech.spokenSeconds(text)))

describe("chat with messages.tts.auto", () => {
  it("\"always\": writes the simulator's MP3 of the reply to reply.mp3 and names it on stderr", async () => {
    sim.journal.clear()
    const run = await chat({ auto: "always", provider: "openrouter", providers: { openrouter: { voice: "af_bella" } } }, ["Say hello"])
    expect(run.code).toBe(0)
    const reply = sim.context.options.replyText
    expect(run.stdout.trim()).toBe(reply)
    const file = join(run.dir, "reply.mp3")
    expect(run.stderr).toContain(`spoken reply: reply.mp3 (`)
    const bytes = readFileSync(file)
    expect([...bytes.subarray(0, 4)]).toEqual([...Audio.MP3_FRAME_HEADER])
    expect(bytes.equals(simulatorMp3(reply))).toBe(true)
    expect(posts()).toEqual(["/chat/completions", "/audio/speech"])
    expect(speechRequests()[0]?.body).toEqual({ model: "hexgrad/kokoro-82m", input: reply, voice: "af_bella", response_format: "mp3" })
  }, 20_000)

  it("\"off\": the reply only, no speech request, no audio file", async () => {
    sim.journal.clear()
    const run = await chat({ auto: "off" }, ["Say hello"])
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe(sim.context.options.replyText)
    expect(posts()).toEqual(["/chat/completions"])
    expect(run.stderr).not.toContain("spoken reply")
    expect(audioFiles(run.dir)).toEqual([])
  }, 20_000)

  it("absent (the default): no speech request", async () => {
    sim.journal.clear()
    const run = await chat(undefined, ["--no-stream", "Say hello"])
    expect(run.code).toBe(0)
    expect(posts()).toEqual(["/chat/completions"])
    expect(existsSync(join(run.dir, "reply.mp3"))).toBe(false)
  }, 20_000)

  it("--speak FILE sets the path (--no-stream, a pcm format); --no-speak turns it off", async () => {
    sim.journal.clear()
    const spoken = await chat({ auto: "always", providers: { openrouter: { responseFormat: "pcm" } } }, ["--no-stream", "--speak", "out/answer.pcm", "Say hello"])
    // A missing folder is made, as for every command's output (issue 18).
    expect(spoken.code, spoken.stderr).toBe(0)
    expect(spoken.stdout.trim()).toBe(sim.context.options.replyText)
    expect(readFileSync(join(spoken.dir, "out", "answer.pcm")).length).toBeGreaterThan(0)
    sim.journal.clear()
    const named = await chat({ auto: "always", providers: { openrouter: { responseFormat: "pcm" } } }, ["--no-stream", "--speak", "answer.pcm", "Say hello"])
    expect(named.code).toBe(0)
    expect(named.stderr).toContain("spoken reply: answer.pcm (")
    expect(readFileSync(join(named.dir, "answer.pcm")).length).toBeGreaterThan(0)
    expect(speechRequests()[0]?.body).toMatchObject({ response_format: "pcm" })
    sim.journal.clear()
    const silenced = await chat({ auto: "always" }, ["--no-speak", "Say hello"])
    expect(silenced.code).toBe(0)
    expect(posts()).toEqual(["/chat/completions"])
    expect(audioFiles(silenced.dir)).toEqual([])
  }, 30_000)

  it("--speak FILE speaks even when auto is off; a dry run speaks nothing", async () => {
    sim.journal.clear()
    const run = await chat({ auto: "off" }, ["--speak", "hello.mp3", "Say hello"])
    expect(run.code).toBe(0)
    expect(readFileSync(join(run.dir, "hello.mp3")).equals(simulatorMp3(sim.context.options.replyText))).toBe(true)
    sim.journal.clear()
    const dry = await chat({ auto: "always" }, ["--dry-run", "Say hello"])
    expect(dry.code).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({ method: "POST" })
    expect(sim.journal.list()).toEqual([])
  }, 20_000)
})
