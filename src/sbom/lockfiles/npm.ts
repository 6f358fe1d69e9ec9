import { fromIntegrity } from './digest.js'
import { asRecord, asString, isRecord, parseJson } from './parse.js'
import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * package-lock.json and npm-shrinkwrap.json (one format). Version 2 and 3 list every installed
 * path under `packages`; version 1 nests `dependencies`. What is left out:
 * - `dev: true`: installed for development only (`npm ci --omit=dev` leaves it out too);
 * - the root project and workspace members (paths outside node_modules, and their links): they
 *   are the application itself;
 * - dependencies from git, a directory or a local tarball: not the registry's packages, so a
 *   pkg:npm purl would name something else.
 */

export function readPackageLock(source: LockfileSource): Locked[] {
  const lock = parseJson(source.text)
  if (!isRecord(lock) || lock.lockfileVersion === undefined)
    throw new LockfileError('no lockfileVersion: not a package-lock.json')
  // Version 2 carries both forms; `packages` is the whole of it.
  return lock.packages !== undefined
    ? fromPackages(asRecord(lock.packages, 'packages'))
    : fromDependencies(asRecord(lock.dependencies, 'dependencies'))
}

function fromPackages(packages: Record<string, unknown>): Locked[] {
  const found: Locked[] = []
  for (const [path, value] of Object.entries(packages)) {
    const at = path.lastIndexOf('node_modules/')
    if (at === -1) continue // the root and workspace members
    const entry = asRecord(value, `packages["${path}"]`)
    if (entry.link || entry.dev === true || !fromRegistry(entry.resolved)) continue
    // An alias (node_modules/left for npm:left-pad) names the real package in `name`.
    const name = asString(
      entry.name ?? path.slice(at + 'node_modules/'.length),
      `packages["${path}"].name`,
    )
    const version = asString(entry.version, `packages["${path}"].version`)
    found.push(locked('npm', name, version, { checksum: fromIntegrity(entry.integrity) }))
  }
  return found
}

function fromDependencies(dependencies: Record<string, unknown>, found: Locked[] = []): Locked[] {
  for (const [key, value] of Object.entries(dependencies)) {
    const entry = asRecord(value, `dependencies["${key}"]`)
    fromDependencies(asRecord(entry.dependencies, `${key}: dependencies`), found)
    if (entry.dev === true || !fromRegistry(entry.resolved)) continue
    const written = asString(entry.version, `dependencies["${key}"].version`)
    // Version 1 writes an alias's target into its version: npm:left-pad@1.3.0.
    const alias = /^npm:(@?[^@]+)@(.+)$/.exec(written)
    const name = alias?.[1] ?? key
    const version = alias?.[2] ?? written
    // Git and file dependencies have a URL or path for a version.
    if (/^[a-z+]+:/i.test(version)) continue
    found.push(locked('npm', name, version, { checksum: fromIntegrity(entry.integrity) }))
  }
  return found
}

/** A registry tarball (or no `resolved` at all, as npm writes with omit-lockfile-registry-resolved). */
function fromRegistry(resolved: unknown): boolean {
  return typeof resolved !== 'string' || /^https?:\/\//.test(resolved)
}
