import { fromHex } from './digest.js'
import { asList, asRecord, asString, parseJson } from './parse.js'
import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * composer.lock (JSON): `packages` are the product's, `packages-dev` (require-dev) are for
 * development and left out, as `composer install --no-dev` leaves them out. A package's
 * `dist.shasum` is the SHA-1 of its archive when the repository gives one (Packagist's GitHub
 * archives have none: ""). Left out: path repositories' packages (the application's own code).
 */

export function readComposerLock(source: LockfileSource): Locked[] {
  const lock = asRecord(parseJson(source.text), 'the lockfile')
  if (lock.packages === undefined) throw new LockfileError('no "packages": not a composer.lock')
  return asList(lock.packages, 'packages').flatMap((value, index) => {
    const entry = asRecord(value, `packages[${index}]`)
    const name = asString(entry.name, `packages[${index}].name`)
    const dist = asRecord(entry.dist, `${name}: dist`)
    if (dist.type === 'path') return []
    const version = asString(entry.version, `${name}: version`)
    return [locked('composer', name, version, { checksum: fromHex('SHA1', dist.shasum) })]
  })
}
