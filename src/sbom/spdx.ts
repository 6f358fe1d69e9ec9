/*
 * The SPDX 2.3 document PAKman puts in every package. PAKman knows everything in it but the
 * files before abuild runs: the package, its runtime dependencies and the application's locked
 * dependencies. So it writes the document as a template (`<package>.spdx.in` in the recipe) with
 * markers where the build adds what only it knows: the files with their checksums, the package
 * verification code, the architecture, the time (SOURCE_DATE_EPOCH) and the namespace, which is
 * derived from the finished content so that one commit always gives the same bytes.
 */

import { packageUrl } from './purl.js'

/** Where a package keeps its SBOM, as melange does: /var/lib/db/sbom/<name>-<version>.spdx.json. */
export const SBOM_DIR = 'var/lib/db/sbom'

/** The SBOM's path inside a package, without the leading slash. */
export function sbomPath(packageName: string, version: string): string {
  return `${SBOM_DIR}/${packageName}-${version}.spdx.json`
}

/** What the build fills in; each marker is alone on its line or inside one JSON string. */
export const SBOM_MARKERS = {
  files: '@PAKMAN-FILES@',
  fileRelationships: '@PAKMAN-FILE-RELATIONSHIPS@',
  verificationCode: '@PAKMAN-VERIFICATION-CODE@',
  arch: '@PAKMAN-ARCH@',
  created: '@PAKMAN-CREATED@',
  namespace: '@PAKMAN-NAMESPACE@',
} as const

/** A dependency of the application, as read from a lockfile. */
export interface SbomComponent {
  name: string
  version: string
  purl: string
  checksum?: { algorithm: 'SHA1' | 'SHA256' | 'SHA512'; value: string }
}

export interface SbomSubject {
  /** The apk package the document describes (the main package or a subpackage). */
  name: string
  /** pkgver-r<pkgrel>. */
  version: string
  /** The repository the package is built from. */
  owner: string
  repo: string
  /** The commit built, when git can tell it. */
  commit?: string
  /** depends= of this package, as written (`name`, `name>=1.2`, `!conflict`). */
  depends: readonly string[]
  /** The application's locked dependencies, in the package's files (the main package only). */
  components: readonly SbomComponent[]
  /** The version of PAKman writing it. */
  tool: string
}

/** SPDX identifiers allow letters, digits, `.` and `-`. */
function spdxId(kind: string, name: string): string {
  return `SPDXRef-${kind}-${name.replace(/[^A-Za-z0-9.-]+/g, '-')}`
}

/** The template of one package's document; the build's shell (see recipe/) completes it. */
export function sbomTemplate(subject: SbomSubject): string {
  const self = spdxId('Package', subject.name)
  // The arch is the build's: a marker, added after packageUrl (which would encode it).
  const purl = `${packageUrl({ type: 'apk', namespace: subject.owner, name: subject.name, version: subject.version })}?arch=${SBOM_MARKERS.arch}`
  const url = `https://github.com/${subject.owner}/${subject.repo}`
  const runtime = subject.depends
    .filter((d) => !d.startsWith('!'))
    .map((d, i) => ({
      // The name before a version constraint; the constraint itself is the package's comment.
      name: /^[^<>=~]+/.exec(d)![0],
      constraint: d,
      id: spdxId('Runtime', `${i + 1}`),
    }))
  const components = subject.components.map((c, i) => ({
    ...c,
    id: spdxId('Dependency', `${i + 1}`),
  }))
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${subject.name}-${subject.version}`,
    // Unique per content: the build puts the document's own digest in place of the marker.
    documentNamespace: `${url}/spdx/${subject.name}-${subject.version}-${SBOM_MARKERS.namespace}`,
    creationInfo: { created: SBOM_MARKERS.created, creators: [`Tool: pakman-${subject.tool}`] },
    documentDescribes: [self],
    packages: [
      {
        SPDXID: self,
        name: subject.name,
        versionInfo: subject.version,
        supplier: `Organization: ${subject.owner}`,
        downloadLocation: subject.commit ? `git+${url}.git@${subject.commit}` : url,
        ...(subject.commit && { sourceInfo: `built from ${url} at commit ${subject.commit}` }),
        filesAnalyzed: true,
        packageVerificationCode: {
          packageVerificationCodeValue: SBOM_MARKERS.verificationCode,
          packageVerificationCodeExcludedFiles: [`./${sbomPath(subject.name, subject.version)}`],
        },
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: 'APPLICATION',
        externalRefs: [purlRef(purl)],
      },
      ...runtime.map((r) => ({
        SPDXID: r.id,
        name: r.name,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        ...(r.constraint !== r.name && { comment: `depends on ${r.constraint}` }),
      })),
      ...components.map((c) => ({
        SPDXID: c.id,
        name: c.name,
        versionInfo: c.version,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        ...(c.checksum && {
          checksums: [{ algorithm: c.checksum.algorithm, checksumValue: c.checksum.value }],
        }),
        externalRefs: [purlRef(c.purl)],
      })),
    ],
    files: [],
    relationships: [
      relationship('SPDXRef-DOCUMENT', 'DESCRIBES', self),
      ...runtime.map((r) => relationship(self, 'DEPENDS_ON', r.id)),
      ...components.map((c) => relationship(self, 'CONTAINS', c.id)),
    ],
  }
  return `${markFiles(JSON.stringify(document, null, 2), self)}\n`
}

function purlRef(purl: string) {
  return { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl }
}

function relationship(from: string, type: string, to: string) {
  return { spdxElementId: from, relationshipType: type, relatedSpdxElement: to }
}

/**
 * Puts the two list markers where the build's lines go: the files into `"files": []`, the
 * package's CONTAINS relationships for them after the last relationship. A marker closes its
 * line, so the build appends `,` and the entries right there (none: the JSON stays as it is).
 */
function markFiles(json: string, self: string): string {
  const files = json.replace(/^ {2}"files": \[\],$/m, `  "files": [${SBOM_MARKERS.files}\n  ],`)
  const lastRelationship = files.lastIndexOf('\n  ]\n}')
  return `${files.slice(0, lastRelationship)}${SBOM_MARKERS.fileRelationships}${self}${files.slice(lastRelationship)}`
}
