import { sign, type KeyObject } from 'node:crypto'
import { DIGESTS, signatureEntries, signatureMember } from '../apk/index.js'

/**
 * Which signatures packages and indexes carry: `rsa` is RSA PKCS#1 v1.5 over SHA-1, what abuild
 * writes and every apk reads; `rsa256` the same over SHA-256; `both` an RSA256 and an RSA one.
 */
export type SignatureChoice = 'rsa' | 'rsa256' | 'both'

export const SIGNATURE_CHOICES: readonly SignatureChoice[] = ['rsa', 'rsa256', 'both']

/** The choice as given (`option` names the input or flag), or an error saying what it can be. */
export function parseSignatureChoice(text: string, option: string): SignatureChoice {
  const choice = text.trim().toLowerCase()
  if ((SIGNATURE_CHOICES as readonly string[]).includes(choice)) return choice as SignatureChoice
  throw new Error(
    `${option} is ${JSON.stringify(text)}: expected one of ${SIGNATURE_CHOICES.join(', ')} (rsa: RSA/SHA-1, what every apk reads; rsa256: RSA/SHA-256; both: an RSA256 and an RSA signature)`,
  )
}

/** The types PAKman writes, of those apk checks (DIGESTS says what each signs). */
export type WrittenSignatureType = 'RSA' | 'RSA256'

/**
 * The signature types a choice writes, in file order. apk checks the first signature whose key it
 * trusts and skips types it does not know, so with both the stronger one comes first and an apk
 * without RSA256 still finds the RSA one.
 */
export function signatureTypes(choice: SignatureChoice): WrittenSignatureType[] {
  return choice === 'rsa' ? ['RSA'] : choice === 'rsa256' ? ['RSA256'] : ['RSA256', 'RSA']
}

/** The entry name apk looks a signature's key up by: .SIGN.<type>.<keyFile>. */
export function signatureEntryName(type: WrittenSignatureType, keyFile: string): string {
  return `.SIGN.${type}.${keyFile}`
}

/** The signature member(s) for `member` (the raw gzip member signed), as the choice says. */
export function signatures(
  member: Buffer,
  key: KeyObject,
  keyFile: string,
  mtime: number,
  choice: SignatureChoice,
): Buffer {
  return signatureEntries(
    signatureTypes(choice).map((type) => ({
      name: signatureEntryName(type, keyFile),
      signature: sign(DIGESTS[type], member, key),
    })),
    mtime,
  )
}

/**
 * Prepends the signature member(s) to a member (the merged indexes). `rsa` is the member PAKman's
 * merge has always written, kept byte for byte; the others are laid out as abuild-sign does.
 */
export function signMember(
  member: Buffer,
  key: KeyObject,
  keyFile: string,
  mtime: number,
  choice: SignatureChoice = 'rsa',
): Buffer {
  const head =
    choice === 'rsa'
      ? signatureMember(signatureEntryName('RSA', keyFile), sign('sha1', member, key), mtime)
      : signatures(member, key, keyFile, mtime, choice)
  return Buffer.concat([head, member])
}
