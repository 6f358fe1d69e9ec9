import { randomBytes } from 'node:crypto'
import { copyFile, mkdir, rename, stat } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runEnvironment } from '../github/index.js'

/**
 * Where saved environment images are kept between runs. Both backends store one file per key;
 * `file` is the local path the image archive is written to or read from.
 */
export interface ImageCache {
  readonly description: string
  /** The local path this run writes the image archive to and restores it at. */
  archivePath(): string
  /** Puts the entry for `key` at `file`; false on a miss. Errors become misses, with a reason. */
  restore(key: string, file: string): Promise<{ hit: boolean; reason?: string }>
  /** Stores `file` under `key`; returns the bytes stored, or a reason it was not. */
  save(key: string, file: string): Promise<{ saved: boolean; bytes?: number; reason?: string }>
}

/** PAKman's directory of caches on this machine: $XDG_CACHE_HOME/pakman, else ~/.cache/pakman. */
export function localCacheDir(): string {
  return join(runEnvironment().cacheHome ?? join(homedir(), '.cache'), 'pakman')
}

/** A directory on this machine (the CLI's ~/.cache/pakman, and tests). */
export class DirectoryCache implements ImageCache {
  readonly description: string

  constructor(private readonly dir = localCacheDir()) {
    this.description = `directory ${dir}`
  }

  /** A path of its own for each run, so builds running at once on one machine never share it. */
  archivePath(): string {
    return join(tmpdir(), `pakman-environment-${randomBytes(6).toString('hex')}.tar.zst`)
  }

  async restore(key: string, file: string): Promise<{ hit: boolean; reason?: string }> {
    const entry = this.entry(key)
    try {
      await stat(entry)
    } catch {
      return { hit: false }
    }
    await mkdir(dirname(file), { recursive: true })
    await copyFile(entry, file)
    return { hit: true }
  }

  async save(
    key: string,
    file: string,
  ): Promise<{ saved: boolean; bytes?: number; reason?: string }> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const entry = this.entry(key)
    const partial = `${entry}.partial-${process.pid}`
    await copyFile(file, partial)
    await rename(partial, entry) // readers never see a half-written entry
    return { saved: true, bytes: (await stat(entry)).size }
  }

  private entry(key: string): string {
    return join(this.dir, `${key}.tar.zst`)
  }
}

/** The GitHub Actions cache, through the real @actions/cache client. */
export class ActionsCache implements ImageCache {
  readonly description = 'GitHub Actions cache'

  /** Always the same: @actions/cache versions entries by the exact paths given. */
  archivePath(): string {
    return join(tmpdir(), 'pakman-environment.tar.zst')
  }

  async restore(key: string, file: string): Promise<{ hit: boolean; reason?: string }> {
    // Exact key only: an older environment would snowball into every later entry.
    const restored = await restoreFromActionsCache(file, key)
    return { hit: restored.matched === key, ...(restored.reason && { reason: restored.reason }) }
  }

  async save(
    key: string,
    file: string,
  ): Promise<{ saved: boolean; bytes?: number; reason?: string }> {
    const saved = await saveToActionsCache(file, key)
    return saved.saved ? { saved: true, bytes: (await stat(file)).size } : saved
  }
}

/**
 * The real @actions/cache client, for both caches: `path` (a file or a directory, at the same path
 * every run, as entries are versioned by it) restored from `key`, else from the newest entry
 * starting with one of `restoreKeys`. Errors become misses, with a reason.
 */
export async function restoreFromActionsCache(
  path: string,
  key: string,
  restoreKeys: string[] = [],
): Promise<{ matched?: string; reason?: string }> {
  const cache = await import('@actions/cache')
  // Said once, by save: a job without the cache service restores nothing, quietly.
  if (!cache.isFeatureAvailable()) return {}
  try {
    const matched = await cache.restoreCache([path], key, restoreKeys)
    return matched ? { matched } : {}
  } catch (error) {
    return { reason: (error as Error).message }
  }
}

/** Stores `path` under `key`; never throws. */
export async function saveToActionsCache(
  path: string,
  key: string,
): Promise<{ saved: boolean; reason?: string }> {
  const cache = await import('@actions/cache')
  if (!cache.isFeatureAvailable())
    return { saved: false, reason: 'the Actions cache service is not available to this job' }
  try {
    // saveCache reports most failures by returning -1 rather than throwing.
    const id = await cache.saveCache([path], key)
    return id === -1
      ? { saved: false, reason: 'the cache service did not accept the entry (see the log above)' }
      : { saved: true }
  } catch (error) {
    return { saved: false, reason: (error as Error).message }
  }
}
