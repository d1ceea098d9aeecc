/**
 * The operation commands of the CLI: `chat`, `image`, `video` (with `resume` and `jobs`), `tts`
 * and `transcribe`, each with `--dry-run` where it sends a paid request.
 *
 * `--dry-run` prints exactly one JSON object `{ method, url, headers, body }` for the
 * operation's own request after the whole pipeline, with `Authorization` masked, and sends
 * nothing at all (bundled capabilities only, no catalogue lookup).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as FileSystem from "@effect/platform/FileSystem"
import { Chat, Images, OpenRouter, OpenRouterConfig, OpenRouterHttp, Speech, VideoRequest, Videos } from "@openrouter-effect/client"
import { HeaderPolicy, OpenRouterError, Secret, type Settings } from "@openrouter-effect/core"
import { Console, Effect, Option, Stream } from "effect"
import * as ConfigFile from "./ConfigFile.js"

/** What the commands need from the global options. @since 0.1.0 @category Models */
export interface Context {
  readonly location: { readonly file: string; readonly stateDir: string }
  readonly environment: Readonly<Record<string, string | undefined>>
  readonly baseUrl: string | undefined
  readonly connectTo: string | undefined
}

/** The client services for a context. @since 0.1.0 @category Layers */
export const services = (context: Context) =>
  Effect.map(ConfigFile.load(context.location.file), (loaded) =>
    OpenRouter.layer({
      document: loaded.raw,
      environment: context.environment,
      baseUrl: context.baseUrl,
      connectTo: context.connectTo,
      stateDir: context.location.stateDir
    }))

const withServices = <A, E, R, RC>(context: Effect.Effect<Context, never, RC>, effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(context, (ctx) => Effect.flatMap(services(ctx), (layer) => Effect.provide(effect, layer)))

const authorization = (key: Settings.Key): Record<string, string> =>
  Option.match(key.apiKey, { onNone: () => ({}), onSome: (apiKey) => ({ authorization: `Bearer ${Secret.mask(apiKey)}` }) })

const printDryRun = (url: string, headers: Readonly<Record<string, string>>, body: unknown) =>
  Console.log(JSON.stringify({ method: "POST", url, headers, body }, null, 2))

const readFile = (path: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFile(path)).pipe(
    Effect.mapError((error) => new OpenRouterError.BadInput({ field: "file", value: path, message: `Cannot read ${path}: ${error.message}` }))
  )

const mimeOf = (path: string): string => {
  const extension = path.split(".").pop()?.toLowerCase() ?? ""
  return extension === "jpg" || extension === "jpeg" ? "image/jpeg" : extension === "webp" ? "image/webp" : extension === "gif" ? "image/gif" : "image/png"
}

const ensureDir = (dir: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeDirectory(dir, { recursive: true })).pipe(
    Effect.mapError((error) => new OpenRouterError.BadInput({ field: "out", value: dir, message: `Cannot create ${dir}: ${error.message}` }))
  )

const model = Options.text("model").pipe(Options.withDescription("a model ref"), Options.optional)
const dryRun = Options.boolean("dry-run").pipe(Options.withDescription("print the request that would be sent, send nothing"))
const timeoutMs = Options.integer("timeout-ms").pipe(Options.optional)
const opt = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

// Options the user did not give are left out, not sent as undefined.
const definedOnly = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))

// ---- chat ----

const chatCommand = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("chat", {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.optional),
    messages: Options.text("messages").pipe(Options.withDescription("a JSON array of messages or a whole request body (FILE or -)"), Options.optional),
    model,
    thinking: Options.text("thinking").pipe(Options.withDescription("off, minimal, low, medium, high, xhigh, adaptive, max (and aliases)"), Options.optional),
    noStream: Options.boolean("no-stream"),
    showReasoning: Options.boolean("show-reasoning"),
    json: Options.boolean("json"),
    dryRun
  }, (args) =>
    withServices(
      context,
      Effect.gen(function*() {
        let request: Record<string, unknown>
        if (Option.isSome(args.messages)) {
          const source = args.messages.value
          const text = source === "-"
            ? yield* Effect.promise(async () => {
              const chunks: Array<Buffer> = []
              for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
              return Buffer.concat(chunks).toString("utf8")
            })
            : new TextDecoder().decode(yield* readFile(source))
          let parsed: unknown
          try {
            parsed = JSON.parse(text)
          } catch {
            return yield* Effect.fail(new OpenRouterError.BadInput({ field: "messages", value: source, message: `${source} is not JSON` }))
          }
          request = Array.isArray(parsed) ? { messages: parsed } : (parsed as Record<string, unknown>)
          if (Option.isSome(args.prompt)) request = { ...request, messages: [...(request.messages as Array<unknown>), { role: "user", content: args.prompt.value }] }
        } else if (Option.isSome(args.prompt)) {
          request = { messages: [{ role: "user", content: args.prompt.value }] }
        } else {
          return yield* Effect.fail(new OpenRouterError.BadInput({ field: "PROMPT", message: "Give a PROMPT or --messages FILE" }))
        }
        const chat = yield* Chat.Chat
        const options = { model: opt(args.model), thinking: opt(args.thinking) }
        if (args.dryRun) {
          const prepared = yield* chat.prepare(request, { ...options, catalog: "bundled" }, !args.noStream)
          return yield* printDryRun(prepared.url, { ...prepared.headers, "content-type": "application/json", ...authorization(prepared.settings.key) }, prepared.body)
        }
        if (args.noStream || args.json) {
          const completion = yield* chat.complete(request, options)
          if (args.json) return yield* Console.log(JSON.stringify(completion.response, null, 2))
          const reasoning = completion.response.choices[0]?.message.reasoning
          if (args.showReasoning && typeof reasoning === "string") yield* Console.error(reasoning)
          yield* Console.log(completion.text)
          const usage = completion.response.usage
          if (usage !== undefined) yield* Console.error(`usage: ${usage.prompt_tokens} prompt + ${usage.completion_tokens} completion tokens, cost $${usage.cost ?? 0}${completion.cache.status !== undefined ? `, cache ${completion.cache.status}` : ""}`)
          return
        }
        yield* chat.stream(request, options).pipe(
          Stream.runForEach((event) => {
            switch (event._tag) {
              case "Text":
                return Effect.sync(() => process.stdout.write(event.delta))
              case "Reasoning":
                return args.showReasoning ? Effect.sync(() => process.stderr.write(event.delta)) : Effect.void
              case "Usage":
                return Console.error(`\nusage: ${event.usage.prompt_tokens} prompt + ${event.usage.completion_tokens} completion tokens, cost $${event.usage.cost ?? 0}`)
              default:
                return Effect.void
            }
          })
        )
        yield* Effect.sync(() => process.stdout.write("\n"))
      })
    )).pipe(Command.withDescription("chat with a model (streamed)"))

// ---- image ----

const imageCommand = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("image", {
    prompt: Args.text({ name: "PROMPT" }),
    model,
    count: Options.integer("count").pipe(Options.optional),
    aspectRatio: Options.text("aspect-ratio").pipe(Options.optional),
    resolution: Options.text("resolution").pipe(Options.optional),
    input: Options.text("input").pipe(Options.repeated),
    timeoutMs,
    out: Options.text("out").pipe(Options.withDefault(".")),
    dryRun
  }, (args) =>
    withServices(
      context,
      Effect.gen(function*() {
        const images = yield* Images.Images
        const inputImages = []
        for (const path of args.input) inputImages.push({ bytes: yield* readFile(path), mimeType: mimeOf(path) })
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
          const config = yield* OpenRouterConfig.OpenRouterConfig
          const media = yield* config.media({ kind: "image", model: options.model })
          return yield* printDryRun(prepared.url, { ...prepared.headers, ...authorization(media.key) }, prepared.body)
        }
        const result = yield* images.generate(options)
        yield* ensureDir(args.out)
        const paths = yield* Images.save(result.images, args.out)
        for (const path of paths) yield* Console.log(path)
      })
    )).pipe(Command.withDescription("generate images"))

// ---- video ----

const progressLine = (progress: Videos.Progress) => {
  const text = `video ${progress.jobId}: ${progress.status}, ${(progress.elapsedMs / 1000).toFixed(0)} s, poll ${progress.attempt}`
  return process.stderr.isTTY === true ? Effect.sync(() => process.stderr.write(`\r${text}   `)) : Console.error(text)
}

const resumeHint = (jobId: string) => `The job is still on OpenRouter and paid for; continue it with: openrouter-effect video resume ${jobId}`

const finishVideo = (result: Videos.VideoResult) =>
  Effect.gen(function*() {
    if (process.stderr.isTTY === true) yield* Effect.sync(() => process.stderr.write("\n"))
    yield* Console.log(result.file ?? result.url ?? "")
    if (result.metadata.cost !== undefined) yield* Console.error(`cost $${result.metadata.cost}`)
  })

const videoResume = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("resume", { jobId: Args.text({ name: "JOB_ID" }), out: Options.text("out").pipe(Options.withDefault(".")) }, (args) =>
    withServices(
      context,
      Effect.gen(function*() {
        const videos = yield* Videos.Videos
        yield* ensureDir(args.out)
        const result = yield* videos.resume(args.jobId, { output: `${args.out}/video-${args.jobId}.mp4`, onProgress: progressLine })
        yield* finishVideo(result)
      })
    )).pipe(Command.withDescription("continue a stored video job: poll, then download"))

const videoJobs = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("jobs", {}, () =>
    withServices(
      context,
      Effect.gen(function*() {
        const videos = yield* Videos.Videos
        for (const job of yield* videos.jobs) {
          yield* Console.log(`${job.id}  ${job.status.padEnd(10)} ${job.model}  ${new Date(job.submittedAt).toISOString()}${job.output !== undefined ? `  ${job.output}` : ""}`)
        }
      })
    )).pipe(Command.withDescription("list the stored video jobs"))

const videoCommand = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("video", {
    prompt: Args.text({ name: "PROMPT" }).pipe(Args.optional),
    model,
    duration: Options.float("duration").pipe(Options.optional),
    resolution: Options.text("resolution").pipe(Options.optional),
    aspectRatio: Options.text("aspect-ratio").pipe(Options.optional),
    firstFrame: Options.text("first-frame").pipe(Options.optional),
    lastFrame: Options.text("last-frame").pipe(Options.optional),
    reference: Options.text("reference").pipe(Options.repeated),
    audio: Options.boolean("audio"),
    seed: Options.float("seed").pipe(Options.optional),
    timeoutMs,
    out: Options.text("out").pipe(Options.withDefault(".")),
    dryRun
  }, (args) =>
    withServices(
      context,
      Effect.gen(function*() {
        if (Option.isNone(args.prompt)) return yield* Effect.fail(new OpenRouterError.BadInput({ field: "PROMPT", message: "Give a PROMPT (or use video resume JOB_ID / video jobs)" }))
        const images: Array<VideoRequest.VideoInputImage> = []
        const frames = [[args.firstFrame, "first_frame"], [args.lastFrame, "last_frame"]] as const
        for (const [path, role] of frames) if (Option.isSome(path)) images.push({ bytes: yield* readFile(path.value), mimeType: mimeOf(path.value), role })
        for (const path of args.reference) images.push({ bytes: yield* readFile(path), mimeType: mimeOf(path), role: "reference_image" })
        const config = yield* OpenRouterConfig.OpenRouterConfig
        const media = yield* config.media({ kind: "video", model: opt(args.model), timeoutMs: opt(args.timeoutMs) })
        const options = definedOnly({
          prompt: args.prompt.value,
          model: media.model.slug,
          duration: opt(args.duration),
          resolution: opt(args.resolution),
          aspectRatio: opt(args.aspectRatio),
          images,
          audio: args.audio ? true : undefined,
          seed: opt(args.seed),
          timeoutMs: opt(args.timeoutMs)
        }) as unknown as VideoRequest.SubmitOptions
        if (args.dryRun) {
          const http = yield* OpenRouterHttp.OpenRouterHttp
          const capabilities = media.model.slug === VideoRequest.defaultModel ? VideoRequest.bundled : undefined
          const body = yield* VideoRequest.submitBody(media.model.slug, options, capabilities)
          return yield* printDryRun(
            http.url("/videos"),
            { ...HeaderPolicy.headers({ route: http.route, configured: media.headers }), "content-type": "application/json", ...authorization(media.key) },
            body
          )
        }
        yield* ensureDir(args.out)
        const videos = yield* Videos.Videos
        const job = yield* videos.submit({ ...options, output: `${args.out}/video.mp4` })
        yield* Console.error(`submitted video job ${job.id}`)
        const result = yield* Effect.flatMap(
          videos.poll(job, { timeoutMs: opt(args.timeoutMs), onProgress: progressLine, schedule: Videos.defaultPollSchedule }),
          (completed) => videos.download(job, completed)
        ).pipe(
          Effect.onInterrupt(() => Console.error(`\n${resumeHint(job.id)}`)),
          Effect.tapError((error) => (error._tag === "Timeout" ? Console.error(`\n${resumeHint(job.id)}`) : Effect.void))
        )
        yield* finishVideo(result)
      })
    )).pipe(Command.withDescription("generate a video (submit, poll with progress, download)"))

// ---- speech ----

const ttsCommand = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("tts", {
    text: Args.text({ name: "TEXT" }),
    model,
    voice: Options.text("voice").pipe(Options.optional),
    format: Options.text("format").pipe(Options.optional),
    speed: Options.float("speed").pipe(Options.optional),
    out: Options.text("out").pipe(Options.optional),
    dryRun
  }, (args) =>
    withServices(
      context,
      Effect.gen(function*() {
        const speech = yield* Speech.Speech
        const options = { text: args.text, model: opt(args.model), voice: opt(args.voice), format: opt(args.format), speed: opt(args.speed) }
        const prepared = yield* speech.prepare(options)
        if (args.dryRun) return yield* printDryRun(prepared.url, { ...prepared.headers, ...authorization(prepared.settings.key) }, prepared.body)
        const path = opt(args.out) ?? `speech.${prepared.settings.responseFormat}`
        const saved = yield* speech.synthesizeToFile(options, path)
        yield* Console.log(saved.path)
      })
    )).pipe(Command.withDescription("text to speech"))

const transcribeCommand = <R>(context: Effect.Effect<Context, never, R>) =>
  Command.make("transcribe", {
    file: Args.text({ name: "FILE" }),
    model,
    language: Options.text("language").pipe(Options.optional)
  }, (args) =>
    withServices(
      context,
      Effect.gen(function*() {
        const speech = yield* Speech.Speech
        const audio = yield* readFile(args.file)
        const transcript = yield* speech.transcribe({ audio, fileName: args.file, model: opt(args.model), language: opt(args.language) })
        yield* Console.log(transcript.text)
      })
    )).pipe(Command.withDescription("speech to text"))

/**
 * The operation commands, given the global context.
 *
 * @since 0.1.0 @category Commands
 */
export const commands = <R>(context: Effect.Effect<Context, never, R>) => [
  chatCommand(context),
  imageCommand(context),
  videoCommand(context).pipe(Command.withSubcommands([videoResume(context), videoJobs(context)])),
  ttsCommand(context),
  transcribeCommand(context)
] as const
