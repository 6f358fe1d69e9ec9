import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  buildCacheSettings,
  discardBuildCache,
  checkSourcePaths,
  DirectoryBuildCache,
  parseSize,
  restoreBuildCache,
  saveBuildCache,
  type BuildCacheStore,
} from '../src/build-cache/index.js'
import { buildCacheKey } from '../src/build-cache/key.js'
import { HOME_CACHE_DIRS, homeCacheParents } from '../src/build-cache/tools.js'
import { recordingReporter } from './helpers/reporter.js'
import { scratchDirs } from './helpers/scratch.js'

/* The build cache without Docker: keys from lockfiles, the settings' checks, the directory store. */
const { temp, keep } = scratchDirs()

function workspace(files: Record<string, string>): string {
  const root = temp('pakman-bc-ws-')
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), content)
  }
  return root
}

const request = (root: string, extra: Partial<Parameters<typeof buildCacheKey>[0]> = {}) => ({
  workspace: root,
  label: 'alpine-3.20-x86_64',
  packages: ['nodejs', 'npm'],
  packageName: 'app',
  sourcePaths: [],
  ...extra,
})

describe('the build cache key', () => {
  it('changes with the lockfiles, keeping the prefix a miss restores from', async () => {
    const root = workspace({ 'package-lock.json': 'a', 'assets/yarn.lock': 'b', 'README.md': 'x' })
    const first = await buildCacheKey(request(root))
    expect(first.lockfiles).toEqual(['assets/yarn.lock', 'package-lock.json'])
    expect(first.key).toMatch(/^pakman-build-alpine-3\.20-x86_64-[0-9a-f]{12}-[0-9a-f]{16}$/)
    expect(first.key.startsWith(first.restorePrefix)).toBe(true)
    // Other files do not count; the order of the packages does not either.
    writeFileSync(join(root, 'README.md'), 'changed')
    expect((await buildCacheKey(request(root, { packages: ['npm', 'nodejs'] }))).key).toBe(
      first.key,
    )
    writeFileSync(join(root, 'assets/yarn.lock'), 'b2')
    const changed = await buildCacheKey(request(root))
    expect(changed.key).not.toBe(first.key)
    expect(changed.restorePrefix).toBe(first.restorePrefix)
  })

  it('takes another prefix for other stacks, dependencies, packages or kept paths', async () => {
    const root = workspace({ 'mix.lock': 'a' })
    const base = (await buildCacheKey(request(root))).restorePrefix
    for (const other of [
      { label: 'alpine-3.21-x86_64' },
      { packages: ['nodejs'] },
      { packageName: 'web' },
      { sourcePaths: ['_build'] },
    ])
      expect((await buildCacheKey(request(root, other))).restorePrefix).not.toBe(base)
  })

  it("finds every lockfile kind, but not those of installed dependencies or PAKman's directories", async () => {
    const names = [
      'package-lock.json',
      'npm-shrinkwrap.json',
      'pnpm-lock.yaml',
      'bun.lock',
      'Gemfile.lock',
      'go.sum',
      'Cargo.lock',
      'poetry.lock',
      'Pipfile.lock',
      'uv.lock',
      'requirements.txt',
      'requirements-dev.txt',
      'composer.lock',
    ]
    const root = workspace({
      ...Object.fromEntries(names.map((n) => [n, n])),
      'node_modules/dep/package-lock.json': 'x',
      '.git/yarn.lock': 'x',
      '.apk/octo/app/mix.lock': 'x',
      'deps/phoenix/mix.lock': 'x',
    })
    const { lockfiles } = await buildCacheKey(request(root, { sourcePaths: ['deps'] }))
    expect(lockfiles).toEqual([...names].sort())
  })
})

describe('the build cache settings', () => {
  const option = (name: string) => `the ${name} input`

  it('takes relative in-tree paths, one each, trailing slashes dropped', () => {
    expect(checkSourcePaths(['_build/', 'deps', 'assets/node_modules', 'deps'], 'x')).toEqual([
      '_build',
      'deps',
      'assets/node_modules',
    ])
  })

  it.each([
    ['/var/cache', 'is absolute'],
    ['../elsewhere', 'must stay inside the workspace'],
    ['a/./b', 'must stay inside the workspace'],
    ['node modules', 'may only hold'],
    ['$(id)', 'may only hold'],
    ['.git/objects', 'is .git, which PAKman or git own'],
    ['.apk', 'is .apk, which PAKman or git own'],
  ])('refuses %s, naming the setting', (path, problem) => {
    expect(() => buildCacheSettings({ paths: [path] }, {} as BuildCacheStore, option)).toThrow(
      `the build-cache-paths input: ${JSON.stringify(path)} ${problem}`,
    )
  })

  it('refuses a path inside another kept one', () => {
    expect(() => checkSourcePaths(['assets', 'assets/node_modules'], '--build-cache-path')).toThrow(
      '--build-cache-path: assets/node_modules is inside assets, which is kept already',
    )
  })

  it('reads sizes in binary units and refuses others', () => {
    expect(parseSize('4G', 'x')).toBe(4 * 1024 ** 3)
    expect(parseSize('500M', 'x')).toBe(500 * 1024 ** 2)
    expect(parseSize('2.5 GiB', 'x')).toBe(2.5 * 1024 ** 3)
    expect(parseSize('1024', 'x')).toBe(1024)
    expect(() =>
      buildCacheSettings({ paths: [], limit: 'lots' }, {} as BuildCacheStore, option),
    ).toThrow('the build-cache-limit input: "lots" is not a size such as 4G or 500M')
    expect(buildCacheSettings({ paths: [] }, {} as BuildCacheStore, option).limitBytes).toBe(
      4 * 1024 ** 3,
    )
  })
})

describe('what is kept under the home', () => {
  it('is cache directories only, never a tool directory holding credentials or settings', () => {
    // Neither these nor anything inside the ones that hold credentials or settings.
    const never = ['.ssh', '.docker', '.config', '.gem', '.bundle', '.hex', '.cargo', '.composer']
    for (const dir of HOME_CACHE_DIRS) expect(never).not.toContain(dir)
    for (const dir of ['.config', '.ssh', '.docker'])
      expect(HOME_CACHE_DIRS.filter((kept) => kept.startsWith(`${dir}/`))).toEqual([])
    expect(HOME_CACHE_DIRS).toEqual(expect.arrayContaining(['.npm', 'go/pkg/mod', '.cache/pip']))
    // Docker makes the directories above the mounts: the build user is given each of them.
    expect(homeCacheParents()).toEqual(expect.arrayContaining(['.cache', '.cargo/registry', 'go']))
    expect(homeCacheParents()).not.toContain('.npm')
  })
})

describe('the directory store and saving', () => {
  it('restores the key, else the newest entry of its prefix, and keeps three per prefix', async () => {
    const store = new DirectoryBuildCache(temp('pakman-bc-store-'))
    const tree = temp('pakman-bc-tree-')
    const save = async (key: string, content: string, age: number) => {
      writeFileSync(join(tree, 'file'), content)
      expect(await store.save(tree, key)).toEqual({ saved: true })
      const when = Date.now() / 1000 - age
      utimesSync(join((store as unknown as { dir: string }).dir, `${key}.tar.zst`), when, when)
    }
    await save('p-1', 'one', 300)
    await save('p-2', 'two', 200)
    await save('q-1', 'other', 0)
    const into = async (key: string) => {
      const dir = keep(await store.workDir())
      const restored = await store.restore(dir, key, 'p-')
      return {
        restored,
        content: readdirSync(dir).length ? readFileSync(join(dir, 'file'), 'utf8') : '',
      }
    }
    expect(await into('p-1')).toEqual({ restored: { matched: 'p-1' }, content: 'one' })
    expect(await into('p-9')).toEqual({ restored: { matched: 'p-2' }, content: 'two' })
    const empty = new DirectoryBuildCache(temp('pakman-bc-store-'))
    expect(await empty.restore(keep(await empty.workDir()), 'p-1', 'p-')).toEqual({})

    await save('p-3', 'three', 100)
    await save('p-4', 'four', 50)
    const kept = readdirSync((store as unknown as { dir: string }).dir).sort()
    expect(kept).toEqual(['p-2.tar.zst', 'p-3.tar.zst', 'p-4.tar.zst', 'q-1.tar.zst'])
  })

  it('leaves credential files out, and saves nothing over the limit or on a hit', async () => {
    const store = new DirectoryBuildCache(temp('pakman-bc-store-'))
    const workspaceDir = workspace({ 'package-lock.json': '{}' })
    const settings = { store, sourcePaths: [], limitBytes: 1024 }
    const keyRequest = { workspace: workspaceDir, label: 'l', packages: [], packageName: 'app' }
    const first = recordingReporter()
    const cache = (await restoreBuildCache(settings, keyRequest, first))!
    expect(cache.state).toBe('miss')
    writeFileSync(join(cache.homeDir, '.npm/_cacache-entry'), 'x'.repeat(100))
    writeFileSync(join(cache.homeDir, '.npm/.npmrc'), 'token')
    const saved = await saveBuildCache(cache, settings, first)
    expect(saved).toMatchObject({ saved: true, bytes: 100, leftOut: ['~/.npm/.npmrc'] })
    expect(first.warnings).toContain(
      'left ~/.npm/.npmrc out of the build cache: credentials are never cached',
    )

    const again = (await restoreBuildCache(settings, keyRequest, recordingReporter()))!
    expect(again.state).toBe('hit')
    expect(readdirSync(join(again.homeDir, '.npm'))).toEqual(['_cacache-entry'])
    writeFileSync(join(again.homeDir, '.npm/more'), 'y'.repeat(2000))
    expect(await saveBuildCache(again, settings, recordingReporter())).toMatchObject({
      saved: false,
      reason: 'this key was restored',
    })

    writeFileSync(join(workspaceDir, 'package-lock.json'), '{"changed": true}')
    const partial = (await restoreBuildCache(settings, keyRequest, recordingReporter()))!
    expect(partial).toMatchObject({ state: 'partial', restoredKey: cache.key })
    writeFileSync(join(partial.homeDir, '.npm/more'), 'y'.repeat(2000))
    const over = recordingReporter()
    expect(await saveBuildCache(partial, settings, over)).toMatchObject({
      saved: false,
      reason: '2.1 KiB is over the limit of 1.0 KiB',
    })
    for (const done of [cache, again, partial]) await discardBuildCache(done)
    expect(over.notices).toContain(
      'the build cache was not saved: 2.1 KiB is over the limit of 1.0 KiB',
    )
  })

  it('lets a build run without it when the cache cannot be set up', async () => {
    const broken: BuildCacheStore = {
      description: 'broken store',
      workDir: async () => {
        throw new Error('ENOSPC: no space left on device')
      },
      restore: async () => ({}),
      save: async () => ({ saved: true }),
    }
    const reporter = recordingReporter()
    const settings = { store: broken, sourcePaths: [], limitBytes: 1024 }
    const request = { workspace: workspace({}), label: 'l', packages: [], packageName: 'app' }
    expect(await restoreBuildCache(settings, request, reporter)).toBeUndefined()
    expect(reporter.warnings).toContain(
      'the build runs without its build cache: ENOSPC: no space left on device',
    )
  })
})
