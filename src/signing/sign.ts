import { sign, type KeyObject } from 'node:crypto'
import { signatureMember } from '../apk/index.js'

/** Prepends a signature member (RSA = PKCS#1 v1.5 over SHA-1, as abuild-sign does by default). */
export function signMember(
  member: Buffer,
  key: KeyObject,
  keyName: string,
  mtime: number,
  algorithm: 'RSA' | 'RSA256' = 'RSA',
): Buffer {
  const signature = sign(algorithm === 'RSA' ? 'sha1' : 'sha256', member, key)
  return Buffer.concat([signatureMember(`.SIGN.${algorithm}.${keyName}`, signature, mtime), member])
}
