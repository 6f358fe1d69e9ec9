/*
 * Every key and signature operation: key files read and checked, the signing key derived and
 * written for abuild (which signs the packages in the container), the keys a check trusts, and the
 * merged indexes signed here.
 */

export {
  checkKeyName,
  KeyError,
  prepareSigningKey,
  publicKeyOf,
  readKeyFile,
  readPrivateKey,
  removeSigningKey,
  secretsOf,
  type KeyInput,
  type SigningKey,
} from './key.js'
export { signMember } from './sign.js'
export { loadTrustedKeys } from './trust.js'
