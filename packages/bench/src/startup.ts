/**
 * The start-up section's machinery. Every candidate starts the way its users start it, never
 * bundled beside unbundled:
 *
 * - the command lines are installed from tarballs into one consumer project and run through their
 *   bins in node_modules/.bin (ours as published: one bundled bin; a minimal @effect/cli program
 *   bundled with the same esbuild options and shipped the same way), timed from spawn to exit,
 *   beside a bare `node -e 0`;
 * - the libraries run unbundled as plain ESM: ours and the "Effect + undici alone" floor in that
 *   consumer (the packed tarballs and the README's version set), @effect/ai-openrouter next to its
 *   own pinned node_modules, and a bare node process; each is timed to its first request.
 */
import { spawn } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { delimiter, dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import * as Consumer from "@openrouter-effect/packaging/Consumer"
import { build, type BuildOptions } from "esbuild"

/** The fake key every candidate is given. */
export const KEY = "sk-or-v1-bench-000000000000000000000000000000"

/** The installed consumer and what runs in it. */
export interface Setup {
  readonly consumer: Consumer.Consumer
  /** A temporary folder for HOME, the minimal CLI's package and the RSS files. */
  readonly work: string
  /** The command-line candidates: label → bin (or node) and arguments. */
  readonly cli: ReadonlyArray<{ readonly label: string; readonly file: string; readonly args: ReadonlyArray<string>; readonly expect: RegExp }>
  /** The library candidates: label → a plain .mjs file, run with `node`. */
  readonly library: Readonly<Record<string, string>>
  readonly cleanup: () => void
}

/** The labels of the command-line candidates, in the order of the table. */
export const CLI = {
  bare: "node -e 0",
  minimalVersion: "minimal --version",
  minimal: "minimal: hello",
  version: "ours --version",
  dryRun: "ours chat --dry-run"
} as const

/** The labels of the library candidates (`bare` is the baseline the others are measured above). */
export const LIBRARY = { bare: "bare", ours: "ours", floor: "Effect + undici alone", effectAi: "effect-ai" } as const

type CliBundleOptions = (target: { entryPoints: Record<string, string>; outdir: string; absWorkingDir: string }) => BuildOptions

/**
 * The runner's esbuild options (packages/runner/scripts/bundle-options.js). A plain JS module
 * without declarations, so it is imported by URL and typed here.
 */
const cliBundleOptions = async (benchDir: string): Promise<CliBundleOptions> => {
  const url = pathToFileURL(join(benchDir, "../runner/scripts/bundle-options.js")).href
  return ((await import(url)) as { cliBundleOptions: CliBundleOptions }).cliBundleOptions
}

/**
 * The minimal @effect/cli program as a package shaped like the runner's: `dist/` from esbuild with
 * `cliBundleOptions`, and a bin that imports it. Answers its tarball.
 */
const packMinimalCli = async (benchDir: string, work: string): Promise<Consumer.Packed> => {
  const dir = join(work, "minimal-cli")
  mkdirSync(join(dir, "bin"), { recursive: true })
  const options = await cliBundleOptions(benchDir)
  await build(options({ absWorkingDir: benchDir, entryPoints: { main: "candidates/minimal-cli.ts" }, outdir: join(dir, "dist") }))
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "minimal-effect-cli", version: "0.1.0", type: "module", bin: { "minimal-cli": "./bin/minimal-cli.js" }, files: ["bin", "dist"] }, null, 2)
  )
  writeFileSync(join(dir, "bin", "minimal-cli.js"), "#!/usr/bin/env node\nimport \"../dist/main.js\"\n")
  return Consumer.packDirectory(dir, join(work, "packs"))
}

/**
 * Packs and installs everything: the published workspaces (they must be built: `npm run build`)
 * with the README's version set, and the minimal CLI, into one consumer project.
 */
export const setUp = async (benchDir: string): Promise<Setup> => {
  const work = mkdtempSync(join(tmpdir(), "ore-bench-startup-"))
  try {
    const minimal = await packMinimalCli(benchDir, work)
    const consumer = await Consumer.createConsumer({ extra: [minimal.tarball], prefix: "ore-bench-consumer-" })
    const programs = join(consumer.dir, "startup")
    mkdirSync(programs)
    for (const name of ["bare", "ours", "effect-floor"]) copyFileSync(join(benchDir, "candidates/startup", `${name}.mjs`), join(programs, `${name}.mjs`))
    mkdirSync(join(work, "home"))
    return {
      consumer,
      work,
      cli: [
        { label: CLI.bare, file: process.execPath, args: ["-e", "0"], expect: /^$/ },
        { label: CLI.minimalVersion, file: consumer.bin("minimal-cli"), args: ["--version"], expect: /0\.1\.0/ },
        { label: CLI.minimal, file: consumer.bin("minimal-cli"), args: ["--name", "world"], expect: /^hello world$/m },
        { label: CLI.version, file: consumer.bin("openrouter-effect"), args: ["--version"], expect: /^0\.1\.0$/m },
        { label: CLI.dryRun, file: consumer.bin("openrouter-effect"), args: ["chat", "hi", "--dry-run"], expect: /"method": "POST"/ }
      ],
      library: {
        [LIBRARY.bare]: join(programs, "bare.mjs"),
        [LIBRARY.ours]: join(programs, "ours.mjs"),
        [LIBRARY.floor]: join(programs, "effect-floor.mjs"),
        [LIBRARY.effectAi]: join(benchDir, "peers/effect-ai/startup.mjs")
      },
      cleanup: () => {
        consumer.cleanup()
        rmSync(work, { recursive: true, force: true })
      }
    }
  } catch (cause) {
    rmSync(work, { recursive: true, force: true })
    throw cause
  }
}

/**
 * The environment of every start-up candidate: a fresh HOME (no config file), the fake key, and
 * PATH with this node first, so `#!/usr/bin/env node` in the bins finds the same node as
 * `node -e 0`.
 */
const environment = (setup: Setup): Record<string, string> => ({
  PATH: [dirname(process.execPath), process.env["PATH"] ?? ""].join(delimiter),
  HOME: join(setup.work, "home"),
  OPENROUTER_API_KEY: KEY
})

/** One command-line run, output checked: the warm-up (and the proof each candidate works). */
export const verifyCli = async (setup: Setup): Promise<void> => {
  for (const candidate of setup.cli) {
    const result = await Consumer.run(candidate.file, candidate.args, { cwd: setup.consumer.dir, env: environment(setup), timeoutMs: 30_000 })
    if (result.status !== 0 || !candidate.expect.test(result.stdout.trim())) throw new Error(`${candidate.label} did not work:\n${Consumer.describe(result)}`)
  }
}

let rssFiles = 0
const peakRssHook = (benchDir: string) => join(benchDir, "candidates/peak-rss.cjs")

/**
 * Runs one command-line candidate to its end: the wall time from spawn to exit, and its peak RSS
 * as the process itself reports it on exit (the same preloaded hook in every candidate).
 */
export const timeToExit = (benchDir: string, setup: Setup, candidate: Setup["cli"][number]) =>
  new Promise<{ ms: number; rssMiB: number }>((resolve, reject) => {
    const rssFile = join(setup.work, `rss-${rssFiles++}`)
    const env = { ...environment(setup), NODE_OPTIONS: `--require=${JSON.stringify(peakRssHook(benchDir))}`, BENCH_RSS_FILE: rssFile }
    const started = performance.now()
    const child = spawn(candidate.file, candidate.args, { cwd: setup.consumer.dir, env, stdio: "ignore" })
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.once("error", reject)
    child.once("exit", (code, signal) => {
      const ms = performance.now() - started
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`${candidate.label} exited ${code ?? signal}`))
      // One line per node process that exited (a candidate that spawned node would write more).
      const kib = readFileSync(rssFile, "utf8").trim().split("\n").map(Number)
      rmSync(rssFile, { force: true })
      resolve({ ms, rssMiB: Math.max(...kib) / 1024 })
    })
  })

/** The peak RSS of a process, from /proc (Linux); NaN elsewhere. */
const peakRss = (pid: number) => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return match?.[1] !== undefined ? Number(match[1]) / 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

/**
 * A server in the harness's process for the library candidates: the first request a child sends
 * stops its clock and samples its peak RSS from /proc; the child is then killed (what follows the
 * first request is not start-up).
 */
export const firstRequestServer = async (setup: Setup) => {
  let waiting: ((at: number) => void) | undefined
  const server = createServer((request, response) => {
    const at = performance.now()
    waiting?.(at)
    waiting = undefined
    request.resume()
    response.writeHead(500).end()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
  const startOnce = (script: string) =>
    new Promise<{ ms: number; rssMiB: number }>((resolve, reject) => {
      const started = performance.now()
      const child = spawn(process.execPath, [script], { cwd: dirname(script), stdio: "ignore", env: { ...environment(setup), BENCH_URL: url } })
      const timer = setTimeout(() => {
        waiting = undefined
        child.kill("SIGKILL")
        reject(new Error(`${script} sent no request in 30 s`))
      }, 30_000)
      child.once("exit", (code) => {
        if (waiting !== undefined) {
          clearTimeout(timer)
          waiting = undefined
          reject(new Error(`${script} exited (${code}) before sending a request`))
        }
      })
      waiting = (at) => {
        clearTimeout(timer)
        const rssMiB = peakRss(child.pid ?? -1)
        child.removeAllListeners("exit")
        child.kill("SIGKILL")
        child.once("exit", () => resolve({ ms: at - started, rssMiB }))
      }
    })
  return { startOnce, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
