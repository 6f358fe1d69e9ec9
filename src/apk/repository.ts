import { readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  checkIndexFile,
  checkPackageFile,
  type IndexEntry,
  type PackageCheck,
  type PackageOptions,
  type TrustedKeys,
  type Verdict,
  type Verification,
} from './verify.js'

export interface FileCheck {
  path: string
  verdict: Verdict | 'NOT_LISTED' | 'MISSING' | 'MISMATCH'
  reason: string
  /** The SHA-256 of the file's bytes, for a package or index read to its end. */
  sha256?: string
}

/**
 * Checks files and repository directories: every package and index verifies against the trusted
 * keys, and each APKINDEX lists exactly the packages beside it, with matching checksums and sizes.
 * Each package is read once, streaming, for its verdict and for what the listing compares; each
 * index once, for its verdict and its entries.
 */
export async function checkPaths(
  paths: readonly string[],
  keys: TrustedKeys,
  observe: PackageObserver = () => ({}),
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) checks.push(...(await checkTree(path, keys, observe)))
    else if (basename(path) === 'APKINDEX.tar.gz')
      checks.push(fileCheck(path, await checkIndexFile(path, keys)))
    else checks.push(fileCheck(path, await checkPackageFile(path, keys, observe(path))))
  }
  return checks
}

/** Who else reads a package's files as the one pass over it goes (the SBOM's check). */
export type PackageObserver = (path: string) => Pick<PackageOptions, 'onEntry' | 'onContent'>

async function checkTree(
  dir: string,
  keys: TrustedKeys,
  observe: PackageObserver,
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  const entries = await readdir(dir, { withFileTypes: true })
  for (const entry of entries) {
    if (entry.isDirectory()) checks.push(...(await checkTree(join(dir, entry.name), keys, observe)))
  }
  const files = entries.filter((e) => e.isFile()).map((e) => e.name)
  const packages = new Map<string, PackageCheck>()
  let listing: IndexEntry[] | undefined
  for (const name of files.filter((f) => f.endsWith('.apk') || f === 'APKINDEX.tar.gz').sort()) {
    const path = join(dir, name)
    if (name === 'APKINDEX.tar.gz') {
      const index = await checkIndexFile(path, keys)
      checks.push(fileCheck(path, index))
      listing = index.entries
      continue
    }
    const result = await checkPackageFile(path, keys, observe(path))
    packages.set(name, result)
    checks.push(fileCheck(path, result))
  }
  // An index that could not be read has no listing to compare; its own verdict says why.
  if (listing) checks.push(...checkListing(dir, files, listing, packages))
  return checks
}

function fileCheck(path: string, result: Verification & { sha256?: string }): FileCheck {
  return {
    path,
    verdict: result.verdict,
    reason: result.reason,
    ...(result.sha256 && { sha256: result.sha256 }),
  }
}

/** The index against the directory: nothing listed is missing or different, nothing present unlisted. */
function checkListing(
  dir: string,
  files: string[],
  entries: IndexEntry[],
  packages: ReadonlyMap<string, PackageCheck>,
): FileCheck[] {
  const checks: FileCheck[] = []
  const indexPath = join(dir, 'APKINDEX.tar.gz')
  const listed = new Set<string>()
  for (const entry of entries) {
    const name = `${entry.name}-${entry.version}.apk`
    const path = join(dir, name)
    listed.add(name)
    // Every .apk beside the index was checked, so one not in `packages` is not there.
    const found = packages.get(name)
    if (!found) {
      checks.push({ path, verdict: 'MISSING', reason: `listed in ${indexPath} but not present` })
      continue
    }
    // An unreadable control stream leaves no identity (its verdict says why); the size still compares.
    const { identity, size } = found
    if ((identity !== undefined && identity !== entry.checksum) || size !== entry.size) {
      checks.push({
        path,
        verdict: 'MISMATCH',
        reason: `the index says C:${entry.checksum} S:${entry.size}, the file is C:${identity ?? '(unreadable)'} S:${size}`,
      })
    }
  }
  for (const name of files.filter((f) => f.endsWith('.apk') && !listed.has(f))) {
    checks.push({ path: join(dir, name), verdict: 'NOT_LISTED', reason: `not in ${indexPath}` })
  }
  return checks
}
