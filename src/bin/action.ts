import * as core from '@actions/core'
import { cleanUp, failureSummary, run, runRecord, state } from '../action/index.js'

if (state.isPost) {
  await cleanUp()
} else {
  // A cancelled job gets SIGINT, then SIGTERM: stop a push in flight (its open uploads are
  // aborted), then remove the containers and the key before going.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      core.error(`cancelled (${signal}); cleaning up`)
      void state
        .stopRunning()
        .then(cleanUp)
        .finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130))
    })
  }
  try {
    await run()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    core.setFailed(message)
    await failureSummary(message, runRecord).catch((failure: unknown) =>
      core.warning(`the job summary was not written: ${String(failure)}`),
    )
  }
}
