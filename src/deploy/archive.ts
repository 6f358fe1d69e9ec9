import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ZipFile } from 'yazl'

/*
 * The deployment archive: a plain zip the cluster agent (uplink) unpacks, keeping the last two
 * components of each entry, so every file sits in an `<arch>/` directory. Entries are stored, not
 * deflated (packages and indexes are gzip already), with a fixed timestamp, so the same files
 * always give the same bytes.
 *
 * yazl writes it: it streams each file (none is held in memory) and switches to zip64 by itself
 * for a file, an offset or a directory past 4 GiB, or past 65535 entries. It sets bit 3 and
 * writes a data descriptor after each file (it learns the CRC while streaming); readers that go
 * by the central directory, as unzip and Erlang's :zip (which uplink uses) do, take the sizes
 * from there.
 */

export interface ArchiveEntry {
  /** The name inside the zip, with `/` separators, e.g. `acme/x86_64/APKINDEX.tar.gz`. */
  name: string
  path: string
  /** The file's length as collected: yazl checks the bytes it streams against it. */
  size: number
}

export interface ArchiveOptions {
  /** zip64 records even when nothing needs them: lets a test see that layout without 4 GiB. */
  forceZip64?: boolean
}

// 1980-01-01 00:00, the earliest a zip's DOS date can say; yazl reads the local-time fields, so
// the date is built in local time to give the same DOS bytes in every time zone.
const EPOCH = new Date(1980, 0, 1)

/** Writes the zip to `target`; returns its size in bytes. */
export async function writeArchive(
  target: string,
  entries: ArchiveEntry[],
  options: ArchiveOptions = {},
): Promise<number> {
  const zip = new ZipFile()
  // a file that cannot be read, or whose length changed since it was measured, fails the write
  // (yazl's types call it a plain ReadableStream; it is a PassThrough)
  const output = zip.outputStream as Readable
  zip.on('error', (error: Error) => output.destroy(error))
  for (const entry of entries) {
    // the size up front lets yazl check the bytes it streams and pick zip64 in the local header
    zip.addReadStreamLazy(
      entry.name,
      {
        mtime: EPOCH,
        mode: 0o100644,
        compress: false,
        // no "UT" extra field: the DOS date alone, so the headers stay as small as before
        forceDosTimestamp: true,
        forceZip64Format: options.forceZip64 ?? false,
        size: entry.size,
      },
      (open) => {
        // a file gone since it was collected fails the write; yazl would wait for it for ever
        const stream = createReadStream(entry.path).on('error', (error) => output.destroy(error))
        open(null, stream)
      },
    )
  }
  zip.end({ forceZip64Format: options.forceZip64 ?? false, comment: '' })
  try {
    await pipeline(output, createWriteStream(target))
  } catch (error) {
    throw new Error(`${target}: ${(error as Error).message}`, { cause: error })
  }
  return (await stat(target)).size
}
