/**
 * Where the config file and the state directory are, as OpenClaw finds them: the
 * `--config` flag, else `$OPENCLAW_CONFIG_PATH`, else `$OPENCLAW_STATE_DIR/openclaw.json`, else
 * `~/.openclaw/openclaw.json`. Pure: the home directory and environment are passed in.
 *
 * @since 0.1.0
 */
import * as Environment from "./Environment.js"

/** The config file's name. @since 0.1.0 @category Constants */
export const FILE_NAME = "openclaw.json"

/** Which rule chose the file. @since 0.1.0 @category Models */
export type Source = "flag" | "OPENCLAW_CONFIG_PATH" | "OPENCLAW_STATE_DIR" | "default"

/** @since 0.1.0 @category Models */
export interface Location {
  readonly file: string
  readonly source: Source
  /** `$OPENCLAW_STATE_DIR`, else the config file's directory. Video jobs live under it. */
  readonly stateDir: string
}

const join = (dir: string, name: string): string => (dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`)

const dirname = (file: string): string => {
  const slash = file.lastIndexOf("/")
  return slash < 0 ? "." : slash === 0 ? "/" : file.slice(0, slash)
}

const expandHome = (path: string, homeDir: string): string =>
  path === "~" ? homeDir : path.startsWith("~/") ? join(homeDir, path.slice(2)) : path

/**
 * Resolves the location.
 *
 * @since 0.1.0 @category Resolution
 */
export const resolve = (options: {
  readonly flag?: string | undefined
  readonly environment: Environment.Environment
  readonly homeDir: string
}): Location => {
  const env = (name: string) => {
    const value = Environment.get(options.environment, name)
    return value === undefined ? undefined : expandHome(value.trim(), options.homeDir)
  }
  const stateDirEnv = env("OPENCLAW_STATE_DIR")
  const flag = options.flag?.trim()
  const [file, source]: readonly [string, Source] = flag !== undefined && flag !== ""
    ? [expandHome(flag, options.homeDir), "flag"]
    : env("OPENCLAW_CONFIG_PATH") !== undefined
    ? [env("OPENCLAW_CONFIG_PATH") as string, "OPENCLAW_CONFIG_PATH"]
    : stateDirEnv !== undefined
    ? [join(stateDirEnv, FILE_NAME), "OPENCLAW_STATE_DIR"]
    : [join(join(options.homeDir, ".openclaw"), FILE_NAME), "default"]
  return { file, source, stateDir: stateDirEnv ?? dirname(file) }
}
