import { getInputs } from './inputs.js'
import * as pipeline from '../pipeline/index.js'
import { setOutputs, setRecipeOutputs } from './outputs.js'
import { actionReporter, type RunRecord } from './reporter.js'
import { buildSettings, deliverySettings, mergeSettings, renderSettings } from './settings.js'
import type { RunState } from './state.js'
import { buildSummary, mergeSummary, renderSummary } from './summary.js'

/**
 * The action's main step: inputs → settings (every one checked before anything runs) → one
 * pipeline run → outputs and the job summary. `record` keeps what was done for a failure's summary
 * and outputs; `state` what a cancelled run must stop and clean up.
 */
export async function run(state: RunState, record: RunRecord): Promise<void> {
  state.markMainStarted()
  const inputs = getInputs()
  const reporter = actionReporter(renderSettings(inputs).workspace, record)
  const { progress } = record
  const delivery = await deliverySettings(inputs, state.cancelSignal(progress), reporter)
  if (inputs.mode !== 'merge' && !inputs.build) {
    // build: false: the recipe only, for workflows that run abuild themselves.
    const rendered = await pipeline.render(renderSettings(inputs), reporter)
    setRecipeOutputs(rendered)
    const { recipe, loaded } = rendered
    return renderSummary(recipe, [...loaded.diagnostics, ...recipe.diagnostics])
  }
  try {
    if (inputs.mode === 'merge') {
      const merged = await pipeline.merge(mergeSettings(inputs, delivery), reporter, progress)
      await mergeSummary(merged, merged.delivered)
    } else {
      const settings = buildSettings(inputs, state.recordLeftovers(), delivery, reporter)
      const built = await pipeline.build(settings, reporter, progress)
      await buildSummary(built, built.delivered)
    }
  } finally {
    // What was done, also when a later phase failed: a build's packages when the upload failed.
    setOutputs(progress)
  }
}
