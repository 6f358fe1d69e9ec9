import { createPrivateKey, sign, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { splitGzipMembers } from '../../src/apk/streams.js'
import { readTar } from '../../src/apk/tar.js'
import { isSignatureMember } from '../../src/apk/verify.js'
import { signatureEntries } from '../../src/apk/write.js'
import { SHARED } from './shared.js'

/*
 * Packages and indexes with the signatures a test asks for, in the order it asks, made from the
 * real vectors: the member they sign is the vector's own, byte for byte.
 */

export const VECTORS = join(SHARED, 'vectors/apk')
export const PAKMAN_KEY = 'pakman-test@example.invalid-6b08b41c.rsa.pub'
export const OTHER_KEY = 'other-test@example.invalid-6b08b420.rsa.pub'
export const vectorKey = (name: string) => readFileSync(join(VECTORS, 'keys', name), 'utf8')
export const vectorPrivateKey = (name: string): KeyObject =>
  createPrivateKey(vectorKey(name.replace(/\.pub$/, '')))

export interface TestSignature {
  /** RSA, RSA256, RSA512, or a type apk does not know (ED25519, DSA). */
  type: string
  keyFile: string
  /** `bad`: a well-formed signature by the same key over other bytes. */
  good: boolean
}

const DIGEST: Record<string, string> = { RSA: 'sha1', RSA256: 'sha256', RSA512: 'sha512' }

/**
 * `file` with its signature members replaced by `signatures`, in order: in one member (as PAKman
 * writes them), or one member each (as abuild-sign run once per signature leaves them).
 */
export function withSignatures(
  file: Buffer,
  signatures: readonly TestSignature[],
  layout: 'one member' | 'a member each' = 'one member',
): Buffer {
  const members = splitGzipMembers(file)
  const signedAt = members.findIndex((m) => !isSignatureMember(readTar(m.content)))
  const signed = members[signedAt]!.raw
  const entries = signatures.map((s) => ({
    name: `.SIGN.${s.type}.${s.keyFile}`,
    signature: sign(
      DIGEST[s.type] ?? 'sha1',
      s.good ? signed : Buffer.from('other bytes'),
      vectorPrivateKey(s.keyFile),
    ),
  }))
  const head =
    layout === 'one member'
      ? [signatureEntries(entries, 1735689600)]
      : entries.map((e) => signatureEntries([e], 1735689600))
  return Buffer.concat([...head, ...members.slice(signedAt).map((m) => m.raw)])
}

/**
 * The several-signature packages of VERDICTS-apk3.md, made from vector-notes as described there:
 * `dual-rsa256-ok-rsa-bad` is an RSA256 signature over the control member, then an RSA one over
 * other bytes, both by pakman-test; `otherrsa` is signed by other-test; `unknown-type-then-` puts
 * a .SIGN.ED25519. entry first.
 */
export function verdictsPackage(name: string): Buffer {
  const signatures: TestSignature[] = []
  let rest = name.replace(/\.apk$/, '').replace(/^(dual|single)-/, '')
  if (rest.startsWith('unknown-type-then-')) {
    signatures.push({ type: 'ED25519', keyFile: PAKMAN_KEY, good: true })
    rest = rest.slice('unknown-type-then-'.length)
  }
  for (const [, type, verdict] of rest.matchAll(/(otherrsa|rsa512|rsa256|rsa)(?:-(ok|bad))?/g)) {
    signatures.push({
      type: type === 'otherrsa' ? 'RSA' : type!.toUpperCase(),
      keyFile: type === 'otherrsa' ? OTHER_KEY : PAKMAN_KEY,
      good: verdict !== 'bad',
    })
  }
  const base = readFileSync(join(VECTORS, 'good/noarch/x86_64/vector-notes-1.0-r0.apk'))
  return withSignatures(base, signatures)
}
