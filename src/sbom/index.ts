/*
 * What a package says about itself: the SPDX document PAKman puts in every package, and what it
 * lists of the application's own dependencies, read from the lockfiles in its workspace as
 * components with their purls and the digests the lockfiles record. The lockfile walk is here
 * too; the build cache's key uses it.
 */

export {
  findLockfiles,
  isLockfile,
  readLockfiles,
  SKIPPED_DIRS,
  type Checksum,
  type Component,
  type LockfileProblem,
  type LockfileReport,
  type PurlType,
} from './lockfiles/index.js'
export { packageUrl, type PurlParts } from './purl.js'
export {
  listedDependencies,
  MAX_SBOM_BYTES,
  readPackageSbom,
  type ListedDependency,
} from './read.js'
export {
  SBOM_DIR,
  SBOM_MARKERS,
  sbomPath,
  sbomTemplate,
  type SbomComponent,
  type SbomSubject,
} from './spdx.js'
