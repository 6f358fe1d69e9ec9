import { stat } from 'node:fs/promises'
import { readTree } from '../publish/index.js'
import { join, relative, sep } from 'node:path'

/*
 * What a push uploads: the packages and indexes of one stack. A build job's directory holds
 * <repo>/<arch>/*; a merged repository holds <stack>/<repo>/<arch>/*, and a deployment is for one
 * stack, since the cluster agent keeps only <arch>/<file> of each path.
 */

export interface PushFile {
  /** Path below the stack's directory, e.g. `acme/x86_64/APKINDEX.tar.gz`: the zip entry. */
  name: string
  /** `<arch>/<file>`: the last two components, as the original keyed the objects. */
  leaf: string
  path: string
  size: number
}

export interface Collected {
  files: PushFile[]
  /** The stack directory the files came from (merged trees); undefined for a build job's tree. */
  stackDir?: string
  /** Files left out: the public key, pakman.json, anything not a package or an index. */
  skipped: string[]
}

const isPackageFile = (name: string) => name.endsWith('.apk') || name === 'APKINDEX.tar.gz'

/** The files of `dir` for `stack` (when the tree has several stacks, one must be named). */
export async function collectPushFiles(dir: string, stack?: string): Promise<Collected> {
  const entries = await readTree(
    dir,
    `no packages directory ${dir}: build or merge first, or point packages-dir at it`,
  )
  const groups = new Map<string, PushFile[]>()
  const skipped: string[] = []
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const parts = relative(dir, path).split(sep)
    if (parts.length < 2 || !isPackageFile(entry.name)) {
      skipped.push(parts.join('/'))
      continue
    }
    const prefix = parts.slice(0, -3).join('/')
    const list = groups.get(prefix) ?? []
    list.push({
      name: parts.slice(-3).join('/'),
      leaf: parts.slice(-2).join('/'),
      path,
      size: (await stat(path)).size,
    })
    groups.set(prefix, list)
  }
  const found = [...groups.keys()].sort()
  let chosen: string | undefined
  if (stack !== undefined && groups.has(stack)) chosen = stack
  else if (found.length === 1 && (found[0] === '' || stack === undefined)) chosen = found[0]
  if (chosen === undefined) {
    if (!found.length) throw new Error(`no packages in ${dir}`)
    throw new Error(
      stack === undefined
        ? `${dir} holds packages for several stacks (${found.join(', ')}); name the one to deploy with the stack input or stack: in instellar.yml`
        : `${dir} has no packages for stack ${stack} (it has ${found.map((f) => f || 'a single build').join(', ')})`,
    )
  }
  const files = groups.get(chosen)!.sort((a, b) => a.name.localeCompare(b.name))
  if (!files.some((f) => f.leaf.endsWith('.apk'))) throw new Error(`no .apk packages in ${dir}`)
  const seen = new Map<string, string>()
  for (const file of files) {
    const other = seen.get(file.leaf)
    if (other)
      throw new Error(
        `${other} and ${file.name} would both be uploaded as ${file.leaf}: a deployment holds one repository per architecture`,
      )
    seen.set(file.leaf, file.name)
  }
  for (const prefix of found) if (prefix !== chosen) skipped.push(`${prefix}/ (another stack)`)
  return { files, ...(chosen && { stackDir: chosen }), skipped: skipped.sort() }
}
