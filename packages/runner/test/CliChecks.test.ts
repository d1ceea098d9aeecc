// Issue 18, the checks a careless user meets: `-o` keys the shaping does not know reach the body,
// a damaged conversation log, fixed choices and counts named by their flag, `--messages` that is
// not a list of messages, a mistyped flag taken for the prompt, stdin that is not UTF-8, an
// output folder that cannot be made, and help on a real terminal with and without NO_COLOR. The
// built bin as a child process against the simulator, whose journal says what was sent.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Server from "@openrouter-effect/simulator/Server"
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { cleanEnv, runCli, runnerDir } from "./support/cli.js"

const KEY = "sk-or-v1-clichecks-000000000000000000000000000wxyz"

let sim: Server.Running
beforeAll(async () => {
  sim = await Server.start({ apiKeys: [KEY], publicBaseUrl: "https://openrouter.ai/api/v1" })
})
afterAll(() => sim.close())

const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ore-checks-"))
  writeFileSync(join(dir, "openclaw.json"), "{}")
  return dir
}

const cli = (dir: string, args: ReadonlyArray<string>, stdin?: string | Uint8Array) =>
  runCli(["--config", join(dir, "openclaw.json"), "--connect-to", `127.0.0.1:${sim.port}`, ...args], {
    cwd: dir,
    env: { ...cleanEnv(), HOME: dir, OPENCLAW_STATE_DIR: dir, OPENROUTER_API_KEY: KEY },
    ...(stdin !== undefined ? { stdin } : {})
  })

const chatBodies = () => sim.journal.list({ method: "POST", path: "/chat/completions" }).map((entry) => entry.body as Record<string, unknown>)

describe("-o: every key reaches the request", () => {
  it("keys the shaping does not know go into the body as given; the sampling params and routing are shaped", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const run = await cli(dir, [
      "chat", "--no-log", "--no-stream", "-m", "openai/gpt-4o",
      "-o", "min_p=0.1", "-o", "plugins=[{\"id\":\"web\"}]", "-o", "transforms=[\"middle-out\"]", "-o", "reasoning.max_tokens=64",
      "-o", "temperature=0.2", "-o", "provider.sort=price", "hi"
    ])
    expect(run.code, run.stderr).toBe(0)
    const body = chatBodies()[0]!
    expect(body).toMatchObject({
      min_p: 0.1,
      plugins: [{ id: "web" }],
      transforms: ["middle-out"],
      reasoning: { max_tokens: 64 },
      temperature: 0.2,
      provider: { sort: "price" }
    })
  }, 20_000)

  it("a param of the wrong type is refused before sending, named by its -o key; --thinking with -o reasoning.effort is refused", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["-o", "temperature=hot"], "--option: The chat request's temperature is not valid: Expected number, actual \"hot\""],
      [["-o", "maxTokens=many"], "--option: maxTokens: The chat request's max_completion_tokens is not valid"],
      [["--thinking", "low", "-o", "reasoning.effort=high"], "give --thinking or -o reasoning.effort / reasoning.max_tokens, not both"]
    ]
    for (const [flags, message] of cases) {
      const run = await cli(dir, ["chat", "--no-log", ...flags, "hi"])
      expect(run.code, flags.join(" ")).toBe(2)
      expect(run.stderr, flags.join(" ")).toContain(message)
    }
    expect(chatBodies()).toEqual([])
  }, 20_000)

  it("model, stream and messages name the flag that sets them; nothing is sent", async () => {
    sim.journal.clear()
    const dir = stateDir()
    for (const [option, flag] of [["model=x/y", "-m/--model"], ["stream=false", "--no-stream"], ["messages=[]", "--messages"]] as const) {
      const run = await cli(dir, ["chat", "--no-log", "-o", option, "hi"])
      expect(run.code, option).toBe(2)
      expect(run.stderr).toContain(flag)
    }
    expect(chatBodies()).toEqual([])
  }, 20_000)
})

describe("a damaged conversation log", () => {
  it("logs lists the good conversations and warns of the bad one; reading or continuing the bad one names its file and line; a cut-off last line is ignored", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const first = await cli(dir, ["chat", "--no-stream", "good one"])
    expect(first.code, first.stderr).toBe(0)
    const folder = join(dir, "conversations")
    writeFileSync(join(folder, "20990101T000000000Z-bad00000.jsonl"), "{\"cid\":\"x\"}\n{\"cid\":\"x\",\"time\":\"t\",\"messages\":[],\"reply\":{}}\n")
    const logs = await cli(dir, ["logs"])
    expect(logs.code, logs.stderr).toBe(0)
    expect(logs.stdout).toContain("> good one")
    expect(logs.stderr).toMatch(/skipped conversation 20990101T000000000Z-bad00000: .*\.jsonl:1: not a conversation log entry/)
    const bad = await cli(dir, ["logs", "--cid", "20990101T000000000Z-bad00000"])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("20990101T000000000Z-bad00000.jsonl:1")
    // The damaged file is the latest by time: -c names it and sends nothing.
    const sent = chatBodies().length
    const resumed = await cli(dir, ["chat", "-c", "--no-stream", "more"])
    expect(resumed.code).toBe(2)
    expect(resumed.stderr).toContain(".jsonl:1: not a conversation log entry")
    expect(chatBodies()).toHaveLength(sent)
    // A turn cut off mid-write (no newline at the end) does not stop the conversation.
    const cid = first.stderr.match(/conversation (\S+) /)![1]!
    const goodFile = join(folder, `${cid}.jsonl`)
    writeFileSync(goodFile, readFileSync(goodFile, "utf8") + "{\"cid\":\"cut")
    const continued = await cli(dir, ["chat", "--cid", cid, "--no-stream", "second"])
    expect(continued.code, continued.stderr).toBe(0)
    expect(readFileSync(goodFile, "utf8").trim().split("\n")).toHaveLength(2)
  }, 30_000)
})

describe("an odd logged reply", () => {
  it("a reply with fields a request refuses is continued as its text, with a note on stderr", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const folder = join(dir, "conversations")
    const cid = "20260101T000000000Z-odd00000"
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    const turn = { cid, time: "2026-01-01T00:00:00Z", prompt: "capital of France?", messages: [{ role: "user", content: "capital of France?" }], reply: { role: "assistant", content: "Paris.", reasoning_details: ["oops"], refusal: 5 } }
    writeFileSync(join(folder, `${cid}.jsonl`), `${JSON.stringify(turn)}\n`, { mode: 0o600 })
    const run = await cli(dir, ["chat", "--cid", cid, "--no-stream", "and Italy?"])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain("messages[1]: reasoning_details[0]")
    expect(chatBodies()[0]?.["messages"]).toEqual([
      { role: "user", content: "capital of France?" },
      { role: "assistant", content: "Paris." },
      { role: "user", content: "and Italy?" }
    ])
  }, 20_000)
})

describe("bad values are exit 2 naming the flag and what it takes", () => {
  it("choices (any letter case accepted), logs -n, -c with --cid", async () => {
    const dir = stateDir()
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["image", "--aspect-ratio", "7:3", "x"], "--aspect-ratio must be one of 1:1, 2:3"],
      [["image", "--resolution", "8K", "x"], "--resolution must be one of 0.5K, 1K, 2K, 4K (got \"8K\")"],
      [["tts", "--format", "wav", "x"], "--format must be one of mp3, pcm (got \"wav\")"],
      [["chat", "--thinking", "lots", "x"], "--thinking must be one of off, minimal, low, medium, high, xhigh, adaptive or max"],
      [["logs", "-n", "abc"], "-n/--count must be a whole number from 1 to 1000000 (got \"abc\")"],
      [["logs", "-n", "0"], "-n/--count must be a whole number from 1 to 1000000 (got \"0\")"],
      [["chat", "-c", "--cid", "abc", "x"], "Give -c/--continue (the latest conversation) or --cid ID, not both"]
    ]
    for (const [args, message] of cases) {
      const run = await cli(dir, args)
      expect(run.code, args.join(" ")).toBe(2)
      expect(run.stderr + run.stdout, args.join(" ")).toContain(message)
    }
    const upper = await cli(dir, ["chat", "--dry-run", "-m", "anthropic/claude-sonnet-4.6", "--thinking", "HIGH", "hi"])
    expect(upper.code, upper.stderr).toBe(0)
    expect((JSON.parse(upper.stdout) as { body: { reasoning: unknown } }).body.reasoning).toEqual({ effort: "high" })
  }, 30_000)

  it("--messages that is not a list of messages, or not UTF-8, is refused before anything is sent", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["null", "must hold a JSON array of messages or a request object"],
      ["5", "must hold a JSON array of messages or a request object"],
      ["{}", "has no messages, and no PROMPT was given"],
      ["[]", "has no messages, and no PROMPT was given"],
      ["[null]", "--messages -: The chat request's messages[0] is not valid"],
      ["[{\"content\":\"x\"}]", "--messages -: The chat request's messages[0].role is not valid: is missing"],
      ["[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"bot\",\"content\":\"b\"}]", "messages[1].role is not valid"],
      ["{\"messages\":{}}", "The chat request's messages is not valid"]
    ]
    for (const [json, message] of cases) {
      const run = await cli(dir, ["chat", "--no-log", "--messages", "-"], json)
      expect(run.code, json).toBe(2)
      expect(run.stderr, json).toContain(message)
    }
    const latin1 = await cli(dir, ["chat", "--no-log"], Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]))
    expect(latin1.code).toBe(2)
    expect(latin1.stderr).toContain("stdin is not UTF-8 text")
    expect(chatBodies()).toEqual([])
  }, 30_000)

  it("a mistyped flag is not sent as the prompt; after -- it is", async () => {
    sim.journal.clear()
    const dir = stateDir()
    const typo = await cli(dir, ["chat", "--no-log", "--no-stram"])
    expect(typo.code).toBe(2)
    expect(typo.stderr).toContain("\"--no-stram\" is not an option of chat")
    expect(chatBodies()).toEqual([])
    const literal = await cli(dir, ["chat", "--no-log", "--no-stream", "--", "--no-stram"])
    expect(literal.code, literal.stderr).toBe(0)
    expect(chatBodies()[0]?.["messages"]).toEqual([{ role: "user", content: "--no-stram" }])
  }, 20_000)

  it("an output folder that cannot be made says why in words, no platform call or internal name", async () => {
    const dir = stateDir()
    writeFileSync(join(dir, "afile"), "x")
    const run = await cli(dir, ["tts", "--out", join(dir, "afile", "sub", "x.mp3"), "hello"])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`Cannot create the folder ${join(dir, "afile", "sub")}: a part of the path is a file, not a folder`)
    expect(run.stderr).not.toMatch(/ENOTDIR|FileSystem|makeDirectory|\.partial/)
  }, 20_000)
})

describe("help on a real terminal", () => {
  // `script` gives the child a pseudo-terminal: stdout is a TTY there.
  const onTerminal = (env: Readonly<Record<string, string>>) =>
    execFileSync("script", ["-qec", `${process.execPath} ${join(runnerDir, "bin/openrouter-effect.js")} chat --help`, "/dev/null"], {
      env: { ...cleanEnv(), ...env },
      encoding: "utf8"
    })

  it("is styled on a terminal, and free of escape codes there with NO_COLOR set", () => {
    expect(onTerminal({})).toContain("\u001b[")
    const plain = onTerminal({ NO_COLOR: "1" })
    expect(plain).toContain("--option KEY=VALUE")
    expect(plain).not.toContain("\u001b")
  })
})
