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

describe("the CLI bundle", () => {
  const bundle = () => files(dist).map((file) => ({ file, text: readFileSync(file, "utf8") }))

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

describe("the libraries' sources", () => {
  it("import effect's modules by path (`import * as Schema from \"effect/Schema\"`), never values from the index", () => {
    const offenders = ["core", "client", "simulator", "runner"].flatMap((pkg) =>
      files(join(packagesDir, pkg, "src")).flatMap((file) =>
        [...readFileSync(file, "utf8").matchAll(/^import (?!type )\{[^}]*\} from "effect"/gm)].map((m) => `${file.slice(packagesDir.length + 1)}: ${m[0]}`)
      )
    )
    expect(offenders).toEqual([])
  })
})
