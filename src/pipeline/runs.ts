import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { configLabel, readConfig, type InstellarConfig } from '../config/index.js'
import type { Reporter } from '../report/index.js'
import { DEFAULT_CONFIG } from '../settings/index.js'
import { buildPackages, type BuildResult, type BuildSettings } from './build.js'
import {
  deliverBuild,
  deliverDirectory,
  deliverMerge,
  type Delivered,
  type DeliverySettings,
  type Progress,
} from './deliver.js'
import { mergeArtifacts, type MergeResult, type MergeSettings } from './merge.js'

/*
 * The two runs that end in packages, phase after phase: a build (render → … → verify) or a merge
 * (download → merge → verify), then, when the settings ask, delivery. `progress` is filled as they
 * go, so a front end can still report what was done when a later phase fails.
 */

export interface DeliveredBuildSettings extends BuildSettings {
  /** Where the packages go once verified; none: they stay in packagesDir. */
  delivery?: DeliverySettings
}

export interface DeliveredMergeSettings extends MergeSettings {
  delivery?: DeliverySettings
  /** The config a deployment reads kits, sizes, plans and page from (merge has no build to). */
  configFile?: string
}

/** An output directory built before, and where it goes (the CLI's push and publish s3). */
export interface DirectorySettings {
  dir: string
  /** The stack a build's output goes under in the bucket when it has no pakman.json. */
  stack?: string
  /** The config a deployment reads kits, sizes, plans and page from, as messages name it. */
  configFile?: string
  delivery: DeliverySettings
}

export function newProgress(): Progress {
  return { delivered: { published: {} } }
}

/** A build, then delivery; the action's build job and `pakman build` (which delivers nowhere). */
export async function build(
  settings: DeliveredBuildSettings,
  reporter: Reporter,
  progress: Progress = newProgress(),
): Promise<BuildResult & { delivered: Delivered }> {
  const built = await buildPackages(settings, reporter)
  progress.built = built
  if (settings.delivery) {
    progress.delivering = deliverBuild(built, settings.delivery, progress.delivered, reporter)
    await progress.delivering
  }
  return { ...built, delivered: progress.delivered }
}

/** The build jobs' artifacts merged into one repository, then delivery: the action's merge job. */
export async function merge(
  settings: DeliveredMergeSettings,
  reporter: Reporter,
  progress: Progress = newProgress(),
): Promise<MergeResult & { delivered: Delivered }> {
  // Read before merging, so a job without the checkout fails at once rather than after the merge.
  const config = settings.delivery?.deployment
    ? await readDeploymentConfig(settings.workspace, settings.configFile, reporter)
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

/** An output directory built before, to the bucket or deployment the settings name. */
export async function deliver(settings: DirectorySettings, reporter: Reporter): Promise<Delivered> {
  const configFile = settings.configFile ?? DEFAULT_CONFIG
  const config = settings.delivery.deployment
    ? (await readConfig(configFile, configFile, (list) => reporter.diagnostics(list))).config
    : undefined
  return deliverDirectory(settings.dir, settings.stack, config, settings.delivery, reporter)
}

/** instellar.yml for a deployment from a merge job, which has no build to have read it. */
async function readDeploymentConfig(
  workspace: string,
  configFile: string | undefined,
  reporter: Reporter,
): Promise<InstellarConfig> {
  const file = resolve(workspace, configFile ?? DEFAULT_CONFIG)
  const label = configLabel(workspace, file)
  if (!(await stat(file).catch(() => undefined)))
    throw new Error(
      `upload: instellar reads kits, sizes, plans and page from ${label}, which is not in ${workspace}: add actions/checkout to this job`,
    )
  // Warnings too: this job sends kits, sizes, plans and page, with any key PAKman does not know.
  const loaded = await reporter.group(`Read ${label}`, () =>
    readConfig(file, label, (list) => reporter.diagnostics(list)),
  )
  return loaded.config
}
