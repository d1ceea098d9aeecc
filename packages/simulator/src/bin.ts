/**
 * `openrouter-sim`: starts the simulator and keeps it running until Ctrl-C.
 *
 *   openrouter-sim [--port N] [--api-key KEY]... [--public-base-url URL] [--polling-url relative|absolute]
 *                  [--cdn] [--video-ms MS] [--video-bytes N] [--bench] [--reply-words N]
 */
import * as Server from "./Server.js"
import type { Options } from "./Types.js"

const usage = "usage: openrouter-sim [--port N] [--api-key KEY]... [--public-base-url URL] [--polling-url relative|absolute] [--cdn] [--video-ms MS] [--video-bytes N] [--bench] [--reply-words N]"

const parse = (argv: ReadonlyArray<string>): Options | string => {
  const options: { -readonly [K in keyof Options]: Options[K] } = {}
  const keys: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${flag} needs a value`)
      return next
    }
    const count = (name: string, text: string) => {
      const n = Number(text)
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(text)}`)
      return n
    }
    switch (flag) {
      case "--port":
        options.port = count("--port", value())
        break
      case "--api-key":
        keys.push(value())
        break
      case "--public-base-url":
        options.publicBaseUrl = value()
        break
      case "--polling-url": {
        const mode = value()
        if (mode !== "relative" && mode !== "absolute") throw new Error("--polling-url is relative or absolute")
        options.pollingUrl = mode
        break
      }
      case "--cdn":
        options.cdn = true
        break
      case "--video-ms":
        options.videoProcessingMs = count("--video-ms", value())
        break
      case "--video-bytes":
        options.videoBytes = count("--video-bytes", value())
        break
      case "--bench":
        options.bench = true
        break
      case "--reply-words": {
        // A long answer (for streaming benchmarks): one content delta per word.
        const words = count("--reply-words", value())
        options.replyText = Array.from({ length: words }, (_, i) => `w${i}`).join(" ")
        break
      }
      case "--help":
      case "-h":
        return usage
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}\n${usage}`)
    }
  }
  return keys.length > 0 ? { ...options, apiKeys: keys } : options
}

try {
  const options = parse(process.argv.slice(2))
  if (typeof options === "string") {
    console.log(options)
  } else {
    const running = await Server.start(options)
    console.log(`OpenRouter simulator listening on ${running.baseUrl}${running.cdnOrigin !== undefined ? ` (CDN ${running.cdnOrigin}; clients must allow it with mediaHosts ${running.mediaHosts.join(",")})` : ""}`)
    const stop = () => {
      running.close().then(() => process.exit(0), () => process.exit(1))
    }
    process.once("SIGINT", stop)
    process.once("SIGTERM", stop)
  }
} catch (cause) {
  console.error(`openrouter-sim: ${cause instanceof Error ? cause.message : String(cause)}`)
  process.exitCode = 2
}
