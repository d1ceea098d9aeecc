// The help of every command as a user reads it when piped (80 columns, no styling), kept as a
// snapshot: a change to an option, its description or the layout shows up in review as a diff of
// this file's snapshot (`__snapshots__/HelpSnapshot.test.ts.snap`).
import { describe, expect, it } from "@effect/vitest"
import * as Cli from "../src/Cli.js"
import * as Help from "../src/Help.js"

describe("help snapshots", () => {
  for (const node of Help.nodes(Cli.helpTree())) {
    const name = ["openrouter-effect", ...node.path].join(" ")
    it(name, () => {
      const text = Cli.helpText(node.path, { width: 80, color: false })
      expect(text).not.toMatch(/A user-defined piece of text/)
      expect(text).toMatchSnapshot()
    })
  }
})
