import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonSchema, STAGES } from '../src/config/index.js'
import { SHARED } from './helpers/corpus.js'
import { edit, MINIMAL } from './fixtures/minimal.js'
import { cleanEnv, runNode } from './helpers/run.js'

let workspace: string

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'pakman-cli-'))
})
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
})

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runNode('dist/cli.js', args, { cwd: workspace, env: cleanEnv(env) })

describe('pakman check', () => {
  it('says ok for a valid file', async () => {
    // s6 among the runtime dependencies, so the recipe has nothing to warn about either.
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL.replace('- app-openrc', '- s6'))
    const ran = await cli(['check', '--repository', 'octo/app'])
    expect(ran).toMatchObject({ code: 0, stderr: '' })
    expect(ran.stdout).toBe('instellar.yml: ok\n')
  })

  it('reports what the recipe would warn about, as bootstrap does', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli(['check', '--repository', 'octo/shop'])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toMatch(
      /^instellar\.yml:12:9: warning: run\.name app differs from the package name shop/m,
    )
  })

  it('looks for nginx.conf in --workspace', async () => {
    const other = join(workspace, 'site')
    await mkdir(other)
    await writeFile(
      join(other, 'instellar.yml'),
      `type: static\n${MINIMAL.replace(/^run:[\s\S]*?(?=^hook:)/m, '')}`,
    )
    const args = ['check', '--workspace', other, '--repository', 'octo/app']
    expect((await cli(args)).stderr).toContain('but there is no nginx.conf')
    await writeFile(join(other, 'nginx.conf'), 'server {}\n')
    expect(await cli(args)).toMatchObject({ code: 0, stderr: '' })
  })

  it('prints file:line:col lines and exits 1', async () => {
    await writeFile(join(workspace, 'app.yml'), edit('binary: node', 'binary: "node;id"'))
    const ran = await cli(['check', '--config', 'app.yml'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toBe(
      'app.yml:19:15: error: run.services[0].binary: must be a program name without a directory (put the directory in path) (found "node;id")\n',
    )
  })

  it('names a missing file without a stack trace', async () => {
    const ran = await cli(['check', '--config', 'nope.yml'])
    expect(ran).toMatchObject({
      code: 1,
      stderr: 'nope.yml:1:1: error: cannot read config: file not found\n',
    })
  })

  it('names a directory given as the config, not EISDIR', async () => {
    const ran = await cli(['check', '--config', '.'])
    expect(ran).toMatchObject({
      code: 1,
      stderr:
        '.:1:1: error: cannot read config: . is a directory; expected the YAML file itself, such as instellar.yml\n',
    })
  })

  it('refuses /dev/zero at once, with one line', async () => {
    const ran = await cli(['check', '--config', '/dev/zero'])
    expect(ran).toMatchObject({
      code: 1,
      stderr:
        '/dev/zero:1:1: error: cannot read config: /dev/zero is a character device, not a regular file\n',
    })
  })

  it('rejects unknown commands and flags with usage', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2)
    const ran = await cli(['check', '--colour'])
    expect(ran.code).toBe(2)
    expect(ran.stderr).toMatch(/^pakman: Unknown option '--colour'/)
  })
})

describe('pakman bootstrap', () => {
  it('renders from flags and prints the directory', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli([
      'bootstrap',
      '--repository',
      'Acme/My_App',
      '--version',
      'v2.3.4',
      '--build',
      '9',
    ])
    const dir = join(workspace, '.apk/acme/my-app')
    expect(ran).toMatchObject({ code: 0, stdout: `${dir}\n` })
    // run.name app differs from the package name my-app
    expect(ran.stderr).toMatch(
      /^instellar\.yml:12:9: warning: run\.name app differs from the package name my-app/m,
    )
    const apkbuild = await readFile(join(dir, 'APKBUILD'), 'utf8')
    expect(apkbuild).toContain('pkgname=my-app\npkgver=2.3.4\npkgrel=9\n')
    expect((await readdir(dir)).sort()).toContain('my-app.initd')
  })

  it('takes defaults from the GitHub environment', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL.replaceAll('app', 'shop'))
    const ran = await cli(['bootstrap'], {
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'octo/shop',
      GITHUB_RUN_NUMBER: '41',
    })
    expect(ran).toMatchObject({ code: 0, stdout: `${join(workspace, '.apk/octo/shop')}\n` })
    // No tag is a warning (an annotation in the action), not a plain log line.
    expect(ran.stderr).toContain(
      '==> Render the recipe\npakman: warning: no tag found (actions/checkout fetches tags only with fetch-depth: 0); using 0.0.0\n',
    )
    expect(await readFile(join(workspace, '.apk/octo/shop/APKBUILD'), 'utf8')).toContain(
      'pkgver=0.0.0\npkgrel=41\n',
    )
  })

  it('falls back to git for the repository and version', async () => {
    // s6 among the runtime dependencies, so the config itself has nothing to warn about.
    const config = MINIMAL.replace('- app-openrc', '- s6').replaceAll('app', 'tool')
    await writeFile(join(workspace, 'instellar.yml'), config)
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: workspace,
        env: cleanEnv({
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@e',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@e',
        }),
      })
    git('init', '-q')
    git('remote', 'add', 'origin', 'git@github.com:octo/tool.git')
    git('add', '.')
    git('commit', '-qm', 'x')
    git('tag', 'v1.5.0')
    const ran = await cli(['bootstrap'])
    expect(ran).toMatchObject({
      code: 0,
      stderr: expect.not.stringMatching(/warning|error|note/),
      stdout: `${join(workspace, '.apk/octo/tool')}\n`,
    })
    expect(await readFile(join(workspace, '.apk/octo/tool/APKBUILD'), 'utf8')).toContain(
      'pkgver=1.5.0\npkgrel=0\n',
    )
  })

  it('writes nothing when the config has errors', async () => {
    await writeFile(join(workspace, 'instellar.yml'), edit('- dist', '- /etc'))
    const ran = await cli(['bootstrap', '--repository', 'octo/app'])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toBe('')
    await expect(readdir(join(workspace, '.apk'))).rejects.toThrow(/ENOENT/)
  })

  it('explains a missing repository in one line', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli(['bootstrap'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /\npakman: cannot tell the repository: pass --repository OWNER\/NAME or set GITHUB_REPOSITORY\n$/,
    )
    expect(ran.stderr).not.toMatch(/\n\s+at /)
  })

  it('needs nginx.conf for type: static', async () => {
    await writeFile(join(workspace, 'instellar.yml'), `type: static\n${MINIMAL}`)
    const ran = await cli(['bootstrap', '--repository', 'octo/app'])
    expect(ran.code).toBe(1)
    expect(ran.stderr).toContain(
      'instellar.yml:1:7: error: type: static installs nginx.conf from the repository root as /etc/<name>/default.conf, but there is no nginx.conf',
    )
  })
})

describe('pakman check refuses what bootstrap refuses', () => {
  const static_ = `type: static\n${MINIMAL}`
  // Each case: the config, files in the workspace, flags and environment shared by both commands.
  it.each<[string, string, Record<string, string>, string[], NodeJS.ProcessEnv?]>([
    ['a valid config', MINIMAL, {}, ['--repository', 'octo/app']],
    ['type: static without nginx.conf', static_, {}, ['--repository', 'octo/app']],
    [
      'type: static with nginx.conf',
      static_,
      { 'nginx.conf': 'server {}\n' },
      ['--repository', 'octo/app'],
    ],
    ['no repository to name the package', MINIMAL, {}, []],
    ['a repository that is not OWNER/NAME', MINIMAL, {}, ['--repository', 'app']],
    ['a repository name that gives no package name', MINIMAL, {}, ['--repository', 'octo/___']],
    [
      'a build number that is not a number',
      MINIMAL,
      {},
      ['--repository', 'octo/app', '--build', 'x'],
    ],
    [
      'a bad GITHUB_RUN_NUMBER',
      MINIMAL,
      {},
      [],
      { GITHUB_REPOSITORY: 'octo/app', GITHUB_RUN_NUMBER: '-1' },
    ],
    [
      'a workspace that does not exist',
      MINIMAL,
      {},
      ['--repository', 'octo/app', '--workspace', 'nowhere', '--config', 'instellar.yml'],
    ],
    ['config errors', edit('- dist', '- /etc'), {}, ['--repository', 'octo/app']],
  ])('%s', async (_what, config, files, flags, env = {}) => {
    await writeFile(join(workspace, 'instellar.yml'), config)
    for (const [name, content] of Object.entries(files))
      await writeFile(join(workspace, name), content)
    const checked = await cli(['check', ...flags], env)
    const bootstrapped = await cli(['bootstrap', ...flags], env)
    // Problems only: bootstrap also prints its phase headings and the files it wrote.
    const problems = (stderr: string) =>
      stderr.split('\n').filter((l) => /: error: |^pakman: (?!warning)/.test(l))
    expect({ code: checked.code, problems: problems(checked.stderr) }).toEqual({
      code: bootstrapped.code,
      problems: problems(bootstrapped.stderr).filter(
        (l) =>
          !l.startsWith('pakman: the recipe was not written') &&
          !/^pakman: .* has \d+ errors?$/.test(l),
      ),
    })
    expect(checked.stdout).toBe(checked.code === 0 ? 'instellar.yml: ok\n' : '')
  })
})

describe('pakman schema', () => {
  it('prints a JSON Schema that knows the keys', async () => {
    const ran = await cli(['schema'])
    expect(ran.code).toBe(0)
    const schema = JSON.parse(ran.stdout)
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(schema.required).toEqual(['dependencies', 'build'])
    expect(Object.keys(schema.properties.hook.properties)).toEqual([...STAGES])
    // The CLI prints the schema the agreement tests check (dist is built from these sources).
    expect(schema).toEqual(jsonSchema())
    const port = schema.properties.kits.items.properties.ports.items.properties.target
    expect(port).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535 })
  })
})

describe('pakman verify', () => {
  const vectors = join(SHARED, 'vectors/apk')
  const key = join(vectors, 'keys/pakman-test@example.invalid-6b08b41c.rsa.pub')

  it('passes a good repository', async () => {
    const ran = await cli(['verify', join(vectors, 'good/acme'), '--key', key])
    expect(ran.code).toBe(0)
    expect(
      ran.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(`${vectors}/`, '')),
    ).toEqual([
      'good/acme/x86_64/APKINDEX.tar.gz: OK',
      'good/acme/x86_64/hello-app-1.0.3-r17.apk: OK',
      'good/acme/x86_64/hello-app-openrc-1.0.3-r17.apk: OK',
    ])
    expect(ran.stderr).toBe('3 checked, 0 failed\n')
  })

  it('fails on a tampered package and a missing file, saying why', async () => {
    const ran = await cli([
      'verify',
      join(vectors, 'bad/pkginfo-changed.apk'),
      join(vectors, 'bad/index-missing-package'),
      '--key',
      key,
    ])
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      'bad/pkginfo-changed.apk: BAD_SIGNATURE - the RSA signature by pakman-test@example.invalid-6b08b41c.rsa.pub does not match',
    )
    expect(ran.stdout).toMatch(
      /vector-notes-1\.0-r0\.apk: MISSING - listed in .*APKINDEX\.tar\.gz but not present/,
    )
  })

  it('needs a key', async () => {
    expect((await cli(['verify', vectors])).code).toBe(2)
  })
})
