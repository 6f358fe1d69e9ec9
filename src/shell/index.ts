/*
 * The one place where values reach generated shell.
 *
 * Templates are tagged with `sh`, which accepts only `Word` (a value checked to be a single shell
 * word that needs no quoting), `Verbatim` (a block the user wrote as shell on purpose) and the
 * template's own literal text. Interpolating a plain string is a type error, so a value from YAML
 * cannot reach a script without passing through `word()` or `verbatim()`.
 */

declare const brand: unique symbol

export type Word = string & { readonly [brand]: 'word' }
export type Verbatim = { readonly verbatim: string }
export type Fragment = Word | Verbatim | Script | readonly Fragment[]
export type Script = { readonly script: string }

/**
 * Characters that mean nothing special to sh in any position we use: no quotes, `$`, backticks,
 * globs, separators, redirections or white space. Config values were already held to stricter
 * patterns by the schema; this is the last line of defence, and it throws rather than quoting so a
 * gap in the schema shows up as a bug, not as a silently rewritten script.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./^-]+$/

export function word(value: string | number): Word {
  const text = String(value)
  if (!SAFE_WORD.test(text))
    throw new Error(`unsafe value for a shell word: ${JSON.stringify(text)}`)
  return text as Word
}

/**
 * Arguments appended to a command line: plain words and single-quoted words. No `$`, backticks,
 * double quotes, backslashes, globs, comments or command separators, so the words mean the same
 * inside the double-quoted initd call and the s6 run script. The config schema holds `call` to it.
 */
export const CALL =
  /^(?:[A-Za-z0-9_@%+=:,./^-]+|'[A-Za-z0-9_@%+=:,./^ -]*')(?: +(?:[A-Za-z0-9_@%+=:,./^-]+|'[A-Za-z0-9_@%+=:,./^ -]*'))*$/

/** A value that is a sequence of words, some of them 'single-quoted' (a service's start.call). */
export function words(value: string): Word {
  if (!CALL.test(value)) {
    throw new Error(`unsafe value for shell arguments: ${JSON.stringify(value)}`)
  }
  return value as Word
}

/**
 * An entry of depends="…" or options="…": only ever inside double quotes, where `!`, `<`, `>`,
 * `=` and `~` (conflicts and version rules) are plain characters.
 */
export function listEntry(value: string): Word {
  if (!/^[A-Za-z0-9_@%+=:,./^!<>~*-]+$/.test(value)) {
    throw new Error(`unsafe value for a quoted list: ${JSON.stringify(value)}`)
  }
  return value as Word
}

/** A list entry as a single-quoted word, for places outside double quotes (a for loop's list). */
export function singleQuoted(entry: Word): Word {
  return `'${entry}'` as Word
}

/** A glob relative to a directory (build.destinations): safe characters plus `*?[]`, no `..`. */
export function glob(value: string): Word {
  if (
    !/^[A-Za-z0-9_@%+=:,./^*?[\]-]+$/.test(value) ||
    value.startsWith('/') ||
    /(^|\/)\.\.(\/|$)/.test(value)
  ) {
    throw new Error(`unsafe path pattern: ${JSON.stringify(value)}`)
  }
  return value as Word
}

/** Shell written by the user on purpose (build.command, hooks, package, source): pasted as is. */
export function verbatim(block: string): Verbatim {
  return { verbatim: block.replace(/\n+$/, '') }
}

export function sh(strings: TemplateStringsArray, ...values: Fragment[]): Script {
  let out = strings[0]!
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!
  })
  return { script: out }
}

function render(fragment: Fragment): string {
  if (typeof fragment === 'string') return fragment
  if (Array.isArray(fragment)) return fragment.map(render).join('')
  if ('verbatim' in (fragment as object)) return (fragment as Verbatim).verbatim
  return (fragment as Script).script
}

/** Joins words with spaces, for lists such as depends="…". */
export function list(items: readonly Word[]): Word {
  return items.join(' ') as Word
}

/** Joins fragments, one per line; empty lists render as nothing. */
export function lines(items: readonly Script[]): Script {
  return { script: items.map((item) => item.script).join('\n') }
}

/** File text from a template: templates start with a newline after the backtick, files do not. */
export function fileText(script: Script): string {
  const text = script.script.replace(/^\n/, '')
  return text.endsWith('\n') ? text : `${text}\n`
}
