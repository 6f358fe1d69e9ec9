import { execFileSync } from 'node:child_process'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  readIndex,
  readPackage,
  trustedKeys,
  verifyIndex,
  verifyPackage,
} from '../../src/apk/index.js'
import { build } from '../../src/pipeline/index.js'
import { writeSubjectChecksums } from '../../src/publish/index.js'
import { makeWorkspace } from '../fixtures/workspace.js'
import {
  builtPublicKey,
  dockerAvailable,
  pakmanBuild,
  realApkInstall,
  realApkVerify,
  TEST_STACKS,
  testImage,
} from '../helpers/docker.js'
import { recordingReporter } from '../helpers/reporter.js'
import { scratchDirs } from '../helpers/scratch.js'
import {
  OTHER_KEY,
  PAKMAN_KEY,
  VECTORS,
  vectorKey,
  verdictsPackage,
  withSignatures,
  type TestSignature,
} from '../helpers/signatures.js'

/*
 * signature: rsa256 and both through real builds (the stand-in abuild signs RSA, as abuild 3.11-3.13
 * do; PAKman re-signs), then the real apk-tools of every stack's rootfs (3.18.9, 3.19.4, 3.20.3,
 * edge): `apk verify` on every package and index, `apk add` from the repository and as files.
 * Re-signing changes nothing after the signatures: the same commit and key built rsa gives the
 * same control and data bytes. And packages and indexes with several signatures, in any order,
 * get the same verdict from pakman verify as from each real apk.
 */
const docker = dockerAvailable()
const { temp, keep } = scratchDirs()
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const PACKAGES = ['app-1.4.0-r3.apk', 'app-openrc-1.4.0-r3.apk']

describe.runIf(docker)('signature rsa256 and both, built and checked with the real apk', () => {
  let image: string
  let workspace: string
  let keyFile: string
  let privateKey: string
  const out: Record<'rsa' | 'rsa256' | 'both', string> = { rsa: '', rsa256: '', both: '' }
  let cliStderr: Record<'rsa' | 'both', string>
  let inProcess: { result: Awaited<ReturnType<typeof build>>; lines: string[] }
  const cliBuild = async (signature: 'rsa' | 'both') => {
    const packages = temp('pakman-out-')
    const ran = await pakmanBuild(
      workspace,
      image,
      [
        ...['--packages-dir', packages, '--no-build-cache', '--signing-key', keyFile],
        ...['--pkgver', '1.4.0', '--build', '3', '--signature', signature],
      ],
      { XDG_CACHE_HOME: temp('pakman-cache-') },
    )
    expect(ran.code, ran.stderr).toBe(0)
    // the install test: the real apk of the build's stack installed the re-signed packages
    expect(ran.stderr).toContain('installed app=1.4.0-r3')
    return { packages, stderr: ran.stderr }
  }
  // Every test reads these three builds (out.*), so they are made here: any test runs alone.
  beforeAll(async () => {
    image = testImage()
    workspace = keep(makeWorkspace())
    privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    keyFile = join(temp('pakman-key-'), 'octo.rsa')
    writeFileSync(keyFile, privateKey)
    const rsa = await cliBuild('rsa')
    const both = await cliBuild('both')
    cliStderr = { rsa: rsa.stderr, both: both.stderr }
    out.rsa = rsa.packages
    out.both = both.packages
    out.rsa256 = temp('pakman-out-')
    const reporter = recordingReporter()
    const result = await build(
      {
        workspace,
        configFile: join(workspace, 'instellar.yml'),
        repository: 'octo/app',
        version: '1.4.0',
        buildNumber: '3',
        image,
        packagesDir: out.rsa256,
        signingKey: privateKey,
        keyParent: temp('pakman-keys-'),
        installTest: true,
        signature: 'rsa256',
      },
      reporter,
    )
    inProcess = { result, lines: reporter.lines }
  }, 360_000)

  it('rsa (the default) and both, with the CLI: both re-signs, rsa leaves abuild alone', () => {
    expect(cliStderr.rsa).not.toMatch(/\bSign \d|\.SIGN\.RSA256/)
    expect(cliStderr.both).toContain('app-1.4.0-r3.apk: .SIGN.RSA256 + .SIGN.RSA')
    expect(cliStderr.both).toMatch(/==> Done .*Sign \d/)
  })

  it('rsa256 in-process: the files, their sizes and digests, and subject-checksums are the final bytes', async () => {
    const { result, lines } = inProcess
    expect(result.signature).toBe('rsa256')
    expect(result.phases.map((p) => p.name)).toEqual(
      expect.arrayContaining(['Collect packages', 'Sign', 'Verify']),
    )
    // every size and digest that goes on (outputs, release assets, attestations) is the file's now
    for (const file of result.files) {
      const bytes = readFileSync(file.path)
      expect({ file: file.relativePath, size: file.size, sha256: file.sha256 }).toEqual({
        file: file.relativePath,
        size: bytes.length,
        sha256: sha256(bytes),
      })
    }
    // and they differ from what abuild wrote, the sizes the collect phase listed
    const relativePath = `octo/x86_64/${PACKAGES[0]}`
    const listed = lines.filter((l) => l.startsWith(`${relativePath} `) && l.endsWith(' bytes'))
    const final = result.files.find((f) => f.relativePath === relativePath)!
    expect(listed).toHaveLength(1)
    expect(listed[0]).not.toBe(`${relativePath} ${final.size} bytes`)
    const subjects = await writeSubjectChecksums(result.files, temp('pakman-subjects-'), 'octo')
    const checked = execFileSync('sha256sum', ['-c', subjects], {
      cwd: join(out.rsa256, 'octo/x86_64'),
      encoding: 'utf8',
    })
    expect(checked.split('\n').filter(Boolean)).toHaveLength(4) // two packages, two SBOMs
  })

  it('re-signing keeps every byte after the signatures, and the index but for S:', () => {
    for (const choice of ['rsa256', 'both'] as const) {
      const dir = join(out[choice], 'octo/x86_64')
      const rsaDir = join(out.rsa, 'octo/x86_64')
      for (const name of PACKAGES) {
        const [rsa, resigned] = [rsaDir, dir].map((d) => readPackage(readFileSync(join(d, name))))
        expect(resigned!.signatures.map((s) => s.algorithm)).toEqual(
          choice === 'both' ? ['RSA256', 'RSA'] : ['RSA256'],
        )
        expect(rsa!.signatures.map((s) => s.algorithm)).toEqual(['RSA'])
        const rest = (pkg: typeof rsa) => Buffer.concat(pkg!.members.slice(1).map((m) => m.raw))
        expect(rest(resigned).equals(rest(rsa)), `${choice} ${name}`).toBe(true)
      }
      const entries = (d: string) =>
        readIndex(readFileSync(join(d, 'APKINDEX.tar.gz'))).entries.map((e) =>
          e.fields.filter(([letter]) => letter !== 'S'),
        )
      expect(entries(dir)).toEqual(entries(rsaDir))
      // the SBOMs beside the packages are the same documents
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.spdx.json')))
        expect(readFileSync(join(dir, name))).toEqual(readFileSync(join(rsaDir, name)))
    }
  })

  for (const stack of TEST_STACKS) {
    it(`Alpine ${stack}: apk verify, apk add from the repository and as files`, () => {
      const stackImage = testImage({ stack })
      for (const choice of ['rsa256', 'both'] as const) {
        const packages = out[choice]
        const key = builtPublicKey(packages)
        const verified = realApkVerify(stackImage, packages, key)
        expect(verified.lines, `${stack} ${choice}`).toEqual([
          'octo/x86_64/APKINDEX.tar.gz: 0 - OK',
          'octo/x86_64/app-1.4.0-r3.apk: 0 - OK',
          'octo/x86_64/app-openrc-1.4.0-r3.apk: 0 - OK',
        ])
        const installed = realApkInstall(
          stackImage,
          packages,
          key,
          'octo',
          'app=1.4.0-r3',
          'apk info -e app app-openrc && apk del -q app app-openrc && ' +
            'apk add --no-network /repo/octo/x86_64/app-1.4.0-r3.apk /repo/octo/x86_64/app-openrc-1.4.0-r3.apk && ' +
            'apk info -e app app-openrc',
        )
        expect(installed.code, `${stack} ${choice}:\n${installed.output}`).toBe(0)
        expect(installed.output.match(/^app$/gm)).toHaveLength(2)
      }
    })
  }
})

describe.runIf(docker)(
  'several signatures in any order: pakman verify agrees with each apk',
  () => {
    const trust = { name: PAKMAN_KEY, file: join(VECTORS, 'keys', PAKMAN_KEY) }
    const keys = trustedKeys([[PAKMAN_KEY, vectorKey(PAKMAN_KEY)]])
    const sig = (type: string, good = true, keyFile = PAKMAN_KEY): TestSignature => ({
      type,
      keyFile,
      good,
    })
    const variants: [string, TestSignature[], ('one member' | 'a member each')?][] = [
      ['rsa256-rsa', [sig('RSA256'), sig('RSA')]],
      ['rsa-rsa256', [sig('RSA'), sig('RSA256')]],
      ['rsa256-bad-rsa', [sig('RSA256', false), sig('RSA')]],
      ['rsa256-rsa-bad', [sig('RSA256'), sig('RSA', false)]],
      ['rsa-bad-rsa256', [sig('RSA', false), sig('RSA256')]],
      ['other-bad-rsa256', [sig('RSA', false, OTHER_KEY), sig('RSA256')]],
      ['ed25519-rsa256', [sig('ED25519', false), sig('RSA256')]],
      ['ed25519-rsa-bad', [sig('ED25519'), sig('RSA', false)]],
      ['dsa-only', [sig('DSA')]],
      ['rsa512', [sig('RSA512')]],
      ['members-rsa256-rsa', [sig('RSA256'), sig('RSA')], 'a member each'],
      ['members-rsa256-bad-rsa', [sig('RSA256', false), sig('RSA')], 'a member each'],
    ]
    let dir: string
    const pakman = new Map<string, boolean>()
    beforeAll(() => {
      dir = temp('pakman-several-')
      const notes = readFileSync(join(VECTORS, 'good/noarch/x86_64/vector-notes-1.0-r0.apk'))
      const index = readFileSync(join(VECTORS, 'good/noarch/x86_64/APKINDEX.tar.gz'))
      const write = (path: string, bytes: Buffer, ok: boolean) => {
        mkdirSync(join(dir, path, '..'), { recursive: true })
        writeFileSync(join(dir, path), bytes)
        pakman.set(path, ok)
      }
      for (const [name, signatures, layout] of variants) {
        const pkg = withSignatures(notes, signatures, layout)
        write(`${name}.apk`, pkg, verifyPackage(pkg, keys).verdict === 'OK')
        const idx = withSignatures(index, signatures, layout)
        write(`index-${name}/APKINDEX.tar.gz`, idx, verifyIndex(idx, keys).verdict === 'OK')
      }
      for (const name of [
        'dual-otherrsa-ok-rsa256-ok',
        'dual-rsa256-ok-rsa-bad',
        'unknown-type-then-rsa-ok',
      ]) {
        const pkg = verdictsPackage(name)
        write(`${name}.apk`, pkg, verifyPackage(pkg, keys).verdict === 'OK')
      }
    })

    for (const stack of TEST_STACKS) {
      it(`Alpine ${stack}`, () => {
        const verified = realApkVerify(testImage({ stack }), dir, trust)
        const apk = new Map(
          verified.lines.map((line) => {
            const [path, verdict] = line.split(': ')
            return [path!, verdict === '0 - OK'] as const
          }),
        )
        expect([...apk.keys()].sort()).toEqual([...pakman.keys()].sort())
        expect(Object.fromEntries(apk)).toEqual(Object.fromEntries(pakman))
        // the rule, as apk applied it: a bad first trusted signature is never rescued
        expect(apk.get('rsa256-bad-rsa.apk')).toBe(false)
        expect(apk.get('rsa256-rsa-bad.apk')).toBe(true)
        expect(apk.get('ed25519-rsa256.apk')).toBe(true)
        expect(apk.get('dsa-only.apk')).toBe(false)
        expect(apk.get('index-rsa-rsa256/APKINDEX.tar.gz')).toBe(true)
      })
    }
  },
)
