/**
 * The conversation log: every chat turn (what was asked, the assistant message exactly as
 * received, usage, cost, cache status, generation id, time), kept so a conversation can be
 * continued and its cost seen later.
 *
 * A service, so an embedding chooses: {@link layerFile} keeps one JSONL file per conversation
 * under `<stateDir>/conversations/<cid>.jsonl` (files 0600, the folder 0700), {@link layerMemory}
 * keeps them in memory, {@link layerNone} keeps nothing.
 *
 * Continuing replays {@link replay}: each turn's messages followed by its reply, verbatim
 * (`reasoning_details` and `tool_calls` included); the chat request's replay rules
 * (`PayloadTransformers.replayHygiene`) then decide what of them is sent.
 *
 * Bounded: a line is at most `maxLineBytes` (default 16 MiB) when written and when read, a file
 * read at most `maxFileBytes` (default 64 MiB), and at most `maxFiles` (default 10,000) files are
 * looked at when listing (the newest by id, which starts with the time it was made). A file past a
 * bound, or a line that is not an entry, is a {@link ConversationLogError} naming the file and
 * line when that conversation is read, never a crash; a listing (`recent` without `cid`) skips
 * such a file with a warning logged, so one damaged file does not hide the others. A last line
 * with no newline that is not an entry is what a process killed mid-append leaves: it is
 * skipped when read, and cut off before the next append. A conversation id is letters,
 * digits, `-` and `_` (at most 128): it is a file name, so nothing else (no `/`, no `..`).
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as ChatRequest from "@openrouter-effect/core/ChatRequest"
import * as JsonText from "@openrouter-effect/core/JsonText"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import { readBounded } from "./internal/localFile.js"
import { formatBytes } from "./Limits.js"
import { lazily } from "./internal/lazily.js"

const opt = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

/**
 * One logged turn. `messages` are the messages this turn added (the system prompt, the user's
 * prompt); `reply` the assistant message as received.
 *
 * @since 0.1.0 @category Schemas
 */
export const Entry = Schema.Struct({
  /** The conversation id. */
  cid: Schema.String,
  /** When the reply was received (ISO 8601). */
  time: Schema.String,
  /** The model asked for (a ref), when one was given. */
  requestedModel: opt(Schema.String),
  /** The model that answered, as the response names it. */
  model: opt(Schema.String),
  prompt: opt(Schema.String),
  system: opt(Schema.String),
  thinking: opt(Schema.String),
  /** The model params given for this turn (`-o key=value`). */
  options: opt(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  messages: Schema.Array(Schema.Unknown),
  reply: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  usage: opt(Schema.Unknown),
  /** The cost in USD, from the usage OpenRouter reported. */
  cost: opt(Schema.Number),
  /** `HIT` or `MISS` when the response cache was asked for. */
  cache: opt(Schema.String),
  generationId: opt(Schema.String)
})

/** @since 0.1.0 @category Models */
export type Entry = typeof Entry.Type

/**
 * Why the log could not be used: `InvalidId` (not a valid conversation id), `NotFound` (no such
 * conversation), `TooLarge` (a line or a file past its bound), `Corrupt` (a line that is not an
 * entry), `Unreadable`, `Unwritable`.
 *
 * @since 0.1.0 @category Errors
 */
export class ConversationLogError extends Schema.TaggedError<ConversationLogError>("@openrouter-effect/client/ConversationLogError")(
  "ConversationLogError",
  {
    message: Schema.String,
    reason: Schema.Literal("InvalidId", "NotFound", "TooLarge", "Corrupt", "Unreadable", "Unwritable")
  }
) {}

/** @since 0.1.0 @category Models */
export interface Service {
  /** A new conversation id: the time (sortable) and a random suffix. */
  readonly newId: Effect.Effect<string>
  /** Appends a turn to its conversation (`entry.cid`). */
  readonly append: (entry: Entry) => Effect.Effect<void, ConversationLogError>
  /** The turns of a conversation, oldest first; `NotFound` when it has none. */
  readonly read: (cid: string) => Effect.Effect<ReadonlyArray<Entry>, ConversationLogError>
  /** The conversation appended to last, if any. */
  readonly latest: Effect.Effect<Option.Option<string>, ConversationLogError>
  /** The last `limit` turns (of one conversation with `cid`), oldest first. */
  readonly recent: (options: { readonly limit: number; readonly cid?: string | undefined }) => Effect.Effect<ReadonlyArray<Entry>, ConversationLogError>
}

/** @since 0.1.0 @category Context */
export class ConversationLog extends Context.Tag("@openrouter-effect/client/ConversationLog")<ConversationLog, Service>() {}

/** The bounds of a file log. @since 0.1.0 @category Models */
export interface Bounds {
  readonly maxLineBytes?: number | undefined
  readonly maxFileBytes?: number | undefined
  readonly maxFiles?: number | undefined
}

/** The default bounds. @since 0.1.0 @category Constants */
export const defaultBounds = { maxLineBytes: 16 * 1024 * 1024, maxFileBytes: 64 * 1024 * 1024, maxFiles: 10_000 } as const

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

/**
 * `cid` when it is a valid conversation id, else an `InvalidId` error (it names a file: no path
 * separators, no dots).
 *
 * @since 0.1.0 @category Validation
 */
export const checkId = (cid: string): Effect.Effect<string, ConversationLogError> =>
  ID.test(cid)
    ? Effect.succeed(cid)
    : Effect.fail(
      new ConversationLogError({
        reason: "InvalidId",
        message: `${JSON.stringify(cid.slice(0, 80))} is not a conversation id (letters, digits, - and _, at most 128)`
      })
    )

/** A new conversation id. @since 0.1.0 @category Constructors */
export const makeId: Effect.Effect<string> = Effect.sync(() => {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "")
  const random = Array.from(crypto.getRandomValues(new Uint8Array(4)), (byte) => byte.toString(16).padStart(2, "0")).join("")
  return `${stamp}-${random}`
})

/**
 * The messages a conversation's next request starts with: each turn's messages, then its reply.
 *
 * @since 0.1.0 @category Replay
 */
export const replay = (entries: ReadonlyArray<Entry>): ReadonlyArray<unknown> => entries.flatMap((entry) => [...entry.messages, entry.reply])

/**
 * The messages of {@link replay} as a request can carry them back. A reply is logged exactly as
 * received, and an upstream may answer fields a request may not hold (`reasoning_details: ["x"]`,
 * `refusal: 5`): such a reply is sent back as its text and tool calls only, so one odd answer
 * does not make its conversation impossible to continue. `trimmed` names each reply cut down
 * (its index and the first field that was refused), for the caller to say.
 *
 * @since 0.1.0 @category Replay
 */
export const sendable = (messages: ReadonlyArray<unknown>): { readonly messages: ReadonlyArray<unknown>; readonly trimmed: ReadonlyArray<string> } => {
  const trimmed: Array<string> = []
  const out = messages.map((message, index) => {
    const checked = ChatRequest.fromUnknown({ messages: [message] })
    if (Either.isRight(checked) || !isAssistant(message)) return message
    const content = typeof message["content"] === "string" ? message["content"] : null
    const withCalls = { role: "assistant", content, tool_calls: message["tool_calls"] }
    const kept = Either.isRight(ChatRequest.fromUnknown({ messages: [withCalls] })) ? withCalls : { role: "assistant", content }
    trimmed.push(`messages[${index}]: ${checked.left.field.replace(/^messages\[0\]\.?/, "") || "the reply"}`)
    return kept
  })
  return { messages: out, trimmed }
}

const isAssistant = (message: unknown): message is Readonly<Record<string, unknown>> =>
  typeof message === "object" && message !== null && (message as Record<string, unknown>)["role"] === "assistant"

/** The summed cost of `entries` (turns without a cost count 0). @since 0.1.0 @category Cost */
export const totalCost = (entries: ReadonlyArray<Entry>): number => entries.reduce((sum, entry) => sum + (entry.cost ?? 0), 0)

const decodeLine = lazily(() => Schema.decodeUnknownEither(Schema.parseJson(Entry), { onExcessProperty: "preserve" }))
const encoder = new TextEncoder()
const NEWLINE = 0x0a

/**
 * An entry as one JSONL line (with its newline), or `TooLarge` past `maxLineBytes`.
 *
 * @since 0.1.0 @category Encoding
 */
export const encodeLine = (entry: Entry, maxLineBytes: number = defaultBounds.maxLineBytes): Either.Either<string, ConversationLogError> => {
  // Without recursion: a reply's reasoning_details may nest deeper than JSON.stringify's stack.
  const line = JsonText.stringify(entry, 0)
  return encoder.encode(line).length > maxLineBytes
    ? Either.left(new ConversationLogError({ reason: "TooLarge", message: `a conversation log line would exceed ${formatBytes(maxLineBytes)}` }))
    : Either.right(`${line}\n`)
}

/**
 * The entries of a log file's text; `where` names the file in errors. A last line without its
 * newline that is not an entry is skipped: a write cut short (a killed process), not damage.
 *
 * @since 0.1.0 @category Decoding
 */
export const decodeText = (text: string, where: string, maxLineBytes: number = defaultBounds.maxLineBytes): Either.Either<ReadonlyArray<Entry>, ConversationLogError> => {
  const entries: Array<Entry> = []
  const lines = text.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === "") continue
    // The last piece of a split has no newline after it: a complete file ends with an empty one.
    const unterminated = i === lines.length - 1
    if (line.length > maxLineBytes) {
      if (unterminated) continue
      return Either.left(new ConversationLogError({ reason: "TooLarge", message: `${where}:${i + 1}: the line exceeds ${formatBytes(maxLineBytes)}` }))
    }
    const decoded = decodeLine(line)
    if (Either.isLeft(decoded)) {
      if (unterminated) continue
      return Either.left(new ConversationLogError({ reason: "Corrupt", message: `${where}:${i + 1}: not a conversation log entry` }))
    }
    entries.push(decoded.right)
  }
  return Either.right(entries)
}

const lastOf = (entries: ReadonlyArray<Entry>, limit: number) => (limit <= 0 ? [] : entries.slice(-limit))

const notFound = (cid: string) => new ConversationLogError({ reason: "NotFound", message: `No conversation ${cid} in the log` })

/**
 * The file log under `<stateDir>/conversations`.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeFile = (stateDir: string, bounds: Bounds = {}): Effect.Effect<Service, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const maxLineBytes = bounds.maxLineBytes ?? defaultBounds.maxLineBytes
    const maxFileBytes = bounds.maxFileBytes ?? defaultBounds.maxFileBytes
    const maxFiles = bounds.maxFiles ?? defaultBounds.maxFiles
    const dir = `${stateDir.replace(/[\\/]+$/, "")}/conversations`
    const pathOf = (cid: string) => `${dir}/${cid}.jsonl`

    const readFile = (cid: string): Effect.Effect<Option.Option<ReadonlyArray<Entry>>, ConversationLogError> =>
      readBounded(fs, pathOf(cid), maxFileBytes).pipe(
        Effect.map(Option.some),
        Effect.catchAll((problem) =>
          problem._tag === "NotFound"
            ? Effect.succeed(Option.none<Uint8Array>())
            : Effect.fail(
              new ConversationLogError({
                reason: problem._tag === "TooLarge" ? "TooLarge" : "Unreadable",
                message: problem._tag === "TooLarge"
                  ? `${pathOf(cid)} exceeds ${formatBytes(maxFileBytes)}`
                  : problem._tag === "NotRegular"
                  ? `${pathOf(cid)} is not a regular file`
                  : `cannot read ${pathOf(cid)}: ${problem.error.message}`
              })
            )
        ),
        Effect.flatMap(Option.match({
          onNone: () => Effect.succeedNone,
          onSome: (bytes) => Effect.map(decodeText(new TextDecoder().decode(bytes), pathOf(cid), maxLineBytes), Option.some)
        }))
      )

    /** The conversations, most recently appended to first (by modification time, then id). */
    const byRecency = Effect.gen(function*() {
      const exists = yield* fs.exists(dir).pipe(Effect.orElseSucceed(() => false))
      if (!exists) return []
      const names = yield* fs.readDirectory(dir).pipe(
        Effect.mapError((error) => new ConversationLogError({ reason: "Unreadable", message: `cannot list ${dir}: ${error.message}` }))
      )
      // Ids start with the time they were made: past `maxFiles`, the newest conversations are the
      // ones looked at (sorted before the cut, so the cut never drops the latest one).
      const cids = names.filter((name) => name.endsWith(".jsonl")).map((name) => name.slice(0, -".jsonl".length)).filter((cid) => ID.test(cid))
        .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
        .slice(0, maxFiles)
      const dated = yield* Effect.forEach(cids, (cid) =>
        fs.stat(pathOf(cid)).pipe(
          Effect.map((info) => Option.some({ cid, mtime: Option.getOrElse(info.mtime, () => new Date(0)).getTime() })),
          Effect.orElseSucceed(() => Option.none())
        ))
      return dated.flatMap((item) => Option.toArray(item))
        .sort((a, b) => b.mtime - a.mtime || (a.cid < b.cid ? 1 : a.cid > b.cid ? -1 : 0))
    })

    const unwritable = (error: { readonly message: string }) =>
      new ConversationLogError({ reason: "Unwritable", message: `cannot write the conversation log in ${dir}: ${error.message}` })

    /**
     * A file whose last line has no newline: a whole entry gets its newline; a piece that is not
     * an entry was cut short by a killed append and is cut off, or the next entry would be written
     * onto it and the file would hold a damaged line.
     */
    const cutUnterminated = (path: string, size: number) =>
      Effect.gen(function*() {
        // The last byte alone first: almost always a newline, and the file is left as it is.
        const last = yield* Effect.scoped(Effect.flatMap(fs.open(path, { flag: "r" }), (file) =>
          Effect.zipRight(file.seek(size - 1, "start"), file.readAlloc(1)))).pipe(Effect.mapError(unwritable))
        if (Option.isSome(last) && last.value[0] === NEWLINE) return
        const bytes = yield* readBounded(fs, path, maxFileBytes).pipe(
          Effect.mapError((problem) =>
            new ConversationLogError({
              reason: problem._tag === "TooLarge" ? "TooLarge" : "Unwritable",
              message: problem._tag === "TooLarge" ? `${path} exceeds ${formatBytes(maxFileBytes)}` : `cannot read ${path} before appending`
            })
          )
        )
        if (bytes.length === 0 || bytes[bytes.length - 1] === NEWLINE) return
        const start = bytes.lastIndexOf(NEWLINE) + 1
        // A whole entry that only lacks its newline (a hand edit, an editor that strips it) is
        // kept and terminated; only a piece that is not an entry is cut off.
        const piece = new TextDecoder().decode(bytes.subarray(start))
        if (Either.isRight(decodeLine(piece))) return yield* fs.writeFileString(path, "\n", { flag: "a" }).pipe(Effect.mapError(unwritable))
        yield* fs.truncate(path, BigInt(start)).pipe(Effect.mapError(unwritable))
      })

    const append = (entry: Entry) =>
      Effect.gen(function*() {
        const cid = yield* checkId(entry.cid)
        const line = yield* encodeLine(entry, maxLineBytes)
        yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 }).pipe(Effect.mapError(unwritable))
        // An existing folder keeps its mode otherwise: the log holds prompts and answers.
        yield* fs.chmod(dir, 0o700).pipe(Effect.mapError(unwritable))
        const path = pathOf(cid)
        // Appending follows a symbolic link: only a regular file (or none) is appended to.
        const info = yield* fs.stat(path).pipe(Effect.option)
        if (Option.isSome(info) && info.value.type !== "File") {
          return yield* new ConversationLogError({ reason: "Unwritable", message: `${path} is not a regular file` })
        }
        if ((yield* fs.readLink(path).pipe(Effect.option))._tag === "Some") {
          return yield* new ConversationLogError({ reason: "Unwritable", message: `${path} is a symbolic link` })
        }
        if (Option.isSome(info) && Number(info.value.size) > 0) yield* cutUnterminated(path, Number(info.value.size))
        yield* fs.writeFileString(path, line, { flag: "a", mode: 0o600 }).pipe(Effect.mapError(unwritable))
        yield* fs.chmod(path, 0o600).pipe(Effect.mapError(unwritable))
      })

    const read = (cid: string) =>
      Effect.flatMap(checkId(cid), (valid) =>
        Effect.flatMap(readFile(valid), (entries) =>
          Option.isSome(entries) && entries.value.length > 0 ? Effect.succeed(entries.value) : Effect.fail(notFound(valid))))

    const recent = (options: { readonly limit: number; readonly cid?: string | undefined }) =>
      Effect.gen(function*() {
        if (options.cid !== undefined) return lastOf(yield* read(options.cid), options.limit)
        const collected: Array<Entry> = []
        for (const { cid, mtime } of yield* byRecency) {
          // A file is last written with its newest turn: once `limit` turns at least as new as
          // this file's newest are in hand, no older file can change the answer.
          if (collected.length >= options.limit) {
            const times = collected.map((entry) => Date.parse(entry.time)).sort((a, b) => b - a)
            if (times[options.limit - 1]! >= mtime) break
          }
          // One damaged file does not hide the others: it is skipped and said (reading that
          // conversation with `cid` names the file and line).
          const entries = yield* readFile(cid).pipe(
            Effect.catchAll((error) => Effect.as(Effect.logWarning(`skipped conversation ${cid}: ${error.message}`), Option.none()))
          )
          if (Option.isSome(entries)) collected.push(...entries.value)
        }
        return lastOf(collected.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)), options.limit)
      })

    return {
      newId: makeId,
      append,
      read,
      latest: Effect.map(byRecency, (files) => Option.fromNullable(files[0]?.cid)),
      recent
    } satisfies Service
  })

/**
 * The log as files under `<stateDir>/conversations`.
 *
 * @since 0.1.0 @category Layers
 */
export const layerFile = (stateDir: string, bounds?: Bounds): Layer.Layer<ConversationLog, never, FileSystem.FileSystem> =>
  Layer.effect(ConversationLog, makeFile(stateDir, bounds))

/**
 * The log in memory (tests, an embedding that keeps conversations only while it runs).
 *
 * @since 0.1.0 @category Constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.map(Ref.make<ReadonlyArray<Entry>>([]), (ref) => {
  const read = (cid: string) =>
    Effect.flatMap(checkId(cid), (valid) =>
      Effect.flatMap(Ref.get(ref), (all) => {
        const entries = all.filter((entry) => entry.cid === valid)
        return entries.length > 0 ? Effect.succeed(entries) : Effect.fail(notFound(valid))
      }))
  return {
    newId: makeId,
    append: (entry) => Effect.zipRight(checkId(entry.cid), Ref.update(ref, (all) => [...all, entry])),
    read,
    latest: Effect.map(Ref.get(ref), (all) => Option.fromNullable(all.at(-1)?.cid)),
    recent: (options) =>
      options.cid !== undefined ? Effect.map(read(options.cid), (entries) => lastOf(entries, options.limit)) : Effect.map(Ref.get(ref), (all) => lastOf(all, options.limit))
  } satisfies Service
})

/** @since 0.1.0 @category Layers */
export const layerMemory: Layer.Layer<ConversationLog> = Layer.effect(ConversationLog, makeMemory)

/**
 * No log: nothing is kept, `latest` is none and `read` finds nothing.
 *
 * @since 0.1.0 @category Layers
 */
export const layerNone: Layer.Layer<ConversationLog> = Layer.succeed(ConversationLog, {
  newId: makeId,
  append: (entry) => Effect.asVoid(checkId(entry.cid)),
  read: (cid) => Effect.flatMap(checkId(cid), (valid) => Effect.fail(notFound(valid))),
  latest: Effect.succeedNone,
  recent: (options) => (options.cid !== undefined ? Effect.flatMap(checkId(options.cid), (valid) => Effect.fail(notFound(valid))) : Effect.succeed([]))
})
