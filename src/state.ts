import * as core from '@actions/core'

/*
 * What must be cleaned up if the run stops early: build containers and the signing key directory.
 * Recorded in memory (for a SIGTERM during the main step) and as action state (for the post step,
 * which runs in a new process). Read and written only here.
 */
const containers: string[] = []
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
  setKeyDir(dir: string): void {
    keyDir = dir
    core.saveState('keyDir', dir)
  },
  /** In the main step: what this process recorded. In the post step: what the main step saved. */
  leftovers(): { containers: string[]; keyDir: string } {
    if (containers.length || keyDir) return { containers: [...containers], keyDir }
    return {
      containers: core.getState('containers').split('\n').filter(Boolean),
      keyDir: core.getState('keyDir'),
    }
  },
}
