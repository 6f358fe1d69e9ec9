import { createHash } from 'node:crypto'
import { createReadStream, type Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { isRepositoryPath, MANIFEST, readManifest } from './manifest.js'
import { isPublicKeyFile } from '../signing/index.js'

/*
 * What a repository publish uploads from a build's or a merge's output directory: every regular
 * file of the repository tree (packages, their SBOMs, the indexes), and at the top the public keys
 * and a front page (index.html, *.txt, *.md) when one was written there. A build's tree has no
 * stack directory (<repo>/<arch>/), so its stack is put in front: in the bucket, a build's and a
 * merge's trees have one layout, <stack>/<repo>/<arch>/, and matrix jobs of two stacks do not
 * write over each other's indexes.
 */

/** In upload order: packages before the indexes that list them, then the keys, then the page. */
export type RepositoryFileKind = 'package' | 'index' | 'key' | 'page'

export interface RepositoryFile {
  /** The object's key below the prefix: `alpine/3.20/acme/x86_64/APKINDEX.tar.gz`. */
  name: string
  path: string
  kind: RepositoryFileKind
  size: number
  sha256: string
  md5: string
}

export interface RepositoryTree {
  files: RepositoryFile[]
  /** Files at the top that are not published (pakman.json), for the log. */
  left: string[]
}

/** A package's object never changes (its name is its version); everything else may. */
export const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Indexes, keys and the page are revalidated on every use, so no client keeps a stale index. */
export const REVALIDATE = 'no-cache'

/** The Content-Type an object is served with (apk does not look; browsers and curl do). */
export function contentType(name: string): string {
  if (name.endsWith('.tar.gz')) return 'application/gzip'
  if (name.endsWith('.spdx.json')) return 'application/spdx+json'
  if (name.endsWith('.json')) return 'application/json'
  if (name.endsWith('.html')) return 'text/html; charset=utf-8'
  if (name.endsWith('.md')) return 'text/markdown; charset=utf-8'
  if (name.endsWith('.txt') || name.endsWith('.pub')) return 'text/plain; charset=utf-8'
  return 'application/octet-stream'
}

export function cacheControl(file: Pick<RepositoryFile, 'name'>): string {
  return file.name.endsWith('.apk') ? IMMUTABLE : REVALIDATE
}

const isPage = (name: string) => name === 'index.html' || /\.(txt|md)$/.test(name)

/**
 * The files of `dir` to publish. `stack` names a build's stack when `dir` has no pakman.json that
 * says it; `option` is how the caller spells that setting, for the message when neither does.
 */
export async function collectRepository(
  dir: string,
  stack: string | undefined,
  option: string,
): Promise<RepositoryTree> {
  const entries = await readTree(dir, `no repository directory ${dir}: build or merge first`)
  const tree: { parts: string[]; path: string }[] = []
  const top: { name: string; path: string }[] = []
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name)
    const parts = relative(dir, path).split(sep)
    // dot files and directories: the output marker, a staging directory
    if (!entry.isFile() || parts.some((p) => p.startsWith('.'))) continue
    if (parts.length === 1) top.push({ name: entry.name, path })
    else tree.push({ parts, path })
  }
  if (!tree.some((f) => f.parts.at(-1)!.endsWith('.apk')))
    throw new Error(`no packages in ${dir}: give a build's or a merge's output directory`)
  if (!tree.some((f) => f.parts.at(-1) === 'APKINDEX.tar.gz'))
    throw new Error(`no APKINDEX.tar.gz in ${dir}: apk cannot use a repository without its index`)

  // <repo>/<arch>/<file> everywhere: one build's output, whose stack goes in front
  const build = tree.every((f) => f.parts.length === 3)
  const front = build ? `${await buildStack(dir, stack, option)}/` : ''
  const files: RepositoryFile[] = []
  const left: string[] = []
  for (const { parts, path } of tree) {
    const name = parts.at(-1)!
    const kind = name === 'APKINDEX.tar.gz' ? 'index' : 'package'
    files.push({ name: `${front}${parts.join('/')}`, path, kind, ...(await digests(path)) })
  }
  for (const { name, path } of top) {
    const kind = isPublicKeyFile(name) ? 'key' : isPage(name) ? 'page' : undefined
    if (kind) files.push({ name, path, kind, ...(await digests(path)) })
    else left.push(name)
  }
  if (!files.some((f) => f.kind === 'key'))
    throw new Error(
      `no public key (*.rsa.pub) at the top of ${dir}: users need it to trust the repository`,
    )
  return { files: files.sort((a, b) => a.name.localeCompare(b.name)), left: left.sort() }
}

/** Every entry below `dir`; `missing` is the message when there is no such directory. */
export async function readTree(dir: string, missing: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { recursive: true, withFileTypes: true })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new Error(
      code === 'ENOENT' ? missing : `cannot read ${dir}: ${(error as Error).message}`,
      { cause: error },
    )
  }
}

/** The stack of a build's output: given, or from the pakman.json its artifact carries. */
async function buildStack(dir: string, stack: string | undefined, option: string): Promise<string> {
  const named: unknown = stack ?? (await readManifest(dir))?.stack
  if (named === undefined)
    throw new Error(
      `${dir} is one build's output (<repo>/<arch>/) without ${MANIFEST}: name its stack with ${option}, so its packages go under <stack>/`,
    )
  if (!isRepositoryPath(named))
    throw new Error(`the stack ${JSON.stringify(named)} cannot be a directory in the bucket`)
  return named
}

/** SHA-256 (what we store beside the object) and MD5 (what S3's ETag of a single PUT is). */
async function digests(path: string): Promise<{ size: number; sha256: string; md5: string }> {
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  let size = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    sha256.update(chunk)
    md5.update(chunk)
    size += chunk.length
  }
  return { size, sha256: sha256.digest('hex'), md5: md5.digest('hex') }
}
