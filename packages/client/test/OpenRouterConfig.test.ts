import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import type { OpenRouterError } from "@openrouter-effect/core"
import { ConfigProvider, Effect, type Exit, type Layer, Option, Redacted, Tracer } from "effect"
import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import { inspect } from "node:util"
import * as Limits from "../src/Limits.js"
import * as OpenRouterConfig from "../src/OpenRouterConfig.js"

const KEY = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
const OTHER_KEY = "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"

const provider = (vars: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(vars)))

type ConfigLayer = Layer.Layer<OpenRouterConfig.OpenRouterConfig, OpenRouterError.ConfigError, FileSystem.FileSystem>

// Builds a layer under a ConfigProvider made of `vars` (never the real process environment).
const load = (layer: ConfigLayer, vars: Record<string, string>) =>
  OpenRouterConfig.OpenRouterConfig.pipe(Effect.provide(layer), Effect.withConfigProvider(provider(vars)))

const write = (file: string, text: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = file.slice(0, file.lastIndexOf("/"))
    yield* fs.makeDirectory(dir, { recursive: true })
    yield* fs.writeFileString(file, text)
  })

const tempDir = Effect.flatMap(FileSystem.FileSystem, (fs) => fs.makeTempDirectoryScoped({ prefix: "orc-config-" }))

const keyValue = (key: { readonly apiKey: Option.Option<Redacted.Redacted<string>> }) =>
  Option.getOrUndefined(Option.map(key.apiKey, Redacted.value))

// A tracer that records every span: name, attributes and exit.
interface Recorded {
  readonly name: string
  readonly attributes: Map<string, unknown>
  exit?: Exit.Exit<unknown, unknown>
}

const recordingTracer = () => {
  const spans: Array<Recorded> = []
  let id = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      const record: Recorded = { name, attributes }
      spans.push(record)
      const spanId = `span-${++id}`
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end(_endTime, exit) {
          record.exit = exit
        },
        attribute(key, value) {
          attributes.set(key, value)
        },
        event() {},
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}

const serializeSpans = (spans: ReadonlyArray<Recorded>) =>
  JSON.stringify(spans.map((span) => ({
    name: span.name,
    attributes: Object.fromEntries(span.attributes),
    exit: span.exit
  })))

describe("OpenRouterConfig.referencedNames", () => {
  it("finds nested references in strings, objects and arrays", () => {
    const names = OpenRouterConfig.referencedNames({
      env: { vars: { OPENROUTER_API_KEY: "${VAULT_KEY}" } },
      models: { providers: { openrouter: { baseUrl: "https://${HOST_A}/x/${PATH_B}", headers: { x: "${H_1}" } } } },
      list: [{ deep: ["${IN_ARRAY}", 42, null, true] }]
    })
    expect([...names].sort()).toEqual(["HOST_A", "H_1", "IN_ARRAY", "PATH_B", "VAULT_KEY"])
  })

  it("ignores escaped references and lower-case names", () => {
    const names = OpenRouterConfig.referencedNames({
      a: "$${ESCAPED}",
      b: "${lower}",
      c: "${Mixed}",
      d: "$${ESCAPED_TOO} and ${REAL}",
      e: "$ {SPACED} {BRACES} $NOBRACE"
    })
    expect([...names]).toEqual(["REAL"])
  })

  it("returns nothing for non-objects and tolerates cycles", () => {
    expect(OpenRouterConfig.referencedNames(undefined).size).toBe(0)
    expect(OpenRouterConfig.referencedNames(12).size).toBe(0)
    const cyclic: Record<string, unknown> = { a: "${CYCLE}" }
    cyclic.self = cyclic
    expect([...OpenRouterConfig.referencedNames(cyclic)]).toEqual(["CYCLE"])
  })
})

describe("OpenRouterConfig.snapshot", () => {
  it.effect("reads the named variables through the ConfigProvider: missing is absent, empty stays empty", () =>
    Effect.gen(function*() {
      const environment = yield* OpenRouterConfig.snapshot(["PRESENT", "EMPTY", "MISSING", "PRESENT"]).pipe(
        Effect.withConfigProvider(provider({ PRESENT: "yes", EMPTY: "", UNASKED: "no" }))
      )
      expect(environment).toEqual({ PRESENT: "yes", EMPTY: "" })
      expect(Object.hasOwn(environment, "MISSING")).toBe(false)
    }))
})

describe("OpenRouterConfig.layer (in memory)", () => {
  it.effect("needs no FileSystem and reads no environment", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig.OpenRouterConfig.pipe(
        Effect.provide(OpenRouterConfig.layer({
          document: { agents: { defaults: { model: "openrouter/anthropic/claude-sonnet-4.5" } }, other: { kept: 1 } },
          environment: { OPENROUTER_API_KEY: KEY }
        })),
        // A provider that would give another key: the in-memory layer never asks it.
        Effect.withConfigProvider(provider({ OPENROUTER_API_KEY: OTHER_KEY, HOME: "/nowhere" }))
      )
      expect(config.location).toBeUndefined()
      expect(config.fileFound).toBe(false)
      expect(config.environment).toEqual({ OPENROUTER_API_KEY: KEY })
      expect(config.raw).toEqual({
        agents: { defaults: { model: "openrouter/anthropic/claude-sonnet-4.5" } },
        other: { kept: 1 }
      })
      const chat = yield* config.chat()
      expect(chat.model.slug).toBe("anthropic/claude-sonnet-4.5")
      expect(chat.modelSource).toBe("config")
      expect(keyValue(chat.key)).toBe(KEY)
      expect(chat.key.source).toBe("environment")
    }))

  it.effect("a logged or serialized service shows names, never values", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig.OpenRouterConfig.pipe(
        Effect.provide(OpenRouterConfig.layer({
          document: { env: { OPENROUTER_API_KEY: KEY }, models: {} },
          environment: { OPENROUTER_API_KEY: KEY }
        }))
      )
      expect(JSON.parse(JSON.stringify(config))).toEqual({
        _id: "OpenRouterConfig",
        fileFound: false,
        variables: ["OPENROUTER_API_KEY"],
        sections: ["env", "models"]
      })
      expect(String(config)).not.toContain(KEY)
      expect(inspect(config, { depth: 10 })).not.toContain(KEY)
      // The values are still there for those who read them.
      expect(config.environment.OPENROUTER_API_KEY).toBe(KEY)
    }))

  it.effect("defaults to an empty document and an empty environment", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig.OpenRouterConfig.pipe(Effect.provide(OpenRouterConfig.layer()))
      expect(config.environment).toEqual({})
      expect(config.document).toEqual({})
      const chat = yield* config.chat()
      expect(chat.key.source).toBe("none")
      expect(chat.model.slug).toBe("openrouter/auto")
    }))

  it.effect("a raw document that does not match the schema is a ConfigError naming the path", () =>
    Effect.gen(function*() {
      const error = yield* OpenRouterConfig.OpenRouterConfig.pipe(
        Effect.provide(OpenRouterConfig.layer({ document: { agents: { defaults: { mediaMaxMb: -1 } } } })),
        Effect.flip
      )
      expect(error._tag).toBe("ConfigError")
      expect(error.path).toBe("agents.defaults.mediaMaxMb")
    }))

  it.effect("make accepts an already decoded document and a location", () =>
    Effect.gen(function*() {
      const location = { file: "/etc/x/openclaw.json", source: "flag" as const, stateDir: "/etc/x" }
      const service = yield* OpenRouterConfig.make({
        document: { messages: { tts: { providers: { openrouter: { voice: "bf_emma" } } } } },
        environment: {},
        location,
        fileFound: true
      })
      expect(service.location).toEqual(location)
      expect(service.fileFound).toBe(true)
      const speech = yield* service.speech()
      expect(speech.voice).toBe("bf_emma")
      const media = yield* service.media({ kind: "video" })
      expect(media.model.slug).toBe("google/veo-3.1-fast")
      expect(media.timeoutMs).toBe(600_000)
    }))

  it.effect("the resolvers return the core's errors unchanged", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig.OpenRouterConfig.pipe(Effect.provide(OpenRouterConfig.layer()))
      const chatError = yield* Effect.flip(config.chat({ model: "openrouter/openai/gpt-4o@work" }))
      expect(chatError._tag).toBe("InvalidModelRef")
      const mediaError = yield* Effect.flip(config.media({ kind: "image", timeoutMs: -5 }))
      expect(mediaError._tag).toBe("BadInput")
      const speechError = yield* Effect.flip(config.speech({ responseFormat: "flac" }))
      expect(speechError._tag).toBe("BadInput")
    }))

  it.effect("an unresolved ${VAR} is the core's ConfigError naming the variable", () =>
    Effect.gen(function*() {
      const config = yield* OpenRouterConfig.OpenRouterConfig.pipe(
        Effect.provide(OpenRouterConfig.layer({
          document: { models: { providers: { openrouter: { baseUrl: "${MY_BASE}" } } } }
        }))
      )
      const error = yield* Effect.flip(config.chat())
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain("MY_BASE")
    }))
})

describe("OpenRouterConfig.layerFile (real files)", () => {
  it.layer(NodeFileSystem.layer)((it) => {
    it.scoped("a missing file: the environment alone works, fileFound is false", () =>
      Effect.gen(function*() {
        const home = yield* tempDir
        const config = yield* load(OpenRouterConfig.layerConfig, { HOME: home, OPENROUTER_API_KEY: KEY })
        expect(config.fileFound).toBe(false)
        expect(config.location).toEqual({
          file: `${home}/.openclaw/openclaw.json`,
          source: "default",
          stateDir: `${home}/.openclaw`
        })
        expect(config.raw).toEqual({})
        expect(config.document).toEqual({})
        const chat = yield* config.chat()
        expect(keyValue(chat.key)).toBe(KEY)
        expect(chat.key.source).toBe("environment")
        expect(chat.baseUrl).toBe("https://openrouter.ai/api/v1")
      }))

    it.scoped("a file with the key in env.vars and ${MY_BASE} from the ConfigProvider", () =>
      Effect.gen(function*() {
        const home = yield* tempDir
        const file = `${home}/.openclaw/openclaw.json`
        yield* write(
          file,
          `// JSON5, comments allowed
{
  env: { vars: { OPENROUTER_API_KEY: "${KEY}" } },
  models: { providers: { openrouter: { baseUrl: "\${MY_BASE}" } } },
  plugins: { somethingElse: "$\${LITERAL}" },
}`
        )
        const config = yield* load(OpenRouterConfig.layerFile(), {
          HOME: home,
          MY_BASE: "https://proxy.example.com/api/v1",
          UNRELATED: "not read"
        })
        expect(config.fileFound).toBe(true)
        expect(config.location?.file).toBe(file)
        expect(config.environment).toEqual({ HOME: home, MY_BASE: "https://proxy.example.com/api/v1" })
        // The raw document keeps the reference as written; substitution happens in the resolvers.
        expect(config.raw).toMatchObject({ models: { providers: { openrouter: { baseUrl: "${MY_BASE}" } } } })
        const chat = yield* config.chat()
        expect(chat.baseUrl).toBe("https://proxy.example.com/api/v1")
        expect(chat.route.endpointClass).toBe("custom")
        expect(keyValue(chat.key)).toBe(KEY)
        expect(chat.key.source).toBe("config-env")
      }))

    it.scoped("a broken JSON5 file is a ConfigError with the file and line:column", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const file = `${dir}/broken.json5`
        yield* write(file, `{\n  agents: { defaults: {} },\n  oops\n}\n`)
        const error = yield* Effect.flip(load(OpenRouterConfig.layerFile(file), {}))
        expect(error._tag).toBe("ConfigError")
        expect(error.file).toBe(file)
        expect(error.line).toBe(4)
        expect(typeof error.column).toBe("number")
        expect(error.message).toContain(`${file}:4:${error.column}`)
      }))

    it.scoped("a file that does not match the schema names the JSON path", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const file = `${dir}/openclaw.json`
        yield* write(file, `{ agents: { defaults: { mediaMaxMb: "big" } } }`)
        const error = yield* Effect.flip(load(OpenRouterConfig.layerFile(file), {}))
        expect(error.file).toBe(file)
        expect(error.path).toBe("agents.defaults.mediaMaxMb")
      }))

    // Issue 17, defect 14: the old read blocked on a FIFO for good, read /dev/zero until memory
    // ran out and held a 100 MB file whole.
    it.scoped("a FIFO, /dev/zero, a 100 MB file: ConfigErrors at once naming why (configFileBytes)", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const fifo = `${dir}/fifo.json`
        execFileSync("mkfifo", [fifo])
        const big = `${dir}/big.json`
        fs.writeFileSync(big, "")
        fs.truncateSync(big, 100 * 1024 * 1024)
        const guard = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          effect.pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("hung") }))
        const fifoError = yield* Effect.flip(guard(load(OpenRouterConfig.layerFile(fifo), {})))
        expect(fifoError.message).toBe(`${fifo}: cannot read the config file: it is a FIFO (named pipe), not a regular file`)
        const zeroError = yield* Effect.flip(guard(load(OpenRouterConfig.layerFile("/dev/zero"), {})))
        expect(zeroError.message).toContain("a character device, not a regular file")
        const bigError = yield* Effect.flip(guard(load(OpenRouterConfig.layerFile(big), {})))
        expect(bigError).toMatchObject({ _tag: "ConfigError", file: big, message: `${big}: the config file exceeds configFileBytes (4 MiB)` })
        // The limit comes from the layer.
        const small = `${dir}/small.json`
        fs.writeFileSync(small, `{}${" ".repeat(3000)}`)
        const smallError = yield* Effect.flip(
          load(OpenRouterConfig.layerFile(small), {}).pipe(Effect.provide(Limits.layer({ configFileBytes: 2048 })))
        )
        expect(smallError.message).toContain("configFileBytes (2 KiB)")
      }))

    it.scoped("a path that cannot be read as a file is a ConfigError naming it", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const error = yield* Effect.flip(load(OpenRouterConfig.layerFile(dir), {}))
        expect(error._tag).toBe("ConfigError")
        expect(error.file).toBe(dir)
        expect(error.message).toContain(`${dir}: cannot read the config file`)
      }))

    it.scoped("layerFile(path) beats OPENCLAW_CONFIG_PATH, which beats OPENCLAW_STATE_DIR, which beats HOME", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const model = (slug: string) => `{ agents: { defaults: { model: "${slug}" } } }`
        yield* write(`${dir}/flag.json`, model("a/flag"))
        yield* write(`${dir}/env-path.json`, model("a/env-path"))
        yield* write(`${dir}/state/openclaw.json`, model("a/state-dir"))
        yield* write(`${dir}/home/.openclaw/openclaw.json`, model("a/home"))
        const vars = {
          HOME: `${dir}/home`,
          OPENCLAW_CONFIG_PATH: `${dir}/env-path.json`,
          OPENCLAW_STATE_DIR: `${dir}/state`
        }
        const slugOf = (layer: ConfigLayer, env: Record<string, string>) =>
          Effect.gen(function*() {
            const config = yield* load(layer, env)
            const chat = yield* config.chat()
            return [chat.model.slug, config.location?.source, config.location?.stateDir] as const
          })
        expect(yield* slugOf(OpenRouterConfig.layerFile(`${dir}/flag.json`), vars)).toEqual([
          "a/flag",
          "flag",
          `${dir}/state`
        ])
        expect(yield* slugOf(OpenRouterConfig.layerConfig, vars)).toEqual([
          "a/env-path",
          "OPENCLAW_CONFIG_PATH",
          `${dir}/state`
        ])
        const { OPENCLAW_CONFIG_PATH: _, ...withoutPath } = vars
        expect(yield* slugOf(OpenRouterConfig.layerConfig, withoutPath)).toEqual([
          "a/state-dir",
          "OPENCLAW_STATE_DIR",
          `${dir}/state`
        ])
        // An empty variable counts as unset.
        expect(yield* slugOf(OpenRouterConfig.layerConfig, { HOME: `${dir}/home`, OPENCLAW_CONFIG_PATH: "", OPENCLAW_STATE_DIR: " " }))
          .toEqual(["a/home", "default", `${dir}/home/.openclaw`])
        // `~` in the flag is the home directory from the environment.
        expect(yield* slugOf(OpenRouterConfig.layerFile("~/.openclaw/openclaw.json"), { HOME: `${dir}/home` }))
          .toEqual(["a/home", "flag", `${dir}/home/.openclaw`])
      }))

    it.scoped("the key never appears in spans or error messages", () => {
      const { spans, tracer } = recordingTracer()
      return Effect.gen(function*() {
        const dir = yield* tempDir
        const errors: Array<unknown> = []

        // Success: the key from the environment, the model from the file.
        const good = `${dir}/good.json`
        yield* write(good, `{ agents: { defaults: { model: "openrouter/openai/gpt-4o" } } }`)
        const config = yield* load(OpenRouterConfig.layerFile(good), { OPENROUTER_API_KEY: KEY })
        const chat = yield* config.chat({ apiKey: KEY })
        expect(keyValue(chat.key)).toBe(KEY)
        yield* config.media({ kind: "image" })
        yield* config.speech()
        // The call's key with a bad model ref.
        errors.push(yield* Effect.flip(config.chat({ apiKey: KEY, model: "openai/gpt-4o@work" })))

        // A key in a file sent to a plain-http base URL: refused.
        const http = `${dir}/http.json`
        yield* write(
          http,
          `{ env: { OPENROUTER_API_KEY: "${KEY}" }, models: { providers: { openrouter: { baseUrl: "http://evil.example/api/v1" } } } }`
        )
        const refused = yield* load(OpenRouterConfig.layerFile(http), {})
        errors.push(yield* Effect.flip(refused.chat()))
        errors.push(yield* Effect.flip(refused.media({ kind: "video" })))

        // A key where the schema expects a string: the value is not shown.
        const badShape = `${dir}/bad-shape.json`
        yield* write(badShape, `{ models: { providers: { openrouter: { apiKey: ["${KEY}"] } } } }`)
        errors.push(yield* Effect.flip(load(OpenRouterConfig.layerFile(badShape), {})))
        const badEnv = `${dir}/bad-env.json`
        yield* write(badEnv, `{ env: { vars: "${KEY}" } }`)
        errors.push(yield* Effect.flip(load(OpenRouterConfig.layerFile(badEnv), {})))

        // A syntax error after the key.
        const broken = `${dir}/broken.json`
        yield* write(broken, `{ env: { OPENROUTER_API_KEY: "${KEY}" } x }`)
        errors.push(yield* Effect.flip(load(OpenRouterConfig.layerFile(broken), {})))

        expect(errors.map((e) => (e as { _tag: string })._tag)).toEqual([
          "InvalidModelRef",
          "ConfigError",
          "ConfigError",
          "ConfigError",
          "ConfigError",
          "ConfigError"
        ])
        for (const error of errors) {
          expect(JSON.stringify(error)).not.toContain(KEY)
          expect(String(error)).not.toContain(KEY)
          expect((error as Error).message).not.toContain(KEY)
        }

        const names = spans.map((span) => span.name)
        expect(names).toContain("OpenRouterConfig.load")
        expect(names).toContain("OpenRouterConfig.chat")
        expect(names).toContain("OpenRouterConfig.media")
        expect(names).toContain("OpenRouterConfig.speech")
        const chatSpan = spans.find((span) => span.name === "OpenRouterConfig.chat")
        expect(Object.fromEntries(chatSpan?.attributes ?? [])).toMatchObject({
          "openrouter.model": "openai/gpt-4o",
          "openrouter.route": "default",
          "openrouter.key.source": "call"
        })
        const loadSpan = spans.find((span) => span.name === "OpenRouterConfig.load")
        expect(Object.fromEntries(loadSpan?.attributes ?? [])).toMatchObject({
          "openrouter.config.file": good,
          "openrouter.config.source": "flag",
          "openrouter.config.found": true
        })
        expect(spans.every((span) => span.exit !== undefined)).toBe(true)
        expect(serializeSpans(spans)).not.toContain(KEY)
        expect(serializeSpans(spans)).not.toContain(KEY.slice(-12))
      }).pipe(Effect.withTracer(tracer))
    })
  })
})

describe("OpenRouterConfig.layerFile (FileSystem doubles)", () => {
  // The config is read as a regular file of bounded size: `stat`, then `open` and `readAlloc`.
  const infoOf = (size: number): FileSystem.File.Info => ({
    type: "File",
    mtime: Option.none(),
    atime: Option.none(),
    birthtime: Option.none(),
    dev: 0,
    ino: Option.none(),
    mode: 0o600,
    nlink: Option.none(),
    uid: Option.none(),
    gid: Option.none(),
    rdev: Option.none(),
    size: FileSystem.Size(size),
    blksize: Option.none(),
    blocks: Option.none()
  })
  const notALink = (path: string) =>
    Effect.fail(new SystemError({ reason: "InvalidData", module: "FileSystem", method: "readLink", pathOrDescriptor: path }))
  /** A file system holding one regular file with `text`, wherever it is asked for. */
  const serving = (text: string) => {
    const bytes = new TextEncoder().encode(text)
    return FileSystem.layerNoop({
      readLink: notALink,
      stat: () => Effect.succeed(infoOf(bytes.length)),
      open: () =>
        Effect.sync(() => {
          let sent = false
          return {
            stat: Effect.succeed(infoOf(bytes.length)),
            readAlloc: () =>
              Effect.sync(() => {
                if (sent) return Option.none()
                sent = true
                return Option.some(bytes)
              })
          } as unknown as FileSystem.File
        })
    })
  }
  const permissionDenied = FileSystem.layerNoop({
    readLink: notALink,
    stat: () => Effect.succeed(infoOf(10)),
    open: (path) =>
      Effect.fail(
        new SystemError({
          reason: "PermissionDenied",
          module: "FileSystem",
          method: "open",
          pathOrDescriptor: path,
          syscall: "open",
          description: `EACCES: permission denied, open '${path}'`
        })
      )
  })

  it.effect("an unreadable file is a ConfigError naming the file and the OS reason", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        load(OpenRouterConfig.layerFile("/etc/secret/openclaw.json"), {}).pipe(Effect.provide(permissionDenied))
      )
      expect(error._tag).toBe("ConfigError")
      expect(error.file).toBe("/etc/secret/openclaw.json")
      expect(error.message).toContain("/etc/secret/openclaw.json: cannot read the config file: permission denied")
      expect(error.message).toContain("EACCES")
    }))

  it.effect("a failing stat is a ConfigError too", () =>
    Effect.gen(function*() {
      const layer = FileSystem.layerNoop({
        readLink: notALink,
        stat: (path) =>
          Effect.fail(new SystemError({ reason: "PermissionDenied", module: "FileSystem", method: "stat", pathOrDescriptor: path }))
      })
      const error = yield* Effect.flip(load(OpenRouterConfig.layerFile("/locked/openclaw.json"), {}).pipe(Effect.provide(layer)))
      expect(error.file).toBe("/locked/openclaw.json")
      expect(error.message).toContain("permission denied")
    }))

  it.effect("a file removed between exists and read is treated as missing", () =>
    Effect.gen(function*() {
      const layer = FileSystem.layerNoop({ exists: () => Effect.succeed(true) })
      const config = yield* load(OpenRouterConfig.layerConfig, { HOME: "/home/u", OPENROUTER_API_KEY: KEY }).pipe(
        Effect.provide(layer)
      )
      expect(config.fileFound).toBe(false)
      expect(config.location?.file).toBe("/home/u/.openclaw/openclaw.json")
    }))

  it.effect("without HOME the default location is under ~", () =>
    Effect.gen(function*() {
      const config = yield* load(OpenRouterConfig.layerConfig, {}).pipe(Effect.provide(FileSystem.layerNoop({})))
      expect(config.location?.file).toBe("~/.openclaw/openclaw.json")
      expect(config.environment).toEqual({})
    }))

  it.effect("the environment snapshot holds the fixed names and the file's references only", () =>
    Effect.gen(function*() {
      const layer = serving(`{ models: { providers: { openrouter: { headers: { "X-Team": "\${TEAM}" } } } } }`)
      const config = yield* load(OpenRouterConfig.layerFile("/x/openclaw.json"), {
        TEAM: "blue",
        OPENROUTER_CONNECT_TO: "127.0.0.1:8080",
        OPENCLAW_STATE_DIR: "/state",
        NOT_REFERENCED: "x"
      }).pipe(Effect.provide(layer))
      expect(config.environment).toEqual({
        TEAM: "blue",
        OPENROUTER_CONNECT_TO: "127.0.0.1:8080",
        OPENCLAW_STATE_DIR: "/state"
      })
      expect(config.location).toEqual({ file: "/x/openclaw.json", source: "flag", stateDir: "/state" })
      const chat = yield* config.chat()
      expect(chat.headers).toEqual({ "X-Team": "blue" })
    }))
})
