import { readdir, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'

export interface BuiltFile {
  /** Absolute path. */
  path: string
  /** Relative to the packages directory: <repo>/<arch>/<file>. */
  relativePath: string
  /** sbom: the copy verify puts beside a package (see verify/sbom.ts). */
  kind: 'package' | 'index' | 'sbom'
  /** For packages and SBOMs: name, version and arch parsed from <name>-<ver>-r<rel>.apk. */
  name?: string
  version?: string
  arch: string
  size: number
  sha256: string
}

/** A file abuild wrote, before verification gives its digest (read once, in verify's pass). */
export type CollectedFile = Omit<BuiltFile, 'sha256'>

/** Lists what abuild wrote into REPODEST (<repo>/<arch>/*.apk and APKINDEX.tar.gz). */
export async function collectBuiltFiles(packagesDir: string): Promise<CollectedFile[]> {
  const files: CollectedFile[] = []
  for (const path of await walk(packagesDir)) {
    const base = path.split('/').at(-1)!
    const isIndex = base === 'APKINDEX.tar.gz'
    if (!isIndex && !base.endsWith('.apk')) continue
    const rel = relative(packagesDir, path)
    const arch = rel.split('/').at(-2) ?? ''
    const parsed = /^(.+)-([^-]+-r\d+)\.apk$/.exec(base)
    files.push({
      path,
      relativePath: rel,
      kind: isIndex ? 'index' : 'package',
      ...(parsed && { name: parsed[1], version: parsed[2] }),
      arch,
      size: (await stat(path)).size,
    })
  }
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath))
}

/**
 * The collect phase: what abuild wrote, each file logged with its size. No package at all means
 * the recipe's arch= left this architecture out, which is said with the config's list.
 */
export async function collectPackages(
  packagesDir: string,
  expected: { arch: string; configName: string; architectures?: readonly string[] },
  log: (line: string) => void,
): Promise<CollectedFile[]> {
  const found = await collectBuiltFiles(packagesDir)
  if (!found.some((f) => f.kind === 'package')) {
    throw new Error(
      `abuild wrote no packages for ${expected.arch}: the APKBUILD's arch= does not include it (${expected.configName} architectures: ${expected.architectures?.join(', ') ?? 'not set'})`,
    )
  }
  for (const file of found) log(`${file.relativePath} ${file.size} bytes`)
  return found
}

/** The collected files with the digests verification read (every one of them verified). */
export function withDigests(
  files: readonly CollectedFile[],
  digests: ReadonlyMap<string, string>,
): BuiltFile[] {
  return files.map((file) => {
    const sha256 = digests.get(file.relativePath)
    if (!sha256) throw new Error(`${file.relativePath} was not verified`)
    return { ...file, sha256 }
  })
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []),
    ),
  )
  return nested.flat()
}
