/**
 * What the vitest projects share. Tests run from the TypeScript sources of the workspace
 * packages, while what is published (and what the bins and child processes run) is the `dist/`
 * build that the packages' `exports` point at. The aliases map
 * `@openrouter-effect/<package>[/<module>]` to `packages/<package>/src/<module>.ts`, the mirror
 * of the `exports` map; `internal/*` stays closed there as it is in `exports`.
 *
 * Two depths (README, "Testing"): `npm test` runs every file but the slow ones and each property
 * at most {@link QUICK_RUNS} times; `npm run test:deep` (`OPENROUTER_EFFECT_TEST_DEPTH=deep`)
 * runs the slow files (`*.slow.test.ts`) as well, and every property at the depth it names.
 */
import { fileURLToPath } from "node:url"

const packages = fileURLToPath(new URL("./packages/", import.meta.url))

/** @since 0.1.0 */
export const sourceAliases = [
  { find: /^@openrouter-effect\/(core|client|simulator)$/, replacement: `${packages}$1/src/index.ts` },
  { find: /^@openrouter-effect\/(core|client|simulator)\/(?!internal\/)(.+)$/, replacement: `${packages}$1/src/$2.ts` }
]

/** A package by its own name (as its README's examples import it), from its sources. @since 0.1.0 */
export const packageAlias = (name: "ai" | "workflow") => ({
  find: new RegExp(`^@openrouter-effect/${name}$`),
  replacement: `${packages}${name}/src/index.ts`
})

/** A deep run (`npm run test:deep`). @since 0.1.0 */
export const deep = process.env.OPENROUTER_EFFECT_TEST_DEPTH === "deep"

/** The most runs a property gets in `npm test` (fast-check's own default). @since 0.1.0 */
export const QUICK_RUNS = 100

/**
 * The test files under `dirs` (relative to the project's root): the slow ones
 * (process sweeps, SIGKILL loops, fleets, packing) only in a deep run.
 *
 * @since 0.1.0
 */
export const testFiles = (dirs: ReadonlyArray<string>) => ({
  include: dirs.map((dir) => `${dir}/**/*.test.ts`),
  exclude: deep ? [] : dirs.map((dir) => `${dir}/**/*.slow.test.ts`)
})

/**
 * What every project's `test` block shares: the setup file and the guards on time.
 *
 * @since 0.1.0
 */
export const projectTest = {
  setupFiles: [fileURLToPath(new URL("./vitest.setup.ts", import.meta.url))],
  // Guards against a hang, never assertions: a test that does real work can take several times
  // its quiet duration on a busy machine, and vitest's default of 5 s is too tight for that.
  testTimeout: 60_000,
  hookTimeout: 60_000
}

/**
 * The global setup that bundles `packages/<package>/test/fixtures/*.ts` once per run into
 * `packages/<package>/build/fixtures/*.mjs` (see `vitest.fixtures.ts`).
 *
 * @since 0.1.0
 */
export const fixturesSetup = fileURLToPath(new URL("./vitest.fixtures.ts", import.meta.url))

/** The global setup that provides PostgreSQL (see `packages/workflow/test/globalSetup.ts`). @since 0.1.0 */
export const postgresSetup = `${packages}workflow/test/globalSetup.ts`
