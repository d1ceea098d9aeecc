/**
 * What users install, reproduced: every published workspace packed with `npm pack`, and the
 * tarballs installed into a fresh project beside the version set the root README documents.
 * Plain `node:child_process` and `node:fs` (no Effect): the packaging test and the benchmark's
 * start-up section both build their consumers with it.
 *
 * Packing assumes `npm run build` has run (`npm test` builds first through `pretest`): the
 * tarballs carry `dist/`, not the sources' loader-free twin.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root (this file is `packages/packaging/src/Consumer.ts`). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..")

// ---- processes ---------------------------------------------------------------------------------

/** The environment variables of the npm that started us which must not reach a child npm. */
const KEPT_NPM_CONFIG = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig", "npm_config_registry", "npm_config_cafile"])

/**
 * The environment for a child run outside the repository. Under `npm test` or `npm run bench`,
 * npm exports its own settings; `npm_config_local_prefix` alone would make an `npm install` in the
 * consumer install into the repository. Only the cache, registry and config-file locations are
 * kept. `NODE_OPTIONS` goes too, so no loader or hook of ours reaches what the consumer runs.
 * `overrides` are applied last; `undefined` removes a name.
 */
export const childEnv = (overrides: Readonly<Record<string, string | undefined>> = {}): Record<string, string> => {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue
    if (/^npm_/i.test(name) && !KEPT_NPM_CONFIG.has(name.toLowerCase())) continue
    if (name === "INIT_CWD" || name === "NODE_OPTIONS") continue
    env[name] = value
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return env
}

/** How a child process ended, with everything it printed. */
export interface RunResult {
  readonly command: string
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly cwd?: string
  /** The whole environment of the child (default: {@link childEnv}()). */
  readonly env?: Readonly<Record<string, string>>
  /** Killed (with its process group) past this; 60 s by default. */
  readonly timeoutMs?: number
}

/**
 * Runs a command to its end, bounded by a timeout. The child leads its own process group, so a
 * timeout kills what it started too (npm's own children, a bin's node).
 */
export const run = (command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true
    })
    let stdout = ""
    let stderr = ""
    let timedOut = false
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child.pid)
    }, options.timeoutMs ?? 60_000)
    child.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on("close", (status, signal) => {
      clearTimeout(timer)
      resolve({ command: [command, ...args].join(" "), status, signal, timedOut, stdout, stderr })
    })
  })

const killGroup = (pid: number | undefined) => {
  if (pid === undefined) return
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    // Already gone.
  }
}

/** One line saying how a run failed, with what it printed. */
export const describe = (result: RunResult): string =>
  `${result.command} ${result.timedOut ? "timed out" : `exited ${result.status ?? result.signal}`}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`

/** {@link run}, failing unless the command exits 0. */
export const runOk = async (command: string, args: ReadonlyArray<string>, options: RunOptions = {}): Promise<RunResult> => {
  const result = await run(command, args, options)
  if (result.status !== 0) throw new Error(describe(result))
  return result
}

// ---- the workspace -----------------------------------------------------------------------------

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>

/** A workspace package that is published (not `private`). */
export interface Workspace {
  readonly name: string
  readonly version: string
  readonly dir: string
}

/** The published workspaces, from the root package.json's `workspaces` (so a new one is packed too). */
export const publishedWorkspaces = (): ReadonlyArray<Workspace> => {
  const folders = readJson(join(repoRoot, "package.json"))["workspaces"]
  if (!Array.isArray(folders)) throw new Error("the root package.json has no workspaces array")
  return folders.flatMap((folder) => {
    const dir = join(repoRoot, String(folder))
    const manifest = readJson(join(dir, "package.json"))
    return manifest["private"] === true ? [] : [{ name: String(manifest["name"]), version: String(manifest["version"]), dir }]
  })
}

/** The version of a package in the workspace's own (hoisted) node_modules: what the suite tests. */
export const workspaceVersion = (name: string): string => String(readJson(join(repoRoot, "node_modules", name, "package.json"))["version"])

// ---- the README's install line -----------------------------------------------------------------

/** One package of an install line, with its version when the line pins one. */
export interface Spec {
  readonly name: string
  readonly version: string | undefined
}

/** The README's tested install line. */
export interface DocumentedInstall {
  readonly line: string
  readonly packages: ReadonlyArray<Spec>
}

/** `effect@3.22.4` → effect, 3.22.4; `@effect/platform` → @effect/platform, none (a scope's `@` is not a version). */
export const parseSpec = (token: string): Spec => {
  const at = token.lastIndexOf("@")
  return at > 0 ? { name: token.slice(0, at), version: token.slice(at + 1) } : { name: token, version: undefined }
}

/**
 * The `npm install @openrouter-effect/client …` line of a fenced block in the README's
 * "## Install" section: the version set the project documents. The packaging test installs
 * exactly it, so the README and the test cannot drift apart.
 */
export const documentedInstall = (readmePath: string = join(repoRoot, "README.md")): DocumentedInstall => {
  const readme = readFileSync(readmePath, "utf8")
  const section = readme.split(/^## /m).find((part) => /^Install\s*$/m.test(part.split("\n")[0] ?? ""))
  if (section === undefined) throw new Error(`${readmePath} has no "## Install" section`)
  // The odd parts of a split on fences are the fenced blocks' contents.
  const fenced = section.split(/^```.*$/m).filter((_, index) => index % 2 === 1).join("\n")
  const line = fenced.split("\n").map((text) => text.trim()).find((text) => text.startsWith("npm install @openrouter-effect/client"))
  if (line === undefined) throw new Error(`the "## Install" section of ${readmePath} has no fenced "npm install @openrouter-effect/client …" line`)
  const words = line.replace(/#.*$/, "").trim().split(/\s+/).slice(2).filter((word) => !word.startsWith("-"))
  return { line, packages: words.map(parseSpec) }
}

// ---- packing -----------------------------------------------------------------------------------

/** A tarball `npm pack` made. */
export interface Packed {
  readonly name: string
  readonly version: string
  /** The tarball's absolute path. */
  readonly tarball: string
  /** The paths inside the tarball, relative to its `package/` folder. */
  readonly files: ReadonlyArray<string>
}

const parsePackJson = (stdout: string, destination: string): ReadonlyArray<Packed> => {
  // Lifecycle scripts may print before the JSON array.
  const start = stdout.search(/^\[/m)
  if (start < 0) throw new Error(`npm pack printed no JSON:\n${stdout}`)
  const entries = JSON.parse(stdout.slice(start)) as ReadonlyArray<{ name: string; version: string; filename: string; files: ReadonlyArray<{ path: string }> }>
  return entries.map((entry) => ({
    name: entry.name,
    version: entry.version,
    tarball: join(destination, entry.filename),
    files: entry.files.map((file) => file.path)
  }))
}

/**
 * Packs published workspaces (all by default) into `destination`, from the repository root as a
 * release would: `npm pack --workspace <name> … --pack-destination <dir> --json`.
 */
export const pack = async (destination: string, workspaces: ReadonlyArray<Workspace> = publishedWorkspaces()): Promise<ReadonlyArray<Packed>> => {
  for (const workspace of workspaces) {
    if (!existsSync(join(workspace.dir, "dist"))) throw new Error(`${workspace.name} has no dist/: run \`npm run build\` first`)
  }
  mkdirSync(destination, { recursive: true })
  const args = ["pack", ...workspaces.flatMap((workspace) => ["--workspace", workspace.name]), "--pack-destination", destination, "--json"]
  const result = await runOk("npm", args, { cwd: repoRoot, timeoutMs: 120_000 })
  return parsePackJson(result.stdout, destination)
}

/** Packs a package folder outside the workspaces (the benchmark's minimal CLI) into `destination`. */
export const packDirectory = async (dir: string, destination: string): Promise<Packed> => {
  mkdirSync(destination, { recursive: true })
  const result = await runOk("npm", ["pack", dir, "--pack-destination", destination, "--json"], { cwd: dir, timeoutMs: 120_000 })
  const [packed] = parsePackJson(result.stdout, destination)
  if (packed === undefined) throw new Error(`npm pack ${dir} made no tarball`)
  return packed
}

/** Unpacks one file of a tarball (`package.json`, say) and answers its text. */
export const readFromTarball = async (tarball: string, path: string): Promise<string> =>
  (await runOk("tar", ["-xzOf", tarball, `package/${path}`], { timeoutMs: 30_000 })).stdout

// ---- the consumer project ----------------------------------------------------------------------

/** A fresh project in a temporary folder with the tarballs and the documented versions installed. */
export interface Consumer {
  /** The temporary folder: `packs/` (the tarballs) and `project/`. */
  readonly root: string
  /** The consumer project (`package.json` with `"type": "module"`, and its node_modules). */
  readonly dir: string
  readonly packed: ReadonlyArray<Packed>
  readonly documented: DocumentedInstall
  /** What `npm install` was given. */
  readonly installed: ReadonlyArray<string>
  /** `<dir>/node_modules/.bin/<name>`. */
  readonly bin: (name: string) => string
  /** `<dir>/node_modules/<name>`. */
  readonly packageDir: (name: string) => string
  /** Removes the temporary folder. */
  readonly cleanup: () => void
}

/** Options of {@link createConsumer}. */
export interface ConsumerOptions {
  /** More `npm install` arguments: `name@version` or tarball paths (installed in the same run). */
  readonly extra?: ReadonlyArray<string>
  /** The `npm install` bound (240 s by default). */
  readonly installTimeoutMs?: number
  /** The temporary folder's name prefix. */
  readonly prefix?: string
}

/**
 * What the consumer installs: every tarball, and each package the README's line pins at its
 * version. A package the line names without a version must be one of the tarballs (that is how
 * the line names ours); anything else would be a README that installs from the registry at
 * whatever version is current.
 */
export const installArguments = (documented: DocumentedInstall, packed: ReadonlyArray<Packed>): ReadonlyArray<string> => {
  const ours = new Set(packed.map((p) => p.name))
  for (const spec of documented.packages) {
    if (spec.version === undefined && !ours.has(spec.name)) throw new Error(`the README's install line names ${spec.name} without a version`)
  }
  return [
    ...packed.map((p) => p.tarball),
    ...documented.packages.filter((spec) => !ours.has(spec.name)).map((spec) => `${spec.name}@${spec.version ?? ""}`)
  ]
}

/**
 * `npm install` into `dir`. `--prefer-offline` rather than `--offline`: on a fresh machine the
 * cache holds the tarballs of the workspace's install but not the packuments npm resolves
 * versions from, so plain offline fails.
 */
export const npmInstall = (dir: string, args: ReadonlyArray<string>, timeoutMs = 240_000): Promise<RunResult> =>
  runOk("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...args], { cwd: dir, timeoutMs })

/**
 * Packs every published workspace and installs the tarballs with the README's version set into a
 * new project under the system's temporary folder. Call `cleanup` when done.
 */
export const createConsumer = async (options: ConsumerOptions = {}): Promise<Consumer> => {
  const root = mkdtempSync(join(tmpdir(), options.prefix ?? "ore-consumer-"))
  try {
    const packed = await pack(join(root, "packs"))
    const documented = documentedInstall()
    const installed = [...installArguments(documented, packed), ...(options.extra ?? [])]
    const dir = join(root, "project")
    mkdirSync(dir)
    writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "openrouter-effect-consumer", version: "0.0.0", private: true, type: "module" }, null, 2)}\n`)
    await npmInstall(dir, installed, options.installTimeoutMs)
    return {
      root,
      dir,
      packed,
      documented,
      installed,
      bin: (name) => join(dir, "node_modules", ".bin", name),
      packageDir: (name) => join(dir, "node_modules", ...name.split("/")),
      cleanup: () => rmSync(root, { recursive: true, force: true })
    }
  } catch (cause) {
    rmSync(root, { recursive: true, force: true })
    throw cause
  }
}

// ---- what is installed -------------------------------------------------------------------------

/** An installed package: its name, version and folder. */
export interface Installed {
  readonly name: string
  readonly version: string
  readonly dir: string
}

/** Every package under `nodeModules`, nested copies included (symlinks are not followed). */
export const installedPackages = (nodeModules: string): ReadonlyArray<Installed> => {
  const found: Array<Installed> = []
  const visit = (folder: string) => {
    if (!existsSync(folder)) return
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || !entry.isDirectory()) continue
      const path = join(folder, entry.name)
      if (entry.name.startsWith("@")) {
        for (const scoped of readdirSync(path, { withFileTypes: true })) {
          if (scoped.isDirectory()) take(join(path, scoped.name))
        }
      } else {
        take(path)
      }
    }
  }
  const take = (dir: string) => {
    const manifest = join(dir, "package.json")
    if (existsSync(manifest)) {
      const json = readJson(manifest)
      found.push({ name: String(json["name"]), version: String(json["version"]), dir })
    }
    visit(join(dir, "node_modules"))
  }
  visit(nodeModules)
  return found
}

/**
 * The public entry points of an installed package: its root, when `exports` has one, and a
 * subpath per module of `dist/` (every `.d.ts`, nested folders included), except `internal/` and
 * the `bin` module, which the `exports` map keeps closed.
 */
export const publicEntryPoints = (packageDir: string): ReadonlyArray<string> => {
  const manifest = readJson(join(packageDir, "package.json"))
  const name = String(manifest["name"])
  const exports = manifest["exports"]
  if (typeof exports !== "object" || exports === null || !("." in exports)) return []
  const dist = join(packageDir, "dist")
  const modules: Array<string> = []
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) {
        if (entry.name !== "internal") visit(path)
      } else if (entry.name.endsWith(".d.ts")) {
        const module = relative(dist, path).slice(0, -".d.ts".length).split(sep).join("/")
        if (module !== "index" && module !== "bin") modules.push(`${name}/${module}`)
      }
    }
  }
  visit(dist)
  return [name, ...modules.sort()]
}

// ---- the packed simulator ----------------------------------------------------------------------

/** A running `openrouter-sim`. */
export interface RunningSimulator {
  /** Its base URL, `http://127.0.0.1:<port>/api/v1`. */
  readonly baseUrl: string
  readonly stop: () => Promise<void>
}

/**
 * Starts the consumer's `openrouter-sim` bin on a free port, accepting `apiKey`, and waits for
 * the line it prints once listening (`OpenRouter simulator listening on <base URL>`).
 */
export const startSimulator = (consumer: Consumer, apiKey: string, timeoutMs = 30_000): Promise<RunningSimulator> =>
  new Promise((resolve, reject) => {
    const child = spawn(consumer.bin("openrouter-sim"), ["--port", "0", "--api-key", apiKey], {
      cwd: consumer.dir,
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const exited = new Promise<void>((done) => child.once("exit", () => done()))
    const fail = (message: string) => {
      clearTimeout(timer)
      child.kill("SIGKILL")
      reject(new Error(`${message}\n${output}`))
    }
    const timer = setTimeout(() => fail(`openrouter-sim printed no address in ${timeoutMs} ms`), timeoutMs)
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match?.[1] === undefined) return
      clearTimeout(timer)
      resolve({
        baseUrl: match[1],
        stop: () => {
          if (child.exitCode !== null || child.signalCode !== null) return exited
          // It closes its server on SIGTERM; SIGKILL if that takes more than 5 s.
          child.kill("SIGTERM")
          const force = setTimeout(() => child.kill("SIGKILL"), 5_000)
          return exited.finally(() => clearTimeout(force))
        }
      })
    })
    child.once("error", (error) => fail(error.message))
    child.once("exit", (code) => fail(`openrouter-sim exited (${code}) before listening`))
  })
