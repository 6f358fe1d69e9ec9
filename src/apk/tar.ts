import { ArchiveError } from './streams.js'

/*
 * A tar reader for what apk and abuild write: ustar and GNU headers, pax extended headers (path,
 * linkpath and APK-TOOLS.checksum.*), GNU long names and links, "cut" archives without
 * end-of-archive blocks. It is fed in pieces of any size and hands entries' bodies on as they pass,
 * so an archive of any size is read in constant memory; readTar collects a small one whole.
 */

export interface TarHeader {
  path: string
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block' | 'other'
  mode: number
  uid: number
  gid: number
  size: number
  mtime: number
  linkTarget: string
  /** The ustar linkname field as stored (apk checksums a symlink's target through it). */
  linknameField: Buffer
  pax: Record<string, string>
}

export interface TarEntry extends TarHeader {
  content: Buffer
}

/** What a TarReader tells: each entry's header, then its body in pieces, then its end. */
export interface TarVisitor {
  entry(header: TarHeader): void
  body(chunk: Buffer): void
  end(): void
}

const BLOCK = 512
/** Pax and GNU long-name bodies are kept whole to be parsed; apk's are well under this. */
const MAX_TAR_META_BYTES = 1024 * 1024

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = []
  let chunks: Buffer[] = []
  const reader = new TarReader({
    entry: (header) => {
      entries.push({ ...header, content: Buffer.alloc(0) })
      chunks = []
    },
    body: (chunk) => chunks.push(chunk),
    end: () => {
      entries.at(-1)!.content = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
    },
  })
  reader.write(archive)
  reader.end()
  return entries
}

export class TarReader {
  private state: 'header' | 'body' | 'padding' | 'done' = 'header'
  /** Archive offset of the next byte. */
  private offset = 0
  private readonly header = Buffer.alloc(BLOCK)
  private headerFill = 0
  private entryOffset = 0
  private remaining = 0
  private padding = 0
  /** The body of a pax or GNU long-name entry, gathered to be parsed at its end. */
  private meta: { type: string; chunks: Buffer[] } | undefined
  private pax: Record<string, string> = {}
  private longName: string | undefined
  private longLink: string | undefined

  constructor(private readonly visitor: TarVisitor) {}

  write(chunk: Buffer): void {
    let pos = 0
    while (pos < chunk.length && this.state !== 'done') {
      if (this.state === 'header') {
        const take = Math.min(BLOCK - this.headerFill, chunk.length - pos)
        chunk.copy(this.header, this.headerFill, pos, pos + take)
        this.headerFill += take
        pos += take
        this.offset += take
        if (this.headerFill === BLOCK) this.startEntry()
      } else if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - pos)
        const piece = chunk.subarray(pos, pos + take)
        if (this.meta) this.meta.chunks.push(Buffer.from(piece))
        else this.visitor.body(piece)
        pos += take
        this.offset += take
        this.remaining -= take
        if (!this.remaining) this.endEntry()
      } else {
        const take = Math.min(this.padding, chunk.length - pos)
        pos += take
        this.offset += take
        this.padding -= take
        if (!this.padding) this.state = 'header'
      }
    }
  }

  /** The archive ended: an entry whose body is not all there is a cut-off archive. */
  end(): void {
    if (this.state === 'body')
      throw new ArchiveError('BAD_ARCHIVE', `tar entry at ${this.entryOffset} is cut short`)
  }

  private startEntry(): void {
    const header = this.header
    this.headerFill = 0
    this.entryOffset = this.offset - BLOCK
    if (header.every((b) => b === 0)) {
      this.state = 'done'
      return
    }
    if (!checksumOk(header))
      throw new ArchiveError('BAD_ARCHIVE', `tar header at ${this.entryOffset} has a bad checksum`)
    const size = octal(header.subarray(124, 136))
    if (!Number.isSafeInteger(size) || size < 0)
      throw new ArchiveError('BAD_ARCHIVE', `tar header at ${this.entryOffset} has no usable size`)
    const typeflag = String.fromCharCode(header[156]!)
    this.remaining = size
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK

    if ('xgLK'.includes(typeflag)) {
      if (size > MAX_TAR_META_BYTES)
        throw new ArchiveError(
          'BAD_ARCHIVE',
          `tar header at ${this.entryOffset} announces ${size} bytes of extended header, more than the ${MAX_TAR_META_BYTES} read`,
        )
      this.meta = { type: typeflag, chunks: [] }
    } else {
      const prefix = isUstar(header) ? cString(header.subarray(345, 500)) : ''
      const name = cString(header.subarray(0, 100))
      const linkname = header.subarray(157, 257)
      this.visitor.entry({
        path: this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${name}` : name),
        type: TYPES[typeflag] ?? 'other',
        mode: octal(header.subarray(100, 108)),
        uid: octal(header.subarray(108, 116)),
        gid: octal(header.subarray(116, 124)),
        size,
        mtime: octal(header.subarray(136, 148)),
        linkTarget:
          this.pax.linkpath ??
          this.longLink ??
          (typeflag === '0' || typeflag === '\0' ? '' : cString(linkname)),
        linknameField: Buffer.from(trimNul(linkname)),
        pax: this.pax,
      })
      this.pax = {}
      this.longName = undefined
      this.longLink = undefined
    }
    this.state = 'body'
    if (!size) this.endEntry()
  }

  private endEntry(): void {
    this.state = this.padding ? 'padding' : 'header'
    const meta = this.meta
    this.meta = undefined
    if (!meta) {
      this.visitor.end()
      return
    }
    const body = Buffer.concat(meta.chunks)
    if (meta.type === 'x') this.pax = { ...this.pax, ...parsePax(body) }
    else if (meta.type === 'L') this.longName = cString(body)
    else if (meta.type === 'K') this.longLink = cString(body)
    // 'g' (global pax headers) apply to nothing apk reads.
  }
}

const TYPES: Record<string, TarHeader['type']> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '5': 'dir',
  '2': 'symlink',
  '1': 'hardlink',
  '6': 'fifo',
  '3': 'char',
  '4': 'block',
}

function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {}
  let pos = 0
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos)
    if (space < 0) break
    const length = Number(body.subarray(pos, space).toString('ascii'))
    if (!Number.isInteger(length) || length <= 0) break
    const record = body.subarray(space + 1, pos + length - 1).toString('utf8')
    const eq = record.indexOf('=')
    records[record.slice(0, eq)] = record.slice(eq + 1)
    pos += length
  }
  return records
}

function checksumOk(header: Buffer): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!
  return sum === octal(header.subarray(148, 156))
}

function isUstar(header: Buffer): boolean {
  return header.subarray(257, 263).toString('latin1') === 'ustar\0'
}

function octal(field: Buffer): number {
  const text = cString(field).trim()
  return text ? parseInt(text, 8) : 0
}

function cString(field: Buffer): string {
  const end = field.indexOf(0)
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8')
}

function trimNul(field: Buffer): Buffer {
  let end = field.length
  while (end > 0 && field[end - 1] === 0) end--
  return field.subarray(0, end)
}
