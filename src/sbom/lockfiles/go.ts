import { locked, LockfileError, type Locked, type LockfileSource } from './types.js'

/*
 * go.sum, with the go.mod beside it. go.sum has two lines per module version it has checked:
 * `path version h1:<hash>` for the module's files and `path version/go.mod h1:<hash>` for its
 * go.mod alone. The go.mod-only lines are modules Go read to select versions but did not
 * download, so only a module with a full line of its own is a component. Its h1: hash is a
 * digest of the module's file tree (a "dirhash"), not of an artifact anyone downloads: no
 * checksum. When the go.mod says `go 1.17` or later it requires every module that provides a
 * package to the build, so go.sum's full lines for any other module version (kept for an older
 * Go's sake, or left from before an upgrade) are not in the build and are left out; `replace`
 * directives are followed, and a module replaced by a directory is the application's own code.
 */

export async function readGoSum(source: LockfileSource): Promise<Locked[]> {
  const full = new Set<string>()
  source.text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return
    const match = /^(\S+) (\S+) h1:[A-Za-z0-9+/]+=*$/.exec(line.trim())
    if (!match) throw new LockfileError(`expected "module version h1:hash": ${line}`, index + 1)
    if (!match[2]!.endsWith('/go.mod')) full.add(`${match[1]} ${match[2]}`)
  })
  const goMod = await source.sibling('go.mod')
  const required = goMod === undefined ? undefined : buildList(goMod, siblingPath(source.path))
  return [...full]
    .filter((module) => !required || required.has(module))
    .map((module) => {
      const [path, version] = module.split(' ') as [string, string]
      return locked('golang', path, version)
    })
}

function siblingPath(lockfile: string): string {
  return lockfile.replace(/[^/]*$/, 'go.mod')
}

/**
 * The `path version` of every module a go.mod of Go 1.17 or later builds with, replacements
 * applied; undefined for an older go.mod, whose requirements are not the whole build.
 */
function buildList(text: string, file: string): Set<string> | undefined {
  const { directives, go } = readGoMod(text, file)
  // No `go` line means Go 1.16 semantics.
  const [major = 0, minor = 0] = (go ?? '1.16').split('.').map((part) => parseInt(part, 10) || 0)
  if (major < 1 || (major === 1 && minor < 17)) return undefined
  const replacements = new Map<string, string[]>()
  for (const { verb, args } of directives) {
    if (verb !== 'replace') continue
    const arrow = args.indexOf('=>')
    const [from, fromVersion] = args.slice(0, arrow)
    replacements.set(fromVersion ? `${from} ${fromVersion}` : from!, args.slice(arrow + 1))
  }
  const list = new Set<string>()
  for (const { verb, args } of directives) {
    if (verb !== 'require') continue
    const [path, version] = args as [string, string]
    const target = replacements.get(`${path} ${version}`) ?? replacements.get(path)
    // A replacement without a version is a directory: the application's own code.
    if (!target) list.add(`${path} ${version}`)
    else if (target[1]) list.add(`${target[0]} ${target[1]}`)
  }
  return list
}

interface Directive {
  verb: string
  args: string[]
}

/** go.mod's directives, `verb ( ... )` blocks unfolded, comments and quotes taken away. */
function readGoMod(text: string, file: string): { directives: Directive[]; go?: string } {
  const directives: Directive[] = []
  let block: string | undefined
  text.split(/\r?\n/).forEach((line, index) => {
    const words = goModWords(line, file, index + 1)
    if (!words.length) return
    if (block === undefined && words[1] === '(' && words.length === 2) block = words[0]
    else if (block !== undefined && words[0] === ')') block = undefined
    else {
      const directive = block
        ? { verb: block, args: words }
        : { verb: words[0]!, args: words.slice(1) }
      if (!wellFormed(directive))
        throw new LockfileError(`not a ${directive.verb}: ${line.trim()}`, index + 1, file)
      directives.push(directive)
    }
  })
  const go = directives.find((d) => d.verb === 'go')?.args[0]
  return { directives, go }
}

/** `require path version`; `replace path [version] => path [version]`. */
function wellFormed({ verb, args }: Directive): boolean {
  if (verb === 'require') return args.length === 2
  if (verb !== 'replace') return true
  const arrow = args.indexOf('=>')
  return arrow >= 1 && arrow <= 2 && args.length > arrow + 1 && args.length <= arrow + 3
}

/** A go.mod line's words: `//` starts a comment; "quoted" and `raw` strings are one word. */
function goModWords(line: string, file: string, number: number): string[] {
  const words: string[] = []
  const pattern = /\s*(?:(\/\/.*)|"((?:[^"\\]|\\.)*)"|`([^`]*)`|([^\s"`]+))/y
  const text = line.trimEnd()
  while (pattern.lastIndex < text.length) {
    const match = pattern.exec(text)
    if (!match) throw new LockfileError(`cannot read: ${text.trim()}`, number, file)
    if (match[1] !== undefined) break
    words.push(match[2] ?? match[3] ?? match[4]!)
  }
  return words
}
