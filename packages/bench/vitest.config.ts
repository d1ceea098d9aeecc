import { defineProject } from "vitest/config"
import { projectTest, sourceAliases, testFiles } from "../../vitest.shared.js"

export default defineProject({
  resolve: { alias: sourceAliases },
  test: {
    name: "bench",
    ...projectTest,
    ...testFiles(["test"])
  }
})
