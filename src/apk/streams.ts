import { kMaxLength } from 'node:buffer'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { crc32, createInflateRaw, inflateRawSync, type InflateRaw } from 'node:zlib'

/*
 * APK v2 files are concatenated gzip members (signature, control, data for a package; signature
 * and index for an APKINDEX). Signatures and hashes cover the raw bytes of a member, so the
 * members have to be found exactly, not merely decompressed. Two readers share the rules: one over
 * a Buffer (small files: indexes, tests) and one over a stream, which never holds a member whole.
 */

export interface GzipMember {
  offset: number
  /** Raw bytes of the whole member, header to trailer. */
  raw: Buffer
  /** Decompressed content. */
  content: Buffer
}

/**
 * Why a file could not be read, in apk-tools' words: a damaged stream or a cut-off file; or
 * TOO_LARGE, PAKman's own, for a file that would inflate past the limit it reads.
 */
export class ArchiveError extends Error {
  constructor(
    readonly kind: 'IO_ERROR' | 'BAD_ARCHIVE' | 'TOO_LARGE',
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
/** A gzip header longer than this (a file name or comment without end) is not one apk wrote. */
const MAX_GZIP_HEADER = 64 * 1024

export function splitGzipMembers(file: Buffer, maxInflated = Infinity): GzipMember[] {
  return [...gzipMembers(file, maxInflated)]
}

/** The members one at a time, so a reader can stop before inflating the rest. */
export function* gzipMembers(file: Buffer, maxInflated = Infinity): Generator<GzipMember> {
  let offset = 0
  let inflated = 0
  while (offset < file.length) {
    const member = readMember(file, offset, maxInflated - inflated)
    inflated += member.content.length
    yield member
    offset += member.raw.length
  }
}

function readMember(file: Buffer, offset: number, maxInflated: number): GzipMember {
  const header = gzipHeaderLength(file.subarray(offset), offset)
  if (header === undefined)
    throw new ArchiveError('BAD_ARCHIVE', `file ends inside the gzip header at ${offset}`)
  const pos = offset + header

  let content: Buffer
  let consumed: number
  try {
    const { buffer, engine } = inflateRawSync(file.subarray(pos), {
      info: true,
      ...(maxInflated < kMaxLength && { maxOutputLength: Math.max(1, maxInflated) }),
    }) as unknown as {
      buffer: Buffer
      engine: { bytesWritten: number }
    }
    content = buffer
    consumed = engine.bytesWritten
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(offset, maxInflated)
    throw inflateError(error, offset)
  }
  if (content.length > maxInflated) throw tooLarge(offset, maxInflated)
  const trailer = pos + consumed
  if (trailer + 8 > file.length)
    throw new ArchiveError(
      'BAD_ARCHIVE',
      `file ends before the gzip trailer of the member at ${offset}`,
    )
  checkTrailer(file.subarray(trailer, trailer + 8), crc32(content), content.length, offset)
  return { offset, raw: file.subarray(offset, trailer + 8), content }
}

/**
 * The length of the gzip header at the start of `bytes`, or undefined while it is incomplete.
 * Throws as soon as the bytes there cannot start a gzip member.
 */
function gzipHeaderLength(bytes: Buffer, offset: number): number | undefined {
  const magic = [0x1f, 0x8b, 8]
  for (let i = 0; i < magic.length && i < bytes.length; i++) {
    if (bytes[i] !== magic[i])
      throw new ArchiveError('BAD_ARCHIVE', `no gzip member at offset ${offset}`)
  }
  if (bytes.length < 10) return undefined
  const flags = bytes[3]!
  let pos = 10
  if (flags & FEXTRA) {
    if (pos + 2 > bytes.length) return undefined
    pos += 2 + bytes.readUInt16LE(pos)
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue
    const nul = pos < bytes.length ? bytes.indexOf(0, pos) : -1
    if (nul < 0) return undefined
    pos = nul + 1
  }
  if (flags & FHCRC) pos += 2
  return pos <= bytes.length ? pos : undefined
}

function checkTrailer(trailer: Buffer, crc: number, length: number, offset: number): void {
  if (trailer.readUInt32LE(0) !== crc || trailer.readUInt32LE(4) !== length % 2 ** 32) {
    throw new ArchiveError('IO_ERROR', `gzip member at ${offset} fails its CRC or length check`)
  }
}

function inflateError(error: unknown, offset: number): ArchiveError {
  const message = (error as Error).message
  if (/unexpected end/i.test(message))
    return new ArchiveError('BAD_ARCHIVE', `file ends inside the gzip member at ${offset}`)
  return new ArchiveError('IO_ERROR', `gzip member at ${offset} is damaged: ${message}`)
}

function tooLarge(offset: number, limit: number): ArchiveError {
  return new ArchiveError(
    'TOO_LARGE',
    `the gzip member at ${offset} inflates past the limit (${Math.max(0, limit)} bytes left of what the file may inflate to)`,
  )
}

/** What a streaming reader tells as it goes through the members of a file. */
export interface MemberSink {
  /** A member starts at this file offset. */
  start(index: number, offset: number): void
  /** The member's raw bytes, in order, gzip header to trailer. */
  raw(chunk: Buffer): void
  /** The member's inflated bytes, in order; may throw to stop reading. */
  content(chunk: Buffer): void
  /** The member ended and passed its CRC and length check; false stops reading the file here. */
  end(index: number): boolean
}

/**
 * Reads the members of a stream: each is inflated as it arrives, its bytes go to the sink, and
 * nothing is kept but a few bytes of header or trailer. Resolves when the stream ends or the sink
 * asks to stop (the rest of the stream is then not read).
 */
export async function readGzipMembers(source: Readable, sink: MemberSink): Promise<void> {
  const reader = new GzipMemberReader(sink)
  try {
    await pipeline(source, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) if (!(await reader.write(chunk))) return
      await reader.end()
    })
  } finally {
    reader.close()
  }
}

class GzipMemberReader {
  private state: 'header' | 'body' | 'trailer' = 'header'
  /** File offset of the first byte of the chunk being processed. */
  private position = 0
  /** Header or trailer bytes gathered from earlier chunks. */
  private pending = Buffer.alloc(0)
  private index = -1
  private memberOffset = 0
  private inflate: InflateRaw | undefined
  /** Bytes written to the current inflate before the chunk being processed. */
  private fed = 0
  private inflateEnded = false
  private crc = 0
  private length = 0
  /** An error from the sink or from zlib, raised where the reader next looks. */
  private failure: unknown
  private wake: ((error?: unknown) => void) | undefined
  private stopped = false

  constructor(private readonly sink: MemberSink) {}

  /** Takes the next chunk of the file; false once the sink asked to stop. */
  async write(chunk: Buffer): Promise<boolean> {
    while (chunk.length && !this.stopped) {
      if (this.state === 'header') chunk = this.header(chunk)
      else if (this.state === 'body') chunk = await this.body(chunk)
      else chunk = this.trailer(chunk)
    }
    return !this.stopped
  }

  /** The file ended: anything but the end of a member is a cut-off file. */
  async end(): Promise<void> {
    if (this.stopped) return
    if (this.state === 'header') {
      if (this.pending.length)
        throw new ArchiveError(
          'BAD_ARCHIVE',
          `file ends inside the gzip header at ${this.memberOffset}`,
        )
      return
    }
    if (this.state === 'body') {
      const inflate = this.inflate!
      // Lets zlib say whether the deflate stream was complete.
      await this.settle((done) => inflate.end(() => done()))
      if (!this.inflateEnded) await this.settle((done) => inflate.once('end', () => done()))
    }
    throw new ArchiveError(
      'BAD_ARCHIVE',
      `file ends before the gzip trailer of the member at ${this.memberOffset}`,
    )
  }

  close(): void {
    this.inflate?.destroy()
    this.inflate = undefined
  }

  private header(chunk: Buffer): Buffer {
    if (!this.pending.length) this.memberOffset = this.position
    const bytes = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    const length = gzipHeaderLength(bytes, this.memberOffset)
    if (length === undefined) {
      if (bytes.length > MAX_GZIP_HEADER)
        throw new ArchiveError(
          'BAD_ARCHIVE',
          `the gzip header at ${this.memberOffset} is longer than ${MAX_GZIP_HEADER} bytes`,
        )
      this.pending = Buffer.from(bytes)
      this.position += chunk.length
      return Buffer.alloc(0)
    }
    const fromChunk = length - this.pending.length
    this.index++
    this.sink.start(this.index, this.memberOffset)
    this.sink.raw(bytes.subarray(0, length))
    this.pending = Buffer.alloc(0)
    this.position += fromChunk
    this.startInflate()
    this.state = 'body'
    return chunk.subarray(fromChunk)
  }

  private startInflate(): void {
    // Larger output chunks than zlib's 16 KiB: fewer round trips to the thread pool.
    const inflate = createInflateRaw({ chunkSize: 128 * 1024 })
    this.inflate = inflate
    this.fed = 0
    this.inflateEnded = false
    this.crc = 0
    this.length = 0
    inflate.on('data', (content: Buffer) => {
      if (this.failure !== undefined) return
      try {
        this.crc = crc32(content, this.crc)
        this.length += content.length
        this.sink.content(content)
      } catch (error) {
        this.fail(error)
        inflate.destroy()
      }
    })
    inflate.on('end', () => {
      this.inflateEnded = true
      this.wake?.()
    })
    inflate.on('error', (error) => this.fail(inflateError(error, this.memberOffset)))
  }

  private fail(error: unknown): void {
    this.failure ??= error
    this.wake?.(this.failure)
  }

  /** Waits for zlib (a write taken, the end reached), raising whatever failed meanwhile. */
  private async settle(start: (done: () => void) => void): Promise<void> {
    if (this.failure === undefined) {
      await new Promise<void>((resolve, reject) => {
        this.wake = (error) => (error === undefined ? undefined : reject(error))
        start(resolve)
      })
      this.wake = undefined
    }
    if (this.failure !== undefined) throw this.failure
  }

  private async body(chunk: Buffer): Promise<Buffer> {
    const inflate = this.inflate!
    await this.settle((done) => inflate.write(chunk, () => done()))
    // zlib takes input only up to the end of the deflate stream; its count says where that was.
    let used = inflate.bytesWritten - this.fed
    if (used === chunk.length && !this.inflateEnded) {
      this.sink.raw(chunk)
      this.fed += chunk.length
      this.position += chunk.length
      return Buffer.alloc(0)
    }
    // The stream ended in this chunk (or right before it): wait until all its output was seen.
    if (!this.inflateEnded) await this.settle((done) => inflate.once('end', () => done()))
    used = inflate.bytesWritten - this.fed
    this.sink.raw(chunk.subarray(0, used))
    this.position += used
    this.close()
    this.state = 'trailer'
    return chunk.subarray(used)
  }

  private trailer(chunk: Buffer): Buffer {
    const take = chunk.subarray(0, 8 - this.pending.length)
    this.pending = Buffer.concat([this.pending, take])
    this.position += take.length
    if (this.pending.length < 8) return chunk.subarray(take.length)
    checkTrailer(this.pending, this.crc, this.length, this.memberOffset)
    this.sink.raw(this.pending)
    this.pending = Buffer.alloc(0)
    this.state = 'header'
    if (!this.sink.end(this.index)) this.stopped = true
    return chunk.subarray(take.length)
  }
}
