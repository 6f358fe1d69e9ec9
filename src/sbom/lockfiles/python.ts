import { pypiName } from '../purl.js'
import { onlyFileHash } from './digest.js'
import { reachable } from './graph.js'
import { asList, asRecord, asString, isRecord, parseJson, parseToml } from './parse.js'
import { locked, type Locked, type LockfileSource } from './types.js'

/*
 * Python's lockfiles: pip's requirements files, Poetry's poetry.lock, Pipenv's Pipfile.lock and
 * uv's uv.lock. They hash every file of a release (the sdist and each wheel), and which file pip
 * installs depends on the machine, so a component has a checksum only when its release has one
 * file hashed (onlyFileHash). Packages from git, a URL or a directory are left out, as not the
 * index's; so are packages for development, where the lockfile says which they are.
 */

/** A private index, named as the repository_url qualifier; PyPI's own names nothing. */
function indexUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined
  return /^https:\/\/(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)\//.test(url)
    ? undefined
    : url
}

/**
 * requirements*.txt: only `name==version` (or `===`) pins are locked; a range, a URL or an
 * option line says nothing about what is installed, and is passed over without a word. A file
 * named for development (requirements-dev.txt, requirements_test.txt, ...) is not the product's.
 */
export function readRequirements(source: LockfileSource): Locked[] {
  const name = source.path.slice(source.path.lastIndexOf('/') + 1)
  if (/^requirements[-_.](dev|develop|development|test|tests|testing|lint|docs)\.txt$/i.test(name))
    return []
  return source.text
    .replace(/\\\r?\n/g, ' ') // continuation lines
    .split(/\r?\n/)
    .flatMap((line) => {
      const requirement = line.replace(/(^|\s)#.*$/, '')
      const hashes = [...requirement.matchAll(/--hash[=\s]\s*(\S+)/g)].map((found) => found[1])
      const [spec = ''] = requirement.replace(/--hash[=\s]\s*\S+/g, '').split(';')
      const pin = /^\s*([A-Za-z0-9][\w.-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s,*]+)\s*$/.exec(spec)
      return pin ? [locked('pypi', pin[1]!, pin[2]!, { checksum: onlyFileHash(hashes) })] : []
    })
}

/**
 * poetry.lock: a [[package]] per release, with its `files` (or, before lock format 2.0, a
 * [metadata.files] table by name). Development packages: `category = "dev"` (older Poetry), or
 * `groups` without "main" (Poetry 2); the Poetry 1 releases in between record neither, so
 * nothing can be left out there. A [package.source] of type git, directory, file or url is not
 * the index's.
 */
export function readPoetryLock(source: LockfileSource): Locked[] {
  const lock = parseToml(source.text)
  const metadataFiles = asRecord(asRecord(lock.metadata, 'metadata').files, 'metadata.files')
  return asList(lock.package, 'package').flatMap((value, index) => {
    const entry = asRecord(value, `package ${index + 1}`)
    const name = asString(entry.name, `package ${index + 1}: name`)
    const version = asString(entry.version, `${name}: version`)
    const groups = asList(entry.groups, `${name}: groups`)
    if (entry.category === 'dev' || (groups.length && !groups.includes('main'))) return []
    const origin = asRecord(entry.source, `${name}: source`)
    if (['git', 'directory', 'file', 'url'].includes(String(origin.type))) return []
    // Lock format 1 keys [metadata.files] by the name in lowercase, dots and all.
    const listed = Object.keys(metadataFiles).find((key) => pypiName(key) === pypiName(name))
    const files = asList(entry.files ?? metadataFiles[listed ?? name], `${name}: files`)
    return [
      locked('pypi', name, version, {
        qualifiers: { repository_url: indexUrl(origin.url) },
        checksum: onlyFileHash(files.map((file) => (isRecord(file) ? file.hash : undefined))),
      }),
    ]
  })
}

/** Pipfile.lock: `default` is the product's, `develop` is for development and left out. */
export function readPipfileLock(source: LockfileSource): Locked[] {
  const lock = asRecord(parseJson(source.text), 'the lockfile')
  return Object.entries(asRecord(lock.default, 'default')).flatMap(([name, value]) => {
    const entry = asRecord(value, `default["${name}"]`)
    // git, path and editable entries have no `version`.
    const version = /^===?(.+)$/.exec(String(entry.version ?? ''))?.[1]
    if (!version) return []
    return [locked('pypi', name, version, { checksum: onlyFileHash(asList(entry.hashes, name)) })]
  })
}

/**
 * uv.lock: a [[package]] per release; the project and workspace members have an `editable` or
 * `virtual` source, index packages a `registry` one. Development dependencies are the members'
 * [package.dev-dependencies]: what the members' dependencies and optional-dependencies (extras)
 * reach is kept, what only dev-dependencies reach is left out.
 */
export function readUvLock(source: LockfileSource): Locked[] {
  const lock = parseToml(source.text)
  const packages = asList(lock.package, 'package').map((value, index) =>
    asRecord(value, `package ${index + 1}`),
  )
  const named = (value: unknown, what: string) =>
    asString(asRecord(value, what).name, `${what}: name`)
  const edges = (entry: Record<string, unknown>) => {
    const name = named(entry, 'package')
    const extras = Object.values(asRecord(entry['optional-dependencies'], `${name}: extras`))
    return [entry.dependencies, ...extras].flatMap((list) =>
      asList(list, `${name}: dependencies`).flatMap((dependency) => {
        const wanted = asRecord(dependency, `${name}: dependency`)
        const target = named(wanted, `${name}: dependency`)
        // A name resolved to several versions (forks by marker) names its version too.
        return packages.filter(
          (p) =>
            p.name === target && (wanted.version === undefined || p.version === wanted.version),
        )
      }),
    )
  }
  const members = packages.filter((p) => {
    const origin = asRecord(p.source, `${String(p.name)}: source`)
    return 'editable' in origin || 'virtual' in origin
  })
  const kept = members.length ? reachable(members, edges) : new Set(packages)
  return packages.flatMap((entry) => {
    const name = named(entry, 'package')
    const origin = asRecord(entry.source, `${name}: source`)
    if (!kept.has(entry) || typeof origin.registry !== 'string') return []
    const sdist = entry.sdist === undefined ? [] : [entry.sdist]
    const files = [...sdist, ...asList(entry.wheels, `${name}: wheels`)]
    return [
      locked('pypi', name, asString(entry.version, `${name}: version`), {
        qualifiers: { repository_url: indexUrl(origin.registry) },
        checksum: onlyFileHash(files.map((file) => (isRecord(file) ? file.hash : undefined))),
      }),
    ]
  })
}
