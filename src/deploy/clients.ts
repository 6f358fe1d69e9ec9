import { DryRunPlatform, DryRunStorage } from './dry-run.js'
import { InstellarPlatform, type StorageCredentials } from './platform.js'
import type { PushDeps } from './push.js'
import { DEFAULT_RETRY } from '../remote/index.js'
import type { PushSettings } from './settings.js'
import { S3Storage } from './storage.js'

/** The clients a push talks to and where it writes; every line it writes is redacted. */
export function pushDeps(settings: PushSettings, endpoint: string): PushDeps {
  const redact = (text: string) => settings.secrets.redact(text)
  const log = (line: string) => settings.log(redact(line))
  return {
    ...pushClients(settings, endpoint, log, redact),
    log,
    notice: (message) => settings.notice(redact(message)),
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
  log: (line: string) => void,
  redact: (text: string) => string,
): Pick<PushDeps, 'platform' | 'openStorage'> {
  const retry = settings.retry ?? DEFAULT_RETRY
  if (settings.dryRun)
    return {
      platform: settings.platform ?? new DryRunPlatform(endpoint, log),
      openStorage: settings.openStorage ?? (() => new DryRunStorage(log)),
    }
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
        log,
      }),
    openStorage:
      settings.openStorage ??
      ((credentials: StorageCredentials) => new S3Storage(credentials, { retry, log, redact })),
  }
}
