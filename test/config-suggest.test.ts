import { describe, expect, it } from 'vitest'
import { closestKey } from '../src/config/suggest.js'

/*
 * "Did you mean" for unknown config keys. The distance counts two swapped neighbours as one edit
 * (optimal string alignment), which plain Levenshtein packages such as fastest-levenshtein do not:
 * with them `naem` is two edits from `name`, past what a four-letter key allows, and the hint goes.
 */

describe('closestKey', () => {
  it('suggests a key with two letters swapped, even a short one', () => {
    expect(closestKey('naem', ['name', 'stack'])).toBe('name')
    expect(closestKey('stakc', ['name', 'stack'])).toBe('stack')
  })

  it('suggests across a missing, extra or wrong letter, ignoring case', () => {
    expect(closestKey('stak', ['name', 'stack'])).toBe('stack')
    expect(closestKey('post-instal', ['post-install', 'pre-install'])).toBe('post-install')
    expect(closestKey('Commands', ['command', 'stack'])).toBe('command')
  })

  it('suggests nothing when no key is close enough to be a likely typo', () => {
    expect(closestKey('zzzz', ['name', 'stack'])).toBeUndefined()
    expect(closestKey('nmea', ['name'])).toBeUndefined() // two transpositions: two edits
    expect(closestKey('x', [])).toBeUndefined()
  })
})
