import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
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

/** Lists what abuild wrote into REPODEST (<repo>/<arch>/*.apk and APKINDEX.tar.gz). */
export async function collectBuiltFiles(packagesDir: string): Promise<BuiltFile[]> {
  const files: BuiltFile[] = []
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
      sha256: await sha256File(path),
    })
  }
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath))
}

/**
 * The collect phase: what abuild wrote, each file logged with its size and digest. No package at
 * all means the recipe's arch= left this architecture out, which is said with the config's list.
 */
export async function collectPackages(
  packagesDir: string,
  expected: { arch: string; configName: string; architectures?: readonly string[] },
  log: (line: string) => void,
): Promise<BuiltFile[]> {
  const found = await collectBuiltFiles(packagesDir)
  if (!found.some((f) => f.kind === 'package')) {
    throw new Error(
      `abuild wrote no packages for ${expected.arch}: the APKBUILD's arch= does not include it (${expected.configName} architectures: ${expected.architectures?.join(', ') ?? 'not set'})`,
    )
  }
  for (const file of found) log(`${file.relativePath} ${file.size} bytes sha256:${file.sha256}`)
  return found
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

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject)
  })
}
