import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  findLockfiles,
  packageUrl,
  readLockfiles,
  type Checksum,
  type Component,
  type PurlType,
} from '../src/sbom/index.js'
import { scratchDirs } from './helpers/scratch.js'

/*
 * The application's dependencies from its lockfiles. The fixtures are small lockfiles in each
 * tool's own format (npm, yarn, pnpm and bun's written by those tools); every expected component
 * below is written out from the fixture by hand, digests converted to hex.
 */
const FIXTURES = fileURLToPath(new URL('./fixtures/lockfiles/', import.meta.url))
const { temp } = scratchDirs()

const sha1 = (value: string): Checksum => ({ algorithm: 'SHA1', value })
const sha256 = (value: string): Checksum => ({ algorithm: 'SHA256', value })
const sha512 = (value: string): Checksum => ({ algorithm: 'SHA512', value })

function component(
  type: PurlType,
  name: string,
  version: string,
  purl: string,
  lockfile: string,
  checksum?: Checksum,
): Component {
  return { type, name, version, purl, lockfile, ...(checksum && { checksum }) }
}

/** A workspace of the files given: fixture paths copied, or text written. */
function workspace(files: Record<string, string | { fixture: string }>): string {
  const root = temp('pakman-sbom-')
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    if (typeof content === 'string') writeFileSync(join(root, path), content)
    else copyFileSync(join(FIXTURES, content.fixture), join(root, path))
  }
  return root
}

/*
 * The npm fixtures all lock one application: debug 4.3.4 (with ms 2.1.2), @isaacs/string-locale-
 * compare, left-pad under the alias `left`, a workspace `worker` with ms 2.1.3, and is-odd (with
 * is-number 6.0.0) as a devDependency. The product is the same five packages in every format.
 */
const NPM_PRODUCT: [string, string, string, string][] = [
  [
    '@isaacs/string-locale-compare',
    '1.1.0',
    'pkg:npm/%40isaacs/string-locale-compare@1.1.0',
    '490ecace187df83f995bd300d33918bf75578480cdc7e2f333a109fbfeb9237418f9e9d4e88b6d7bb1395d7ec45aba8b5b614de27d3a196cc19cfa02ded87669',
  ],
  [
    'debug',
    '4.3.4',
    'pkg:npm/debug@4.3.4',
    '3d15851ee494dde0ed4093ef9cd63b25c91eb758f4b793ae3ac1733cfcec7a40f9d9997ca947c520f122b305ea22f1d61951ce817fbb1bfbc234d85e870c5f91',
  ],
  [
    'left-pad',
    '1.3.0',
    'pkg:npm/left-pad@1.3.0',
    '5c8e4c3f354d0298c0ca1433a615fc06498ab0a5310f82ddc8adb88997901a29c137dc93413ddb165081cbf695c761eb35ca901ac768b7c821ae3cabbcc0a810',
  ],
  [
    'ms',
    '2.1.2',
    'pkg:npm/ms@2.1.2',
    'b0690fc7e56332d980e8c5f6ee80381411442c50996784b85ea7863970afebcb53fa36f7be4fd1c9a2963f43d32b25ad98b48cd1bf9a7544c4bdbb353c4687db',
  ],
  [
    'ms',
    '2.1.3',
    'pkg:npm/ms@2.1.3',
    'e85973b9b4cb646dc9d9afcd542025784863ceae68c601f268253dc985ef70bb2fa1568726afece715c8ebf5d73fab73ed1f7100eb479d23bfb57b45dd645394',
  ],
]

function npmProduct(lockfile: string, digests = true): Component[] {
  return NPM_PRODUCT.map(([name, version, purl, digest]) =>
    component('npm', name, version, purl, lockfile, digests ? sha512(digest) : undefined),
  )
}

async function read(dir: string) {
  return readLockfiles(join(FIXTURES, dir))
}

describe('npm, yarn, pnpm and bun lockfiles', () => {
  it.each([
    ['npm/v1', 'package-lock.json'],
    ['npm/v2', 'package-lock.json'],
    ['npm/v3', 'package-lock.json'],
    ['yarn/v1', 'yarn.lock'],
    ['pnpm/v6', 'pnpm-lock.yaml'],
    ['pnpm/v9', 'pnpm-lock.yaml'],
    ['bun', 'bun.lock'],
  ])(
    '%s: the product only, with sha512 integrity as hex; no dev, workspace or git package',
    async (dir, lockfile) => {
      const report = await read(dir)
      expect(report).toEqual({
        components: npmProduct(lockfile),
        lockfiles: [lockfile],
        problems: [],
      })
    },
  )

  it('npm-shrinkwrap.json is a package-lock; a lockfile without `resolved` is the registry', async () => {
    const [locale, , , , ms] = npmProduct('npm-shrinkwrap.json')
    expect(await read('npm/shrinkwrap')).toEqual({
      components: [locale, ms],
      lockfiles: ['npm-shrinkwrap.json'],
      problems: [],
    })
  })

  it("yarn berry: the same packages, without berry's checksum (of its own zip, not the tarball)", async () => {
    expect((await read('yarn/berry')).components).toEqual(npmProduct('yarn.lock', false))
  })

  it('yarn without a package.json to tell: every package is kept, dev ones too', async () => {
    const root = workspace({ 'yarn.lock': { fixture: 'yarn/v1/yarn.lock' } })
    const { components } = await readLockfiles(root)
    expect(components.map((c) => c.purl)).toEqual([
      'pkg:npm/%40isaacs/string-locale-compare@1.1.0',
      'pkg:npm/debug@4.3.4',
      'pkg:npm/is-number@6.0.0',
      'pkg:npm/is-odd@3.0.1',
      'pkg:npm/left-pad@1.3.0',
      'pkg:npm/ms@2.1.2',
      'pkg:npm/ms@2.1.3',
    ])
    expect(components.find((c) => c.name === 'is-odd')?.checksum).toEqual(
      sha512(
        '090a6758fac3c263f5f923075d986d2ed26ff74ca2c957e5b86b17e62342564ae142d5374d01ec5163c6f7091d93d2e0779c8da4083d8d0128f7408169781630',
      ),
    )
  })

  it('yarn 1: an entry with only the SHA-1 in its resolved URL has that as its checksum', async () => {
    const root = workspace({
      'yarn.lock': [
        '# yarn lockfile v1',
        '',
        '',
        'ms@^2.1.1:',
        '  version "2.1.3"',
        '  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2"',
        '',
      ].join('\n'),
    })
    expect((await readLockfiles(root)).components).toEqual([
      component(
        'npm',
        'ms',
        '2.1.3',
        'pkg:npm/ms@2.1.3',
        'yarn.lock',
        sha1('574c8138ce1d2b5861f0b44579dbadd60c6615b2'),
      ),
    ])
  })
})

describe('Gemfile.lock', () => {
  it('Bundler 2.5: GEM specs, one per platform, with the CHECKSUMS section; no GIT or PATH gem', async () => {
    const lockfile = 'Gemfile.lock'
    const gem = (name: string, version: string, purl: string, digest: string) =>
      component('gem', name, version, purl, lockfile, sha256(digest))
    const { components } = await read('ruby/bundler-2.5')
    expect(components).toEqual([
      gem(
        'bcrypt',
        '3.1.20',
        'pkg:gem/bcrypt@3.1.20',
        'a86dc15cb59198537b43f4671f5076dd17715b815c0b03a7739639b0c39ceaf8',
      ),
      gem(
        'nio4r',
        '2.7.3',
        'pkg:gem/nio4r@2.7.3',
        'c1cd0a5b7365f97c049782e4c951d0ba8893f83562dd087748cafd0e60da308f',
      ),
      gem(
        'nokogiri',
        '1.16.7',
        'pkg:gem/nokogiri@1.16.7?platform=aarch64-linux',
        '8fc07c49a51f5f67997f4a5b7a14d53b7cafeef09c9d945857a035832df7770e',
      ),
      gem(
        'nokogiri',
        '1.16.7',
        'pkg:gem/nokogiri@1.16.7?platform=x86_64-linux',
        '4f9aa70f12ff0893eb780f2d1cde7257837c42b35b71bda4e19845ae164fb775',
      ),
      gem(
        'puma',
        '6.4.3',
        'pkg:gem/puma@6.4.3',
        'd8e7a476dd87f4475e60716a2fb0a606ee42a8ec9cb7c78741311b70bf693e21',
      ),
      gem(
        'racc',
        '1.8.1',
        'pkg:gem/racc@1.8.1',
        'a85265451c729e1df10ef7a97ed5bba34029f76d5f0443abd3ce1440e9ee3a24',
      ),
      gem(
        'rack',
        '3.1.7',
        'pkg:gem/rack@3.1.7',
        '38b66dce39c35055c29d439de183725823613b39057a719afa346470ca945fa2',
      ),
    ])
  })

  it('Bundler 2.4: no checksums; a gem from another source names it as repository_url', async () => {
    const lockfile = 'Gemfile.lock'
    expect((await read('ruby/bundler-2.4')).components).toEqual([
      component(
        'gem',
        'acme-auth',
        '2.0.0.pre.1',
        'pkg:gem/acme-auth@2.0.0.pre.1?repository_url=https://gems.acme.example/private/',
        lockfile,
      ),
      component('gem', 'connection_pool', '2.4.1', 'pkg:gem/connection_pool@2.4.1', lockfile),
      component('gem', 'redis-client', '0.22.2', 'pkg:gem/redis-client@0.22.2', lockfile),
      component('gem', 'sidekiq', '7.3.0', 'pkg:gem/sidekiq@7.3.0', lockfile),
    ])
  })
})

describe('mix.lock', () => {
  it('Hex packages with the outer (tarball) SHA-256; an organisation as namespace; no git dependency', async () => {
    const hex = (name: string, version: string, purl: string, digest?: string) =>
      component('hex', name, version, purl, 'mix.lock', digest ? sha256(digest) : undefined)
    expect((await read('hex')).components).toEqual([
      hex(
        'acme_auth',
        '0.3.1',
        'pkg:hex/acme/acme_auth@0.3.1',
        '3a607ecadabd339c8f09011d1eaaff01e412e3455a13f69871a98a48bb8013db',
      ),
      hex(
        'castore',
        '1.0.8',
        'pkg:hex/castore@1.0.8',
        '91b961c2e206cc2f48ff83e28e3f73871c967c80152c3162a33daf255e8fcb44',
      ),
      hex(
        'decimal',
        '2.1.1',
        'pkg:hex/decimal@2.1.1',
        '131f69f168dc82d59e69209363b810ccb9b54db107875fe32d5763595962580a',
      ),
      hex(
        'jason',
        '1.4.4',
        'pkg:hex/jason@1.4.4',
        '5310a5e5e91bc38ff87fbb74dfffcf91a3f6972c97efb623acfa1d793547b9d3',
      ),
      // Written before Mix 1.10: only the inner checksum, which is not the tarball's.
      hex('plug_crypto', '1.2.5', 'pkg:hex/plug_crypto@1.2.5'),
      hex(
        'telemetry',
        '1.2.1',
        'pkg:hex/telemetry@1.2.1',
        '4054d14d94f2c6e33769e760fb60f2059c89ed20933c63c8dbc719a483b22ba7',
      ),
    ])
  })
})

describe('go.sum and go.mod', () => {
  const GO_BUILD = [
    ['github.com/BurntSushi/toml', 'v1.4.0', 'pkg:golang/github.com/BurntSushi/toml@v1.4.0'],
    // Replaced in go.mod: the fork is what is built.
    ['github.com/acme/errors', 'v0.9.2-acme.1', 'pkg:golang/github.com/acme/errors@v0.9.2-acme.1'],
    [
      'github.com/docker/docker',
      'v26.1.4+incompatible',
      'pkg:golang/github.com/docker/docker@v26.1.4%2Bincompatible',
    ],
    ['github.com/google/uuid', 'v1.6.0', 'pkg:golang/github.com/google/uuid@v1.6.0'],
    ['golang.org/x/text', 'v0.16.0', 'pkg:golang/golang.org/x/text@v0.16.0'],
    ['gopkg.in/yaml.v2', 'v2.4.0', 'pkg:golang/gopkg.in/yaml.v2@v2.4.0'],
  ] as const
  const golang = ([name, version, purl]: readonly [string, string, string]) =>
    component('golang', name, version, purl, 'go.sum')

  it('modules with a full h1: line that go.mod builds with; no checksum (h1: is a dirhash)', async () => {
    const report = await read('go')
    expect(report).toEqual({
      components: GO_BUILD.map(golang),
      lockfiles: ['go.sum'],
      problems: [],
    })
  })

  it('without a go.mod (or before Go 1.17) every full line counts, /go.mod lines never', async () => {
    const older = workspace({
      'go.sum': { fixture: 'go/go.sum' },
      'go.mod': 'module github.com/acme/shop\n\ngo 1.16\n\nrequire github.com/google/uuid v1.6.0\n',
    })
    const alone = workspace({ 'go.sum': { fixture: 'go/go.sum' } })
    const everyFullLine = [
      ...GO_BUILD.slice(0, 1),
      // The fork is in go.sum; github.com/pkg/errors itself never was.
      ...GO_BUILD.slice(1, 4),
      ['golang.org/x/text', 'v0.14.0', 'pkg:golang/golang.org/x/text@v0.14.0'] as const,
      ...GO_BUILD.slice(4),
    ].map(golang)
    expect((await readLockfiles(older)).components).toEqual(everyFullLine)
    expect((await readLockfiles(alone)).components).toEqual(everyFullLine)
  })
})

describe('Cargo.lock', () => {
  it('registry crates with their SHA-256; no workspace member, path or git crate', async () => {
    const lockfile = 'v4/Cargo.lock'
    const crate = (name: string, version: string, purl: string, digest: string) =>
      component('cargo', name, version, purl, lockfile, sha256(digest))
    const { components } = await readLockfiles(join(FIXTURES, 'cargo'), new Set(['v1']))
    expect(components).toEqual([
      crate(
        'acme-metrics',
        '0.2.0',
        'pkg:cargo/acme-metrics@0.2.0?repository_url=https://cargo.acme.example/index/',
        '134d28cb675d5397ad98b4d9b18c72037e686e6dcc4abb4118c018dbe795ba2f',
      ),
      crate(
        'anyhow',
        '1.0.86',
        'pkg:cargo/anyhow@1.0.86',
        '1b7bd81fb805f9180da2169ecdb323677daeacc5ff2eaad8d23f7d04ff7ce252',
      ),
      crate(
        'itoa',
        '1.0.11',
        'pkg:cargo/itoa@1.0.11',
        '1e41703faad98f252d22bdad51453cfe9d4af8c89b06741b50bfc099a1d55eb4',
      ),
      crate(
        'serde',
        '1.0.204',
        'pkg:cargo/serde@1.0.204',
        '4a33fd24bc453682a9f31d5bf43ebebf5de20f6445e21c660be52b34914e4d09',
      ),
      crate(
        'serde_json',
        '1.0.120',
        'pkg:cargo/serde_json@1.0.120',
        '8241dfd2351dc319085dd336f90f5c2150db3bcb5af49297a1ce162c1c7fd1f7',
      ),
    ])
  })

  it('format 1: the checksums from [metadata]', async () => {
    const lockfile = 'Cargo.lock'
    expect((await read('cargo/v1')).components).toEqual([
      component(
        'cargo',
        'cfg-if',
        '0.1.10',
        'pkg:cargo/cfg-if@0.1.10',
        lockfile,
        sha256('1e67f10e5361f4d1a49cfe744c18a526bf3faf608ce3d88ce45ad46f9d4c3719'),
      ),
      component(
        'cargo',
        'libc',
        '0.2.66',
        'pkg:cargo/libc@0.2.66',
        lockfile,
        sha256('1f4e756e4fbf2dbc85ab0fbc37a0c87aa36afd7a2f24aabc08f629c2d9e9e632'),
      ),
    ])
  })
})

describe('Python lockfiles', () => {
  // In several of the fixtures: certifi with an sdist and a wheel, idna with one wheel.
  const certifi = (lockfile: string) =>
    component('pypi', 'certifi', '2024.8.30', 'pkg:pypi/certifi@2024.8.30', lockfile)
  const idna = (lockfile: string) =>
    component(
      'pypi',
      'idna',
      '3.8',
      'pkg:pypi/idna@3.8',
      lockfile,
      sha256('e61745a2642debd4ca6f4f090d085c7a21920466391b75030d911ed903be8a20'),
    )

  it('poetry.lock (Poetry 2): the main group; a checksum only where one file is hashed', async () => {
    const lockfile = 'poetry.lock'
    expect((await read('python/poetry-2')).components).toEqual([
      component(
        'pypi',
        'acme-telemetry',
        '1.4.0',
        'pkg:pypi/acme-telemetry@1.4.0?repository_url=https://pypi.acme.example/simple',
        lockfile,
        sha256('8034f131f27dc1efb477960e3abcfd2964404a7832790958d5e949d01630b0cd'),
      ),
      // An sdist and a wheel: which pip takes depends on the machine.
      certifi(lockfile),
      // In "main" and "dev" both; shop-utils (a directory), pytest and iniconfig (dev) are not.
      component('pypi', 'packaging', '24.1', 'pkg:pypi/packaging@24.1', lockfile),
      component(
        'pypi',
        'zope-interface',
        '7.0.1',
        'pkg:pypi/zope-interface@7.0.1',
        lockfile,
        sha256('2e3bd927597ed60b2cfaa48ee8931f174af052c0d000401d0bd977cda3ddf2d5'),
      ),
    ])
  })

  it('poetry.lock (format 1.1): category "main" only, files from [metadata.files]', async () => {
    const lockfile = 'poetry.lock'
    expect((await read('python/poetry-1')).components).toEqual([
      component('pypi', 'Flask', '2.0.3', 'pkg:pypi/flask@2.0.3', lockfile),
      component(
        'pypi',
        'itsdangerous',
        '2.0.1',
        'pkg:pypi/itsdangerous@2.0.1',
        lockfile,
        sha256('9968af09467f583e841204deacf324ceac00ada469cd8c57449ece63eac03e5d'),
      ),
    ])
  })

  it('requirements.txt: == pins only, names normalised in the purl; requirements-dev.txt is not the product', async () => {
    const report = await read('python/requirements')
    const lockfile = 'requirements.txt'
    expect(report).toEqual({
      components: [
        component('pypi', 'Django', '5.0.7', 'pkg:pypi/django@5.0.7', lockfile),
        component(
          'pypi',
          'flask',
          '3.0.3',
          'pkg:pypi/flask@3.0.3',
          lockfile,
          sha256('e442808b6b47a86be808220a9b26344b6a92e607841b05629c47928c93dd2684'),
        ),
        component(
          'pypi',
          'typing_extensions',
          '4.12.2',
          'pkg:pypi/typing-extensions@4.12.2',
          lockfile,
        ),
        component('pypi', 'zope.interface', '7.0.1', 'pkg:pypi/zope-interface@7.0.1', lockfile),
      ],
      lockfiles: ['requirements-dev.txt', 'requirements.txt'],
      // Ranges, wildcards, URLs and options are not pins: nothing to say about them.
      problems: [],
    })
  })

  it('Pipfile.lock: `default` only; no git or editable entry', async () => {
    const lockfile = 'Pipfile.lock'
    expect((await read('python/pipenv')).components).toEqual([certifi(lockfile), idna(lockfile)])
  })

  it('uv.lock: what the project and its extras reach, through a git package too; not its dev-dependencies', async () => {
    const lockfile = 'uv.lock'
    expect((await read('python/uv')).components).toEqual([
      certifi(lockfile),
      idna(lockfile),
      component('pypi', 'packaging', '24.1', 'pkg:pypi/packaging@24.1', lockfile),
      component('pypi', 'ujson', '5.10.0', 'pkg:pypi/ujson@5.10.0', lockfile),
    ])
  })
})

describe('composer.lock', () => {
  it('`packages` only, vendor/name lowercased in the purl, dist.shasum as SHA-1 where given', async () => {
    const lockfile = 'composer.lock'
    expect((await read('composer')).components).toEqual([
      component(
        'composer',
        'Acme/Payments',
        '2.1.0',
        'pkg:composer/acme/payments@2.1.0',
        lockfile,
        sha1('c4cb01a0a30a79923f2564bdf10fbf11232ca3c7'),
      ),
      component(
        'composer',
        'monolog/monolog',
        '3.7.0',
        'pkg:composer/monolog/monolog@3.7.0',
        lockfile,
      ),
      component('composer', 'psr/log', '3.0.1', 'pkg:composer/psr/log@3.0.1', lockfile),
      component(
        'composer',
        'symfony/console',
        'v7.1.3',
        'pkg:composer/symfony/console@v7.1.3',
        lockfile,
      ),
    ])
  })
})

describe('a lockfile that cannot be read', () => {
  it.each([
    [
      'package-lock.json',
      '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/ms": { "version": "2.1.3" },\n    oops\n  }\n}\n',
      5,
    ],
    ['package-lock.json', '{ "name": "not-a-lockfile" }\n', undefined],
    [
      'npm-shrinkwrap.json',
      '{"lockfileVersion": 3, "packages": {"node_modules/ms": {"version": 2}}}',
      undefined,
    ],
    ['yarn.lock', '# yarn lockfile v1\n\nms@^2.1.1:\n  version "2.1.3"\n\nthis is not yarn\n', 6],
    [
      'yarn.lock',
      '__metadata:\n  version: 8\n\n"ms@npm:2.1.3":\n  version: 2.1.3\n  resolution: [ms@npm:2.1.3\n',
      7,
    ],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\n\npackages:\n\n  ms@2.1.3:\n    resolution: {integrity: sha512-x\n\nsnapshots: {}\n",
      8,
    ],
    ['pnpm-lock.yaml', 'lockfileVersion: 5.4\n\npackages:\n  /ms/2.1.3: {}\n', undefined],
    [
      'bun.lock',
      '{\n  "lockfileVersion": 1,\n  "packages": {\n    "ms": ["ms@2.1.3", "", {}, "sha512-x"],\n    oops\n  }\n}\n',
      5,
    ],
    ['bun.lockb', '\u0000\u0001binary', undefined],
    [
      'Gemfile.lock',
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (3.1.7)\n    puma\n',
      5,
    ],
    ['Gemfile.lock', 'hello\n', 1],
    [
      'mix.lock',
      '%{\n  "jason": {:hex, :jason, "1.4.4", "a", [:mix], [], "hexpm", "b"},\n  "castore": {:hex, :castore, "1.0.8" "c"},\n}\n',
      3,
    ],
    [
      'go.sum',
      'github.com/google/uuid v1.6.0 h1:/wPMHsUaUBuewHKoMC94GeGxxUNarGcrmrZ9eNCnCsk=\ngithub.com/google/uuid v1.6.0\n',
      2,
    ],
    [
      'Cargo.lock',
      'version = 4\n\n[[package]]\nname = "serde"\nversion = "1.0.204"\nsource = "registry+https://github.com/rust-lang/crates.io-index\n',
      6,
    ],
    [
      'poetry.lock',
      '[[package]]\nname = "certifi"\nversion = "2024.8.30"\nfiles = [\n    {file = "certifi-2024.8.30.tar.gz", hash = },\n]\n',
      5,
    ],
    ['Pipfile.lock', '{\n    "default": {\n        "idna": {"version": "==3.8"},\n    }\n}\n', 4],
    ['uv.lock', 'version = 1\n\n[[package]]\nname = "idna"\nversion = = "3.8"\n', 5],
    [
      'composer.lock',
      '{\n    "packages": [\n        {"name": "psr/log", "version": "3.0.1"}\n        {"name": "monolog/monolog"}\n    ]\n}\n',
      4,
    ],
  ])('%s (%#): a problem, at line %s, and nothing from it', async (name, text, line) => {
    const root = workspace({ [`app/${name}`]: text })
    const report = await readLockfiles(root)
    expect(report.components).toEqual([])
    expect(report.lockfiles).toEqual([`app/${name}`])
    expect(report.problems).toEqual([
      { lockfile: `app/${name}`, ...(line && { line }), message: expect.any(String) },
    ])
  })

  it('a go.mod that cannot be read is a problem of its own, and go.sum gives nothing', async () => {
    const root = workspace({
      'go.sum': { fixture: 'go/go.sum' },
      'go.mod':
        'module github.com/acme/shop\n\ngo 1.22\n\nrequire (\n\tgithub.com/google/uuid\n)\n',
    })
    expect(await readLockfiles(root)).toEqual({
      components: [],
      lockfiles: ['go.sum'],
      problems: [{ lockfile: 'go.mod', line: 6, message: expect.stringMatching(/require/) }],
    })
  })

  it('says what is wrong and where, and the other lockfiles are read all the same', async () => {
    const root = workspace({
      'Cargo.lock': 'version = 4\n[[package]\n',
      'web/package-lock.json': { fixture: 'npm/shrinkwrap/npm-shrinkwrap.json' },
    })
    const report = await readLockfiles(root)
    expect(report.problems).toEqual([
      { lockfile: 'Cargo.lock', line: 2, message: expect.stringMatching(/^not TOML: /) },
    ])
    expect(report.components.map((c) => c.purl)).toEqual([
      'pkg:npm/%40isaacs/string-locale-compare@1.1.0',
      'pkg:npm/ms@2.1.3',
    ])
  })
})

describe('several lockfiles', () => {
  it('one component per purl, from the first lockfile by path', async () => {
    const root = workspace({
      'a/package-lock.json': { fixture: 'npm/v3/package-lock.json' },
      'b/pnpm-lock.yaml': { fixture: 'pnpm/v9/pnpm-lock.yaml' },
      'c/bun.lock': { fixture: 'bun/bun.lock' },
    })
    expect(await readLockfiles(root)).toEqual({
      components: npmProduct('a/package-lock.json'),
      lockfiles: ['a/package-lock.json', 'b/pnpm-lock.yaml', 'c/bun.lock'],
      problems: [],
    })
  })

  it("a digest that one lockfile lacks comes from another (yarn berry's from yarn 1's)", async () => {
    expect((await read('yarn')).components).toEqual(npmProduct('berry/yarn.lock'))
  })

  it('two different digests of one algorithm for one purl: the first is kept, and it is a problem', async () => {
    const lock = (integrity: string) =>
      JSON.stringify({
        lockfileVersion: 3,
        packages: { '': {}, 'node_modules/ms': { version: '2.1.3', integrity } },
      })
    const root = workspace({
      'a/package-lock.json': lock(`sha1-${Buffer.alloc(20, 1).toString('base64')}`),
      'b/package-lock.json': lock(`sha1-${Buffer.alloc(20, 2).toString('base64')}`),
    })
    const report = await readLockfiles(root)
    expect(report.components).toEqual([
      component(
        'npm',
        'ms',
        '2.1.3',
        'pkg:npm/ms@2.1.3',
        'a/package-lock.json',
        sha1('01'.repeat(20)),
      ),
    ])
    expect(report.problems).toEqual([
      { lockfile: 'b/package-lock.json', message: expect.stringContaining('a/package-lock.json') },
    ])
  })
})

describe('the lockfile walk', () => {
  it('finds every kind in the tree, but not in git, PAKman or install directories, or the paths skipped', async () => {
    const root = workspace({
      'package-lock.json': '{}',
      'api/go.sum': '',
      'api/go.mod': '',
      'assets/yarn.lock': '',
      'ml/requirements-prod.txt': '',
      'ml/requirements.in': '',
      'docs/requirements.md': '',
      constructor: '',
      '.git/yarn.lock': '',
      'node_modules/dep/package-lock.json': '',
      'assets/node_modules/dep/yarn.lock': '',
      '.apk/octo/app/mix.lock': '',
      '.pakman/Cargo.lock': '',
      'deps/phoenix/mix.lock': '',
      'vendor/bundle/ruby/3.3.0/gems/rack-3.0.8/Gemfile.lock': '',
      '_build/prod/lib/app/mix.lock': '',
      '.venv/lib/poetry.lock': '',
      'venv/requirements.txt': '',
      'target/release/Cargo.lock': '',
      'kept/phoenix/mix.lock': '',
    })
    const found = [
      'api/go.sum',
      'assets/yarn.lock',
      'ml/requirements-prod.txt',
      'package-lock.json',
    ]
    expect(await findLockfiles(root, new Set(['kept']))).toEqual(found)
    expect((await readLockfiles(root, new Set(['kept']))).lockfiles).toEqual(found)
    expect(await findLockfiles(root)).toEqual([
      ...found.slice(0, 2),
      'kept/phoenix/mix.lock',
      ...found.slice(2),
    ])
  })
})

describe('package URLs', () => {
  it.each([
    [
      { type: 'npm', name: '@angular/animation', version: '12.3.1' },
      'pkg:npm/%40angular/animation@12.3.1',
    ],
    [
      { type: 'pypi', name: 'Zope.Interface__Extra', version: '1.0' },
      'pkg:pypi/zope-interface-extra@1.0',
    ],
    [
      {
        type: 'golang',
        name: 'github.com/Azure/go-autorest/autorest',
        version: 'v0.11.29+incompatible',
      },
      'pkg:golang/github.com/Azure/go-autorest/autorest@v0.11.29%2Bincompatible',
    ],
    [
      { type: 'composer', name: 'Acme/Payments', version: 'v2.1.0' },
      'pkg:composer/acme/payments@v2.1.0',
    ],
    [
      { type: 'hex', namespace: 'Acme', name: 'Acme_Auth', version: '0.3.1' },
      'pkg:hex/acme/acme_auth@0.3.1',
    ],
    [{ type: 'gem', name: 'rails', version: '8.0.0 beta@1' }, 'pkg:gem/rails@8.0.0%20beta%401'],
    [
      {
        type: 'gem',
        name: 'nokogiri',
        version: '1.16.7',
        qualifiers: {
          repository_url: 'https://gems.example/a b',
          platform: 'x86_64-linux',
          empty: '',
        },
      },
      'pkg:gem/nokogiri@1.16.7?platform=x86_64-linux&repository_url=https://gems.example/a%20b',
    ],
    [
      {
        type: 'apk',
        namespace: 'Octo',
        name: 'Shop',
        version: '1.0.0-r1',
        qualifiers: { arch: 'x86_64' },
      },
      'pkg:apk/octo/shop@1.0.0-r1?arch=x86_64',
    ],
    [{ type: 'cargo', name: "it's(*)!", version: '1' }, 'pkg:cargo/it%27s%28%2A%29%21@1'],
  ])('%j → %s', (parts, purl) => {
    expect(packageUrl(parts)).toBe(purl)
  })
})
