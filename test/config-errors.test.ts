import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { formatDiagnostic, instellarSchema, parseConfig } from '../src/config/index.js'
import { EMPTY_FILE_MESSAGE } from '../src/config/load.js'
import { MAX_DEPTH } from '../src/config/source.js'
import { UNKNOWN_KEY_WARNINGS, WITH_UNKNOWN_KEYS } from './fixtures/deployment.js'
import { edit, MINIMAL } from './fixtures/minimal.js'

const check = (text: string) => {
  const result = parseConfig(text, 'instellar.yml')
  return { ok: result.ok, lines: result.diagnostics.map(formatDiagnostic) }
}

describe('bad instellar.yml: every problem at its line and column', () => {
  it('accepts the minimal config without remarks', () => {
    expect(check(MINIMAL)).toEqual({ ok: true, lines: [] })
  })

  it.each([
    ['an empty file', '', `instellar.yml:1:1: error: ${EMPTY_FILE_MESSAGE}`],
    ['only comments', '# nothing yet\n', `instellar.yml:1:1: error: ${EMPTY_FILE_MESSAGE}`],
    [
      'a list',
      '- a\n- b\n',
      'instellar.yml:1:1: error: the top level must be a map of keys (dependencies, build, run, …)',
    ],
    [
      'a scalar',
      'hello\n',
      'instellar.yml:1:1: error: the top level must be a map of keys (dependencies, build, run, …)',
    ],
  ])('rejects %s', (_what, text, message) => {
    expect(check(text)).toEqual({ ok: false, lines: [message] })
  })

  it('reports a YAML syntax error where it is', () => {
    const { ok, lines } = check('dependencies:\n  build: [nodejs\nbuild: {}\n')
    expect(ok).toBe(false)
    expect(lines[0]).toMatch(
      /^instellar\.yml:3:1: error: YAML: Flow sequence in block collection must be sufficiently indented and end with a \]/,
    )
  })

  it('says where an unclosed bracket opened', () => {
    const { lines } = check('dependencies:\n  build: [nodejs\nbuild: {}\n')
    expect(lines[0]).toMatch(
      /^instellar\.yml:3:1: .* end with a \] .*\(the \[ opened at 2:10 is never closed\)$/,
    )
    expect(check('run: {name: app\nbuild: {}\n').lines[0]).toMatch(
      /^instellar\.yml:2:1: .*end with a \}.* \(the \{ opened at 1:6 is never closed\)$/,
    )
  })

  it.each([
    ['a double quote', 'run:\n  name: "app\nbuild:\n  command: x\n', '"'],
    ['a single quote', "run:\n  name: 'app\nbuild:\n  command: x\n", "'"],
    [
      "a single quote whose last ' is an escaped ''",
      "run:\n  name: 'app''\nbuild:\n  command: x\n",
      "'",
    ],
  ])('says where %s opened', (_what, text, quote) => {
    expect(check(text).lines).toEqual([
      `instellar.yml:5:1: error: YAML: Missing closing ${quote}quote (the ${quote} opened at 2:9 is never closed)`,
    ])
  })

  it('pairs each error with its own opener when several are open', () => {
    const { lines } = check('a: ["x, y]\nb: 1\n')
    expect(lines).toEqual([
      expect.stringMatching(
        /^instellar\.yml:3:1: .*end with a \].*\(the \[ opened at 1:4 is never closed\)$/,
      ),
      'instellar.yml:3:1: error: YAML: Missing closing "quote (the " opened at 1:5 is never closed)',
    ])
  })

  it('adds no opener to errors that have none', () => {
    expect(check('a: "closed"\nb: [1, 2]\n\tc: 1\n').lines.join('\n')).not.toMatch(/opened at/)
  })

  it('names exactly what an empty file lacks', () => {
    // The keys the message names, each given a value: that is a valid config, and each is needed.
    const topLevel = Object.keys(instellarSchema.shape)
    const named = [...EMPTY_FILE_MESSAGE.matchAll(/\b([a-z]+)\.([a-z]+)\b/g)]
      .map((m) => [m[1]!, m[2]!])
      .filter(([parent]) => topLevel.includes(parent!))
    expect(named.length).toBeGreaterThan(1)
    const value: Record<string, string> = { build: '[]', command: 'make', destinations: '[dist]' }
    const yaml = (keys: string[][]) => {
      const parents = [...new Set(keys.map(([parent]) => parent!))]
      return parents
        .map(
          (p) =>
            `${p}:\n${keys
              .filter(([q]) => q === p)
              .map(([, k]) => `  ${k}: ${value[k!]}\n`)
              .join('')}`,
        )
        .join('')
    }
    expect(check(yaml(named))).toEqual({ ok: true, lines: [] })
    for (const dropped of named) {
      const rest = named.filter((key) => key !== dropped)
      expect(check(yaml(rest)).ok, `without ${dropped.join('.')}`).toBe(false)
    }
    // run is optional, so the message must not ask for it.
    expect(EMPTY_FILE_MESSAGE).not.toMatch(/\brun\b/)
  })

  it.each([
    ['flow sequences', 50_000, (n: number) => `dependencies: ${'['.repeat(n)}${']'.repeat(n)}\n`],
    ['flow maps', 50_000, (n: number) => `kits: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
    [
      'block sequences on one line',
      50_000,
      (n: number) => `dependencies:\n  build:\n    ${'- '.repeat(n)}x\n`,
    ],
    [
      'indented maps', // n levels take n²/2 bytes, so fewer of them
      1_400,
      (n: number) => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`,
    ],
  ])('refuses %s nested past the limit, at a line, without recursing', (_what, deep, nested) => {
    // 50,000 levels of brackets exhaust the stack when composed; the limit stops it first.
    for (const depth of [MAX_DEPTH + 1, deep]) {
      const text = nested(depth)
      const { ok, lines } = check(text)
      expect(ok).toBe(false)
      expect(lines).toEqual([
        expect.stringMatching(
          new RegExp(
            `^instellar\\.yml:\\d+:\\d+: error: YAML: nested deeper than ${MAX_DEPTH} levels here`,
          ),
        ),
      ])
    }
    // Below the limit it is read as YAML (and then judged as a config).
    expect(check(nested(MAX_DEPTH - 2)).lines.join('\n')).not.toMatch(/nested deeper/)
  })

  it('reports tab indentation', () => {
    expect(check('dependencies:\n\tbuild: []\n').lines).toEqual([
      'instellar.yml:2:1: error: YAML: Tabs are not allowed as indentation (indent with spaces; YAML does not allow tabs for indentation)',
    ])
  })

  it('reports a duplicate key at the second occurrence', () => {
    expect(check(`${MINIMAL}run:\n  name: other\n`).lines).toEqual([
      'instellar.yml:26:1: error: YAML: Map keys must be unique (this key appears twice in the same map; remove one of them)',
    ])
  })

  it.each([
    [
      'run.name',
      edit('name: app', 'name: "app; rm -rf /"'),
      `instellar.yml:12:9: error: run.name: must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (found "app; rm -rf /")`,
    ],
    [
      'a service name',
      edit('name: web', 'name: "web$(id)"'),
      `instellar.yml:18:13: error: run.services[0].name: must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (found "web$(id)")`,
    ],
    [
      'a command name',
      edit('name: migrate', 'name: "migrate() { :; }; x"'),
      'instellar.yml:14:13: error: run.commands[0].name: becomes a shell function name: letters, digits and _ only, not starting with a digit (found "migrate() { :; }; x")',
    ],
    [
      'a binary',
      edit('binary: node', 'binary: ../node'),
      'instellar.yml:19:15: error: run.services[0].binary: must be a program name without a directory (put the directory in path) (found "../node")',
    ],
    [
      'a path',
      edit('path: /usr/bin', 'path: /usr/../bin'),
      `instellar.yml:20:13: error: run.services[0].path: must be an absolute directory such as /usr/bin, without '..', spaces or quotes (found "/usr/../bin")`,
    ],
    [
      'a start call',
      edit('call: server.js', 'call: "server.js; curl evil"'),
      `instellar.yml:22:15: error: run.services[0].start.call: may hold words and 'single-quoted' words only: no $, backticks, double quotes, backslashes, globs, ';', '&', '|', '<', '>' or newlines (found "server.js; curl evil")`,
    ],
    [
      'a command call',
      edit('call: db:migrate', 'call: "`id`"'),
      `instellar.yml:16:13: error: run.commands[0].call: may hold words and 'single-quoted' words only: no $, backticks, double quotes, backslashes, globs, ';', '&', '|', '<', '>' or newlines (found "\`id\`")`,
    ],
    [
      'a call with a quote',
      edit('call: db:migrate', `call: "eval 'x\\" && id'"`),
      `instellar.yml:16:13: error: run.commands[0].call: may hold words and 'single-quoted' words only: no $, backticks, double quotes, backslashes, globs, ';', '&', '|', '<', '>' or newlines (found "eval 'x\\" && id'")`,
    ],
    [
      'a dependency',
      edit('- nodejs', '- "nodejs $(id)"'),
      'instellar.yml:3:7: error: dependencies.build[0]: is not an apk package name (letters, digits, . _ + - and an optional version rule) (found "nodejs $(id)")',
    ],
    [
      'a runtime dependency with a newline',
      edit('- app-openrc', '- "app-openrc\\nrm -rf /"'),
      'instellar.yml:5:7: error: dependencies.runtime[0]: is not an apk package name (letters, digits, . _ + - and an optional version rule) (found "app-openrc\\nrm -rf /")',
    ],
    [
      'a hook name',
      edit('post-install:', 'post-instal:'),
      'instellar.yml:24:3: error: unknown key post-instal in hook; did you mean post-install?',
    ],
    [
      'a hook name that is a path',
      edit('post-install:', '../../etc/profile:'),
      'instellar.yml:24:3: error: unknown key ../../etc/profile in hook; expected one of pre-install, post-install, pre-upgrade, post-upgrade, pre-deinstall, post-deinstall',
    ],
    [
      'a destination outside the workspace',
      edit('- dist', '- ../secrets'),
      `instellar.yml:10:7: error: build.destinations[0]: must be a relative path inside the build directory: no leading '/', no '..', no spaces, quotes or '$' (found "../secrets")`,
    ],
    [
      'a destination with .. inside',
      edit('- dist', '- dist/../../x'),
      `instellar.yml:10:7: error: build.destinations[0]: must be a relative path inside the build directory: no leading '/', no '..', no spaces, quotes or '$' (found "dist/../../x")`,
    ],
    [
      'an absolute destination',
      edit('- dist', '- /etc'),
      `instellar.yml:10:7: error: build.destinations[0]: must be a relative path inside the build directory: no leading '/', no '..', no spaces, quotes or '$' (found "/etc")`,
    ],
    [
      'a destination with a variable',
      edit('- dist', '- "dist $HOME"'),
      `instellar.yml:10:7: error: build.destinations[0]: must be a relative path inside the build directory: no leading '/', no '..', no spaces, quotes or '$' (found "dist $HOME")`,
    ],
  ])('rejects an injection attempt in %s', (_field, text, message) => {
    expect(check(text)).toEqual({ ok: false, lines: [message] })
  })

  it('reports every problem in one pass, in file order', () => {
    const text = edit(
      'binary: node',
      'binary: "a b"',
      edit('name: app', 'name: App', edit('- nodejs', '- 42')),
    )
    expect(check(text).lines).toEqual([
      'instellar.yml:3:7: error: dependencies.build[0] must be a string, found the number 42',
      `instellar.yml:12:9: error: run.name: must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit (found "App")`,
      'instellar.yml:19:15: error: run.services[0].binary: must be a program name without a directory (put the directory in path) (found "a b")',
    ])
  })

  it('points a missing key at its parent and suggests the likely typo', () => {
    expect(check(edit('command: |', 'commands: |')).lines).toEqual([
      'instellar.yml:6:1: error: missing key command in build (the shell that builds the app)',
      'instellar.yml:7:3: warning: unknown key commands in build is ignored; did you mean command?',
    ])
  })

  it('warns about an unknown key and keeps going', () => {
    const result = check(`${MINIMAL}stak: alpine/3.19\n`)
    expect(result).toEqual({
      ok: true,
      lines: [
        'instellar.yml:26:1: warning: unknown key stak at the top level is ignored; did you mean stack?',
      ],
    })
  })

  it('asks for a name on every command', () => {
    const text = edit(
      '    - name: migrate\n',
      '    - binary: x\n      call: y\n    - name: migrate\n',
    )
    expect(check(text).lines).toEqual([
      'instellar.yml:14:7: error: missing key name in run.commands[0] (it becomes `rc-service <app> <name>`)',
    ])
  })

  it('rejects empty services', () => {
    const text = MINIMAL.replace(/ {2}services:[\s\S]*?hook:/, '  services: []\nhook:')
    expect(check(text).lines).toEqual([
      'instellar.yml:17:13: error: run.services: must list at least one service',
    ])
  })

  it('rejects build written as a string', () => {
    const text = edit(
      'build:\n  command: |\n    npm ci\n  destinations:\n    - dist\n',
      'build: |\n  npm ci\n',
    )
    expect(check(text).lines).toEqual([
      'instellar.yml:6:8: error: build must be a map, found a multi-line string',
    ])
  })

  it('rejects a command that would shadow an OpenRC command', () => {
    expect(check(edit('name: migrate', 'name: stop')).lines).toEqual([
      "instellar.yml:14:13: error: command name stop would replace OpenRC's own stop; choose another name",
    ])
    expect(check(edit('name: migrate', 'name: link_service_dir')).lines).toEqual([
      "instellar.yml:14:13: error: command name link_service_dir would replace PAKman's own link_service_dir; choose another name",
    ])
  })

  it('takes run.unprivileged as a boolean only', () => {
    expect(check(edit('run:\n', 'run:\n  unprivileged: true\n')).lines).toEqual([])
    expect(check(edit('run:\n', 'run:\n  unprivileged: yes please\n')).lines).toEqual([
      'instellar.yml:12:17: error: run.unprivileged must be true or false, found the string "yes please"',
    ])
  })

  it('rejects a repeated service name', () => {
    const text = edit(
      'hook:',
      '    - name: web\n      binary: node\n      start:\n        call: other.js\nhook:',
    )
    expect(check(text).lines).toEqual([
      'instellar.yml:23:13: error: service name web is already used by run.services[0]',
    ])
  })

  it('needs destinations unless package replaces the packaging step', () => {
    const text = edit('  destinations:\n    - dist\n', '')
    expect(check(text).lines).toEqual([
      'instellar.yml:6:1: error: build.destinations is required (which built files go into the package), unless package: replaces the packaging step',
    ])
    expect(check(`${text}package: |\n  install -Dm755 bin/app "$pkgdir"/usr/bin/app\n`).ok).toBe(
      true,
    )
  })

  it('needs a package block for type: custom', () => {
    expect(check(`type: custom\n${MINIMAL}`).lines).toEqual([
      'instellar.yml:1:7: error: type: custom needs a package: block, since nothing is installed for you',
    ])
  })

  it('names the allowed values of an enum', () => {
    expect(check(`type: dynamic\n${MINIMAL}`).lines).toEqual([
      'instellar.yml:1:7: error: type must be one of static, custom, found the string "dynamic"',
    ])
  })

  it('rebuilds the 2021 schema and says what to write instead', () => {
    const text = edit('  destinations:\n    - dist\n', '  destination: dist\n')
    expect(check(text)).toEqual({
      ok: true,
      lines: [
        `instellar.yml:9:3: warning: build.destination is the 2021 schema; write "destinations: ['dist/*']" instead (built that way for now)`,
      ],
    })
  })

  it('rewrites a 2021 run section into services and commands', () => {
    const text = `dependencies:\n  build: [elixir]\nbuild:\n  command: mix release\n  destination: _build/prod/rel/app\nrun:\n  name: app\n  start:\n    call: start\n  command:\n    call: eval\n    variations:\n      migrate: App.Release.migrate\n`
    const result = parseConfig(text, 'instellar.yml')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.config.run).toEqual({
      name: 'app',
      services: [{ name: 'web', binary: 'app', start: { call: 'start' } }],
      commands: [{ name: 'migrate', binary: 'app', call: 'eval App.Release.migrate' }],
    })
    expect(result.diagnostics.map(formatDiagnostic)[1]).toBe(
      'instellar.yml:6:1: warning: run uses the 2021 schema (start, command); built as if it said:\n' +
        'run:\n  name: app\n  services:\n    - name: web\n      binary: app\n      start:\n        call: "start"\n' +
        '  commands:\n    - name: migrate\n      binary: app\n      call: "eval App.Release.migrate"',
    )
  })

  it('keeps unknown keys at any depth of kits, sizes, plans and page, with their YAML types, and warns about each', () => {
    const result = parseConfig(WITH_UNKNOWN_KEYS, 'instellar.yml')
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(UNKNOWN_KEY_WARNINGS)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const yaml = parse(WITH_UNKNOWN_KEYS) as Record<string, unknown>
    const { kits, sizes, plans, page } = result.config
    expect({ kits, sizes, plans, page }).toEqual({
      kits: yaml.kits,
      sizes: yaml.sizes,
      plans: yaml.plans,
      page: yaml.page,
    })
    expect(sizes![0]).toEqual({
      name: 'medium',
      allocation: { cpu: 1, memory: 1, memory_unit: 'GiB', disk: { size: 16, unit: 'GiB' } },
      gpu: null,
    })
  })

  it('still checks the known keys beside unknown ones', () => {
    const text = edit('      memory: 1\n', '      memory: "1 GiB"\n', WITH_UNKNOWN_KEYS)
    const { ok, lines } = check(text)
    expect(ok).toBe(false)
    expect(lines.filter((line) => line.includes('sizes[0].allocation'))).toEqual([
      'instellar.yml:62:15: error: sizes[0].allocation.memory must be a number, found the string "1 GiB"',
      'instellar.yml:63:7: warning: unknown key memory_unit in sizes[0].allocation is sent to the platform unchecked',
      'instellar.yml:64:7: warning: unknown key disk in sizes[0].allocation is sent to the platform unchecked',
    ])
  })

  it('drops unknown keys outside the deployment sections: they go nowhere', () => {
    const text = `${edit('binary: node', 'binary: node\n      colour: blue', WITH_UNKNOWN_KEYS)}stak: alpine/3.19\n`
    const result = parseConfig(text, 'instellar.yml')
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.diagnostics.map(formatDiagnostic)).toEqual(
      expect.arrayContaining([
        'instellar.yml:20:7: warning: unknown key colour in run.services[0] is ignored',
        'instellar.yml:86:1: warning: unknown key stak at the top level is ignored; did you mean stack?',
      ]),
    )
    expect(result.config.run!.services[0]).not.toHaveProperty('colour')
    expect(result.config).not.toHaveProperty('stak')
    expect(result.config.kits![0]).toHaveProperty('healthcheck.codes', [200, 204])
  })

  it('keeps deployment settings exactly as written', () => {
    const text = `${MINIMAL}kits:\n  - name: web\n    main: true\n    ports:\n      - name: web\n        target: 3000\n    variables:\n      - key: RAILS_SERVE_STATIC_FILES\n        default_value: '1'\n      - key: PORT\n        default_value: 3000\n`
    const result = parseConfig(text, 'instellar.yml')
    expect(result.ok && result.config.kits).toEqual([
      {
        name: 'web',
        main: true,
        ports: [{ name: 'web', target: 3000 }],
        variables: [
          { key: 'RAILS_SERVE_STATIC_FILES', default_value: '1' },
          { key: 'PORT', default_value: 3000 },
        ],
      },
    ])
  })
})
