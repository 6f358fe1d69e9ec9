import * as core from '@actions/core'
import { resolve } from 'node:path'
import { annotate } from './annotations.js'
import { hasErrors, loadConfigFile } from './config/index.js'
import { getInputs } from './inputs.js'
import { bootstrap, resolveContext } from './recipe/index.js'
import { writeSummary } from './summary.js'

/** The action's main step: each phase in its own log group; failures end in one clear message. */
export async function run(): Promise<void> {
  const inputs = getInputs()
  const workspace = resolve(inputs.workspace)
  const configFile = resolve(workspace, inputs.config)

  const loaded = await core.group('Read instellar.yml', async () => {
    const result = await loadConfigFile(configFile)
    annotate(result.diagnostics, workspace)
    return result
  })
  if (!loaded.ok) {
    const count = loaded.diagnostics.filter((d) => d.severity === 'error').length
    throw new Error(
      `${inputs.config} has ${count} error${count === 1 ? '' : 's'}; see the annotations`,
    )
  }

  const result = await core.group('Render the recipe', async () => {
    const context = await resolveContext({
      workspace,
      ...(inputs.repository && { repository: inputs.repository }),
      ...(inputs.version && { version: inputs.version }),
      ...(inputs.build && { build: inputs.build }),
    })
    for (const note of context.notes) core.info(note)
    const written = await bootstrap(workspace, loaded, context)
    annotate(written.diagnostics, workspace)
    for (const file of written.recipe.files) core.info(`${written.recipe.dir}/${file.name}`)
    return written
  })
  if (!result.dir || hasErrors(result.diagnostics)) {
    throw new Error('the recipe was not written; see the annotations')
  }

  const { recipe } = result
  core.setOutput('recipe-dir', result.dir)
  core.setOutput('package-name', recipe.packageName)
  core.setOutput('version', recipe.version)
  core.setOutput('build-number', String(recipe.release))
  await writeSummary({
    packageName: recipe.packageName,
    version: `${recipe.version}-r${recipe.release}`,
    recipeDir: recipe.dir,
    files: recipe.files.map((f) => f.name),
    diagnostics: [...loaded.diagnostics, ...result.diagnostics],
  })
}
