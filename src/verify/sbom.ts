import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import type { PackageObserver } from '../apk/index.js'
import type { BuiltFile } from '../abuild/index.js'
import { MAX_SBOM_BYTES, SBOM_DIR } from '../sbom/index.js'

/*
 * Each package's SBOM, read by the same pass that verifies the package: the document itself and
 * every file's SHA-1 as the package records it (the pass checks those against the content). An
 * SBOM must name exactly the package's files with those checksums; then a copy goes beside the
 * package, <name>-<version>.spdx.json, for the artifact, the release and the repository.
 */

const SHA1 = 'APK-TOOLS.checksum.SHA1'

interface Seen {
  /** Regular files and their recorded SHA-1, by path inside the package. */
  files: Map<string, string>
  sbomPath: string
  sbom: Buffer[]
  sbomBytes: number
}

export class PackageSboms {
  private readonly seen = new Map<string, Seen>()

  /** For checkPaths: collects what the pass reads of each package. */
  readonly observe: PackageObserver = (path) => {
    const seen: Seen = {
      files: new Map(),
      sbomPath: `${SBOM_DIR}/${basename(path, '.apk')}.spdx.json`,
      sbom: [],
      sbomBytes: 0,
    }
    this.seen.set(path, seen)
    let reading = false
    return {
      onEntry: (entry) => {
        reading = entry.path === seen.sbomPath
        if (entry.type === 'file') seen.files.set(entry.path, entry.pax[SHA1] ?? '')
        // A second name of a file is a file to the SBOM (find -type f lists it), with its content.
        if (entry.type === 'hardlink')
          seen.files.set(entry.path, seen.files.get(entry.linkTarget.replace(/^\.\//, '')) ?? '')
      },
      onContent: (chunk) => {
        if (!reading) return
        seen.sbomBytes += chunk.length
        if (seen.sbomBytes <= MAX_SBOM_BYTES) seen.sbom.push(chunk)
      },
    }
  }

  /**
   * Once every package verified: each one's SBOM checked against its files and copied beside it.
   * Throws naming each package whose SBOM is missing or does not match.
   */
  async writeBeside(packagesDir: string): Promise<BuiltFile[]> {
    const problems: string[] = []
    const written: BuiltFile[] = []
    for (const [path, seen] of this.seen) {
      const name = relative(packagesDir, path)
      const problem = sbomProblem(seen)
      if (problem) {
        problems.push(`${name}: ${problem}`)
        continue
      }
      const document = Buffer.concat(seen.sbom)
      const beside = join(dirname(path), `${basename(path, '.apk')}.spdx.json`)
      await writeFile(beside, document, { mode: 0o644 })
      const parsed = /^(.+)-([^-]+-r\d+)\.apk$/.exec(basename(path))
      written.push({
        path: beside,
        relativePath: relative(packagesDir, beside),
        kind: 'sbom',
        ...(parsed && { name: parsed[1]!, version: parsed[2]! }),
        arch: basename(dirname(path)),
        size: document.length,
        sha256: createHash('sha256').update(document).digest('hex'),
      })
    }
    if (problems.length)
      throw new Error(`the packages' SBOMs do not match their files:\n${problems.join('\n')}`)
    return written.sort((a, b) => a.relativePath.localeCompare(b.relativePath))
  }
}

/** Why a package's SBOM cannot be trusted to describe it; undefined when it can. */
function sbomProblem(seen: Seen): string | undefined {
  if (!seen.files.has(seen.sbomPath)) return `no SBOM at /${seen.sbomPath}`
  if (seen.sbomBytes > MAX_SBOM_BYTES) return `/${seen.sbomPath} is over ${MAX_SBOM_BYTES} bytes`
  let listed: Map<string, string>
  try {
    listed = filesOf(JSON.parse(Buffer.concat(seen.sbom).toString('utf8')))
  } catch (error) {
    return `/${seen.sbomPath} is not an SPDX document: ${(error as Error).message}`
  }
  const differences: string[] = []
  for (const [path, sha1] of seen.files) {
    if (path === seen.sbomPath) continue
    const said = listed.get(path)
    if (said === undefined) differences.push(`/${path} is not listed`)
    else if (said !== sha1) differences.push(`/${path} is listed with SHA-1 ${said}, holds ${sha1}`)
  }
  for (const path of listed.keys())
    if (!seen.files.has(path)) differences.push(`/${path} is listed but not in the package`)
  if (!differences.length) return undefined
  const shown = differences.slice(0, 5).join('; ')
  return differences.length > 5 ? `${shown}; and ${differences.length - 5} more` : shown
}

/** The document's files by path (without ./) with their SHA-1. */
function filesOf(document: unknown): Map<string, string> {
  const files = (document as { files?: unknown }).files
  if (!Array.isArray(files)) throw new Error('no files list')
  const listed = new Map<string, string>()
  for (const file of files as { fileName?: unknown; checksums?: unknown }[]) {
    if (typeof file.fileName !== 'string' || !Array.isArray(file.checksums))
      throw new Error('a file without fileName or checksums')
    const sha1 = (file.checksums as { algorithm?: string; checksumValue?: string }[]).find(
      (c) => c.algorithm === 'SHA1',
    )?.checksumValue
    listed.set(file.fileName.replace(/^\.\//, ''), sha1 ?? '')
  }
  return listed
}
