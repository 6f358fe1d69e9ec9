export { checkPaths, type FileCheck } from './repository.js'
export { loadTrustedKeys, TrustError } from './trust.js'
export {
  readIndex,
  readPackage,
  trustedKeys,
  verifyIndex,
  verifyPackage,
  type ApkIndex,
  type ApkPackage,
  type TrustedKeys,
  type Verdict,
  type Verification,
} from './verify.js'
export { indexMember, indexText, signMember, type IndexedPackage } from './write.js'
