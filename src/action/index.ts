/*
 * The GitHub Action: inputs to one pipeline run, then outputs and the job summary; the post step
 * (and a cancelled run) removes what a run left behind.
 */

export { run } from './main.js'
export { cleanUp } from './post.js'
export { newRunRecord } from './reporter.js'
export { RunState } from './state.js'
export { failureSummary } from './summary.js'
