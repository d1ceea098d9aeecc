/**
 * The CLI's help, rendered here from the @effect/cli command descriptors rather than by
 * @effect/cli itself: its renderer puts "A user-defined piece of text." before every text
 * option's description, always styles with ANSI, pads the command list to ~260 columns and
 * prints usage lines without the program name (`$ chat`). Here every command and option is read
 * from the same descriptors the parser uses (so help cannot drift from what parses), the generic
 * type sentences are left out, lines are wrapped to the terminal's width, and styling is used
 * only on a terminal without `NO_COLOR`.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import type * as CommandDescriptor from "@effect/cli/CommandDescriptor"
import * as CliConfig from "@effect/cli/CliConfig"
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"
import * as Options from "@effect/cli/Options"
import * as Usage from "@effect/cli/Usage"

/** One command of the tree: its path from the program, what it says, and its subcommands. @since 0.1.0 @category Models */
export interface Node {
  /** `["video", "resume"]`; empty for the program itself. */
  readonly path: ReadonlyArray<string>
  readonly description: string
  /** `[names and type, description]` per option, in declaration order. */
  readonly options: ReadonlyArray<readonly [string, string]>
  /** `[<NAME>, description]` per positional argument. */
  readonly args: ReadonlyArray<readonly [string, string]>
  /** The positional arguments as the usage line shows them (`[<PROMPT>]`). */
  readonly argsUsage: string
  readonly children: ReadonlyArray<Node>
}

// The descriptor's instructions, as @effect/cli builds them (CommandDescriptor's internal
// `Standard`, `Map`, `Subcommands`, `GetUserInput`). Only these shapes are read.
type Instruction =
  | { readonly _tag: "Standard"; readonly name: string; readonly description: HelpDoc.HelpDoc; readonly options: Options.Options<unknown>; readonly args: Args.Args<unknown> }
  | { readonly _tag: "GetUserInput"; readonly name: string; readonly description: HelpDoc.HelpDoc }
  | { readonly _tag: "Map"; readonly command: Instruction }
  | { readonly _tag: "Subcommands"; readonly parent: Instruction; readonly children: ReadonlyArray<Instruction> }

/** The plain text of a span. */
const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
    default:
      return spanText(span.value)
  }
}

// What @effect/cli says about a value's type or optionality: the usage line and the option's
// name already say it, so it is left out of the description.
const generic = [
  /^A user-defined piece of text( that is confidential)?\.$/,
  /^A true or false value\.$/,
  /^An integer\.$/,
  /^A floating point number\.$/,
  /^A date time\.$/,
  /^One of the following: .*$/,
  /^This setting is optional\.$/,
  /^This (option|argument) may be repeated zero or more times\.$/
]

/** The paragraphs of a help doc, as text, the generic ones left out. */
const paragraphs = (doc: HelpDoc.HelpDoc): Array<string> => {
  switch (doc._tag) {
    case "Empty":
      return []
    case "Header":
    case "Paragraph": {
      const text = spanText(doc.value).trim()
      if (text === "" || generic.some((pattern) => pattern.test(text))) return []
      const defaulted = /^This setting is optional\. Defaults to: (.*)$/.exec(text)
      return [defaulted !== null ? `(default: ${defaulted[1]})` : text]
    }
    case "Sequence":
      return [...paragraphs(doc.left), ...paragraphs(doc.right)]
    case "Enumeration":
      return doc.elements.flatMap(paragraphs)
    case "DescriptionList":
      return doc.definitions.flatMap(([, body]) => paragraphs(body))
  }
}

const repeatedNote = (doc: HelpDoc.HelpDoc): boolean =>
  doc._tag === "Paragraph"
    ? /may be repeated/.test(spanText(doc.value))
    : doc._tag === "Sequence"
    ? repeatedNote(doc.left) || repeatedNote(doc.right)
    : false

/** `[names and type, description]` of each entry of an options or arguments help doc. */
const entries = (doc: HelpDoc.HelpDoc): Array<readonly [string, string]> => {
  switch (doc._tag) {
    case "DescriptionList":
      return doc.definitions.map(([name, body]) => {
        // `(-o, --option text)...` is `-o, --option text...`.
        let label = spanText(name).replace(/^\((.*)\)(\.\.\.)?$/, "$1$2")
        let text = paragraphs(body).join(" ")
        // A long list of choices (`--thinking off | minimal | …`) would make the left column as
        // wide as the terminal: the label says `CHOICE`, the description lists them, wrapped.
        const choices = /^(\S+(?:, \S+)*) (\S+(?: \| \S+){4,})$/.exec(label)
        if (choices !== null) {
          label = `${choices[1]} CHOICE`
          text = `${text === "" ? "one of" : `${text}; one of`}: ${choices[2]!.split(" | ").join(", ")}`
        }
        return [label, repeatedNote(body) && !/repeat/.test(text) ? `${text} (repeatable)`.trim() : text] as const
      })
    case "Sequence":
      return [...entries(doc.left), ...entries(doc.right)]
    default:
      return []
  }
}

const nodeOf = (instruction: Instruction, parentPath: ReadonlyArray<string>): Node => {
  switch (instruction._tag) {
    case "Map":
      return nodeOf(instruction.command, parentPath)
    case "Subcommands": {
      const parent = nodeOf(instruction.parent, parentPath)
      const base = parent.path
      return { ...parent, children: instruction.children.map((child) => nodeOf(child, base)) }
    }
    case "GetUserInput":
      return { path: [...parentPath, instruction.name], description: paragraphs(instruction.description).join(" "), options: [], args: [], argsUsage: "", children: [] }
    case "Standard": {
      const argsUsage = Usage.enumerate(Args.getUsage(instruction.args), CliConfig.defaultConfig).map(spanText).join(" ").trim()
      return {
        path: [...parentPath, instruction.name],
        description: paragraphs(instruction.description).join(" "),
        options: entries(Options.getHelp(instruction.options)),
        args: entries(Args.getHelp(instruction.args)),
        argsUsage,
        children: []
      }
    }
  }
}

/**
 * The command tree of a command, read from its descriptor. The root's own path is empty: paths
 * are what follows the program name.
 *
 * @since 0.1.0 @category Reading
 */
export const tree = (command: { readonly descriptor: CommandDescriptor.Command<any> }): Node => {
  const root = nodeOf(command.descriptor as unknown as Instruction, [])
  const strip = (node: Node): Node => ({ ...node, path: node.path.slice(1), children: node.children.map(strip) })
  return strip(root)
}

/** Every node of the tree, the root first. @since 0.1.0 @category Reading */
export const nodes = (root: Node): Array<Node> => [root, ...root.children.flatMap(nodes)]

/**
 * The node a command line's help is about: the longest chain of subcommand names at the start
 * of `words` (the positional words, root options already skipped).
 *
 * @since 0.1.0 @category Reading
 */
export const find = (root: Node, words: ReadonlyArray<string>): Node => {
  let node = root
  for (const word of words) {
    const next = node.children.find((child) => child.path[child.path.length - 1] === word)
    if (next === undefined) break
    node = next
  }
  return node
}

/** How help is laid out: the program's name, the width to wrap at, and whether to style. @since 0.1.0 @category Models */
export interface Layout {
  readonly program: string
  readonly width: number
  readonly color: boolean
  /** Shown in the root's help only. */
  readonly examples?: ReadonlyArray<readonly [command: string, what: string]>
}

/** Words of `text` wrapped to `width` columns (a word longer than that stays whole). */
export const wrap = (text: string, width: number): Array<string> => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line === "") line = word
    else if (line.length + 1 + word.length <= width) line += ` ${word}`
    else {
      lines.push(line)
      line = word
    }
  }
  if (line !== "") lines.push(line)
  return lines.length === 0 ? [""] : lines
}

/** A command line wrapped for a shell: continued lines end with ` \\` and are indented. */
const shellLines = (command: string, width: number): Array<string> => {
  const parts = wrap(command, width - 6)
  return parts.map((part, i) => `${i === 0 ? "  " : "      "}${part}${i < parts.length - 1 ? " \\" : ""}`)
}

/** A two-column list: the left column as wide as its widest entry (capped), the right wrapped. */
const table = (rows: ReadonlyArray<readonly [string, string]>, width: number): Array<string> => {
  const cap = Math.max(12, Math.floor(width * 0.4))
  const left = Math.min(cap, Math.max(0, ...rows.map(([name]) => name.length)))
  const out: Array<string> = []
  for (const [name, text] of rows) {
    const room = Math.max(20, width - 2 - left - 2)
    const body = wrap(text, room)
    if (name.length > left) {
      out.push(`  ${name}`)
      for (const line of body) out.push(`  ${" ".repeat(left)}  ${line}`)
    } else {
      out.push(`  ${name.padEnd(left)}  ${body[0]}`.trimEnd())
      for (const line of body.slice(1)) out.push(`  ${" ".repeat(left)}  ${line}`)
    }
  }
  return out
}

/**
 * The help of `node` as text, wrapped to `layout.width`; headings in bold only when
 * `layout.color`.
 *
 * @since 0.1.0 @category Rendering
 */
export const render = (root: Node, node: Node, layout: Layout): string => {
  const heading = (text: string) => (layout.color ? `\u001b[1m${text}\u001b[22m` : text)
  const width = Math.max(40, layout.width)
  const name = [layout.program, ...node.path].join(" ")
  const lines: Array<string> = []
  const section = (title: string, body: ReadonlyArray<string>) => {
    if (body.length === 0) return
    lines.push("", heading(title), ...body)
  }
  lines.push(...wrap(node.description === "" ? name : `${name}: ${node.description}`, width))
  const usage: Array<string> = []
  const options = node.options.length > 0 ? " [OPTIONS]" : ""
  if (node.path.length === 0) {
    usage.push(`$ ${name}${options} <COMMAND> [ARGS]`)
  } else {
    if (node.children.length === 0 || node.options.length > 0 || node.argsUsage !== "") usage.push(`$ ${name}${options}${node.argsUsage === "" ? "" : ` ${node.argsUsage}`}`)
    if (node.children.length > 0) usage.push(`$ ${name} <COMMAND>`)
  }
  section("USAGE", usage.flatMap((line) => wrap(line, width - 2).map((part) => `  ${part}`)))
  section("ARGUMENTS", table(node.args, width))
  section(node.path.length === 0 ? "GLOBAL OPTIONS" : "OPTIONS", table(node.options, width))
  section("COMMANDS", table(node.children.map((child) => [child.path[child.path.length - 1]!, child.description] as const), width))
  if (node.path.length === 0) {
    section("EXAMPLES", (layout.examples ?? []).flatMap(([command, what]) => [...wrap(what, width - 4).map((l) => `  # ${l}`), ...shellLines(`$ ${command}`, width)]))
    lines.push("", ...wrap(`Run \`${layout.program} <COMMAND> --help\` for a command's options. Every command also takes --log-level LEVEL; ${layout.program} --version prints the version.`, width))
  } else if (root.options.length > 0) {
    lines.push("", ...wrap(`Global options (${root.options.map(([label]) => label.split(" ")[0]).join(", ")}) go before the command; see \`${layout.program} --help\`.`, width))
  }
  return `${lines.join("\n")}\n`
}

/**
 * Whether a stream gets styling: a terminal, and `NO_COLOR` not set to a non-empty value
 * (https://no-color.org).
 *
 * @since 0.1.0 @category Rendering
 */
export const useColor = (isTTY: boolean | undefined, environment: Readonly<Record<string, string | undefined>>): boolean =>
  isTTY === true && (environment["NO_COLOR"] ?? "") === "" && environment["TERM"] !== "dumb"

/**
 * Removes ANSI escape sequences (CSI sequences such as colours and cursor moves, and OSC
 * sequences) from text @effect/cli styled: used when the stream is not a terminal or `NO_COLOR`
 * is set.
 *
 * @since 0.1.0 @category Rendering
 */
export const stripAnsi = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)/g, "")
