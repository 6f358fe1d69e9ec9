import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  checkPackageFile,
  MAX_INDEX_BYTES,
  readIndex,
  verifyIndex,
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
}

export type CheckOptions = Pick<PackageOptions, 'maxInflatedBytes'>

/**
 * Checks files and repository directories: every package and index verifies against the trusted
 * keys, and each APKINDEX lists exactly the packages beside it, with matching checksums and sizes.
 * Each package is read once, streaming, for its verdict and for what the listing compares.
 */
export async function checkPaths(
  paths: readonly string[],
  keys: TrustedKeys,
  options: CheckOptions = {},
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) checks.push(...(await checkTree(path, keys, options)))
    else if (basename(path) === 'APKINDEX.tar.gz') checks.push(await checkIndex(path, keys))
    else checks.push(fileCheck(path, await checkPackageFile(path, keys, options)))
  }
  return checks
}

async function checkTree(
  dir: string,
  keys: TrustedKeys,
  options: CheckOptions,
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  const entries = await readdir(dir, { withFileTypes: true })
  for (const entry of entries) {
    if (entry.isDirectory()) checks.push(...(await checkTree(join(dir, entry.name), keys, options)))
  }
  const files = entries.filter((e) => e.isFile()).map((e) => e.name)
  const packages = new Map<string, PackageCheck>()
  for (const name of files.filter((f) => f.endsWith('.apk') || f === 'APKINDEX.tar.gz').sort()) {
    const path = join(dir, name)
    if (name === 'APKINDEX.tar.gz') {
      checks.push(await checkIndex(path, keys))
      continue
    }
    const result = await checkPackageFile(path, keys, options)
    packages.set(name, result)
    checks.push(fileCheck(path, result))
  }
  if (files.includes('APKINDEX.tar.gz')) checks.push(...(await checkListing(dir, files, packages)))
  return checks
}

function fileCheck(path: string, result: Verification): FileCheck {
  return { path, verdict: result.verdict, reason: result.reason }
}

async function checkIndex(path: string, keys: TrustedKeys): Promise<FileCheck> {
  const { size } = await stat(path)
  // Not even read into memory past the limit; readIndex refuses it too.
  if (size > MAX_INDEX_BYTES)
    return {
      path,
      verdict: 'TOO_LARGE',
      reason: `the index is ${size} bytes, more than the ${MAX_INDEX_BYTES} PAKman reads (MAX_INDEX_BYTES)`,
    }
  return fileCheck(path, verifyIndex(await readFile(path), keys))
}

/** The index against the directory: nothing listed is missing or different, nothing present unlisted. */
async function checkListing(
  dir: string,
  files: string[],
  packages: ReadonlyMap<string, PackageCheck>,
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  const indexPath = join(dir, 'APKINDEX.tar.gz')
  let entries
  try {
    if ((await stat(indexPath)).size > MAX_INDEX_BYTES) return checks // checkIndex said so
    entries = readIndex(await readFile(indexPath)).entries
  } catch {
    return checks // already reported by checkIndex
  }
  const listed = new Set<string>()
  for (const entry of entries) {
    const name = `${entry.name}-${entry.version}.apk`
    const path = join(dir, name)
    listed.add(name)
    const found = packages.get(name)
    if (!files.includes(name) || !found) {
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
    checks.push({
      path: join(dir, name),
      verdict: 'NOT_LISTED',
      reason: `not in ${join(dirname(join(dir, name)), 'APKINDEX.tar.gz')}`,
    })
  }
  return checks
}
