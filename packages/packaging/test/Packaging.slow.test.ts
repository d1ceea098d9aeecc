// What users install, checked as they get it: every published workspace is packed with `npm pack`
// and the tarballs are installed, with the version set the root README documents, into one fresh
// project shared by this file. Nothing here runs from the workspace's sources or node_modules
// except the TypeScript compiler. `npm test` builds dist/ first (`pretest`).
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Consumer from "../src/Consumer.js"

/** A fake key the simulator accepts; its last four characters are what masking may show. */
const KEY = `sk-or-v1-${"0".repeat(64)}`
const INSTALL_MS = 300_000
const STEP_MS = 120_000

let consumer: Consumer.Consumer | undefined
const project = (): Consumer.Consumer => {
  if (consumer === undefined) throw new Error("the consumer install failed (see beforeAll)")
  return consumer
}

beforeAll(async () => {
  // @types/node at the workspace's version, for the strict TypeScript consumer.
  consumer = await Consumer.createConsumer({ extra: [`@types/node@${Consumer.workspaceVersion("@types/node")}`] })
}, INSTALL_MS)

afterAll(() => consumer?.cleanup())

/** Runs `node <args>` in the consumer, with no loader and none of npm's variables. */
const node = (args: ReadonlyArray<string>, env: Readonly<Record<string, string | undefined>> = {}) =>
  Consumer.run(process.execPath, args, { cwd: project().dir, env: Consumer.childEnv(env), timeoutMs: 60_000 })

const write = (name: string, text: string) => writeFileSync(join(project().dir, name), text)

describe("the README's version set", () => {
  it("pins exactly the versions the workspace's own tests run on, and the consumer got them", () => {
    const { documented, packed } = project()
    const pinned = documented.packages.filter((spec) => spec.version !== undefined)
    expect(pinned.map((spec) => spec.name).sort()).toEqual(["@effect/platform", "@effect/platform-node", "effect"])
    const installed = new Map(Consumer.installedPackages(join(project().dir, "node_modules")).map((p) => [p.dir, p.version]))
    for (const spec of pinned) {
      expect({ name: spec.name, documented: spec.version }).toEqual({ name: spec.name, documented: Consumer.workspaceVersion(spec.name) })
      expect({ name: spec.name, installed: installed.get(project().packageDir(spec.name)) }).toEqual({ name: spec.name, installed: spec.version })
    }
    // The unpinned names of the line are ours, installed from the tarballs.
    const ours = new Set(packed.map((p) => p.name))
    expect(documented.packages.filter((spec) => spec.version === undefined).every((spec) => ours.has(spec.name))).toBe(true)
  })
})

describe("the embedding, in plain ESM JavaScript", () => {
  it("builds OpenRouter.layerDocument on NodeHttpClient.layerUndici and NodeFileSystem.layer, completes and streams against the packed simulator", async () => {
    write(
      "main.mjs",
      `// The documented embedding as a user writes it: plain ESM, no loader.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Chat, OpenRouter } from "@openrouter-effect/client"
import { Effect, Layer } from "effect"

const OpenRouterLive = OpenRouter.layerDocument({
  document: { models: { providers: { openrouter: { baseUrl: process.env.SIMULATOR_BASE_URL } } } },
  environment: { OPENROUTER_API_KEY: process.env.OPENROUTER_API_KEY }
}).pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))

const request = { messages: [{ role: "user", content: "Hello!" }] }
const options = { model: "openrouter/openai/gpt-4o" }

const program = Effect.gen(function*() {
  const chat = yield* Chat.Chat
  const completion = yield* chat.complete(request, options)
  console.log("complete: " + completion.text)
  const streamed = yield* Chat.collect(chat.stream(request, options))
  console.log("stream: " + streamed.message.content)
  console.log("stream finish: " + streamed.finishReason)
})

await Effect.runPromise(program.pipe(Effect.provide(OpenRouterLive)))
`
    )
    const simulator = await Consumer.startSimulator(project(), KEY)
    try {
      expect(simulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
      const result = await node(["main.mjs"], { SIMULATOR_BASE_URL: simulator.baseUrl, OPENROUTER_API_KEY: KEY })
      expect(result.status, Consumer.describe(result)).toBe(0)
      const reply = "Hello from the OpenRouter simulator. Everything is working."
      expect(result.stdout.trim().split("\n")).toEqual([`complete: ${reply}`, `stream: ${reply}`, "stream finish: stop"])
    } finally {
      await simulator.stop()
    }
  }, STEP_MS)
})

describe("the public entry points", () => {
  const libraries = () => project().packed.filter((p) => Consumer.publicEntryPoints(project().packageDir(p.name)).length > 0)
  const entryPoints = () => libraries().flatMap((p) => Consumer.publicEntryPoints(project().packageDir(p.name)))

  it("type-check under a strict NodeNext consumer (skipLibCheck off), every one imported", async () => {
    const specifiers = entryPoints()
    // Each library's root and at least one subpath module.
    expect(specifiers).toEqual(expect.arrayContaining(["@openrouter-effect/core", "@openrouter-effect/client", "@openrouter-effect/simulator", "@openrouter-effect/core/transform/Pipeline"]))
    mkdirSync(join(project().dir, "src"), { recursive: true })
    write(
      "tsconfig.json",
      JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            exactOptionalPropertyTypes: true,
            noPropertyAccessFromIndexSignature: true,
            noUncheckedIndexedAccess: true,
            skipLibCheck: false,
            lib: ["ES2022", "DOM"],
            types: ["node"],
            noEmit: true
          },
          include: ["src"]
        },
        null,
        2
      )
    )
    write(
      "src/entry-points.ts",
      [
        "// Generated by the packaging test: every public entry point of the installed packages.",
        ...specifiers.map((specifier, i) => `import * as m${i} from ${JSON.stringify(specifier)}`),
        "",
        `export const modules = [${specifiers.map((_, i) => `m${i}`).join(", ")}] as const`,
        ""
      ].join("\n")
    )
    // The embedding again, typed: the public types hold up under these options.
    write(
      "src/embedding.ts",
      `import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Chat, OpenRouter } from "@openrouter-effect/client"
import { ModelRef } from "@openrouter-effect/core"
import { Effect, Layer } from "effect"

export const OpenRouterLive = OpenRouter.layerDocument({
  document: { models: { providers: { openrouter: { baseUrl: "http://127.0.0.1:1/api/v1" } } } },
  environment: { OPENROUTER_API_KEY: process.env["OPENROUTER_API_KEY"] }
}).pipe(Layer.provide([NodeHttpClient.layerUndici, NodeFileSystem.layer]))

export const program: Effect.Effect<string, unknown, Chat.Chat> = Effect.gen(function*() {
  const chat = yield* Chat.Chat
  const { text } = yield* chat.complete({ messages: [{ role: "user", content: "Hello!" }] }, { model: "openrouter/openai/gpt-4o" })
  const streamed = yield* Chat.collect(chat.stream({ messages: [{ role: "user", content: text }] }))
  return streamed.message.content
})

export const runnable: Effect.Effect<string, unknown, never> = program.pipe(Effect.provide(OpenRouterLive))
export const ref = ModelRef.parse("openrouter/anthropic/claude-sonnet-4-6")
`
    )
    const tsc = join(Consumer.repoRoot, "node_modules", "typescript", "bin", "tsc")
    const result = await Consumer.run(process.execPath, [tsc, "--noEmit", "-p", "."], { cwd: project().dir, env: Consumer.childEnv(), timeoutMs: STEP_MS })
    expect(result.status, Consumer.describe(result)).toBe(0)
  }, STEP_MS + 10_000)

  it("load at run time, and internal/ and bin stay closed (ERR_PACKAGE_PATH_NOT_EXPORTED)", async () => {
    // A driver module needs its driver, an optional peer the consumer has not installed: it must
    // fail naming it (and only it); every other entry point loads.
    const needsDriver: Record<string, string> = { "@openrouter-effect/workflow/Postgres": "@effect/sql-pg" }
    const specifiers = entryPoints().filter((specifier) => !(specifier in needsDriver))
    write(
      "imports.mjs",
      `const specifiers = ${JSON.stringify(specifiers)}
for (const specifier of specifiers) await import(specifier)
console.log("loaded " + specifiers.length)
for (const [specifier, driver] of Object.entries(${JSON.stringify(needsDriver)})) {
  const outcome = await import(specifier).then(() => "LOADED", (error) => error.code + (String(error.message).includes("'" + driver + "'") ? " " + driver : ""))
  console.log(specifier + " " + outcome)
}
for (const closed of ["@openrouter-effect/client/internal/deadline", "@openrouter-effect/core/internal/url", "@openrouter-effect/simulator/bin"]) {
  const code = await import(closed).then(() => "LOADED", (error) => error.code)
  console.log(closed + " " + code)
}
`
    )
    const result = await node(["imports.mjs"])
    expect(result.status, Consumer.describe(result)).toBe(0)
    expect(result.stdout.trim().split("\n")).toEqual([
      `loaded ${specifiers.length}`,
      "@openrouter-effect/workflow/Postgres ERR_MODULE_NOT_FOUND @effect/sql-pg",
      "@openrouter-effect/client/internal/deadline ERR_PACKAGE_PATH_NOT_EXPORTED",
      "@openrouter-effect/core/internal/url ERR_PACKAGE_PATH_NOT_EXPORTED",
      "@openrouter-effect/simulator/bin ERR_PACKAGE_PATH_NOT_EXPORTED"
    ])
  }, STEP_MS)
})

describe("the command line from the installed tarball", () => {
  const home = () => {
    const dir = join(project().root, "home")
    mkdirSync(dir, { recursive: true })
    return dir
  }
  /** A clean user: a temporary HOME, none of the provider's variables but the fake key. */
  const cliEnv = () => {
    const env = Consumer.childEnv({ HOME: home() })
    for (const name of Object.keys(env)) if (/^(OPENROUTER|OPENCLAW)_/.test(name)) delete env[name]
    return { ...env, OPENROUTER_API_KEY: KEY }
  }
  const cli = (args: ReadonlyArray<string>) => Consumer.run(project().bin("openrouter-effect"), args, { cwd: project().dir, env: cliEnv(), timeoutMs: 60_000 })
  const version = () => project().packed.find((p) => p.name === "@openrouter-effect/runner")?.version

  it("--version prints the package's version", async () => {
    const result = await cli(["--version"])
    expect(result.status, Consumer.describe(result)).toBe(0)
    expect(result.stdout.trim()).toBe(version())
  }, STEP_MS)

  it("config show resolves the environment, key masked", async () => {
    const result = await cli(["config", "show"])
    expect(result.status, Consumer.describe(result)).toBe(0)
    expect(result.stdout).toContain("Resolved configuration")
    expect(result.stdout).toContain(join(home(), ".openclaw", "openclaw.json"))
    expect(result.stdout).toMatch(/API key\s+sk-or-v1-…0000 \(from OPENROUTER_API_KEY/)
    expect(result.stdout + result.stderr).not.toContain(KEY)
  }, STEP_MS)

  it("the durable commands load the SQLite driver from the installed optional dependency", async () => {
    // An empty file is a new SQLite database: `video status` opens it as a client (the workflow
    // chunk, then libsql's native binary from the consumer's node_modules) and answers.
    const db = join(home(), "workflows.db")
    writeFileSync(db, "")
    // An execution id is 32 hexadecimal digits (the CLI refuses anything else with exit 2).
    const id = "0123456789abcdef0123456789abcdef"
    const result = await cli(["video", "status", id, "--db", `sqlite:${db}`])
    expect(result.status, Consumer.describe(result)).toBe(0)
    expect(result.stdout.trim()).toBe(`${id}  Unknown`)
  }, STEP_MS)

  it("chat hi --dry-run prints the request, Authorization masked, and sends nothing", async () => {
    const result = await cli(["chat", "hi", "--dry-run"])
    expect(result.status, Consumer.describe(result)).toBe(0)
    expect(result.stdout + result.stderr).not.toContain(KEY)
    const request = JSON.parse(result.stdout) as { method: string; url: string; headers: Record<string, string>; body: { model: string; messages: ReadonlyArray<unknown> } }
    expect(request.method).toBe("POST")
    expect(request.url).toBe("https://openrouter.ai/api/v1/chat/completions")
    expect(request.body.model).toBe("openrouter/auto")
    expect(request.body.messages).toEqual([{ role: "user", content: "hi" }])
    const authorization = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "authorization")?.[1]
    expect(authorization).toBe("Bearer sk-or-v1-…0000")
  }, STEP_MS)

  it("runs through npx in the consumer", async () => {
    // `--no`: the consumer's own bin or a failure, never a download of some other package; `--`
    // keeps npx from reading `--version` as its own after `--no`.
    const result = await Consumer.run("npx", ["--no", "--", "openrouter-effect", "--version"], { cwd: project().dir, env: cliEnv(), timeoutMs: 60_000 })
    expect(result.status, Consumer.describe(result)).toBe(0)
    expect(result.stdout.trim()).toBe(version())
  }, STEP_MS)
})

describe("the dependency tree", () => {
  it.each(["effect", "@effect/platform"])("holds exactly one copy of %s", async (name) => {
    const result = await Consumer.run("npm", ["ls", name, "--all", "--parseable"], { cwd: project().dir, timeoutMs: 60_000 })
    expect(result.status, Consumer.describe(result)).toBe(0)
    const copies = new Set(result.stdout.split("\n").map((line) => line.trim()).filter((line) => line.endsWith(`node_modules/${name}`)))
    expect([...copies]).toEqual([project().packageDir(name)])
    // The same from the folders themselves.
    const folders = Consumer.installedPackages(join(project().dir, "node_modules")).filter((p) => p.name === name)
    expect(folders.map((p) => p.dir)).toEqual([project().packageDir(name)])
  }, STEP_MS)

  it("has none of the native drivers only optional features need", () => {
    const names = new Set(Consumer.installedPackages(join(project().dir, "node_modules")).map((p) => p.name))
    expect(["better-sqlite3", "@effect/sql-sqlite-node", "pg", "@effect/sql-pg"].filter((name) => names.has(name))).toEqual([])
  })
})

describe("the tarballs", () => {
  it("carry package.json, README.md, LICENSE and dist/, and nothing of the development setup", async () => {
    const { packed } = project()
    expect(packed.map((p) => p.name).sort()).toEqual(["@openrouter-effect/ai", "@openrouter-effect/client", "@openrouter-effect/core", "@openrouter-effect/runner", "@openrouter-effect/simulator", "@openrouter-effect/workflow"])
    for (const p of packed) {
      const has = (test: (file: string) => boolean) => p.files.some(test)
      for (const file of ["package.json", "README.md", "LICENSE"]) expect.soft(p.files, `${p.name} has ${file}`).toContain(file)
      expect.soft(has((f) => f.startsWith("dist/") && f.endsWith(".js")), `${p.name} has dist/*.js`).toBe(true)
      // The libraries ship declarations and maps; the runner's dist/ is one bundled bin (no types,
      // and no source maps on its load path, by design).
      if (Consumer.publicEntryPoints(project().packageDir(p.name)).length > 0) {
        expect.soft(has((f) => f.startsWith("dist/") && f.endsWith(".d.ts")), `${p.name} has dist/*.d.ts`).toBe(true)
        expect.soft(has((f) => f.startsWith("dist/") && f.endsWith(".js.map")), `${p.name} has dist/*.js.map`).toBe(true)
        expect.soft(has((f) => f.startsWith("dist/") && f.endsWith(".d.ts.map")), `${p.name} has dist/*.d.ts.map`).toBe(true)
      }
      const unwanted = p.files.filter((f) =>
        /^test\//.test(f) || /(^|\/)vitest\.config\.[cm]?[jt]s$/.test(f) || /(^|\/)tsconfig[^/]*\.json$/.test(f) || f.endsWith(".tsbuildinfo")
      )
      expect.soft(unwanted, `${p.name}: test/, vitest.config, tsconfig or tsbuildinfo files`).toEqual([])
      const manifest = await Consumer.readFromTarball(p.tarball, "package.json")
      expect.soft(manifest.split("\n").filter((line) => /\btsx\b/.test(line)).map((line) => line.trim()), `${p.name}'s package.json mentions tsx`).toEqual([])
    }
  }, STEP_MS)

  // Everything the bin runs is bundled except `libsql`, the SQLite driver of the durable video
  // commands: its native binary cannot be bundled, so it is an optional dependency (an install on a
  // platform it has no binary for still has every other command).
  it("the runner's only dependency is the optional libsql (one bundled bin)", async () => {
    const runner = project().packed.find((p) => p.name === "@openrouter-effect/runner")
    expect(runner).toBeDefined()
    const manifest = JSON.parse(await Consumer.readFromTarball(runner?.tarball ?? "", "package.json")) as Record<string, unknown>
    expect({ dependencies: manifest["dependencies"], peerDependencies: manifest["peerDependencies"], optionalDependencies: manifest["optionalDependencies"] }).toEqual({
      dependencies: undefined,
      peerDependencies: undefined,
      optionalDependencies: { libsql: "^0.4.7" }
    })
    expect(manifest["bin"]).toEqual({ "openrouter-effect": "./bin/openrouter-effect.js" })
  }, STEP_MS)
})
