import * as core from '@actions/core'
import { rm } from 'node:fs/promises'
import { Docker } from '../container/index.js'
import { removeSigningKey } from '../signing/index.js'
import { state } from './state.js'

/**
 * Removes what a cancelled or failed run left behind: build containers and the signing key.
 * Runs as the post step and on SIGTERM during the main step. Never fails the job.
 */
export async function cleanUp(): Promise<void> {
  const { containers, keyDir, scratch } = state.leftovers()
  try {
    const docker = new Docker()
    for (const name of containers) {
      if (await docker.removeContainer(name)) core.info(`removed container ${name}`)
    }
    // Scratch directories are gone after a run that finished; after a cancelled one they are not.
    for (const dir of scratch) await rm(dir, { recursive: true, force: true })
    if (keyDir) {
      await removeSigningKey(keyDir)
      core.info('removed the signing key files')
    }
  } catch (error) {
    core.warning(`cleanup: ${(error as Error).message}`)
  }
}
