import { parseRepository, type Repository } from '../recipe/index.js'
import { PushError, type RetryPolicy, type Secrets } from '../remote/index.js'
import type { PhaseReporter } from '../report/index.js'
import { DEFAULT_ENDPOINT, type Platform, type StorageCredentials } from './platform.js'
import type { Storage } from './storage.js'

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
  /** Progress lines and notices; push redacts them through `secrets`. */
  reporter: PhaseReporter
  /** Cancels the push: uploads in flight stop and abort, and nothing more is created. */
  signal?: AbortSignal
  /** For tests: another platform or storage. */
  platform?: Platform
  openStorage?: (credentials: StorageCredentials) => Storage
}

/** The settings every push needs, trimmed and checked. */
export interface CheckedPushSettings {
  repository: Repository
  hash: string
  ref: string
  endpoint: string
}

/** Refuses settings no push could succeed with, before any file is read. */
export function checkPushSettings(settings: PushSettings): CheckedPushSettings {
  // A dry run sends nothing, so it needs no token; the tokens first, the most likely omission.
  if (!settings.dryRun) checkTokens(settings)
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
  return { repository, hash, ref, endpoint }
}

function checkTokens(settings: PushSettings): void {
  const missing = [
    !settings.authToken && ('instellar-auth-token' as const),
    !settings.packageToken && ('instellar-package-token' as const),
  ].filter((key) => key !== false)
  if (missing.length)
    throw new PushError(
      'push',
      `${missing.map(settings.reporter.option).join(' and ')} must be set: pass the repository secrets`,
    )
}
