/*
 * Every key and signature operation: key files read and checked, the signing key derived and
 * written for abuild (which signs the packages in the container), the keys a check trusts, the
 * merged indexes signed here, and packages and indexes re-signed here for rsa256 and both.
 */

export {
  checkKeyName,
  isPublicKeyFile,
  KeyError,
  prepareSigningKey,
  publicKeyFileName,
  publicKeyOf,
  readKeyFile,
  readPrivateKey,
  removeSigningKey,
  secretsOf,
  type KeyInput,
  type SigningKey,
} from './key.js'
export { resignFiles, type Resigning } from './resign.js'
export {
  parseSignatureChoice,
  SIGNATURE_CHOICES,
  signatureEntryName,
  signatureTypes,
  signMember,
  type SignatureChoice,
} from './sign.js'
export { loadTrustedKeys } from './trust.js'
