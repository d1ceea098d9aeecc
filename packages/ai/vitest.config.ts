import { fileURLToPath } from "node:url"
import { defineProject } from "vitest/config"
import { sourceAliases } from "../../vitest.shared.js"

export default defineProject({
  // Also this package by its name (the README's example imports it so), from its sources.
  resolve: {
    alias: [
      { find: /^@openrouter-effect\/ai$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      ...sourceAliases
    ]
  },
  test: {
    name: "ai",
    include: ["test/**/*.test.ts"]
  }
})
