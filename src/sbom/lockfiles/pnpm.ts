import { fromIntegrity } from './digest.js'
import { reachable } from './graph.js'
import { asRecord, isRecord, parseYaml } from './parse.js'
import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * pnpm-lock.yaml, lockfile versions 6 (pnpm 8) and 9 (pnpm 9 and later). Version 6 marks each
 * package `dev: true` (development only), `dev: false` (product only) or neither (both); version 9
 * no longer does, so what the importers' dependencies and optionalDependencies reach through
 * `snapshots` is kept and what only devDependencies reach is left out. Also left out: the
 * importers themselves (workspace members, `link:`) and packages resolved from git or a
 * directory rather than a registry. Versions before 6 (pnpm 7 and older) are not read.
 */

export function readPnpmLock(source: LockfileSource): Locked[] {
  const lock = asRecord(parseYaml(source.text), 'the lockfile')
  const version = parseFloat(String(lock.lockfileVersion))
  if (!(version >= 6))
    throw new LockfileError(
      `lockfileVersion ${String(lock.lockfileVersion)} is older than pnpm 8's 6.0, which PAKman does not read`,
    )
  const packages = asRecord(lock.packages, 'packages')
  const keys =
    version >= 9
      ? [...productSnapshots(lock)].map(withoutPeers).filter((key) => key in packages)
      : Object.keys(packages).filter((key) => asRecord(packages[key], key).dev !== true)
  return [...new Set(keys)].flatMap((key) => fromPackage(key, asRecord(packages[key], key)))
}

function fromPackage(key: string, entry: Record<string, unknown>): Locked[] {
  const resolution = asRecord(entry.resolution, `${key}: resolution`)
  // git and directory resolutions have a type; a registry's has an integrity and maybe a tarball.
  if (resolution.type !== undefined || String(resolution.tarball).startsWith('file:')) return []
  const parsed = parseKey(key)
  const name = typeof entry.name === 'string' ? entry.name : parsed.name
  const version = typeof entry.version === 'string' ? entry.version : parsed.version
  return [locked('npm', name, version, { checksum: fromIntegrity(resolution.integrity) })]
}

/** `/name@1.0.0(peer@2.0.0)` (version 6) or `@scope/name@1.0.0` (version 9) → name, version. */
function parseKey(key: string): { name: string; version: string } {
  const bare = withoutPeers(key).replace(/^\//, '')
  const at = bare.lastIndexOf('@')
  if (at <= 0) throw new LockfileError(`package "${key}" is not a name@version`)
  return { name: bare.slice(0, at), version: bare.slice(at + 1) }
}

/** A snapshot key without the peer dependencies it was resolved with: `a@1.0.0(b@2.0.0)` → a@1.0.0. */
function withoutPeers(key: string): string {
  const paren = key.indexOf('(')
  return paren === -1 ? key : key.slice(0, paren)
}

/**
 * Version 9: the snapshots that the importers' product dependencies reach. Every importer is a
 * workspace member, part of the application, so each is a root; links between them need no
 * following.
 */
function productSnapshots(lock: Record<string, unknown>): Set<string> {
  const importers = asRecord(lock.importers, 'importers')
  const snapshots = asRecord(lock.snapshots, 'snapshots')
  const roots = Object.entries(importers).flatMap(([path, entry]) =>
    productKeys(asRecord(entry, `importers["${path}"]`)),
  )
  return reachable(roots, (key) => productKeys(asRecord(snapshots[key], `snapshots["${key}"]`)))
}

/** The snapshot keys of an importer's or snapshot's dependencies and optionalDependencies. */
function productKeys(entry: Record<string, unknown>): string[] {
  return ['dependencies', 'optionalDependencies'].flatMap((field) =>
    Object.entries(asRecord(entry[field], field)).flatMap(([name, value]) => {
      // An importer gives { specifier, version }; a snapshot the version alone.
      const version = String(isRecord(value) ? value.version : value)
      if (version.startsWith('link:')) return []
      // An alias's version is the key itself: left: left-pad@1.3.0.
      return withoutPeers(version).lastIndexOf('@') > 0 ? [version] : [`${name}@${version}`]
    }),
  )
}
