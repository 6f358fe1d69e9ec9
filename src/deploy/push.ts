import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { v5 as uuidv5 } from 'uuid'
import { writeArchive } from './archive.js'
import { eachAtOnce, PushError, stopReason, type Uploaded } from '../remote/index.js'
import type { PushFile } from './files.js'
import type { PhaseReporter } from '../report/index.js'
import type { ConfigurationPayload, Platform, StorageCredentials } from './platform.js'
import type { Storage } from './storage.js'

/*
 * `pakman push`, in the original's order: authenticate, look the commit up, then either reuse the
 * existing deployment's archive for this ref (the "copy"), or get the storage credentials and
 * upload every package, index and the zip; then create the deployment and send the configuration.
 * Unlike the original: every failure stops the push with the step and the status; no deployment is
 * created unless every upload succeeded; the archive key is derived from the commit, so a re-run
 * after a failure overwrites its own archive instead of leaving a second one behind.
 */

export interface PushPlan {
  /** Slugs of GITHUB_REPOSITORY's owner and name, as in the original's S3 keys. */
  owner: string
  repo: string
  hash: string
  ref: string
  stack?: string
  files: PushFile[]
  /** The zip's file name; the original's default `packages.zip`. */
  archiveName: string
  /** undefined: instellar.yml has no kits, so no configuration is sent. */
  configuration?: ConfigurationPayload
}

export interface PushDeps {
  platform: Platform
  openStorage(credentials: StorageCredentials): Storage | Promise<Storage>
  /** Redacted already: every line it is given may be shown as it is. */
  reporter: PhaseReporter
  /** Where the zip is written before it is uploaded (and removed afterwards). */
  tempDir: string
  /** Files uploaded at once (the original: 2). */
  concurrency?: number
  /** The platform and storage only print: say nothing about results. */
  dryRun?: boolean
  /** Cancels the push: uploads in flight stop and abort, and nothing more is created. */
  signal?: AbortSignal
}

export interface Pushed {
  deploymentId: string | number
  /** false when the platform answered that the deployment already existed (200). */
  created: boolean
  /** copied: the commit was deployed before, its archive is reused and nothing was uploaded. */
  source: 'uploaded' | 'copied'
  ref: string
  hash: string
  stack?: string
  archivePath: string
  storage?: string
  uploads: Uploaded[]
  configuration: 'created' | 'existing' | 'skipped'
  /** Nothing was sent: the calls were only printed. */
  dryRun?: boolean
}

export async function push(plan: PushPlan, deps: PushDeps): Promise<Pushed> {
  const { platform } = deps
  // A dry run's platform and storage print every call; results would only repeat them.
  const progress = deps.dryRun ? () => {} : (line: string) => deps.reporter.info(line)
  await platform.authenticate()
  const existing = await platform.findDeployment(plan.hash)

  let archivePath: string
  let uploads: Uploaded[] = []
  let storage: string | undefined
  if (existing) {
    if (!existing.archivePath) {
      throw new PushError(
        'look up the deployment',
        `the platform has a deployment of ${plan.hash} without an archive_path, so it cannot be reused for ${plan.ref}`,
      )
    }
    archivePath = existing.archivePath
    progress(`${plan.hash} was deployed before: reusing its archive ${archivePath} for ${plan.ref}`)
  } else {
    const store = await deps.openStorage(await platform.storage())
    storage = store.location
    archivePath = `archives/${archiveId(plan)}/${plan.archiveName}`
    const scratch = await mkdtemp(join(deps.tempDir, 'pakman-push-'))
    try {
      const zip = join(scratch, plan.archiveName)
      const size = await writeArchive(
        zip,
        plan.files.map((f) => ({ name: f.name, path: f.path, size: f.size })),
      )
      progress(`${plan.archiveName}: ${plan.files.length} files, ${size} bytes`)
      const prefix = `deployments/${plan.owner}/${plan.repo}/${plan.hash}`
      uploads = await uploadAll(
        store,
        // the zip goes last: it exists in the bucket only when everything it refers to does
        [...plan.files.map((f) => ({ key: `${prefix}/${f.leaf}`, path: f.path }))],
        [{ key: archivePath, path: zip }],
        deps.concurrency ?? 2,
        deps.signal,
      )
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
  }

  stopIfCancelled('create the deployment', deps.signal)
  const { deployment, created } = await platform.createDeployment({
    ref: plan.ref,
    hash: plan.hash,
    archive_path: archivePath,
    ...(plan.stack && { stack: plan.stack }),
  })
  progress(
    `deployment ${deployment.id} ${created ? 'created' : 'already existed'} for ${plan.ref} (${plan.hash})`,
  )

  let configuration: Pushed['configuration'] = 'skipped'
  if (plan.configuration) {
    stopIfCancelled('send the configuration', deps.signal)
    const result = await platform.createConfiguration(deployment, plan.configuration)
    configuration = result.created ? 'created' : 'existing'
    progress(`configuration ${result.created ? 'created' : 'already existed'}`)
  } else {
    deps.reporter.notice(
      'instellar.yml has no kits: no configuration was sent, so the platform keeps what it had',
    )
  }
  return {
    deploymentId: deployment.id,
    created,
    source: existing ? 'copied' : 'uploaded',
    ref: plan.ref,
    hash: plan.hash,
    ...(plan.stack && { stack: plan.stack }),
    archivePath,
    ...(storage && { storage }),
    uploads,
    configuration,
    ...(deps.dryRun && { dryRun: true }),
  }
}

/** A cancelled push goes no further: nothing is created after the run was cancelled. */
function stopIfCancelled(step: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PushError(step, `stopped: ${stopReason(signal)}`)
}

/** Uploads `first` with `concurrency` files at once, then `last`; the first failure stops the rest. */
async function uploadAll(
  storage: Storage,
  first: { key: string; path: string }[],
  last: { key: string; path: string }[],
  concurrency: number,
  cancel?: AbortSignal,
): Promise<Uploaded[]> {
  const upload = (item: { key: string; path: string }, signal: AbortSignal) =>
    storage.upload(item.key, item.path, signal)
  return [
    ...(await eachAtOnce('upload', first, concurrency, upload, cancel)),
    ...(await eachAtOnce('upload', last, concurrency, upload, cancel)),
  ]
}

/**
 * A UUID v5 named by owner, repository, commit and stack: the same commit always gets the same
 * archive key, so a re-run overwrites its archive rather than orphaning it.
 */
export function archiveId(plan: Pick<PushPlan, 'owner' | 'repo' | 'hash' | 'stack'>): string {
  return uuidv5(
    ['pakman-archive', plan.owner, plan.repo, plan.hash, plan.stack ?? ''].join('\n'),
    NAMESPACE,
  )
}

/** A fixed namespace for archiveId (random once, never changed: changing it moves every key). */
const NAMESPACE = '6f1c1e0a-9b7d-4e2f-8a3c-5d7e9f0b1a2c'
