import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { GitHubReleaser, publishAssets, type GitHubReleaserOptions } from '../src/publish/index.js'
import type { AssetFile } from '../src/publish/release.js'
import { useFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'
import { recordingReporter } from './helpers/reporter.js'

/*
 * Releases at scale, with the real Octokit (and its retry and throttling plugins) against the
 * loopback fake: lists longer than a page, drafts left by earlier runs, jobs racing to create the
 * same release, rate limits, and uploads a few at a time.
 */
const fake = useFakeGitHub('pakman-releases-')
let github: FakeGitHub
beforeAll(() => {
  github = fake.server()
})
beforeEach(() => {
  github.reset()
})

let reporter = recordingReporter()
beforeEach(() => {
  reporter = recordingReporter()
})

// Milliseconds rather than seconds for back-off and rate-limit waits: 1 s of GitHub's becomes 20 ms.
const BASE = 20
const releaser = (repository = 'octo/app', options: GitHubReleaserOptions = {}) =>
  GitHubReleaser.create('t', repository, {
    apiUrl: github.url,
    retryAfterBaseValue: BASE,
    writeIntervalMs: 0,
    notifyingWriteIntervalMs: 0,
    reporter,
    ...options,
  })

function files(...names: string[]): AssetFile[] {
  const dir = mkdtempSync(join(fake.root, 'assets-'))
  return names.map((name) => {
    writeFileSync(join(dir, name), `contents of ${name}`)
    return { name, path: join(dir, name) }
  })
}

/** `count` releases v0.1.0 … v0.<count>.0, oldest first; `draft` says which are drafts. */
function seed(repo: string, count: number, draft: (n: number) => boolean = () => false): void {
  for (let n = 1; n <= count; n++) github.addRelease(`v0.${n}.0`, { repo, draft: draft(n) })
}

const assetNames = (tag: string, repo = 'octo/app') =>
  github.releases
    .filter((r) => r.repo === repo && r.tag_name === tag)
    .flatMap((r) => r.assets.map((a) => a.name))
    .sort()

describe('finding the release', () => {
  it('finds a published release older than the first page of the list, in any repository', async () => {
    // 150 releases: v0.40.0 is the 111th newest, on the second page of 100.
    seed('acme/tools', 150)
    const release = await publishAssets(
      await releaser('acme/tools'),
      'v0.40.0',
      files('a.apk'),
      reporter,
    )
    expect(release.url).toBe(`${github.url}/acme/tools/releases/tag/v0.40.0`)
    expect(github.releases).toHaveLength(150)
    expect(assetNames('v0.40.0', 'acme/tools')).toEqual(['a.apk'])
    expect(github.requests).not.toContain('POST /repos/acme/tools/releases')
    // It was published before: nothing announces it again.
    expect(github.published).toEqual([])
  })

  it('finds and reuses a draft an earlier run left, past the first page, and publishes it once', async () => {
    seed('acme/tools', 150, (n) => n === 40)
    const draft = github.releases.find((r) => r.tag_name === 'v0.40.0')!
    const release = await publishAssets(
      await releaser('acme/tools'),
      'v0.40.0',
      files('a.apk', 'b.apk'),
      reporter,
    )
    expect(release).toMatchObject({ id: draft.id, draft: false })
    expect(github.releases).toHaveLength(150)
    expect(assetNames('v0.40.0', 'acme/tools')).toEqual(['a.apk', 'b.apk'])
    // The tag lookup cannot see drafts, so the list was read to its second page.
    expect(github.calls.map((c) => `${c.route}${c.query}`)).toContain(
      'GET /repos/acme/tools/releases?per_page=100&page=2',
    )
    expect(github.published).toEqual([{ id: draft.id, repo: 'acme/tools', tag_name: 'v0.40.0' }])
  })

  it('pages the asset list: an asset past the first page is replaced, not uploaded beside', async () => {
    const release = github.addRelease('v5')
    for (let n = 0; n < 130; n++) {
      release.assets.push({ id: 10_000 + n, name: `old-${n}`, size: 1, data: Buffer.from('x') })
    }
    await publishAssets(await releaser(), 'v5', files('old-120'), reporter)
    expect(release.assets).toHaveLength(130)
    expect(release.assets.find((a) => a.name === 'old-120')!.data.toString()).toBe(
      'contents of old-120',
    )
    // Found in the listing and deleted first: one upload, no 422 to recover from.
    expect(github.requests.filter((r) => r.startsWith('POST /uploads/'))).toHaveLength(1)
    expect(github.requests).toContain(`DELETE /repos/octo/app/releases/assets/${10_000 + 120}`)
  })
})

describe('jobs releasing the same tag at once', () => {
  it('two jobs creating it together end with one release holding both sets, published once', async () => {
    // Both creates reach GitHub before either is answered: the race, every time.
    github.holdUntil('POST /repos/octo/app/releases', 2)
    const [one, two] = await Promise.all([
      publishAssets(await releaser(), 'v6', files('x86_64.apk', 'key.rsa.pub'), reporter),
      publishAssets(await releaser(), 'v6', files('aarch64.apk', 'key.rsa.pub'), reporter),
    ])
    expect(github.requests.filter((r) => r === 'POST /repos/octo/app/releases')).toHaveLength(2)
    expect(github.releases.filter((r) => r.tag_name === 'v6')).toHaveLength(1)
    expect(one.id).toBe(two.id)
    expect(assetNames('v6')).toEqual(['aarch64.apk', 'key.rsa.pub', 'x86_64.apk'])
    expect(github.published).toEqual([{ id: one.id, repo: 'octo/app', tag_name: 'v6' }])
    // The job whose draft lost (the newer one) deleted it, and leaves publishing to the other.
    const deleted = github.requests
      .map((r) => /^DELETE \/repos\/octo\/app\/releases\/(\d+)$/.exec(r)?.[1])
      .filter((id) => id !== undefined)
      .map(Number)
    expect(deleted).toHaveLength(1)
    expect(deleted[0]).toBeGreaterThan(one.id)
    expect(github.requests.filter((r) => r.startsWith('PATCH '))).toHaveLength(1)
    expect(reporter.lines).toContain(
      'release v6 was created by another job at the same time; adding to it',
    )
    expect(reporter.lines).toContain('release v6 is published by the job that created it')
  })

  it('a create refused with 422 already_exists joins the release it lost to', async () => {
    // Another job publishes v7 between this job's lookup and its create.
    github.beforeNext('POST /repos/octo/app/releases', () => void github.addRelease('v7'))
    const release = await publishAssets(await releaser(), 'v7', files('a.apk'), reporter)
    expect(github.releases.filter((r) => r.tag_name === 'v7')).toHaveLength(1)
    expect(release).toMatchObject({ id: github.releases[0]!.id, draft: false })
    expect(assetNames('v7')).toEqual(['a.apk'])
    // Already published by the job that won: not published again.
    expect(github.requests.some((r) => r.startsWith('PATCH '))).toBe(false)
    expect(reporter.lines).toContain(
      'release v7 was created by another job meanwhile; adding to it',
    )
  })

  it('does not publish a draft it found when another job published it meanwhile', async () => {
    const draft = github.addRelease('v15', { draft: true })
    // Just before the last look at the release, another job publishes it.
    github.beforeNext(new RegExp(`^GET /repos/octo/app/releases/${draft.id}$`), () => {
      draft.draft = false
    })
    const release = await publishAssets(await releaser(), 'v15', files('a.apk'), reporter)
    expect(release).toMatchObject({ id: draft.id, draft: false })
    expect(assetNames('v15')).toEqual(['a.apk'])
    expect(github.requests.some((r) => r.startsWith('PATCH '))).toBe(false)
  })
})

describe('rate limits and server errors', () => {
  /** Milliseconds between the first request to `route` and the next one. */
  const gap = (route: string) => {
    const [first, second] = github.calls.filter((c) => c.route.startsWith(route))
    return second!.at - first!.at
  }

  it('waits out a 429 as long as retry-after says, then succeeds', async () => {
    github.failNext('POST /uploads/', 1, 'secondary-429', 3)
    await publishAssets(await releaser(), 'v8', files('a.apk'), reporter)
    expect(assetNames('v8')).toEqual(['a.apk'])
    expect(gap('POST /uploads/')).toBeGreaterThanOrEqual(3 * BASE - 2)
    expect(reporter.lines.join('\n')).toMatch(
      /GitHub's secondary rate limit hit POST .*retrying in 3s/,
    )
  })

  it('waits out a 403 secondary rate limit, then succeeds', async () => {
    github.failNext('POST /repos/octo/app/releases', 1, 'secondary-403', 2)
    await publishAssets(await releaser(), 'v9', files('a.apk'), reporter)
    expect(github.releases).toMatchObject([{ tag_name: 'v9', draft: false }])
    expect(gap('POST /repos/octo/app/releases')).toBeGreaterThanOrEqual(2 * BASE - 2)
    expect(reporter.lines.join('\n')).toMatch(
      /secondary rate limit hit POST .*retrying in 2s \(1 of 3\)/,
    )
  })

  it('waits for x-ratelimit-reset on a 403 with no requests left, then succeeds', async () => {
    github.failNext('GET /repos/octo/app/releases/tags/', 1, 'rate-limit', 2)
    await publishAssets(await releaser(), 'v10', files('a.apk'), reporter)
    expect(github.releases).toMatchObject([{ tag_name: 'v10', draft: false }])
    // Until the reset, 2 s away (rounded up to whole seconds), and one second more.
    expect(gap('GET /repos/octo/app/releases/tags/')).toBeGreaterThanOrEqual(2 * BASE)
    expect(reporter.lines.join('\n')).toMatch(/GitHub's rate limit hit GET /)
  })

  it('gives up on a rate limit after a bounded number of retries, leaving a draft', async () => {
    github.failNext('POST /uploads/', Infinity, 'secondary-429', 1)
    await expect(
      publishAssets(
        await releaser('octo/app', { rateLimitRetries: 2 }),
        'v11',
        files('a.apk'),
        reporter,
      ),
    ).rejects.toThrow(/^release v11: uploading a.apk failed: HTTP 429 .*left a draft/)
    expect(github.requests.filter((r) => r.startsWith('POST /uploads/'))).toHaveLength(3)
    expect(github.releases).toMatchObject([{ tag_name: 'v11', draft: true }])
  })

  it('does not wait longer than it is worth: a reset an hour away fails at once', async () => {
    github.failNext('GET /repos/octo/app/releases/tags/', 1, 'rate-limit', 3600)
    await expect(publishAssets(await releaser(), 'v12', files('a.apk'), reporter)).rejects.toThrow(
      /^release v12: looking up release v12 failed: HTTP 403 \(API rate limit exceeded/,
    )
    expect(github.requests).toEqual(['GET /repos/octo/app/releases/tags/v12'])
    expect(reporter.lines.join('\n')).toMatch(/not retrying/)
  })

  it('says a 403 that is no rate limit is about the token, without retrying it', async () => {
    github.failNext('POST /repos/octo/app/releases', 1, 'forbidden')
    await expect(publishAssets(await releaser(), 'v17', files('a.apk'), reporter)).rejects.toThrow(
      'release v17: creating release v17 failed: HTTP 403 (Resource not accessible by integration); the token needs permission to write contents (permissions: contents: write)',
    )
    expect(github.requests.filter((r) => r.startsWith('POST /repos/'))).toHaveLength(1)
  })

  it('retries a 500 with back-off and ends in a clear error when it does not go away', async () => {
    github.failNext('PATCH /repos/octo/app/releases/', Infinity)
    await expect(publishAssets(await releaser(), 'v13', files('a.apk'), reporter)).rejects.toThrow(
      /^release v13: publishing release v13 failed: HTTP 500 .*after 4 attempts; it is left a draft, re-run the job to finish it$/,
    )
    expect(github.requests.filter((r) => r.startsWith('PATCH '))).toHaveLength(4)
    expect(github.releases).toMatchObject([{ tag_name: 'v13', draft: true }])
    expect(assetNames('v13')).toEqual(['a.apk'])
  })
})

describe('uploads a few at a time', () => {
  it('replaces an asset of the same name that appears after the listing', async () => {
    const release = github.addRelease('v16')
    // Another job uploads the same name between this job's listing and its upload.
    github.beforeNext('POST /uploads/', () => {
      release.assets.push({ id: 20_000, name: 'key.rsa.pub', size: 5, data: Buffer.from('other') })
    })
    await publishAssets(await releaser(), 'v16', files('key.rsa.pub'), reporter)
    expect(release.assets.map((a) => a.data.toString())).toEqual(['contents of key.rsa.pub'])
    expect(github.requests).toContain('DELETE /repos/octo/app/releases/assets/20000')
  })

  it('keeps at most `concurrency` uploads in flight, and more than one', async () => {
    github.uploadDelayMs = 40
    const names = Array.from({ length: 10 }, (_, n) => `pkg-${n}.apk`)
    await publishAssets(await releaser(), 'v14', files(...names), reporter, { concurrency: 3 })
    expect(assetNames('v14')).toEqual([...names].sort())
    expect(github.uploads.maxInFlight).toBeGreaterThan(1)
    expect(github.uploads.maxInFlight).toBeLessThanOrEqual(3)
  })
})
