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
  metafile: true,
  logLevel: "warning"
})
