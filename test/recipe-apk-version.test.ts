import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { arch, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveVersion } from '../src/recipe/version.js'
import { SHARED } from './helpers/corpus.js'

/*
 * The version mapping against the real apk-tools (2.14.4, from Alpine's own minirootfs in
 * ../shared/alpine), run on this host through the tarball's musl loader: abuild accepts a pkgver
 * only if `apk version --check <pkgver>-r0` does, and apk orders versions with `apk version -t`.
 */
const TARBALL = join(SHARED, 'alpine/alpine-minirootfs-3.20.3-x86_64.tar.gz')
// Where ../shared is required (.ci/run), a missing tarball fails here instead of skipping quietly.
const usable = arch() === 'x64' && (existsSync(TARBALL) || !!process.env.PAKMAN_SHARED_REQUIRED)
if (!usable) console.log(`apk-version: skipped (needs x86_64 and ${TARBALL})`)

const root = usable ? mkdtempSync(join(tmpdir(), 'pakman-apk-')) : ''
if (usable) execFileSync('tar', ['-xzf', TARBALL, '-C', root, './lib', './usr/lib', './sbin/apk'])
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true })
})

function apk(...args: string[]) {
  return spawnSync(
    join(root, 'lib/ld-musl-x86_64.so.1'),
    ['--library-path', `${root}/lib:${root}/usr/lib`, join(root, 'sbin/apk'), ...args],
    { encoding: 'utf8' },
  )
}
/** abuild's own pkgver check (default_validate). */
const valid = (pkgver: string) => apk('version', '--check', '--quiet', `${pkgver}-r0`).status === 0
const order = (a: string, b: string) => apk('version', '-t', a, b).stdout.trim()

describe.runIf(usable)('pkgver against the real apk-tools', () => {
  const tags = [
    '1.2.3',
    'v1.2.3-4-gabcdef0',
    '1.2.3-rc.1',
    '1.2.3-rc1',
    '1.2.3-RC.2',
    '1.2.3-beta.2',
    '1.2.3-alpha',
    '1.2.3-pre.3',
    'v2.0.0-beta.1',
    '1.2.3-preview.1',
    '1.2.3.rc1',
    '1.2.3a4',
    '1.2.3+build.5',
    'abcdef0',
    undefined,
  ]

  it.each(tags)('%s gives a pkgver abuild accepts', (tag) => {
    expect(valid(resolveVersion(tag).version)).toBe(true)
  })

  // 1.2.3a4 is not here: apk-tools 2 takes it, but abuild 3.13-3.16 and apk-tools 3 refuse it.
  it.each(['1.2.3-rc.1', '1.2.3-rc1', 'v2.0.0-beta.1', '1.2.3.rc1', '1.2.3+build.5'])(
    'the tag %s itself is not one (why it is mapped)',
    (tag) => {
      expect(valid(tag.replace(/^v/, ''))).toBe(false)
    },
  )

  it.each([
    ['1.2.3-alpha', '1.2.3'],
    ['1.2.3-beta.2', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3'],
    ['v2.0.0-beta.1', '2.0.0'],
    ['1.2.3-alpha', '1.2.3-alpha.1'],
    ['1.2.3-alpha.1', '1.2.3-beta'],
    ['1.2.3-beta.2', '1.2.3-beta.11'],
    ['1.2.3-beta.11', '1.2.3-pre.1'],
    ['1.2.3-pre.1', '1.2.3-rc.1'],
    ['1.2.3-rc.1', '1.2.3-rc.2'],
    ['1.2.2', '1.2.3-alpha'],
  ])('%s sorts before %s, as in semver', (earlier, later) => {
    expect(order(resolveVersion(earlier).version, resolveVersion(later).version)).toBe('<')
  })
})
