import { fromHex, fromIntegrity } from './digest.js'
import { reachable } from './graph.js'
import { asRecord, asString, isRecord, parseJson, parseYaml } from './parse.js'
import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * yarn.lock: yarn 1's own format, or yarn 2 and later ("berry"), which is YAML with __metadata.
 * Neither says which dependencies are for development only, so the package.json files beside it
 * do: what the workspaces' dependencies and optionalDependencies reach is kept, what only
 * devDependencies reach is left out. Without a package.json to tell, everything is kept.
 * Also left out: the workspaces themselves, and packages not from the registry (git, file:,
 * link:, portal:, and berry's patch:, whose unpatched package is listed on its own).
 */

interface YarnEntry {
  /** The `name@range` descriptors that resolve to it. */
  descriptors: string[]
  fields: Record<string, unknown>
  /** dependencies and optionalDependencies: name → range. */
  dependencies: Record<string, string>
}

export async function readYarnLock(source: LockfileSource): Promise<Locked[]> {
  const berry = /^__metadata:/m.test(source.text)
  const entries = berry ? berryEntries(source.text) : classicEntries(source.text)
  const kept = berry ? await berryProduct(entries, source) : await classicProduct(entries, source)
  return entries
    .filter((entry) => !kept || kept.has(entry))
    .flatMap((entry) => (berry ? fromBerry(entry) : fromClassic(entry)))
}

function fromClassic(entry: YarnEntry): Locked[] {
  const descriptor = entry.descriptors[0]!
  let { name, range } = splitDescriptor(descriptor)
  if (range.startsWith('npm:')) ({ name, range } = splitDescriptor(range.slice('npm:'.length)))
  // A registry range is a version or semver range; git, file: and GitHub shorthands are not.
  if (/^[a-z+]+:/i.test(range) || range.includes('/')) return []
  const version = asString(entry.fields.version, `${descriptor}: version`)
  const resolved = String(entry.fields.resolved ?? '')
  // Older lockfiles have no integrity, only the tarball's SHA-1 after the # of its URL.
  const checksum =
    fromIntegrity(entry.fields.integrity) ?? fromHex('SHA1', /#([0-9a-f]{40})$/.exec(resolved)?.[1])
  return [locked('npm', name, version, { checksum })]
}

function fromBerry(entry: YarnEntry): Locked[] {
  const resolution = asString(entry.fields.resolution, `${entry.descriptors[0]}: resolution`)
  const { name, range } = splitDescriptor(resolution)
  if (!range.startsWith('npm:')) return []
  // Berry's checksum is of the zip it stores in its cache, not of the registry's tarball.
  return [locked('npm', name, asString(entry.fields.version, `${resolution}: version`))]
}

/** `@scope/name@range` → name and range. */
function splitDescriptor(descriptor: string): { name: string; range: string } {
  const at = descriptor.indexOf('@', 1)
  if (at === -1) throw new LockfileError(`"${descriptor}" is not a name@range`)
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) }
}

function berryEntries(text: string): YarnEntry[] {
  const lock = asRecord(parseYaml(text), 'the lockfile')
  return Object.entries(lock)
    .filter(([key]) => key !== '__metadata')
    .map(([key, value]) => {
      const fields = asRecord(value, `"${key}"`)
      return {
        descriptors: key.split(/,\s*/),
        fields,
        dependencies: {
          ...dependencyMap(fields.dependencies, key),
          ...dependencyMap(fields.optionalDependencies, key),
        },
      }
    })
}

function dependencyMap(value: unknown, key: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(asRecord(value, `${key}: dependencies`)).map(([name, range]) => [
      name,
      asString(range, `${key}: dependency ${name}`),
    ]),
  )
}

/**
 * Yarn 1's format: an entry starts at an unindented `descriptor, descriptor:` line; its fields
 * are `name value` lines indented by two, and a field ending in `:` opens a map of lines indented
 * by four. Strings may be quoted as in JSON.
 */
function classicEntries(text: string): YarnEntry[] {
  const entries: YarnEntry[] = []
  let entry: YarnEntry | undefined
  let map: Record<string, unknown> | undefined
  text.split(/\r?\n/).forEach((line, index) => {
    const number = index + 1
    if (!line.trim() || line.startsWith('#')) return
    const indent = /^ */.exec(line)![0].length
    const content = line.trim()
    if (indent === 0 && content.endsWith(':')) {
      const descriptors = content
        .slice(0, -1)
        .split(/,\s*/)
        .map((d) => unquote(d, number))
      entry = { descriptors, fields: {}, dependencies: {} }
      entries.push(entry)
      map = undefined
    } else if (indent === 2 && entry && /^[^\s]+:$/.test(content)) {
      map = {}
      entry.fields[unquote(content.slice(0, -1), number)] = map
    } else if (indent === 2 && entry) {
      const [key, value] = splitField(content, number)
      entry.fields[key] = value
      map = undefined
    } else if (indent === 4 && map) {
      const [key, value] = splitField(content, number)
      map[key] = value
    } else {
      throw new LockfileError(`unexpected line: ${content}`, number)
    }
  })
  for (const found of entries)
    found.dependencies = {
      ...dependencyMap(found.fields.dependencies, found.descriptors[0]!),
      ...dependencyMap(found.fields.optionalDependencies, found.descriptors[0]!),
    }
  return entries
}

function splitField(content: string, line: number): [string, string] {
  const match = /^("(?:[^"\\]|\\.)*"|[^\s"]+)\s+(.+)$/.exec(content)
  if (!match) throw new LockfileError(`expected "name value": ${content}`, line)
  return [unquote(match[1]!, line), unquote(match[2]!, line)]
}

function unquote(value: string, line: number): string {
  if (!value.startsWith('"')) return value
  try {
    return JSON.parse(value) as string
  } catch {
    throw new LockfileError(`bad quoted string ${value}`, line)
  }
}

/** Every entry the roots' dependencies reach, each looked up by its `name@range`. */
function reachedFrom(
  roots: Record<string, string>[],
  entries: YarnEntry[],
  edges: (entry: YarnEntry) => Record<string, string> = (entry) => entry.dependencies,
): Set<YarnEntry> {
  const byDescriptor = new Map(entries.flatMap((e) => e.descriptors.map((d) => [d, e] as const)))
  const resolve = (deps: Record<string, string>) =>
    Object.entries(deps).flatMap(([name, range]) => byDescriptor.get(`${name}@${range}`) ?? [])
  return reachable(roots.flatMap(resolve), (entry) => resolve(edges(entry)))
}

/**
 * Berry lists each workspace as `name@workspace:path`, with its devDependencies among its
 * dependencies: the workspace's package.json tells them apart.
 */
async function berryProduct(entries: YarnEntry[], source: LockfileSource): Promise<Set<YarnEntry>> {
  const workspaces = new Map<YarnEntry, Record<string, string>>()
  for (const entry of entries) {
    const path = /@workspace:(.*)$/.exec(String(entry.fields.resolution ?? ''))?.[1]
    if (path === undefined) continue
    const manifest = await readManifest(source, path)
    const devOnly = manifest ? developmentOnly(manifest) : new Set<string>()
    workspaces.set(
      entry,
      Object.fromEntries(Object.entries(entry.dependencies).filter(([name]) => !devOnly.has(name))),
    )
  }
  return reachedFrom([...workspaces.values()], entries, (e) => workspaces.get(e) ?? e.dependencies)
}

/** Yarn 1 does not list workspaces: the root package.json and its `workspaces` patterns do. */
async function classicProduct(
  entries: YarnEntry[],
  source: LockfileSource,
): Promise<Set<YarnEntry> | undefined> {
  const root = await readManifest(source, '.')
  if (!root) return undefined // none, or unreadable: everything is kept
  const patterns = isRecord(root.workspaces) ? root.workspaces.packages : root.workspaces
  const members: string[] = []
  for (const pattern of Array.isArray(patterns) ? patterns : []) {
    const paths = await expandWorkspace(String(pattern), source)
    if (!paths) return undefined
    members.push(...paths)
  }
  const manifests = [root]
  for (const path of members) {
    const manifest = await readManifest(source, path)
    if (manifest === null) return undefined
    if (manifest) manifests.push(manifest)
  }
  return reachedFrom(manifests.map(productionDependencies), entries)
}

/** A workspace pattern: a path, or a path ending in /* (what yarn's own examples use). */
async function expandWorkspace(
  pattern: string,
  source: LockfileSource,
): Promise<string[] | undefined> {
  const path = pattern.replace(/^\.\//, '').replace(/\/$/, '')
  if (!path.includes('*')) return [path]
  const parent = /^([^*]*)\/\*$/.exec(path)?.[1]
  if (parent === undefined) return undefined // a deeper glob: which packages it means is unknown
  return (await source.subdirectories(parent)).map((dir) => `${parent}/${dir}`)
}

type Manifest = Record<string, unknown>

/**
 * A directory's package.json: undefined when there is none, null when it cannot be read (not
 * ours to report; without it nothing can be left out, so nothing is).
 */
async function readManifest(
  source: LockfileSource,
  dir: string,
): Promise<Manifest | undefined | null> {
  const text = await source.sibling(`${dir}/package.json`)
  if (text === undefined) return undefined
  try {
    const manifest = parseJson(text)
    return isRecord(manifest) ? manifest : null
  } catch {
    return null
  }
}

function productionDependencies(manifest: Manifest): Record<string, string> {
  const deps: Record<string, string> = {}
  for (const field of ['dependencies', 'optionalDependencies'])
    for (const [name, range] of Object.entries(isRecord(manifest[field]) ? manifest[field] : {}))
      deps[name] = String(range)
  return deps
}

function developmentOnly(manifest: Manifest): Set<string> {
  const dev = isRecord(manifest.devDependencies) ? Object.keys(manifest.devDependencies) : []
  const product = productionDependencies(manifest)
  const peers = isRecord(manifest.peerDependencies) ? manifest.peerDependencies : {}
  return new Set(dev.filter((name) => !(name in product) && !(name in peers)))
}
