import { describe, expect, it } from 'vitest'
import { defaultKeyName, parseRepository, recipePath, slugify } from '../src/recipe/naming.js'
import { resolveVersion } from '../src/recipe/version.js'
import { glob, listEntry, word, words } from '../src/recipe/shell.js'

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
  it.each([
    ['1.2.3', '1.2.3', undefined],
    ['v1.2.3', '1.2.3', undefined],
    ['1.2.3-4-gabcdef0', '1.2.3', undefined],
    ['10.0.12', '10.0.12', undefined],
    ['1.2.3_rc1', '1.2.3_rc1', undefined],
    ['1.2.3.rc1', '1.2.3', '1.2.3.rc1 is not a version apk accepts; using 1.2.3'],
    ['abcdef0', '0.0.0', 'abcdef0 is not a major.minor.patch tag; using 0.0.0'],
    ['01.2.3', '0.0.0', '01.2.3 is not a major.minor.patch tag; using 0.0.0'],
    [undefined, '0.0.0', 'no tag found; using 0.0.0'],
  ])('%s → %s', (described, version, note) => {
    expect(resolveVersion(described)).toEqual(note ? { version, note } : { version })
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
