/*
 * The APK v2 format, read and written: packages and APKINDEX streamed and verified as apk-tools
 * does, index members laid out for signing, repository directories checked whole.
 */

export { checkPaths, type FileCheck, type PackageObserver } from './repository.js'
export {
  checkIndexFile,
  checkPackageFile,
  checkSignatures,
  DIGESTS,
  identityOf,
  MAX_CONTROL_BYTES,
  MAX_INDEX_BYTES,
  MAX_INFLATED_BYTES,
  readIndex,
  readPackage,
  readPackageFile,
  trustedKeys,
  verifyIndex,
  verifyPackage,
  verifyPackageStream,
  type ApkIndex,
  type ApkPackage,
  type IndexCheck,
  type PackageCheck,
  type PackageOptions,
  type TrustedKeys,
  type Verdict,
  type Verification,
} from './verify.js'
export { readHead, replaceHead } from './head.js'
export {
  indexMember,
  indexText,
  signatureEntries,
  signatureMember,
  type IndexedPackage,
} from './write.js'
