/**
 * A linear Server-Sent Events decoder (the WHATWG event-stream format as OpenRouter streams it).
 *
 * `@effect/experimental`'s `Sse` parser rescans its buffer from the start for every line, so its
 * cost grows with the square of the read size (measured in packages/bench/NOTES.md). This decoder
 * makes one pass over each read:
 *
 * - a line end (`\n`, `\r\n` or `\r`, including a `\r` that ends one read and a `\n` that starts
 *   the next) is found with `indexOf` from the last position, and the position of the next `\n` and
 *   of the next `\r` are remembered, so no character is scanned twice;
 * - only the incomplete last line of a read is kept, as a list of pieces joined once when its line
 *   end arrives (no concatenation of the whole buffer);
 * - bytes go through one streaming `TextDecoder`, so a multi-byte character split across reads is
 *   decoded once, whole.
 *
 * Parsing follows the WHATWG event-stream rules: `data:` lines of one event are joined with `\n`
 * and the event is dispatched at a blank line; one space after the colon is removed; `event:` names
 * the event, `id:`, `retry:` and unknown fields are ignored; a line without a colon is a field name
 * with an empty value; an event without `data:` lines dispatches nothing; an event not closed by a
 * blank line when the stream ends is not dispatched (`end()` reports it as `pending`). Comments
 * (lines starting with `:`, e.g. `: OPENROUTER PROCESSING`) are emitted as they arrive, so a
 * consumer can count them as liveness. The decoder knows nothing of `[DONE]`: it is an ordinary
 * `Data` event with the data `"[DONE]"`.
 *
 * A line and an event are bounded (`sseLineBytes`, `sseEventBytes` of `Limits`, 16 MiB each by
 * default, counted in characters): a line without an end, or `data:` lines without a blank line,
 * would otherwise be held until memory or the engine's largest string runs out (a 600 MB line made
 * `join` throw a `RangeError`). Past a bound the decoder keeps nothing more, stops, and the stream
 * fails with `LimitExceeded` naming the limit, after the events completed before it.
 *
 * @since 0.1.0
 */
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Channel from "effect/Channel"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Limits from "./Limits.js"

/**
 * One decoded item of an event stream: a dispatched event (its `data:` lines joined with `\n`, and
 * its `event:` name when it had a non-empty one), or a comment line (the text after the colon, one
 * leading space removed).
 *
 * @since 0.1.0 @category Models
 */
export type Event =
  | { readonly _tag: "Data"; readonly data: string; readonly event?: string }
  | { readonly _tag: "Comment"; readonly text: string }

/**
 * What is left when the stream ends. `pending` is `true` when the stream ended mid-event: with an
 * unterminated line, or with `data:` lines not yet dispatched by a blank line. Such an event is
 * dropped, as the specification requires.
 *
 * @since 0.1.0 @category Models
 */
export interface End {
  readonly pending: boolean
}

/**
 * The bounds of a decoder, in characters (UTF-16 code units). Each defaults to its `Limits`
 * default (16 MiB).
 *
 * @since 0.1.0 @category Models
 */
export interface DecoderOptions {
  /** The longest line (a `data:` line, a comment, any field), its line end not counted. */
  readonly maxLineLength?: number | undefined
  /** The longest data of one event: its `data:` values joined with `\n`. */
  readonly maxEventLength?: number | undefined
}

/**
 * Which bound a decoder went past, named as in `Limits`, and its value.
 *
 * @since 0.1.0 @category Models
 */
export interface Overflow {
  readonly limit: "sseLineBytes" | "sseEventBytes"
  readonly max: number
}

/**
 * An incremental decoder of event-stream text. `push` returns the events completed by a piece of
 * text (pieces may split lines anywhere, including between `\r` and `\n`); `end` reports whether
 * the stream ended mid-event and resets the decoder. `bufferedLength` is the length of the
 * incomplete line held (never more than the longest line seen, and never more than the line
 * bound); it is exposed for tests. `overflow` is the bound a push went past: that push returned
 * the events completed before it, the decoder dropped what it held, and later pushes return
 * nothing until `end`.
 *
 * @since 0.1.0 @category Models
 */
export interface Decoder {
  push(chunk: string): ReadonlyArray<Event>
  end(): End
  bufferedLength(): number
  overflow(): Overflow | undefined
}

/**
 * An incremental decoder of event-stream bytes (UTF-8). Like {@link Decoder}, with a streaming
 * `TextDecoder` in front: a multi-byte character may be split across pieces. Invalid UTF-8 decodes
 * to U+FFFD; decoding never throws.
 *
 * @since 0.1.0 @category Models
 */
export interface ByteDecoder {
  push(chunk: Uint8Array): ReadonlyArray<Event>
  end(): End
  bufferedLength(): number
  overflow(): Overflow | undefined
}

const LF = 10
const SPACE = 32
const COLON = 58
const BOM = 0xfeff

const NONE: ReadonlyArray<Event> = []

class TextState implements Decoder {
  private readonly maxLine: number
  private readonly maxEvent: number
  /** The bound a push went past: nothing more is read until `end`. */
  private overflowed: Overflow | undefined = undefined
  /** Pieces of the incomplete last line. */
  private tail: Array<string> = []
  private tailLength = 0
  /** The last piece ended with `\r`: a `\n` starting the next piece belongs to that line end. */
  private skipLF = false
  /** No text seen yet: a leading byte order mark is dropped. */
  private atStart = true
  /** The event being built. */
  private data = ""
  private hasData = false
  private eventName = ""

  constructor(options: DecoderOptions) {
    this.maxLine = options.maxLineLength ?? Limits.defaults.sseLineBytes
    this.maxEvent = options.maxEventLength ?? Limits.defaults.sseEventBytes
  }

  push(chunk: string): ReadonlyArray<Event> {
    const length = chunk.length
    if (length === 0 || this.overflowed !== undefined) return NONE
    let pos = 0
    if (this.atStart) {
      this.atStart = false
      if (chunk.charCodeAt(0) === BOM) pos = 1
    }
    if (this.skipLF) {
      this.skipLF = false
      if (chunk.charCodeAt(pos) === LF) pos++
    }
    let out: Array<Event> | undefined
    // The next `\n` and `\r` at or after `pos` (-1: none left in this piece).
    let lf = chunk.indexOf("\n", pos)
    let cr = chunk.indexOf("\r", pos)
    while (lf !== -1 || cr !== -1) {
      const end = lf === -1 ? cr : cr === -1 ? lf : lf < cr ? lf : cr
      // Checked before the pieces are joined: a joined string past the bound is never made.
      if (this.tailLength + (end - pos) > this.maxLine) return this.fail("sseLineBytes", this.maxLine, out)
      let line: string
      if (this.tailLength > 0) {
        this.tail.push(chunk.slice(pos, end))
        line = this.tail.join("")
        this.tail = []
        this.tailLength = 0
      } else {
        line = chunk.slice(pos, end)
      }
      const event = this.line(line)
      if (event !== undefined) (out ??= []).push(event)
      else if (this.overflowed !== undefined) return out ?? NONE
      if (end === cr) {
        if (end + 1 < length) {
          pos = chunk.charCodeAt(end + 1) === LF ? end + 2 : end + 1
        } else {
          pos = end + 1
          this.skipLF = true
        }
      } else {
        pos = end + 1
      }
      if (lf !== -1 && lf < pos) lf = chunk.indexOf("\n", pos)
      if (cr !== -1 && cr < pos) cr = chunk.indexOf("\r", pos)
    }
    if (pos < length) {
      if (this.tailLength + (length - pos) > this.maxLine) return this.fail("sseLineBytes", this.maxLine, out)
      this.tail.push(pos === 0 ? chunk : chunk.slice(pos))
      this.tailLength += length - pos
    }
    return out ?? NONE
  }

  end(): End {
    const pending = this.tailLength > 0 || this.hasData || this.overflowed !== undefined
    this.overflowed = undefined
    this.tail = []
    this.tailLength = 0
    this.skipLF = false
    this.atStart = true
    this.data = ""
    this.hasData = false
    this.eventName = ""
    return pending ? PENDING : COMPLETE
  }

  bufferedLength(): number {
    return this.tailLength
  }

  overflow(): Overflow | undefined {
    return this.overflowed
  }

  /** Stops at a bound: drops what is held, keeps the events completed before it. */
  private fail(limit: Overflow["limit"], max: number, out: Array<Event> | undefined): ReadonlyArray<Event> {
    this.overflowed = { limit, max }
    this.tail = []
    this.tailLength = 0
    this.data = ""
    this.hasData = false
    this.eventName = ""
    return out ?? NONE
  }

  /** Interprets one complete line; returns the event it completes, if any. */
  private line(line: string): Event | undefined {
    const length = line.length
    if (length === 0) {
      if (!this.hasData) {
        this.eventName = ""
        return undefined
      }
      const event: Event =
        this.eventName === ""
          ? { _tag: "Data", data: this.data }
          : { _tag: "Data", data: this.data, event: this.eventName }
      this.data = ""
      this.hasData = false
      this.eventName = ""
      return event
    }
    const first = line.charCodeAt(0)
    if (first === COLON) {
      return { _tag: "Comment", text: line.charCodeAt(1) === SPACE ? line.slice(2) : line.slice(1) }
    }
    // Fast path for the common field.
    if (first === 100 && line.startsWith("data:")) {
      this.appendData(line.charCodeAt(5) === SPACE ? line.slice(6) : line.slice(5))
      return undefined
    }
    const colon = line.indexOf(":")
    let name: string
    let value: string
    if (colon === -1) {
      name = line
      value = ""
    } else {
      name = line.slice(0, colon)
      value = line.charCodeAt(colon + 1) === SPACE ? line.slice(colon + 2) : line.slice(colon + 1)
    }
    if (name === "data") this.appendData(value)
    else if (name === "event") this.eventName = value
    // `id`, `retry` and unknown fields are ignored.
    return undefined
  }

  private appendData(value: string): void {
    if ((this.hasData ? this.data.length + 1 : 0) + value.length > this.maxEvent) {
      this.fail("sseEventBytes", this.maxEvent, undefined)
    } else if (this.hasData) {
      this.data = this.data + "\n" + value
    } else {
      this.data = value
      this.hasData = true
    }
  }
}

const PENDING: End = { pending: true }
const COMPLETE: End = { pending: false }

class ByteState implements ByteDecoder {
  private readonly text: TextState
  private utf8 = new TextDecoder("utf-8", { ignoreBOM: true })

  constructor(options: DecoderOptions) {
    this.text = new TextState(options)
  }

  push(chunk: Uint8Array): ReadonlyArray<Event> {
    return chunk.length === 0 || this.text.overflow() !== undefined ? NONE : this.text.push(this.utf8.decode(chunk, { stream: true }))
  }

  end(): End {
    // Flush an incomplete character (as U+FFFD): it can only extend an unterminated line.
    const rest = this.utf8.decode()
    if (rest.length > 0) this.text.push(rest)
    this.utf8 = new TextDecoder("utf-8", { ignoreBOM: true })
    return this.text.end()
  }

  bufferedLength(): number {
    return this.text.bufferedLength()
  }

  overflow(): Overflow | undefined {
    return this.text.overflow()
  }
}

/**
 * Creates an incremental decoder of event-stream text.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeDecoder = (options: DecoderOptions = {}): Decoder => new TextState(options)

/**
 * Creates an incremental decoder of event-stream bytes (UTF-8).
 *
 * @since 0.1.0 @category Constructors
 */
export const makeByteDecoder = (options: DecoderOptions = {}): ByteDecoder => new ByteState(options)

const decodeChunk = <A>(decoder: { push(chunk: A): ReadonlyArray<Event> }) => (chunk: Chunk.Chunk<A>): Chunk.Chunk<Event> => {
  let out: Array<Event> | undefined
  for (const piece of chunk) {
    const events = decoder.push(piece)
    if (events.length === 0) continue
    if (out === undefined) out = events as Array<Event>
    else for (let i = 0; i < events.length; i++) out.push(events[i]!)
  }
  return out === undefined ? Chunk.empty() : Chunk.unsafeFromArray(out)
}

/**
 * The error for a decoder's overflow: "An event-stream line exceeded sseLineBytes (16 MiB)".
 *
 * @since 0.1.0 @category Errors
 */
export const overflowError = (overflow: Overflow): OpenRouterError.LimitExceeded =>
  new OpenRouterError.LimitExceeded({
    message: `An event-stream ${overflow.limit === "sseLineBytes" ? "line" : "event"} exceeded ${overflow.limit} (${
      Limits.formatBytes(overflow.max)
    })`,
    limit: overflow.limit,
    max: overflow.max
  })

// One pass per chunk of input, like `Stream.mapChunks`, but a decoder that went past a bound ends
// the stream there: the events before it are written, then the failure, and no more input is read.
const decodeChannel = <A, E>(
  decoder: { push(chunk: A): ReadonlyArray<Event>; overflow(): Overflow | undefined }
): Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<A>, E | OpenRouterError.LimitExceeded, E, unknown, unknown> => {
  const decodeOne = decodeChunk(decoder)
  const loop: Channel.Channel<Chunk.Chunk<Event>, Chunk.Chunk<A>, E | OpenRouterError.LimitExceeded, E, unknown, unknown> = Channel
    .readWithCause({
      onInput: (chunk: Chunk.Chunk<A>) => {
        const events = decodeOne(chunk)
        const overflow = decoder.overflow()
        const next = overflow === undefined ? loop : Channel.fail(overflowError(overflow))
        return Chunk.isEmpty(events) ? next : Channel.zipRight(Channel.write(events), next)
      },
      onFailure: Channel.failCause,
      onDone: () => Channel.void
    })
  return loop
}

// The bounds given, else those of the `Limits` in force.
const withOptions = <A, E, R>(
  options: DecoderOptions | undefined,
  build: (options: DecoderOptions) => Stream.Stream<A, E, R>
): Stream.Stream<A, E, R> =>
  Stream.unwrap(Effect.map(Limits.Limits, (limits) =>
    build({
      maxLineLength: options?.maxLineLength ?? limits.sseLineBytes,
      maxEventLength: options?.maxEventLength ?? limits.sseEventBytes
    })))

/**
 * Decodes a stream of UTF-8 bytes into events, one chunk of events per chunk of bytes (no Effect
 * per event). Each run of the stream gets its own decoder. An event not closed by a blank line when
 * the stream ends is dropped. A line or an event past its bound (`options`, else the `Limits` in
 * force) fails the stream with `LimitExceeded`, after the events before it.
 *
 * @since 0.1.0 @category Decoding
 */
export const decode = <E, R>(
  bytes: Stream.Stream<Uint8Array, E, R>,
  options?: DecoderOptions
): Stream.Stream<Event, E | OpenRouterError.LimitExceeded, R> =>
  withOptions(options, (bounds) => Stream.pipeThroughChannelOrFail(bytes, decodeChannel<Uint8Array, E>(makeByteDecoder(bounds))))

/**
 * Decodes a stream of event-stream text into events, like {@link decode}.
 *
 * @since 0.1.0 @category Decoding
 */
export const decodeText = <E, R>(
  text: Stream.Stream<string, E, R>,
  options?: DecoderOptions
): Stream.Stream<Event, E | OpenRouterError.LimitExceeded, R> =>
  withOptions(options, (bounds) => Stream.pipeThroughChannelOrFail(text, decodeChannel<string, E>(makeDecoder(bounds))))
