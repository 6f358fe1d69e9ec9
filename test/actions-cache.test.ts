import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ActionsCache } from '../src/environment/cache.js'
import { startFakeGitHub, type FakeGitHub } from './helpers/fake-github.js'

/* The GitHub Actions cache backend: the real @actions/cache client against the loopback server. */
let github: FakeGitHub
const saved: Record<string, string | undefined> = {}
const dir = mkdtempSync(join(tmpdir(), 'pakman-actions-cache-'))

beforeAll(async () => {
  github = await startFakeGitHub()
  for (const [key, value] of Object.entries({
    ...github.env,
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
  })) {
    saved[key] = process.env[key]
    process.env[key] = value
  }
})
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  await github.close()
  rmSync(dir, { recursive: true, force: true })
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
