/**
 * `openrouter-effect image`: images through chat completions, saved to `--out`.
 *
 * @since 0.1.0
 */
import * as Images from "@openrouter-effect/client/Images"
import * as OutputFile from "@openrouter-effect/client/OutputFile"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import { authorization, type Context, mimeOf, noteRenamed, opt, printDryRun, provideServices, readFile } from "./Shared.js"

/** The parsed arguments of `image`. @since 0.1.0 @category Models */
export interface Args {
  readonly prompt: string
  readonly model: Option.Option<string>
  readonly count: Option.Option<number>
  readonly aspectRatio: Option.Option<string>
  readonly resolution: Option.Option<string>
  readonly input: ReadonlyArray<string>
  readonly timeoutMs: Option.Option<number>
  readonly out: string
  /** Replace an existing output file instead of choosing a new unique name. */
  readonly force: boolean
  readonly dryRun: boolean
}

const generate = (args: Args) =>
  Effect.gen(function*() {
    const images = yield* Images.Images
    const inputImages = []
    for (const path of args.input) inputImages.push({ bytes: yield* readFile(path, "input"), mimeType: mimeOf(path) })
    const options = {
      prompt: args.prompt,
      model: opt(args.model),
      count: opt(args.count),
      aspectRatio: opt(args.aspectRatio),
      resolution: opt(args.resolution),
      inputImages,
      timeoutMs: opt(args.timeoutMs)
    }
    if (args.dryRun) {
      const prepared = yield* images.prepare(options)
      return yield* printDryRun(prepared.url, { ...prepared.headers, ...authorization(prepared.settings.key) }, prepared.body)
    }
    // The directory is created and checked writable before the billable request.
    yield* OutputFile.checkDirectory(args.out, "out")
    const result = yield* images.generate(options)
    // Each image under its own name; an existing file is kept (a new free name) unless --force.
    for (const image of result.images) {
      const requested = `${args.out.replace(/\/+$/, "") || "/"}/${image.fileName}`
      const written = yield* OutputFile.save(requested, image.bytes, { force: args.force }, "out")
      yield* noteRenamed(requested, written)
      yield* Console.log(written)
    }
  })

/** Runs `image`. @since 0.1.0 @category Commands */
export const run = (context: Context, args: Args) => provideServices(context, args.dryRun, Images.layer, generate(args))
