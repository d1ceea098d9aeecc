/**
 * The targets of issues 9, 20 and 22 checked against one run's ratios, and the SVG bar chart of them.
 */

/** One run's ratios (NaN where a section did not run). */
export interface Figures {
  /** Ours over the best peer, chat at concurrency 64 (requests/s). */
  readonly c64VsPeer: number
  /** Ours over `undici.request`, chat at concurrency 64. */
  readonly c64VsFloor: number
  /** Ours over the best peer's p99 latency at concurrency 1. */
  readonly p99VsPeer: number
  /** Ours over the best peer, chunks/s of one long stream. */
  readonly streamVsPeer: number
  /** Ours over `undici.request`, chunks/s. */
  readonly streamVsFloor: number
  /** streamText through LanguageModel: @openrouter-effect/ai over @effect/ai-openrouter 0.10, chunks/s (issue 20). */
  readonly streamTextVsEffectAi: number
  /** The same, over `LanguageModel.make` on a provider that does no work and emits the same parts. */
  readonly streamTextVsFloor: number
  /** Request shaping over `JSON.stringify` of the same body. */
  readonly pipeline: number
  /** Peak RSS growth of a 256 MiB video download, in MiB. */
  readonly downloadMiB: number
  /** Heap after the steady-state run over the heap before it. */
  readonly steady: number
  /** The embedding (unbundled) over `@effect/ai-openrouter` (unbundled), time to the first request above bare node. */
  readonly startupMs: number
  /** The same, RSS growth above bare node at the first request. */
  readonly startupRss: number
  /** `openrouter-effect --version` over the minimal @effect/cli program, wall time from spawn to exit (both installed bins). */
  readonly cliVersion: number
  /** `openrouter-effect chat hi --dry-run` over the minimal @effect/cli program, wall time. */
  readonly cliDryRun: number
  /** `openrouter-effect chat hi --dry-run`, wall time in ms. */
  readonly cliDryRunMs: number
  /** The larger peak RSS of those two commands over the minimal program's. */
  readonly cliRss: number
  /** Ours over the `effect-platform` column (a bare Effect HttpClient), chat at concurrency 64 (issue 22). */
  readonly c64VsEffect: number
  /** Ours over the best peer that is not an Effect client (`openai`, `@openrouter/sdk`), chat c64. */
  readonly c64VsNonEffectPeer: number
  /** Ours over the `effect-platform` column, chunks/s of one long stream. */
  readonly streamVsEffect: number
  /** Ours over `@openrouter/sdk`, video download throughput (MiB/s). */
  readonly downloadVsSdk: number
  /** Ours minus "Effect + undici alone", library start-up to the first request (ms, both above bare node). */
  readonly startupAboveFloorMs: number
  /** The same for RSS growth (MiB). */
  readonly startupRssAboveFloorMiB: number
}

/** A target and how this run stands against it. */
export interface Target {
  readonly label: string
  readonly value: number
  readonly unit: string
  readonly limit: number
  /** `min`: the value must reach the limit; `max`: it must stay under it. */
  readonly direction: "min" | "max"
  readonly met: boolean
  /** An aim rather than a target (the issue's "aim for"). */
  readonly aim: boolean
}

const target = (label: string, value: number, unit: string, direction: "min" | "max", limit: number, aim = false): Target => ({
  label,
  value,
  unit,
  limit,
  direction,
  aim,
  met: direction === "min" ? value >= limit : value <= limit
})

/** The issue's targets, in its order. */
export const evaluate = (figures: Figures): ReadonlyArray<Target> => [
  target("(1) chat c64: ours ≥ 1.25× the best peer", figures.c64VsPeer, "×", "min", 1.25),
  target("(1) chat c64: ours ≥ 0.6× undici (aim)", figures.c64VsFloor, "×", "min", 0.6, true),
  target("(1) chat c1 p99: ours ≤ the best peer's", figures.p99VsPeer, "×", "max", 1),
  target("(2) stream: ours ≥ 2× the best peer", figures.streamVsPeer, "×", "min", 2),
  target("(2) stream: ours ≥ 0.6× the floor (aim)", figures.streamVsFloor, "×", "min", 0.6, true),
  target("(20) streamText: ours ≥ 10× @effect/ai-openrouter", figures.streamTextVsEffectAi, "×", "min", 10),
  target("(20) streamText: ours ≥ 0.8× the no-work provider", figures.streamTextVsFloor, "×", "min", 0.8),
  target("(3) shaping ≤ 2× JSON.stringify", figures.pipeline, "×", "max", 2),
  target("(4) video download RSS growth ≤ 64 MiB", figures.downloadMiB, " MiB", "max", 64),
  target("(5) steady-state heap ≤ 1.1", figures.steady, "×", "max", 1.1),
  target("(6) library start-up time ≤ 0.6× @effect/ai-openrouter", figures.startupMs, "×", "max", 0.6),
  target("(6) library start-up RSS ≤ 0.6× @effect/ai-openrouter", figures.startupRss, "×", "max", 0.6),
  target("(6) CLI --version ≤ 1.2× a minimal @effect/cli program", figures.cliVersion, "×", "max", 1.2),
  target("(6) CLI chat --dry-run ≤ 1.5× a minimal @effect/cli program", figures.cliDryRun, "×", "max", 1.5),
  target("(6) CLI chat --dry-run ≤ 500 ms (aim)", figures.cliDryRunMs, " ms", "max", 500, true),
  target("(6) CLI peak RSS ≤ 1.3× a minimal @effect/cli program", figures.cliRss, "×", "max", 1.3),
  target("(22) download throughput ≥ 1.0× @openrouter/sdk", figures.downloadVsSdk, "×", "min", 1),
  target("(22) chat c64 ≥ 0.9× effect-platform", figures.c64VsEffect, "×", "min", 0.9),
  target("(22) chat c64 ≥ 1.5× the best non-Effect peer", figures.c64VsNonEffectPeer, "×", "min", 1.5),
  target("(22) stream ≥ 0.9× effect-platform", figures.streamVsEffect, "×", "min", 0.9),
  target("(22) library start-up ≤ the Effect + undici floor + 60 ms", figures.startupAboveFloorMs, " ms", "max", 60),
  target("(22) library start-up RSS ≤ the floor + 15 MiB", figures.startupRssAboveFloorMiB, " MiB", "max", 15)
]

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/**
 * A horizontal bar per target, value over limit (1.0 = exactly on the target, drawn as a line):
 * green where met, red where missed, grey where not measured.
 */
export const chart = (targets: ReadonlyArray<Target>): string => {
  const rowHeight = 28
  const labelWidth = 360
  const barWidth = 360
  const scaleMax = 2
  const height = targets.length * rowHeight + 60
  const x = (ratio: number) => labelWidth + Math.min(ratio, scaleMax) / scaleMax * barWidth
  const rows = targets.map((t, i) => {
    const y = 40 + i * rowHeight
    const ratio = t.value / t.limit
    const measured = !Number.isNaN(ratio)
    const color = !measured ? "#bbb" : t.met ? "#2e8b57" : t.aim ? "#e0a030" : "#c0392b"
    const text = measured ? `${t.value.toFixed(2)}${t.unit} (limit ${t.limit}${t.unit})` : "not measured"
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeXml(t.label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${measured ? Math.max(1, x(ratio) - labelWidth) : 0}" height="${rowHeight - 10}" fill="${color}"/>`,
      `<text x="${labelWidth + barWidth + 8}" y="${y + 15}">${escapeXml(text)}</text>`
    ].join("")
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 260}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-weight="bold">openrouter-effect against the targets of issues 9, 20 and 22: value / limit (the line is the limit; the bar stops at 2×)</text>`,
    ...rows,
    `<line x1="${x(1)}" y1="34" x2="${x(1)}" y2="${height - 20}" stroke="black" stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${height - 6}" text-anchor="middle">limit</text>`,
    `</svg>`,
    ""
  ].join("\n")
}

// ---- medians and the comparison with a baseline build ------------------------------------------

/** The median (of an even count, the upper of the two middle values); NaN when empty. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

/** The arithmetic mean; NaN when empty. */
export const mean = (values: ReadonlyArray<number>): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length

/** The `q` quantile (0–1) by the nearest rank: the smallest value with at least `q` of them at or below it; NaN when empty. */
export const percentile = (values: ReadonlyArray<number>, q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
}

/** A figure as the tables print it: thousands grouped from 100 up, two decimals below. */
export const fmt = (value: number): string =>
  Number.isNaN(value) ? "–" : value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2)

/** A table cell: the median and, over several repetitions, the min–max. */
export const cell = (values: ReadonlyArray<number> | undefined): string =>
  values === undefined || values.length === 0
    ? "–"
    : values.length === 1
    ? fmt(values[0]!)
    : `${fmt(median(values))} (${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`

/** One scenario measured for the build after (`ours`) and the build before (`ours@<rev>`). */
export interface BaselineRow {
  readonly scenario: string
  /** One value per repetition, in the order they ran. */
  readonly after: ReadonlyArray<number>
  readonly before: ReadonlyArray<number>
  /** Requests/s and chunks/s: higher is better; latency, RSS and heap ratios: lower is better. */
  readonly higherIsBetter: boolean
  /** The least acceptable new/old ratio of the medians, for the scenarios that have one. */
  readonly gate?: number
}

/** new/old of the medians, and the same ratio repetition by repetition (the runs were interleaved). */
export const ratios = (row: BaselineRow): { readonly ofMedians: number; readonly perRep: ReadonlyArray<number> } => ({
  ofMedians: median(row.after) / median(row.before),
  perRep: row.after.slice(0, row.before.length).map((value, i) => value / row.before[i]!)
})

/** The markdown table of the build after against the build before, one line per scenario. */
export const baselineTable = (rows: ReadonlyArray<BaselineRow>, after: string, before: string): ReadonlyArray<string> => {
  const present = rows.filter((row) => row.after.length > 0 && row.before.length > 0)
  if (present.length === 0) return []
  return [
    `| scenario | ${after} | ${before} | ${after} / ${before} (medians) | per repetition | |`,
    "|---|---|---|---|---|---|",
    ...present.map((row) => {
      const { ofMedians, perRep } = ratios(row)
      const verdict = Number.isNaN(ofMedians)
        ? "not measured"
        : row.gate !== undefined
        ? `${ofMedians >= row.gate ? "met" : "**missed**"} (≥ ${row.gate.toFixed(2)}×)`
        : row.higherIsBetter
        ? "higher is better"
        : "lower is better"
      return `| ${row.scenario} | ${cell(row.after)} | ${cell(row.before)} | ${Number.isNaN(ofMedians) ? "–" : `${ofMedians.toFixed(3)}×`} | ${perRep.map((r) => r.toFixed(2)).join(", ")} | ${verdict} |`
    }),
    ""
  ]
}
