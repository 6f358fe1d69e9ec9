import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { isLockfile } from './formats.js'

/**
 * Never searched: PAKman's own directories, git's, and where package managers install or build
 * dependencies, whose own lockfiles are not the application's (node_modules, Bundler's and
 * Composer's vendor, Mix's deps and _build, Python's virtualenvs, Cargo's target).
 */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.apk',
  '.pakman',
  'node_modules',
  'vendor',
  'deps',
  '_build',
  '.venv',
  'venv',
  'target',
])

/**
 * The lockfiles in a workspace, relative to it with posix separators, sorted; `skipped` names
 * more directories (relative paths) not to search, such as the in-tree paths a cache restores.
 */
export async function findLockfiles(
  workspace: string,
  skipped: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const search = async (dir: string): Promise<string[]> => {
    const entries = await readdir(join(workspace, dir), { withFileTypes: true }).catch(() => [])
    // Directories side by side: a checkout with its build output has thousands of them.
    const found = await Promise.all(
      entries.map((entry) => {
        const path = dir ? `${dir}/${entry.name}` : entry.name
        if (entry.isDirectory())
          return SKIPPED_DIRS.has(entry.name) || skipped.has(path) ? [] : search(path)
        return entry.isFile() && isLockfile(entry.name) ? [path] : []
      }),
    )
    return found.flat()
  }
  return (await search('')).sort()
}
