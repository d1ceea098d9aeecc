/**
 * What the command implementations share: the resolved global options, file helpers, the
 * dry-run printer, and the `HttpClient` a dry run gets (one that refuses to send).
 *
 * Every module in `handlers/` is loaded on demand by `Cli.ts` (a dynamic import per command), so
 * these helpers import nothing heavier than `effect` and `@effect/platform`.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as ConfigLocation from "@openrouter-effect/core/ConfigLocation"
import { BadInput } from "@openrouter-effect/core/OpenRouterError"
import { mask } from "@openrouter-effect/core/Secret"
import type * as Settings from "@openrouter-effect/core/Settings"
import * as Limits from "@openrouter-effect/client/Limits"
import * as LocalFile from "@openrouter-effect/client/LocalFile"
import * as OpenRouterConfig from "@openrouter-effect/client/OpenRouterConfig"
import * as OpenRouterHttp from "@openrouter-effect/client/OpenRouterHttp"
import * as JsonText from "@openrouter-effect/core/JsonText"
import * as Console from "effect/Console"
import * as EffectContext from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Output from "../Output.js"

/** The global options, resolved, and the HTTP client the commands that send use. @since 0.1.0 @category Models */
export interface Context {
  readonly location: ConfigLocation.Location
  readonly environment: Readonly<Record<string, string | undefined>>
  readonly baseUrl: string | undefined
  readonly connectTo: string | undefined
  /** Built only by a command that sends: its construction loads the HTTP stack (undici). */
  readonly http: Layer.Layer<HttpClient.HttpClient>
  /** Whether `--` ended the options: an argument that looks like a flag is then meant as text. */
  readonly endOfOptions?: boolean | undefined
}

/**
 * The client of a `--dry-run`: it fails every request it is given, so a dry run cannot send
 * anything even by mistake, and the real HTTP stack is never loaded.
 *
 * @since 0.1.0 @category Layers
 */
export const refusingClient: HttpClient.HttpClient = HttpClient.make((request) =>
  Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", description: "--dry-run sends nothing" }))
)

/** `Authorization` as a dry run prints it: masked. @since 0.1.0 @category Dry run */
export const authorization = (key: Settings.Key): Record<string, string> =>
  Option.match(key.apiKey, { onNone: () => ({}), onSome: (apiKey) => ({ authorization: `Bearer ${mask(apiKey)}` }) })

/** Prints the one JSON object of `--dry-run`. @since 0.1.0 @category Dry run */
export const printDryRun = (url: string, headers: Readonly<Record<string, string>>, body: unknown) =>
  Console.log(JsonText.stringify({ method: "POST", url, headers, body }))

/**
 * Reads an input file the user named (`--input`, `--first-frame`, `--reference`, `transcribe
 * FILE`): a regular file only, at most `inputMediaBytes` (`Limits`); anything else is a
 * `BadInput` naming the file (and the limit), before any request.
 *
 * @since 0.1.0 @category Files
 */
export const readFile = (path: string, field = "file") => LocalFile.readInput(path, field)

/**
 * Says on stderr when an output went somewhere else than asked: a new free name (the file asked
 * for exists, and `--force` was not given). The path itself goes to stdout.
 *
 * @since 0.1.0 @category Files
 */
export const noteRenamed = (requested: string, written: string) =>
  written === requested ? Effect.void : Console.error(`${requested} exists: wrote ${written} instead (--force replaces it)`)

/** The image MIME type of a path, by its extension. @since 0.1.0 @category Files */
export const mimeOf = (path: string): string => {
  const extension = path.split(".").pop()?.toLowerCase() ?? ""
  return extension === "jpg" || extension === "jpeg" ? "image/jpeg" : extension === "webp" ? "image/webp" : extension === "gif" ? "image/gif" : "image/png"
}

// Why a folder could not be made, in words (the platform's message names its own call).
const SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a file of that name is in the way",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links in the path"
}

const reasonOf = (error: { readonly message: string; readonly cause?: unknown }): string => {
  const code = (error.cause as { readonly code?: unknown } | undefined)?.code
  if (typeof code === "string" && Object.hasOwn(SYSTEM_REASONS, code)) return SYSTEM_REASONS[code]!
  return typeof code === "string" ? code : "it cannot be created"
}

/**
 * Creates an output directory, as a `BadInput` saying why in words when it cannot be.
 *
 * @since 0.1.0 @category Files
 */
export const ensureDir = (dir: string) =>
  Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeDirectory(dir, { recursive: true })).pipe(
    Effect.mapError((error) => new BadInput({ field: "out", value: dir, message: `Cannot create the folder ${dir}: ${reasonOf(error)}` }))
  )

/** A shell word: quoted when it holds anything but safe characters. @since 0.1.0 @category Hints */
export const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)

/**
 * A command line to print as a hint: `openrouter-effect`, every global option that reaches the
 * same config, origin and route (`--config` when given as a flag, `--base-url`, `--connect-to`),
 * then `words`; each word quoted for a shell where needed.
 *
 * @since 0.1.0 @category Hints
 */
export const commandLine = (context: Pick<Context, "location" | "baseUrl" | "connectTo">, words: ReadonlyArray<string>): string => {
  const all = ["openrouter-effect"]
  if (context.location.source === "flag") all.push("--config", context.location.file)
  if (context.baseUrl !== undefined) all.push("--base-url", context.baseUrl)
  if (context.connectTo !== undefined) all.push("--connect-to", context.connectTo)
  return [...all, ...words].map(shellWord).join(" ")
}

/** An option's value, or undefined. @since 0.1.0 @category Options */
export const opt = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

/** Options the user did not give are left out, not sent as undefined. @since 0.1.0 @category Options */
export const definedOnly = (record: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined))

/**
 * The configuration and HTTP services every sending command builds on: the config file the global
 * options point at (read once, its variables through Effect's `Config`), `--base-url` as the
 * config's override, and `client`: the context's HTTP stack, or {@link refusingClient} for a dry
 * run; the `Limits` the config file sets. Each command adds only its own service on top (chat does not build speech or video), so a
 * command loads and builds no more than it uses.
 *
 * @since 0.1.0 @category Layers
 */
export const foundation = (context: Context, client: Layer.Layer<HttpClient.HttpClient>) => {
  const config = OpenRouterConfig.layerFile(context.location.file, { baseUrl: context.baseUrl }).pipe(
    // The keys the configuration resolves to are known from here on: their echoes are masked.
    Layer.tap((services) => Output.rememberConfiguredKeys(EffectContext.get(services, OpenRouterConfig.OpenRouterConfig)))
  )
  return OpenRouterHttp.layerConfig({ connectTo: context.connectTo }).pipe(
    Layer.provideMerge(config),
    Layer.provideMerge(client),
    // The config file's `models.providers.openrouter.limits`, for every service and handler (the
    // same config layer: the file is read once).
    Layer.provideMerge(Limits.layerFromConfig().pipe(Layer.provide(config)))
  )
}

/** The HTTP stack of a command: the refusing client for a dry run. @since 0.1.0 @category Layers */
export const clientOf = (context: Context, dryRun: boolean): Layer.Layer<HttpClient.HttpClient> =>
  dryRun ? Layer.succeed(HttpClient.HttpClient, refusingClient) : context.http

/**
 * Runs `effect` with the command's services: `services` on top of {@link foundation}.
 *
 * @since 0.1.0 @category Layers
 */
export const provideServices = <A, E, R, ROut, E2, RIn>(
  context: Context,
  dryRun: boolean,
  services: Layer.Layer<ROut, E2, RIn>,
  effect: Effect.Effect<A, E, R>
) =>
  Effect.provide(effect, services.pipe(Layer.provideMerge(foundation(context, clientOf(context, dryRun)))))
