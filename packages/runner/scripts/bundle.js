// Bundles the CLI into dist/ with esbuild. Nothing the bin runs needs a TypeScript loader or a
// runtime dependency: effect, @effect/* and the workspace libraries' dist/ builds are inside.
//
//   dist/dispatch.js        src/Dispatch.ts: which bundle runs an argument list (no dependencies)
//   dist/<bundle>/main.js   src/main.ts with the whole command tree and one family's implementation
//                           (base: none, for --help and --version); the other families' modules are
//                           replaced by a stub that says so if it is ever reached
//   dist/all/main.js        every implementation, each in a chunk loaded on demand: for argument
//                           lists the dispatcher is not sure of
//
// Why one bundle per family rather than one bundle with a chunk per command: see src/Dispatch.ts.
// Inside each bundle undici (NodeHttpClient) stays a chunk of its own, loaded by the first
// command that sends, so dry runs and config commands never load it.
//
//   node scripts/bundle.js [--metafile]   (--metafile writes build/meta-<bundle>.json)
import * as esbuild from "esbuild"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { cliBundleOptions } from "./bundle-options.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const outdir = join(root, "dist")
rmSync(outdir, { recursive: true, force: true })

// The module of each family, as src/Cli.ts and src/Commands.ts import it.
const familyModules = {
  config: /\/handlers\/Config\.js$/,
  chat: /\/handlers\/Chat\.js$/,
  image: /\/handlers\/Image\.js$/,
  video: /\/handlers\/Video\.js$/,
  speech: /\/handlers\/Speech\.js$/,
  demo: /\/Demo\.js$/
}
const families = Object.keys(familyModules)

const stubSource = (family, bundle) => {
  const message = JSON.stringify(`internal error: the ${family} commands are not in the ${bundle} bundle of openrouter-effect`)
  const fail = `() => { throw new Error(${message}) }`
  return ["run", "resume", "jobs", "tts", "transcribe", "show", "onboard", "modelsSet", "modelsList"]
    .map((name) => `export const ${name} = ${fail}`).join("\n")
}

/** Replaces every family module but `keep` with a stub. */
const onlyFamily = (keep, bundle) => ({
  name: "only-family",
  setup(build) {
    for (const family of families) {
      if (family === keep) continue
      build.onResolve({ filter: familyModules[family] }, () => ({ path: family, namespace: "family-stub" }))
    }
    build.onLoad({ filter: /.*/, namespace: "family-stub" }, (args) => ({ contents: stubSource(args.path, bundle), loader: "js" }))
  }
})

// The base bundle (--help, --version) runs no command: nothing there sends, reads a config or
// fails with the error taxonomy, so those modules are left out too. Leaving them in would not only
// cost their own bytes: every effect module they share with the entry would carry what they use.
const baseOnly = {
  name: "base-only",
  setup(build) {
    const stubs = {
      "@effect/platform-node/NodeHttpClient": "export const layerUndici = undefined",
      "@openrouter-effect/core/ConfigLocation": "export const resolve = () => { throw new Error(\"internal error: no configuration in the base bundle of openrouter-effect\") }",
      "@openrouter-effect/core/OpenRouterError": "export const isOpenRouterError = () => false"
    }
    build.onResolve({ filter: /^@(effect\/platform-node\/NodeHttpClient|openrouter-effect\/core\/(ConfigLocation|OpenRouterError))$/ }, (args) => ({ path: args.path, namespace: "base-stub" }))
    build.onLoad({ filter: /.*/, namespace: "base-stub" }, (args) => ({ contents: stubs[args.path], loader: "js" }))
  }
}

const builds = [
  esbuild.build({
    ...cliBundleOptions({ absWorkingDir: root, entryPoints: { dispatch: "src/Dispatch.ts" }, outdir }),
    banner: {}
  }),
  ...["base", ...families, "all"].map((bundle) =>
    esbuild.build({
      ...cliBundleOptions({ absWorkingDir: root, entryPoints: { main: "src/main.ts" }, outdir: join(outdir, bundle) }),
      plugins: bundle === "all" ? [] : bundle === "base" ? [onlyFamily(bundle, bundle), baseOnly] : [onlyFamily(bundle, bundle)]
    }).then((result) => [bundle, result])
  )
]
const results = await Promise.all(builds)
if (process.argv.includes("--metafile")) {
  mkdirSync(join(root, "build"), { recursive: true })
  for (const [bundle, result] of results.slice(1)) writeFileSync(join(root, "build", `meta-${bundle}.json`), JSON.stringify(result.metafile))
}
