import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { crc32 } from 'node:zlib'

/*
 * The deployment archive: a plain zip the cluster agent (uplink) unpacks, keeping the last two
 * components of each entry, so every file sits in an `<arch>/` directory. Entries are stored, not
 * deflated (packages and indexes are gzip already), with a fixed timestamp, so the same files
 * always give the same bytes.
 */

export interface ArchiveEntry {
  /** The name inside the zip, with `/` separators, e.g. `acme/x86_64/APKINDEX.tar.gz`. */
  name: string
  path: string
}

const LIMIT = 0xffffffff // no zip64: 4 GiB per file and in all
const DOS_DATE = (0 << 9) | (1 << 5) | 1 // 1980-01-01, the earliest a zip can say
const DOS_TIME = 0
const UTF8_NAMES = 0x0800
const UNIX_FILE = (0o100644 << 16) >>> 0

/** Writes the zip to `target`; returns its size in bytes. */
export async function writeArchive(target: string, entries: ArchiveEntry[]): Promise<number> {
  if (entries.length > 0xffff)
    throw new Error(`${entries.length} files are more than a zip without zip64 holds (65535)`)
  const out = await open(target, 'w')
  const central: Buffer[] = []
  let offset = 0
  const write = async (data: Buffer) => {
    await out.write(data)
    offset += data.length
  }
  try {
    for (const entry of entries) {
      const { checksum, size } = await checksumOf(entry.path)
      if (size > LIMIT || offset > LIMIT)
        throw new Error(
          `${entry.name}: the archive would pass 4 GiB, more than a zip without zip64 holds`,
        )
      const name = Buffer.from(entry.name, 'utf8')
      const local = Buffer.alloc(30)
      local.writeUInt32LE(0x04034b50, 0)
      local.writeUInt16LE(10, 4) // version needed: 1.0, stored
      local.writeUInt16LE(UTF8_NAMES, 6)
      local.writeUInt16LE(0, 8) // stored
      local.writeUInt16LE(DOS_TIME, 10)
      local.writeUInt16LE(DOS_DATE, 12)
      local.writeUInt32LE(checksum, 14)
      local.writeUInt32LE(size, 18)
      local.writeUInt32LE(size, 22)
      local.writeUInt16LE(name.length, 26)
      local.writeUInt16LE(0, 28)

      const header = Buffer.alloc(46)
      header.writeUInt32LE(0x02014b50, 0)
      header.writeUInt16LE((3 << 8) | 10, 4) // made by: unix, 1.0
      header.writeUInt16LE(10, 6)
      header.writeUInt16LE(UTF8_NAMES, 8)
      header.writeUInt16LE(0, 10)
      header.writeUInt16LE(DOS_TIME, 12)
      header.writeUInt16LE(DOS_DATE, 14)
      header.writeUInt32LE(checksum, 16)
      header.writeUInt32LE(size, 20)
      header.writeUInt32LE(size, 24)
      header.writeUInt16LE(name.length, 28)
      // extra length, comment length, disk, internal attributes: 0
      header.writeUInt32LE(UNIX_FILE, 38)
      header.writeUInt32LE(offset, 42)
      central.push(header, name)

      await write(Buffer.concat([local, name]))
      let copied = 0
      for await (const chunk of createReadStream(entry.path)) {
        await write(chunk as Buffer)
        copied += (chunk as Buffer).length
      }
      if (copied !== size) throw new Error(`${entry.path} changed while it was being archived`)
    }
    const directory = Buffer.concat(central)
    if (offset + directory.length > LIMIT)
      throw new Error('the archive would pass 4 GiB, more than a zip without zip64 holds')
    const end = Buffer.alloc(22)
    end.writeUInt32LE(0x06054b50, 0)
    end.writeUInt16LE(entries.length, 8)
    end.writeUInt16LE(entries.length, 10)
    end.writeUInt32LE(directory.length, 12)
    end.writeUInt32LE(offset, 16)
    await write(Buffer.concat([directory, end]))
    return offset
  } finally {
    await out.close()
  }
}

async function checksumOf(path: string): Promise<{ checksum: number; size: number }> {
  let checksum = 0
  let size = 0
  for await (const chunk of createReadStream(path)) {
    checksum = crc32(chunk as Buffer, checksum)
    size += (chunk as Buffer).length
  }
  return { checksum, size }
}
