import * as core from '@actions/core'
import { resolve } from 'node:path'
import { ActionsBuildCache, buildCacheSettings } from '../build-cache/index.js'
import { ActionsCache } from '../environment/index.js'
import * as pipeline from '../pipeline/index.js'
import { defaultPagesUrl, siteUrl } from '../publish/index.js'
import { Secrets } from '../remote/index.js'
import type { Reporter } from '../report/index.js'
import type { Inputs } from './inputs.js'

/*
 * The action's inputs as the pipeline's settings, checked before anything runs: a release without
 * a tag, a deploy without its tokens, a bucket without credentials fail before any build.
 */

export function renderSettings(inputs: Inputs): pipeline.RenderSettings {
  const workspace = resolve(inputs.workspace)
  return {
    workspace,
    configFile: resolve(workspace, inputs.config),
    ...(inputs.repository && { repository: inputs.repository }),
    ...(inputs.version && { version: inputs.version }),
    ...(inputs.buildNumber && { buildNumber: inputs.buildNumber }),
    sbom: inputs.sbom,
  }
}

export function buildSettings(
  inputs: Inputs,
  leftovers: Pick<pipeline.BuildSettings, 'onContainer' | 'onScratchDir' | 'onKeyDir'>,
  delivery: pipeline.DeliverySettings,
  reporter: Reporter,
): pipeline.DeliveredBuildSettings {
  const buildCache =
    inputs.buildCache.enabled &&
    buildCacheSettings(inputs.buildCache, new ActionsBuildCache(inputs.tempDir), reporter.option)
  return {
    ...renderSettings(inputs),
    ...(inputs.stack && { stack: inputs.stack }),
    ...(inputs.image && { image: inputs.image }),
    ...(inputs.arch && { arch: inputs.arch }),
    packagesDir: inputs.packagesDir,
    ...(inputs.signingKey && { signingKey: inputs.signingKey }),
    ...(inputs.publicKey && { publicKey: inputs.publicKey }),
    ...(inputs.signingKeyName && { keyName: inputs.signingKeyName }),
    ...(inputs.signature && { signature: inputs.signature }),
    keyParent: inputs.tempDir,
    ...(inputs.cache && { cache: new ActionsCache() }),
    ...(buildCache && { buildCache }),
    installTest: inputs.verify,
    // Recorded for the post step, which removes them when the run is cancelled.
    ...leftovers,
    delivery: { ...delivery, subjectsDir: inputs.tempDir },
  }
}

export function mergeSettings(
  inputs: Inputs,
  delivery: pipeline.DeliverySettings,
): pipeline.DeliveredMergeSettings {
  const repository = inputs.repository ?? inputs.runRepository
  return {
    workspace: resolve(inputs.workspace),
    configFile: inputs.config,
    packagesDir: inputs.packagesDir,
    ...(inputs.signingKey && { signingKey: inputs.signingKey }),
    ...(inputs.signingKeyName && { keyName: inputs.signingKeyName }),
    ...(inputs.signature && { signature: inputs.signature }),
    // The repository input names the packages (and so the default key), as in a build job.
    ...(repository && { repository }),
    tempDir: inputs.tempDir,
    ...(inputs.sourceDateEpoch !== undefined && { sourceDateEpoch: inputs.sourceDateEpoch }),
    delivery,
  }
}

/** Where the packages go, as upload asks; every destination's settings checked now. */
export async function deliverySettings(
  inputs: Inputs,
  signal: AbortSignal,
  reporter: Reporter,
): Promise<pipeline.DeliverySettings> {
  const publish = publishSettings(inputs)
  const deployment = inputs.upload.instellar ? deploymentSettings(inputs) : undefined
  if (deployment) await pipeline.checkDeployment(deployment, reporter)
  const bucket = inputs.upload.s3 ? bucketSettings(inputs) : undefined
  if (bucket) pipeline.checkBucket(bucket, reporter)
  return {
    publish,
    ...(bucket && { bucket }),
    ...(deployment && { deployment }),
    signal,
  }
}

/** Artifact, release and Pages settings from the inputs; a release needs a tag. */
function publishSettings(inputs: Inputs): pipeline.PublishSettings {
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
function pagesSettings(inputs: Inputs): pipeline.PublishSettings['pages'] {
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
  return { url: siteUrl(url, 'repository-url'), tempDir: inputs.tempDir }
}

/** upload: s3 — the bucket and its credentials, which are masked already. */
function bucketSettings(inputs: Inputs): pipeline.BucketSettings {
  const { s3 } = inputs
  if (!s3.accessKeyId || !s3.secretAccessKey)
    throw new Error(
      'upload: s3 needs credentials: run aws-actions/configure-aws-credentials before this step (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), or pass s3-access-key-id and s3-secret-access-key',
    )
  return {
    bucket: s3.bucket ?? '',
    ...(s3.prefix && { prefix: s3.prefix }),
    ...(s3.region && { region: s3.region }),
    ...(s3.endpoint && { endpoint: s3.endpoint }),
    pathStyle: s3.pathStyle,
    ...(inputs.repositoryUrl && { repositoryUrl: inputs.repositoryUrl }),
    credentials: {
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      ...(s3.sessionToken && { sessionToken: s3.sessionToken }),
    },
    overwrite: s3.overwrite,
    prune: s3.prune,
    secrets: new Secrets(
      (value) => core.setSecret(value),
      [s3.accessKeyId, s3.secretAccessKey, s3.sessionToken],
    ),
  }
}

/** upload: instellar — the platform and its tokens, which are masked already; checked by the push's own rules. */
function deploymentSettings(inputs: Inputs): pipeline.DeploymentSettings {
  const { instellar } = inputs
  return {
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
  }
}
