import { crc32, inflateRawSync } from 'node:zlib'

/*
 * APK v2 files are concatenated gzip members (signature, control, data for a package; signature
 * and index for an APKINDEX). Signatures and hashes cover the raw bytes of a member, so the
 * members have to be found exactly, not merely decompressed.
 */

export interface GzipMember {
  offset: number
  /** Raw bytes of the whole member, header to trailer. */
  raw: Buffer
  /** Decompressed content. */
  content: Buffer
}

/** Why a file could not be read, in apk-tools' words: a damaged stream or a cut-off file. */
export class ArchiveError extends Error {
  constructor(
    readonly kind: 'IO_ERROR' | 'BAD_ARCHIVE',
    message: string,
  ) {
    super(message)
    this.name = 'ArchiveError'
  }
}

const FHCRC = 2
const FEXTRA = 4
const FNAME = 8
const FCOMMENT = 16

export function splitGzipMembers(file: Buffer): GzipMember[] {
  const members: GzipMember[] = []
  let offset = 0
  while (offset < file.length) {
    members.push(readMember(file, offset))
    offset += members.at(-1)!.raw.length
  }
  return members
}

function readMember(file: Buffer, offset: number): GzipMember {
  const at = (n: number) => {
    if (offset + n >= file.length)
      throw new ArchiveError('BAD_ARCHIVE', `file ends inside the gzip header at ${offset}`)
    return file[offset + n]!
  }
  if (at(0) !== 0x1f || at(1) !== 0x8b || at(2) !== 8) {
    throw new ArchiveError('BAD_ARCHIVE', `no gzip member at offset ${offset}`)
  }
  const flags = at(3)
  let pos = offset + 10
  if (flags & FEXTRA) pos += 2 + file.readUInt16LE(pos)
  if (flags & FNAME) pos = file.indexOf(0, pos) + 1
  if (flags & FCOMMENT) pos = file.indexOf(0, pos) + 1
  if (flags & FHCRC) pos += 2
  if (pos <= offset || pos > file.length)
    throw new ArchiveError('BAD_ARCHIVE', `file ends inside the gzip header at ${offset}`)

  let content: Buffer
  let consumed: number
  try {
    const { buffer, engine } = inflateRawSync(file.subarray(pos), { info: true }) as unknown as {
      buffer: Buffer
      engine: { bytesWritten: number }
    }
    content = buffer
    consumed = engine.bytesWritten
  } catch (error) {
    const message = (error as Error).message
    if (/unexpected end/i.test(message))
      throw new ArchiveError('BAD_ARCHIVE', `file ends inside the gzip member at ${offset}`)
    throw new ArchiveError('IO_ERROR', `gzip member at ${offset} is damaged: ${message}`)
  }
  const trailer = pos + consumed
  if (trailer + 8 > file.length)
    throw new ArchiveError(
      'BAD_ARCHIVE',
      `file ends before the gzip trailer of the member at ${offset}`,
    )
  if (
    file.readUInt32LE(trailer) !== crc32(content) ||
    file.readUInt32LE(trailer + 4) !== content.length % 2 ** 32
  ) {
    throw new ArchiveError('IO_ERROR', `gzip member at ${offset} fails its CRC or length check`)
  }
  return { offset, raw: file.subarray(offset, trailer + 8), content }
}
