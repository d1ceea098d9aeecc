/**
 * Text from elsewhere (a server's error message, a job id, a model's answer) made safe to write to
 * a terminal. A raw ESC can start an ANSI/OSC sequence that moves the cursor, rewrites what was
 * printed before, sets the window title or plants a clickable link; a raw CR overwrites a line;
 * bidirectional overrides reorder what the reader sees. {@link escape} writes each such character
 * as a visible escape (`\x1b`, `\r`, `\u202e`), so the text shows what was sent and does nothing.
 *
 * Line feeds, tabs and CR LF line ends are kept: they are how answers are laid out, and they
 * cannot rewrite what is already on screen.
 *
 * @since 0.1.0
 */

// A CR that does not end a line (CR LF only ends one, as Windows text does; a lone CR returns to
// the start of the line to overwrite it); C0 controls other than TAB (0x09), LF (0x0a) and CR;
// DEL; C1 controls (0x80–0x9f, which some terminals read as CSI and OSC); the bidirectional
// embeddings, overrides and isolates; the line and paragraph separators (which some terminals
// treat as line ends).
const CLASS =
  "\\r(?!\\n)|[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]"
const UNSAFE = new RegExp(CLASS, "g")
// Without the global flag, so `test` keeps no position between calls.
const ANY_UNSAFE = new RegExp(CLASS)

const NAMED: Readonly<Record<string, string>> = { "\r": "\\r", "\u001b": "\\x1b", "\b": "\\b", "\f": "\\f", "\v": "\\v", "\u0000": "\\0" }

const visible = (character: string): string => {
  const named = NAMED[character]
  if (named !== undefined) return named
  const code = character.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`
}

/**
 * `text` with every character that could act on a terminal written as a visible escape; line
 * feeds and tabs kept. A backslash is left as it is, so the result is for display, not a
 * reversible encoding.
 *
 * @example
 * escape("fail\u001b]0;pwned\u0007") // "fail\\x1b]0;pwned\\x07"
 *
 * @since 0.1.0 @category Display
 */
export const escape = (text: string): string => ANY_UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text

/**
 * Whether `text` holds a character {@link escape} would rewrite.
 *
 * @since 0.1.0 @category Display
 */
export const isSafe = (text: string): boolean => !ANY_UNSAFE.test(text)
