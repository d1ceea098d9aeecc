// The stdin command lines of `worker` and `client`: a quoted word may hold spaces and quotes.
import { describe, expect, it } from "@effect/vitest"
import { FastCheck as fc } from "effect"
import { words } from "../src/internal/commandLine.js"

const quote = (word: string) => `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`

describe("command lines", () => {
  it("splits on spaces; a quoted word keeps its spaces", () => {
    expect(words(`start order-1 "/srv/my videos" a lighthouse  at dusk`)).toEqual(["start", "order-1", "/srv/my videos", "a", "lighthouse", "at", "dusk"])
    expect(words(`  status   abc `)).toEqual(["status", "abc"])
    expect(words(`start k "a \\"quoted\\" dir\\\\"`)).toEqual(["start", "k", `a "quoted" dir\\`])
    expect(words("")).toEqual([])
    // A quote left open is refused rather than read as a literal.
    expect(words(`start k "/srv/my videos a prompt`)).toBeUndefined()
    expect(words(`start k "a \\"b`)).toBeUndefined()
  })

  it.prop("any words, each quoted, come back as they were", [fc.array(fc.string({ minLength: 0, maxLength: 20 }), { maxLength: 8 })], ([list]) => {
    expect(words(list.map(quote).join(" "))).toEqual(list)
  })

  it.prop("words without spaces or quotes need no quoting", [fc.array(fc.stringMatching(/^[^\s"]+$/), { maxLength: 8 })], ([list]) => {
    expect(words(list.join(" "))).toEqual(list)
  })
})
