import { readPackageFile } from '../apk/index.js'
import { SBOM_DIR } from './spdx.js'

/** An SBOM is a few MiB for the largest apps; more than this is not PAKman's. */
export const MAX_SBOM_BYTES = 64 * 1024 ** 2

/**
 * The SPDX document a package carries at /var/lib/db/sbom/, read in one streaming pass; undefined
 * when it has none. Signatures are not judged here.
 */
export async function readPackageSbom(
  path: string,
): Promise<{ path: string; document: Buffer } | undefined> {
  let found: string | undefined
  let reading = false
  const chunks: Buffer[] = []
  let bytes = 0
  const read = await readPackageFile(path, {
    onEntry: (entry) => {
      reading =
        found === undefined &&
        entry.type === 'file' &&
        entry.path.startsWith(`${SBOM_DIR}/`) &&
        entry.path.endsWith('.spdx.json')
      if (reading) found = entry.path
    },
    onContent: (chunk) => {
      if (!reading) return
      bytes += chunk.length
      if (bytes > MAX_SBOM_BYTES) throw new Error(`/${found} is over ${MAX_SBOM_BYTES} bytes`)
      chunks.push(chunk)
    },
  })
  if (read.verdict !== 'OK') throw new Error(`${read.verdict} - ${read.reason}`)
  return found === undefined ? undefined : { path: found, document: Buffer.concat(chunks) }
}

/** A dependency an SBOM names: what the application contains (CONTAINS) or needs (DEPENDS_ON). */
export interface ListedDependency {
  relationship: 'CONTAINS' | 'DEPENDS_ON'
  name: string
  version?: string
  purl?: string
}

interface SpdxPackage {
  SPDXID: string
  name: string
  versionInfo?: string
  externalRefs?: { referenceType?: string; referenceLocator?: string }[]
}

/** The packages the described package contains or depends on (its files left out), in order. */
export function listedDependencies(document: Buffer): ListedDependency[] {
  const parsed = JSON.parse(document.toString('utf8')) as {
    documentDescribes?: string[]
    packages?: SpdxPackage[]
    relationships?: {
      spdxElementId: string
      relationshipType: string
      relatedSpdxElement: string
    }[]
  }
  const described = new Set(parsed.documentDescribes ?? [])
  const packages = new Map((parsed.packages ?? []).map((p) => [p.SPDXID, p]))
  const listed: ListedDependency[] = []
  for (const r of parsed.relationships ?? []) {
    const related = packages.get(r.relatedSpdxElement)
    if (!described.has(r.spdxElementId) || !related) continue
    if (r.relationshipType !== 'CONTAINS' && r.relationshipType !== 'DEPENDS_ON') continue
    const purl = related.externalRefs?.find((e) => e.referenceType === 'purl')?.referenceLocator
    listed.push({
      relationship: r.relationshipType,
      name: related.name,
      ...(related.versionInfo && { version: related.versionInfo }),
      ...(purl && { purl }),
    })
  }
  return listed
}
