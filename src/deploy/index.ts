import { slugify, parseRepository } from '../recipe/index.js'
import { DryRunPlatform, DryRunStorage } from './dry-run.js'
import { PushError } from './errors.js'
import { collectPushFiles } from './files.js'
import {
  DEFAULT_ENDPOINT,
  InstellarPlatform,
  type ConfigurationPayload,
  type Platform,
  type StorageCredentials,
} from './platform.js'
import { push, type Pushed } from './push.js'
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js'
import { Secrets } from './secrets.js'
import { S3Storage, type Storage } from './storage.js'

export { PushError } from './errors.js'
export { collectPushFiles, type PushFile } from './files.js'
export {
  DEFAULT_ENDPOINT,
  InstellarPlatform,
  parseStorage,
  type ConfigurationPayload,
  type Deployment,
  type Platform,
  type StorageCredentials,
} from './platform.js'
export { archiveId, push, type PushDeps, type Pushed, type PushPlan } from './push.js'
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js'
export { Secrets } from './secrets.js'
export { S3Storage, PART_SIZE, type Storage, type Uploaded } from './storage.js'
export { writeArchive } from './archive.js'

/** The deployment keys of instellar.yml, as the config module parsed them. */
export interface DeploymentConfig {
  stack?: string
  kits?: unknown[]
  sizes?: unknown
  plans?: unknown
  page?: unknown
}

export interface PushSettings {
  /** The packages: a build job's `<repo>/<arch>/` tree or a merged `<stack>/<repo>/<arch>/` one. */
  packagesDir: string
  config: DeploymentConfig
  /** GITHUB_REPOSITORY, `owner/name`: its slugs are part of every object key. */
  repository: string
  hash: string | undefined
  ref: string | undefined
  /** The stack to deploy; defaults to instellar.yml's, or the tree's only stack. */
  stack?: string
  endpoint?: string
  authToken?: string
  packageToken?: string
  dryRun?: boolean
  tempDir: string
  concurrency?: number
  retry?: RetryPolicy
  /** Already holding the tokens when the caller read them; everything read later is added. */
  secrets: Secrets
  log(line: string): void
  notice(message: string): void
  /** For tests: another platform or storage. */
  platform?: Platform
  openStorage?: (credentials: StorageCredentials) => Storage
}

/** Checks the settings, collects the files and pushes (or, with dryRun, prints what it would do). */
export async function runPush(settings: PushSettings): Promise<Pushed> {
  const repository = parseRepository(settings.repository)
  if (!repository)
    throw new PushError(
      'push',
      `the repository must be OWNER/NAME, not ${JSON.stringify(settings.repository)} (set GITHUB_REPOSITORY)`,
    )
  const hash = settings.hash?.trim()
  if (!hash || !/^[A-Za-z0-9._-]+$/.test(hash))
    throw new PushError(
      'push',
      `the commit must be a SHA, not ${JSON.stringify(settings.hash ?? '')} (set WORKFLOW_SHA or GITHUB_SHA)`,
    )
  const ref = settings.ref?.trim()
  if (!ref) throw new PushError('push', 'no ref to deploy (set WORKFLOW_REF or GITHUB_REF)')
  const endpoint = settings.endpoint?.trim() || DEFAULT_ENDPOINT
  if (!/^https?:\/\/[^/]/.test(endpoint))
    throw new PushError('push', `the endpoint ${JSON.stringify(endpoint)} is not an http(s) URL`)
  if (!settings.dryRun) {
    const missing = [
      !settings.authToken && 'INSTELLAR_AUTH_TOKEN',
      !settings.packageToken && 'INSTELLAR_PACKAGE_TOKEN',
    ].filter(Boolean)
    if (missing.length)
      throw new PushError(
        'push',
        `${missing.join(' and ')} must be set (repository secrets, passed as inputs or in env)`,
      )
  }

  const requested = settings.stack ?? settings.config.stack
  const collected = await collectPushFiles(settings.packagesDir, requested).catch(
    (error: Error) => {
      throw new PushError('collect the packages', error.message)
    },
  )
  const stack = requested ?? collected.stackDir
  if (collected.skipped.length)
    settings.log(`not uploaded (not a package or an index): ${collected.skipped.join(', ')}`)

  const { kits, sizes, plans, page } = settings.config
  // The original sends sizes, plans and page only when they are there and not null or false.
  const configuration: ConfigurationPayload | undefined = Array.isArray(kits)
    ? {
        kits,
        ...(present(sizes) && { sizes }),
        ...(present(plans) && { plans }),
        ...(present(page) && { page }),
      }
    : undefined

  const retry = settings.retry ?? DEFAULT_RETRY
  const redact = (text: string) => settings.secrets.redact(text)
  const log = (line: string) => settings.log(redact(line))
  const platform =
    settings.platform ??
    (settings.dryRun
      ? new DryRunPlatform(endpoint, log)
      : new InstellarPlatform({
          endpoint,
          authToken: settings.authToken!,
          packageToken: settings.packageToken!,
          secrets: settings.secrets,
          retry,
          log,
        }))
  const openStorage =
    settings.openStorage ??
    (settings.dryRun
      ? () => new DryRunStorage(log)
      : (credentials: StorageCredentials) => new S3Storage(credentials, { retry, log, redact }))

  try {
    return await push(
      {
        owner: slugify(repository.owner),
        repo: slugify(repository.name),
        hash,
        ref,
        ...(stack && { stack }),
        files: collected.files,
        archiveName: 'packages.zip',
        ...(configuration && { configuration }),
      },
      {
        platform,
        openStorage,
        log,
        notice: (message) => settings.notice(redact(message)),
        tempDir: settings.tempDir,
        ...(settings.concurrency && { concurrency: settings.concurrency }),
        ...(settings.dryRun && { dryRun: true }),
      },
    )
  } catch (error) {
    // No secret leaves in an error message, whatever a server echoed back.
    if (error instanceof Error) error.message = redact(error.message)
    throw error
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false
}
