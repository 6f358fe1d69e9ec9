import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { configLabel, readConfig, type InstellarConfig } from '../config/index.js'
import { DEFAULT_CONFIG } from '../settings/index.js'
import {
  claimOutputDir,
  downloadBuildArtifacts,
  emptyOutputDir,
  mergeRepositories,
  repositoryAssets,
  type AssetFile,
  type Merged,
} from '../publish/index.js'
import { defaultKeyName, parseRepository } from '../recipe/index.js'
import type { Reporter } from '../report/index.js'
import { verifyRepository } from '../verify/index.js'
import { deliverMerge, type Delivered, type DeliverySettings, type Progress } from './deliver.js'

export interface MergeSettings {
  workspace: string
  packagesDir: string
  signingKey?: string
  keyName?: string
  repository?: string
  /** Scratch space for the downloaded artifacts (RUNNER_TEMP). */
  tempDir?: string
  /** SOURCE_DATE_EPOCH as set: the merged indexes' timestamps; when unset or not a number, the
   *  newest package's build date. */
  sourceDateEpoch?: string
  /** Where the repository goes once verified; a deployment reads instellar.yml (configFile). */
  delivery?: DeliverySettings
  configFile?: string
}

export interface MergeResult extends Merged {
  packagesDir: string
  /** Release assets: every file, named <stack>-<arch>-<file>, and the public key. */
  assets: AssetFile[]
}

/**
 * Merge mode: this run's build artifacts → one signed repository, verified before it goes anywhere.
 * Only the action runs it, so its messages name the action's inputs.
 */
export async function merge(
  settings: MergeSettings,
  reporter: Reporter,
  progress: Progress = { delivered: { published: {} } },
): Promise<MergeResult & { delivered: Delivered }> {
  // The deployment's kits come from instellar.yml: read before merging, so a job without the
  // checkout fails at once rather than after the merge.
  const config = settings.delivery?.deployment
    ? await deploymentConfig(settings, reporter)
    : undefined
  const merged = await mergeArtifacts(settings, reporter)
  progress.merged = merged
  if (settings.delivery) {
    progress.delivering = deliverMerge(
      merged,
      config,
      settings.delivery,
      progress.delivered,
      reporter,
    )
    await progress.delivering
  }
  return { ...merged, delivered: progress.delivered }
}

/** instellar.yml in a merge job, which has no build to have read it. */
async function deploymentConfig(
  settings: MergeSettings,
  reporter: Reporter,
): Promise<InstellarConfig> {
  const file = resolve(settings.workspace, settings.configFile ?? DEFAULT_CONFIG)
  const label = configLabel(settings.workspace, file)
  if (!(await stat(file).catch(() => undefined)))
    throw new Error(
      `upload: instellar reads kits, sizes, plans and page from ${label}, which is not in ${settings.workspace}: add actions/checkout to this job`,
    )
  // Warnings too: this job sends kits, sizes, plans and page, with any key PAKman does not know.
  const loaded = await reporter.group(`Read ${label}`, () =>
    readConfig(file, label, (list) => reporter.diagnostics(list)),
  )
  return loaded.config
}

async function mergeArtifacts(settings: MergeSettings, reporter: Reporter): Promise<MergeResult> {
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
        ...(repository && { defaultKeyName: defaultKeyName(repository) }),
        ...(Number(settings.sourceDateEpoch) && { mtime: Number(settings.sourceDateEpoch) }),
        reporter,
      }),
    )
    await reporter.group('Verify', async () => {
      const key = {
        name: merged.keyName,
        pem: await readFile(merged.publicKeyFile, 'utf8'),
      }
      await verifyRepository(packagesDir, key, 'the merged repository does not verify', {
        signature: merged.signature,
      })
      reporter.info(
        `${merged.packages} packages in ${merged.directories.length} directories verify`,
      )
    })
    return { ...merged, packagesDir, assets: await repositoryAssets(packagesDir, merged) }
  } finally {
    await downloaded.cleanup()
  }
}
