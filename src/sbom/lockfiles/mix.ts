import { fromHex } from './digest.js'
import { lineAt } from './parse.js'
import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * mix.lock: an Elixir map literal, app name → a tuple. A Hex package's tuple is
 * {:hex, :package, "version", "inner checksum", managers, deps, "repo", "outer checksum"};
 * the outer checksum (Mix 1.10 and later) is the SHA-256 of the tarball as Hex serves it, the
 * inner one a digest of its contents, so only the outer is the artifact's. A repo of
 * "hexpm:org" is a private package of that organisation (the purl's namespace). Left out: :git
 * and :path dependencies, which are not Hex packages (a pkg:hex purl would name another thing)
 * and carry no version of Hex's; mix.lock does not record `only: :dev`, so development
 * packages are listed too.
 */

export function readMixLock(source: LockfileSource): Locked[] {
  const lock = new TermReader(source.text).document()
  if (!(lock instanceof ElixirMap)) throw new LockfileError('not an Elixir map: not a mix.lock')
  return lock.entries.flatMap(([key, value]) => {
    if (!(value instanceof Tuple) || !isAtom(value.items[0], 'hex')) return []
    const [, name, version, , , , repo, outer] = value.items
    if (!(name instanceof Atom) || typeof version !== 'string')
      throw new LockfileError(
        `${String(key)}: expected {:hex, :name, "version", ...}`,
        lineAt(source.text, value.offset),
      )
    const organisation = typeof repo === 'string' ? /^hexpm:(.+)$/.exec(repo)?.[1] : undefined
    return [
      locked('hex', name.name, version, {
        namespace: organisation,
        checksum: fromHex('SHA256', outer),
      }),
    ]
  })
}

type Term = string | number | Atom | Tuple | ElixirMap | Term[]

class Atom {
  constructor(readonly name: string) {}
}
class Tuple {
  constructor(
    readonly items: Term[],
    /** Where it starts in the text, for a message's line. */
    readonly offset: number,
  ) {}
}
class ElixirMap {
  constructor(readonly entries: [Term, Term][]) {}
}

function isAtom(term: Term | undefined, name: string): boolean {
  return term instanceof Atom && term.name === name
}

const SPACE = /(?:\s|#[^\n]*)*/y
const ATOM = /:([A-Za-z_][\w@]*[?!]?)/y
const WORD = /(?:true|false|nil|-?\d[\d_]*(?:\.\d+)?)\b/y
const STRING = /"((?:[^"\\]|\\.)*)"/sy
const KEYWORD = /([A-Za-z_][\w@]*[?!]?):\s/y
const QUOTED_KEYWORD = /"((?:[^"\\]|\\.)*)":\s/y

/**
 * Elixir's literal terms, as much as mix.lock uses: maps (`%{k => v}` and `%{"k": v}`), tuples,
 * lists with keyword entries (`[hex: :jason, optional: false]`), strings, atoms, numbers.
 */
class TermReader {
  private at = 0

  constructor(private readonly text: string) {}

  document(): Term {
    const term = this.term()
    this.space()
    if (this.at < this.text.length) this.fail('more after the map')
    return term
  }

  private term(): Term {
    this.space()
    const start = this.at
    if (this.take('%{')) return new ElixirMap(this.sequence('}', () => this.pair()))
    if (this.take('{'))
      return new Tuple(
        this.sequence('}', () => this.term()),
        start,
      )
    if (this.take('['))
      return this.sequence(']', () => {
        const keyword = this.keyword()
        return keyword ? new Tuple([keyword, this.term()], start) : this.term()
      })
    if (this.text.startsWith('"', this.at)) return this.string()
    if (this.take(':"')) {
      this.at--
      return new Atom(this.string())
    }
    const atom = this.match(ATOM)
    if (atom) return new Atom(atom[1]!)
    const word = this.match(WORD)
    if (word) return /\d/.test(word[0]) ? Number(word[0].replace(/_/g, '')) : new Atom(word[0])
    const next = this.text[this.at]
    return this.fail(next ? `unexpected ${JSON.stringify(next)}` : 'unexpected end')
  }

  /** A map entry: `key => value`, or the keyword form `"key": value` / `key: value`. */
  private pair(): [Term, Term] {
    const keyword = this.keyword()
    if (keyword) return [keyword.name, this.term()]
    const key = this.term()
    this.space()
    if (!this.take('=>')) this.fail('expected =>')
    return [key, this.term()]
  }

  /** `name:` or `"name":` followed by a space, as in keyword lists and mix.lock's keys. */
  private keyword(): Atom | undefined {
    this.space()
    const found = this.match(KEYWORD) ?? this.match(QUOTED_KEYWORD)
    return found ? new Atom(unescape(found[1]!)) : undefined
  }

  /** Items up to the closing bracket, comma-separated, a trailing comma allowed. */
  private sequence<T>(close: string, item: () => T): T[] {
    const items: T[] = []
    for (;;) {
      this.space()
      if (this.take(close)) return items
      items.push(item())
      this.space()
      if (!this.take(',') && !this.text.startsWith(close, this.at))
        this.fail(`expected , or ${close}`)
    }
  }

  private string(): string {
    const found = this.match(STRING)
    return found ? unescape(found[1]!) : this.fail('unterminated string')
  }

  /** Whitespace and # comments. */
  private space(): void {
    this.match(SPACE)
  }

  private take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.at)) return false
    this.at += literal.length
    return true
  }

  private match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.at
    const found = pattern.exec(this.text)
    if (found) this.at = pattern.lastIndex
    return found
  }

  private fail(message: string): never {
    throw new LockfileError(message, lineAt(this.text, this.at))
  }
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1')
}
