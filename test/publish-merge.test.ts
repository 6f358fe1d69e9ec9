import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkPaths, readIndex, trustedKeys } from '../src/apk/index.js'
import {
  downloadBuildArtifacts,
  mergeKeyName,
  mergeRepositories,
  mergeSignature,
  publish,
  type Manifest,
  type RepositoryMergeOptions,
} from '../src/publish/index.js'
import {
  readPrivateKey,
  resignFiles,
  signatureTypes,
  type SignatureChoice,
} from '../src/signing/index.js'
import { verifyRepository } from '../src/verify/index.js'
import { useFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'
import { recordingReporter } from './helpers/reporter.js'
import {
  VECTORS,
  VECTOR_KEY_NAME,
  vectorJob,
  vectorSigningKey,
} from './helpers/vector-repository.js'

/*
 * Merge mode over three build jobs' artifacts, made of packages the real abuild signed with the
 * vectors' pakman-test key: uploaded and downloaded with the real @actions/artifact client against
 * the loopback server, then merged into one repository with an index per directory.
 */
const KEY_NAME = VECTOR_KEY_NAME
const privateKey = vectorSigningKey()
const fake = useFakeGitHub('pakman-merge-test-')
const root = fake.root
let github: FakeGitHub
beforeAll(() => {
  github = fake.server()
})

/** A build job's output: vector packages under <repo>/<arch>/, as abuild lays them out. */
const job = (stack: string, arch: string, packages: string[]) =>
  vectorJob(root, stack, arch, packages)

/** mergeRepositories into a new output directory, signed with the vectors' key unless told. */
const mergeInto = (dirs: string[], options: Partial<RepositoryMergeOptions> = {}) =>
  mergeRepositories(dirs, {
    outputDir: mkdtempSync(join(root, 'out-')),
    signingKey: privateKey,
    mtime: 0,
    reporter: recordingReporter(),
    ...options,
  })

describe('merge mode', () => {
  it('merges three jobs into <stack>/<repo>/<arch>/ with a signed index each', async () => {
    const acme = [
      'good/acme/x86_64/hello-app-1.0.3-r17.apk',
      'good/acme/x86_64/hello-app-openrc-1.0.3-r17.apk',
    ]
    await publish(job('alpine/3.19', 'x86_64', acme), { artifact: true }, recordingReporter())
    await publish(job('alpine/3.20', 'x86_64', acme), { artifact: true }, recordingReporter())
    await publish(
      job('alpine/3.20', 'aarch64', ['good/noarch/x86_64/vector-notes-1.0-r0.apk']),
      { artifact: true },
      recordingReporter(),
    )
    expect(github.artifacts.map((a) => a.name).sort()).toEqual([
      'hello-app-alpine-3.19-x86_64',
      'hello-app-alpine-3.20-aarch64',
      'hello-app-alpine-3.20-x86_64',
    ])

    const reporter = recordingReporter()
    const downloaded = await downloadBuildArtifacts(reporter)
    const out = mkdtempSync(join(root, 'merged-'))
    const merged = await mergeRepositories(downloaded.dirs, {
      outputDir: out,
      signingKey: privateKey,
      keyName: KEY_NAME,
      mtime: 1735689600,
      reporter,
    })
    await downloaded.cleanup()

    expect(merged.directories).toEqual([
      'alpine/3.19/acme/x86_64',
      'alpine/3.20/acme/aarch64',
      'alpine/3.20/acme/x86_64',
    ])
    expect(merged.packages).toBe(5)
    const index = readIndex(readFileSync(join(out, 'alpine/3.20/acme/aarch64/APKINDEX.tar.gz')))
    expect(index.entries.map((e) => [e.name, e.arch])).toEqual([['vector-notes', 'aarch64']])
    expect(readdirSync(join(out, 'alpine/3.19/acme/x86_64')).sort()).toEqual([
      'APKINDEX.tar.gz',
      'hello-app-1.0.3-r17.apk',
      'hello-app-openrc-1.0.3-r17.apk',
    ])
    // The whole tree verifies with the key, and every index lists exactly its directory.
    const keys = trustedKeys([[`${KEY_NAME}.rsa.pub`, readFileSync(merged.publicKeyFile, 'utf8')]])
    const checks = await checkPaths([out], keys)
    expect(checks.filter((c) => c.verdict !== 'OK')).toEqual([])
    expect(checks).toHaveLength(8)
  }, 30_000)

  it('refuses a package signed by a different key', async () => {
    const dir = mkdtempSync(join(root, 'other-'))
    mkdirSync(join(dir, 'acme/x86_64'), { recursive: true })
    copyFileSync(
      join(VECTORS, 'bad/signed-by-other-key.apk'),
      join(dir, 'acme/x86_64/vector-notes-1.0-r0.apk'),
    )
    writeFileSync(
      join(dir, 'pakman.json'),
      JSON.stringify({
        package: 'vector-notes',
        version: '1.0',
        release: 0,
        stack: 'alpine/3.20',
        arch: 'x86_64',
        keyName: KEY_NAME,
      }),
    )
    await expect(mergeInto([dir], { keyName: KEY_NAME })).rejects.toThrow(
      `alpine/3.20 x86_64 vector-notes-1.0-r0.apk: UNTRUSTED with ${KEY_NAME}.rsa.pub (signed by other-test@example.invalid-6b08b420.rsa.pub, which is not trusted); merge only packages signed with the same key`,
    )
  })
})

describe('merge with a signature choice', () => {
  /** A build job's directory as downloaded: vector packages re-signed `signature`, pakman.json. */
  async function resignedJob(stack: string, signature: SignatureChoice) {
    const dir = mkdtempSync(join(root, 'signed-job-'))
    mkdirSync(join(dir, 'acme/x86_64'), { recursive: true })
    const files = ['hello-app-1.0.3-r17.apk', 'hello-app-openrc-1.0.3-r17.apk'].map((name) => {
      const path = join(dir, 'acme/x86_64', name)
      copyFileSync(join(VECTORS, 'good/acme/x86_64', name), path)
      return { path, kind: 'package', size: statSync(path).size }
    })
    if (signature !== 'rsa')
      await resignFiles({
        files,
        key: readPrivateKey(privateKey),
        keyFile: `${KEY_NAME}.rsa.pub`,
        choice: signature,
        reporter: recordingReporter(),
      })
    const manifest: Manifest = {
      ...{ package: 'hello-app', version: '1.0.3', release: 17, stack, arch: 'x86_64' },
      ...{ keyName: KEY_NAME, signature },
    }
    writeFileSync(join(dir, 'pakman.json'), JSON.stringify(manifest))
    return dir
  }
  const merge = (dirs: string[]) => mergeInto(dirs, { mtime: 1735689600 })

  it.each(['rsa256', 'both'] as const)(
    '%s: the merged indexes are signed as the build jobs signed, and the repository verifies so',
    async (signature) => {
      const dirs = [
        await resignedJob('alpine/3.19', signature),
        await resignedJob('alpine/3.20', signature),
      ]
      const merged = await merge(dirs)
      expect(merged.signature).toBe(signature)
      const repo = dirname(merged.publicKeyFile)
      const index = readIndex(readFileSync(join(repo, 'alpine/3.20/acme/x86_64/APKINDEX.tar.gz')))
      expect(index.signatures.map((s) => s.entry)).toEqual(
        signatureTypes(signature).map((t) => `.SIGN.${t}.${KEY_NAME}.rsa.pub`),
      )
      const key = { name: KEY_NAME, pem: readFileSync(merged.publicKeyFile, 'utf8') }
      expect((await verifyRepository(repo, key, 'merged', { signature })).size).toBe(6)
      // the same repository does not pass for the other choice: the check reads the signatures
      const other = signature === 'both' ? 'rsa256' : 'both'
      await expect(verifyRepository(repo, key, 'merged', { signature: other })).rejects.toThrow(
        `signature ${other} wants`,
      )
    },
  )

  it('refuses build jobs that signed differently, and takes rsa where pakman.json says nothing', async () => {
    await expect(
      merge([await resignedJob('alpine/3.19', 'rsa'), await resignedJob('alpine/3.20', 'both')]),
    ).rejects.toThrow(
      'the build jobs signed with different signature choices (rsa, both in their pakman.json); give every build job the same signature input',
    )
    expect(mergeSignature([{ keyName: KEY_NAME } as Manifest])).toBe('rsa')
    const unknown = await resignedJob('alpine/3.20', 'rsa')
    const manifest = JSON.parse(readFileSync(join(unknown, 'pakman.json'), 'utf8')) as Manifest
    writeFileSync(
      join(unknown, 'pakman.json'),
      JSON.stringify({ ...manifest, signature: 'ed25519' }),
    )
    await expect(merge([unknown])).rejects.toThrow(
      'pakman.json signature is "ed25519": expected one of rsa, rsa256, both',
    )
  })

  it('refuses a signature input other than the build jobs signed with; takes the same one', async () => {
    const jobs = [await resignedJob('alpine/3.20', 'rsa256')]
    await expect(mergeInto(jobs, { signature: 'rsa' })).rejects.toThrow(
      'signature is rsa, but the build jobs signed rsa256 (pakman.json); drop the input or give them the same choice',
    )
    expect((await mergeInto(jobs, { signature: 'rsa256' })).signature).toBe('rsa256')
    expect(mergeSignature([{ keyName: KEY_NAME } as Manifest], 'rsa')).toBe('rsa')
    expect(() => mergeSignature([{ keyName: KEY_NAME } as Manifest], 'both')).toThrow(
      'signature is both, but the build jobs signed rsa',
    )
  })
})

describe('the action in merge mode (node dist/index.js)', () => {
  /** The action in merge mode with the build jobs' key, as a job of this run on the fake server. */
  const runMerge = async (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) => {
    const { runAction } = await import('./helpers/action.js')
    return runAction(
      { mode: 'merge', 'signing-key': privateKey, ...inputs },
      { ...github.env, GITHUB_WORKSPACE: root, RUNNER_TEMP: root, ...env },
    )
  }

  // Uses the three build artifacts the first describe uploaded to the same server.
  it('downloads the build artifacts, merges, verifies and publishes one repository', async () => {
    const out = mkdtempSync(join(root, 'action-merged-'))
    const ran = await runMerge(
      {
        'signing-key-name': KEY_NAME,
        'packages-dir': out,
        upload: 'artifact,release',
        'release-tag': 'v1.0.3',
        'github-token': 'test-token',
      },
      { GITHUB_REPOSITORY: 'acme/hello-app' },
    )
    expect(ran.code).toBe(0)
    expect(ran.outputs).toMatchObject({
      'packages-dir': out,
      'key-name': KEY_NAME,
      'artifact-name': 'hello-app-repository',
      // The fake answers for the repository asked about: GITHUB_REPOSITORY's.
      'release-url': `${github.url}/acme/hello-app/releases/tag/v1.0.3`,
    })
    for (const group of ['Download build artifacts', 'Merge', 'Verify', 'Publish'])
      expect(ran.stdout).toContain(`::group::${group}\n`)
    expect(ran.stdout).toContain('5 packages in 3 directories verify')
    const release = github.releases.find(
      (r) => r.repo === 'acme/hello-app' && r.tag_name === 'v1.0.3',
    )!
    expect(release.draft).toBe(false)
    expect(release.assets.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'alpine-3.19-x86_64-APKINDEX.tar.gz',
        'alpine-3.20-aarch64-vector-notes-1.0-r0.apk',
        `${KEY_NAME}.rsa.pub`,
      ]),
    )
    expect(ran.summary).toContain('<h2>PAKman: one repository from 3 build jobs</h2>')
  }, 60_000)

  it('takes the key name from the build jobs, not from the repository running the merge', async () => {
    const ran = await runMerge(
      { 'packages-dir': mkdtempSync(join(root, 'named-')), upload: 'none' },
      // a fork or another repository running the merge: its name is not the key's
      { GITHUB_REPOSITORY: 'fork/other' },
    )
    expect(ran.code, ran.stdout).toBe(0)
    expect(ran.outputs['key-name']).toBe(KEY_NAME)
  }, 60_000)

  it('refuses a signing-key-name that contradicts the build jobs or is a path', async () => {
    for (const [name, message] of [
      [
        'acme-hello-app',
        `::error::signing-key-name is acme-hello-app, but the build jobs signed as ${KEY_NAME} (pakman.json)`,
      ],
      ['../x', '::error::signing key name "../x" may hold letters, digits and @ . _ + - only'],
    ] as const) {
      const out = mkdtempSync(join(root, 'bad-name-'))
      const ran = await runMerge({ 'signing-key-name': name, 'packages-dir': out, upload: 'none' })
      expect(ran.code).toBe(1)
      expect(ran.stdout).toContain(message)
      expect(readdirSync(root).some((f) => f === 'x.rsa.pub')).toBe(false)
    }
  }, 60_000)

  it('refuses a signature input the build jobs did not sign with, and writes no repository', async () => {
    const out = mkdtempSync(join(root, 'bad-signature-'))
    const ran = await runMerge({ signature: 'rsa256', 'packages-dir': out, upload: 'none' })
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      '::error::signature is rsa256, but the build jobs signed rsa (pakman.json); drop the input or give them the same choice',
    )
    // only the marker that claims the directory for PAKman
    expect(readdirSync(out)).toEqual(['.pakman-output'])
  }, 60_000)

  it('refuses to merge without the signing key', async () => {
    const { runAction } = await import('./helpers/action.js')
    const ran = await runAction(
      { mode: 'merge', 'packages-dir': mkdtempSync(join(root, 'x-')) },
      { ...github.env, GITHUB_WORKSPACE: root, GITHUB_REPOSITORY: 'acme/hello-app' },
    )
    expect(ran.code).toBe(1)
    expect(ran.stdout).toContain(
      '::error::merge needs signing-key: the key the build jobs signed with, which also signs the merged indexes',
    )
  })
})

describe('merge input checks', () => {
  const manifest = (keyName: string): Manifest => ({
    package: 'app',
    version: '1',
    release: 0,
    stack: 'alpine/3.20',
    arch: 'x86_64',
    keyName,
  })

  it('signs as the build jobs did; the inputs only where they name no key', () => {
    expect(mergeKeyName([manifest('a'), manifest('a')], { defaultKeyName: 'b' })).toBe('a')
    expect(mergeKeyName([manifest('a')], { keyName: 'a' })).toBe('a')
    // older artifacts without a key name: the input, then the repository input's default name
    expect(mergeKeyName([manifest('')], { keyName: 'k', defaultKeyName: 'd' })).toBe('k')
    expect(mergeKeyName([manifest('')], { defaultKeyName: 'acme-hello-app' })).toBe(
      'acme-hello-app',
    )
    expect(() => mergeKeyName([manifest('a'), manifest('b')], {})).toThrow(
      'the build jobs signed with different keys (a, b in their pakman.json); merge only builds signed with one key',
    )
    expect(() => mergeKeyName([manifest('')], {})).toThrow(/merge needs signing-key-name/)
    // a name from an artifact's pakman.json becomes a file name too
    expect(() => mergeKeyName([manifest('../k')], {})).toThrow(
      'signing key name "../k" may hold letters',
    )
  })

  it('parses the key as a build does: RSA only, and a name that is no path', async () => {
    const ec = (await import('node:crypto'))
      .generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    await expect(mergeInto([], { signingKey: ec, keyName: KEY_NAME })).rejects.toThrow(
      'the signing key is ec; abuild signs with RSA keys only',
    )
    await expect(mergeInto([], { keyName: '../x' })).rejects.toThrow(
      'signing key name "../x" may hold letters',
    )
  })

  it('refuses a manifest whose stack would leave the output directory', async () => {
    const dir = mkdtempSync(join(root, 'evil-'))
    writeFileSync(
      join(dir, 'pakman.json'),
      JSON.stringify({
        package: 'x',
        version: '1',
        release: 0,
        stack: '../../etc',
        arch: 'x86_64',
        keyName: KEY_NAME,
      }),
    )
    await expect(mergeInto([dir], { keyName: KEY_NAME })).rejects.toThrow(
      /pakman\.json in evil-\w+ names an unusable stack or arch: "\.\.\/\.\.\/etc"/,
    )
  })
})
