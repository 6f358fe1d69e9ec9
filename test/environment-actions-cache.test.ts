import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ActionsCache, DirectoryCache } from '../src/environment/cache.js'
import { useFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'

/* The GitHub Actions cache backend: the real @actions/cache client against the loopback server. */
const fake = useFakeGitHub('pakman-actions-cache-')
const dir = fake.root
let github: FakeGitHub
beforeAll(() => {
  github = fake.server()
})

describe('ActionsCache', () => {
  it('saves an archive and restores it by exact key', async () => {
    const cache = new ActionsCache()
    const file = join(dir, 'environment.tar.zst')
    const payload = Buffer.from(`image bytes ${'x'.repeat(5000)}`)
    writeFileSync(file, payload)

    expect(await cache.restore('pakman-env-a', file)).toEqual({ hit: false })
    const result = await cache.save('pakman-env-a', file)
    expect(result).toEqual({ saved: true, bytes: payload.length })
    expect(github.entries).toMatchObject([{ key: 'pakman-env-a', finalized: true }])

    rmSync(file)
    expect(await cache.restore('pakman-env-a', file)).toEqual({ hit: true })
    expect(readFileSync(file)).toEqual(payload)
    // exact keys only: a neighbour's entry is not taken as a hit
    expect(await cache.restore('pakman-env-b', file)).toEqual({ hit: false })
  })

  it('reports a save the service refuses instead of pretending', async () => {
    const cache = new ActionsCache()
    const file = join(dir, 'environment.tar.zst')
    writeFileSync(file, 'again')
    await cache.save('pakman-env-dup', file)
    const second = await cache.save('pakman-env-dup', file)
    expect(second.saved).toBe(false)
    expect(second.reason).toBeTruthy()
    expect(github.entries.filter((e) => e.key === 'pakman-env-dup')).toHaveLength(1)
  })
})

describe('where the image archive is written', () => {
  it('is one fixed path for the Actions cache, which versions entries by their paths', () => {
    expect(new ActionsCache().archivePath()).toBe(new ActionsCache().archivePath())
  })

  it('is a path of its own per run for a directory cache, so builds at once never share it', () => {
    const cache = new DirectoryCache(join(dir, 'entries'))
    const paths = new Set([cache.archivePath(), cache.archivePath(), cache.archivePath()])
    expect(paths.size).toBe(3)
    for (const path of paths) expect(path).toMatch(/pakman-environment-[0-9a-f]{12}\.tar\.zst$/)
  })
})
