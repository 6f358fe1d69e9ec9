import { slugify } from '../recipe/index.js'
import { PushError } from '../remote/index.js'
import { collectPushFiles } from './files.js'
import type { ConfigurationPayload } from './platform.js'
import type { PushPlan } from './push.js'
import type { CheckedPushSettings, DeploymentConfig, PushSettings } from './settings.js'

/** What to push: the stack's files, the repository's slugs and instellar.yml's configuration. */
export async function planPush(
  settings: PushSettings,
  checked: CheckedPushSettings,
): Promise<PushPlan> {
  const requested = settings.stack ?? settings.config.stack
  const collected = await collectPushFiles(settings.packagesDir, requested).catch(
    (error: Error) => {
      throw new PushError('collect the packages', error.message)
    },
  )
  const stack = requested ?? collected.stackDir
  if (collected.skipped.length)
    settings.reporter.info(
      `not uploaded (not a package or an index): ${collected.skipped.join(', ')}`,
    )
  const configuration = configurationPayload(settings.config)
  return {
    owner: slugify(checked.repository.owner),
    repo: slugify(checked.repository.name),
    hash: checked.hash,
    ref: checked.ref,
    ...(stack && { stack }),
    files: collected.files,
    archiveName: 'packages.zip',
    ...(configuration && { configuration }),
  }
}

/** undefined when instellar.yml has no kits: then no configuration is sent. */
function configurationPayload(config: DeploymentConfig): ConfigurationPayload | undefined {
  const { kits, sizes, plans, page } = config
  if (!Array.isArray(kits)) return undefined
  // The original sends sizes, plans and page only when they are there and not null or false.
  return {
    kits,
    ...(present(sizes) && { sizes }),
    ...(present(plans) && { plans }),
    ...(present(page) && { page }),
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false
}
