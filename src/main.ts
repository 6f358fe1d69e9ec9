import * as core from '@actions/core'
import { resolve } from 'node:path'
import { ActionsCache } from './environment/index.js'
import { getInputs, type Inputs } from './inputs.js'
import { publish, publishDirectory, type Published, type PublishSettings } from './publish/index.js'
import { buildStage, mergeStage, renderStage } from './pipeline.js'
import { actionReporter } from './reporter.js'
import { state } from './state.js'
import { buildSummary, mergeSummary, renderSummary } from './summary.js'

/** The action's main step: the pipeline's phases, then outputs and the job summary. */
export async function run(): Promise<void> {
  state.markMainStarted()
  const inputs = getInputs()
  const publishing = publishSettings(inputs) // a release without a tag fails before any build
  const workspace = resolve(inputs.workspace)
  const reporter = actionReporter(workspace)
  const common = {
    workspace,
    configFile: resolve(workspace, inputs.config),
    ...(inputs.repository && { repository: inputs.repository }),
    ...(inputs.version && { version: inputs.version }),
    ...(inputs.buildNumber && { build: inputs.buildNumber }),
  }

  if (inputs.mode === 'merge') {
    await runMerge(inputs, workspace, publishing)
    return
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
      packagesDirOption: 'the packages-dir input',
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

  const published = await core.group('Publish', () =>
    publish(
      {
        packageName: recipe.packageName,
        version: recipe.version,
        release: recipe.release,
        stack: result.stack,
        arch: result.arch,
        keyName: result.keyName,
        packagesDir: result.packagesDir,
        publicKeyFile: result.publicKeyFile,
        files: result.files,
      },
      publishing,
      (line) => core.info(line),
    ),
  )
  setPublishedOutputs(published)
  await buildSummary(result, published)
}

/** Merge mode: one signed repository from this run's build artifacts, then published. */
async function runMerge(
  inputs: Inputs,
  workspace: string,
  publishing: PublishSettings,
): Promise<void> {
  const merged = await mergeStage(
    {
      workspace,
      packagesDir: inputs.packagesDir,
      packagesDirOption: 'the packages-dir input',
      ...(inputs.signingKey && { signingKey: inputs.signingKey }),
      ...(inputs.signingKeyName && { keyName: inputs.signingKeyName }),
      ...((process.env.GITHUB_REPOSITORY ?? inputs.repository) && {
        repository: process.env.GITHUB_REPOSITORY ?? inputs.repository,
      }),
    },
    actionReporter(workspace),
  )
  const published = await core.group('Publish', () =>
    publishDirectory(
      {
        dir: merged.packagesDir,
        artifactName:
          inputs.artifactName ?? `${merged.manifests[0]?.package ?? 'packages'}-repository`,
        assets: merged.assets,
      },
      publishing,
      (line) => core.info(line),
    ),
  )
  core.setOutput('packages-dir', merged.packagesDir)
  core.setOutput('public-key', merged.publicKeyFile)
  core.setOutput('key-name', merged.keyName)
  setPublishedOutputs(published)
  await mergeSummary(merged, published)
}

/** Artifact and release settings from the inputs; a release needs a tag. */
function publishSettings(inputs: Inputs): PublishSettings {
  const releaseTag = inputs.upload.release ? inputs.releaseTag : undefined
  if (inputs.upload.release && !releaseTag) {
    throw new Error('upload: release needs a tag: push a tag, or set release-tag')
  }
  return {
    artifact: inputs.upload.artifact,
    ...(releaseTag && { releaseTag }),
    ...(inputs.artifactName && { artifactName: inputs.artifactName }),
    ...(inputs.githubToken && { token: inputs.githubToken }),
    repository: process.env.GITHUB_REPOSITORY ?? inputs.repository ?? '',
  }
}

function setPublishedOutputs(published: Published): void {
  if (published.artifactId !== undefined)
    core.setOutput('artifact-id', String(published.artifactId))
  if (published.artifactName) core.setOutput('artifact-name', published.artifactName)
  if (published.releaseUrl) core.setOutput('release-url', published.releaseUrl)
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
