import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { ROOT } from './helpers/run.js'
import { NEEDS_SHARED } from './helpers/shared.js'

/*
 * The README documents what action.yml declares; this keeps the two from drifting apart. Names are
 * compared both ways, and a default action.yml sets must be the one the README shows.
 */

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

/** The text under a markdown heading, up to the next heading of any level. */
function section(heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`README has no ${heading}`)
  const body = readme.slice(start + heading.length + 2)
  const end = body.search(/^#{1,6} /m)
  return end < 0 ? body : body.slice(0, end)
}

/** Table rows as cells, without the header row and the |---| line. */
function rows(heading: string): string[][] {
  const lines = section(heading)
    .split('\n')
    .filter((l) => l.startsWith('|'))
  return lines.slice(2).map((l) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim()),
  )
}

/** The names a row documents: every `code` span in its first cell (`version`, `release`). */
const names = (row: string[]) => [...row[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)

describe('the README', () => {
  it('lists every input of action.yml, and only those', () => {
    const documented = rows('### Inputs').flatMap(names)
    expect([...documented].sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it('shows the default action.yml gives an input', () => {
    const defaults = new Map(rows('### Inputs').map((row) => [names(row)[0], row[1]]))
    const declared = Object.entries(action.inputs).filter(([, input]) => input.default)
    expect(declared.length).toBeGreaterThan(0)
    for (const [name, input] of declared)
      expect(defaults.get(name), name).toBe(`\`${String(input.default)}\``)
  })

  it('lists every output of action.yml, and only those', () => {
    const documented = rows('### Outputs').flatMap(names)
    expect([...documented].sort()).toEqual(Object.keys(action.outputs).sort())
  })

  it('says in Setup what the tests read from ../shared and what happens without it', () => {
    const setup = section('## Setup')
    expect(setup).toContain('../shared')
    expect(setup).toContain('alpine:<version>')
    // every test file left out without ../shared is named there, so the text stays true
    for (const file of NEEDS_SHARED) expect(setup, file).toContain(`\`${file}\``)
  })
})
