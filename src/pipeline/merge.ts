import { readFile } from 'node:fs/promises'
import {
  claimOutputDir,
  downloadBuildArtifacts,
  emptyOutputDir,
  mergeRepositories,
  type Merged,
} from '../publish/index.js'
import { defaultKeyName, parseRepository } from '../recipe/index.js'
import type { Reporter } from '../report/index.js'
import type { SignatureChoice } from '../signing/index.js'
import { verifyRepository } from '../verify/index.js'

export interface MergeSettings {
  workspace: string
  packagesDir: string
  signingKey?: string
  keyName?: string
  /** The signature input, when given: the build jobs must have signed so. */
  signature?: SignatureChoice
  repository?: string
  /** Scratch space for the downloaded artifacts (RUNNER_TEMP). */
  tempDir?: string
  /** SOURCE_DATE_EPOCH as set: the merged indexes' timestamps; when unset or not a number, the
   *  newest package's build date. */
  sourceDateEpoch?: string
}

export interface MergeResult extends Merged {
  packagesDir: string
  /** SHA-256 of each file the verify read, by its path relative to packagesDir: the front page
   *  lists them without reading the packages again. */
  digests: Map<string, string>
}

/**
 * Merge mode: this run's build artifacts → one signed repository, verified before it goes anywhere.
 * Only the action runs it, so its messages name the action's inputs.
 */
export async function mergeArtifacts(
  settings: MergeSettings,
  reporter: Reporter,
): Promise<MergeResult> {
  if (!settings.signingKey?.trim()) {
    throw new Error(
      'merge needs signing-key: the key the build jobs signed with, which also signs the merged indexes',
    )
  }
  const repository = parseRepository(settings.repository ?? '')
  const packagesDir = await claimOutputDir(
    settings.packagesDir,
    settings.workspace,
    reporter.option('packages-dir'),
  )
  // The merged repository is written in place: an empty (or PAKman's own) directory.
  await emptyOutputDir(packagesDir)
  const downloaded = await reporter.group('Download build artifacts', () =>
    downloadBuildArtifacts(reporter, settings.tempDir),
  )
  try {
    if (!downloaded.dirs.length)
      throw new Error(
        'no PAKman build artifacts in this run: run merge in a job that needs the build jobs',
      )
    const merged = await reporter.group('Merge', () =>
      mergeRepositories(downloaded.dirs, {
        outputDir: packagesDir,
        signingKey: settings.signingKey!,
        ...(settings.keyName && { keyName: settings.keyName }),
        ...(settings.signature && { signature: settings.signature }),
        ...(repository && { defaultKeyName: defaultKeyName(repository) }),
        ...(Number(settings.sourceDateEpoch) && { mtime: Number(settings.sourceDateEpoch) }),
        reporter,
      }),
    )
    const digests = await reporter.group('Verify', async () => {
      const key = {
        name: merged.keyName,
        pem: await readFile(merged.publicKeyFile, 'utf8'),
      }
      const verified = await verifyRepository(
        packagesDir,
        key,
        'the merged repository does not verify',
        { signature: merged.signature },
      )
      reporter.info(
        `${merged.packages} packages in ${merged.directories.length} directories verify`,
      )
      return verified
    })
    return { ...merged, packagesDir, digests }
  } finally {
    await downloaded.cleanup()
  }
}
