import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GitHubReleaser, publish, type Built } from '../src/publish/index.js'
import { useFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'
import { recordingReporter } from './helpers/reporter.js'

/*
 * Publishing with the real @actions/artifact and @actions/github clients against the loopback
 * server: upload, re-run, existing release and asset, a 500 that recovers, a 500 that does not.
 */
const fake = useFakeGitHub('pakman-publish-')
const root = fake.root
let github: FakeGitHub
beforeAll(() => {
  github = fake.server()
})
beforeEach(() => {
  github.reset()
})

function built(stack = 'alpine/3.20', arch = 'x86_64'): Built {
  const dir = mkdtempSync(join(root, 'packages-'))
  mkdirSync(join(dir, `octo/${arch}`), { recursive: true })
  const file = (rel: string, text: string) => {
    writeFileSync(join(dir, rel), text)
    return { relativePath: rel, path: join(dir, rel) }
  }
  const files = [
    file(`octo/${arch}/APKINDEX.tar.gz`, 'index'),
    file(`octo/${arch}/app-1.0.0-r1.apk`, 'apk bytes'),
  ]
  writeFileSync(join(dir, 'octo-app.rsa.pub'), 'public key')
  return {
    packageName: 'app',
    version: '1.0.0',
    release: 1,
    stack,
    arch,
    keyName: 'octo-app',
    signature: 'rsa',
    packagesDir: dir,
    publicKeyFile: join(dir, 'octo-app.rsa.pub'),
    files,
  }
}

const reporter = recordingReporter()
// Back-off and write spacing in milliseconds rather than seconds, so retries take no time.
const releaser = () =>
  GitHubReleaser.create('t', 'octo/app', {
    apiUrl: github.url,
    retryAfterBaseValue: 1,
    writeIntervalMs: 0,
    notifyingWriteIntervalMs: 0,
  })

describe('workflow artifacts', () => {
  it('uploads the repository tree, the key and pakman.json under <package>-<stack>-<arch>', async () => {
    const result = await publish(built(), { artifact: true }, reporter)
    expect(result.artifactName).toBe('app-alpine-3.20-x86_64')
    expect(github.artifacts).toMatchObject([
      { id: result.artifactId, name: 'app-alpine-3.20-x86_64', finalized: true },
    ])
    const zip = github.blobs.get(github.artifacts[0]!.blob)!
    for (const name of [
      'octo/x86_64/app-1.0.0-r1.apk',
      'octo/x86_64/APKINDEX.tar.gz',
      'octo-app.rsa.pub',
      'pakman.json',
    ]) {
      expect(zip.includes(Buffer.from(name))).toBe(true)
    }
  })

  it('replaces its own artifact on a re-run', async () => {
    await publish(built(), { artifact: true }, recordingReporter())
    const again = await publish(built(), { artifact: true }, reporter)
    expect(github.artifacts.map((a) => a.name)).toEqual(['app-alpine-3.20-x86_64'])
    expect(github.artifacts[0]!.id).toBe(again.artifactId)
    expect(reporter.lines).toContain(
      'an artifact named app-alpine-3.20-x86_64 exists from an earlier attempt; replacing it',
    )
  })

  it('retries a 500 and succeeds', async () => {
    github.failNext('POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact', 1)
    const result = await publish(built(), { artifact: true }, recordingReporter())
    expect(result.artifactId).toBeGreaterThan(0)
  }, 30_000)
})

describe('release assets', () => {
  it('creates a draft, uploads stack- and arch-named assets, then publishes', async () => {
    const result = await publish(
      built(),
      { artifact: false, releaseTag: 'v1.0.0', releaser: await releaser() },
      recordingReporter(),
    )
    expect(github.releases).toHaveLength(1)
    expect(github.releases[0]).toMatchObject({ tag_name: 'v1.0.0', draft: false })
    expect(github.releases[0]!.assets.map((a) => a.name).sort()).toEqual([
      'alpine-3.20-x86_64-APKINDEX.tar.gz',
      'alpine-3.20-x86_64-app-1.0.0-r1.apk',
      'octo-app.rsa.pub',
    ])
    expect(result.releaseUrl).toBe(`${github.url}/octo/app/releases/tag/v1.0.0`)
    // published last: the PATCH that publishes comes after every upload
    const requests = github.requests.filter((r) => r.includes('/releases'))
    expect(requests.at(-1)).toMatch(/^PATCH \/repos\/octo\/app\/releases\/\d+$/)
  })

  it('adds to a release that exists and replaces an asset of the same name', async () => {
    const r = await releaser()
    await publish(built(), { artifact: false, releaseTag: 'v2', releaser: r }, recordingReporter())
    await publish(
      built('alpine/3.19', 'aarch64'),
      { artifact: false, releaseTag: 'v2', releaser: r },
      recordingReporter(),
    )
    await publish(built(), { artifact: false, releaseTag: 'v2', releaser: r }, reporter)
    expect(github.releases).toHaveLength(1)
    const names = github.releases[0]!.assets.map((a) => a.name).sort()
    expect(names).toEqual([
      'alpine-3.19-aarch64-APKINDEX.tar.gz',
      'alpine-3.19-aarch64-app-1.0.0-r1.apk',
      'alpine-3.20-x86_64-APKINDEX.tar.gz',
      'alpine-3.20-x86_64-app-1.0.0-r1.apk',
      'octo-app.rsa.pub',
    ])
    expect(reporter.lines).toContain('replacing alpine-3.20-x86_64-app-1.0.0-r1.apk')
  })

  it('retries a 500 on an upload and succeeds', async () => {
    github.failNext('POST /uploads/', 1)
    await publish(
      built(),
      { artifact: false, releaseTag: 'v3', releaser: await releaser() },
      recordingReporter(),
    )
    expect(github.releases[0]).toMatchObject({ draft: false })
    expect(github.releases[0]!.assets).toHaveLength(3)
  })

  it('fails clearly on a 500 that does not go away, leaving the release a draft', async () => {
    github.failNext('POST /uploads/', Infinity)
    await expect(
      publish(
        built(),
        { artifact: false, releaseTag: 'v4', releaser: await releaser() },
        recordingReporter(),
      ),
    ).rejects.toThrow(
      /^release v4: uploading .* failed: HTTP 500 .*after 4 attempts; it is left a draft, re-run the job to finish it$/,
    )
    expect(github.releases).toMatchObject([{ tag_name: 'v4', draft: true }])
    expect(github.published).toEqual([])
    // All three assets start at once (4 may run) and each is tried 4 times before it fails.
    expect(github.requests.filter((r) => r.startsWith('POST /uploads/'))).toHaveLength(12)
    github.failNext('POST /uploads/', 0)
    // the re-run finds its draft, fills it and publishes it
    await publish(
      built(),
      { artifact: false, releaseTag: 'v4', releaser: await releaser() },
      recordingReporter(),
    )
    expect(github.releases).toMatchObject([{ tag_name: 'v4', draft: false }])
  })
})
