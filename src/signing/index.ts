/*
 * Every key and signature operation: the signing key checked, derived and written for abuild (which
 * signs the packages in the container), and the merged indexes signed here.
 */

export {
  checkKeyName,
  KeyError,
  prepareSigningKey,
  publicKeyOf,
  readPrivateKey,
  removeSigningKey,
  secretsOf,
  type KeyInput,
  type SigningKey,
} from './key.js'
export { signMember } from './sign.js'
