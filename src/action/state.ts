import * as core from '@actions/core'
import {
  recordLeftovers,
  type BuildSettings,
  type Leftovers,
  type Progress,
} from '../pipeline/index.js'

/** How long a cancelled run waits for work in flight to stop; the runner kills it soon after. */
const STOP_WAIT_MS = 5000

/*
 * What must be cleaned up if the run stops early: build containers, the signing key directory and
 * scratch directories (a container's script, a staged output). Recorded in memory (for a SIGTERM
 * during the main step) and as action state (for the post step, which runs in a new process).
 * One is made per process, by the entry point, and handed to the main and post steps.
 */
export class RunState {
  private readonly recorded: Leftovers = { containers: [], scratch: [], keyDir: '' }
  /** Work in flight that a cancelled run stops before it goes (uploads, a push). */
  private readonly stoppers: (() => Promise<void>)[] = []

  get isPost(): boolean {
    return core.getState('isPost') === 'true'
  }

  markMainStarted(): void {
    core.saveState('isPost', 'true')
  }

  /** The build's hooks that record what to clean up, here and as state for the post step. */
  recordLeftovers(): Pick<BuildSettings, 'onContainer' | 'onScratchDir' | 'onKeyDir'> {
    return recordLeftovers(this.recorded, ({ containers, scratch, keyDir }) => {
      core.saveState('containers', containers.join('\n'))
      core.saveState('scratch', scratch.join('\n'))
      core.saveState('keyDir', keyDir)
    })
  }

  /**
   * A signal a cancelled run aborts: the uploads in flight stop rather than being left open, and
   * stopRunning waits for the delivery the pipeline has under way, if any, to settle.
   */
  cancelSignal(progress: Progress): AbortSignal {
    const cancel = new AbortController()
    this.stoppers.push(() => {
      cancel.abort('the run was cancelled')
      return (progress.delivering ?? Promise.resolve()).then(
        () => {},
        () => {},
      )
    })
    return cancel.signal
  }

  /** A cancelled main step: stops the work in flight, waiting a few seconds at most. */
  async stopRunning(): Promise<void> {
    const waited = new Promise<void>((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())
    await Promise.race([Promise.allSettled(this.stoppers.map((stop) => stop())), waited])
  }

  /** In the main step: what this process recorded. In the post step: what the main step saved. */
  leftovers(): Leftovers {
    const { containers, scratch, keyDir } = this.recorded
    if (containers.length || keyDir || scratch.length)
      return { containers: [...containers], keyDir, scratch: [...scratch] }
    return {
      containers: core.getState('containers').split('\n').filter(Boolean),
      keyDir: core.getState('keyDir'),
      scratch: core.getState('scratch').split('\n').filter(Boolean),
    }
  }
}
