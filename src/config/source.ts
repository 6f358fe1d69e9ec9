import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
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
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      prettyErrors: false,
      uniqueKeys: true,
    })
    for (const problem of [...this.doc.errors, ...this.doc.warnings]) {
      // linePos is only filled in with prettyErrors; pos is always there.
      const start = this.lines.linePos(problem.pos[0])
      const end = this.lines.linePos(Math.max(problem.pos[0], problem.pos[1]))
      const message = problem.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')
      this.diagnostics.push({
        severity: this.doc.errors.includes(problem as never) ? 'error' : 'warning',
        key: '',
        message: `YAML: ${yamlMessage(problem.code, message)}`,
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
