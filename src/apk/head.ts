import { createReadStream, createWriteStream } from 'node:fs'
import { chmod, rename, rm, stat } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { handOver } from '../ownership/index.js'
import { ArchiveError, readGzipMembers, type MemberSink } from './streams.js'
import { readTar } from './tar.js'
import { isSignatureMember, MAX_CONTROL_BYTES, signatureOf, type Signature } from './verify.js'

/*
 * The head of a package or APKINDEX: the signature members at its start and the member they sign
 * (the control stream, the index stream). Re-signing replaces the signature members and keeps
 * every byte after them, so the package's content, its identity (C:, the SHA-1 of the control
 * member) and its datahash stay what abuild made; only the file's size changes.
 */

export interface FileHead {
  signatures: Signature[]
  /** The signature entries' mtime (abuild writes SOURCE_DATE_EPOCH, else the signing time). */
  signatureMtime: number | undefined
  /** Bytes of signature members at the start of the file; 0 when it is unsigned. */
  signatureLength: number
  /** The raw member the signatures cover, as it is in the file. */
  signed: Buffer
}

/**
 * Reads a file up to the end of the member its signatures cover, and no further: a package's
 * data is not touched. `maxMemberBytes` bounds each member kept (an index's is larger).
 */
export async function readHead(
  path: string,
  maxMemberBytes: number = MAX_CONTROL_BYTES,
): Promise<FileHead> {
  const sink = new HeadSink(maxMemberBytes)
  await readGzipMembers(createReadStream(path, { highWaterMark: 256 * 1024 }), sink)
  if (!sink.signed)
    throw new ArchiveError('BAD_ARCHIVE', `${path} has no member after its signatures`)
  return {
    signatures: sink.signatures,
    signatureMtime: sink.mtime,
    signatureLength: sink.signatureLength,
    signed: sink.signed,
  }
}

class HeadSink implements MemberSink {
  signatures: Signature[] = []
  mtime: number | undefined
  signatureLength = 0
  signed: Buffer | undefined
  private raws: Buffer[] = []
  private contents: Buffer[] = []
  private kept = 0

  constructor(private readonly maxMemberBytes: number) {}

  start(): void {
    this.raws = []
    this.contents = []
    this.kept = 0
  }

  raw(chunk: Buffer): void {
    this.keep(chunk)
    this.raws.push(chunk)
  }

  content(chunk: Buffer): void {
    this.keep(chunk)
    this.contents.push(chunk)
  }

  end(): boolean {
    const raw = Buffer.concat(this.raws)
    const entries = readTar(Buffer.concat(this.contents))
    if (!isSignatureMember(entries)) {
      this.signed = raw
      return false
    }
    this.signatures.push(...entries.map(signatureOf))
    this.mtime ??= entries[0]!.mtime
    this.signatureLength += raw.length
    return true
  }

  private keep(chunk: Buffer): void {
    this.kept += chunk.length
    if (this.kept > this.maxMemberBytes)
      throw new ArchiveError(
        'TOO_LARGE',
        `a signature, control or index member is more than ${this.maxMemberBytes} bytes, raw and inflated together`,
      )
  }
}

/**
 * Puts `signatures` (signature members) in place of the first `signatureLength` bytes of the
 * file, keeping the rest byte for byte. Written beside it and renamed over it: a reader sees the
 * old file or the new one, never half of one. Mode and owner stay the file's.
 */
export async function replaceHead(
  path: string,
  signatureLength: number,
  signatures: Buffer,
): Promise<void> {
  const info = await stat(path)
  const temporary = `${path}.pakman-signing`
  try {
    const out = createWriteStream(temporary, { mode: info.mode & 0o777 })
    out.write(signatures)
    await pipeline(createReadStream(path, { start: signatureLength }), out)
    await chmod(temporary, info.mode & 0o7777)
    await handOver(temporary, info)
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
