// The conversation log service (issue 18): the file layer's format, modes and bounds, hostile
// files as typed errors, ids that cannot leave the folder; the memory and none layers.
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as ConversationLog from "@openrouter-effect/client/ConversationLog"
import * as ChatRequest from "@openrouter-effect/core/ChatRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const entry = (cid: string, prompt: string, cost: number, time: string): ConversationLog.Entry => ({
  cid,
  time,
  prompt,
  messages: [{ role: "user", content: prompt }],
  reply: { role: "assistant", content: `re: ${prompt}`, reasoning_details: [{ type: "reasoning.encrypted", data: "x", extra: { kept: true } }] },
  cost
})

const fileLayer = (dir: string, bounds?: ConversationLog.Bounds) => ConversationLog.layerFile(dir, bounds).pipe(Layer.provide(NodeFileSystem.layer))

describe("ConversationLog.layerFile", () => {
  it.effect("appends JSONL per conversation (0600 in 0700), reads back verbatim, latest and recent", () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-convlog-"))
    return Effect.gen(function*() {
      const log = yield* ConversationLog.ConversationLog
      yield* log.append(entry("a1", "one", 0.1, "2026-01-01T00:00:01Z"))
      yield* log.append(entry("b2", "two", 0.2, "2026-01-01T00:00:02Z"))
      yield* log.append(entry("a1", "three", 0.3, "2026-01-01T00:00:03Z"))
      const a = yield* log.read("a1")
      expect(a.map((e) => e.prompt)).toEqual(["one", "three"])
      expect(a[0]!.reply).toEqual(entry("a1", "one", 0.1, "").reply)
      expect(ConversationLog.replay(a)).toEqual([
        { role: "user", content: "one" }, a[0]!.reply, { role: "user", content: "three" }, a[1]!.reply
      ])
      // Appends in the same millisecond tie on mtime (then the id decides): the clock is made to
      // say what the appends' order says.
      const later = new Date(Date.now() + 10_000)
      utimesSync(join(dir, "conversations", "a1.jsonl"), later, later)
      expect(yield* log.latest).toEqual(Option.some("a1"))
      const recent = yield* log.recent({ limit: 2 })
      expect(recent.map((e) => e.prompt)).toEqual(["two", "three"])
      expect(ConversationLog.totalCost(recent)).toBeCloseTo(0.5, 12)
      const folder = join(dir, "conversations")
      expect(statSync(folder).mode & 0o777).toBe(0o700)
      expect(statSync(join(folder, "a1.jsonl")).mode & 0o777).toBe(0o600)
      expect(readFileSync(join(folder, "a1.jsonl"), "utf8").trim().split("\n")).toHaveLength(2)
    }).pipe(Effect.provide(fileLayer(dir)))
  })

  it.effect("ids that are not file names are InvalidId; an unknown one NotFound", () =>
    Effect.gen(function*() {
      const log = yield* ConversationLog.ConversationLog
      for (const bad of ["../x", "a/b", "", ".hidden", "a".repeat(129), "x\n"]) {
        const failed = yield* Effect.flip(log.read(bad))
        expect(failed.reason, bad).toBe("InvalidId")
        expect((yield* Effect.flip(log.append(entry(bad, "p", 0, "t")))).reason).toBe("InvalidId")
      }
      expect((yield* Effect.flip(log.read("missing"))).reason).toBe("NotFound")
    }).pipe(Effect.provide(fileLayer(mkdtempSync(join(tmpdir(), "ore-convlog-"))))))

  it.effect("hostile files: a corrupt line, a huge file, a huge line, a directory in its place: typed errors", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "ore-convlog-"))
      const folder = join(dir, "conversations")
      mkdirSync(folder)
      writeFileSync(join(folder, "corrupt.jsonl"), "[".repeat(200_000) + "\n")
      writeFileSync(join(folder, "huge.jsonl"), "x".repeat(5000))
      writeFileSync(join(folder, "longline.jsonl"), `${JSON.stringify(entry("longline", "p".repeat(3000), 0, "t"))}\n`)
      mkdirSync(join(folder, "dir.jsonl"))
      const log = yield* ConversationLog.ConversationLog.pipe(Effect.provide(fileLayer(dir, { maxFileBytes: 4096, maxLineBytes: 1024 })))
      expect((yield* Effect.flip(log.read("corrupt"))).reason).toBe("TooLarge")
      expect((yield* Effect.flip(log.read("huge"))).reason).toBe("TooLarge")
      expect((yield* Effect.flip(log.read("longline"))).reason).toBe("TooLarge")
      expect((yield* Effect.flip(log.read("dir"))).reason).toBe("Unreadable")
      expect((yield* Effect.flip(log.append(entry("big", "p".repeat(3000), 0, "t")))).reason).toBe("TooLarge")
      const roomy = yield* ConversationLog.ConversationLog.pipe(Effect.provide(fileLayer(dir)))
      const corrupt = yield* Effect.flip(roomy.read("corrupt"))
      expect(corrupt.reason).toBe("Corrupt")
      expect(corrupt.message).toContain("corrupt.jsonl:1")
    }))

  it.effect("a killed append's unterminated last line is skipped when read and cut off before the next append", () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-convlog-"))
    const file = join(dir, "conversations", "t1.jsonl")
    return Effect.gen(function*() {
      const log = yield* ConversationLog.ConversationLog
      yield* log.append(entry("t1", "one", 0.1, "2026-01-01T00:00:01Z"))
      const whole = `${JSON.stringify(entry("t1", "two", 0.2, "2026-01-01T00:00:02Z"))}\n`
      writeFileSync(file, readFileSync(file, "utf8") + whole.slice(0, 40))
      expect((yield* log.read("t1")).map((e) => e.prompt)).toEqual(["one"])
      yield* log.append(entry("t1", "three", 0.3, "2026-01-01T00:00:03Z"))
      expect((yield* log.read("t1")).map((e) => e.prompt)).toEqual(["one", "three"])
      expect(readFileSync(file, "utf8").split("\n")).toHaveLength(3)
    }).pipe(Effect.provide(fileLayer(dir)))
  })

  it.effect("a last entry that only lacks its newline is kept and terminated before the next append, never cut", () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-convlog-"))
    const folder = join(dir, "conversations")
    return Effect.gen(function*() {
      const log = yield* ConversationLog.ConversationLog
      mkdirSync(folder, { recursive: true })
      writeFileSync(join(folder, "one.jsonl"), JSON.stringify(entry("one", "only", 0, "2026-01-01T00:00:01Z")))
      yield* log.append(entry("one", "next", 0, "2026-01-01T00:00:02Z"))
      expect((yield* log.read("one")).map((e) => e.prompt)).toEqual(["only", "next"])
      writeFileSync(join(folder, "two.jsonl"), `${JSON.stringify(entry("two", "first", 0, "t1"))}\n${JSON.stringify(entry("two", "second", 0, "t2"))}`)
      yield* log.append(entry("two", "third", 0, "t3"))
      expect((yield* log.read("two")).map((e) => e.prompt)).toEqual(["first", "second", "third"])
    }).pipe(Effect.provide(fileLayer(dir)))
  })

  it.effect("a damaged file fails only its own read (file:line named); a listing skips it with a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-convlog-"))
    const warnings: Array<string> = []
    const logger = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => {
      warnings.push(String(Array.isArray(message) ? message.join(" ") : message))
    }))
    return Effect.gen(function*() {
      const log = yield* ConversationLog.ConversationLog
      yield* log.append(entry("good", "fine", 0.5, "2026-01-01T00:00:01Z"))
      yield* log.append(entry("bad", "lost", 0.7, "2026-01-01T00:00:02Z"))
      const file = join(dir, "conversations", "bad.jsonl")
      writeFileSync(file, `{"not":"an entry"}\n${readFileSync(file, "utf8")}`)
      const failed = yield* Effect.flip(log.read("bad"))
      expect(failed.reason).toBe("Corrupt")
      expect(failed.message).toContain("bad.jsonl:1")
      const listed = yield* log.recent({ limit: 10 }).pipe(Effect.provide(logger))
      expect(listed.map((e) => e.prompt)).toEqual(["fine"])
      expect(warnings.join("\n")).toMatch(/skipped conversation bad: .*bad\.jsonl:1/)
      expect((yield* Effect.flip(log.recent({ limit: 10, cid: "bad" }))).reason).toBe("Corrupt")
    }).pipe(Effect.provide(fileLayer(dir)))
  })

  it.effect("past maxFiles the newest conversations by id are listed, and sizes read as sizes", () => {
    const dir = mkdtempSync(join(tmpdir(), "ore-convlog-"))
    return Effect.gen(function*() {
      const log = yield* ConversationLog.ConversationLog
      for (const [i, cid] of ["20260101T000001-aa", "20260101T000002-bb", "20260101T000003-cc"].entries()) {
        yield* log.append(entry(cid, `p${i}`, 0, `2026-01-01T00:00:0${i + 1}Z`))
      }
      expect(yield* log.latest).toEqual(Option.some("20260101T000003-cc"))
      expect((yield* log.recent({ limit: 10 })).map((e) => e.prompt)).toEqual(["p1", "p2"])
      const tooBig = yield* Effect.flip(log.append(entry("20260101T000004-dd", "p".repeat(3000), 0, "t")))
      expect(tooBig.message).toContain("2 KiB")
    }).pipe(Effect.provide(fileLayer(dir, { maxFiles: 2, maxLineBytes: 2048 })))
  })

  it("a reply nested deeper than JSON.stringify's stack still encodes and decodes", () => {
    let deep: unknown = "end"
    for (let i = 0; i < 20_000; i++) deep = [deep]
    const line = ConversationLog.encodeLine({ ...entry("d", "p", 0, "t"), reply: { role: "assistant", reasoning_details: [deep] } })
    expect(Either.isRight(line)).toBe(true)
  })
})

describe("ConversationLog.layerMemory and layerNone", () => {
  it.effect("memory keeps turns in order; none keeps nothing", () =>
    Effect.gen(function*() {
      const memory = yield* ConversationLog.ConversationLog.pipe(Effect.provide(ConversationLog.layerMemory))
      yield* memory.append(entry("m", "one", 1, "t1"))
      yield* memory.append(entry("n", "two", 2, "t2"))
      expect(yield* memory.latest).toEqual(Option.some("n"))
      expect((yield* memory.recent({ limit: 10, cid: "m" })).map((e) => e.prompt)).toEqual(["one"])
      const none = yield* ConversationLog.ConversationLog.pipe(Effect.provide(ConversationLog.layerNone))
      yield* none.append(entry("m", "one", 1, "t1"))
      expect(yield* none.latest).toEqual(Option.none())
      expect(yield* none.recent({ limit: 10 })).toEqual([])
      expect((yield* Effect.flip(none.read("m"))).reason).toBe("NotFound")
    }))
})

describe("ConversationLog.sendable", () => {
  it("a reply with fields a request refuses is sent as its text and tool calls, and said; valid messages pass untouched", () => {
    const odd = { role: "assistant", content: "Paris.", reasoning_details: ["oops"], refusal: 5 }
    const calls = { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }], reasoning_details: [7] }
    const user = { role: "user", content: "hi" }
    const { messages, trimmed } = ConversationLog.sendable([user, odd, calls])
    expect(messages).toEqual([user, { role: "assistant", content: "Paris." }, { role: "assistant", content: null, tool_calls: calls.tool_calls }])
    expect(trimmed).toEqual(["messages[1]: reasoning_details[0]", "messages[2]: reasoning_details[0]"])
    const good = { role: "assistant", content: "ok", reasoning_details: [{ type: "reasoning.text", text: "t", signature: "s" }] }
    expect(ConversationLog.sendable([user, good])).toEqual({ messages: [user, good], trimmed: [] })
  })

  it.prop("whatever an assistant reply holds, the history it gives is a valid request", [
    fc.array(fc.record({ role: fc.constant("assistant"), content: fc.oneof(fc.string(), fc.constant(null), fc.integer()), reasoning_details: fc.array(fc.jsonValue(), { maxLength: 2 }), refusal: fc.jsonValue() }, { requiredKeys: ["role"] }), { maxLength: 4 })
  ], ([replies]) => {
    const history = ConversationLog.sendable(replies.flatMap((reply) => [{ role: "user", content: "q" }, reply]))
    expect(Either.isRight(ChatRequest.fromUnknown({ messages: [...history.messages, { role: "user", content: "next" }] }))).toBe(true)
  })
})
