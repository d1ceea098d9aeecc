// Preloaded into every command-line start-up candidate alike (NODE_OPTIONS=--require=<this file>):
// when the process exits, appends its peak RSS (getrusage's ru_maxrss, KiB: the kernel's
// high-water mark over the whole life of the process) to $BENCH_RSS_FILE. A process killed by a
// signal writes nothing, which the harness reports as a failure.
"use strict"
const { appendFileSync } = require("node:fs")
const file = process.env.BENCH_RSS_FILE
if (file !== undefined && file !== "") {
  process.on("exit", () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`))
}
