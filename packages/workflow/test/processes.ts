// The worker bin in a child process (the build output under `node`, as users run it) with its
// output as it comes, and a guarded wait: shared by the SQLite and PostgreSQL process tests.
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

export interface Exited {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface Child {
  readonly pid: number
  readonly done: Promise<Exited>
  readonly kill: () => void
  /** Writes a command line to its stdin. */
  readonly send: (line: string) => void
  /** Its stdout's JSON lines so far. */
  readonly lines: () => ReadonlyArray<Record<string, any>>
  readonly stderr: () => string
  readonly running: () => boolean
}

/** `node dist/bin.js ARGS` with only PATH and `env` in its environment. */
export const spawnBin = (args: ReadonlyArray<string>, env: Record<string, string>): Child => {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk) => (stdout += chunk))
  child.stderr.on("data", (chunk) => (stderr += chunk))
  child.stdin.on("error", () => {})
  const done = new Promise<Exited>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })))
  let exited = false
  void done.then(() => (exited = true))
  return {
    pid: child.pid!,
    done,
    kill: () => {
      if (!exited) child.kill("SIGKILL")
    },
    send: (line) => {
      child.stdin.write(`${line}\n`)
    },
    lines: () =>
      stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, any>),
    stderr: () => stderr,
    running: () => !exited
  }
}

/** Waits until `condition` answers something truthy (checked every 50 ms); fails after `ms`, a guard only. */
export const until = async <A>(what: string, condition: () => A | Promise<A>, ms = 30_000): Promise<NonNullable<A>> => {
  const end = Date.now() + ms
  for (;;) {
    const value = await condition()
    if (value) return value as NonNullable<A>
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The child's exit, or after `ms` (a guard against a hang, not a timed assertion) it is killed and
 * the wait fails with what it wrote to stderr, so a hang says where it stopped.
 */
export const exited = async (child: Child, what: string, ms = 60_000): Promise<Exited> => {
  let timer: NodeJS.Timeout | undefined
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${what} did not exit within ${ms} ms; its stderr:\n${child.stderr().slice(-4000)}`))
    }, ms)
  })
  try {
    return await Promise.race([child.done, guard])
  } finally {
    clearTimeout(timer)
  }
}
