import { fromIntegrity } from './digest.js'
import { reachable } from './graph.js'
import { asList, asRecord, asString, isRecord, parseJsonWithTrailingCommas } from './parse.js'
import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * bun.lock, bun's text lockfile (bun 1.2 and later; bun.lockb, the binary one before it, is not
 * read). `packages` is keyed by install path as node_modules lays it out (`debug/ms` is the ms
 * under debug) with `[name@version, registry, info, integrity]` for a registry package. No entry
 * says whether it is for development only, but each workspace's dependencies are listed apart
 * from its devDependencies: what the former reach is kept. Also left out: the workspaces
 * themselves and packages from git, GitHub, a file or a link.
 */

export function readBunLock(source: LockfileSource): Locked[] {
  const lock = asRecord(parseJsonWithTrailingCommas(source.text), 'the lockfile')
  if (lock.lockfileVersion === undefined)
    throw new LockfileError('no lockfileVersion: not a bun.lock')
  const workspaces = asRecord(lock.workspaces, 'workspaces')
  const packages = asRecord(lock.packages, 'packages')
  const dependenciesOf = (key: string): string[] => {
    const info = asList(packages[key], `packages["${key}"]`)[2]
    return productDependencies(isRecord(info) ? info : {}).map((name) => resolve(key, name))
  }
  /** Node's lookup: the dependency under the package, else under each of its parents. */
  const resolve = (from: string, name: string): string => {
    const path = installPath(from)
    for (let depth = path.length; depth >= 0; depth--) {
      const key = [...path.slice(0, depth), name].join('/')
      if (key in packages) return key
    }
    return name
  }
  const roots = Object.entries(workspaces).flatMap(([path, value]) => {
    const workspace = asRecord(value, `workspaces["${path}"]`)
    // A workspace's own dependencies sit under its name, as node_modules/<name> links to it.
    const under = path === '' ? '' : String(workspace.name ?? '')
    return productDependencies(workspace).map((name) => resolve(under, name))
  })
  return [...reachable(roots, dependenciesOf)]
    .filter((key) => key in packages)
    .flatMap((key) => fromPackage(key, asList(packages[key], `packages["${key}"]`)))
}

function fromPackage(key: string, entry: unknown[]): Locked[] {
  const id = asString(entry[0], `packages["${key}"][0]`)
  const at = id.indexOf('@', 1)
  const name = id.slice(0, at)
  const version = id.slice(at + 1)
  // A registry package is [id, registry, info, integrity]; git, file and workspace ones differ.
  if (at <= 0 || entry.length !== 4 || /^[a-z+]+:/i.test(version)) return []
  return [locked('npm', name, version, { checksum: fromIntegrity(entry[3]) })]
}

function productDependencies(info: Record<string, unknown>): string[] {
  return ['dependencies', 'optionalDependencies'].flatMap((field) =>
    Object.keys(asRecord(info[field], field)),
  )
}

/** `debug/@scope/name/ms` → ['debug', '@scope/name', 'ms']: a scoped name is one step. */
function installPath(key: string): string[] {
  const path: string[] = []
  for (const segment of key.split('/').filter(Boolean)) {
    const last = path.at(-1)
    if (last?.startsWith('@') && !last.includes('/')) path[path.length - 1] = `${last}/${segment}`
    else path.push(segment)
  }
  return path
}
