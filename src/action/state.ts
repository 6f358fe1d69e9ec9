import * as core from '@actions/core'

/*
 * What must be cleaned up if the run stops early: build containers, the signing key directory and
 * scratch directories (a container's script, a staged output).
 * Recorded in memory (for a SIGTERM during the main step) and as action state (for the post step,
 * which runs in a new process). Read and written only here.
 */
const containers: string[] = []
const scratch: string[] = []
let keyDir = ''

export const state = {
  get isPost(): boolean {
    return core.getState('isPost') === 'true'
  },
  markMainStarted(): void {
    core.saveState('isPost', 'true')
  },
  addContainer(name: string): void {
    containers.push(name)
    core.saveState('containers', containers.join('\n'))
  },
  addScratchDir(dir: string): void {
    scratch.push(dir)
    core.saveState('scratch', scratch.join('\n'))
  },
  setKeyDir(dir: string): void {
    keyDir = dir
    core.saveState('keyDir', dir)
  },
  /** In the main step: what this process recorded. In the post step: what the main step saved. */
  leftovers(): { containers: string[]; keyDir: string; scratch: string[] } {
    if (containers.length || keyDir || scratch.length)
      return { containers: [...containers], keyDir, scratch: [...scratch] }
    return {
      containers: core.getState('containers').split('\n').filter(Boolean),
      keyDir: core.getState('keyDir'),
      scratch: core.getState('scratch').split('\n').filter(Boolean),
    }
  },
}
