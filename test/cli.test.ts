import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jsonSchema, STAGES } from '../src/config/index.js'
import { SHARED } from './helpers/corpus.js'
import { edit, MINIMAL } from './fixtures/minimal.js'
import { fakeDocker } from './helpers/fake-docker.js'
import { chownTree, commitAll, RUNNER_USER } from './fixtures/workspace.js'
import { cleanEnv, ROOT, runNode } from './helpers/run.js'
import { sharedMissing } from './helpers/shared.js'

let workspace: string
const isRoot = process.getuid?.() === 0

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'pakman-cli-'))
})
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true })
})

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runNode('dist/cli.js', args, { cwd: workspace, env: cleanEnv(env) })

/** How the CLI refuses what it was given: exit 2, nothing on stdout, one pakman: line on stderr. */
const refused = (message: string) => ({ code: 2, stdout: '', stderr: `pakman: ${message}\n` })

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
    expect(ran.stderr).toBe(
      'pakman: check does not take --colour; it takes --config, --workspace, --repository, --pkgver, --build, --no-sbom (see pakman help check)\n',
    )
  })
})

describe('pakman bootstrap', () => {
  it('renders from flags and prints the directory', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli([
      'bootstrap',
      '--repository',
      'Acme/My_App',
      '--pkgver',
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
    // No version from git is a warning (an annotation in the action), not a plain log line.
    expect(ran.stderr).toContain(
      '==> Render the recipe\npakman: warning: git describe failed: not a git repository (or any of the parent directories): .git; using 0.0.0\n',
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

  // sudo pakman, a runner as root: git, which refuses another user's repository, runs as its owner.
  it.runIf(isRoot)(
    'as root, takes the repository and version from git in a workspace another user owns',
    async () => {
      const config = MINIMAL.replace('- app-openrc', '- s6').replaceAll('app', 'tool')
      await writeFile(join(workspace, 'instellar.yml'), config)
      commitAll(workspace, { tag: 'v1.4.2', origin: 'git@github.com:octo/tool.git' })
      chownTree(workspace, RUNNER_USER, RUNNER_USER)
      const ran = await cli(['bootstrap'])
      expect(ran).toMatchObject({
        code: 0,
        stderr: expect.not.stringMatching(/warning|error|note/),
        stdout: `${join(workspace, '.apk/octo/tool')}\n`,
      })
      expect(await readFile(join(workspace, '.apk/octo/tool/APKBUILD'), 'utf8')).toContain(
        'pkgver=1.4.2\npkgrel=0\n',
      )
    },
  )

  it.runIf(isRoot)("names git's own reason when git cannot read the version", async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    commitAll(workspace, { tag: 'v1.4.2' })
    // The checkout is the runner user's, its .git another user's: git refuses it even as the owner.
    chownTree(workspace, RUNNER_USER, RUNNER_USER)
    chownTree(join(workspace, '.git'), RUNNER_USER + 1, RUNNER_USER + 1)
    const ran = await cli(['bootstrap', '--repository', 'octo/app'])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain(
      `pakman: warning: git describe failed: detected dubious ownership in repository at '${workspace}'; using 0.0.0\n`,
    )
    expect(ran.stderr).not.toContain('fetch-depth')
  })

  it('says so when there is no git to ask for the version', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli(['bootstrap', '--repository', 'octo/app'], { PATH: '/nonexistent' })
    expect(ran.code).toBe(0)
    expect(ran.stderr).toContain(
      'pakman: warning: git describe failed: git is not installed (no git on PATH); using 0.0.0\n',
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

describe('pakman itself', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string
  }
  const COMMANDS = [
    'check',
    'bootstrap',
    'build',
    'verify',
    'sbom',
    'push',
    'publish',
    'site',
    'schema',
    'help',
  ]

  it("--version and -V print PAKman's version from package.json", async () => {
    for (const flag of ['--version', '-V']) {
      expect(await cli([flag]), flag).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
    }
  })

  it('knows its version away from the repository: it is bundled into dist/', async () => {
    // A copy of dist/ alone, with no package.json or node_modules anywhere above it.
    const copy = join(workspace, 'pakman-dist')
    await cp(join(ROOT, 'dist'), copy, { recursive: true })
    const ran = await runNode(join(copy, 'cli.js'), ['--version'], { cwd: workspace })
    expect(ran).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('help, --help and -h print every command', async () => {
    const help = await cli(['help'])
    expect(help).toMatchObject({ code: 0, stderr: '' })
    for (const command of COMMANDS)
      expect(help.stdout).toMatch(new RegExp(`^  pakman ${command}( |$)`, 'm'))
    expect(help.stdout).toContain('  pakman --version\n')
    expect(await cli(['--help'])).toEqual(help)
    expect(await cli(['-h'])).toEqual(help)
  })

  it("help COMMAND and COMMAND --help print that command's options only", async () => {
    const help = await cli(['help', 'build'])
    expect(help).toMatchObject({ code: 0, stderr: '' })
    for (const flag of [
      '--pkgver VERSION',
      '--signing-key FILE',
      '--signature rsa|rsa256|both',
      '--packages-dir DIR',
      '--no-install-test',
    ])
      expect(help.stdout).toContain(`  ${flag} `)
    expect(help.stdout).not.toContain('--key')
    expect(help.stdout).not.toMatch(/--version/) // the deprecated spelling is not advertised
    expect(await cli(['build', '--help'])).toEqual(help)
    expect(await cli(['build', '-h'])).toEqual(help)

    const check = await cli(['help', 'check'])
    expect(check.stdout).toContain('  --config FILE ')
    expect(check.stdout).not.toContain('--stack')
  })

  it('an unknown help topic, or no command at all, is an error', async () => {
    expect(await cli(['help', 'nope'])).toEqual(
      refused(`unknown command nope; the commands are ${COMMANDS.join(', ')}`),
    )
    const bare = await cli([])
    expect(bare).toMatchObject({ code: 2, stdout: '' })
    expect(bare.stderr).toMatch(/^pakman \S+: build signed Alpine packages/)
  })
})

describe('options per command', () => {
  it('an option a command does not take is an error naming both and what it takes', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const cases: [string[], string][] = [
      [
        ['check', '--signing-key', 'key.pem'],
        'check does not take --signing-key; it takes --config, --workspace, --repository, --pkgver, --build, --no-sbom (see pakman help check)',
      ],
      [
        ['bootstrap', '--repository', 'octo/app', '--stack', 'alpine/3.20'],
        'bootstrap does not take --stack; it takes --config, --workspace, --repository, --pkgver, --build, --no-sbom (see pakman help bootstrap)',
      ],
      [
        ['verify', 'x.apk', '--key', 'k.rsa.pub', '--repository', 'octo/app'],
        'verify does not take --repository; it takes --key (see pakman help verify)',
      ],
      // a name every object has is still not an option
      [
        ['check', '--toString'],
        'check does not take --toString; it takes --config, --workspace, --repository, --pkgver, --build, --no-sbom (see pakman help check)',
      ],
      [
        ['schema', '--config', 'x.yml'],
        'schema does not take --config; it takes no options (see pakman help schema)',
      ],
      [
        ['check', '--version'],
        "check does not take --version; it takes --config, --workspace, --repository, --pkgver, --build, --no-sbom (see pakman help check); pakman --version, before any command, prints PAKman's version",
      ],
    ]
    for (const [args, message] of cases) {
      expect(await cli(args), args.join(' ')).toEqual(refused(message))
    }
    // refused before doing anything: bootstrap wrote no recipe
    await expect(readdir(join(workspace, '.apk'))).rejects.toThrow(/ENOENT/)
  })

  it('options come after the command, and commands without operands take none', async () => {
    const early = await cli(['--config', 'app.yml', 'check'])
    expect(early.code).toBe(2)
    expect(early.stderr).toMatch(/^pakman: the command comes first: pakman COMMAND \[options\]/)
    expect(await cli(['schema', 'extra'])).toEqual(refused('schema takes no arguments, got extra'))
  })
})

describe('--pkgver, and --version after a command (deprecated)', () => {
  it('--version VALUE still sets pkgver for one release, with a warning', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli(['bootstrap', '--repository', 'octo/app', '--version', 'v4.5.6'])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toMatch(
      /^pakman: warning: --version VERSION after a command is deprecated and goes away in the next release; use --pkgver v4\.5\.6$/m,
    )
    expect(await readFile(join(workspace, '.apk/octo/app/APKBUILD'), 'utf8')).toContain(
      'pkgver=4.5.6\n',
    )
  })

  it('build takes it too; bare, or beside --pkgver, it is an error that says why', async () => {
    // An architecture PAKman does not know fails before Docker is needed, after the options are read.
    const build = await cli(['build', '--version', '1.2.0', '--arch', 'sparc'])
    expect(build).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'pakman: warning: --version VERSION after a command is deprecated and goes away in the next release; use --pkgver 1.2.0\n' +
        'pakman: sparc (--arch ARCH) is not an Alpine architecture (x86_64, aarch64, …)\n',
    })
    expect(await cli(['build', '--version'])).toEqual(
      refused(
        "--version after a command is the old spelling of --pkgver VERSION and needs a value; pakman --version, before any command, prints PAKman's version",
      ),
    )
    expect(await cli(['bootstrap', '--pkgver', '1.0.0', '--version', '1.0.0'])).toEqual(
      refused('--version is the old spelling of --pkgver; give only --pkgver'),
    )
  })
})

describe('messages in the CLI name flags, not action inputs', () => {
  it('names the config file it read in its header', async () => {
    await writeFile(join(workspace, 'app.yml'), MINIMAL)
    const ran = await cli(['bootstrap', '--config', 'app.yml', '--repository', 'octo/app'])
    expect(ran.code).toBe(0)
    expect(ran.stderr).toMatch(/^==> Read app\.yml$/m)
    expect(ran.stderr).not.toContain('instellar.yml')
  })

  it('names the --config file in messages about its content', async () => {
    await writeFile(join(workspace, 'app.yml'), `architectures: [aarch64]\n${MINIMAL}`)
    const ran = await cli(
      [
        'build',
        ...['--config', 'app.yml', '--repository', 'octo/app', '--arch', 'x86_64'],
        ...['--packages-dir', join(workspace, 'out'), '--no-cache'],
      ],
      { PAKMAN_DOCKER: await fakeDocker(workspace) },
    )
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /^pakman: x86_64 is not among the architectures app\.yml allows \(aarch64\)$/m,
    )
  })

  it('a missing stack points at --stack and --image', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL) // MINIMAL has no stack:
    const ran = await cli(
      ['build', '--repository', 'octo/app', '--packages-dir', join(workspace, 'out'), '--no-cache'],
      { PAKMAN_DOCKER: await fakeDocker(workspace) },
    )
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /^pakman: no stack: set stack: alpine\/3\.x in instellar\.yml, or pass --stack alpine\/3\.N or --image REF$/m,
    )
    expect(ran.stderr).not.toMatch(/\binput\b/)
  })

  it('an output directory that would hold the workspace is refused, naming --packages-dir', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    // No docker at all: the output directory is refused before Docker is needed.
    const ran = await cli(
      ['build', '--repository', 'octo/app', '--stack', 'alpine/3.20', '--packages-dir', '.'],
      { PAKMAN_DOCKER: '/nonexistent/docker' },
    )
    expect(ran.code).toBe(1)
    expect(ran.stderr).toMatch(
      /^pakman: the output directory \. \(--packages-dir DIR\) would hold the workspace or the home directory; choose a directory of its own$/m,
    )
    expect(await readFile(join(workspace, 'instellar.yml'), 'utf8')).toBe(MINIMAL) // nothing removed
  })

  it('the throwaway-key warning points at --signing-key, and names a key of its own', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const docker = await fakeDocker(workspace)
    const build = (extra: string[] = []) =>
      cli(
        [
          'build',
          ...['--repository', 'octo/app', '--stack', 'alpine/3.20'],
          ...['--packages-dir', join(workspace, 'out'), '--no-cache', ...extra],
        ],
        { PAKMAN_DOCKER: docker },
      )
    const warning = (name: string) =>
      `pakman: warning: no signing key given: packages are signed with a throwaway key (${name}) made for this run; pass your own key with --signing-key FILE to publish installable packages\n`
    const keyNames: string[] = []
    for (const run of [1, 2]) {
      const ran = await build()
      // the stand-in docker has no images, so the build stops after the key phase
      expect(ran.code, `run ${run}`).toBe(1)
      expect(ran.stderr).not.toMatch(/\binput\b/)
      const name = /throwaway key \((\S+)\)/.exec(ran.stderr)?.[1] ?? ''
      expect(ran.stderr).toContain(warning(name))
      expect(name).toMatch(/^octo-app-throwaway-[0-9a-f]{8}$/)
      keyNames.push(name)
    }
    // each run's key is another key, so it has another name: a host trusting one is not misled
    expect(keyNames[0]).not.toBe(keyNames[1])
    // a name asked for is the name used, throwaway key or not
    const named = await build(['--signing-key-name', 'ops'])
    expect(named.stderr).toContain(warning('ops'))
  })
})

describe('pakman build: the output directory', () => {
  /** Files a packager keeps in a directory, with their bytes, to check nothing changed. */
  const foreign = async (dir?: string) => {
    dir ??= await mkdtemp(join(tmpdir(), 'pakman-mine-'))
    await mkdir(join(dir, 'main/x86_64'), { recursive: true })
    await writeFile(join(dir, 'main/x86_64/mytool-1.0-r0.apk'), 'my own package')
    await writeFile(join(dir, 'notes.txt'), 'keep me')
    return dir
  }
  const contents = async (dir: string) =>
    Object.fromEntries(
      await Promise.all(
        (await readdir(dir, { recursive: true, withFileTypes: true }))
          .filter((e) => e.isFile())
          .map(async (e) => {
            const path = join(e.parentPath, e.name)
            return [path.slice(dir.length + 1), await readFile(path, 'utf8')]
          }),
      ),
    )

  it('refuses a directory with files PAKman did not write, before anything runs, and leaves it as it was', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const dir = await foreign()
    try {
      const before = await contents(dir)
      // No Docker here: the refusal comes first, so it is the same with or without a daemon.
      const ran = await cli(['build', '--repository', 'octo/app', '--packages-dir', dir], {
        PAKMAN_DOCKER: '/nonexistent/docker',
      })
      expect(ran.code).toBe(1)
      expect(ran.stderr).toBe(
        `pakman: the output directory ${dir} (--packages-dir DIR) holds files PAKman did not write (main, notes.txt). PAKman replaces the contents of its output directory, so it only uses one that is empty or that it wrote before (it holds .pakman-output). Set --packages-dir DIR to a new or empty directory, or move those files away; nothing was changed.\n`,
      )
      expect(await contents(dir)).toEqual(before)
      // Nothing was made beside it either (no staging directory of its own).
      const staging = `.${basename(dir)}.pakman-staging-`
      expect((await readdir(join(dir, '..'))).filter((f) => f.startsWith(staging))).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('takes a directory that is empty, or marked by PAKman, as far as the Docker check', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const marked = await mkdtemp(join(tmpdir(), 'pakman-marked-'))
    try {
      await writeFile(join(marked, '.pakman-output'), '')
      await writeFile(join(marked, 'old.apk'), 'from an earlier run')
      for (const dir of [marked, join(workspace, 'new/out')]) {
        const ran = await cli(['build', '--repository', 'octo/app', '--packages-dir', dir], {
          PAKMAN_DOCKER: '/nonexistent/docker',
        })
        expect(ran.stderr).toBe(
          'pakman: docker is not installed (no /nonexistent/docker on PATH); PAKman builds packages in a Docker container\n',
        )
      }
      // A build that did not happen replaces nothing.
      expect(await readFile(join(marked, 'old.apk'), 'utf8')).toBe('from an earlier run')
    } finally {
      await rm(marked, { recursive: true, force: true })
    }
  })

  it("defaults to .pakman/packages in the workspace, not abuild's ~/packages", async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    // abuild's REPODEST, with a packager's own packages in it: the old default, emptied.
    const home = await mkdtemp(join(tmpdir(), 'pakman-home-'))
    const abuildPackages = await foreign(join(home, 'packages'))
    try {
      const before = await contents(abuildPackages)
      const ran = await cli(['build', '--repository', 'octo/app'], {
        HOME: home,
        PAKMAN_DOCKER: '/nonexistent/docker',
      })
      expect(ran.stderr).toContain('pakman: docker is not installed')
      expect(await readdir(join(workspace, '.pakman/packages'))).toEqual(['.pakman-output'])
      expect(await contents(abuildPackages)).toEqual(before)
    } finally {
      await rm(home, { recursive: true, force: true })
    }
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

describe('--signature', () => {
  it('refuses a choice that is not rsa, rsa256 or both, naming the flag, before anything runs', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const ran = await cli(['build', '--repository', 'octo/app', '--signature', 'ed25519'])
    expect(ran).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'pakman: --signature is "ed25519": expected one of rsa, rsa256, both (rsa: RSA/SHA-1, what every apk reads; rsa256: RSA/SHA-256; both: an RSA256 and an RSA signature)\n',
    })
    const check = await cli(['check', '--signature', 'rsa256'])
    expect(check.stderr).toMatch(/^pakman: check does not take --signature; /)
  })
})

describe('bad paths in flags', () => {
  it('names a --signing-key that is missing or a directory, before anything runs', async () => {
    await writeFile(join(workspace, 'instellar.yml'), MINIMAL)
    const missing = join(workspace, 'nope.rsa')
    const ran = await cli(['build', '--repository', 'octo/app', '--signing-key', missing])
    expect(ran).toMatchObject({ code: 1, stdout: '' })
    expect(ran.stderr).toBe(
      `pakman: --signing-key ${missing} is missing: expected a PEM RSA private key file\n`,
    )
    const dir = await cli(['build', '--repository', 'octo/app', '--signing-key', workspace])
    expect(dir.stderr).toContain(`--signing-key ${workspace} is not a file`)
  })
})

describe('pakman verify', () => {
  const vectors = join(SHARED, 'vectors/apk')
  const key = join(vectors, 'keys/pakman-test@example.invalid-6b08b41c.rsa.pub')
  // Real packages come from ../shared; a clone without it says so instead of failing.
  const vectorless = sharedMissing()
  if (vectorless) it.skip(`needs ${vectors} for the real packages it verifies`, () => {})

  it.skipIf(vectorless)('passes a good repository', async () => {
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

  it.skipIf(vectorless)('fails on a tampered package and a missing file, saying why', async () => {
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

  it('names a --key that is a private key or no key at all, and checks nothing', async () => {
    const { generateKeyPairSync } = await import('node:crypto')
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const privateFile = join(workspace, 'ops.rsa')
    await writeFile(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const notes = join(workspace, 'notes.txt')
    await writeFile(notes, 'not a key\n')
    const asPrivate = await cli(['verify', workspace, '--key', privateFile])
    expect(asPrivate).toMatchObject({ code: 2, stdout: '' })
    expect(asPrivate.stderr).toBe(
      `pakman: --key ${privateFile} is a private key: give the public key (NAME.rsa.pub, e.g. from openssl pkey -pubout), named as the packages' signatures name it\n`,
    )
    const asNotes = await cli(['verify', workspace, '--key', notes])
    expect(asNotes.stderr).toBe(
      `pakman: --key ${notes} is not a PEM public key (expected -----BEGIN PUBLIC KEY-----)\n`,
    )
  })

  it('says so when there is nothing to verify, or a path is missing', async () => {
    const keyFile = join(workspace, 'ops.rsa.pub')
    const { generateKeyPairSync } = await import('node:crypto')
    await writeFile(
      keyFile,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
        type: 'spki',
        format: 'pem',
      }),
    )
    const empty = join(workspace, 'empty')
    await mkdir(empty)
    expect(await cli(['verify', empty, '--key', keyFile])).toEqual({
      code: 1,
      stdout: '',
      stderr: `pakman: verify: no .apk file or APKINDEX.tar.gz in ${empty}; nothing was checked\n`,
    })
    const missing = join(workspace, 'nope')
    expect(await cli(['verify', missing, '--key', keyFile])).toEqual(
      refused(`verify: ${missing} does not exist; give .apk files, indexes or directories`),
    )
  })
})

describe('pakman site', () => {
  const vectors = join(SHARED, 'vectors/apk')
  const keyFile = 'pakman-test@example.invalid-6b08b41c.rsa.pub'
  const vectorless = sharedMissing()
  if (vectorless) it.skip(`needs ${vectors} for a real repository to describe`, () => {})

  /** A build's output shape: <repo>/<arch>/ with its index, and the key at the top. */
  async function repository(): Promise<string> {
    const dir = join(workspace, 'packages')
    await cp(join(vectors, 'good/acme'), join(dir, 'acme'), { recursive: true })
    await cp(join(vectors, 'keys', keyFile), join(dir, keyFile))
    return dir
  }

  it.skipIf(vectorless)('writes index.html and README.md and prints them', async () => {
    const dir = await repository()
    const ran = await cli(['site', dir, '--url', 'https://pkg.example.com/acme', '--title', 'Acme'])
    expect(ran).toEqual({
      code: 0,
      stdout: `${join(dir, 'index.html')}\n${join(dir, 'README.md')}\n`,
      stderr: '2 packages in 1 directories, for https://pkg.example.com/acme/\n',
    })
    const readme = await readFile(join(dir, 'README.md'), 'utf8')
    expect(readme).toMatch(/^# Acme\n/)
    // no stack level in a build's output: the repository is <url>/<repo>
    expect(readme).toContain(
      '    echo "https://pkg.example.com/acme/acme" >> /etc/apk/repositories\n',
    )
    expect(await readFile(join(dir, 'index.html'), 'utf8')).toContain('<h1>Acme</h1>')
  })

  it.skipIf(vectorless)('names --url when the URL is unusable', async () => {
    const dir = await repository()
    expect(await cli(['site', dir, '--url', 'ftp://pkg.example.com/'])).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'pakman: --url: ftp://pkg.example.com/ is not an http or https URL, which apk could fetch\n',
    })
  })

  it('needs a directory and --url', async () => {
    expect(await cli(['site', workspace])).toEqual(
      refused('site needs one repository directory and --url URL'),
    )
    const file = join(workspace, 'file')
    await writeFile(file, '')
    expect(await cli(['site', file, '--url', 'https://x.example/'])).toEqual(
      refused(`site: ${file} is not a directory; give the repository's top directory`),
    )
  })
})
