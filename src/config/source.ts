import {
  CST,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  Parser,
} from 'yaml'
import type { Document, Node, Pair } from 'yaml'
import type { Diagnostic } from './diagnostics.js'

export type KeyPath = readonly (string | number)[]

/** `['run', 'services', 0, 'name']` → `run.services[0].name` */
export function formatKeyPath(path: KeyPath): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`,
    )
    .join('')
}

interface Span {
  line: number
  column: number
  endLine: number
  endColumn: number
}

/**
 * One parsed YAML file that remembers where every node came from, so that any later stage can
 * report a problem at the line and column of the key it is about.
 */
export class YamlSource {
  readonly diagnostics: Diagnostic[] = []
  private readonly doc: Document
  private readonly lines = new LineCounter()

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    const scanned = scan(text)
    if (scanned.tooDeep !== undefined) {
      // Composing it would recurse once per level; stop before that can exhaust the stack.
      this.doc = parseDocument('', { lineCounter: this.lines })
      for (const end of text.matchAll(/\n/g)) this.lines.addNewLine(end.index + 1)
      const at = this.lines.linePos(scanned.tooDeep)
      this.diagnostics.push({
        severity: 'error',
        key: '',
        message: `YAML: nested deeper than ${MAX_DEPTH} levels here; instellar.yml needs far fewer, so this is not a config PAKman can read`,
        file,
        line: at.line,
        column: at.col,
        endLine: at.line,
        endColumn: at.col,
      })
      return
    }
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      prettyErrors: false,
      uniqueKeys: true,
    })
    const used = new Set<Opener>()
    for (const problem of [...this.doc.errors, ...this.doc.warnings]) {
      // linePos is only filled in with prettyErrors; pos is always there.
      const start = this.lines.linePos(problem.pos[0])
      const end = this.lines.linePos(Math.max(problem.pos[0], problem.pos[1]))
      const message = problem.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
      // The parser notices a missing quote or bracket where it gives up; say where it opened.
      const wanted =
        /closing (["'])quote/.exec(message)?.[1] ??
        OPENER_OF[/end with an? ([\]}])/.exec(message)?.[1] ?? '']
      const opener = scanned.unclosed.findLast(
        (o) => o.char === wanted && o.offset <= problem.pos[0] && !used.has(o),
      )
      let opened = ''
      if (opener) {
        used.add(opener)
        const at = this.lines.linePos(opener.offset)
        opened = ` (the ${opener.char} opened at ${at.line}:${at.col} is never closed)`
      }
      this.diagnostics.push({
        severity: this.doc.errors.includes(problem as never) ? 'error' : 'warning',
        key: '',
        message: `YAML: ${yamlMessage(problem.code, message)}${opened}`,
        file,
        line: start.line,
        column: start.col,
        endLine: end.line,
        endColumn: end.col,
      })
    }
  }

  get isEmpty(): boolean {
    return (
      this.doc.contents === null ||
      (isScalar(this.doc.contents) && this.doc.contents.value === null)
    )
  }

  get isMap(): boolean {
    return isMap(this.doc.contents)
  }

  /** The document as plain data; undefined when YAML itself failed (an unresolved alias, say). */
  toValue(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 100 })
    } catch (error) {
      this.diagnostics.push(this.diagnostic('error', [], `YAML: ${(error as Error).message}`))
      return undefined
    }
  }

  /**
   * Where `path` is. A key that does not exist points at the deepest key that does (its parent),
   * which is where the missing key belongs. `onKey` points at the key itself instead of its value.
   */
  locate(path: KeyPath, onKey = false): Span {
    let node: unknown = this.doc.contents
    let key: Node | undefined // the key of the last map entry walked into, if the last step was one
    for (const segment of path) {
      if (!(isMap(node) || isSeq(node))) break
      const found = findPair(node, segment)
      if (!found) break
      key = found.pair && isNode(found.pair.key) ? found.pair.key : undefined
      node = found.value
    }
    const target = onKey && key ? key : isNode(node) ? node : (key ?? this.doc.contents)
    const [start, valueEnd] = (target as Node | null)?.range ?? [0, 0]
    const from = this.lines.linePos(start)
    const to = this.lines.linePos(Math.max(start, valueEnd))
    return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col }
  }

  /** Points at a key (not its value): used for unknown and legacy keys. */
  locateKey(path: KeyPath): Span {
    return this.locate(path, true)
  }

  diagnostic(
    severity: Diagnostic['severity'],
    path: KeyPath,
    message: string,
    span: Span = this.locate(path),
  ): Diagnostic {
    return { severity, key: formatKeyPath(path), message, file: this.file, ...span }
  }
}

function findPair(
  node: unknown,
  segment: string | number,
): { pair?: Pair; value: unknown } | undefined {
  if (isSeq(node)) {
    return typeof segment === 'number' && segment < node.items.length
      ? { value: node.items[segment] }
      : undefined
  }
  if (isMap(node)) {
    const pair = node.items.find(
      (item) => isPair(item) && (isScalar(item.key) ? item.key.value : item.key) === segment,
    )
    return pair ? { pair, value: pair.value } : undefined
  }
  return undefined
}

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs for indentation',
  DUPLICATE_KEY: 'this key appears twice in the same map; remove one of them',
  BAD_INDENT: 'indentation does not line up with the lines around it',
  MULTIPLE_DOCS: 'only one YAML document is allowed; remove the extra ---',
}

function yamlMessage(code: string, message: string): string {
  const hint = YAML_HINTS[code]
  return hint ? `${message.replace(/\.$/, '')} (${hint})` : message
}

/** Deeper than any instellar.yml needs (about 6 levels), far below what exhausts the stack. */
export const MAX_DEPTH = 64

const OPENER_OF: Record<string, string> = { ']': '[', '}': '{' }

/** A quote or bracket that opens something never closed, at its offset in the text. */
interface Opener {
  char: string
  offset: number
}

/**
 * One pass of yaml's own lexer and parser (both iterative) before the document is composed, to
 * find the nesting depth and the quotes and brackets left open. Stops at MAX_DEPTH, so a hostile
 * file costs no more than a flat one.
 */
function scan(text: string): { tooDeep?: number; unclosed: Opener[] } {
  const parser = new Parser()
  const flow: Opener[] = []
  const unclosed: Opener[] = []
  let atScalar = false
  for (const token of new Lexer().lex(text)) {
    const offset = parser.offset
    const type: string | null = atScalar ? 'scalar-source' : CST.tokenType(token)
    atScalar = type === 'scalar'
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow.push({ char: token, offset })
    else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      if (flow.at(-1)?.char === OPENER_OF[token]) flow.pop()
    } else if (type === 'flow-error-end') unclosed.push(...flow.splice(0))
    else if (
      (type === 'double-quoted-scalar' || type === 'single-quoted-scalar') &&
      !isClosedQuote(token)
    )
      unclosed.push({ char: token[0]!, offset })
    // Drained for its side effect on parser.stack; parseDocument builds the document again.
    Array.from(parser.next(token))
    if (parser.stack.filter(CST.isCollection).length > MAX_DEPTH)
      return { tooDeep: offset, unclosed }
  }
  unclosed.push(...flow)
  return { unclosed }
}

/** `"a\"` and `'a''` are not closed: the last quote is escaped. */
function isClosedQuote(token: string): boolean {
  const quote = token[0]!
  const body = token.slice(1)
  if (quote === '"') return /(?:^|[^\\])(?:\\\\)*"$/.test(body)
  const trailing = /'*$/.exec(body)![0].length
  return trailing % 2 === 1
}
