import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { localCacheDir, restoreFromActionsCache, saveToActionsCache } from '../environment/index.js'

/**
 * Where build cache entries are kept between runs. An entry is a directory tree: the store packs
 * it on save and unpacks it on restore, into the run's work directory.
 */
export interface BuildCacheStore {
  readonly description: string
  /** An empty directory for this run's tree; the Actions cache needs the same path every run. */
  workDir(): Promise<string>
  /**
   * Fills `dir` from the entry `key`, else from the newest entry whose key starts with `prefix`.
   * `matched` is the key restored (none on a miss); errors are misses, with a reason.
   */
  restore(dir: string, key: string, prefix: string): Promise<{ matched?: string; reason?: string }>
  /** Stores the tree at `dir` under `key`. */
  save(dir: string, key: string): Promise<{ saved: boolean; reason?: string }>
}

/** Entries kept per stack, architecture and dependencies in a directory store: older ones go. */
const KEPT_PER_PREFIX = 3

/** The CLI's store: one zstd tar per entry in ~/.cache/pakman/build. */
export class DirectoryBuildCache implements BuildCacheStore {
  readonly description: string

  constructor(private readonly dir = join(localCacheDir(), 'build')) {
    this.description = `directory ${this.dir}`
  }

  /** A directory of its own per run, so builds running at once on one machine never share it. */
  workDir(): Promise<string> {
    return mkdtemp(join(tmpdir(), 'pakman-build-cache-'))
  }

  async restore(dir: string, key: string, prefix: string) {
    const entries = await this.entries(prefix)
    const entry = entries.find((e) => e.key === key) ?? entries[0]
    if (!entry) return {}
    try {
      await tar(['--zstd', '-xf', entry.file, '-C', dir])
      return { matched: entry.key }
    } catch (error) {
      return { reason: `${entry.file}: ${(error as Error).message}` }
    }
  }

  async save(dir: string, key: string) {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const file = join(this.dir, `${key}.tar.zst`)
    const partial = `${file}.partial-${process.pid}`
    try {
      await tar(['--zstd', '-cf', partial, '-C', dir, '.'])
      await rename(partial, file) // readers never see a half-written entry
    } catch (error) {
      await rm(partial, { force: true })
      return { saved: false, reason: (error as Error).message }
    }
    const prefix = key.slice(0, key.lastIndexOf('-') + 1)
    for (const old of (await this.entries(prefix)).slice(KEPT_PER_PREFIX))
      await rm(old.file, { force: true })
    return { saved: true }
  }

  /** The entries whose key starts with `prefix`, newest first. */
  private async entries(prefix: string): Promise<{ key: string; file: string; mtime: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    const found = []
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tar.zst')) continue
      const file = join(this.dir, name)
      const info = await stat(file).catch(() => undefined)
      if (info) found.push({ key: name.slice(0, -'.tar.zst'.length), file, mtime: info.mtimeMs })
    }
    return found.sort((a, b) => b.mtime - a.mtime)
  }
}

/** The GitHub Actions cache, through the real @actions/cache client, with restore keys. */
export class ActionsBuildCache implements BuildCacheStore {
  readonly description = 'GitHub Actions cache'

  /** `tempDir`: RUNNER_TEMP, whose path is the same in every run of a job. */
  constructor(private readonly tempDir: string) {}

  /** Always the same path: @actions/cache versions entries by the exact paths given. */
  async workDir(): Promise<string> {
    const dir = join(this.tempDir, 'pakman-build-cache')
    await removeTree(dir)
    await mkdir(dir, { recursive: true })
    return dir
  }

  restore(dir: string, key: string, prefix: string) {
    return restoreFromActionsCache(dir, key, [prefix])
  }

  save(dir: string, key: string) {
    return saveToActionsCache(dir, key)
  }
}

async function tar(args: string[]): Promise<void> {
  try {
    await promisify(execFile)('tar', args, { maxBuffer: 1 << 20 })
  } catch (error) {
    const failure = error as { stderr?: string; message: string }
    throw new Error(`tar failed: ${failure.stderr?.trim().split('\n').pop() || failure.message}`, {
      cause: error,
    })
  }
}

/**
 * Removes a tree the build user's tools wrote. Go's module cache is read-only (abuild before 3.16
 * has no -modcacherw), so directories are made writable first.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true })
  } catch {
    await promisify(execFile)('chmod', ['-R', 'u+w', dir]).catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
}
