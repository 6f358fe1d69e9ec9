import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  readIndex,
  readPackage,
  verifyIndex,
  verifyPackage,
  type TrustedKeys,
  type Verdict,
} from './verify.js'

export interface FileCheck {
  path: string
  verdict: Verdict | 'NOT_LISTED' | 'MISSING' | 'MISMATCH'
  reason: string
}

/**
 * Checks files and repository directories: every package and index verifies against the trusted
 * keys, and each APKINDEX lists exactly the packages beside it, with matching checksums and sizes.
 */
export async function checkPaths(
  paths: readonly string[],
  keys: TrustedKeys,
): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) checks.push(...(await checkTree(path, keys)))
    else checks.push(await checkFile(path, keys))
  }
  return checks
}

async function checkTree(dir: string, keys: TrustedKeys): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  const entries = await readdir(dir, { withFileTypes: true })
  for (const entry of entries) {
    if (entry.isDirectory()) checks.push(...(await checkTree(join(dir, entry.name), keys)))
  }
  const files = entries.filter((e) => e.isFile()).map((e) => e.name)
  for (const name of files.filter((f) => f.endsWith('.apk') || f === 'APKINDEX.tar.gz').sort()) {
    checks.push(await checkFile(join(dir, name), keys))
  }
  if (files.includes('APKINDEX.tar.gz')) checks.push(...(await checkListing(dir, files)))
  return checks
}

async function checkFile(path: string, keys: TrustedKeys): Promise<FileCheck> {
  const bytes = await readFile(path)
  const result =
    basename(path) === 'APKINDEX.tar.gz' ? verifyIndex(bytes, keys) : verifyPackage(bytes, keys)
  return { path, verdict: result.verdict, reason: result.reason }
}

/** The index against the directory: nothing listed is missing or different, nothing present unlisted. */
async function checkListing(dir: string, files: string[]): Promise<FileCheck[]> {
  const checks: FileCheck[] = []
  let entries
  try {
    entries = readIndex(await readFile(join(dir, 'APKINDEX.tar.gz'))).entries
  } catch {
    return checks // already reported by checkFile
  }
  const listed = new Set<string>()
  for (const entry of entries) {
    const name = `${entry.name}-${entry.version}.apk`
    const path = join(dir, name)
    listed.add(name)
    if (!files.includes(name)) {
      checks.push({
        path,
        verdict: 'MISSING',
        reason: `listed in ${join(dir, 'APKINDEX.tar.gz')} but not present`,
      })
      continue
    }
    const bytes = await readFile(path)
    let identity: string | undefined
    try {
      identity = readPackage(bytes).identity
    } catch {
      // unreadable: checkFile says why; the size can still be compared
    }
    if ((identity !== undefined && identity !== entry.checksum) || bytes.length !== entry.size) {
      checks.push({
        path,
        verdict: 'MISMATCH',
        reason: `the index says C:${entry.checksum} S:${entry.size}, the file is C:${identity ?? '(unreadable)'} S:${bytes.length}`,
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
