// Issue 18: prompts from stdin, -s/-o/--thinking, conversations (-c, --cid) and `logs`. The built
// bin as a child process against the simulator, whose journal says what each request carried.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import * as Thinking from "@openrouter-effect/core/Thinking"
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { thinkingChoices } from "../src/ChatCommand.js"
import { cleanEnv, runCli } from "./support/cli.js"

const KEY = "sk-or-v1-conversations-0000000000000000000000wxyz"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1" })
})
afterAll(() => sim.close())

/** A fresh state directory with a config file (`document`). */
const stateDir = (document: Record<string, unknown> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), "ore-conv-"))
  writeFileSync(join(dir, "openclaw.json"), JSON.stringify(document))
  return dir
}

/** Runs the bin in `dir` (its state directory), `stdin` piped to it when given, else /dev/null. */
const cli = (dir: string, args: ReadonlyArray<string>, stdin?: string, before: ReadonlyArray<string> = []) =>
  runCli([...before, "--config", join(dir, "openclaw.json"), "--connect-to", `127.0.0.1:${sim.port}`, ...args], {
    cwd: dir,
    env: { ...cleanEnv(), HOME: dir, OPENCLAW_STATE_DIR: dir, OPENROUTER_API_KEY: KEY },
    ...(stdin !== undefined ? { stdin } : {})
  })

type Message = { readonly role: string; readonly content?: unknown; readonly [key: string]: unknown }
const chatBodies = () =>
  sim.journal.list({ method: "POST", path: "/chat/completions" }).map((entry) => entry.body as { messages: Array<Message>; [key: string]: unknown })

describe("the prompt from stdin", () => {
  it("no PROMPT: piped text is the prompt (`echo ... | openrouter-effect chat`)", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const run = await cli(dir, ["chat", "--no-log"], "What does a piped prompt say?\n")
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain("What does a piped prompt say?")
    expect(chatBodies().map((body) => body.messages)).toEqual([[{ role: "user", content: "What does a piped prompt say?" }]])
  }, 20_000)

  it("PROMPT plus piped stdin: stdin comes after the prompt as context (`cat file | chat \"summarise\"`)", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const file = "line one\nline two\n"
    const run = await cli(dir, ["chat", "--no-log", "--no-stream", "summarise"], file)
    expect(run.code, run.stderr).toBe(0)
    expect(chatBodies()[0]?.messages).toEqual([{ role: "user", content: "summarise\n\nline one\nline two" }])
  }, 20_000)

  it("--messages - still reads JSON from stdin; nothing piped and no PROMPT is exit 2 with nothing sent", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const json = await cli(dir, ["chat", "--no-log", "--no-stream", "--messages", "-"], JSON.stringify([{ role: "user", content: "from json" }]))
    expect(json.code, json.stderr).toBe(0)
    expect(chatBodies()[0]?.messages).toEqual([{ role: "user", content: "from json" }])
    const text = await cli(dir, ["chat", "--no-log", "--messages", "-"], "plain text")
    expect(text.code).toBe(2)
    sim.journal.clear()
    const empty = await cli(dir, ["chat", "--no-log"], "  \n")
    expect(empty.code).toBe(2)
    expect(empty.stderr).toContain("Give a PROMPT, pipe one on stdin, or --messages FILE")
    expect(chatBodies()).toEqual([])
  }, 20_000)
})

describe("-s, -o, --thinking", () => {
  it("-s is the first message; -o params are sent nested, JSON values typed", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const run = await cli(dir, ["chat", "--no-log", "--no-stream", "-m", "openai/gpt-4o", "-s", "Answer briefly.", "-o", "temperature=0.2", "-o", "provider.order=[\"openai\"]", "-o", "provider.sort=price", "hi"])
    expect(run.code, run.stderr).toBe(0)
    const body = chatBodies()[0]!
    expect(body.messages).toEqual([{ role: "system", content: "Answer briefly." }, { role: "user", content: "hi" }])
    expect(body).toMatchObject({ model: "openai/gpt-4o", temperature: 0.2, provider: { order: ["openai"], sort: "price" } })
  }, 20_000)

  it("a bad -o is exit 2 naming --option, before any request", async () => {
    sim.journal.clear()
    const dir = stateDir()
    for (const bad of ["temperature", "=1", "a.__proto__.b=1", "model=x"]) {
      const run = await cli(dir, ["chat", "--no-log", "-o", bad, "hi"])
      expect(run.code, bad).toBe(2)
      expect(run.stderr, bad).toContain("--option")
    }
    expect(chatBodies()).toEqual([])
  }, 30_000)

  it("--thinking offers core's levels and aliases as choices; anything else is exit 2", async () => {
    expect([...thinkingChoices].sort()).toEqual(Thinking.accepted.map(([word]) => word).filter((word) => !word.includes(" ")).sort())
    const dir = stateDir()
    const run = await cli(dir, ["chat", "--dry-run", "--thinking", "loud", "hi"])
    expect(run.code).toBe(2)
    expect(run.stdout + run.stderr).toContain("adaptive")
  }, 20_000)
})

interface LogJson {
  readonly entries: ReadonlyArray<{ cid: string; prompt?: string; model?: string; cost?: number; messages: Array<Message>; reply: Message; usage?: { cost?: number }; generationId?: string; time: string }>
  readonly totalCost: number
}

describe("conversations and logs", () => {
  it("--continue across two invocations replays the first exchange verbatim (reasoning_details included); logs --json holds both with their cost sum", async () => {
    const dir = stateDir()
    sim.journal.clear()
    // A reasoning model: its reply carries reasoning_details with a signature, which a replay must keep.
    const first = await cli(dir, ["chat", "--no-stream", "-m", "anthropic/claude-sonnet-4-6", "--thinking", "high", "What is the first question?"])
    expect(first.code, first.stderr).toBe(0)
    const second = await cli(dir, ["chat", "-c", "-m", "anthropic/claude-sonnet-4-6", "--thinking", "high", "And the second?"])
    expect(second.code, second.stderr).toBe(0)
    const bodies = chatBodies()
    expect(bodies).toHaveLength(2)
    const log = JSON.parse((await cli(dir, ["logs", "--json"])).stdout) as LogJson
    expect(log.entries).toHaveLength(2)
    const [one, two] = log.entries
    // The reply as received is what the log keeps, and what the second request replays.
    expect(one!.reply.reasoning_details).toBeDefined()
    // The replay rules (PayloadTransformers.replayHygiene) drop the plaintext `reasoning` when
    // signed `reasoning_details` carry it; everything else is sent back as received.
    const { reasoning: plaintext, ...replayed } = one!.reply
    expect(plaintext).toBeDefined()
    expect(bodies[1]!.messages).toEqual([{ role: "user", content: "What is the first question?" }, replayed, { role: "user", content: "And the second?" }])
    expect(bodies[1]!.messages[1]!.content).toBe(first.stdout.trim())
    expect(two!.cid).toBe(one!.cid)
    expect(one!.prompt).toBe("What is the first question?")
    expect(two!.prompt).toBe("And the second?")
    expect(one!.model).toBe("anthropic/claude-sonnet-4-6")
    expect(one!.generationId).toMatch(/\S/)
    // The cost of each is the one OpenRouter reported (the usage line on stderr), and the total their sum.
    const reported = [first.stderr, second.stderr].map((stderr) => Number(/cost \$([0-9.e-]+)/.exec(stderr)![1]))
    expect(log.entries.map((entry) => entry.cost)).toEqual(reported)
    expect(reported.every((cost) => cost > 0)).toBe(true)
    expect(log.totalCost).toBeCloseTo(reported[0]! + reported[1]!, 12)
    // One file per conversation, 0600, in a 0700 folder.
    const folder = join(dir, "conversations")
    expect(readdirSync(folder)).toEqual([`${one!.cid}.jsonl`])
    expect(statSync(folder).mode & 0o777).toBe(0o700)
    expect(statSync(join(folder, `${one!.cid}.jsonl`)).mode & 0o777).toBe(0o600)
    // The text listing says the same.
    const text = await cli(dir, ["logs"])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain("> What is the first question?")
    expect(text.stdout).toContain(`2 chats, total cost $${Number((reported[0]! + reported[1]!).toFixed(8))}`)
  }, 30_000)

  it("--cid continues a given conversation, -n limits, --cid filters; a new chat starts a new one", async () => {
    const dir = stateDir()
    const a = await cli(dir, ["chat", "--no-stream", "alpha"])
    const b = await cli(dir, ["chat", "--no-stream", "beta"])
    expect([a.code, b.code]).toEqual([0, 0])
    const cidOf = (stderr: string) => /conversation (\S+)/.exec(stderr)![1]!
    expect(cidOf(a.stderr)).not.toBe(cidOf(b.stderr))
    sim.journal.clear()
    const again = await cli(dir, ["chat", "--no-stream", "--cid", cidOf(a.stderr), "alpha again"])
    expect(again.code, again.stderr).toBe(0)
    expect(chatBodies()[0]!.messages.map((message) => [message.role, message.content])).toEqual([
      ["user", "alpha"],
      ["assistant", a.stdout.trim()],
      ["user", "alpha again"]
    ])
    const only = JSON.parse((await cli(dir, ["logs", "--json", "--cid", cidOf(a.stderr)])).stdout) as LogJson
    expect(only.entries.map((entry) => entry.prompt)).toEqual(["alpha", "alpha again"])
    const last = JSON.parse((await cli(dir, ["logs", "--json", "-n", "1"])).stdout) as LogJson
    expect(last.entries.map((entry) => entry.prompt)).toEqual(["alpha again"])
    expect(last.totalCost).toBe(last.entries[0]!.cost)
  }, 30_000)

  it("a conversation id that is not one (path traversal), an unknown one, or -c with an empty log: exit 2, nothing sent", async () => {
    const dir = stateDir()
    sim.journal.clear()
    for (const args of [["chat", "--cid", "../../etc/passwd", "hi"], ["chat", "--cid", "nope", "hi"], ["chat", "-c", "hi"], ["logs", "--cid", "../x"]]) {
      const run = await cli(dir, args)
      expect(run.code, args.join(" ")).toBe(2)
    }
    expect(chatBodies()).toEqual([])
    expect(existsSync(join(dir, "conversations"))).toBe(false)
  }, 30_000)

  it("a hostile log file (not JSONL) is a warning in a listing, exit 2 naming it when read or continued, never a crash", async () => {
    const dir = stateDir()
    const first = await cli(dir, ["chat", "--no-stream", "hi"])
    const cid = /conversation (\S+)/.exec(first.stderr)![1]!
    writeFileSync(join(dir, "conversations", `${cid}.jsonl`), "{\"cid\": 1}\n" + "[".repeat(100_000) + "\n")
    const listed = await cli(dir, ["logs"])
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stderr).toContain(`${cid}.jsonl:1`)
    const run = await cli(dir, ["logs", "--cid", cid])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`${cid}.jsonl:1`)
    const cont = await cli(dir, ["chat", "-c", "hi"])
    expect(cont.code).toBe(2)
  }, 30_000)

  it("--no-log and conversationLog: false log nothing", async () => {
    const off = stateDir({ models: { providers: { openrouter: { conversationLog: false } } } })
    const quiet = stateDir()
    expect((await cli(off, ["chat", "hi"])).code).toBe(0)
    expect((await cli(quiet, ["chat", "--no-log", "hi"])).code).toBe(0)
    expect(existsSync(join(off, "conversations"))).toBe(false)
    expect(existsSync(join(quiet, "conversations"))).toBe(false)
    expect(JSON.parse((await cli(quiet, ["logs", "--json"])).stdout)).toEqual({ entries: [], totalCost: 0 })
  }, 30_000)

  it("--log-level debug: the reply and no unhandled-fiber noise (streamed and not)", async () => {
    const dir = stateDir()
    // @effect/cli reads its built-in --log-level before the root command's options only.
    for (const args of [["chat", "hi"], ["chat", "--no-stream", "hi"]]) {
      const run = await cli(dir, args, undefined, ["--log-level", "debug"])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain("Hello")
      expect(run.stderr).not.toContain("Fiber terminated")
      expect(run.stderr).not.toContain("\"None\"")
    }
  }, 30_000)
})

// The log file's content is the log: readable as JSONL outside the CLI too.
describe("the log file", () => {
  it("one JSON entry per line, the prompt and the reply as sent and received", async () => {
    const dir = stateDir()
    const run = await cli(dir, ["chat", "--no-stream", "-s", "sys", "hello"])
    const cid = /conversation (\S+)/.exec(run.stderr)![1]!
    const lines = readFileSync(join(dir, "conversations", `${cid}.jsonl`), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ cid, prompt: "hello", system: "sys", messages: [{ role: "system", content: "sys" }, { role: "user", content: "hello" }], reply: { role: "assistant", content: run.stdout.trim() } })
  }, 20_000)
})
