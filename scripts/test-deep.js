// `npm run test:deep`: every test file, the slow ones (`*.slow.test.ts`) included, and every
// property at the depth it names (OPENROUTER_EFFECT_TEST_DEPTH=deep; see vitest.setup.ts). Four
// vitest runs one after another, as the work shares the machine best:
//   1. the suite: core, client, ai, simulator, runner, and the workflow's in-process files;
//   2. the files that drive the TestClock, each in a fresh process (`--isolate`);
//   3. the packaging test and the bench smoke test (they spawn npm, tsc and esbuild), one file
//      at a time;
//   4. the durable workflow's process tests (SIGKILLed runners, a PostgreSQL fleet), alone and one
//      file at a time: their takeovers wait on leases and locks that a busy machine stretches (the
//      fleet timed out with another of them beside it).
// Project names first run only those, in one run (`node scripts/test-deep.js workflow`); the other
// arguments are passed to each run (`npm run test:deep -- --reporter=verbose`).
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const vitest = fileURLToPath(new URL("../node_modules/vitest/vitest.mjs", import.meta.url))
const argv = process.argv.slice(2)
const named = argv.filter((arg) => !arg.startsWith("-"))
const options = argv.filter((arg) => arg.startsWith("-"))
// A phase is project names and the options of its own run.
const phases = named.length > 0 ? [named] : [
  ["suite"],
  ["clock", "--isolate"],
  ["packaging", "bench", "--no-file-parallelism"],
  ["workflow", "--no-file-parallelism"]
]
const env = { ...process.env, OPENROUTER_EFFECT_TEST_DEPTH: "deep" }
for (const projects of phases) {
  const names = projects.filter((arg) => !arg.startsWith("-"))
  const own = projects.filter((arg) => arg.startsWith("-"))
  const args = [vitest, "run", ...names.flatMap((name) => ["--project", name]), ...own, ...options]
  const { status, signal } = spawnSync(process.execPath, args, { cwd: root, env, stdio: "inherit" })
  if (status !== 0) {
    console.error(`test:deep: the run of ${names.join(", ")} failed (${signal ?? `exit ${status}`})`)
    process.exit(status === null || status === 0 ? 1 : status)
  }
}
