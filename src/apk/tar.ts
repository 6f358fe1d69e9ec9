/*
 * A tar reader for what apk and abuild write: ustar and GNU headers, pax extended headers (path,
 * linkpath and APK-TOOLS.checksum.*), "cut" archives without end-of-archive blocks.
 */

export interface TarEntry {
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
  content: Buffer
}

const BLOCK = 512

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = []
  let offset = 0
  let pax: Record<string, string> = {}
  let longName: string | undefined
  let longLink: string | undefined
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK)
    if (header.every((b) => b === 0)) break
    if (!checksumOk(header)) throw new Error(`tar header at ${offset} has a bad checksum`)
    const size = octal(header.subarray(124, 136))
    const typeflag = String.fromCharCode(header[156]!)
    const body = archive.subarray(offset + BLOCK, offset + BLOCK + size)
    if (body.length < size) throw new Error(`tar entry at ${offset} is cut short`)
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK

    if (typeflag === 'x') {
      pax = { ...pax, ...parsePax(body) }
      continue
    }
    if (typeflag === 'g') continue
    if (typeflag === 'L') {
      longName = cString(body)
      continue
    }
    if (typeflag === 'K') {
      longLink = cString(body)
      continue
    }
    const prefix = isUstar(header) ? cString(header.subarray(345, 500)) : ''
    const name = cString(header.subarray(0, 100))
    const linkname = header.subarray(157, 257)
    entries.push({
      path: pax.path ?? longName ?? (prefix ? `${prefix}/${name}` : name),
      type: TYPES[typeflag] ?? 'other',
      mode: octal(header.subarray(100, 108)),
      uid: octal(header.subarray(108, 116)),
      gid: octal(header.subarray(116, 124)),
      size,
      mtime: octal(header.subarray(136, 148)),
      linkTarget:
        pax.linkpath ??
        longLink ??
        (typeflag === '0' || typeflag === '\0' ? '' : cString(linkname)),
      linknameField: trimNul(linkname),
      pax,
      content: body,
    })
    pax = {}
    longName = undefined
    longLink = undefined
  }
  return entries
}

const TYPES: Record<string, TarEntry['type']> = {
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
