import * as core from '@actions/core'
import { resolve } from 'node:path'
import { ActionsCache } from './environment/index.js'
import { getInputs } from './inputs.js'
import { buildStage, renderStage } from './pipeline.js'
import { actionReporter } from './reporter.js'
import { state } from './state.js'
import { buildSummary, renderSummary } from './summary.js'

/** The action's main step: the pipeline's phases, then outputs and the job summary. */
export async function run(): Promise<void> {
  state.markMainStarted()
  const inputs = getInputs()
  const workspace = resolve(inputs.workspace)
  const reporter = actionReporter(workspace)
  const common = {
    workspace,
    configFile: resolve(workspace, inputs.config),
    ...(inputs.repository && { repository: inputs.repository }),
    ...(inputs.version && { version: inputs.version }),
    ...(inputs.buildNumber && { build: inputs.buildNumber }),
  }

  if (!inputs.build) {
    const { recipe, recipeDir, loaded } = await renderStage(common, reporter)
    setRecipeOutputs(recipe, recipeDir)
    await renderSummary(recipe, [...loaded.diagnostics, ...recipe.diagnostics])
    return
  }

  const result = await buildStage(
    {
      ...common,
      ...(inputs.stack && { stack: inputs.stack }),
      ...(inputs.image && { image: inputs.image }),
      ...(inputs.arch && { arch: inputs.arch }),
      packagesDir: inputs.packagesDir,
      ...(inputs.signingKey && { signingKey: inputs.signingKey }),
      ...(inputs.publicKey && { publicKey: inputs.publicKey }),
      ...(inputs.signingKeyName && { keyName: inputs.signingKeyName }),
      keyParent: inputs.tempDir,
      ...(inputs.cache && { cache: new ActionsCache() }),
      installTest: inputs.verify,
      onContainer: (name) => state.addContainer(name),
      onKeyDir: (dir) => state.setKeyDir(dir),
    },
    reporter,
  )
  const { recipe, recipeDir } = result.rendered
  setRecipeOutputs(recipe, recipeDir)
  core.setOutput(
    'packages',
    JSON.stringify(result.files.filter((f) => f.kind === 'package').map((f) => f.path)),
  )
  core.setOutput('packages-dir', result.packagesDir)
  core.setOutput('release', String(recipe.release))
  core.setOutput('cache-hit', String(result.environment.source !== 'built'))
  core.setOutput('public-key', result.publicKeyFile)
  core.setOutput('key-name', result.keyName)
  await buildSummary(result)
}

function setRecipeOutputs(
  recipe: { packageName: string; version: string; release: number },
  recipeDir: string,
): void {
  core.setOutput('recipe-dir', recipeDir)
  core.setOutput('package-name', recipe.packageName)
  core.setOutput('version', recipe.version)
  core.setOutput('build-number', String(recipe.release))
}
