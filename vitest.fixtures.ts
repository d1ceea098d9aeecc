/**
 * A global setup: every test fixture run as a child process (`packages/<package>/test/fixtures/*.ts`)
 * is bundled once per run with esbuild into `packages/<package>/build/fixtures/<name>.mjs` (our
 * sources bundled in, packages left to Node's resolution from there), and the tests spawn `node`
 * on that file. A TypeScript loader in every child (tsx) cost seconds a spawn; this costs about
 * 100 ms a fixture, once.
 */
import { build } from "esbuild"
import { existsSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const packages = fileURLToPath(new URL("./packages/", import.meta.url))

export default async function setup(): Promise<void> {
  for (const name of readdirSync(packages)) {
    const fixtures = join(packages, name, "test", "fixtures")
    if (!existsSync(fixtures)) continue
    const entryPoints = readdirSync(fixtures).filter((file) => file.endsWith(".ts")).map((file) => join(fixtures, file))
    if (entryPoints.length === 0) continue
    await build({
      entryPoints,
      outdir: join(packages, name, "build", "fixtures"),
      outExtension: { ".js": ".mjs" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      logLevel: "warning"
    })
  }
}
