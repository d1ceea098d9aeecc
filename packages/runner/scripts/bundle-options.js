// The esbuild options of the CLI's bundled bin, shared with the benchmark's minimal @effect/cli
// program so both are shipped the same way.

/**
 * @param {{ entryPoints: Record<string, string>, outdir: string, absWorkingDir: string }} target
 * @returns {import("esbuild").BuildOptions}
 */
export const cliBundleOptions = (target) => ({
  ...target,
  bundle: true,
  // A chunk per dynamically imported module: each command's implementation loads on demand.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  // Source maps stay out of the bin's load path: they cost start-up time and are not shipped.
  sourcemap: false,
  minifySyntax: true,
  legalComments: "none",
  chunkNames: "chunks/[name]-[hash]",
  // Bundled CommonJS dependencies may `require` Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from \"node:module\"; const require = __createRequire(import.meta.url);" },
  // pg requires its optional native binding only when asked for it (`pg.native`): never here.
  // (`libsql`, the SQLite driver of the durable commands, is loaded with `createRequire` at run
  // time, so esbuild leaves it out: a native binary, an optional dependency of the package.)
  external: ["pg-native"],
  metafile: true,
  logLevel: "warning"
})
