import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import {
  checkPackageFile,
  indexMember,
  indexText,
  trustedKeys,
  type IndexedPackage,
} from '../apk/index.js'
import type { PhaseReporter } from '../report/index.js'
import {
  publicKeyFileName,
  publicKeyOf,
  readPrivateKey,
  signMember,
  type SignatureChoice,
} from '../signing/index.js'
import {
  isRepositoryPath,
  MANIFEST,
  mergeKeyName,
  mergeSignature,
  readManifests,
  type Manifest,
} from './manifest.js'

/*
 * Merge mode: the package artifacts of this run's build jobs become one repository,
 * <stack>/<repo>/<arch>/, with one APKINDEX per directory, written and signed here with the key the
 * build jobs used. A package signed by any other key is refused.
 */

/** How mergeRepositories writes the merged repository, and whose key signs it. */
export interface RepositoryMergeOptions {
  /** Where the merged repository is written (emptied first by the caller). */
  outputDir: string
  signingKey: string
  /** signing-key-name, when given: it must name the key the build jobs signed with. */
  keyName?: string
  /** signature, when given: it must be the choice the build jobs signed with. */
  signature?: SignatureChoice
  /** The repository's default key name, for artifacts whose pakman.json names no key. */
  defaultKeyName?: string
  /** Index timestamps (SOURCE_DATE_EPOCH); by default the newest package's build date, so a
   *  merge of the same packages writes the same indexes, byte for byte. */
  mtime?: number
  reporter: PhaseReporter
}

export interface Merged {
  directories: string[]
  packages: number
  publicKeyFile: string
  /** The key the indexes were signed as: the build jobs' (see mergeKeyName). */
  keyName: string
  /** The signatures on the indexes: the build jobs' choice (see mergeSignature). */
  signature: SignatureChoice
  manifests: Manifest[]
}

/** A downloaded build artifact: its directory holds pakman.json and <repo>/<arch>/*.apk. */
export async function mergeRepositories(
  artifactDirs: string[],
  options: RepositoryMergeOptions,
): Promise<Merged> {
  // The same checks as a build's key: an RSA private key, a name that is only a file name.
  const privateKey = readPrivateKey(options.signingKey)
  const manifests = await readManifests(artifactDirs)
  const keyName = mergeKeyName(manifests, options)
  const signature = mergeSignature(manifests, options.signature)
  const publicKeyPem = publicKeyOf(privateKey)
  const keyFile = publicKeyFileName(keyName)
  const trusted = trustedKeys([[keyFile, publicKeyPem]])
  const byDirectory = new Map<string, IndexedPackage[]>()

  for (const [i, dir] of artifactDirs.entries()) {
    const manifest = manifests[i]!
    // The stack and arch become directories: nothing that could climb out of the output.
    for (const part of [manifest.stack, manifest.arch]) {
      if (!isRepositoryPath(part)) {
        throw new Error(
          `${MANIFEST} in ${basename(dir)} names an unusable stack or arch: ${JSON.stringify(part)}`,
        )
      }
    }
    for (const file of await apkFiles(dir)) {
      // One streaming pass gives the verdict and what the index needs, in bounded memory.
      const checked = await checkPackageFile(file.path, trusted)
      if (checked.verdict !== 'OK') {
        throw new Error(
          `${manifest.stack} ${manifest.arch} ${basename(file.path)}: ${checked.verdict} with ${keyFile} (${checked.reason}); merge only packages signed with the same key`,
        )
      }
      const target = join(manifest.stack, file.repo, file.arch)
      await mkdir(join(options.outputDir, target), { recursive: true })
      await copyFile(file.path, join(options.outputDir, target, basename(file.path)))
      // The package's SBOM, where its build put one beside it, stays beside it.
      const sbom = file.path.replace(/\.apk$/, '.spdx.json')
      await copyFile(sbom, join(options.outputDir, target, basename(sbom))).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error
        },
      )
      const list = byDirectory.get(target) ?? []
      list.push({
        pkg: { pkginfo: checked.pkginfo!, identity: checked.identity! },
        fileSize: checked.size,
      })
      byDirectory.set(target, list)
    }
  }

  const mtime = options.mtime ?? newestBuildDate(byDirectory.values())
  for (const [target, packages] of byDirectory) {
    const arch = basename(target)
    const text = indexText(packages, arch)
    const member = indexMember(text, `${target} `, mtime)
    await writeFile(
      join(options.outputDir, target, 'APKINDEX.tar.gz'),
      signMember(member, privateKey, keyFile, mtime, signature),
    )
    options.reporter.info(
      `${target}: ${packages.length} packages, APKINDEX.tar.gz signed with ${keyFile} (${signature})`,
    )
  }
  const publicKeyFile = join(options.outputDir, keyFile)
  await writeFile(publicKeyFile, publicKeyPem)
  const count = [...byDirectory.values()].reduce((n, list) => n + list.length, 0)
  return {
    directories: [...byDirectory.keys()].sort(),
    packages: count,
    publicKeyFile,
    keyName,
    signature,
    manifests,
  }
}

/** The newest builddate of the packages' .PKGINFO (abuild's SOURCE_DATE_EPOCH); now if none. */
function newestBuildDate(lists: Iterable<IndexedPackage[]>): number {
  let newest = 0
  for (const list of lists) {
    for (const { pkg } of list) {
      const date = Number(pkg.pkginfo.find(([key]) => key === 'builddate')?.[1])
      if (Number.isSafeInteger(date) && date > newest) newest = date
    }
  }
  return newest || Math.floor(Date.now() / 1000)
}

/** The .apk files of an artifact, with the <repo>/<arch> they sit in. */
async function apkFiles(dir: string): Promise<{ path: string; repo: string; arch: string }[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.apk'))
    .map((e) => {
      const parts = join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .split('/')
      return {
        path: join(e.parentPath, e.name),
        repo: parts.at(-3) ?? 'main',
        arch: parts.at(-2) ?? 'noarch',
      }
    })
    .sort((a, b) => a.path.localeCompare(b.path))
}

/** Downloads every artifact of this run that PAKman's build jobs made (those with pakman.json). */
export async function downloadBuildArtifacts(
  reporter: PhaseReporter,
  /** Where the downloads go: RUNNER_TEMP in the action. */
  tempDir: string = tmpdir(),
): Promise<{ dirs: string[]; cleanup: () => Promise<void> }> {
  const { DefaultArtifactClient } = await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  const root = await mkdtemp(join(tempDir, 'pakman-merge-'))
  const { artifacts } = await client.listArtifacts()
  const dirs: string[] = []
  for (const artifact of artifacts) {
    const path = join(root, String(artifact.id))
    await client.downloadArtifact(artifact.id, { path })
    const isBuild = await stat(join(path, MANIFEST)).then(
      () => true,
      () => false,
    )
    reporter.info(`${artifact.name}: ${isBuild ? 'packages' : 'not a PAKman build, skipped'}`)
    if (isBuild) dirs.push(path)
  }
  return { dirs, cleanup: () => rm(root, { recursive: true, force: true }) }
}
