import { defineConfig } from "vitest/config"
import projects from "./vitest.workspace.js"

// Pool settings for a two-core machine (README, "Testing"). Vitest's default is one worker fewer
// than the cores (one, here), which ran the suite serially; two forks keep both cores busy, and
// many tests wait on sockets, timers and child processes rather than compute. The forks are
// reused across files (`isolate: false` here); each project says whether its files share a
// module cache (`isolate` in its own settings). Projects run one after another.
export default defineConfig({
  test: {
    projects,
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 2,
    poolOptions: { forks: { isolate: false } }
  }
})
