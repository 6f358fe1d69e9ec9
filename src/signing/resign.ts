import type { KeyObject } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  checkSignatures,
  identityOf,
  indexMember,
  readHead,
  readIndex,
  replaceHead,
  trustedKeys,
  type ApkIndex,
  type TrustedKeys,
  type Verification,
} from '../apk/index.js'
import type { PhaseReporter } from '../report/index.js'
import { publicKeyOf } from './key.js'
import { signatures, signatureTypes, type SignatureChoice } from './sign.js'

/*
 * Re-signing on the host, for the choices abuild cannot make on every stack (abuild-sign -t
 * RSA256 came with abuild 3.14; Alpine 3.18-3.20 ship 3.11-3.13). The signature members at the
 * head of each file are replaced and every byte after them kept: a package's identity (C:, the
 * SHA-1 of its control member) and content do not change, its size does, so each APKINDEX is
 * rewritten with the new sizes (S:) and signed the same way.
 */

/** A file as collected: `size` is what abuild wrote, until resignFiles gives the new one. */
export interface SignedFile {
  path: string
  kind: string
  size: number
}

export interface Resigning<File extends SignedFile = SignedFile> {
  /** Packages and indexes as abuild wrote them, signed with `key` (anything else is left alone). */
  files: readonly File[]
  key: KeyObject
  /** NAME.rsa.pub: the name the signatures refer to. */
  keyFile: string
  choice: Exclude<SignatureChoice, 'rsa'>
  reporter: PhaseReporter
}

/**
 * Re-signs every package, then every index; each file is replaced atomically. Returns the files
 * as given with the sizes they have now, so nothing needs listing them again.
 */
export async function resignFiles<File extends SignedFile>(
  resigning: Resigning<File>,
): Promise<File[]> {
  const { key, keyFile, choice, reporter } = resigning
  const trusted = trustedKeys([[keyFile, publicKeyOf(key)]])
  const names = signatureTypes(choice).map((type) => `.SIGN.${type}`)
  const packages = new Map<string, { identity: string; size: number }>()
  for (const file of resigning.files.filter((f) => f.kind === 'package')) {
    const head = await readHead(file.path)
    checkOwnSignature(file.path, checkSignatures(head.signatures, head.signed, trusted), keyFile)
    // Its signature verified, so it has a signature member and that member's mtime.
    const mtime = head.signatureMtime!
    await replaceHead(
      file.path,
      head.signatureLength,
      signatures(head.signed, key, keyFile, mtime, choice),
    )
    const size = (await stat(file.path)).size
    packages.set(file.path, { identity: identityOf(head.signed), size })
    reporter.info(`${basename(file.path)}: ${names.join(' + ')}, ${size} bytes`)
  }
  const indexSizes = new Map<string, number>()
  for (const file of resigning.files.filter((f) => f.kind === 'index')) {
    const size = await resignIndex(file.path, packages, { ...resigning, trusted })
    indexSizes.set(file.path, size)
    reporter.info(
      `${basename(file.path)}: ${names.join(' + ')}, ${size} bytes, the re-signed packages' sizes`,
    )
  }
  return resigning.files.map((file) => ({
    ...file,
    size: packages.get(file.path)?.size ?? indexSizes.get(file.path) ?? file.size,
  }))
}

/**
 * Rewrites an index for the re-signed packages beside it (S: only; C: must already match);
 * returns its new size.
 */
async function resignIndex(
  path: string,
  packages: ReadonlyMap<string, { identity: string; size: number }>,
  { key, keyFile, choice, trusted }: Resigning & { trusted: TrustedKeys },
): Promise<number> {
  // Read once, whole: readIndex refuses one past MAX_INDEX_BYTES.
  const file = await readFile(path)
  let index: ApkIndex
  try {
    index = readIndex(file)
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error })
  }
  const indexStream = index.members[index.signedMember]!.raw
  checkOwnSignature(path, checkSignatures(index.signatures, indexStream, trusted), keyFile)
  let changed = false
  const text = index.entries
    .map((entry) => {
      const resigned = packages.get(join(dirname(path), `${entry.name}-${entry.version}.apk`))
      if (resigned && resigned.identity !== entry.checksum)
        throw new Error(
          `${path} lists ${entry.name}-${entry.version} as C:${entry.checksum}, the package is ${resigned.identity}; not re-signing an index that does not match its packages`,
        )
      if (resigned && resigned.size !== entry.size) changed = true
      const lines = entry.fields.map(([letter, value]) =>
        letter === 'S' && resigned ? `S:${resigned.size}` : `${letter}:${value}`,
      )
      return `${lines.join('\n')}\n\n`
    })
    .join('')
  // The index member as apk index wrote it while it still holds true; its timestamps are kept,
  // and the signatures get its mtime, as abuild's do (both SOURCE_DATE_EPOCH).
  const rewritten = changed ? indexMember(text, index.description, index.mtime) : indexStream
  const signed = signatures(rewritten, key, keyFile, index.mtime, choice)
  const resigned = Buffer.concat([signed, rewritten])
  await replaceHead(path, file.length, resigned)
  return resigned.length
}

/** Only what this run's key signed is re-signed: anything else would be vouched for blindly. */
function checkOwnSignature(path: string, verdict: Verification, keyFile: string): void {
  if (verdict.verdict !== 'OK')
    throw new Error(
      `${path}: ${verdict.verdict} with ${keyFile} (${verdict.reason}); only what abuild signed with this run's key is re-signed`,
    )
}
