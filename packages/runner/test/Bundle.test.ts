// What the bin loads, read from the build (npm test builds first). Start-up time itself is
// measured in packages/bench, never asserted here; these are the structural causes of a slow
// start that a change could bring back.
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const packagesDir = join(runnerDir, "..")
const dist = join(runnerDir, "dist")

const files = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith(".ts") || entry.name.endsWith(".js") ? [join(dir, entry.name)] : []
  )

/** Every file of the build, with its text. */
const bundle = () => files(dist).map((file) => ({ file, text: readFileSync(file, "utf8") }))

describe("the CLI bundle", () => {
  it("keeps no effect namespace whole (what `import { Schema } from \"effect\"` makes esbuild do)", () => {
    const whole = bundle().flatMap(({ file, text }) => [...text.matchAll(/^var (\w+)_exports = \{\};$/gm)].map((m) => `${file.slice(dist.length + 1)}: ${m[1]}`))
    // Namespaces a dynamic import() answers are whole by definition: our own modules and chunks.
    const effectOnes = whole.filter((entry) => /: (Schema|Stream|Effect|Layer|Option|Either|Context|Duration|Predicate|ParseResult|Chunk|Cause|Exit)$/.test(entry))
    expect(effectOnes).toEqual([])
  })

  it("carries no fast-check (only Schema's arbitraries use it, and the CLI never does)", () => {
    expect(bundle().filter(({ text }) => text.includes("node_modules/fast-check/")).map(({ file }) => file)).toEqual([])
  })

  it("loads undici only through the chunk a sending command imports", () => {
    const main = readFileSync(join(dist, "main.js"), "utf8")
    // Static imports only (`import … from "./chunks/…"`, over several lines too), not import().
    const staticImports = [...main.matchAll(/^import [^;(]*?from "(\.\/chunks\/[^"]+)"/gm)].map((m) => m[1]!)
    expect(staticImports.length).toBeGreaterThan(0)
    expect(main).toMatch(/import\("\.\/chunks\/NodeHttpClient-[^"]+"\)/)
    for (const chunk of staticImports) expect(readFileSync(join(dist, chunk), "utf8"), chunk).not.toContain("node_modules/undici/")
    expect(main).not.toContain("node_modules/undici/")
  })
})

describe("the durable commands' chunks", () => {
  // What only `worker`, `video --durable`, `video status` and `video wait` load: the workflow
  // package, @effect/workflow and @effect/cluster (with @effect/rpc), @effect/sql and pg.
  const durableCode = /^\/\/ (?:\.\.\/workflow\/dist\/|.*node_modules\/(?:@effect\/(?:workflow|cluster|rpc|sql|sql-pg)|pg|pg-pool|pg-protocol)\/)/m
  const chunks = join(dist, "chunks")

  /** A chunk and every chunk it imports statically (what loading it loads). */
  const closure = (file: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(file)) return seen
    seen.add(file)
    const text = readFileSync(file, "utf8")
    const imported = [
      ...[...text.matchAll(/^import [^;(]*?from "(\.[^"]+)"/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/^import "(\.[^"]+)";/gm)].map((m) => m[1]!)
    ]
    for (const path of imported) closure(join(dirname(file), path), seen)
    return seen
  }

  it("are loaded by no other command: main.js and every other command's chunk carry none of their code", () => {
    // The chunks import() loads: one per command family (Chat, Video, Image, …), and the durable ones.
    const entries = readdirSync(chunks).filter((name) => !name.startsWith("chunk-"))
    const durable = entries.filter((name) => /^(?:Durable|Sqlite|Postgres)-/.test(name))
    expect(durable.filter((name) => name.startsWith("Durable-"))).toHaveLength(1)
    const others = [join(dist, "main.js"), ...entries.filter((name) => !durable.includes(name)).map((name) => join(chunks, name))]
    expect(others.some((file) => /\/Chat-/.test(file)) && others.some((file) => /\/Video-/.test(file))).toBe(true)
    const loaded = new Set(others.flatMap((file) => [...closure(file)]))
    expect([...loaded].filter((file) => durableCode.test(readFileSync(file, "utf8"))).map((file) => file.slice(dist.length + 1))).toEqual([])
    // The durable chunk does carry them (the check above looks for the right thing).
    const durableLoaded = [...closure(join(chunks, durable.find((name) => name.startsWith("Durable-"))!))]
    expect(durableLoaded.some((file) => durableCode.test(readFileSync(file, "utf8")))).toBe(true)
  })

  it("leave out libsql (a native binary: the optional dependency) and pg's optional native binding", () => {
    const texts = bundle()
    expect(texts.filter(({ text }) => /node_modules\/(?:libsql|@libsql|pg-native)\//.test(text)).map(({ file }) => file)).toEqual([])
    expect(texts.some(({ text }) => text.includes("\"pg-native\""))).toBe(true)
  })
})

describe("the libraries' sources", () => {
  it("import effect's modules by path (`import * as Schema from \"effect/Schema\"`), never values from the index", () => {
    const offenders = ["core", "client", "simulator", "runner"].flatMap((pkg) =>
      files(join(packagesDir, pkg, "src")).flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/^import (?!type )\{[^}]*\} from "effect"/gm)].map((m) => `${file.slice(packagesDir.length + 1)}: ${m[0]}`)
      )
    )
    expect(offenders).toEqual([])
  })

  // A package root re-exports every module of the package: `import { Chat } from
  // "@openrouter-effect/client"` in a library module would load (and evaluate) images, speech and
  // videos for a program that only chats, and every core module through core's root (issue 22).
  it("import our other packages' modules by path, never through a package root", () => {
    const offenders = ["client", "ai", "workflow"].flatMap((pkg) =>
      files(join(packagesDir, pkg, "src")).flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/^(?:import|export) (?!type )[^;"]*? from "@openrouter-effect\/(?:core|client)"/gm)].map((m) =>
          `${file.slice(packagesDir.length + 1)}: ${m[0]}`
        )
      )
    )
    expect(offenders).toEqual([])
  })

  // The modules a program that only chats evaluates before its first request, followed from
  // `OpenRouterChat` through value imports (relative, and core's modules by path).
  const chatClosure = () => {
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      for (const m of readFileSync(file, "utf8").matchAll(/^(?:import|export) (?!type )[^;"]*? from "([^"]+)"/gm)) {
        const spec = m[1]!
        if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")))
        else if (spec.startsWith("@openrouter-effect/core/")) visit(join(packagesDir, "core/src", `${spec.slice("@openrouter-effect/core/".length)}.ts`))
      }
    }
    visit(join(packagesDir, "client/src/OpenRouterChat.ts"))
    return [...seen].map((file) => file.slice(packagesDir.length + 1))
  }

  it("keep ChatRequest's Schemas and the image, speech and video modules out of a chat-only start-up", () => {
    const closure = chatClosure()
    // The closure is followed (the test looks at the right thing).
    expect(closure).toEqual(expect.arrayContaining(["client/src/Chat.ts", "core/src/ChatRequestCheck.ts", "core/src/OpenRouterError.ts"]))
    expect(closure.filter((file) => /\/(ChatRequest|Images|Speech|Videos|VideoPoller|VideoJobStore|OpenRouter)\.ts$/.test(file))).toEqual([])
  })
})
