/**
 * The command lines `worker` and `client` read on stdin.
 *
 * @internal
 */

/**
 * The words of a command line: split on spaces, with `"…"` for a word holding spaces (a
 * directory, say) and `\"` / `\\` inside it; `undefined` when a quote is not closed.
 *
 * @internal
 */
export const words = (line: string): Array<string> | undefined => {
  // An opening quote without its closing one is a mistake, not a word.
  if (((line.replace(/\\./g, "").match(/"/g) ?? []).length) % 2 === 1) return undefined
  const out: Array<string> = []
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (const match of line.matchAll(pattern)) {
    out.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : match[2]!)
  }
  return out
}
