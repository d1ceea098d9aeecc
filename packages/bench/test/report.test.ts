import { describe, expect, it } from "@effect/vitest"
import { baselineTable, cell, median, ratios } from "../src/report.js"

describe("report helpers", () => {
  it("median takes the middle value, the upper one of an even count, NaN of nothing", () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(3)
    expect(median([])).toBeNaN()
  })

  it("cell prints the median and the min–max", () => {
    expect(cell([1500, 1200.4, 1800])).toBe("1,500 (1,200–1,800)")
    expect(cell([0.5])).toBe("0.50")
    expect(cell(undefined)).toBe("–")
  })

  it("ratios: new over old of the medians, and per repetition", () => {
    const result = ratios({ scenario: "s", after: [90, 110, 100], before: [100, 100, 125], higherIsBetter: true })
    expect(result.ofMedians).toBe(1)
    expect(result.perRep).toEqual([0.9, 1.1, 0.8])
  })

  it("baselineTable gates the rows that have a limit and skips rows not measured", () => {
    const lines = baselineTable(
      [
        { scenario: "chat, c64 (req/s)", after: [940, 950, 960], before: [1000, 1000, 1000], higherIsBetter: true, gate: 0.95 },
        { scenario: "stream (chunks/s)", after: [900], before: [1000], higherIsBetter: true, gate: 0.95 },
        { scenario: "p99 (ms)", after: [2], before: [4], higherIsBetter: false },
        { scenario: "absent", after: [], before: [1], higherIsBetter: true }
      ],
      "ours",
      "ours@abc"
    )
    expect(lines[0]).toBe("| scenario | ours | ours@abc | ours / ours@abc (medians) | per repetition | |")
    expect(lines[2]).toBe("| chat, c64 (req/s) | 950 (940–960) | 1,000 (1,000–1,000) | 0.950× | 0.94, 0.95, 0.96 | met (≥ 0.95×) |")
    expect(lines[3]).toContain("| 0.900× | 0.90 | **missed** (≥ 0.95×) |")
    expect(lines[4]).toContain("| 0.500× | 0.50 | lower is better |")
    expect(lines.join("\n")).not.toContain("absent")
    expect(baselineTable([], "a", "b")).toEqual([])
  })
})
