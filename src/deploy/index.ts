/*
 * Stage 8, upload: instellar and pakman push: the packages to the storage the platform names, the
 * deployment for the commit, and the kits of instellar.yml. Loaded only when asked for.
 */

import { pushDeps } from './clients.js'
import { planPush } from './plan.js'
import { push, type Pushed } from './push.js'
import { checkPushSettings, type PushSettings } from './settings.js'

export { collectPushFiles } from './files.js'
export { DEFAULT_ENDPOINT } from './platform.js'
export { archiveId, type Pushed } from './push.js'
export { writeArchive } from './archive.js'
export { checkPushSettings, type DeploymentConfig, type PushSettings } from './settings.js'

/** Checks the settings, collects the files and pushes (or, with dryRun, prints what it would do). */
export async function runPush(settings: PushSettings): Promise<Pushed> {
  const checked = checkPushSettings(settings)
  const plan = await planPush(settings, checked)
  const deps = pushDeps(settings, checked.endpoint)
  try {
    return await push(plan, deps)
  } catch (error) {
    // No secret leaves in an error message, whatever a server echoed back.
    if (error instanceof Error) error.message = settings.secrets.redact(error.message)
    throw error
  }
}
