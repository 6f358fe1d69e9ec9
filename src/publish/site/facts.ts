import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { checkIndexFile, trustedKeys } from '../../apk/index.js'
import { isPublicKeyFile } from '../../signing/index.js'

/*
 * What the front page says about a repository, read from the tree itself: the public keys at its
 * top, and for every <stack>/<repo>/<arch>/APKINDEX.tar.gz the packages it lists, with the facts
 * the index records and each file's SHA-256 hashed from its bytes. Nothing is guessed: an index
 * the keys do not verify, or a listed file that is not there, is an error, since the page would
 * then tell people to trust a key or fetch a file that fails them.
 */

export interface SitePackage {
  name: string
  version: string
  arch: string
  /** T: — written by whoever made the package: only ever shown escaped. */
  description: string
  /** S: the .apk file's size in bytes. */
  size: number
  /** I: the size once installed, in bytes; undefined when the index has none. */
  installedSize?: number
  /** t: the build time, seconds since the epoch; undefined when the index has none. */
  buildTime?: number
  /** o: the package the recipe is named after (its subpackages share it). */
  origin: string
  /** The file, relative to the repository's top, with / between parts. */
  file: string
  sha256: string
}

/** One index's directory: <stack>/<repo>/<arch>, the stack and repo parts possibly empty. */
export interface SiteDirectory {
  /** The directory relative to the top (alpine/3.20/acme/x86_64). */
  path: string
  stack: string
  repo: string
  arch: string
  packages: SitePackage[]
}

export interface RepositoryFacts {
  /** File names of the public keys at the top (<name>.rsa.pub), sorted. */
  keys: string[]
  /** Every directory with an index, sorted by path. */
  directories: SiteDirectory[]
}

const INDEX = 'APKINDEX.tar.gz'

/** `digests`: SHA-256 already known, by path relative to `dir`; only the other files are read. */
export async function readRepository(
  dir: string,
  digests?: ReadonlyMap<string, string>,
): Promise<RepositoryFacts> {
  const top = await readdir(dir, { withFileTypes: true })
  const keys = top
    .filter((e) => e.isFile() && isPublicKeyFile(e.name))
    .map((e) => e.name)
    .sort()
  if (!keys.length)
    throw new Error(
      `${dir} has no <key-name>.rsa.pub at its top: the page tells users to trust that key, so it must be published with the packages`,
    )
  const trusted = trustedKeys(
    await Promise.all(
      keys.map(async (name): Promise<[string, string]> => [
        name,
        await readFile(join(dir, name), 'utf8'),
      ]),
    ),
  )
  const indexes = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile() && e.name === INDEX)
    .map((e) => relative(dir, e.parentPath).split(sep).join('/'))
    // Hidden directories are not published (GitHub Pages leaves them out).
    .filter((path) => path && !path.split('/').some((part) => part.startsWith('.')))
    .sort()
  if (!indexes.length)
    throw new Error(`${dir} holds no <repo>/<arch>/${INDEX}: no repository to describe`)

  const directories: SiteDirectory[] = []
  for (const path of indexes) {
    const checked = await checkIndexFile(join(dir, path, INDEX), trusted)
    if (checked.verdict !== 'OK' || !checked.entries)
      throw new Error(
        `${path}/${INDEX}: ${checked.verdict} with ${keys.join(', ')} (${checked.reason}); the page would tell users to trust a key that does not sign it`,
      )
    const parts = path.split('/')
    const packages: SitePackage[] = []
    for (const entry of checked.entries) {
      const field = (letter: string) => entry.fields.find(([l]) => l === letter)?.[1]
      const number = (letter: string) => {
        const value = Number(field(letter) ?? NaN)
        return Number.isFinite(value) ? value : undefined
      }
      const file = `${path}/${entry.name}-${entry.version}.apk`
      const installedSize = number('I')
      const buildTime = number('t')
      packages.push({
        name: entry.name,
        version: entry.version,
        arch: entry.arch,
        description: field('T') ?? '',
        size: entry.size,
        ...(installedSize !== undefined && { installedSize }),
        ...(buildTime !== undefined && { buildTime }),
        origin: field('o') ?? entry.name,
        file,
        sha256:
          digests?.get(file) ??
          (await sha256Of(join(dir, file), `${file} is listed in ${path}/${INDEX}`)),
      })
    }
    directories.push({
      path,
      stack: parts.slice(0, -2).join('/'),
      repo: parts.at(-2) ?? '',
      arch: parts.at(-1)!,
      packages,
    })
  }
  return { keys, directories }
}

async function sha256Of(path: string, what: string): Promise<string> {
  const hash = createHash('sha256')
  try {
    await pipeline(createReadStream(path), hash)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${what}, but is not there`, { cause: error })
    throw error
  }
  return hash.digest('hex')
}
