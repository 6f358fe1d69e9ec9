import {
  createHash,
  createPublicKey,
  createVerify,
  verify as rsaVerify,
  type Hash,
  type KeyObject,
  type Verify,
} from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import {
  ArchiveError,
  gzipMembers,
  readGzipMembers,
  splitGzipMembers,
  type GzipMember,
  type MemberSink,
} from './streams.js'
import { readTar, TarReader, type TarEntry, type TarHeader } from './tar.js'

/*
 * Verifies APK v2 packages and APKINDEX files the way apk-tools 2 does, and says why not in its
 * terms: OK, UNTRUSTED (no signature by a trusted key), BAD_SIGNATURE (a signature, datahash or
 * file checksum that does not match), IO_ERROR (a damaged stream), BAD_ARCHIVE (a cut-off file);
 * and TOO_LARGE, PAKman's own, for a file that inflates past what PAKman reads.
 *
 * A package is read in one pass, as apk reads it: the signature and control streams (small, kept
 * whole) first, and the signature checked over the raw control stream before any data is touched;
 * then the data stream, streamed once for its datahash, the SHA-1 of every file and the listing.
 */

export type Verdict =
  'OK' | 'UNTRUSTED' | 'BAD_SIGNATURE' | 'IO_ERROR' | 'BAD_ARCHIVE' | 'TOO_LARGE'

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

/**
 * The signature types apk-tools checks, and the digest each signs. Any other type is skipped,
 * .SIGN.DSA. included: apk 2.14.4 gives UNTRUSTED for a package whose only signature is one.
 */
export const DIGESTS = { RSA512: 'sha512', RSA256: 'sha256', RSA: 'sha1' } as const
type SignatureType = keyof typeof DIGESTS

export interface Signature {
  /** The entry's name: .SIGN.<type>.<key file name>. */
  entry: string
  /** undefined: a type apk does not know (such as ED25519), which it skips. */
  algorithm: SignatureType | undefined
  keyName: string
  bytes: Buffer
}

export interface ApkPackage {
  members: GzipMember[]
  signatures: Signature[]
  control: TarEntry[]
  /** The data stream's entries, without their content. */
  data: TarHeader[]
  /** `.PKGINFO` as [key, value] pairs in file order; keys repeat. */
  pkginfo: [string, string][]
  /** The package identity apk uses (index C:): Q1 + base64 SHA-1 of the raw control member. */
  identity: string
}

/**
 * The most a package may inflate to, all streams together: far above any application package
 * (the largest seen are under 2 GiB inflated), and a bound on the time a hostile one can take.
 */
export const MAX_INFLATED_BYTES = 8 * 1024 ** 3
/** The signature and control streams are kept whole (raw and inflated) until the signature is checked. */
export const MAX_CONTROL_BYTES = 16 * 1024 ** 2

export interface PackageOptions {
  /** Overrides MAX_INFLATED_BYTES. */
  maxInflatedBytes?: number
  /** Receives each data entry as the pass reaches it: the package's file listing. */
  onEntry?: (entry: TarHeader) => void
  /** Receives the content of the data entry onEntry last gave, piece by piece. */
  onContent?: (chunk: Buffer) => void
}

/** A package file's verdict, with what the pass learned of it for an index. */
export interface PackageCheck extends Verification {
  /** The file's size in bytes (S: in an index). */
  size: number
  /** The SHA-256 of the file's bytes, when the pass read them all: its published digest. */
  sha256?: string
  /** Q1 identity, once the control stream was read. */
  identity?: string
  pkginfo?: [string, string][]
}

/** Verifies a package file in one streaming pass; memory stays bounded whatever its size. */
export async function checkPackageFile(
  path: string,
  keys: TrustedKeys,
  options: PackageOptions = {},
): Promise<PackageCheck> {
  const { size } = await stat(path)
  // The file's digest comes from the same read, rather than a second pass over a large file.
  const digest = createHash('sha256')
  let hashed = 0
  const source = Readable.from(
    hashChunks(createReadStream(path, { highWaterMark: 256 * 1024 }), (chunk) => {
      digest.update(chunk)
      hashed += chunk.length
    }),
  )
  const check = await verifyPackageStream(source, keys, options)
  return { ...check, size, ...(hashed === size && { sha256: digest.digest('hex') }) }
}

async function* hashChunks(
  source: AsyncIterable<Buffer>,
  each: (chunk: Buffer) => void,
): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    each(chunk)
    yield chunk
  }
}

/**
 * Reads a package file in the same streaming pass without judging its signatures: what it holds
 * (through options' onEntry and onContent), not whether to trust it; `pakman verify` says that.
 */
export async function readPackageFile(
  path: string,
  options: PackageOptions,
): Promise<Omit<PackageCheck, 'size'>> {
  return verifyPackageStream(
    createReadStream(path, { highWaterMark: 256 * 1024 }),
    undefined,
    options,
  )
}

/** The streaming pass over a package's bytes from any source (checkPackageFile's, and tests'). */
export async function verifyPackageStream(
  source: Readable,
  /** undefined: read, not verified (readPackageFile). */
  keys: TrustedKeys | undefined,
  options: PackageOptions = {},
): Promise<Omit<PackageCheck, 'size'>> {
  const pass = new PackagePass(keys, options)
  let verification: Verification
  try {
    await readGzipMembers(source, pass)
    verification = pass.finish()
  } catch (error) {
    // The file system's errors (unreadable, a directory) are not verdicts on the package.
    if ((error as NodeJS.ErrnoException).syscall) throw error
    verification = archiveFailure(error)
  }
  return { ...verification, identity: pass.identity, pkginfo: pass.pkginfo }
}

/** Reads a package held in memory (small files, tests) with the same pass, listing its data. */
export function readPackage(file: Buffer): ApkPackage {
  const data: TarHeader[] = []
  const pass = new PackagePass(undefined, { onEntry: (entry) => data.push(entry) })
  const members = runOnBuffer(file, pass)
  pass.finish()
  return {
    members,
    signatures: pass.signatures,
    control: pass.control!,
    data,
    pkginfo: pass.pkginfo!,
    identity: pass.identity!,
  }
}

/** Verifies a package held in memory with the same pass (the signature still first). */
export function verifyPackage(
  file: Buffer,
  keys: TrustedKeys,
  options: PackageOptions = {},
): Verification {
  const pass = new PackagePass(keys, options)
  try {
    runOnBuffer(file, pass)
    return pass.finish()
  } catch (error) {
    return archiveFailure(error)
  }
}

/** Feeds a Buffer's members to the pass, one at a time, until it asks to stop. */
function runOnBuffer(file: Buffer, pass: PackagePass): GzipMember[] {
  const members: GzipMember[] = []
  for (const member of gzipMembers(file, pass.maxInflated)) {
    members.push(member)
    pass.start()
    pass.raw(member.raw)
    pass.content(member.content)
    if (!pass.end()) break
  }
  return members
}

/**
 * What one pass over a package's members does with them. Without keys it only reads (the listing
 * for readPackage); with keys it stops at the first verdict it can give without the data: no
 * trusted signature, or one that does not match.
 */
class PackagePass implements MemberSink {
  signatures: Signature[] = []
  control: TarEntry[] | undefined
  pkginfo: [string, string][] | undefined
  identity: string | undefined
  /** head: a member before the control stream, a signature member or the control stream itself. */
  private role: 'head' | 'data' | 'after' = 'head'
  /** Bytes of signature entries kept so far, across the signature members. */
  private signatureBytes = 0
  private raws: Buffer[] = []
  private contents: Buffer[] = []
  private kept = 0
  private inflated = 0
  readonly maxInflated: number
  /** A verdict reached before the data (the signature's). */
  private early: Verification | undefined
  private signedBy: string | undefined
  private datahash: string | undefined
  private dataHash: Hash | undefined
  /** Without datahash the signature covers control and data: checked as the data streams past. */
  private pending: { signature: Signature; verify: Verify } | undefined
  /** Set at the data stream's start: any member after it is 'after'. */
  private tar: TarReader | undefined
  private tarError: unknown
  private file: { header: TarHeader; expected: string; hash: Hash } | undefined
  private checksumFailure: string | undefined

  constructor(
    private readonly keys: TrustedKeys | undefined,
    private readonly options: PackageOptions,
  ) {
    this.maxInflated = options.maxInflatedBytes ?? MAX_INFLATED_BYTES
  }

  start(): void {
    if (!this.control) this.role = 'head'
    else if (!this.tar) {
      this.role = 'data'
      if (this.datahash) this.dataHash = createHash('sha256')
      this.tar = new TarReader({
        entry: (header) => this.entry(header),
        body: (chunk) => {
          this.file?.hash.update(chunk)
          this.options.onContent?.(chunk)
        },
        end: () => this.entryEnd(),
      })
    } else this.role = 'after'
  }

  raw(chunk: Buffer): void {
    if (this.role === 'head') {
      this.keep(chunk.length)
      this.raws.push(chunk)
    } else if (this.role === 'data') {
      this.dataHash?.update(chunk)
      this.pending?.verify.update(chunk)
    }
  }

  content(chunk: Buffer): void {
    this.inflated += chunk.length
    if (this.inflated > this.maxInflated)
      throw new ArchiveError(
        'TOO_LARGE',
        `the package inflates to more than ${this.maxInflated} bytes, the most PAKman reads (MAX_INFLATED_BYTES)`,
      )
    if (this.role === 'head') {
      this.keep(chunk.length)
      this.contents.push(chunk)
    } else if (this.role === 'data' && this.tarError === undefined) {
      // A damaged tar is reported after the gzip checks, which say more (as when read whole).
      try {
        this.tar!.write(chunk)
      } catch (error) {
        if (error instanceof ArchiveError && error.kind === 'TOO_LARGE') throw error
        this.tarError = error
      }
    }
  }

  end(): boolean {
    if (this.role === 'head') {
      const raw = Buffer.concat(this.raws)
      const content = Buffer.concat(this.contents)
      this.raws = []
      this.contents = []
      this.kept = 0
      const entries = readTar(content)
      // Signatures may come in several members (abuild-sign run twice): all precede the control.
      if (isSignatureMember(entries)) {
        this.signatureBytes += raw.length + content.length
        if (this.signatureBytes > MAX_CONTROL_BYTES)
          throw new ArchiveError(
            'TOO_LARGE',
            `the signature members are more than ${MAX_CONTROL_BYTES} bytes, raw and inflated together, the most PAKman keeps (MAX_CONTROL_BYTES)`,
          )
        this.signatures.push(...entries.map(signatureOf))
        return true
      }
      return this.readControl(raw, entries)
    }
    if (this.role === 'data' && this.tarError === undefined) {
      try {
        this.tar!.end()
      } catch (error) {
        this.tarError = error
      }
    }
    return true
  }

  /** The verdict once the pass is over (or stopped early). */
  finish(): Verification {
    if (this.early) return this.early
    if (!this.control) throw new ArchiveError('BAD_ARCHIVE', 'no control stream')
    if (this.tarError !== undefined) throw this.tarError
    if (!this.keys) return { verdict: 'OK', reason: 'read, not verified' }
    const pending = this.pending
    if (
      pending &&
      !pending.verify.verify(this.keys.get(pending.signature.keyName)!, pending.signature.bytes)
    )
      return signatureMismatch(pending.signature)
    if (this.datahash) {
      if (!this.dataHash) return { verdict: 'BAD_ARCHIVE', reason: 'no data stream' }
      const actual = this.dataHash.digest('hex')
      if (actual !== this.datahash)
        return {
          verdict: 'BAD_SIGNATURE',
          reason: `data stream sha256 ${actual} is not the datahash ${this.datahash}`,
        }
    }
    if (this.checksumFailure) return { verdict: 'BAD_SIGNATURE', reason: this.checksumFailure }
    return { verdict: 'OK', reason: 'signature verified', signedBy: this.signedBy! }
  }

  private keep(length: number): void {
    this.kept += length
    if (this.kept > MAX_CONTROL_BYTES)
      throw new ArchiveError(
        'TOO_LARGE',
        `a signature or control stream is more than ${MAX_CONTROL_BYTES} bytes, raw and inflated together, the most PAKman keeps before the signature is checked (MAX_CONTROL_BYTES)`,
      )
  }

  private readControl(raw: Buffer, entries: TarEntry[]): boolean {
    const pkginfo = entries.find((e) => e.path === '.PKGINFO')
    if (!pkginfo) throw new ArchiveError('BAD_ARCHIVE', 'no .PKGINFO in the control stream')
    this.control = entries
    this.pkginfo = parseKeyValues(pkginfo.content.toString('utf8'))
    this.identity = identityOf(raw)
    this.datahash = this.pkginfo.find(([key]) => key === 'datahash')?.[1] || undefined
    if (!this.keys) return true
    // With datahash the signature covers the control stream only; without it, control and data.
    if (this.datahash) {
      const verdict = checkSignatures(this.signatures, raw, this.keys)
      if (verdict.verdict !== 'OK') this.early = verdict
      this.signedBy = verdict.signedBy
      return !this.early
    }
    const deciding = decidingSignature(this.signatures, this.keys)
    if (!deciding) {
      this.early = untrusted(this.signatures)
      return false
    }
    this.pending = { signature: deciding, verify: createVerify(deciding.digest).update(raw) }
    this.signedBy = deciding.keyName
    return true
  }

  private entry(header: TarHeader): void {
    const left = this.maxInflated - this.inflated
    if (header.size > left)
      throw new ArchiveError(
        'TOO_LARGE',
        `${header.path} is ${header.size} bytes, more than the ${left} left of the ${this.maxInflated} bytes a package may inflate to, the most PAKman reads (MAX_INFLATED_BYTES)`,
      )
    this.options.onEntry?.(header)
    const expected = header.pax['APK-TOOLS.checksum.SHA1']
    if (!expected) return
    const hash = createHash('sha1')
    // apk checksums a symlink's target as stored in the ustar linkname field.
    if (header.type === 'symlink') hash.update(header.linknameField)
    this.file = { header, expected, hash }
  }

  private entryEnd(): void {
    const file = this.file
    this.file = undefined
    if (!file || this.checksumFailure) return
    const actual = file.hash.digest('hex')
    if (actual !== file.expected)
      this.checksumFailure = `${file.header.path}: SHA-1 ${actual} is not the recorded ${file.expected}`
  }
}

export interface ApkIndex {
  members: GzipMember[]
  signatures: Signature[]
  /** The member the signatures cover (the index stream): the one after the signature members. */
  signedMember: number
  description: string
  /** The APKINDEX entry's mtime (SOURCE_DATE_EPOCH in abuild's). */
  mtime: number
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

/** An index is read whole; a repository of thousands of packages has one of a few MiB. */
export const MAX_INDEX_BYTES = 64 * 1024 ** 2

function indexTooLarge(size: number): ArchiveError {
  return new ArchiveError(
    'TOO_LARGE',
    `the index is ${size} bytes, more than the ${MAX_INDEX_BYTES} PAKman reads (MAX_INDEX_BYTES)`,
  )
}

export function readIndex(file: Buffer): ApkIndex {
  if (file.length > MAX_INDEX_BYTES) throw indexTooLarge(file.length)
  const members = splitGzipMembers(file, MAX_INDEX_BYTES)
  const signatures: Signature[] = []
  let body = 0
  for (; body < members.length; body++) {
    const entries = readTar(members[body]!.content)
    if (!isSignatureMember(entries)) break
    signatures.push(...entries.map(signatureOf))
  }
  if (!members[body]) throw new ArchiveError('BAD_ARCHIVE', 'no index stream')
  const files = readTar(members[body]!.content)
  const apkindex = files.find((e) => e.path === 'APKINDEX')
  if (!apkindex) throw new ArchiveError('BAD_ARCHIVE', 'no APKINDEX in the index stream')
  return {
    members,
    signatures,
    signedMember: body,
    description: files.find((e) => e.path === 'DESCRIPTION')?.content.toString('utf8') ?? '',
    mtime: apkindex.mtime,
    entries: parseIndexText(apkindex.content.toString('utf8')),
  }
}

/** A member of signature entries only: what precedes the member they sign. */
export function isSignatureMember(entries: readonly Pick<TarEntry, 'path'>[]): boolean {
  return entries.length > 0 && entries.every((e) => e.path.startsWith('.SIGN.'))
}

export function verifyIndex(file: Buffer, keys: TrustedKeys): Verification {
  let index: ApkIndex
  try {
    index = readIndex(file)
  } catch (error) {
    return archiveFailure(error)
  }
  return indexSignatures(index, keys)
}

/** An index file's verdict, with its entries when it could be read (a listing to compare). */
export interface IndexCheck extends Verification {
  entries?: IndexEntry[]
  /** The SHA-256 of the file's bytes. */
  sha256?: string
}

/** Verifies an index file, read once; one past MAX_INDEX_BYTES is not even read into memory. */
export async function checkIndexFile(path: string, keys: TrustedKeys): Promise<IndexCheck> {
  const { size } = await stat(path)
  if (size > MAX_INDEX_BYTES) return archiveFailure(indexTooLarge(size))
  // The file system's errors (unreadable) are not verdicts on the index: they throw.
  const bytes = await readFile(path)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  let index: ApkIndex
  try {
    index = readIndex(bytes)
  } catch (error) {
    return { ...archiveFailure(error), sha256 }
  }
  return { ...indexSignatures(index, keys), entries: index.entries, sha256 }
}

function indexSignatures(index: ApkIndex, keys: TrustedKeys): Verification {
  return checkSignatures(index.signatures, index.members[index.signedMember]!.raw, keys)
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

/**
 * apk's rule: the signature entries are walked in order, types it does not know are skipped, and
 * the first whose key is trusted (its file is in the keys directory) is the only one checked; a
 * later signature neither rescues a bad one nor is looked at (VERDICTS-apk3.md, several signatures).
 */
function decidingSignature(
  signatures: readonly Signature[],
  keys: TrustedKeys,
): (Signature & { digest: (typeof DIGESTS)[SignatureType] }) | undefined {
  const found = signatures.find((s) => s.algorithm && keys.has(s.keyName))
  return found && { ...found, digest: DIGESTS[found.algorithm!] }
}

export function checkSignatures(
  signatures: readonly Signature[],
  signed: Buffer,
  keys: TrustedKeys,
): Verification {
  const deciding = decidingSignature(signatures, keys)
  if (!deciding) return untrusted(signatures)
  if (!rsaVerify(deciding.digest, signed, keys.get(deciding.keyName)!, deciding.bytes))
    return signatureMismatch(deciding)
  return { verdict: 'OK', reason: 'signature verified', signedBy: deciding.keyName }
}

function untrusted(signatures: readonly Signature[]): Verification {
  const known = signatures.filter((s) => s.algorithm)
  const skipped = signatures.filter((s) => !s.algorithm).map((s) => s.entry)
  const also = skipped.length
    ? `; skipped, of a type apk does not check: ${skipped.join(', ')}`
    : ''
  return {
    verdict: 'UNTRUSTED',
    reason: known.length
      ? `signed by ${known.map((s) => s.keyName).join(', ')}, which is not trusted${also}`
      : signatures.length
        ? `no signature of a type apk checks${also}`
        : 'not signed',
  }
}

function signatureMismatch(signature: Signature): Verification {
  return {
    verdict: 'BAD_SIGNATURE',
    reason: `the ${signature.algorithm} signature by ${signature.keyName} does not match`,
  }
}

/** A .SIGN.<type>.<key> entry as apk reads its name: the longest known type that fits. */
export function signatureOf(entry: Pick<TarEntry, 'path' | 'content'>): Signature {
  const rest = entry.path.slice('.SIGN.'.length)
  const algorithm = (Object.keys(DIGESTS) as SignatureType[]).find((type) =>
    rest.startsWith(`${type}.`),
  )
  const dot = rest.indexOf('.')
  return {
    entry: entry.path,
    algorithm,
    keyName: algorithm ? rest.slice(algorithm.length + 1) : rest.slice(dot + 1),
    bytes: entry.content,
  }
}

/** The package identity apk uses (index C:): Q1 + base64 SHA-1 of the raw control member. */
export function identityOf(controlMember: Buffer): string {
  return `Q1${createHash('sha1').update(controlMember).digest('base64')}`
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
