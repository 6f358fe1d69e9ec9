import type { Checksum } from './types.js'

const HEX_LENGTH: Record<Checksum['algorithm'], number> = { SHA1: 40, SHA256: 64, SHA512: 128 }

/** Subresource-integrity names as npm, yarn, pnpm and bun write them, strongest first. */
const INTEGRITY: [string, Checksum['algorithm']][] = [
  ['sha512', 'SHA512'],
  ['sha256', 'SHA256'],
  ['sha1', 'SHA1'],
]

/**
 * A subresource-integrity string (`sha512-<base64>`, maybe several separated by spaces) as hex,
 * its strongest digest of an algorithm SPDX knows; undefined when it has none.
 */
export function fromIntegrity(integrity: unknown): Checksum | undefined {
  if (typeof integrity !== 'string') return undefined
  const digests = new Map(
    integrity
      .trim()
      .split(/\s+/)
      .map((entry) => [entry.slice(0, entry.indexOf('-')), entry.slice(entry.indexOf('-') + 1)]),
  )
  for (const [name, algorithm] of INTEGRITY) {
    const base64 = digests.get(name)
    if (base64 === undefined) continue
    const checksum = fromHex(algorithm, Buffer.from(base64, 'base64').toString('hex'))
    if (checksum) return checksum
  }
  return undefined
}

/** A hex digest, when it is one of the algorithm's length. */
export function fromHex(algorithm: Checksum['algorithm'], hex: unknown): Checksum | undefined {
  if (typeof hex !== 'string') return undefined
  const value = hex.toLowerCase()
  return value.length === HEX_LENGTH[algorithm] && /^[0-9a-f]+$/.test(value)
    ? { algorithm, value }
    : undefined
}

/** `sha256:<hex>` as pip, Poetry, Pipenv and uv write a file's hash. */
export function fromPrefixedHex(hash: unknown): Checksum | undefined {
  if (typeof hash !== 'string') return undefined
  const [name, hex] = hash.split(/[:=]/, 2)
  const algorithm = INTEGRITY.find(([sri]) => sri === name?.toLowerCase())?.[1]
  return algorithm && fromHex(algorithm, hex)
}

/**
 * Python lockfiles hash every file of a release (the sdist and each wheel), and which one pip
 * installs depends on the machine: a digest names the artifact only when there is one file.
 */
export function onlyFileHash(hashes: readonly unknown[]): Checksum | undefined {
  return hashes.length === 1 ? fromPrefixedHex(hashes[0]) : undefined
}
