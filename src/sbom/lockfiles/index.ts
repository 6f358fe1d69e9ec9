export { isLockfile } from './formats.js'
export { readLockfiles } from './read.js'
export {
  type Checksum,
  type Component,
  type LockfileProblem,
  type LockfileReport,
  type PurlType,
} from './types.js'
export { findLockfiles, SKIPPED_DIRS } from './walk.js'
