import { fromHex } from './digest.js'
import { asList, asRecord, asString, parseToml } from './parse.js'
import { locked, type Locked, type LockfileSource } from './types.js'

/*
 * Cargo.lock (TOML): a [[package]] per crate. A crate from a registry has a `source` of
 * `registry+<index>` or `sparse+<index>` and a `checksum`, the SHA-256 of the .crate file
 * (format 1 kept them in [metadata] instead). Left out: workspace members and path
 * dependencies (no `source`: the application's own code) and git dependencies. Cargo.lock
 * does not mark dev-dependencies, so those are listed too.
 */

const CRATES_IO = new Set([
  'registry+https://github.com/rust-lang/crates.io-index',
  'sparse+https://index.crates.io/',
])

export function readCargoLock(source: LockfileSource): Locked[] {
  const lock = parseToml(source.text)
  const metadata = asRecord(lock.metadata, 'metadata')
  return asList(lock.package, 'package').flatMap((value, index) => {
    const entry = asRecord(value, `package ${index + 1}`)
    const name = asString(entry.name, `package ${index + 1}: name`)
    const version = asString(entry.version, `${name}: version`)
    const origin = typeof entry.source === 'string' ? entry.source : ''
    if (!/^(registry|sparse)\+/.test(origin)) return []
    const checksum = entry.checksum ?? metadata[`checksum ${name} ${version} (${origin})`]
    return [
      locked('cargo', name, version, {
        qualifiers: {
          repository_url: CRATES_IO.has(origin) ? undefined : origin.slice(origin.indexOf('+') + 1),
        },
        checksum: fromHex('SHA256', checksum),
      }),
    ]
  })
}
