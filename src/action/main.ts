import * as core from '@actions/core'
import { resolve } from 'node:path'
import { loadConfigFile, type InstellarConfig } from '../config/index.js'
import type { Pushed } from '../deploy/index.js'
import { ActionsBuildCache, buildCacheSettings } from '../build-cache/index.js'
import { ActionsCache } from '../environment/index.js'
import { getInputs, type Inputs } from './inputs.js'
import * as pipeline from '../pipeline/index.js'
import {
  checkS3Settings,
  defaultArtifactName,
  defaultPagesUrl,
  publish,
  siteUrl,
  publishDirectory,
  publishS3,
  writeSite,
  writeSubjectChecksums,
  type PublishSettings,
  type S3Published,
  type S3PublishSettings,
} from '../publish/index.js'
import { Secrets } from '../remote/index.js'
import type { Reporter } from '../report/index.js'
import {
  setBuildOutputs,
  setMergeOutputs,
  setPublishedOutputs,
  setPushedOutputs,
  setRecipeOutputs,
  setS3Outputs,
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
  checkS3Inputs(inputs, reporter) // and a bucket publish without a bucket or credentials
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
      ...state.recordLeftovers(),
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
    publish(built, publishing, reporter, runRecord.published),
  )
  setPublishedOutputs(published)
  const bucket = inputs.upload.s3
    ? await publishToS3(inputs, result.packagesDir, result.stack, reporter)
    : undefined
  const pushed = inputs.upload.instellar
    ? await pushToInstellar(inputs, result.packagesDir, loaded.config, reporter)
    : undefined
  await buildSummary(result, published, pushed, bucket)
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
      reporter,
      runRecord.published,
    ),
  )
  setMergeOutputs(merged)
  setPublishedOutputs(published)
  // The bucket's front page names the bucket's URL; with upload: pages it is written already.
  if (inputs.upload.s3 && !inputs.upload.pages) {
    const repository = inputs.runRepository ?? inputs.repository
    await writeSite(merged.packagesDir, {
      url: checkS3Settings(s3Settings(inputs, reporter, merged.packagesDir)).repositoryUrl,
      urlName: 'repository-url',
      ...(repository && { title: repository }),
    })
  }
  const bucket = inputs.upload.s3
    ? await publishToS3(inputs, merged.packagesDir, undefined, reporter)
    : undefined
  const pushed = config
    ? await pushToInstellar(inputs, merged.packagesDir, config, reporter)
    : undefined
  await mergeSummary(merged, published, pushed, bucket)
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

/** upload: s3 whose settings no bucket would take fails before anything is built. */
function checkS3Inputs(inputs: Inputs, reporter: Reporter): void {
  if (!inputs.upload.s3) return
  if (!inputs.s3.accessKeyId || !inputs.s3.secretAccessKey)
    throw new Error(
      'upload: s3 needs credentials: run aws-actions/configure-aws-credentials before this step (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), or pass s3-access-key-id and s3-secret-access-key',
    )
  checkS3Settings(s3Settings(inputs, reporter, ''))
}

/** The publish settings the inputs give, for `dir`; the secrets are masked already. */
function s3Settings(
  inputs: Inputs,
  reporter: Reporter,
  dir: string,
  stack?: string,
): S3PublishSettings {
  const { s3 } = inputs
  return {
    dir,
    ...(stack && { stack }),
    bucket: s3.bucket ?? '',
    ...(s3.prefix && { prefix: s3.prefix }),
    ...(s3.region && { region: s3.region }),
    ...(s3.endpoint && { endpoint: s3.endpoint }),
    pathStyle: s3.pathStyle,
    ...(inputs.repositoryUrl && { repositoryUrl: inputs.repositoryUrl }),
    credentials: {
      accessKeyId: s3.accessKeyId ?? '',
      secretAccessKey: s3.secretAccessKey ?? '',
      ...(s3.sessionToken && { sessionToken: s3.sessionToken }),
    },
    overwrite: s3.overwrite,
    prune: s3.prune,
    secrets: new Secrets(
      (value) => core.setSecret(value),
      [s3.accessKeyId, s3.secretAccessKey, s3.sessionToken],
    ),
    reporter,
  }
}

/** upload: s3 — the repository to the bucket; the run's cancel aborts the uploads in flight. */
async function publishToS3(
  inputs: Inputs,
  dir: string,
  stack: string | undefined,
  reporter: Reporter,
): Promise<S3Published> {
  const published = await reporter.group('Publish to S3', () =>
    stoppedOnCancel((signal) => publishS3({ ...s3Settings(inputs, reporter, dir, stack), signal })),
  )
  setS3Outputs(published)
  return published
}

/**
 * Starts uploads that a cancelled run stops: those in flight are aborted rather than left open in
 * the bucket, and the post step waits for that.
 */
function stoppedOnCancel<T>(start: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const cancel = new AbortController()
  const running = start(cancel.signal)
  state.onCancel(() => {
    cancel.abort('the run was cancelled')
    return running.then(
      () => {},
      () => {},
    )
  })
  return running
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
  const { runPush } = await import('../deploy/index.js')
  const { instellar } = inputs
  const pushed = await reporter.group(
    instellar.dryRun ? 'Push to Instellar (dry run)' : 'Push to Instellar',
    () =>
      stoppedOnCancel((signal) =>
        runPush({
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
          reporter,
          signal,
        }),
      ),
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
