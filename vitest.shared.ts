/**
 * What every package's vitest project shares: tests run from the TypeScript sources of the
 * workspace packages, while what is published (and what the bins and child processes run) is the
 * `dist/` build that the packages' `exports` point at. The aliases map
 * `@openrouter-effect/<package>[/<module>]` to `packages/<package>/src/<module>.ts`, the mirror
 * of the `exports` map; `internal/*` stays closed there as it is in `exports`.
 */
import { fileURLToPath } from "node:url"

const packages = fileURLToPath(new URL("./packages/", import.meta.url))

/** @since 0.1.0 */
export const sourceAliases = [
  { find: /^@openrouter-effect\/(core|client|simulator)$/, replacement: `${packages}$1/src/index.ts` },
  { find: /^@openrouter-effect\/(core|client|simulator)\/(?!internal\/)(.+)$/, replacement: `${packages}$1/src/$2.ts` }
]
