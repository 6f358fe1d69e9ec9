import { gzipSync } from 'node:zlib'
import type { ApkPackage } from './verify.js'

/*
 * Writes APKINDEX.tar.gz the way `apk index` and `abuild-sign` do: a gzip member with DESCRIPTION
 * and APKINDEX, preceded by a signature member whose .SIGN.RSA.<key> entry signs the raw bytes of
 * the index member (signing/ signs; this file lays out the bytes).
 */

export interface IndexedPackage {
  /** What the index takes from a package: its .PKGINFO and identity. */
  pkg: Pick<ApkPackage, 'pkginfo' | 'identity'>
  /** Size of the .apk file in bytes (S:). */
  fileSize: number
}

/** Index letters in the order apk-tools 2 writes them, with the .PKGINFO key each comes from. */
const FIELDS: [letter: string, pkginfoKey: string][] = [
  ['P', 'pkgname'],
  ['V', 'pkgver'],
  ['A', 'arch'],
  ['S', ''],
  ['I', 'size'],
  ['T', 'pkgdesc'],
  ['U', 'url'],
  ['L', 'license'],
  ['o', 'origin'],
  ['m', 'maintainer'],
  ['t', 'builddate'],
  ['c', 'commit'],
  ['k', 'provider_priority'],
  ['D', 'depend'],
  ['p', 'provides'],
  ['i', 'install_if'],
]

/** The APKINDEX text for these packages, sorted by name then version as apk does. */
export function indexText(packages: IndexedPackage[], rewriteArch?: string): string {
  const entries = packages.map(({ pkg, fileSize }) => {
    const values = (key: string) => pkg.pkginfo.filter(([k]) => k === key).map(([, v]) => v)
    const lines = [`C:${pkg.identity}`]
    for (const [letter, key] of FIELDS) {
      if (letter === 'S') {
        lines.push(`S:${fileSize}`)
        continue
      }
      const found = values(key)
      if (!found.length) continue
      let value = ['depend', 'provides', 'install_if'].includes(key) ? found.join(' ') : found[0]!
      if (letter === 'A' && rewriteArch && value === 'noarch') value = rewriteArch
      if (value === '' && ['D', 'p', 'i', 'k', 'm'].includes(letter)) continue
      lines.push(`${letter}:${value}`)
    }
    return {
      name: values('pkgname')[0] ?? '',
      version: values('pkgver')[0] ?? '',
      text: `${lines.join('\n')}\n`,
    }
  })
  entries.sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version))
  return entries.map((e) => `${e.text}\n`).join('')
}

export function indexMember(text: string, description: string, mtime: number): Buffer {
  const tar = Buffer.concat([
    tarEntry('DESCRIPTION', Buffer.from(description), mtime),
    tarEntry('APKINDEX', Buffer.from(text), mtime),
    Buffer.alloc(1024),
  ])
  return gzipSync(tar, { level: 9 })
}

/**
 * The signature member that goes in front of a signed member: one entry, `name` (such as
 * .SIGN.RSA.<key>), holding the signature. signing/ makes the signature.
 */
export function signatureMember(name: string, signature: Buffer, mtime: number): Buffer {
  // The signature tar is "cut": no end-of-archive blocks, as abuild-tar --cut writes it.
  return gzipSync(tarEntry(name, signature, mtime), { level: 9 })
}

/**
 * A signature member of one or more entries, in the order given (apk checks the first it trusts),
 * laid out as abuild-sign writes one: GNU tar headers (`ustar  `), cut, gzip -9 (see the vectors).
 */
export function signatureEntries(
  entries: readonly { name: string; signature: Buffer }[],
  mtime: number,
): Buffer {
  const tar = entries.map((e) => tarEntry(e.name, e.signature, mtime, 'gnu'))
  return gzipSync(Buffer.concat(tar), { level: 9 })
}

function tarEntry(
  name: string,
  content: Buffer,
  mtime: number,
  magic: 'posix' | 'gnu' = 'posix',
): Buffer {
  const header = Buffer.alloc(512)
  header.write(name, 0, 100, 'utf8')
  header.write('0000644\0', 100)
  header.write('0000000\0', 108)
  header.write('0000000\0', 116)
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124)
  header.write(`${Math.max(0, mtime).toString(8).padStart(11, '0')}\0`, 136)
  header.write('        ', 148)
  header.write('0', 156)
  if (magic === 'gnu') header.write('ustar  \0', 257)
  else {
    header.write('ustar\0', 257)
    header.write('00', 263)
  }
  let sum = 0
  for (const byte of header) sum += byte
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512)
  return Buffer.concat([header, content, padding])
}
