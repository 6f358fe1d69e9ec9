import { describe, expect, it } from 'vitest'
import { defaultKeyName, parseRepository, recipePath, slugify } from '../src/recipe/naming.js'
import { resolveVersion } from '../src/recipe/version.js'
import { glob, listEntry, word, words } from '../src/shell/index.js'

describe('slugify, as the original computes package names', () => {
  it.each([
    ['Laravel_POS', 'laravel-pos'],
    ['bob2cool.github.io', 'bob2cool-github-io'],
    ['uplink-caddy', 'uplink-caddy'],
    ['Hamiz5401', 'hamiz5401'],
    ["it's--Café  App", 'its-cafe-app'],
    ['__x__', 'x'],
  ])('%s → %s', (input, slug) => {
    expect(slugify(input)).toBe(slug)
  })

  it('derives the recipe path and the key name from the repository', () => {
    const repository = parseRepository('SKESA24/laraone-example')!
    expect(recipePath(repository)).toBe('.apk/skesa24/laraone-example')
    expect(defaultKeyName(repository)).toBe('skesa24-laraone-example')
  })

  it.each(['', 'a', 'a/b/c', 'a b/c', '/x', 'a/$(id)'])('rejects the repository %j', (text) => {
    expect(parseRepository(text)).toBeUndefined()
  })
})

describe('pkgver from git describe', () => {
  const W = 'warning' as const
  it.each([
    // tags used as they are
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['10.0.12', '10.0.12'],
    ['1.2.3_rc1', '1.2.3_rc1'],
    // commits after a tag keep the tag's version (the first '-' field, as the original)
    ['1.2.3-4-gabcdef0', '1.2.3'],
    ['v1.2.3-12-g0123456789ab', '1.2.3'],
    // semver pre-releases → the Alpine suffix that sorts before the release
    ['1.2.3-rc.1', '1.2.3_rc1'],
    ['1.2.3-rc1', '1.2.3_rc1'],
    ['1.2.3-rc-1', '1.2.3_rc1'],
    ['1.2.3-RC.2', '1.2.3_rc2'],
    ['1.2.3-beta.2', '1.2.3_beta2'],
    ['1.2.3-alpha', '1.2.3_alpha'],
    ['1.2.3-pre.3', '1.2.3_pre3'],
    ['v2.0.0-beta.1', '2.0.0_beta1'],
    ['v2.0.0-beta.1-3-gabc1234', '2.0.0_beta1'],
  ])('%s → %s', (described, version) => {
    expect(resolveVersion(described)).toEqual({ version })
  })

  it.each([
    // other pre-releases: the release's version, with a warning naming it
    [
      '1.2.3-preview.1',
      '1.2.3',
      'pre-release preview.1 of 1.2.3-preview.1 has no Alpine equivalent; using 1.2.3, the same version as the release',
    ],
    [
      '1.2.3-rc.1.2',
      '1.2.3',
      'pre-release rc.1.2 of 1.2.3-rc.1.2 has no Alpine equivalent; using 1.2.3, the same version as the release',
    ],
    [
      '1.2.3-0.3.7',
      '1.2.3',
      'pre-release 0.3.7 of 1.2.3-0.3.7 has no Alpine equivalent; using 1.2.3, the same version as the release',
    ],
    [
      '1.2.3-4',
      '1.2.3',
      'pre-release 4 of 1.2.3-4 has no Alpine equivalent; using 1.2.3, the same version as the release',
    ],
    // tags apk would reject
    ['1.2.3.rc1', '1.2.3', '1.2.3.rc1 is not a version apk accepts; using 1.2.3'],
    ['1.2.3a4', '1.2.3', '1.2.3a4 is not a version apk accepts; using 1.2.3'],
    [
      '1.2.3.rc1-beta.1',
      '1.2.3_beta1',
      '1.2.3.rc1 is not a version apk accepts; using 1.2.3_beta1',
    ],
    [
      '1.2.3.rc1-preview.1',
      '1.2.3',
      '1.2.3.rc1 is not a version apk accepts; using 1.2.3. pre-release preview.1 of 1.2.3.rc1-preview.1 has no Alpine equivalent; using 1.2.3, the same version as the release',
    ],
    // the cut is the warning; build metadata is not mentioned beside it
    ['1.2.3.rc1+build.5', '1.2.3', '1.2.3.rc1 is not a version apk accepts; using 1.2.3'],
    // no usable tag: 0.0.0
    [
      'abcdef0',
      '0.0.0',
      'no tag reachable from commit abcdef0 (actions/checkout fetches tags only with fetch-depth: 0); using 0.0.0',
    ],
    ['01.2.3', '0.0.0', '01.2.3 is not a major.minor.patch tag; using 0.0.0'],
    ['release-1', '0.0.0', 'release-1 is not a major.minor.patch tag; using 0.0.0'],
    [
      undefined,
      '0.0.0',
      'no tag found (actions/checkout fetches tags only with fetch-depth: 0); using 0.0.0',
    ],
  ])('%s → %s with a warning', (described, version, message) => {
    expect(resolveVersion(described)).toEqual({ version, note: { severity: W, message } })
  })

  it('drops build metadata with an info note, as semver ignores it for ordering', () => {
    expect(resolveVersion('1.2.3+build.5')).toEqual({
      version: '1.2.3',
      note: {
        severity: 'info',
        message: 'build metadata +build.5 is not part of pkgver; using 1.2.3',
      },
    })
    expect(resolveVersion('1.2.3-rc.1+exp')).toEqual({
      version: '1.2.3_rc1',
      note: {
        severity: 'info',
        message: 'build metadata +exp is not part of pkgver; using 1.2.3_rc1',
      },
    })
  })
})

describe('the shell guard every template value passes', () => {
  it.each(['$x', '`id`', 'a b', 'a;b', '"', "'", 'a\nb', '*', ''])(
    'refuses %j as a word',
    (value) => {
      expect(() => word(value)).toThrow(/unsafe value/)
    },
  )
  it('accepts plain words, quoted argument lists and globs where each belongs', () => {
    expect(word('/var/lib/app/bin/app')).toBe('/var/lib/app/bin/app')
    expect(words("eval 'App.Release.migrate'")).toBe("eval 'App.Release.migrate'")
    expect(() => words("eval 'a$(id)'")).toThrow(/unsafe value/)
    expect(glob('_build/prod/rel/app/*')).toBe('_build/prod/rel/app/*')
    expect(() => glob('../*')).toThrow(/unsafe path/)
    expect(listEntry('!conflict')).toBe('!conflict')
    expect(listEntry('nodejs>=20')).toBe('nodejs>=20')
    expect(() => listEntry('a"b')).toThrow(/unsafe value/)
  })
})
