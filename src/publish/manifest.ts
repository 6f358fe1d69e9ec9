import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { checkKeyName, parseSignatureChoice, type SignatureChoice } from '../signing/index.js'

/**
 * pakman.json: what a build artifact holds, so a merge job knows each one's stack and arch. Its
 * presence also marks an output directory as PAKman's own (see output.ts).
 */
export const MANIFEST = 'pakman.json'

export interface Manifest {
  package: string
  version: string
  release: number
  stack: string
  arch: string
  keyName: string
  /** Absent in builds from before the signature input: rsa. */
  signature?: SignatureChoice
}

/** A build's pakman.json, or undefined when the directory has none. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const unreadable = (error: unknown) =>
    new Error(`${MANIFEST} in ${basename(dir)} is unreadable: ${(error as Error).message}`, {
      cause: error,
    })
  let text: string
  try {
    text = await readFile(join(dir, MANIFEST), 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw unreadable(error)
  }
  let manifest: Manifest
  try {
    manifest = JSON.parse(text) as Manifest
  } catch (error) {
    throw unreadable(error)
  }
  // Read as the signature input is, so the two agree on what names a choice.
  if (manifest.signature !== undefined)
    manifest.signature = parseSignatureChoice(String(manifest.signature), `${MANIFEST} signature`)
  return manifest
}

/** Each build artifact's pakman.json, in the order of the directories given; each must have one. */
export async function readManifests(dirs: readonly string[]): Promise<Manifest[]> {
  return Promise.all(
    dirs.map(async (dir) => {
      const manifest = await readManifest(dir)
      if (!manifest) throw new Error(`${MANIFEST} in ${basename(dir)} is missing`)
      return manifest
    }),
  )
}

/**
 * A manifest's stack or arch, which become directories of a repository (on disk or in a bucket):
 * plain path parts only, nothing that could climb out.
 */
export function isRepositoryPath(part: unknown): part is string {
  return (
    typeof part === 'string' &&
    /^[A-Za-z0-9._:@/-]+$/.test(part) &&
    !part.split('/').some((p) => p === '..' || p === '.' || p === '')
  )
}

/**
 * The key name a merge signs its indexes with. Each package's signature names the key it was made
 * with, so it is the name the build jobs wrote into pakman.json (they must all agree); an input
 * naming another key is an error, not a silent override. Without a manifest naming one (older
 * builds), the input, then the repository's default name. The name returned is a checked one.
 */
export function mergeKeyName(
  manifests: readonly Manifest[],
  given: { keyName?: string; defaultKeyName?: string },
): string {
  // The input first: a path given as the name is refused as such, not as a contradiction.
  if (given.keyName) checkKeyName(given.keyName)
  const named = [...new Set(manifests.map((m) => m.keyName).filter(Boolean))]
  if (named.length > 1) {
    throw new Error(
      `the build jobs signed with different keys (${named.join(', ')} in their ${MANIFEST}); merge only builds signed with one key`,
    )
  }
  const [built] = named
  if (built && given.keyName && given.keyName !== built) {
    throw new Error(
      `signing-key-name is ${given.keyName}, but the build jobs signed as ${built} (${MANIFEST}); drop the input or give them the same name`,
    )
  }
  const name = built ?? given.keyName ?? given.defaultKeyName
  if (!name)
    throw new Error(
      'merge needs signing-key-name: no build artifact names its key, and no repository is known',
    )
  // The name becomes a file name; a manifest's comes from an artifact, so it is checked too.
  checkKeyName(name)
  return name
}

/**
 * The signatures a merge writes on its indexes: the build jobs' (they must all agree, as a
 * repository of mixed signatures would be judged differently by different apk), rsa for builds
 * that recorded none. A signature input naming another choice is an error, as for the key name:
 * the packages keep the signatures their build gave them.
 */
export function mergeSignature(
  manifests: readonly Manifest[],
  given?: SignatureChoice,
): SignatureChoice {
  const recorded = [...new Set(manifests.map((m) => m.signature ?? 'rsa'))]
  if (recorded.length > 1)
    throw new Error(
      `the build jobs signed with different signature choices (${recorded.join(', ')} in their ${MANIFEST}); give every build job the same signature input`,
    )
  const built = recorded[0] ?? 'rsa'
  if (given && given !== built)
    throw new Error(
      `signature is ${given}, but the build jobs signed ${built} (${MANIFEST}); drop the input or give them the same choice`,
    )
  return built
}
