/**
 * `--baseline <git-rev>`: the packages as built at another revision, as one more candidate of the
 * same run (`ours@<rev>`), so "the build before" and "the build after" are measured side by side.
 *
 * - The revision is checked out with `git worktree add --detach` into a temporary folder.
 * - Its `node_modules` reuses the repository's: when its `package-lock.json` is the working
 *   tree's, the folder is a farm of symlinks to the root `node_modules` entries, except
 *   `@openrouter-effect/*`, which point at the worktree's own packages (so the old client imports
 *   the old core). Resolved through those links, `effect` and `@effect/*` are the very files the
 *   current build bundles. When the lockfiles differ, `npm ci --ignore-scripts` installs the
 *   revision's own dependencies instead.
 * - `tsc -b tsconfig.build.json` builds core, simulator and client there.
 * - The candidate source is the one `ours` is bundled from; `resolveFrom` is an esbuild plugin
 *   that resolves every `@openrouter-effect/*` import from the worktree instead.
 */
import { execFileSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Plugin } from "esbuild"

export interface Baseline {
  /** The revision as given (`de1b751`, `HEAD~1`, a branch). */
  readonly rev: string
  /** The full commit it names. */
  readonly commit: string
  /** The candidate's name in the tables: `ours@<rev>`. */
  readonly label: string
  /** The worktree's root. */
  readonly root: string
  readonly cleanup: () => void
}

const git = (repoRoot: string, args: ReadonlyArray<string>) =>
  execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim()

/** Links `<worktree>/node_modules` to the repository's, with our own packages taken from the worktree. */
const linkNodeModules = (repoRoot: string, root: string) => {
  const source = join(repoRoot, "node_modules")
  const target = join(root, "node_modules")
  mkdirSync(target)
  for (const entry of readdirSync(source)) {
    if (entry === "@openrouter-effect" || entry === ".package-lock.json") continue
    symlinkSync(join(source, entry), join(target, entry))
  }
  mkdirSync(join(target, "@openrouter-effect"))
  for (const name of readdirSync(join(root, "packages"))) {
    if (existsSync(join(root, "packages", name, "package.json"))) {
      symlinkSync(join(root, "packages", name), join(target, "@openrouter-effect", name))
    }
  }
}

/** Checks the revision out into a temporary worktree and builds its packages there. */
export const prepare = (repoRoot: string, rev: string): Baseline => {
  const commit = git(repoRoot, ["rev-parse", "--verify", `${rev}^{commit}`])
  const parent = realpathSync(mkdtempSync(join(tmpdir(), "ore-bench-baseline-")))
  const root = join(parent, "repo")
  let added = false
  const cleanup = () => {
    try {
      if (added) git(repoRoot, ["worktree", "remove", "--force", root])
    } catch (error) {
      console.error(`could not remove the worktree ${root}: ${String(error)}`)
    }
    rmSync(parent, { recursive: true, force: true })
    try {
      git(repoRoot, ["worktree", "prune"])
    } catch {
      // nothing to prune
    }
  }
  try {
    console.error(`baseline: checking out ${rev} (${commit.slice(0, 12)}) into ${root} …`)
    git(repoRoot, ["worktree", "add", "--detach", "--quiet", root, commit])
    added = true
    const sameLock = (() => {
      try {
        execFileSync("git", ["diff", "--quiet", commit, "--", "package-lock.json"], { cwd: repoRoot, stdio: "ignore" })
        return true
      } catch {
        return false
      }
    })()
    if (sameLock) {
      linkNodeModules(repoRoot, root)
    } else {
      console.error(`baseline: package-lock.json differs at ${rev}; npm ci --ignore-scripts in the worktree …`)
      execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] })
    }
    console.error(`baseline: building the packages of ${rev} (tsc -b tsconfig.build.json) …`)
    execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", "tsconfig.build.json"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"]
    })
    return { rev, commit, label: `ours@${rev}`, root, cleanup }
  } catch (error) {
    cleanup()
    throw error
  }
}

/**
 * An esbuild plugin that resolves the imports whose path matches `filter` as if they were written
 * in `root` (the worktree): the same candidate source bundled against another build.
 */
export const resolveFrom = (root: string, filter = /^@openrouter-effect\//): Plugin => ({
  name: "resolve-from-baseline",
  setup(build) {
    build.onResolve({ filter }, async (args) => {
      if (args.pluginData === "baseline") return undefined
      const result = await build.resolve(args.path, { kind: args.kind, resolveDir: root, importer: args.importer, pluginData: "baseline" })
      if (result.errors.length > 0) return { errors: result.errors }
      if (!result.path.startsWith(root)) {
        return { errors: [{ text: `${args.path} resolved to ${result.path}, outside the baseline worktree ${root}` }] }
      }
      return result
    })
  }
})
