import { writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { uploadDirectory } from './artifact.js'
import { GitHubReleaser, publishAssets, type AssetFile, type Releaser } from './release.js'

export { uploadDirectory } from './artifact.js'
export {
  GitHubReleaser,
  publishAssets,
  type Releaser,
  type Release,
  type Asset,
} from './release.js'

/** What a build produced, as publishing needs it. */
export interface Built {
  packageName: string
  version: string
  release: number
  stack: string
  arch: string
  keyName: string
  packagesDir: string
  publicKeyFile: string
  /** Paths of the .apk files and indexes, relative to packagesDir. */
  files: { relativePath: string; path: string }[]
}

export interface PublishSettings {
  artifact: boolean
  /** The tag to release; undefined: no release. */
  releaseTag?: string
  artifactName?: string
  token?: string
  repository?: string
  /** For tests: a Releaser instead of Octokit. */
  releaser?: Releaser
}

export interface Published {
  artifactId?: number
  artifactName?: string
  releaseUrl?: string
}

/** Records what is in the directory, so a merge job knows the stack and arch of each artifact. */
export const MANIFEST = 'pakman.json'

/** `alpine/3.20` → `alpine-3.20`: names for artifacts and assets. */
export function stackSlug(stack: string): string {
  return stack.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '')
}

export function defaultArtifactName(built: Pick<Built, 'packageName' | 'stack' | 'arch'>): string {
  return `${built.packageName}-${stackSlug(built.stack)}-${built.arch}`
}

export async function publish(
  built: Built,
  settings: PublishSettings,
  log: (line: string) => void,
): Promise<Published> {
  const published: Published = {}
  if (settings.artifact) {
    const manifest = {
      package: built.packageName,
      version: built.version,
      release: built.release,
      stack: built.stack,
      arch: built.arch,
      keyName: built.keyName,
    }
    await writeFile(join(built.packagesDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
    const name = settings.artifactName ?? defaultArtifactName(built)
    const artifact = await uploadDirectory(name, built.packagesDir, log)
    log(`uploaded artifact ${name} (id ${artifact.id}, ${artifact.size} bytes)`)
    published.artifactId = artifact.id
    published.artifactName = name
  }
  if (settings.releaseTag) {
    const releaser =
      settings.releaser ??
      (await GitHubReleaser.create(
        requireValue(settings.token, 'a GitHub token'),
        requireValue(settings.repository, 'the repository'),
      ))
    const release = await publishAssets(releaser, settings.releaseTag, releaseFiles(built), log)
    published.releaseUrl = release.url
  }
  return published
}

/** Asset names unique across a matrix: stack and arch go in front unless the name has them. */
export function releaseFiles(built: Built): AssetFile[] {
  const prefix = `${stackSlug(built.stack)}-${built.arch}-`
  return [
    ...built.files.map((f) => ({ name: `${prefix}${basename(f.relativePath)}`, path: f.path })),
    { name: basename(built.publicKeyFile), path: built.publicKeyFile },
  ]
}

function requireValue(value: string | undefined, what: string): string {
  if (!value) throw new Error(`releasing needs ${what}`)
  return value
}
