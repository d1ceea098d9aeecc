// Bundles the CLI into dist/ with esbuild: `dist/main.js` and a chunk per command family, each
// loaded on demand (src/Commands.ts and src/Cli.ts import the implementations in src/handlers/
// when a command runs), so `--version` and `chat` load no video, onboarding or simulator code (no
// speech either unless a spoken reply is asked for or configured), and undici (NodeHttpClient) loads only when a command sends. Everything the bin runs is
// inside: effect, @effect/* and the workspace libraries' dist/ builds. The published package has
// no runtime dependencies but the optional `libsql` (the durable commands' SQLite driver, a native
// binary, loaded at run time) and nothing needs a TypeScript loader.
//
//   node scripts/bundle.js [--metafile]   (--metafile writes build/meta.json for esbuild's analyser)
import * as esbuild from "esbuild"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { cliBundleOptions } from "./bundle-options.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const outdir = join(root, "dist")
rmSync(outdir, { recursive: true, force: true })

const result = await esbuild.build(cliBundleOptions({ absWorkingDir: root, entryPoints: { main: "src/main.ts" }, outdir }))
if (process.argv.includes("--metafile")) {
  mkdirSync(join(root, "build"), { recursive: true })
  writeFileSync(join(root, "build", "meta.json"), JSON.stringify(result.metafile))
}
