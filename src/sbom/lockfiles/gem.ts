import { fromPrefixedHex } from './digest.js'
import { locked, LockfileError, type Checksum, type Locked, type LockfileSource } from './types.js'

/*
 * Gemfile.lock: sections under unindented headers. The gems are the `name (version)` lines
 * indented by four under `specs:` in a GEM section; a version with a platform
 * (`1.16.0-x86_64-linux`) is that platform's build, one component each, as the lockfile may
 * hold several. Bundler 2.5 and later add a CHECKSUMS section of `name (version) sha256=<hex>`.
 * Left out: GIT and PATH sections (not rubygems packages; PATH is often the application itself).
 * Gemfile.lock does not record Bundler's groups, so development gems cannot be told apart and
 * are listed too.
 */

const DEFAULT_REMOTE = 'https://rubygems.org/'

interface Spec {
  name: string
  /** As written: version, then -platform when there is one. */
  release: string
  remotes: string[]
}

export function readGemfileLock(source: LockfileSource): Locked[] {
  const specs: Spec[] = []
  const checksums = new Map<string, Checksum>()
  let section = ''
  let remotes: string[] = []
  source.text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return
    if (!line.startsWith(' ')) {
      if (!/^[A-Z][A-Z ]*$/.test(line))
        throw new LockfileError(`not a Gemfile.lock section: ${line}`, index + 1)
      section = line
      remotes = []
      return
    }
    if (!section) throw new LockfileError(`indented line outside a section`, index + 1)
    if (section === 'GEM') {
      const remote = /^ {2}remote: (.+)$/.exec(line)?.[1]
      if (remote) remotes.push(remote)
      if (!/^ {4}\S/.test(line)) return // a field, `specs:`, or a gem's own dependency
      const spec = specLine(line, index + 1)
      specs.push({ ...spec, remotes })
    } else if (section === 'CHECKSUMS') {
      const { name, release, rest } = specLine(line, index + 1, 2)
      // Several digests may follow, comma-separated; SHA-256 is the one Bundler writes.
      const checksum = rest
        .split(',')
        .map(fromPrefixedHex)
        .find((found) => found?.algorithm === 'SHA256')
      if (checksum) checksums.set(`${name} ${release}`, checksum)
    }
  })
  if (!specs.length && !/^GEM$/m.test(source.text))
    throw new LockfileError('no GEM section: not a Gemfile.lock')
  return specs.map(({ name, release, remotes }) => {
    const dash = release.indexOf('-')
    const version = dash === -1 ? release : release.slice(0, dash)
    const platform = dash === -1 ? undefined : release.slice(dash + 1)
    const remote = remotes.length === 1 && remotes[0] !== DEFAULT_REMOTE ? remotes[0] : undefined
    return locked('gem', name, version, {
      qualifiers: { platform, repository_url: remote },
      checksum: checksums.get(`${name} ${release}`),
    })
  })
}

/** `    name (version[-platform])[ rest]` at the indent given. */
function specLine(
  line: string,
  number: number,
  indent = 4,
): { name: string; release: string; rest: string } {
  const match = new RegExp(`^ {${indent}}(\\S+) \\(([^)\\s]+)\\)(?: (.*))?$`).exec(line)
  if (!match) throw new LockfileError(`expected "name (version)": ${line.trim()}`, number)
  return { name: match[1]!, release: match[2]!, rest: match[3] ?? '' }
}
