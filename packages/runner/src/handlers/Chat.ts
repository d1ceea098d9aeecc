/**
 * `openrouter-effect chat`: a prompt (the argument, or stdin when there is none and stdin is not
 * a terminal; with both, stdin is added after the prompt as context), a system prompt (`-s`),
 * model params (`-o key=value`), or a messages file; streamed (or `--no-stream`, `--json`), or
 * printed as the request a `--dry-run` would send.
 *
 * Conversations: every chat that gets a reply is logged (`ConversationLog` in the client, one
 * JSONL file per conversation in the state directory) unless `--no-log` or
 * `models.providers.openrouter.conversationLog: false`; `-c/--continue` sends the latest
 * conversation's messages (replies verbatim) before the new prompt, `--cid ID` a given one's.
 * Stdin is read up to `inputMediaBytes` (`Limits`, 32 MiB by default).
 *
 * Spoken replies (`messages.tts.auto: "always"`, see `SpokenReply` in the client): once the reply
 * is printed, its text is synthesised with the configured TTS settings into `reply.<format>` in
 * the current directory (the transcript goes to stdout, so the audio goes where the command
 * runs), or the file `--speak FILE` names; the path goes to stderr. `--speak FILE` speaks even
 * when `auto` is off; `--no-speak` never speaks. A dry run speaks nothing.
 *
 * @since 0.1.0
 */
import * as Chat from "@openrouter-effect/client/Chat"
import * as ConversationLog from "@openrouter-effect/client/ConversationLog"
import * as Limits from "@openrouter-effect/client/Limits"
import * as Models from "@openrouter-effect/client/Models"
import * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import * as OutputFile from "@openrouter-effect/client/OutputFile"
import * as ChatRequest from "@openrouter-effect/core/ChatRequest"
import * as JsonText from "@openrouter-effect/core/JsonText"
import { BadInput } from "@openrouter-effect/core/OpenRouterError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { dirname } from "node:path"
import * as ModelOptions from "../ModelOptions.js"
import * as Output from "../Output.js"
import { authorization, type Context, ensureDir, opt, printDryRun, provideServices, readFile } from "./Shared.js"

/** The parsed arguments of `chat`. @since 0.1.0 @category Models */
export interface Args {
  readonly prompt: Option.Option<string>
  readonly messages: Option.Option<string>
  readonly model: Option.Option<string>
  /** `-s/--system`: a system prompt. */
  readonly system: Option.Option<string>
  /** `-o/--option key=value`, as given. */
  readonly option: ReadonlyArray<string>
  readonly thinking: Option.Option<string>
  /** `-c/--continue`: continue the latest conversation. */
  readonly continue: boolean
  /** `--cid ID`: continue this conversation. */
  readonly cid: Option.Option<string>
  readonly noLog: boolean
  readonly noStream: boolean
  readonly showReasoning: boolean
  readonly json: boolean
  readonly dryRun: boolean
  /** `--speak FILE`: where the spoken reply goes; it speaks even when `messages.tts.auto` is off. */
  readonly speak: Option.Option<string>
  readonly noSpeak: boolean
  /** Replace an existing `--speak` file instead of choosing a new unique name. */
  readonly force: boolean
}

/**
 * All of stdin as text, at most `inputMediaBytes`: a pipe that never ends past the limit is a
 * `BadInput`, not memory held without bound.
 */
const readStdin = Effect.flatMap(Limits.Limits, (limits) =>
  Effect.flatMap(
    Effect.promise(async () => {
      const chunks: Array<Buffer> = []
      let total = 0
      for await (const chunk of process.stdin) {
        total += (chunk as Buffer).length
        if (total > limits.inputMediaBytes) {
          process.stdin.destroy()
          return undefined
        }
        chunks.push(chunk as Buffer)
      }
      return Buffer.concat(chunks)
    }),
    (bytes) =>
      bytes === undefined
        ? Effect.fail(new BadInput({ field: "stdin", message: `stdin exceeds inputMediaBytes (${Limits.formatBytes(limits.inputMediaBytes)})` }))
        : utf8(bytes, "stdin")
  ))

// The field of a problem inside the `--messages` content: the message names the flag itself (a
// plain `messages` field would have the CLI rewrite every "messages" in it to the flag).
const CONTENT = "--messages content"

/**
 * Bytes as UTF-8 text; anything else (a binary file, another encoding) is a `BadInput`: decoded
 * leniently it would be sent, and billed, as replacement characters.
 */
const utf8 = (bytes: Uint8Array, source: string) =>
  Effect.try({
    try: () => new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    catch: () => new BadInput({ field: source === "stdin" ? "stdin" : CONTENT, value: source, message: source === "stdin" ? "stdin is not UTF-8 text" : `--messages ${source} is not UTF-8 text` })
  })

/** An argument that reads as a mistyped flag (`--no-stram`), unless `--` ended the options. */
const looksLikeFlag = (text: string) => /^--?[A-Za-z]/.test(text)

/** Piped stdin, when stdin is not a terminal (a terminal is never waited on). */
const pipedStdin = Effect.suspend(() => (process.stdin.isTTY === true ? Effect.succeed("") : readStdin))

/** The request this turn sends, before the conversation's earlier messages, and its prompt. */
const turnOf = (args: Args, context: Context) =>
  Effect.gen(function*() {
    if (Option.isSome(args.prompt) && looksLikeFlag(args.prompt.value) && context.endOfOptions !== true) {
      const given = args.prompt.value
      return yield* Effect.fail(
        new BadInput({
          field: "PROMPT",
          value: given,
          message: `${JSON.stringify(given.slice(0, 40))} is not an option of chat (see chat --help); to send it as the prompt, put it after --: chat -- ${JSON.stringify(given.slice(0, 40))}`
        })
      )
    }
    const system = Option.match(args.system, { onNone: () => [], onSome: (content) => [{ role: "system", content }] })
    if (Option.isSome(args.messages)) {
      const source = args.messages.value
      // `--messages -` is JSON on stdin, as before; the prompt, if any, comes after it.
      const text = source === "-" ? yield* readStdin : yield* utf8(yield* readFile(source), source)
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return yield* Effect.fail(new BadInput({ field: CONTENT, value: source, message: `--messages ${source} is not JSON` }))
      }
      if (typeof parsed !== "object" || parsed === null) {
        return yield* Effect.fail(new BadInput({ field: CONTENT, value: source, message: `--messages ${source} must hold a JSON array of messages or a request object` }))
      }
      const request: Record<string, unknown> = Array.isArray(parsed) ? { messages: parsed } : (parsed as Record<string, unknown>)
      const given: unknown = request["messages"] ?? []
      const none = Array.isArray(given) && given.length === 0
      // Checked as the file has it, so the error's path (`messages[2].role`) is the file's own; a
      // body with no messages (its settings, and the PROMPT as the message) is checked whole below.
      const checked = none ? Either.right(undefined) : ChatRequest.fromUnknown({ ...request, messages: given })
      if (Either.isLeft(checked)) {
        return yield* Effect.fail(new BadInput({ field: CONTENT, value: source, message: `--messages ${source}: ${checked.left.message}` }))
      }
      const fromFile = checked.right?.messages ?? []
      const prompt = Option.getOrUndefined(args.prompt)
      if (fromFile.length === 0 && prompt === undefined && system.length === 0) {
        return yield* Effect.fail(new BadInput({ field: CONTENT, value: source, message: `--messages ${source} has no messages, and no PROMPT was given` }))
      }
      return {
        request,
        prompt,
        messages: [...system, ...fromFile, ...(prompt !== undefined ? [{ role: "user", content: prompt }] : [])]
      }
    }
    const stdin = (yield* pipedStdin).trimEnd()
    const argument = Option.getOrUndefined(args.prompt)
    // Like `llm`: the argument is the instruction, piped text the material it is about.
    const prompt = argument !== undefined ? (stdin !== "" ? `${argument}\n\n${stdin}` : argument) : stdin
    if (prompt.trim() === "") {
      return yield* Effect.fail(new BadInput({ field: "PROMPT", message: "Give a PROMPT, pipe one on stdin, or --messages FILE" }))
    }
    return { request: {}, prompt: argument ?? stdin, messages: [...system, { role: "user", content: prompt }] }
  })

/** The log errors as the CLI reports them: about local state, nothing sent (exit 2). */
const logInput = (error: ConversationLog.ConversationLogError) => new BadInput({ field: "cid", message: error.message })

/** The conversation this chat continues (`--cid`, `-c`), if any. */
const continued = (args: Args) =>
  Effect.gen(function*() {
    const log = yield* ConversationLog.ConversationLog
    if (Option.isSome(args.cid)) {
      if (args.continue) return yield* Effect.fail(new BadInput({ field: "cid", message: "Give -c/--continue (the latest conversation) or --cid ID, not both" }))
      return Option.some(args.cid.value)
    }
    if (!args.continue) return Option.none<string>()
    const latest = yield* log.latest
    if (Option.isNone(latest)) return yield* Effect.fail(new BadInput({ field: "continue", message: "No conversation to continue: the log is empty (--continue)" }))
    return latest
  }).pipe(Effect.mapError((error) => (error._tag === "ConversationLogError" ? logInput(error) : error)))

// Whether the configuration could speak at all, before loading any speech code: most chats are
// not spoken, and `chat` loads no speech module then. `SpokenReply.enabled` decides the rest.
const mayAutoSpeak = (auto: string | boolean | undefined) =>
  auto === true || (typeof auto === "string" && !["", "off", "false"].includes(auto.trim().toLowerCase()))

/**
 * Where the reply will be spoken, checked writable before the chat is sent: the chat and the
 * speech are both billed, so a file that cannot be written is bad input, found first.
 */
const checkSpeakTarget = (args: Args) =>
  Effect.gen(function*() {
    if (args.noSpeak || args.dryRun) return
    if (Option.isSome(args.speak)) {
      // Its folder is made, as for every command's output.
      yield* ensureDir(dirname(args.speak.value))
      return yield* Effect.asVoid(OutputFile.plan(args.speak.value, { force: args.force }, "speak"))
    }
    const config = yield* OpenRouterConfig.OpenRouterConfig
    if (!mayAutoSpeak(config.document.messages?.tts?.auto)) return
    const speech = yield* Effect.option(config.speech())
    if (Option.isSome(speech)) yield* OutputFile.plan(`reply.${speech.value.responseFormat}`, { force: args.force }, "speak")
  })

/** Speaks the reply `text` when `--speak` or `messages.tts.auto` asks for it, into a file. */
const speakReply = (args: Args, text: string) =>
  Effect.gen(function*() {
    if (args.noSpeak) return
    const config = yield* OpenRouterConfig.OpenRouterConfig
    if (Option.isNone(args.speak) && !mayAutoSpeak(config.document.messages?.tts?.auto)) return
    const [SpokenReply, Speech] = yield* Effect.promise(() =>
      Promise.all([import("@openrouter-effect/client/SpokenReply"), import("@openrouter-effect/client/Speech")])
    )
    yield* Effect.gen(function*() {
      const spoken = yield* SpokenReply.SpokenReply
      if (!(yield* spoken.enabled(Option.isSome(args.speak) ? "always" : "config"))) return
      if (text.trim() === "") return yield* Console.error("spoken reply: the reply is empty, nothing to speak")
      const path = Option.isSome(args.speak) ? args.speak.value : SpokenReply.defaultPath((yield* config.speech()).responseFormat)
      const saved = yield* spoken.speakToFile(text, path, { force: args.force })
      if (saved.path !== path) yield* Console.error(`${path} exists: wrote ${saved.path} instead (--force replaces it)`)
      yield* Console.error(`spoken reply: ${saved.path} (${saved.size} bytes, ${saved.model})`)
    }).pipe(Effect.provide(SpokenReply.layer.pipe(Layer.provide(Speech.layer))))
  })

/** What a chat got back, as the log keeps it. */
interface Outcome {
  readonly reply: Record<string, unknown>
  readonly model: string | undefined
  readonly usage: Chat.Usage | undefined
  readonly cache: string | undefined
  readonly generationId: string | undefined
}

const converse = (args: Args, context: Context) =>
  Effect.gen(function*() {
    const parsed = ModelOptions.parseAll(args.option)
    const routed = Either.flatMap(Either.flatMap(parsed, ModelOptions.route), (split) => Either.map(ModelOptions.checkParams(split.params), () => split))
    if (Either.isLeft(routed)) return yield* Effect.fail(new BadInput({ field: "option", message: `--option: ${routed.left}` }))
    const given = Either.getOrThrow(parsed)
    const reasoning = routed.right.body["reasoning"]
    if (Option.isSome(args.thinking) && typeof reasoning === "object" && reasoning !== null && ("effort" in reasoning || "max_tokens" in reasoning)) {
      // The body's own reasoning would win over the level without a word (the caller's is kept).
      return yield* Effect.fail(new BadInput({ field: "thinking", message: "--thinking sets the reasoning effort: give --thinking or -o reasoning.effort / reasoning.max_tokens, not both" }))
    }
    const turn = yield* turnOf(args, context)
    const cid = yield* continued(args)
    const log = yield* ConversationLog.ConversationLog
    const prior = Option.isSome(cid) ? yield* log.read(cid.value).pipe(Effect.mapError(logInput)) : []
    // `-o` body fields over a `--messages` body's; the messages last, as the conversation has them.
    // Checked whole (a logged reply, a `-o` value): a field that is wrong is named before sending.
    const history = ConversationLog.sendable(ConversationLog.replay(prior))
    for (const note of history.trimmed) {
      yield* Console.error(`conversation ${Option.getOrElse(cid, () => "")}: a logged reply holds a field a request cannot send back (${note}); it is sent as its text and tool calls`)
    }
    const request = yield* ChatRequest.fromUnknown({ ...turn.request, ...routed.right.body, messages: [...history.messages, ...turn.messages] })
    yield* checkSpeakTarget(args)
    // The configured keys are known from here on: their echoes are masked in what is printed.
    const config = yield* OpenRouterConfig.OpenRouterConfig
    yield* Output.rememberConfiguredKeys(config)
    const chat = yield* Chat.Chat
    const options = {
      model: opt(args.model),
      thinking: opt(args.thinking),
      ...(Object.keys(routed.right.params).length > 0 ? { params: routed.right.params } : {})
    }
    if (args.dryRun) {
      const prepared = yield* chat.prepare(request, { ...options, catalog: "bundled" }, !args.noStream)
      return yield* printDryRun(prepared.url, { ...prepared.headers, "content-type": "application/json", ...authorization(prepared.settings.key) }, prepared.body)
    }
    const { outcome, text } = yield* send(args, request, options)
    if (!args.noLog && config.document.models?.providers?.openrouter?.conversationLog !== false) {
      const id = Option.isSome(cid) ? cid.value : yield* log.newId
      const entry: ConversationLog.Entry = {
        cid: id,
        time: new Date().toISOString(),
        ...(options.model !== undefined ? { requestedModel: options.model } : {}),
        ...(outcome.model !== undefined ? { model: outcome.model } : {}),
        ...(turn.prompt !== undefined ? { prompt: turn.prompt } : {}),
        ...(Option.isSome(args.system) ? { system: args.system.value } : {}),
        ...(options.thinking !== undefined ? { thinking: options.thinking } : {}),
        ...(Object.keys(given).length > 0 ? { options: given } : {}),
        messages: turn.messages,
        reply: outcome.reply,
        ...(outcome.usage !== undefined ? { usage: outcome.usage } : {}),
        ...(typeof outcome.usage?.cost === "number" ? { cost: outcome.usage.cost } : {}),
        ...(outcome.cache !== undefined ? { cache: outcome.cache } : {}),
        ...(outcome.generationId !== undefined ? { generationId: outcome.generationId } : {})
      }
      // The reply is printed and paid for: a log that cannot be written is said, not a failure.
      yield* log.append(entry).pipe(
        Effect.zipRight(Console.error(`conversation ${id} (continue with -c, or --cid ${id})`)),
        Effect.catchAll((error) => Console.error(`conversation log: ${error.message}`))
      )
    }
    yield* speakReply(args, text)
  })

/** Sends the request, prints the reply as asked, and answers what the log keeps. */
const send = (args: Args, request: Chat.Request, options: Chat.Options) =>
  Effect.gen(function*() {
    const chat = yield* Chat.Chat
    if (args.noStream || args.json) {
      const completion = yield* chat.complete(request, options)
      const message = completion.response.choices[0]?.message
      const outcome: Outcome = {
        // The message as decoded: unknown fields kept, reasoning_details and tool calls as received.
        reply: (message ?? { role: "assistant", content: completion.text }) as unknown as Record<string, unknown>,
        model: completion.response.model,
        usage: completion.response.usage,
        cache: completion.cache.status,
        generationId: completion.generationId
      }
      if (args.json) {
        // Without recursion: a response nested thousands of levels deep (reasoning_details)
        // overflowed JSON.stringify's stack.
        yield* Console.log(JsonText.stringify(completion.response))
        return { outcome, text: completion.text }
      }
      const reasoning = message?.reasoning
      if (args.showReasoning && typeof reasoning === "string") yield* Console.error(reasoning)
      yield* Console.log(completion.text)
      const usage = completion.response.usage
      if (usage !== undefined) yield* Console.error(`usage: ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens, cost $${usage.cost ?? 0}${completion.cache.status !== undefined ? `, cache ${completion.cache.status}` : ""}`)
      return { outcome, text: completion.text }
    }
    let model: string | undefined
    let generationId: string | undefined
    let cache: string | undefined
    const collected = yield* chat.stream(request, options).pipe(
      Stream.tap((event) => {
        switch (event._tag) {
          case "Start":
            model = event.model
            generationId = event.id
            cache = event.cache.status
            return Effect.void
          // Written as they come, so not through Console: escaped and masked here (an answer's
          // ESC or CR could drive the terminal). A known key split across two deltas is not
          // recognised (a hostile upstream, which receives the key, could echo it piecewise).
          case "Text":
            return Output.writeStdout(event.delta)
          case "Reasoning":
            return args.showReasoning ? Output.writeStderr(event.delta) : Effect.void
          case "Usage":
            return Console.error(
              `\nusage: ${event.usage.prompt_tokens} prompt + ${event.usage.completion_tokens} completion tokens, cost $${event.usage.cost ?? 0}${cache !== undefined ? `, cache ${cache}` : ""}`
            )
          default:
            return Effect.void
        }
      }),
      // The assistant message to replay: text, reasoning, tool calls and reasoning_details joined.
      Chat.collect
    )
    yield* Effect.sync(() => process.stdout.write("\n"))
    const outcome: Outcome = {
      reply: collected.message as unknown as Record<string, unknown>,
      model,
      usage: Option.getOrUndefined(collected.usage),
      cache,
      generationId
    }
    return { outcome, text: collected.message.content }
  })

/** Runs `chat`. @since 0.1.0 @category Commands */
export const run = (context: Context, args: Args) =>
  provideServices(
    context,
    args.dryRun,
    Chat.layer.pipe(
      Layer.provideMerge(Models.layer({ stateDir: context.location.stateDir })),
      Layer.merge(ConversationLog.layerFile(context.location.stateDir))
    ),
    converse(args, context)
  )
