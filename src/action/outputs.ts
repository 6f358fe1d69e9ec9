import * as core from '@actions/core'
import type {
  BuildResult,
  MergeResult,
  Progress,
  Published,
  Pushed,
  Rendered,
  S3Published,
} from '../pipeline/index.js'

/* The action's outputs, set in one place; names match action.yml. */

/** Every output of what the run did, as far as it got. */
export function setOutputs({ built, merged, delivered }: Progress): void {
  if (built) setBuildOutputs(built, delivered.subjectChecksums)
  if (merged) setMergeOutputs(merged)
  setPublishedOutputs(delivered.published)
  if (delivered.bucket) setS3Outputs(delivered.bucket)
  if (delivered.pushed && !delivered.pushed.dryRun) setPushedOutputs(delivered.pushed)
}

export function setRecipeOutputs({ recipe, recipeDir }: Rendered): void {
  core.setOutput('recipe-dir', recipeDir)
  core.setOutput('package-name', recipe.packageName)
  core.setOutput('version', recipe.version)
  core.setOutput('build-number', String(recipe.release))
}

function setBuildOutputs(result: BuildResult, subjectChecksums: string | undefined): void {
  setRecipeOutputs(result.rendered)
  core.setOutput(
    'packages',
    JSON.stringify(result.files.filter((f) => f.kind === 'package').map((f) => f.path)),
  )
  core.setOutput(
    'sbom',
    JSON.stringify(result.files.filter((f) => f.kind === 'sbom').map((f) => f.path)),
  )
  if (subjectChecksums) core.setOutput('subject-checksums', subjectChecksums)
  core.setOutput('packages-dir', result.packagesDir)
  core.setOutput('release', String(result.rendered.recipe.release))
  core.setOutput('cache-hit', String(result.environment.source !== 'built'))
  core.setOutput('build-cache', result.buildCache?.state ?? 'off')
  if (result.buildCache) core.setOutput('build-cache-key', result.buildCache.key)
  core.setOutput('public-key', result.publicKeyFile)
  core.setOutput('key-name', result.keyName)
}

function setMergeOutputs(merged: MergeResult): void {
  core.setOutput('packages-dir', merged.packagesDir)
  core.setOutput('public-key', merged.publicKeyFile)
  core.setOutput('key-name', merged.keyName)
}

function setPublishedOutputs(published: Published): void {
  if (published.artifactId !== undefined)
    core.setOutput('artifact-id', String(published.artifactId))
  if (published.artifactName) core.setOutput('artifact-name', published.artifactName)
  if (published.releaseUrl) core.setOutput('release-url', published.releaseUrl)
  if (published.pagesArtifactId !== undefined)
    core.setOutput('pages-artifact-id', String(published.pagesArtifactId))
  if (published.repositoryUrl) core.setOutput('repository-url', published.repositoryUrl)
}

function setPushedOutputs(pushed: Pushed): void {
  core.setOutput('deployment-id', String(pushed.deploymentId))
  core.setOutput('archive-path', pushed.archivePath)
}

function setS3Outputs(published: S3Published): void {
  core.setOutput('repository-url', published.repositoryUrl)
  core.setOutput('s3-uploaded', JSON.stringify(published.uploaded))
  core.setOutput('s3-skipped', JSON.stringify(published.skipped))
}
