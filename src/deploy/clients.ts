import { DryRunPlatform, DryRunStorage } from './dry-run.js'
import { InstellarPlatform, type StorageCredentials } from './platform.js'
import type { PushDeps } from './push.js'
import { DEFAULT_RETRY } from '../remote/index.js'
import type { PhaseReporter } from '../report/index.js'
import type { PushSettings } from './settings.js'
import { S3Storage } from './storage.js'

/** The clients a push talks to and where it writes; every line it writes is redacted. */
export function pushDeps(settings: PushSettings, endpoint: string): PushDeps {
  const reporter = settings.secrets.redacting(settings.reporter)
  return {
    ...pushClients(settings, endpoint, reporter),
    reporter,
    tempDir: settings.tempDir,
    ...(settings.concurrency && { concurrency: settings.concurrency }),
    ...(settings.dryRun && { dryRun: true }),
    ...(settings.signal && { signal: settings.signal }),
  }
}

/** A test's own platform and storage, else the dry run's printing ones, else the real ones. */
function pushClients(
  settings: PushSettings,
  endpoint: string,
  reporter: PhaseReporter,
): Pick<PushDeps, 'platform' | 'openStorage'> {
  const retry = settings.retry ?? DEFAULT_RETRY
  if (settings.dryRun)
    return {
      platform: settings.platform ?? new DryRunPlatform(endpoint, reporter),
      openStorage: settings.openStorage ?? (() => new DryRunStorage(reporter)),
    }
  const redact = (text: string) => settings.secrets.redact(text)
  return {
    platform:
      settings.platform ??
      new InstellarPlatform({
        endpoint,
        // checkPushSettings refused a real push without them.
        authToken: settings.authToken!,
        packageToken: settings.packageToken!,
        secrets: settings.secrets,
        retry,
        reporter,
      }),
    openStorage:
      settings.openStorage ??
      ((credentials: StorageCredentials) =>
        new S3Storage(credentials, { retry, log: (line) => reporter.info(line), redact })),
  }
}
