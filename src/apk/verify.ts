import { createHash, createPublicKey, verify as rsaVerify, type KeyObject } from 'node:crypto'
import { ArchiveError, splitGzipMembers, type GzipMember } from './streams.js'
import { readTar, type TarEntry } from './tar.js'

/*
 * Verifies APK v2 packages and APKINDEX files the way apk-tools 2 does, and says why not in its
 * terms: OK, UNTRUSTED (no signature by a trusted key), BAD_SIGNATURE (a signature, datahash or
 * file checksum that does not match), IO_ERROR (a damaged stream), BAD_ARCHIVE (a cut-off file).
 */

export type Verdict = 'OK' | 'UNTRUSTED' | 'BAD_SIGNATURE' | 'IO_ERROR' | 'BAD_ARCHIVE'

export interface Verification {
  verdict: Verdict
  reason: string
  /** The key that signed it, when a trusted signature verified. */
  signedBy?: string
}

/** Trusted public keys by file name (`<name>.rsa.pub`), as in /etc/apk/keys. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>

export function trustedKeys(entries: Iterable<[name: string, pem: string]>): TrustedKeys {
  return new Map([...entries].map(([name, pem]) => [name, createPublicKey(pem)]))
}

export interface Signature {
  algorithm: 'RSA' | 'RSA256' | 'RSA512'
  keyName: string
  bytes: Buffer
}

export interface ApkPackage {
  members: GzipMember[]
  signatures: Signature[]
  control: TarEntry[]
  data: TarEntry[]
  /** `.PKGINFO` as [key, value] pairs in file order; keys repeat. */
  pkginfo: [string, string][]
  /** The package identity apk uses (index C:): Q1 + base64 SHA-1 of the raw control member. */
  identity: string
}

const DIGESTS = { RSA: 'sha1', RSA256: 'sha256', RSA512: 'sha512' } as const

export function readPackage(file: Buffer): ApkPackage {
  const members = splitGzipMembers(file)
  const first = readTar(members[0]?.content ?? Buffer.alloc(0))
  const signed = first.length > 0 && first.every((e) => e.path.startsWith('.SIGN.'))
  const [control, data] = signed ? [members[1], members[2]] : [members[0], members[1]]
  if (!control) throw new ArchiveError('BAD_ARCHIVE', 'no control stream')
  const controlEntries = readTar(control.content)
  const pkginfoEntry = controlEntries.find((e) => e.path === '.PKGINFO')
  if (!pkginfoEntry) throw new ArchiveError('BAD_ARCHIVE', 'no .PKGINFO in the control stream')
  return {
    members,
    signatures: signed ? first.map(signatureOf) : [],
    control: controlEntries,
    data: data ? readTar(data.content) : [],
    pkginfo: parseKeyValues(pkginfoEntry.content.toString('utf8')),
    identity: `Q1${createHash('sha1').update(control.raw).digest('base64')}`,
  }
}

export function verifyPackage(file: Buffer, keys: TrustedKeys): Verification {
  let pkg: ApkPackage
  try {
    pkg = readPackage(file)
  } catch (error) {
    return archiveFailure(error)
  }
  const signedIndex = pkg.signatures.length ? 1 : 0
  const control = pkg.members[signedIndex]!
  const data = pkg.members[signedIndex + 1]
  const datahash = pkg.pkginfo.find(([key]) => key === 'datahash')?.[1]
  // With datahash the signature covers the control stream only; without it, control and data.
  const signedBytes = datahash || !data ? control.raw : Buffer.concat([control.raw, data.raw])
  const signature = checkSignatures(pkg.signatures, signedBytes, keys)
  if (signature.verdict !== 'OK') return signature
  if (datahash) {
    if (!data) return { verdict: 'BAD_ARCHIVE', reason: 'no data stream' }
    const actual = createHash('sha256').update(data.raw).digest('hex')
    if (actual !== datahash)
      return {
        verdict: 'BAD_SIGNATURE',
        reason: `data stream sha256 ${actual} is not the datahash ${datahash}`,
      }
  }
  for (const entry of pkg.data) {
    const expected = entry.pax['APK-TOOLS.checksum.SHA1']
    if (!expected) continue
    const content = entry.type === 'symlink' ? entry.linknameField : entry.content
    const actual = createHash('sha1').update(content).digest('hex')
    if (actual !== expected)
      return {
        verdict: 'BAD_SIGNATURE',
        reason: `${entry.path}: SHA-1 ${actual} is not the recorded ${expected}`,
      }
  }
  return signature
}

export interface ApkIndex {
  members: GzipMember[]
  signatures: Signature[]
  description: string
  entries: IndexEntry[]
}

export interface IndexEntry {
  /** Fields in order, as [letter, value]. */
  fields: [string, string][]
  name: string
  version: string
  checksum: string
  size: number
  arch: string
}

export function readIndex(file: Buffer): ApkIndex {
  const members = splitGzipMembers(file)
  const first = readTar(members[0]?.content ?? Buffer.alloc(0))
  const signed = first.length > 0 && first.every((e) => e.path.startsWith('.SIGN.'))
  const body = members[signed ? 1 : 0]
  if (!body) throw new ArchiveError('BAD_ARCHIVE', 'no index stream')
  const files = readTar(body.content)
  const text = files.find((e) => e.path === 'APKINDEX')?.content.toString('utf8')
  if (text === undefined) throw new ArchiveError('BAD_ARCHIVE', 'no APKINDEX in the index stream')
  return {
    members,
    signatures: signed ? first.map(signatureOf) : [],
    description: files.find((e) => e.path === 'DESCRIPTION')?.content.toString('utf8') ?? '',
    entries: parseIndexText(text),
  }
}

export function verifyIndex(file: Buffer, keys: TrustedKeys): Verification {
  let index: ApkIndex
  try {
    index = readIndex(file)
  } catch (error) {
    return archiveFailure(error)
  }
  return checkSignatures(
    index.signatures,
    index.members[index.signatures.length ? 1 : 0]!.raw,
    keys,
  )
}

export function parseIndexText(text: string): IndexEntry[] {
  return text
    .split(/\n\n+/)
    .map((block) => block.split('\n').filter(Boolean))
    .filter((lines) => lines.length)
    .map((lines) => {
      const fields = lines.map((line): [string, string] => [line.slice(0, 1), line.slice(2)])
      const get = (letter: string) => fields.find(([l]) => l === letter)?.[1] ?? ''
      return {
        fields,
        name: get('P'),
        version: get('V'),
        checksum: get('C'),
        size: Number(get('S')),
        arch: get('A'),
      }
    })
}

function checkSignatures(signatures: Signature[], signed: Buffer, keys: TrustedKeys): Verification {
  const trusted = signatures.filter((s) => keys.has(s.keyName))
  if (!trusted.length) {
    return {
      verdict: 'UNTRUSTED',
      reason: signatures.length
        ? `signed by ${signatures.map((s) => s.keyName).join(', ')}, which is not trusted`
        : 'not signed',
    }
  }
  for (const signature of trusted) {
    const ok = rsaVerify(
      DIGESTS[signature.algorithm],
      signed,
      keys.get(signature.keyName)!,
      signature.bytes,
    )
    if (!ok) {
      return {
        verdict: 'BAD_SIGNATURE',
        reason: `the ${signature.algorithm} signature by ${signature.keyName} does not match`,
      }
    }
  }
  return { verdict: 'OK', reason: 'signature verified', signedBy: trusted[0]!.keyName }
}

function signatureOf(entry: TarEntry): Signature {
  const match = /^\.SIGN\.(RSA|RSA256|RSA512)\.(.+)$/.exec(entry.path)
  if (!match) throw new ArchiveError('BAD_ARCHIVE', `unknown signature entry ${entry.path}`)
  return { algorithm: match[1] as Signature['algorithm'], keyName: match[2]!, bytes: entry.content }
}

function parseKeyValues(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line): [string, string] => {
      const eq = line.indexOf(' = ')
      return eq < 0 ? [line.trim(), ''] : [line.slice(0, eq), line.slice(eq + 3)]
    })
}

function archiveFailure(error: unknown): Verification {
  if (error instanceof ArchiveError) return { verdict: error.kind, reason: error.message }
  return { verdict: 'BAD_ARCHIVE', reason: (error as Error).message }
}
