import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, FastCheck as fc, Stream } from "effect"
import * as Limits from "../src/Limits.js"
import * as Sse from "../src/Sse.js"

const encoder = new TextEncoder()
const utf8 = (text: string): Uint8Array => encoder.encode(text)

const data = (value: string, event?: string): Sse.Event =>
  event === undefined ? { _tag: "Data", data: value } : { _tag: "Data", data: value, event }
const comment = (text: string): Sse.Event => ({ _tag: "Comment", text })

/** Feeds text pieces to one decoder; returns the events and the end report. */
const decodeText = (...pieces: ReadonlyArray<string>) => {
  const decoder = Sse.makeDecoder()
  const events = pieces.flatMap((piece) => decoder.push(piece))
  return { events, end: decoder.end() }
}

/** Feeds byte pieces to one decoder; returns the events and the end report. */
const decodeBytes = (pieces: ReadonlyArray<Uint8Array>) => {
  const decoder = Sse.makeByteDecoder()
  const events = pieces.flatMap((piece) => decoder.push(piece))
  return { events, end: decoder.end() }
}

/** Cuts `bytes` at the given points (taken modulo its length + 1). */
const splitAt = (bytes: Uint8Array, points: ReadonlyArray<number>): Array<Uint8Array> => {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b)
  const pieces: Array<Uint8Array> = []
  let start = 0
  for (const cut of cuts) {
    pieces.push(bytes.subarray(start, cut))
    start = cut
  }
  pieces.push(bytes.subarray(start))
  return pieces
}

const splitTextAt = (text: string, points: ReadonlyArray<number>): Array<string> => {
  const cuts = [...new Set(points.map((p) => p % (text.length + 1)))].sort((a, b) => a - b)
  const pieces: Array<string> = []
  let start = 0
  for (const cut of cuts) {
    pieces.push(text.slice(start, cut))
    start = cut
  }
  pieces.push(text.slice(start))
  return pieces
}

const longestLine = (text: string): number => Math.max(0, ...text.split(/\r\n|\r|\n/).map((line) => line.length))

/** Reference §12.3 F, line by line; the bytes are these lines each followed by `\n`. */
const fixtureF = [
  ': OPENROUTER PROCESSING',
  '',
  ': OPENROUTER PROCESSING',
  '',
  'data: {"id":"gen-1786000300-Lw2xF6gTy9Nc1Jh5PuKe","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1786000300,"system_fingerprint":"fp_5c1a2b3d4e","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}',
  '',
  'data: {"id":"gen-1786000300-Lw2xF6gTy9Nc1Jh5PuKe","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1786000300,"system_fingerprint":"fp_5c1a2b3d4e","choices":[{"index":0,"delta":{"role":"assistant","content":"Paris is"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}',
  '',
  'data: {"id":"gen-1786000300-Lw2xF6gTy9Nc1Jh5PuKe","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1786000300,"system_fingerprint":"fp_5c1a2b3d4e","choices":[{"index":0,"delta":{"role":"assistant","content":" the capital of France."},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}',
  '',
  'data: {"id":"gen-1786000300-Lw2xF6gTy9Nc1Jh5PuKe","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1786000300,"system_fingerprint":"fp_5c1a2b3d4e","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}',
  '',
  'data: {"id":"gen-1786000300-Lw2xF6gTy9Nc1Jh5PuKe","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1786000300,"system_fingerprint":"fp_5c1a2b3d4e","choices":[],"usage":{"prompt_tokens":14,"completion_tokens":8,"total_tokens":22,"cost":0.0000069,"is_byok":false,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}',
  '',
  'data: [DONE]',
  '',]
const bytesF = fixtureF.map((line) => `${line}\n`).join("")

const expectedF: ReadonlyArray<Sse.Event> = [
  comment("OPENROUTER PROCESSING"),
  comment("OPENROUTER PROCESSING"),
  ...fixtureF.filter((line) => line.startsWith("data: {")).map((line) => data(line.slice("data: ".length))),
  data("[DONE]")
]

describe("Sse: reference §12.3 F", () => {
  it("decodes the exact bytes into two comments, five JSON chunks and [DONE]", () => {
    expect(bytesF.endsWith("data: [DONE]\n\n")).toBe(true)
    const { end, events } = decodeBytes([utf8(bytesF)])
    expect(events).toEqual(expectedF)
    expect(events).toHaveLength(8)
    expect(end).toEqual({ pending: false })
    const chunks = events.slice(2, 7).map((event) => (event._tag === "Data" ? JSON.parse(event.data) : undefined))
    expect(chunks.map((chunk) => chunk.id)).toEqual(Array(5).fill("gen-1786000300-Lw2xF6gTy9Nc1Jh5PuKe"))
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content)).toEqual(["", "Paris is", " the capital of France.", "", undefined])
    expect(chunks[4].usage.total_tokens).toBe(22)
  })

  it("gives the same events fed one byte at a time, and as text", () => {
    const bytes = utf8(bytesF)
    expect(decodeBytes(Array.from(bytes, (byte) => Uint8Array.of(byte))).events).toEqual(expectedF)
    expect(decodeText(...bytesF.split("")).events).toEqual(expectedF)
    expect(decodeText(bytesF).events).toEqual(expectedF)
  })
})

describe("Sse: line ends", () => {
  it("CRLF", () => {
    expect(decodeText("data: a\r\n\r\ndata: b\r\n\r\n").events).toEqual([data("a"), data("b")])
  })

  it("CR", () => {
    expect(decodeText("data: a\r\rdata: b\r\r").events).toEqual([data("a"), data("b")])
  })

  it("mixed", () => {
    expect(decodeText("data: a\r\n\rdata: b\n\r\ndata: c\rdata: d\r\n\n").events).toEqual([
      data("a"),
      data("b"),
      data("c\nd")
    ])
  })

  it("a CR ending one piece and a LF starting the next are one line end", () => {
    // Were the LF a line end of its own, "a" would be dispatched alone.
    expect(decodeText("data: a\r", "\ndata: b\r", "\n\n")).toEqual({ events: [data("a\nb")], end: { pending: false } })
    expect(decodeText("data: a\r", "", "\n", "\r", "\n")).toEqual({ events: [data("a")], end: { pending: false } })
    expect(decodeBytes([utf8("data: a\r"), new Uint8Array(0), utf8("\ndata: b\r"), utf8("\n\r"), utf8("\n")]).events)
      .toEqual([data("a\nb")])
  })

  it("a CR then a CR is a blank line", () => {
    expect(decodeText("data: a\r", "\r", "data: b\r", "\r").events).toEqual([data("a"), data("b")])
  })
})

describe("Sse: fields", () => {
  it("joins several data lines with LF, empty ones included", () => {
    expect(decodeText("data: a\ndata: b\ndata:\ndata: c\n\n").events).toEqual([data("a\nb\n\nc")])
  })

  it("removes one space after the colon, and only one", () => {
    expect(decodeText("data:x\n\ndata: x\n\ndata:  x\n\n").events).toEqual([data("x"), data("x"), data(" x")])
  })

  it("reads comments with and without a space", () => {
    expect(decodeText(":ping\n:  two\n:\n: OPENROUTER PROCESSING\n\n").events).toEqual([
      comment("ping"),
      comment(" two"),
      comment(""),
      comment("OPENROUTER PROCESSING")
    ])
  })

  it("reads a line without a colon as a field with an empty value", () => {
    expect(decodeText("data\n\n").events).toEqual([data("")])
    expect(decodeText("data\ndata\n\n").events).toEqual([data("\n")])
    expect(decodeText("data: a\ndata\n\n").events).toEqual([data("a\n")])
    expect(decodeText("foo\n\n").events).toEqual([])
  })

  it("dispatches a single empty data line as an empty event", () => {
    expect(decodeText("data:\n\n").events).toEqual([data("")])
  })

  it("keeps the event name, ignores id, retry and unknown fields", () => {
    expect(decodeText("event: delta\nid: 7\nretry: 100\nfoo: bar\ndata : no\ndata: x\n\ndata: y\n\n").events).toEqual([
      data("x", "delta"),
      data("y")
    ])
    // The event name is reset at every blank line, also when nothing is dispatched.
    expect(decodeText("event: a\n\ndata: y\n\n").events).toEqual([data("y")])
    expect(decodeText("event:\ndata: y\n\n").events).toEqual([data("y")])
    expect(decodeText("id: 1\n\nretry: 5\n\nevent: x\n\n").events).toEqual([])
  })

  it("emits comments as they arrive, before the data of their event", () => {
    expect(decodeText("data: a\n: keep-alive\ndata: b\n\n").events).toEqual([comment("keep-alive"), data("a\nb")])
  })

  it("an event with only comments dispatches only the comments", () => {
    expect(decodeText(": a\n: b\n\n")).toEqual({ events: [comment("a"), comment("b")], end: { pending: false } })
  })

  it("keeps JSON with colons, braces and unicode intact", () => {
    const json = `{"a":"b: c","d":"é 中 😀 \\n"}`
    expect(decodeText(`data: ${json}\n\n`).events).toEqual([data(json)])
  })

  it("drops one leading byte order mark", () => {
    expect(decodeBytes([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), utf8("data: a\n\n")]).events).toEqual([data("a")])
    expect(decodeText("\uFEFFdata: a\n\n").events).toEqual([data("a")])
    expect(decodeText("\uFEFF\uFEFFdata: a\n\n").events).toEqual([])
  })
})

describe("Sse: end of stream", () => {
  it("does not dispatch a trailing event without a blank line, and reports it pending", () => {
    expect(decodeText("data: a\n\ndata: b\n")).toEqual({ events: [data("a")], end: { pending: true } })
    expect(decodeText("data: a\n\ndata: b")).toEqual({ events: [data("a")], end: { pending: true } })
    expect(decodeText("data: a\n\n: half a comm")).toEqual({ events: [data("a")], end: { pending: true } })
    expect(decodeBytes([utf8("data: a\n\n"), Uint8Array.of(0xf0, 0x9f)])).toEqual({
      events: [data("a")],
      end: { pending: true }
    })
  })

  it("is not pending after a blank line, after comments, or after fields that carry no data", () => {
    expect(decodeText("data: a\n\n").end).toEqual({ pending: false })
    expect(decodeText("data: a\r\n\r\n").end).toEqual({ pending: false })
    expect(decodeText("data: a\r\r").end).toEqual({ pending: false })
    expect(decodeText(": ping\n").end).toEqual({ pending: false })
    expect(decodeText("event: x\nid: 1\n").end).toEqual({ pending: false })
    expect(decodeText("").end).toEqual({ pending: false })
  })

  it("end() resets the decoder", () => {
    const decoder = Sse.makeDecoder()
    expect(decoder.push("data: a\ndata: b")).toEqual([])
    expect(decoder.end()).toEqual({ pending: true })
    expect(decoder.bufferedLength()).toBe(0)
    expect(decoder.push("data: c\n\n")).toEqual([data("c")])
    expect(decoder.end()).toEqual({ pending: false })
  })
})

// ---------------------------------------------------------------------------------------------
// Properties

/** A line's text: any well-formed unicode (astral characters and emoji included) but CR and LF. */
const lineText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
      { weight: 2, arbitrary: fc.constantFrom("😀", "👩‍👩‍👧", "𝄞", "é", "中", "\u00A0", "\uFEFF", "\u0000", " ", ":", "data:", "\t") },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) }
    ),
    { maxLength: 6 }
  )
  .map((parts) => parts.join("").replace(/[\r\n]/g, ""))
  // Well-formed only: a lone surrogate does not survive UTF-8.
  .filter((text) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(utf8(text)) === text)

type Line =
  | { readonly kind: "data" | "comment" | "event" | "id" | "retry"; readonly value: string; readonly compact: boolean }
  | { readonly kind: "bare-data" }

const lineArb: fc.Arbitrary<Line> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("data" as const), value: lineText, compact: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("comment" as const), value: lineText, compact: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom("event" as const, "id" as const, "retry" as const), value: lineText, compact: fc.boolean() })
  },
  { weight: 1, arbitrary: fc.constant({ kind: "bare-data" as const }) }
)

const eolArb = fc.constantFrom("\n", "\r\n", "\r")

/** A block: some lines, each with its line end, closed by a blank line. */
const blockArb = fc.record({
  lines: fc.array(fc.tuple(lineArb, eolArb), { maxLength: 5 }),
  close: eolArb
})

type Block = typeof blockArb extends fc.Arbitrary<infer B> ? B : never

const serialiseLine = (line: Line): string => {
  if (line.kind === "bare-data") return "data"
  const name = line.kind === "comment" ? "" : line.kind
  // The compact form (no space after the colon) only when the value does not start with a space.
  return line.compact && !line.value.startsWith(" ") ? `${name}:${line.value}` : `${name}: ${line.value}`
}

/** Serialises blocks; an empty line after a CR never ends with a lone LF (that would be one CRLF). */
const serialise = (blocks: ReadonlyArray<Block>): string => {
  let out = ""
  let lastEol = "\n"
  const emit = (text: string, eol: string) => {
    const end = text === "" && lastEol === "\r" && eol === "\n" ? "\r\n" : eol
    out += text + end
    lastEol = end
  }
  for (const block of blocks) {
    for (const [line, eol] of block.lines) emit(serialiseLine(line), eol)
    emit("", block.close)
  }
  return out
}

const expectedEvents = (blocks: ReadonlyArray<Block>): Array<Sse.Event> => {
  const events: Array<Sse.Event> = []
  for (const block of blocks) {
    const lines: Array<string> = []
    let name = ""
    for (const [line] of block.lines) {
      if (line.kind === "bare-data") lines.push("")
      else if (line.kind === "data") lines.push(line.value)
      else if (line.kind === "comment") events.push(comment(line.value))
      else if (line.kind === "event") name = line.value
    }
    if (lines.length > 0) events.push(data(lines.join("\n"), name === "" ? undefined : name))
  }
  return events
}

const streamArb = fc.array(blockArb, { maxLength: 8 })
const cutsArb = fc.array(fc.nat(), { maxLength: 24 })

describe("Sse: properties", () => {
  it.prop(
    "serialised events, UTF-8 bytes cut anywhere, decode to exactly the original events",
    [streamArb, cutsArb],
    ([blocks, cuts]) => {
      const text = serialise(blocks)
      const bytes = utf8(text)
      const pieces = splitAt(bytes, cuts)
      const decoder = Sse.makeByteDecoder()
      const longest = longestLine(text)
      const events: Array<Sse.Event> = []
      for (const piece of pieces) {
        events.push(...decoder.push(piece))
        expect(decoder.bufferedLength()).toBeLessThanOrEqual(longest)
      }
      expect(events).toEqual(expectedEvents(blocks))
      expect(decoder.end()).toEqual({ pending: false })
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  it.prop(
    "the same text cut anywhere (even inside a surrogate pair) decodes the same way",
    [streamArb, cutsArb],
    ([blocks, cuts]) => {
      const text = serialise(blocks)
      expect(decodeText(...splitTextAt(text, cuts))).toEqual({ events: expectedEvents(blocks), end: { pending: false } })
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  it.prop(
    "a trailing block with data and no blank line is not dispatched and leaves the decoder pending",
    [streamArb, fc.array(fc.tuple(lineArb, eolArb), { minLength: 1, maxLength: 4 }), lineText, cutsArb],
    ([blocks, trailing, last, cuts]) => {
      const text = serialise(blocks) + trailing.map(([line, eol]) => serialiseLine(line) + eol).join("") + `data: ${last}`
      const { end, events } = decodeBytes(splitAt(utf8(text), cuts))
      const comments = trailing.flatMap(([line]) => (line.kind === "comment" ? [comment(line.value)] : []))
      expect(events).toEqual([...expectedEvents(blocks), ...comments])
      expect(end).toEqual({ pending: true })
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )

  const interestingByte = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
    { weight: 3, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x3a, 0x20, 0x64, 0x61, 0x74) },
    { weight: 2, arbitrary: fc.constantFrom(0xf0, 0x9f, 0x98, 0x80, 0xc3, 0xa9, 0xe4, 0xb8, 0xad, 0xef, 0xbb, 0xbf, 0xff, 0xc0) }
  )

  it.prop(
    "decoding never throws on arbitrary bytes, and does not depend on where the bytes are cut",
    [fc.array(interestingByte, { maxLength: 200 }).map((bytes) => Uint8Array.from(bytes)), cutsArb],
    ([bytes, cuts]) => {
      const whole = decodeBytes([bytes])
      const decoder = Sse.makeByteDecoder()
      const longest = longestLine(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes))
      const events: Array<Sse.Event> = []
      for (const piece of splitAt(bytes, cuts)) {
        events.push(...decoder.push(piece))
        expect(decoder.bufferedLength()).toBeLessThanOrEqual(longest)
      }
      expect({ events, end: decoder.end() }).toEqual(whole)
      for (const event of events) expect(["Data", "Comment"]).toContain(event._tag)
    },
    { fastCheck: { numRuns: propertyRuns(1000) } }
  )
})

// ---------------------------------------------------------------------------------------------
// Linearity: the decoder only ever holds the incomplete last line.

const bigStream = (count: number): string => {
  const lines: Array<string> = [": OPENROUTER PROCESSING", ""]
  for (let i = 0; i < count; i++) {
    lines.push(
      `data: {"id":"gen-1","object":"chat.completion.chunk","created":1786000300,"choices":[{"index":0,"delta":{"content":"token ${i} ${"é😀".repeat(i % 7)}"},"finish_reason":null}]}`,
      ""
    )
  }
  lines.push("data: [DONE]", "")
  return lines.map((line) => `${line}\n`).join("")
}

const chunksOf = (bytes: Uint8Array, size: number): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (let start = 0; start < bytes.length; start += size) out.push(bytes.subarray(start, start + size))
  return out
}

describe("Sse: linearity (no timing)", () => {
  const text = bigStream(20_000)
  const bytes = utf8(text)
  const longest = longestLine(text)

  it("20,000 events in 64 KiB reads: the buffer never exceeds the longest line", () => {
    const decoder = Sse.makeByteDecoder()
    let count = 0
    let maxBuffered = 0
    const pieces = chunksOf(bytes, 64 * 1024)
    expect(pieces.length).toBeGreaterThan(30)
    for (const piece of pieces) {
      const events = decoder.push(piece)
      count += events.length
      maxBuffered = Math.max(maxBuffered, decoder.bufferedLength())
    }
    expect(count).toBe(20_002)
    expect(maxBuffered).toBeLessThanOrEqual(longest)
    expect(decoder.end()).toEqual({ pending: false })
  })

  it("20,000 events in one read: nothing is buffered afterwards", () => {
    const decoder = Sse.makeByteDecoder()
    const events = decoder.push(bytes)
    expect(events).toHaveLength(20_002)
    expect(events[0]).toEqual(comment("OPENROUTER PROCESSING"))
    expect(events[20_001]).toEqual(data("[DONE]"))
    expect(decoder.bufferedLength()).toBe(0)
  })

  it("a 1 MiB line arriving in 4 KiB reads is held whole, once, and decoded intact", () => {
    const payload = "x😀".repeat(350_000)
    const line = `data: ${payload}`
    const decoder = Sse.makeByteDecoder()
    const events: Array<Sse.Event> = []
    let maxBuffered = 0
    for (const piece of chunksOf(utf8(`${line}\n\n`), 4096)) {
      events.push(...decoder.push(piece))
      maxBuffered = Math.max(maxBuffered, decoder.bufferedLength())
    }
    expect(events).toEqual([data(payload)])
    expect(maxBuffered).toBeLessThanOrEqual(line.length)
    expect(decoder.bufferedLength()).toBe(0)
  })
})

// ---------------------------------------------------------------------------------------------
// Streams

describe("Sse: streams", () => {
  it.effect("decode over a Stream of Uint8Array pieces collects the §12.3 F events", () =>
    Effect.gen(function*() {
      const pieces = splitAt(utf8(bytesF), [1, 7, 24, 25, 300, 301, 302, 900, 1500])
      const events = yield* Sse.decode(Stream.fromIterable(pieces)).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(events)).toEqual(expectedF)
    }))

  it.effect("each run of a decoded stream gets its own decoder", () =>
    Effect.gen(function*() {
      const stream = Sse.decode(Stream.fromIterable([utf8("data: a\n\ndata: b")]))
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(stream))).toEqual([data("a")])
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(stream))).toEqual([data("a")])
    }))

  it.effect("decode keeps split characters and split CRLF across stream chunks", () =>
    Effect.gen(function*() {
      const bytes = utf8("data: é😀\r\n\r\n: ok\r\n\r\n")
      const pieces = Array.from(bytes, (byte) => Uint8Array.of(byte))
      const events = yield* Stream.runCollect(Sse.decode(Stream.fromIterable(pieces).pipe(Stream.rechunk(3))))
      expect(Chunk.toReadonlyArray(events)).toEqual([data("é😀"), comment("ok")])
    }))

  it.effect("decodeText over a Stream of strings", () =>
    Effect.gen(function*() {
      const events = yield* Stream.runCollect(Sse.decodeText(Stream.fromIterable(bytesF.match(/[\s\S]{1,17}/g) ?? [])))
      expect(Chunk.toReadonlyArray(events)).toEqual(expectedF)
    }))

  it.effect("errors of the byte stream pass through", () =>
    Effect.gen(function*() {
      const error = yield* Sse.decode(Stream.concat(Stream.make(utf8("data: a\n\n")), Stream.fail("boom" as const))).pipe(
        Stream.runCollect,
        Effect.flip
      )
      expect(error).toBe("boom")
    }))
})

// ---------------------------------------------------------------------------------------------
// Limits (issue 17, defect 1): a line or an event past its bound fails with LimitExceeded naming
// the limit; what is held never exceeds the bound, whatever arrives after.

describe("Sse: limits", () => {
  const isLimit = (error: unknown, limit: string, max: number) =>
    typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "LimitExceeded" &&
    (error as { limit?: unknown }).limit === limit && (error as { max?: unknown }).max === max

  it("a line without an end: the decoder holds at most the bound, then stops and reports it", () => {
    const decoder = Sse.makeByteDecoder({ maxLineLength: 1000 })
    const events: Array<Sse.Event> = []
    let maxBuffered = 0
    events.push(...decoder.push(utf8("data: first\n\n")))
    for (let i = 0; i < 100; i++) {
      events.push(...decoder.push(utf8("x".repeat(97))))
      maxBuffered = Math.max(maxBuffered, decoder.bufferedLength())
    }
    expect(events).toEqual([data("first")])
    expect(maxBuffered).toBeLessThanOrEqual(1000)
    expect(decoder.overflow()).toEqual({ limit: "sseLineBytes", max: 1000 })
    expect(decoder.bufferedLength()).toBe(0)
    // Nothing more is read after the overflow, even a well-formed event.
    expect(decoder.push(utf8("\n\ndata: later\n\n"))).toEqual([])
    expect(decoder.end()).toEqual({ pending: true })
    expect(decoder.overflow()).toBeUndefined()
  })

  it("a line exactly at the bound passes; one character more does not (in one piece and split)", () => {
    const ok = `data: ${"y".repeat(94)}` // 100 characters
    expect(decodeTextWith({ maxLineLength: 100 }, `${ok}\n\n`).events).toEqual([data("y".repeat(94))])
    expect(decodeTextWith({ maxLineLength: 100 }, `${ok}y\n\n`).overflow).toEqual({ limit: "sseLineBytes", max: 100 })
    expect(decodeTextWith({ maxLineLength: 100 }, ok.slice(0, 50), `${ok.slice(50)}y`, "\n\n").overflow).toEqual({
      limit: "sseLineBytes",
      max: 100
    })
    // A comment is a line too.
    expect(decodeTextWith({ maxLineLength: 100 }, `: ${"z".repeat(200)}\n`).overflow).toEqual({ limit: "sseLineBytes", max: 100 })
  })

  it("data lines each under the line bound but joined past the event bound", () => {
    const line = `data: ${"d".repeat(50)}\n`
    const result = decodeTextWith({ maxLineLength: 100, maxEventLength: 400 }, "data: a\n\n", line.repeat(20))
    expect(result.events).toEqual([data("a")])
    expect(result.overflow).toEqual({ limit: "sseEventBytes", max: 400 })
  })

  it.prop("whatever the pieces, nothing past the bound is held and the events before it are given", [
    fc.integer({ min: 8, max: 200 }),
    fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 8 })
  ], ([max, cuts]) => {
    const text = `data: ok\n\n: ping\n${"q".repeat(max * 3)}\n\ndata: after\n\n`
    const decoder = Sse.makeDecoder({ maxLineLength: max, maxEventLength: max })
    const events: Array<Sse.Event> = []
    for (const piece of splitTextAt(text, cuts)) {
      events.push(...decoder.push(piece))
      expect(decoder.bufferedLength()).toBeLessThanOrEqual(max)
    }
    expect(events).toEqual([data("ok"), comment("ping")])
    expect(decoder.overflow()).toEqual({ limit: "sseLineBytes", max })
  })

  it.effect("decode fails with LimitExceeded naming the limit, after the events before it", () =>
    Effect.gen(function*() {
      const seen: Array<Sse.Event> = []
      let pulled = 0
      const endless = Stream.concat(
        Stream.make(utf8("data: a\n\n")),
        Stream.repeatEffect(Effect.sync(() => {
          pulled++
          return utf8("x".repeat(4096))
        }))
      )
      const error = yield* Sse.decode(endless, { maxLineLength: 64 * 1024 }).pipe(
        Stream.runForEach((event) => Effect.sync(() => seen.push(event))),
        Effect.flip
      )
      expect(seen).toEqual([data("a")])
      expect(isLimit(error, "sseLineBytes", 64 * 1024)).toBe(true)
      expect((error as { message: string }).message).toBe("An event-stream line exceeded sseLineBytes (64 KiB)")
      // The stream stopped reading at the bound: 17 reads of 4 KiB go past 64 KiB.
      expect(pulled).toBeLessThanOrEqual(17)
    }))

  it.effect("decode takes its bounds from the Limits in force", () =>
    Effect.gen(function*() {
      const error = yield* Sse.decodeText(Stream.make("data: ", "e".repeat(300))).pipe(
        Stream.runDrain,
        Effect.flip,
        Effect.provide(Limits.layer({ sseLineBytes: 256 }))
      )
      expect(isLimit(error, "sseLineBytes", 256)).toBe(true)
    }))
})

/** Feeds text pieces to one decoder with bounds; returns the events and the overflow. */
function decodeTextWith(options: Sse.DecoderOptions, ...pieces: ReadonlyArray<string>) {
  const decoder = Sse.makeDecoder(options)
  const events = pieces.flatMap((piece) => decoder.push(piece))
  return { events, overflow: decoder.overflow() }
}
