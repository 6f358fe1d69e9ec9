import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { isMap, isSeq, parseDocument } from 'yaml'
import { afterAll, describe, expect, it } from 'vitest'
import { jsonSchema, loadConfigFile, parseConfig } from '../src/config/index.js'
import { currentFiles, historyFiles } from './helpers/corpus.js'
import { WITH_UNKNOWN_KEYS } from './fixtures/deployment.js'
import { edit, MINIMAL } from './fixtures/minimal.js'

/*
 * `pakman schema` and `pakman check` must give one verdict. A real JSON Schema validator (ajv, in
 * strict mode so a keyword it does not know is an error, not silently ignored) judges the data the
 * YAML holds; check judges the file. strictRequired is off because if/then names keys that the
 * enclosing schema defines, which that lint does not look for.
 */
const ajv = new Ajv2020({
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  allErrors: true,
})
const validate = ajv.compile(jsonSchema())

type Verdict = 'valid' | 'invalid'

/** What an editor using the schema would say: YAML that does not parse has no data to judge. */
function schemaVerdict(text: string): Verdict | 'yaml-error' {
  const doc = parseDocument(text, { uniqueKeys: true })
  if (doc.errors.length) return 'yaml-error'
  return validate(doc.toJS({ maxAliasCount: 100 })) ? 'valid' : 'invalid'
}

const checkVerdict = (text: string): Verdict =>
  parseConfig(text, 'instellar.yml').ok ? 'valid' : 'invalid'

const counts = { files: 0, agree: 0, disagree: 0, yamlErrors: 0 }

describe('the JSON Schema and check agree', () => {
  const files = [...currentFiles(), ...historyFiles()]

  it.each(files.map((f) => [f.path.replace(/^.*\/corpus\/instellar\//, ''), f] as const))(
    '%s',
    async (_name, file) => {
      counts.files++
      const text = await readFile(file.path, 'utf8')
      const check = (await loadConfigFile(file.path)).ok ? 'valid' : 'invalid'
      const schema = schemaVerdict(text)
      if (schema === 'yaml-error') {
        counts.yamlErrors++
        // check must then refuse too, and it is counted as agreement only on that basis.
        expect(check).toBe('invalid')
        counts.agree++
        return
      }
      const errors = schema === check ? [] : (validate.errors ?? [])
      if (schema === check) counts.agree++
      else counts.disagree++
      expect({ schema, errors }).toEqual({ schema: check, errors: [] })
    },
  )

  afterAll(() => {
    console.log(
      `json-schema vs check: ${counts.files} files, ${counts.agree} agree (${counts.yamlErrors} of them YAML errors), ${counts.disagree} disagree`,
    )
  })
})

describe('the cases where schema and check used to disagree', () => {
  const legacyRun = `dependencies:\n  build: [elixir]\nbuild:\n  command: mix release\n  destination: _build/prod/rel/app\nrun:\n  name: app\n  start:\n    call: start\n  command:\n    call: eval\n    variations:\n      migrate: App.Release.migrate\n`
  const withPort = (port: string) =>
    `${MINIMAL}kits:\n  - name: web\n    ports:\n      - name: web\n        target: ${port}\n`

  it.each([
    ['the 2021 build.destination', edit('  destinations:\n    - dist\n', '  destination: dist\n')],
    ['the 2021 run section', legacyRun],
    ['an unknown key (a warning in check)', `${MINIMAL}stak: alpine/3.19\n`],
    ['an unknown key in a list item', edit('binary: node', 'binary: node\n      colour: blue')],
    ['unknown keys at any depth of kits, sizes, plans and page (sent on)', WITH_UNKNOWN_KEYS],
    [
      'no destinations when package: replaces packaging',
      `${edit('  destinations:\n    - dist\n', '')}package: make install\n`,
    ],
    ['port 1', withPort('1')],
    ['port 65535', withPort('65535')],
    [
      'a 2021 command call that no variation uses (check never reads it)',
      legacyRun
        .replace('call: eval', 'call: " "')
        .replace(/ {4}variations:[\s\S]*$/, '    variations: {}\n'),
    ],
    [
      'a 2021 variation with spaces before it (joined after the call)',
      legacyRun.replace('migrate: App.Release.migrate', 'migrate: " +"'),
    ],
  ])('both accept %s', (_what, text) => {
    expect([schemaVerdict(text), checkVerdict(text)]).toEqual(['valid', 'valid'])
  })

  it.each([
    ['no build.destinations', edit('  destinations:\n    - dist\n', '')],
    [
      'a 2021 destination outside the workspace',
      edit('  destinations:\n    - dist\n', '  destination: ../x\n'),
    ],
    [
      'a 2021 start call with a command separator',
      legacyRun.replace('call: start', 'call: "start; id"'),
    ],
    ['a 2021 variation named after an OpenRC command', legacyRun.replace('migrate:', 'stop:')],
    [
      'a 2021 run with nothing to start',
      legacyRun.replace(/ {2}start:[\s\S]*$/, '  stop:\n    call: stop\n'),
    ],
    ['a command named after an OpenRC command', edit('name: migrate', 'name: restart')],
    ['type: custom without package', `type: custom\n${MINIMAL}`],
    ['an unknown hook (a closed map)', edit('post-install:', 'post-instal:')],
    [
      'a known key of the wrong type beside unknown ones',
      edit('      memory: 1\n', '      memory: "1 GiB"\n', WITH_UNKNOWN_KEYS),
    ],
    ['port 0', withPort('0')],
    ['port 65536', withPort('65536')],
    ['port -80', withPort('-80')],
    ['an empty file', ''],
    [
      'a 2021 variation with spaces after it',
      legacyRun.replace('migrate: App.Release.migrate', 'migrate: "+ "'),
    ],
  ])('both reject %s', (_what, text) => {
    expect([schemaVerdict(text), checkVerdict(text)]).toEqual(['invalid', 'invalid'])
  })

  it('leaves repeated names to check, and says so in the schema', () => {
    const text = edit(
      'hook:',
      '    - name: web\n      binary: node\n      start:\n        call: x\nhook:',
    )
    expect([schemaVerdict(text), checkVerdict(text)]).toEqual(['valid', 'invalid'])
    const run = (
      jsonSchema().properties as Record<
        string,
        { properties: Record<string, { description: string }> }
      >
    ).run!
    expect(run.properties.services!.description).toMatch(/JSON Schema cannot express it/)
  })
})

describe('schema and check agree on mutated corpus files', () => {
  const texts = currentFiles().map((f) => readFileSync(f.path, 'utf8'))
  // The 2021 legacy example is mutated too, so the rules for the old keys get exercised.
  texts.push(
    `dependencies:\n  build: [elixir]\nbuild:\n  command: mix release\n  destination: _build/prod/rel/app\nrun:\n  name: app\n  binary: app\n  process:\n    call: start\n  command:\n    call: eval\n    variations:\n      migrate: App.Release.migrate\n`,
  )

  /** Every node path in a document, so a mutation can pick one. */
  function paths(node: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    const found = [prefix]
    if (isMap(node))
      for (const pair of node.items) {
        const key = (pair.key as { value?: unknown } | null)?.value
        if (typeof key === 'string') found.push(...paths(pair.value, [...prefix, key]))
      }
    else if (isSeq(node))
      node.items.forEach((item, i) => found.push(...paths(item, [...prefix, i])))
    return found
  }

  const value = fc.oneof(
    fc.constantFrom(
      null,
      true,
      0,
      1,
      65535,
      65536,
      -1,
      3.5,
      '',
      'web',
      'stop',
      'a b',
      'dist/',
      '../x',
      '$(id)',
      [],
      {},
      ['x'],
      { call: 'x' },
    ),
    fc.string({ maxLength: 8 }),
    fc.integer(),
  )
  const mutation = fc
    .tuple(
      fc.constantFrom(...texts),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'replace', 'add'), value), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([text, edits]) => {
      const doc = parseDocument(text)
      for (const [pick, action, v] of edits) {
        const all = paths(doc.contents)
        const path = all[pick % all.length]!
        if (action === 'drop' && path.length) doc.deleteIn(path)
        else if (action === 'replace' && path.length) doc.setIn(path, v)
        else if (action === 'add' && isMap(doc.getIn(path, true)))
          // A key that is known somewhere in the schema, so closed and legacy rules are reached.
          doc.setIn(
            [
              ...path,
              [
                'destination',
                'destinations',
                'package',
                'type',
                'services',
                'process',
                'start',
                'command',
                'variations',
                'call',
                'target',
                'post-instal',
              ][pick % 12]!,
            ],
            v,
          )
      }
      return String(doc)
    })

  it(
    'gives one verdict, but for names used twice (which JSON Schema cannot express)',
    { timeout: 120_000 },
    () => {
      const seen = { valid: 0, invalid: 0, duplicateNames: 0 }
      fc.assert(
        fc.property(mutation, (text) => {
          const result = parseConfig(text, 'instellar.yml')
          const errors = result.diagnostics.filter((d) => d.severity === 'error')
          if (errors.length && errors.every((d) => /is already used by/.test(d.message))) {
            seen.duplicateNames++
            return
          }
          const check = result.ok ? 'valid' : 'invalid'
          seen[check]++
          expect({ text, schema: schemaVerdict(text) }).toEqual({ text, schema: check })
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
      )
      console.log(
        `json-schema vs check (mutations): ${seen.valid} valid, ${seen.invalid} invalid, ${seen.duplicateNames} duplicate names`,
      )
      expect(seen.valid).toBeGreaterThan(0)
      expect(seen.invalid).toBeGreaterThan(0)
    },
  )
})
