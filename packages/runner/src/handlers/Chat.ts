/**
 * `openrouter-effect chat`: a prompt or a messages file, streamed (or `--no-stream`, `--json`),
 * or printed as the request a `--dry-run` would send.
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
import * as Models from "@openrouter-effect/client/Models"
import * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import * as OutputFile from "@openrouter-effect/client/OutputFile"
import * as JsonText from "@openrouter-effect/core/JsonText"
import { BadInput } from "@openrouter-effect/core/OpenRouterError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Output from "../Output.js"
import { authorization, type Context, opt, printDryRun, provideServices, readFile } from "./Shared.js"

/** The parsed arguments of `chat`. @since 0.1.0 @category Models */
export interface Args {
  readonly prompt: Option.Option<string>
  readonly messages: Option.Option<string>
  readonly model: Option.Option<string>
  readonly thinking: Option.Option<string>
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

const readStdin = Effect.promise(async () => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString("utf8")
})

const requestOf = (args: Args) =>
  Effect.gen(function*() {
    if (Option.isSome(args.messages)) {
      const source = args.messages.value
      const text = source === "-" ? yield* readStdin : new TextDecoder().decode(yield* readFile(source))
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return yield* Effect.fail(new BadInput({ field: "messages", value: source, message: `${source} is not JSON` }))
      }
      const request: Record<string, unknown> = Array.isArray(parsed) ? { messages: parsed } : (parsed as Record<string, unknown>)
      return Option.isSome(args.prompt)
        ? { ...request, messages: [...(request["messages"] as Array<unknown>), { role: "user", content: args.prompt.value }] }
        : request
    }
    if (Option.isSome(args.prompt)) return { messages: [{ role: "user", content: args.prompt.value }] }
    return yield* Effect.fail(new BadInput({ field: "PROMPT", message: "Give a PROMPT or --messages FILE" }))
  })

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
    if (Option.isSome(args.speak)) return yield* Effect.asVoid(OutputFile.plan(args.speak.value, { force: args.force }, "speak"))
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

const converse = (args: Args) =>
  Effect.gen(function*() {
    const request = yield* requestOf(args)
    yield* checkSpeakTarget(args)
    // The configured keys are known from here on: their echoes are masked in what is printed.
    yield* Output.rememberConfiguredKeys(yield* OpenRouterConfig.OpenRouterConfig)
    const chat = yield* Chat.Chat
    const options = { model: opt(args.model), thinking: opt(args.thinking) }
    if (args.dryRun) {
      const prepared = yield* chat.prepare(request, { ...options, catalog: "bundled" }, !args.noStream)
      return yield* printDryRun(prepared.url, { ...prepared.headers, "content-type": "application/json", ...authorization(prepared.settings.key) }, prepared.body)
    }
    if (args.noStream || args.json) {
      const completion = yield* chat.complete(request, options)
      if (args.json) {
        // Without recursion: a response nested thousands of levels deep (reasoning_details)
        // overflowed JSON.stringify's stack.
        yield* Console.log(JsonText.stringify(completion.response))
        return yield* speakReply(args, completion.text)
      }
      const reasoning = completion.response.choices[0]?.message.reasoning
      if (args.showReasoning && typeof reasoning === "string") yield* Console.error(reasoning)
      yield* Console.log(completion.text)
      const usage = completion.response.usage
      if (usage !== undefined) yield* Console.error(`usage: ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens, cost $${usage.cost ?? 0}${completion.cache.status !== undefined ? `, cache ${completion.cache.status}` : ""}`)
      return yield* speakReply(args, completion.text)
    }
    let reply = ""
    yield* chat.stream(request, options).pipe(
      Stream.runForEach((event) => {
        switch (event._tag) {
          // Written as they come, so not through Console: escaped and masked here (an answer's
          // ESC or CR could drive the terminal). A known key split across two deltas is not
          // recognised; the key is never sent to the model, so an answer has no way to know it.
          case "Text":
            reply += event.delta
            return Output.writeStdout(event.delta)
          case "Reasoning":
            return args.showReasoning ? Output.writeStderr(event.delta) : Effect.void
          case "Usage":
            return Console.error(`\nusage: ${event.usage.prompt_tokens} prompt + ${event.usage.completion_tokens} completion tokens, cost $${event.usage.cost ?? 0}`)
          default:
            return Effect.void
        }
      })
    )
    yield* Effect.sync(() => process.stdout.write("\n"))
    yield* speakReply(args, reply)
  })

/** Runs `chat`. @since 0.1.0 @category Commands */
export const run = (context: Context, args: Args) =>
  provideServices(
    context,
    args.dryRun,
    Chat.layer.pipe(Layer.provideMerge(Models.layer({ stateDir: context.location.stateDir }))),
    converse(args)
  )
