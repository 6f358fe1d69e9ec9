import * as core from '@actions/core'
import { removeLeftovers } from '../pipeline/index.js'
import type { RunState } from './state.js'

/**
 * Removes what a cancelled or failed run left behind: build containers, scratch directories and
 * the signing key. Runs as the post step and on SIGTERM during the main step. Never fails the job.
 */
export async function cleanUp(state: RunState): Promise<void> {
  try {
    await removeLeftovers(state.leftovers(), (line) => core.info(line))
  } catch (error) {
    core.warning(`cleanup: ${(error as Error).message}`)
  }
}
