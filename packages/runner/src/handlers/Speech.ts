/**
 * `openrouter-effect tts` (text to speech, to a file) and `transcribe` (speech to text).
 *
 * @since 0.1.0
 */
import * as Speech from "@openrouter-effect/client/Speech"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import { dirname } from "node:path"
import { authorization, type Context, ensureDir, noteRenamed, opt, printDryRun, provideServices, readFile } from "./Shared.js"

/** The parsed arguments of `tts`. @since 0.1.0 @category Models */
export interface TtsArgs {
  readonly text: string
  readonly model: Option.Option<string>
  readonly voice: Option.Option<string>
  readonly format: Option.Option<string>
  readonly speed: Option.Option<number>
  readonly out: Option.Option<string>
  /** Replace an existing output file instead of choosing a new unique name. */
  readonly force: boolean
  readonly dryRun: boolean
}

/** The parsed arguments of `transcribe`. @since 0.1.0 @category Models */
export interface TranscribeArgs {
  readonly file: string
  readonly model: Option.Option<string>
  readonly language: Option.Option<string>
}


/** Runs `tts`. @since 0.1.0 @category Commands */
export const tts = (context: Context, args: TtsArgs) =>
  provideServices(
    context,
    args.dryRun,
    Speech.layer,
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const options = { text: args.text, model: opt(args.model), voice: opt(args.voice), format: opt(args.format), speed: opt(args.speed) }
      const prepared = yield* speech.prepare(options)
      if (args.dryRun) return yield* printDryRun(prepared.url, { ...prepared.headers, ...authorization(prepared.settings.key) }, prepared.body)
      const path = opt(args.out) ?? `speech.${prepared.settings.responseFormat}`
      // Like `image --out` and `video --out`: the folder is created, before the billable request.
      yield* ensureDir(dirname(path))
      // The file is checked before the billable request; an existing one is kept (a new free
      // name, printed) unless --force.
      const saved = yield* speech.synthesizeToFile(options, path, { force: args.force })
      yield* noteRenamed(path, saved.path)
      yield* Console.log(saved.path)
    })
  )

/** Runs `transcribe`. @since 0.1.0 @category Commands */
export const transcribe = (context: Context, args: TranscribeArgs) =>
  provideServices(
    context,
    false,
    Speech.layer,
    Effect.gen(function*() {
      const speech = yield* Speech.Speech
      const audio = yield* readFile(args.file, "FILE")
      const transcript = yield* speech.transcribe({ audio, fileName: args.file, model: opt(args.model), language: opt(args.language) })
      yield* Console.log(transcript.text)
    })
  )
