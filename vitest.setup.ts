/**
 * Set up before every test file of every project: the depth and the seed of the properties.
 *
 * A property names the depth it was written for (`numRuns: propertyRuns(3000)`). `npm test` runs
 * each at most {@link QUICK_RUNS} times, from one fixed seed, so the suite is short on a busy
 * two-core machine and the same on every run; `npm run test:deep`
 * (`OPENROUTER_EFFECT_TEST_DEPTH=deep`) runs every one at its full depth from a new seed each
 * time (fast-check prints the seed of a failure), and CI runs both. A property written for fewer
 * runs than the cap runs them all in both.
 */
import * as fc from "effect/FastCheck"
import { QUICK_RUNS, deep } from "./vitest.shared.js"

/** The seed of every property in `npm test` (one that sets its own keeps it). */
const QUICK_SEED = 20261206

globalThis.propertyRuns = (runs: number): number => (deep ? runs : Math.min(runs, QUICK_RUNS))
if (!deep) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: QUICK_SEED })
