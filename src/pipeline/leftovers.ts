import { rm } from 'node:fs/promises'
import { Docker } from '../container/index.js'
import { removeSigningKey } from '../signing/index.js'
import type { BuildSettings } from './build.js'

/** What a build that stops early leaves behind: its containers, scratch directories and key. */
export interface Leftovers {
  containers: string[]
  scratch: string[]
  /** The signing key's directory, private key included; '' when none was made yet. */
  keyDir: string
}

/**
 * Records what a build makes as it makes it, for a front end that must clean up after a signal
 * (the process exits then without running the build's own clean-up).
 */
export function recordLeftovers(
  leftovers: Leftovers,
  /** Told after each change (the action saves them for its post step). */
  changed: (leftovers: Leftovers) => void = () => {},
): Pick<BuildSettings, 'onContainer' | 'onScratchDir' | 'onKeyDir'> {
  return {
    onContainer: (name, scratchDir) => {
      leftovers.containers.push(name)
      leftovers.scratch.push(scratchDir)
      changed(leftovers)
    },
    onScratchDir: (dir) => {
      leftovers.scratch.push(dir)
      changed(leftovers)
    },
    onKeyDir: (dir) => {
      leftovers.keyDir = dir
      changed(leftovers)
    },
  }
}

/**
 * Removes the containers, scratch directories and signing key a stopped build left; what is
 * already gone is passed over. Each removal is logged; a failure throws after the rest is done.
 */
export async function removeLeftovers(
  leftovers: Leftovers,
  log: (line: string) => void,
): Promise<void> {
  const docker = new Docker()
  for (const name of leftovers.containers) {
    if (await docker.removeContainer(name)) log(`removed container ${name}`)
  }
  for (const dir of leftovers.scratch) await rm(dir, { recursive: true, force: true })
  if (leftovers.keyDir) {
    await removeSigningKey(leftovers.keyDir)
    log('removed the signing key files')
  }
}
