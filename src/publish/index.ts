/*
 * Stage 7, where packages go: the output directory, a workflow artifact, release assets, and in
 * merge mode one repository made from the build jobs' artifacts, with a front page, for Pages.
 */

import { readdir, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { uploadDirectory } from './artifact.js'
import { MANIFEST, type Manifest } from './manifest.js'
import type { Merged } from './merge.js'
import { stackSlug } from '../config/index.js'
import type { PhaseReporter } from '../report/index.js'
import type { SignatureChoice } from '../signing/index.js'
import { GitHubReleaser, publishAssets, type AssetFile, type Releaser } from './release.js'
import type { PagesSettings } from './pages.js'

export { uploadDirectory } from './artifact.js'
export { defaultPagesUrl, PAGES_ARTIFACT, uploadPagesArtifact } from './pages.js'
export { readRepository, siteUrl, writeSite } from './site/index.js'
export { writeSubjectChecksums, type Subject } from './subjects.js'
export { MANIFEST, mergeKeyName, mergeSignature, type Manifest } from './manifest.js'
export {
  downloadBuildArtifacts,
  mergeRepositories,
  type Merged,
  type RepositoryMergeOptions,
} from './merge.js'
export {
  claimOutputDir,
  DEFAULT_OUTPUT,
  emptyOutputDir,
  OUTPUT_MARKER,
  stageOutput,
  type Staging,
} from './output.js'
export { checkS3Settings, publishS3, type S3PublishSettings, type S3Published } from './s3.js'
export { readTree } from './s3-files.js'
export {
  GitHubReleaser,
  publishAssets,
  type GitHubReleaserOptions,
  type Releaser,
  type Release,
  type Asset,
  type AssetFile,
} from './release.js'

/** What a build produced, as publishing needs it. */
export interface Built {
  packageName: string
  version: string
  release: number
  stack: string
  arch: string
  keyName: string
  /** The signatures its packages and indexes carry; a merge signs its indexes the same way. */
  signature: SignatureChoice
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
  /** The REST API root (GITHUB_API_URL); api.github.com when not given. */
  apiUrl?: string
  /** For tests: a Releaser instead of Octokit. */
  releaser?: Releaser
  /** upload: pages (merges only) — a front page, and the tree as the github-pages artifact;
   *  deliverMerge does both, after publishDirectory's artifact and release. */
  pages?: PagesSettings
}

export interface Published {
  artifactId?: number
  artifactName?: string
  releaseUrl?: string
  /** The github-pages artifact, and the URL the site's front page gives. */
  pagesArtifactId?: number
  repositoryUrl?: string
}

/**
 * A release asset's name: release assets share one flat namespace across a matrix, so the stack
 * and arch go in front of the file name (alpine-3.20-x86_64-app-1.0.0-r1.apk).
 */
function assetName(stack: string, arch: string, file: string): string {
  return `${stackSlug(stack)}-${arch}-${basename(file)}`
}

/** The assets of a merged repository: every file of each <stack>/<repo>/<arch>, and the key. */
export async function repositoryAssets(
  dir: string,
  merged: Pick<Merged, 'directories' | 'publicKeyFile'>,
): Promise<AssetFile[]> {
  const assets: AssetFile[] = []
  for (const sub of merged.directories) {
    const parts = sub.split('/')
    const stack = parts.slice(0, -2).join('/')
    for (const file of (await readdir(join(dir, sub))).sort())
      assets.push({ name: assetName(stack, parts.at(-1)!, file), path: join(dir, sub, file) })
  }
  assets.push({ name: basename(merged.publicKeyFile), path: merged.publicKeyFile })
  return assets
}

export function defaultArtifactName(built: Pick<Built, 'packageName' | 'stack' | 'arch'>): string {
  return `${built.packageName}-${stackSlug(built.stack)}-${built.arch}`
}

/** A build job's output: pakman.json beside the packages, then the artifact and release assets. */
export async function publish(
  built: Built,
  settings: PublishSettings,
  reporter: PhaseReporter,
  published: Published = {},
): Promise<Published> {
  if (settings.artifact) {
    const manifest: Manifest = {
      package: built.packageName,
      version: built.version,
      release: built.release,
      stack: built.stack,
      arch: built.arch,
      keyName: built.keyName,
      signature: built.signature,
    }
    await writeFile(join(built.packagesDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
  }
  return publishDirectory(
    {
      dir: built.packagesDir,
      artifactName: settings.artifactName ?? defaultArtifactName(built),
      assets: [
        ...built.files.map((f) => ({
          name: assetName(built.stack, built.arch, f.relativePath),
          path: f.path,
        })),
        { name: basename(built.publicKeyFile), path: built.publicKeyFile },
      ],
    },
    settings,
    reporter,
    published,
  )
}

export interface Output {
  dir: string
  artifactName: string
  /** Release assets, named uniquely across a matrix (stack and arch in the name). */
  assets: AssetFile[]
}

/**
 * Uploads a directory as an artifact and its assets to the release, as the settings ask. Fills
 * `published` as it goes, so a caller still knows what went out when a later step throws.
 */
export async function publishDirectory(
  output: Output,
  settings: PublishSettings,
  reporter: PhaseReporter,
  published: Published = {},
): Promise<Published> {
  if (settings.artifact) {
    const artifact = await uploadDirectory(output.artifactName, output.dir, reporter)
    reporter.info(
      `uploaded artifact ${output.artifactName} (id ${artifact.id}, ${artifact.size} bytes)`,
    )
    published.artifactId = artifact.id
    published.artifactName = output.artifactName
  }
  if (settings.releaseTag) {
    const releaser =
      settings.releaser ??
      (await GitHubReleaser.create(
        requireValue(settings.token, 'a GitHub token'),
        requireValue(settings.repository, 'the repository'),
        { reporter, ...(settings.apiUrl && { apiUrl: settings.apiUrl }) },
      ))
    const release = await publishAssets(releaser, settings.releaseTag, output.assets, reporter)
    published.releaseUrl = release.url
  }
  return published
}

function requireValue(value: string | undefined, what: string): string {
  if (!value) throw new Error(`releasing needs ${what}`)
  return value
}
