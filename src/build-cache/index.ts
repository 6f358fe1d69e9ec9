/*
 * Stage 4, the build cache: what the build command downloads and compiles, kept between runs.
 * The build user's tool caches (an allow-list under its home, see tools.ts) and the in-tree paths
 * the user names (build-cache-paths) are restored before abuild, mounted into the build, and saved
 * after a build that succeeded, unless the entry restored was already this key's.
 */

import { lstat, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { formatBytes, type PhaseReporter } from '../report/index.js'
import { buildCacheKey, type KeyRequest } from './key.js'
import { removeTree } from './store.js'
import { CREDENTIAL_FILES, HOME_CACHE_DIRS } from './tools.js'

export { ActionsBuildCache, DirectoryBuildCache, type BuildCacheStore } from './store.js'
export { HOME_CACHE_DIRS, homeCacheParents, TOOL_CACHE_VARIABLES } from './tools.js'
export {
  buildCacheSettings,
  checkSourcePaths,
  DEFAULT_LIMIT,
  parseSize,
  type BuildCacheSettings,
} from './settings.js'
import type { BuildCacheSettings } from './settings.js'

/** Hit: this key's own entry; partial: an older one of the same stack, arch and deps. */
export type CacheState = 'hit' | 'partial' | 'miss'

/** A restored tree on this machine, ready to be mounted into the build. */
export interface RestoredCache {
  key: string
  state: CacheState
  /** The entry restored, when one was. */
  restoredKey?: string
  lockfiles: string[]
  /** The tree: home/<HOME_CACHE_DIRS> and source/<sourcePaths>. */
  dir: string
  homeDir: string
  sourceDir: string
  sourcePaths: readonly string[]
}

export interface SavedCache {
  /** Bytes of the tree (before compression). */
  bytes: number
  saved: boolean
  /** Why it was not saved, when it was not. */
  reason?: string
  /** Credential files found in a kept directory and left out. */
  leftOut: string[]
}

/**
 * The tree for this build: this key's entry, else the newest of its prefix, else empty. Never
 * throws: a cache that cannot be read leaves the build without one (undefined), with a warning.
 */
export async function restoreBuildCache(
  settings: BuildCacheSettings,
  request: Omit<KeyRequest, 'sourcePaths'>,
  reporter: PhaseReporter,
): Promise<RestoredCache | undefined> {
  const { store } = settings
  let dir: string | undefined
  try {
    const { key, restorePrefix, lockfiles } = await buildCacheKey({
      ...request,
      sourcePaths: settings.sourcePaths,
    })
    const from = lockfiles.length ? `the lockfiles ${lockfiles.join(', ')}` : 'no lockfile'
    reporter.info(`key ${key}, from ${from}`)
    dir = await store.workDir()
    const restored = await store.restore(dir, key, restorePrefix)
    if (restored.reason)
      reporter.warning(
        `could not restore the build cache from the ${store.description}: ${restored.reason}`,
      )
    const state: CacheState = !restored.matched
      ? 'miss'
      : restored.matched === key
        ? 'hit'
        : 'partial'
    reporter.info(
      {
        hit: `restored ${key} from the ${store.description}`,
        partial: `restored ${restored.matched} from the ${store.description}; the lockfiles changed since`,
        miss: `no entry in the ${store.description} yet`,
      }[state],
    )
    const homeDir = join(dir, 'home')
    const sourceDir = join(dir, 'source')
    // Every mount needs its directory, restored or not.
    await Promise.all(
      [...HOME_CACHE_DIRS.map((path) => join(homeDir, path)), sourceDir].map((path) =>
        mkdir(path, { recursive: true }),
      ),
    )
    return {
      key,
      state,
      ...(restored.matched && { restoredKey: restored.matched }),
      lockfiles,
      dir,
      homeDir,
      sourceDir,
      sourcePaths: settings.sourcePaths,
    }
  } catch (error) {
    if (dir) await removeTree(dir).catch(() => {})
    reporter.warning(`the build runs without its build cache: ${(error as Error).message}`)
    return undefined
  }
}

/**
 * After a build that succeeded: a tree that misses its own entry is saved, once the credential
 * files a tool may have written into a kept directory are taken out and its size is within the
 * limit. Never throws: a cache that cannot be written does not fail a build.
 */
export async function saveBuildCache(
  cache: RestoredCache,
  settings: BuildCacheSettings,
  reporter: PhaseReporter,
): Promise<SavedCache> {
  const found = await survey(cache.dir)
  if (cache.state === 'hit')
    return { bytes: found.bytes, saved: false, reason: 'this key was restored', leftOut: [] }
  let bytes = found.bytes
  const leftOut: string[] = []
  for (const path of found.credentials) {
    const file = join(cache.dir, path)
    bytes -= (await lstat(file)).size
    await rm(file, { force: true })
    leftOut.push(`~/${path.slice('home/'.length)}`)
    reporter.warning(
      `left ~/${path.slice('home/'.length)} out of the build cache: credentials are never cached`,
    )
  }
  if (bytes > settings.limitBytes) {
    const reason = `${formatBytes(bytes)} is over the limit of ${formatBytes(settings.limitBytes)}`
    reporter.notice(`the build cache was not saved: ${reason}`)
    return { bytes, saved: false, reason, leftOut }
  }
  try {
    const saved = await settings.store.save(cache.dir, cache.key)
    if (saved.saved)
      reporter.info(
        `saved ${cache.key} (${formatBytes(bytes)}) to the ${settings.store.description}`,
      )
    else reporter.warning(`the build cache was not saved: ${saved.reason}`)
    return { bytes, leftOut, ...saved }
  } catch (error) {
    reporter.warning(`the build cache was not saved: ${(error as Error).message}`)
    return { bytes, saved: false, reason: (error as Error).message, leftOut }
  }
}

/** Removes the run's tree (it may hold gigabytes); quietly, as the runner wipes RUNNER_TEMP anyway. */
export async function discardBuildCache(cache: RestoredCache): Promise<void> {
  await removeTree(cache.dir).catch(() => {})
}

/**
 * One walk of the tree: its size, and the credential files under the kept home directories
 * (paths relative to the tree). Each directory's entries are looked at in parallel.
 */
async function survey(root: string): Promise<{ bytes: number; credentials: string[] }> {
  let bytes = 0
  const credentials: string[] = []
  const visit = async (dir: string): Promise<void> => {
    const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => [])
    await Promise.all(
      entries.map(async (entry) => {
        const path = dir ? `${dir}/${entry.name}` : entry.name
        if (entry.isDirectory()) return visit(path)
        const { size } = await lstat(join(root, path))
        bytes += size // after the await: `bytes +=` first would read a stale total
        if (path.startsWith('home/') && CREDENTIAL_FILES.has(entry.name)) credentials.push(path)
      }),
    )
  }
  await visit('')
  return { bytes, credentials: credentials.sort() }
}
