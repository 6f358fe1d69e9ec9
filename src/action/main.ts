import * as core from '@actions/core'
import { resolve } from 'node:path'
import { loadConfigFile, type InstellarConfig } from '../config/index.js'
import type { Pushed } from '../deploy/index.js'
import { ActionsBuildCache, buildCacheSettings } from '../build-cache/index.js'
import { ActionsCache } from '../environment/index.js'
import { getInputs, type Inputs } from './inputs.js'
import * as pipeline from '../pipeline/index.js'
import {
  defaultArtifactName,
  defaultPagesUrl,
  publish,
  siteUrl,
  publishDirectory,
  writeSubjectChecksums,
  type PublishSettings,
} from '../publish/index.js'
import type { Reporter } from '../report/index.js'
import {
  setBuildOutputs,
  setMergeOutputs,
  setPublishedOutputs,
  setPushedOutputs,
  setRecipeOutputs,
} from './outputs.js'
import { actionReporter, runRecord } from './reporter.js'
import { state } from './state.js'
import { buildSummary, mergeSummary, renderSummary } from './summary.js'

/** The action's main step: the inputs checked, one pipeline run, then outputs and the summary. */
export async function run(): Promise<void> {
  state.markMainStarted()
  const inputs = getInputs()
  const publishing = publishSettings(inputs) // a release without a tag fails before any build
  checkPushInputs(inputs) // and a deploy without its tokens
  const workspace = resolve(inputs.workspace)
  const reporter = actionReporter(workspace)
  if (inputs.mode === 'merge') return runMerge(inputs, workspace, publishing, reporter)
  if (!inputs.build) return runRender(inputs, workspace, reporter)
  return runBuild(inputs, workspace, publishing, reporter)
}

function renderSettings(inputs: Inputs, workspace: string): pipeline.RenderSettings {
  return {
    workspace,
    configFile: resolve(workspace, inputs.config),
    ...(inputs.repository && { repository: inputs.repository }),
    ...(inputs.version && { version: inputs.version }),
    ...(inputs.buildNumber && { build: inputs.buildNumber }),
    sbom: inputs.sbom,
  }
}

/** build: false: the recipe only, for workflows that run abuild themselves. */
async function runRender(inputs: Inputs, workspace: string, reporter: Reporter): Promise<void> {
  const rendered = await pipeline.render(renderSettings(inputs, workspace), reporter)
  setRecipeOutputs(rendered)
  const { recipe, loaded } = rendered
  await renderSummary(recipe, [...loaded.diagnostics, ...recipe.diagnostics])
}

async function runBuild(
  inputs: Inputs,
  workspace: string,
  publishing: PublishSettings,
  reporter: Reporter,
): Promise<void> {
  const buildCache =
    inputs.buildCache.enabled &&
    buildCacheSettings(inputs.buildCache, new ActionsBuildCache(inputs.tempDir), reporter.option)
  const result = await pipeline.build(
    {
      ...renderSettings(inputs, workspace),
      ...(inputs.stack && { stack: inputs.stack }),
      ...(inputs.image && { image: inputs.image }),
      ...(inputs.arch && { arch: inputs.arch }),
      packagesDir: inputs.packagesDir,
      ...(inputs.signingKey && { signingKey: inputs.signingKey }),
      ...(inputs.publicKey && { publicKey: inputs.publicKey }),
      ...(inputs.signingKeyName && { keyName: inputs.signingKeyName }),
      signature: inputs.signature,
      keyParent: inputs.tempDir,
      ...(inputs.cache && { cache: new ActionsCache() }),
      ...(buildCache && { buildCache }),
      installTest: inputs.verify,
      // Recorded for the post step, which removes them when the run is cancelled.
      onContainer: (name, scratchDir) => {
        state.addContainer(name)
        state.addScratchDir(scratchDir)
      },
      onScratchDir: (dir) => state.addScratchDir(dir),
      onKeyDir: (dir) => state.setKeyDir(dir),
    },
    reporter,
  )
  const subjects = await writeSubjectChecksums(
    result.files,
    inputs.tempDir,
    `pakman-subjects-${defaultArtifactName({ ...result, packageName: result.rendered.recipe.packageName })}`,
  )
  setBuildOutputs(result, subjects)
  const { recipe, loaded } = result.rendered
  const { packageName, version, release } = recipe
  const built = { ...result, packageName, version, release }
  const published = await reporter.group('Publish', () =>
    publish(built, publishing, (line) => core.info(line), runRecord.published),
  )
  setPublishedOutputs(published)
  const pushed = inputs.upload.instellar
    ? await pushToInstellar(inputs, result.packagesDir, loaded.config, reporter)
    : undefined
  await buildSummary(result, published, pushed)
}

/** Merge mode: one signed repository from this run's build artifacts, then published. */
async function runMerge(
  inputs: Inputs,
  workspace: string,
  publishing: PublishSettings,
  reporter: Reporter,
): Promise<void> {
  // The deployment's kits come from instellar.yml: read it before merging, so a missing checkout
  // fails at once rather than after the merge.
  const config = inputs.upload.instellar
    ? await deploymentConfig(inputs, workspace, reporter)
    : undefined
  const merged = await pipeline.merge(
    {
      workspace,
      packagesDir: inputs.packagesDir,
      ...(inputs.signingKey && { signingKey: inputs.signingKey }),
      ...(inputs.signingKeyName && { keyName: inputs.signingKeyName }),
      // The repository input names the packages (and so the default key), as in a build job.
      ...((inputs.repository ?? inputs.runRepository) && {
        repository: inputs.repository ?? inputs.runRepository,
      }),
      tempDir: inputs.tempDir,
      ...(inputs.sourceDateEpoch !== undefined && { sourceDateEpoch: inputs.sourceDateEpoch }),
    },
    reporter,
  )
  const published = await reporter.group('Publish', () =>
    publishDirectory(
      {
        dir: merged.packagesDir,
        artifactName:
          inputs.artifactName ?? `${merged.manifests[0]?.package ?? 'packages'}-repository`,
        assets: merged.assets,
      },
      publishing,
      (line) => core.info(line),
      runRecord.published,
    ),
  )
  setMergeOutputs(merged)
  setPublishedOutputs(published)
  const pushed = config
    ? await pushToInstellar(inputs, merged.packagesDir, config, reporter)
    : undefined
  await mergeSummary(merged, published, pushed)
}

/** upload: instellar without the tokens fails before anything is built. */
function checkPushInputs(inputs: Inputs): void {
  if (!inputs.upload.instellar || inputs.instellar.dryRun) return
  const missing = [
    !inputs.instellar.authToken && 'instellar-auth-token (or INSTELLAR_AUTH_TOKEN)',
    !inputs.instellar.packageToken && 'instellar-package-token (or INSTELLAR_PACKAGE_TOKEN)',
  ].filter(Boolean)
  if (missing.length)
    throw new Error(`upload: instellar needs ${missing.join(' and ')}: pass the repository secrets`)
}

/** instellar.yml in a merge job, which has no build to have read it. */
async function deploymentConfig(
  inputs: Inputs,
  workspace: string,
  reporter: Reporter,
): Promise<InstellarConfig> {
  const file = resolve(workspace, inputs.config)
  const loaded = await loadConfigFile(file)
  // Warnings too: this job sends kits, sizes, plans and page, with any key PAKman does not know.
  reporter.diagnostics(loaded.diagnostics)
  if (loaded.ok) return loaded.config
  const missing = loaded.diagnostics.some((d) => d.message.includes('file not found'))
  throw new Error(
    missing
      ? `upload: instellar reads kits, sizes, plans and page from ${inputs.config}, which is not in ${workspace}: add actions/checkout to this job`
      : `${inputs.config} has errors (see the annotations); nothing was deployed`,
  )
}

/** The deploy stage, loaded only when asked for (it brings its own S3 client). */
async function pushToInstellar(
  inputs: Inputs,
  packagesDir: string,
  config: InstellarConfig,
  reporter: Reporter,
): Promise<Pushed> {
  const { runPush, Secrets } = await import('../deploy/index.js')
  const { instellar } = inputs
  const cancel = new AbortController()
  const pushed = await reporter.group(
    instellar.dryRun ? 'Push to Instellar (dry run)' : 'Push to Instellar',
    () => {
      const pushing = runPush({
        packagesDir,
        config,
        repository: inputs.runRepository ?? inputs.repository ?? '',
        hash: instellar.sha,
        ref: instellar.ref,
        ...(inputs.stack && { stack: inputs.stack }),
        ...(instellar.endpoint && { endpoint: instellar.endpoint }),
        ...(instellar.authToken && { authToken: instellar.authToken }),
        ...(instellar.packageToken && { packageToken: instellar.packageToken }),
        dryRun: instellar.dryRun,
        tempDir: inputs.tempDir,
        secrets: new Secrets(
          (value) => core.setSecret(value),
          [instellar.authToken, instellar.packageToken],
        ),
        log: (line) => core.info(line),
        notice: (message) => core.notice(message),
        signal: cancel.signal,
      })
      // A cancelled run aborts the uploads in flight rather than leaving them open in the bucket.
      state.onCancel(() => {
        cancel.abort('the run was cancelled')
        return pushing.then(
          () => {},
          () => {},
        )
      })
      return pushing
    },
  )
  if (!instellar.dryRun) setPushedOutputs(pushed)
  return pushed
}

/** Artifact, release and Pages settings from the inputs; a release needs a tag. */
function publishSettings(inputs: Inputs): PublishSettings {
  const releaseTag = inputs.upload.release ? inputs.releaseTag : undefined
  if (inputs.upload.release && !releaseTag) {
    throw new Error('upload: release needs a tag: push a tag, or set release-tag')
  }
  const pages = inputs.upload.pages ? pagesSettings(inputs) : undefined
  return {
    artifact: inputs.upload.artifact,
    ...(releaseTag && { releaseTag }),
    ...(pages && { pages }),
    ...(inputs.artifactName && { artifactName: inputs.artifactName }),
    ...(inputs.githubToken && { token: inputs.githubToken }),
    repository: inputs.runRepository ?? inputs.repository ?? '',
    ...(inputs.apiUrl && { apiUrl: inputs.apiUrl }),
  }
}

/**
 * upload: pages publishes one repository per run, so the merge job's: every build job of a matrix
 * uploading github-pages would leave deploy-pages more than one to choose from.
 */
function pagesSettings(inputs: Inputs): PublishSettings['pages'] {
  if (inputs.mode !== 'merge')
    throw new Error(
      'upload: pages publishes the merged repository: use it in the merge job (mode: merge), which needs the build jobs',
    )
  const repository = inputs.runRepository ?? inputs.repository
  const url = inputs.repositoryUrl ?? defaultPagesUrl(repository ?? '')
  if (!url)
    throw new Error(
      'upload: pages needs repository-url, or GITHUB_REPOSITORY (OWNER/NAME) for the github.io URL',
    )
  // Checked now: a mistyped URL fails the job before the merge, not after it.
  return {
    url: siteUrl(url, 'repository-url'),
    tempDir: inputs.tempDir,
    ...(repository && { title: repository }),
  }
}
