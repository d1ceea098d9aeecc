// Runs the built bin (`node bin/openrouter-effect.js`, never a TypeScript loader) as a child
// process and collects what a user would see: the exit code, stdout, stderr, and the process's
// peak resident memory (VmHWM from /proc, sampled every 20 ms; it only grows, so the last sample
// before exit holds the peak up to then). A guard kills a hang, which then fails on its exit code.
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

/** The runner package's folder. */
export const runnerDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..")

/** What a run of the CLI left. */
export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** Peak resident memory of the process, KiB. */
  readonly peakKiB: number
}

export interface CliOptions {
  /** The whole environment of the child (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string
  /** Run as this user and group id (root only). */
  readonly uid?: number
  /** Kill the child after this long (a guard against hangs, not an assertion). Default 15 s. */
  readonly guardMs?: number
  /** Piped to the child's stdin, then closed; without it stdin is /dev/null. */
  readonly stdin?: string | Uint8Array
}

/** Runs `openrouter-effect ...args`. */
export const runCli = (args: ReadonlyArray<string>, options: CliOptions): Promise<CliRun> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [join(runnerDir, "bin/openrouter-effect.js"), ...args], {
      cwd: options.cwd ?? runnerDir,
      env: options.env,
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {})
    })
    let stdout = ""
    let stderr = ""
    let peakKiB = 0
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    if (options.stdin !== undefined) child.stdin!.end(options.stdin)
    const sample = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))
        if (match?.[1] !== undefined) peakKiB = Math.max(peakKiB, Number(match[1]))
      } catch {
        // exited
      }
    }, 20)
    const guard = setTimeout(() => child.kill("SIGKILL"), options.guardMs ?? 15_000)
    child.on("exit", (code) => {
      clearInterval(sample)
      clearTimeout(guard)
      resolve({ code, stdout, stderr, peakKiB })
    })
  })

/** The current environment without any OPENROUTER_* or OPENCLAW_* variable, nor NO_COLOR. */
export const cleanEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] =>
      entry[1] !== undefined && !entry[0].startsWith("OPENROUTER_") && !entry[0].startsWith("OPENCLAW_") && entry[0] !== "NO_COLOR"
    )
  )
