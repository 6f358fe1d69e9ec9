import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { findLockfiles } from '../sbom/index.js'

/** Bump when what an entry holds or where it is mounted changes, so older entries are not used. */
export const BUILD_CACHE_VERSION = 1

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
  // The in-tree cache paths are not searched: a restore fills them, with lockfiles of their own.
  const lockfiles = await findLockfiles(request.workspace, new Set(request.sourcePaths))
  const hash = createHash('sha256')
  for (const file of lockfiles) {
    hash.update(`${file}\0${digest(await readFile(join(request.workspace, file)))}\n`)
  }
  const restorePrefix = `pakman-build-${request.label}-${builds}-`
  return { key: restorePrefix + hash.digest('hex').slice(0, 16), restorePrefix, lockfiles }
}

function digest(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}
