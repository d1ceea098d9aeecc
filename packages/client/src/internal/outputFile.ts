/**
 * Output files (a generated image, speech, a video): where one goes is decided, and checked
 * writable, before the billable request; the bytes then go to an exclusive temporary file beside
 * it, which becomes the output without ever replacing another file unless asked to.
 *
 * - A missing output is created. An existing regular file is kept: the output takes the first
 *   free name `<stem>-<n><ext>` instead (`speech.mp3` → `speech-1.mp3`), unless `force`, which
 *   replaces it atomically (a symbolic link to a regular file: its target, the link kept).
 * - What is not a regular file (a directory, a device, a FIFO, a dangling link) is refused.
 * - The final step never overwrites by accident: without `force` the temporary file is hard-linked
 *   to the name (which fails when the name was taken meanwhile: the next free name is used), then
 *   removed; a file system without hard links gets a rename after a check.
 */
import * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as OpenRouterError from "@openrouter-effect/core/OpenRouterError"
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import { isAlreadyExists, temporaryName } from "./atomicFile.js"
import * as LocalFile from "./localFile.js"
import * as StreamFile from "./streamFile.js"

/** How an existing output is treated. */
export interface Options {
  /** Replace an existing regular file (or a symbolic link's target) instead of choosing a new name. */
  readonly force?: boolean | undefined
}

/** Where an output goes, decided before the request. */
export interface Plan {
  /** The path asked for. */
  readonly requested: string
  /** The path to write: `requested`, a new free name beside it, or a symbolic link's target. */
  readonly path: string
  /** `path` exists and is to be replaced (`force`). */
  readonly replace: boolean
  /** `requested` is a symbolic link whose target is replaced. */
  readonly viaSymlink: boolean
}

// 255 bytes is the longest name common file systems hold; the longest suffix added beside an
// output is a download's `.<16 hex digits>.partial` (25 bytes), and a free name adds `-N`.
const MAX_NAME_BYTES = 255 - 32

const directoryOf = (path: string): string => {
  const slash = path.lastIndexOf("/")
  return slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : "."
}

const cannotWrite = (field: string, path: string, reason: string) =>
  new OpenRouterError.BadInput({ field, value: path, message: `Cannot write ${path}: ${reason}` })

const reasonOf = (error: PlatformError.PlatformError): string =>
  error._tag === "SystemError" && error.reason === "PermissionDenied" ? "permission denied" : error.message

/** `<stem>-<n><ext>` beside `path`: `a/speech.mp3`, 2 → `a/speech-2.mp3`; `a/.env`, 1 → `a/.env-1`. */
export const numbered = (path: string, n: number): string => {
  const slash = path.lastIndexOf("/")
  const directory = path.slice(0, slash + 1)
  const base = path.slice(slash + 1)
  const dot = base.lastIndexOf(".")
  return dot > 0 ? `${directory}${base.slice(0, dot)}-${n}${base.slice(dot)}` : `${directory}${base}-${n}`
}

const MAX_NUMBER = 10_000

/** Whether anything (a dangling link included) holds `path`. */
const taken = (fs: FileSystem.FileSystem, path: string) =>
  Effect.zipWith(fs.exists(path), LocalFile.isSymlink(fs, path), (exists, link) => exists || link)

/** The first free name among `path`, `<stem>-1<ext>`, `<stem>-2<ext>`, … */
export const freeName = (fs: FileSystem.FileSystem, path: string, from = 1): Effect.Effect<string, PlatformError.PlatformError> =>
  Effect.gen(function*() {
    for (let n = from; n <= MAX_NUMBER; n++) {
      const candidate = numbered(path, n)
      if (!(yield* taken(fs, candidate))) return candidate
    }
    return yield* Effect.fail(
      new PlatformError.SystemError({
        reason: "AlreadyExists",
        module: "FileSystem",
        method: "freeName",
        pathOrDescriptor: path,
        description: `${MAX_NUMBER} numbered names are taken`
      })
    )
  })

/**
 * Checks that a file can be created in `directory` (created when missing, unless `create` is
 * false): an exclusive probe file is created and removed. Fails with a `BadInput` naming `field`.
 */
export const checkDirectory = (
  fs: FileSystem.FileSystem,
  directory: string,
  field = "out",
  create = true
): Effect.Effect<void, OpenRouterError.BadInput> =>
  Effect.gen(function*() {
    if (create) {
      yield* fs.makeDirectory(directory, { recursive: true }).pipe(
        Effect.mapError((error) => new OpenRouterError.BadInput({ field, value: directory, message: `Cannot create ${directory}: ${reasonOf(error)}` }))
      )
    }
    const probe = temporaryName(`${directory.replace(/\/+$/, "") || "/"}/.openrouter-effect-probe`)
    yield* fs.writeFile(probe, new Uint8Array(0), { flag: "wx" }).pipe(
      Effect.zipRight(fs.remove(probe)),
      Effect.mapError((error) =>
        new OpenRouterError.BadInput({
          field,
          value: directory,
          message: `Cannot write into ${directory}: ${
            error._tag === "SystemError" && error.reason === "NotFound" ? "no such directory" : reasonOf(error)
          }`
        })
      )
    )
  })

/**
 * Decides where the output asked for at `requested` goes (see the module) and checks that it can
 * be written there, sending nothing: call it before the billable request.
 */
export const plan = (
  fs: FileSystem.FileSystem,
  requested: string,
  options: Options = {},
  field = "out"
): Effect.Effect<Plan, OpenRouterError.BadInput> =>
  Effect.gen(function*() {
    const failed = (error: PlatformError.PlatformError) => cannotWrite(field, requested, reasonOf(error))
    const kind = yield* LocalFile.inspect(fs, requested).pipe(Effect.mapError(failed))
    let decided: Plan
    switch (kind._tag) {
      case "Other":
        return yield* Effect.fail(cannotWrite(field, requested, `it is ${LocalFile.describeType(kind.type)}, not a regular file`))
      case "DanglingLink":
        return yield* Effect.fail(cannotWrite(field, requested, "it is a symbolic link to a missing file"))
      case "Missing":
        decided = { requested, path: requested, replace: false, viaSymlink: false }
        break
      case "File":
        decided = options.force === true
          ? { requested, path: kind.real, replace: true, viaSymlink: kind.symlink }
          : { requested, path: yield* freeName(fs, requested).pipe(Effect.mapError(failed)), replace: false, viaSymlink: false }
    }
    // A name the file system cannot hold with its temporary suffix would fail after the request
    // (which may be billed): refuse it now.
    const nameBytes = new TextEncoder().encode(decided.path.slice(decided.path.lastIndexOf("/") + 1)).byteLength
    if (nameBytes > MAX_NAME_BYTES) {
      return yield* Effect.fail(
        cannotWrite(field, requested, `the file name is ${nameBytes} bytes; at most ${MAX_NAME_BYTES} (a name may have 255, and the temporary file beside it needs the rest)`)
      )
    }
    // The directory of a file is the caller's to make (a typo in it should not become a folder).
    yield* checkDirectory(fs, directoryOf(decided.path), field, false)
    return decided
  })

/**
 * Writes `stream` into a new file at `path`, created exclusively (`wx`: a planted file or symlink
 * under that name fails the write rather than being followed), through two reusable write buffers
 * with back-pressure (`StreamFile.writeStream`: `options.inspect` sees every piece first,
 * `options.idle` bounds each pull).
 */
export const writeStreamExclusive = <E, R, E2 = never, R2 = never, E3 = never>(
  fs: FileSystem.FileSystem,
  path: string,
  stream: Stream.Stream<Uint8Array, E, R>,
  options: StreamFile.Options<E2, R2, E3> = {}
): Effect.Effect<void, E | E2 | E3 | PlatformError.PlatformError, R | R2> =>
  Effect.scoped(Effect.flatMap(fs.open(path, { flag: "wx" }), (file) => StreamFile.writeStream(file, stream, options)))

/**
 * Puts the output in place: `write` fills the temporary name it is given (creating it
 * exclusively), which then becomes `plan.path` (`replace`: a rename over it) or, without
 * `replace`, the first free name from `plan.path` on, never replacing a file. Answers the path
 * written. The temporary file is removed on any failure or interruption. `temporary` defaults
 * to a fresh random name beside the output; a caller giving a predictable one (a download's
 * `.partial`, to recognise it later) removes what is there first and creates it exclusively.
 */
export const commit = <E, R>(
  fs: FileSystem.FileSystem,
  decided: Plan,
  write: (temporary: string) => Effect.Effect<void, E, R>,
  field = "out",
  temporary: string = temporaryName(decided.path)
): Effect.Effect<string, E | OpenRouterError.BadInput, R> =>
  Effect.suspend(() => {
    const failed = (error: PlatformError.PlatformError) => cannotWrite(field, decided.path, reasonOf(error))
    // Without hard links (some network or FAT file systems): a rename after a check.
    const renameIfFree = (candidate: string) =>
      taken(fs, candidate).pipe(
        Effect.flatMap((isTaken) => isTaken ? Effect.succeed(false) : Effect.as(fs.rename(temporary, candidate), true))
      )
    const place = (candidate: string, n: number): Effect.Effect<string, PlatformError.PlatformError> =>
      fs.link(temporary, candidate).pipe(
        Effect.as(true),
        Effect.catchAll((error) => isAlreadyExists(error) ? Effect.succeed(false) : renameIfFree(candidate)),
        Effect.flatMap((placed) =>
          placed
            ? Effect.as(fs.remove(temporary).pipe(Effect.ignore), candidate)
            : Effect.flatMap(freeName(fs, decided.requested, n), (next) => place(next, n + 1))
        )
      )
    return write(temporary).pipe(
      Effect.zipRight(
        (decided.replace ? Effect.as(fs.rename(temporary, decided.path), decided.path) : place(decided.path, 1)).pipe(Effect.mapError(failed))
      ),
      // Also on interruption. Once the output is in place the temporary name is gone (or a
      // second link to it, removed above).
      Effect.onError(() => fs.remove(temporary).pipe(Effect.ignore))
    )
  })

/** A platform failure writing `path`, as the `BadInput` of option `field`. */
export const cannotWriteError = (field: string, path: string, error: PlatformError.PlatformError): OpenRouterError.BadInput =>
  cannotWrite(field, path, reasonOf(error))
