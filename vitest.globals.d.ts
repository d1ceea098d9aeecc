// The globals `vitest.setup.ts` defines for every test file (each package's test tsconfig
// includes this file).
declare global {
  /**
   * How many runs a property gets: `runs` in `npm run test:deep`, at most 100 in `npm test` (vitest.setup.ts).
   */
  function propertyRuns(runs: number): number
}

export {}
