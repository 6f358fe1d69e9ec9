import { parse as parseTomlText, TomlError } from 'smol-toml'
import { parseDocument } from 'yaml'
import { LockfileError } from './types.js'

/*
 * The three data formats lockfiles are written in, each parsed whole and its failure turned into
 * a LockfileError with the line the parser names.
 */

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = (error as Error).message
    const position = /at position (\d+)/.exec(message)?.[1]
    const line = position === undefined ? undefined : lineAt(text, Number(position))
    throw new LockfileError(`not JSON: ${message.replace(/ in JSON at position.*$/, '')}`, line)
  }
}

/** JSON as bun writes it: trailing commas after the last element of an object or array. */
export function parseJsonWithTrailingCommas(text: string): unknown {
  // Strings are matched first, so that a comma inside one is kept; the lengths do not change, so
  // positions in errors still point into the text as written.
  const json = text.replace(/"(?:[^"\\]|\\.)*"|,(?=\s*[}\]])/g, (match) =>
    match === ',' ? ' ' : match,
  )
  return parseJson(json)
}

export function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false })
  const [error] = doc.errors
  if (error)
    throw new LockfileError(`not YAML: ${error.message.split('\n')[0]}`, error.linePos?.[0].line)
  return doc.toJS({ maxAliasCount: 100 })
}

export function parseToml(text: string): Record<string, unknown> {
  try {
    return parseTomlText(text)
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')
    throw new LockfileError(`not TOML: ${reason}`, error.line)
  }
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An object's field that must be an object (or absent: an empty one). */
export function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (!isRecord(value)) throw new LockfileError(`${what} is not a table of entries`)
  return value
}

/** A list that must be a list (or absent: an empty one). */
export function asList(value: unknown, what: string): unknown[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) throw new LockfileError(`${what} is not a list`)
  return value
}

/** A field that must be a non-empty string. */
export function asString(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value) throw new LockfileError(`${what} is not a string`)
  return value
}
