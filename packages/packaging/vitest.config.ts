import { defineProject } from "vitest/config"
import { projectTest, testFiles } from "../../vitest.shared.js"

export default defineProject({
  test: {
    name: "packaging",
    ...projectTest,
    ...testFiles(["test"])
  }
})
