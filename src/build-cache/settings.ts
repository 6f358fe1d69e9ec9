/*
 * The build cache's settings as a user writes them, checked once here: build-cache-paths and
 * build-cache-limit. Messages name the setting the way the front end spells it.
 */

import type { OptionName } from '../report/index.js'
import type { BuildCacheStore } from './store.js'

export interface BuildCacheSettings {
  store: BuildCacheStore
  /** In-tree paths to keep (build-cache-paths), relative to the workspace; checked words. */
  sourcePaths: readonly string[]
  /** An entry larger than this is not saved. */
  limitBytes: number
}

/** The settings of a build with a build cache, from what the user gave; throws naming the setting. */
export function buildCacheSettings(
  given: { paths: readonly string[]; limit?: string },
  store: BuildCacheStore,
  option: OptionName,
): BuildCacheSettings {
  return {
    store,
    sourcePaths: checkSourcePaths(given.paths, option('build-cache-paths')),
    limitBytes:
      given.limit === undefined
        ? DEFAULT_LIMIT
        : parseSize(given.limit, option('build-cache-limit')),
  }
}

/** Paths that are PAKman's, git's or abuild's own, never the build's to keep. */
const RESERVED = new Set(['.git', '.apk', '.pakman'])

/**
 * In-tree paths (`_build`, `deps`, `assets/node_modules`): relative, inside the workspace, in
 * characters that need no quoting in the build script (they reach it as words).
 */
export function checkSourcePaths(paths: readonly string[], option: string): string[] {
  const checked = paths.map((raw) => {
    const path = raw.trim().replace(/\/+$/, '')
    const problem = !path
      ? 'is empty'
      : path.startsWith('/')
        ? 'is absolute: give a path relative to the workspace'
        : path.split('/').some((part) => part === '..' || part === '.' || part === '')
          ? 'must stay inside the workspace, without . or .. or empty parts'
          : !/^[A-Za-z0-9_@%+=:,.^-]+(\/[A-Za-z0-9_@%+=:,.^-]+)*$/.test(path)
            ? 'may only hold letters, digits and _ @ % + = : , . ^ - /'
            : RESERVED.has(path.split('/')[0]!)
              ? `is ${path.split('/')[0]}, which PAKman or git own`
              : undefined
    if (problem) throw new Error(`${option}: ${JSON.stringify(raw)} ${problem}`)
    return path
  })
  for (const path of checked) {
    const outer = checked.find((other) => other !== path && path.startsWith(`${other}/`))
    if (outer) throw new Error(`${option}: ${path} is inside ${outer}, which is kept already`)
  }
  return [...new Set(checked)]
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }

/** `4G`, `500MiB`, `2.5 GB`, `1048576`: binary units, as cache sizes are reported. */
export function parseSize(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim())
  const bytes = match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : NaN
  if (!Number.isFinite(bytes) || bytes <= 0)
    throw new Error(`${option}: ${JSON.stringify(text)} is not a size such as 4G or 500M`)
  return Math.floor(bytes)
}

/** The limit when none is given: an entry larger than this is not saved. */
export const DEFAULT_LIMIT = 4 * 1024 ** 3
