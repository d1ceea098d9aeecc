// Real parsers for the media the simulator serves: mp4box (GPAC's MP4 parser) and music-metadata.
// A file passes only when the parser reaches its end state without an error or a warning.
import { parseBuffer } from "music-metadata"
import { createFile, Log, MP4BoxBuffer, type Movie, type Sample } from "mp4box"
import { vi } from "@effect/vitest"

export interface ParsedMp4 {
  readonly info: Movie
  /** The top-level boxes, in order. */
  readonly boxes: ReadonlyArray<{ readonly type: string; readonly size: number }>
  /** The samples of track 1, from its sample table. */
  readonly samples: ReadonlyArray<Sample>
}

/**
 * Parses an MP4 (or its first bytes, when `bytes` is a prefix) with mp4box, at the warning log
 * level: fails on `onError`, on any warning or error it logs, and when `onReady` never comes.
 */
export const parseMp4 = (bytes: Uint8Array): ParsedMp4 => {
  const problems: Array<string> = []
  const warn = vi.spyOn(console, "warn").mockImplementation((...args) => void problems.push(args.join(" ")))
  const error = vi.spyOn(console, "error").mockImplementation((...args) => void problems.push(args.join(" ")))
  Log.setLogLevel(Log.warn)
  try {
    const file = createFile()
    let info: Movie | undefined
    file.onError = (module, message) => void problems.push(`${module}: ${message}`)
    file.onReady = (movie) => {
      info = movie
    }
    // mp4box keeps the buffer it is given: hand it a copy.
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0), true)
    file.flush()
    if (problems.length > 0) throw new Error(`mp4box: ${problems.join("; ")}`)
    if (info === undefined) throw new Error("mp4box never reached onReady")
    return {
      info,
      boxes: file.boxes.map((box) => ({ type: box.type, size: box.size })),
      samples: info.tracks.length > 0 ? file.getTrackSamplesInfo(1) : []
    }
  } finally {
    Log.setLogLevel(Log.error)
    warn.mockRestore()
    error.mockRestore()
  }
}

/** music-metadata's reading of an audio file, decoding the whole stream for its duration. */
export const parseAudio = async (bytes: Uint8Array, mimeType: string) =>
  (await parseBuffer(bytes, { mimeType, size: bytes.length }, { duration: true })).format
