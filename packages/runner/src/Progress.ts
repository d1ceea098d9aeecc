/**
 * The progress of `video` and `video resume` on stderr, as text: pure functions from a poll's or a
 * download's progress to the line shown, and a display that prints them.
 *
 * On a terminal the line is rewritten in place (carriage return and "erase line", the only escape
 * codes written, and only to a TTY): the status, the time elapsed and the countdown to the next
 * poll, redrawn every second; then the bytes downloaded and the rate. Piped (a log, CI), one line
 * per change: the first poll and each change of status, the download's start and end; no escape
 * codes at all.
 *
 * Every line goes through `Output.display`: a job id or a status comes from the server.
 *
 * @since 0.1.0
 */
import type * as Videos from "@openrouter-effect/client/Videos"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Output from "./Output.js"

/** How the line is rendered. @since 0.1.0 @category Models */
export interface Mode {
  /** stderr is a terminal: the line is rewritten in place. */
  readonly tty: boolean
  /** On a terminal, the time since the progress was reported (the line is redrawn between polls). */
  readonly sinceMs?: number | undefined
}

/**
 * A duration for a progress line: `42 s`, `3 min 05 s`, `1 h 02 min`.
 *
 * @since 0.1.0 @category Formatting
 */
export const duration = (ms: number): string => {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor(seconds / 60) % 60).padStart(2, "0")} min`
}

/**
 * A size for a progress line, in decimal units as download tools show them: `512 B`, `1.5 kB`,
 * `12.3 MB`, `1.2 GB`.
 *
 * @since 0.1.0 @category Formatting
 */
export const bytes = (n: number): string => {
  if (n < 1000) return `${Math.max(0, Math.floor(n))} B`
  const units = ["kB", "MB", "GB", "TB"] as const
  let value = n / 1000
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/**
 * The line of a poll. On a terminal: `video JOB: STATUS · 42 s elapsed · next poll in 5 s`, with
 * `sinceMs` added to the elapsed time and taken off the countdown. Piped: `video JOB: STATUS, 42 s,
 * poll N`. Not yet escaped (see {@link render}).
 *
 * @since 0.1.0 @category Formatting
 */
export const progressLine = (progress: Videos.Progress, mode: Mode): string => {
  if (!mode.tty) return `video ${progress.jobId}: ${progress.status}, ${(progress.elapsedMs / 1000).toFixed(0)} s, poll ${progress.attempt}`
  const since = Math.max(0, mode.sinceMs ?? 0)
  const next = progress.nextPollMs === undefined ? "" : ` · next poll in ${duration(Math.max(0, progress.nextPollMs - since) + 999)}`
  return `video ${progress.jobId}: ${progress.status} · ${duration(progress.elapsedMs + since)} elapsed${next}`
}

/**
 * The line of a download, or `undefined` when there is none to print (piped, only the start and
 * the end are). On a terminal: `downloading: 1.5 MB of 3.0 MB (50%) · 750.0 kB/s`. Piped:
 * `downloading video JOB (3.0 MB)`, then `downloaded 3.0 MB in 2 s (1.5 MB/s)`.
 *
 * @since 0.1.0 @category Formatting
 */
export const downloadLine = (progress: Videos.DownloadProgress, mode: Mode): string | undefined => {
  const of = progress.total === undefined ? "" : ` of ${bytes(progress.total)}`
  const percent = progress.total === undefined || progress.total === 0 ? "" : ` (${Math.floor((progress.bytes / progress.total) * 100)}%)`
  const rate = progress.elapsedMs > 0 ? ` · ${bytes((progress.bytes * 1000) / progress.elapsedMs)}/s` : ""
  switch (progress.phase) {
    case "start":
      return mode.tty ? `downloading video ${progress.jobId}: 0 B${of}` : `downloading video ${progress.jobId}${progress.total === undefined ? "" : ` (${bytes(progress.total)})`}`
    case "progress":
      return mode.tty ? `downloading video ${progress.jobId}: ${bytes(progress.bytes)}${of}${percent}${rate}` : undefined
    case "end":
      return `downloaded ${bytes(progress.bytes)} in ${duration(progress.elapsedMs)}${progress.elapsedMs > 0 ? ` (${bytes((progress.bytes * 1000) / progress.elapsedMs)}/s)` : ""}`
  }
}

/** Return to the line's start and erase it: written to a terminal only. */
const REWRITE = "\r\u001b[2K"

/**
 * What is written for a line: escaped (`Output.display`), and on a terminal preceded by the
 * codes that rewrite the current line, with no newline; piped, the line and a newline.
 *
 * @since 0.1.0 @category Formatting
 */
export const render = (line: string, mode: Pick<Mode, "tty"> & { readonly columns?: number | undefined }): string => {
  const shown = Output.display(line)
  if (!mode.tty) return `${shown}\n`
  // A line longer than the terminal wraps, and the carriage return then rewrites only its last
  // row: cut to the width (the line is escaped text, one column per character).
  const room = mode.columns !== undefined && mode.columns > 1 ? mode.columns - 1 : undefined
  return `${REWRITE}${room !== undefined && shown.length > room ? `${shown.slice(0, room - 1)}…` : shown}`
}

/**
 * A progress display on a stream (stderr): the callbacks for `Videos.poll` / `download` /
 * `resume`, {@link Display.ticking} to redraw a terminal line every second while polling, and
 * {@link Display.end} to close an open terminal line before anything else is printed.
 *
 * @since 0.1.0 @category Models
 */
export interface Display {
  readonly onProgress: (progress: Videos.Progress) => Effect.Effect<void>
  readonly onDownload: (progress: Videos.DownloadProgress) => Effect.Effect<void>
  readonly ticking: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly end: Effect.Effect<void>
}

/**
 * A display writing to `write` (`tty`: in place, else a line per change).
 *
 * @since 0.1.0 @category Constructors
 */
export const make = (options: {
  readonly tty: boolean
  readonly write: (text: string) => void
  /** The terminal's width: longer lines are cut to it. */
  readonly columns?: number | undefined
}): Display => {
  const { columns, tty, write } = options
  let open = false
  let lastStatus: string | undefined
  let latest: { readonly progress: Videos.Progress; readonly at: number } | undefined
  const show = (line: string) => {
    write(render(line, { tty, columns }))
    open = tty
  }
  const redraw = Effect.sync(() => {
    if (latest !== undefined) show(progressLine(latest.progress, { tty, sinceMs: Date.now() - latest.at }))
  })
  return {
    onProgress: (progress) =>
      Effect.sync(() => {
        if (tty) {
          latest = { progress, at: Date.now() }
          show(progressLine(progress, { tty }))
        } else if (progress.status !== lastStatus) {
          lastStatus = progress.status
          show(progressLine(progress, { tty }))
        }
      }),
    onDownload: (progress) =>
      Effect.sync(() => {
        latest = undefined
        const line = downloadLine(progress, { tty })
        if (line !== undefined) show(line)
      }),
    ticking: (effect) =>
      tty
        ? Effect.flatMap(Effect.fork(Effect.forever(Effect.zipRight(Effect.sleep("1 second"), redraw))), (ticker) =>
          Effect.ensuring(effect, Fiber.interrupt(ticker)))
        : effect,
    end: Effect.sync(() => {
      if (open) write("\n")
      open = false
      latest = undefined
    })
  }
}

/**
 * The display of this process's stderr: in place when it is a terminal (not `TERM=dumb`), each
 * line cut to its width.
 *
 * @since 0.1.0 @category Constructors
 */
export const stderr = (): Display =>
  make({
    // A terminal that cannot move its cursor (`TERM=dumb`, an editor's shell) gets the piped form.
    tty: process.stderr.isTTY === true && process.env["TERM"] !== "dumb",
    columns: process.stderr.columns,
    write: (text) => void process.stderr.write(text)
  })
