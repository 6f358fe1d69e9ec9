/*
 * What a package says about itself: the SPDX document PAKman puts in every package.
 */

export {
  SBOM_DIR,
  SBOM_MARKERS,
  sbomPath,
  sbomTemplate,
  type SbomComponent,
  type SbomSubject,
} from './spdx.js'
