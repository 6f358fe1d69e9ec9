import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Bump when what an entry holds or where it is mounted changes, so older entries are not used. */
export const BUILD_CACHE_VERSION = 1

/** Lockfiles whose content names the dependencies a build command installs. */
const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'Gemfile.lock',
  'mix.lock',
  'go.sum',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'composer.lock',
])
const isLockfile = (name: string) => LOCKFILES.has(name) || /^requirements.*\.txt$/.test(name)

/**
 * Never searched: PAKman's own directories, git's, and installed dependencies (whose packages
 * carry lockfiles of their own), besides the in-tree cache paths, which a restore fills.
 */
const SKIPPED_DIRS = new Set(['.git', '.apk', '.pakman', 'node_modules'])

export interface KeyRequest {
  workspace: string
  /** The stack and architecture, e.g. alpine-3.20-x86_64. */
  label: string
  /** The build environment's packages: another toolchain, another entry. */
  packages: readonly string[]
  packageName: string
  /** In-tree paths kept (build-cache-paths), relative to the workspace. */
  sourcePaths: readonly string[]
}

export interface CacheKey {
  key: string
  /** What a miss restores from instead: the newest entry of the same stack, arch and deps. */
  restorePrefix: string
  /** The lockfiles found, relative to the workspace, sorted. */
  lockfiles: string[]
}

/**
 * pakman-build-<label>-<what builds>-<lockfiles>: an unchanged workspace hits its own entry; a
 * changed lockfile misses and restores the newest entry that differs only in the lockfiles.
 */
export async function buildCacheKey(request: KeyRequest): Promise<CacheKey> {
  const builds = digest(
    JSON.stringify({
      version: BUILD_CACHE_VERSION,
      packages: [...new Set(request.packages)].sort(),
      package: request.packageName,
      paths: [...request.sourcePaths].sort(),
    }),
  ).slice(0, 12)
  const skipped = new Set(request.sourcePaths)
  const lockfiles = (await findLockfiles(request.workspace, '', skipped)).sort()
  const hash = createHash('sha256')
  for (const file of lockfiles) {
    hash.update(`${file}\0${digest(await readFile(join(request.workspace, file)))}\n`)
  }
  const restorePrefix = `pakman-build-${request.label}-${builds}-`
  return { key: restorePrefix + hash.digest('hex').slice(0, 16), restorePrefix, lockfiles }
}

async function findLockfiles(root: string, dir: string, skipped: Set<string>): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => [])
  // Directories side by side: a checkout with its build output has thousands of them.
  const found = await Promise.all(
    entries.map((entry) => {
      const path = dir ? `${dir}/${entry.name}` : entry.name
      if (entry.isDirectory())
        return SKIPPED_DIRS.has(entry.name) || skipped.has(path)
          ? []
          : findLockfiles(root, path, skipped)
      return entry.isFile() && isLockfile(entry.name) ? [path] : []
    }),
  )
  return found.flat()
}

function digest(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}
