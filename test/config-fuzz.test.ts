import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { Document, isMap, isSeq, parseDocument, type Node } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config/index.js'
import { parseRepository, renderRecipe } from '../src/recipe/index.js'
import { currentFiles } from './helpers/corpus.js'

/*
 * Mutates the real corpus files, as text and as YAML trees, and checks that every case ends in a
 * rendered recipe or in errors that point at a line of the file: never an exception.
 */
const corpus = currentFiles().map((f) => ({ id: f.id, text: readFileSync(f.path, 'utf8') }))
const repository = parseRepository('fuzz/app')!
const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 2000)

function outcome(text: string): 'rendered' | 'error' {
  const result = parseConfig(text, 'instellar.yml')
  const lines = text.split('\n').length
  if (!result.ok) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error')
    expect(errors.length).toBeGreaterThan(0)
    for (const e of errors) {
      expect(e.line).toBeGreaterThanOrEqual(1)
      expect(e.line).toBeLessThanOrEqual(lines)
      expect(e.column).toBeGreaterThanOrEqual(1)
    }
    return 'error'
  }
  const recipe = renderRecipe(result, { repository, version: '1.0.0', release: 1 })
  expect(recipe.files.some((f) => f.name === 'APKBUILD')).toBe(true)
  return 'rendered'
}

const corpusText = fc.constantFrom(...corpus.map((c) => c.text))
const nasty = fc.constantFrom(
  '$',
  '`',
  '"',
  "'",
  ';',
  '\n',
  '\t',
  ':',
  '- ',
  '{',
  '[',
  '*',
  '&a',
  '!!str ',
  '\u0000',
  '..',
  '/',
  '#',
  '|',
  '>',
  '%',
  '@',
  '\ufeff',
  'é',
)

const textMutation = fc.oneof(
  // insert random bytes or characters somewhere
  fc
    .tuple(
      corpusText,
      fc.nat(),
      fc.oneof(nasty, fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 })),
    )
    .map(
      ([text, at, insert]) =>
        text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1)),
    ),
  // delete a slice
  fc.tuple(corpusText, fc.nat(), fc.nat({ max: 40 })).map(([text, at, length]) => {
    const start = at % (text.length + 1)
    return text.slice(0, start) + text.slice(start + length)
  }),
  // drop a whole line, or swap two lines
  fc.tuple(corpusText, fc.nat(), fc.nat()).map(([text, a, b]) => {
    const lines = text.split('\n')
    const i = a % lines.length
    const j = b % lines.length
    if (i === j) lines.splice(i, 1)
    else [lines[i], lines[j]] = [lines[j]!, lines[i]!]
    return lines.join('\n')
  }),
)

/** Every node path in a document, so tree mutations can pick one. */
function paths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const found: (string | number)[][] = [prefix]
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = (pair.key as { value?: unknown })?.value
      if (typeof key === 'string') found.push(...paths(pair.value, [...prefix, key]))
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => found.push(...paths(item, [...prefix, i])))
  }
  return found
}

const replacement = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 3.5, '', 'web', '../../etc', '$(id)', [], {}, ['x'], {
    call: 'x',
  }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
)

const treeMutation = fc
  .tuple(
    fc.constantFrom(...corpus.map((c) => c.text)),
    fc.nat(),
    fc.constantFrom('drop', 'replace', 'wrap'),
    replacement,
  )
  .map(([text, pick, action, value]) => {
    const doc = parseDocument(text)
    const all = paths(doc.contents).filter((p) => p.length > 0)
    if (!all.length) return text
    const path = all[pick % all.length]!
    if (action === 'drop') doc.deleteIn(path)
    else if (action === 'replace') doc.setIn(path, value)
    else doc.setIn(path, [doc.getIn(path, true) as Node])
    return String(doc as Document)
  })

describe('fuzzing the corpus', () => {
  it('text mutations end in a recipe or positioned errors', () => {
    const seen = { rendered: 0, error: 0 }
    fc.assert(
      fc.property(textMutation, (text) => {
        seen[outcome(text)]++
      }),
      { numRuns: NUM_RUNS },
    )
    console.log(`fuzz (text): ${seen.rendered} rendered, ${seen.error} positioned errors`)
    expect(seen.error).toBeGreaterThan(0)
  })

  it('tree mutations (drop keys, swap types) end in a recipe or positioned errors', () => {
    const seen = { rendered: 0, error: 0 }
    fc.assert(
      fc.property(treeMutation, (text) => {
        seen[outcome(text)]++
      }),
      { numRuns: NUM_RUNS },
    )
    console.log(`fuzz (tree): ${seen.rendered} rendered, ${seen.error} positioned errors`)
    expect(seen.rendered).toBeGreaterThan(0)
    expect(seen.error).toBeGreaterThan(0)
  })
})
