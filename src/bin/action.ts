import * as core from '@actions/core'
import { cleanUp, failureSummary, newRunRecord, run, RunState } from '../action/index.js'

const state = new RunState()

if (state.isPost) {
  await cleanUp(state)
} else {
  // A cancelled job gets SIGINT, then SIGTERM: stop a push in flight (its open uploads are
  // aborted), then remove the containers and the key before going.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      core.error(`cancelled (${signal}); cleaning up`)
      void state
        .stopRunning()
        .then(() => cleanUp(state))
        .finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130))
    })
  }
  const record = newRunRecord()
  try {
    await run(state, record)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    core.setFailed(message)
    await failureSummary(message, record).catch((failure: unknown) =>
      core.warning(`the job summary was not written: ${String(failure)}`),
    )
  }
}
