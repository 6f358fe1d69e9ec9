import type { InstellarConfig } from '../config/index.js'
import type { Pushed, PushSettings } from '../deploy/index.js'
import {
  checkS3Settings,
  defaultArtifactName,
  publish,
  publishDirectory,
  publishS3,
  repositoryAssets,
  writeSite,
  uploadPagesArtifact,
  writeSubjectChecksums,
  type Output,
  type Published,
  type PublishSettings,
  type S3Published,
  type S3PublishSettings,
} from '../publish/index.js'
import type { Reporter } from '../report/index.js'
import type { BuildResult } from './build.js'
import type { MergeResult } from './merge.js'

/*
 * Where verified packages go, after a build or a merge: the workflow artifact and release assets,
 * the github-pages artifact, an S3 bucket, an Instellar deployment. Each is a phase of its own,
 * in that order; a front end says which in DeliverySettings and gets Delivered back.
 */

/** A bucket to publish to: everything but what the run itself supplies. */
export type BucketSettings = Omit<S3PublishSettings, 'dir' | 'stack' | 'reporter' | 'signal'>

/** A deployment to create: everything but what the run itself supplies. */
export type DeploymentSettings = Omit<
  PushSettings,
  'packagesDir' | 'config' | 'reporter' | 'signal'
>

export interface DeliverySettings {
  /** The workflow artifact, release assets, GitHub Pages. */
  publish: PublishSettings
  /** Where the sha256sum list of packages and SBOMs goes, for attestations (builds only). */
  subjectsDir?: string
  bucket?: BucketSettings
  deployment?: DeploymentSettings
  /** A cancelled run: uploads in flight stop and are aborted, nothing more is sent. */
  signal?: AbortSignal
}

/** What went where; filled as delivery goes, so a failure part-way still shows what went out. */
export interface Delivered {
  published: Published
  subjectChecksums?: string
  bucket?: S3Published
  pushed?: Pushed
}

/** What a run has done so far, filled as it goes: a front end reports from it when a phase fails. */
export interface Progress {
  built?: BuildResult
  merged?: MergeResult
  delivered: Delivered
  /** The delivery under way, which a cancelled run waits for once it has aborted it. */
  delivering?: Promise<Delivered>
}

/** A build job's packages, to each destination asked for. */
export async function deliverBuild(
  built: BuildResult,
  settings: DeliverySettings,
  delivered: Delivered,
  reporter: Reporter,
): Promise<Delivered> {
  const { recipe, loaded } = built.rendered
  const { packageName, version, release } = recipe
  if (settings.subjectsDir)
    delivered.subjectChecksums = await writeSubjectChecksums(
      built.files,
      settings.subjectsDir,
      `pakman-subjects-${defaultArtifactName({ ...built, packageName })}`,
    )
  await reporter.group('Publish', () =>
    publish(
      { ...built, packageName, version, release },
      settings.publish,
      reporter,
      delivered.published,
    ),
  )
  await toBucket(built.packagesDir, built.stack, settings, delivered, reporter)
  await toDeployment(built.packagesDir, loaded.config, settings, delivered, reporter)
  return delivered
}

/**
 * The merged repository, to each destination asked for. Pages and a bucket serve it with a front
 * page, written once for the URL it is served at: the Pages one when both are asked for.
 */
export async function deliverMerge(
  merged: MergeResult,
  config: InstellarConfig | undefined,
  settings: DeliverySettings,
  delivered: Delivered,
  reporter: Reporter,
): Promise<Delivered> {
  const output: Output = {
    dir: merged.packagesDir,
    artifactName:
      settings.publish.artifactName ?? `${merged.manifests[0]?.package ?? 'packages'}-repository`,
    // Release assets: every file, named <stack>-<arch>-<file>, and the public key.
    assets: await repositoryAssets(merged.packagesDir, merged),
  }
  await reporter.group('Publish', async () => {
    await publishDirectory(output, settings.publish, reporter, delivered.published)
    // The site's files are written after the artifact and the release, which must not hold them.
    const { pages, repository } = settings.publish
    const url =
      pages?.url ??
      (settings.bucket &&
        checkS3Settings(bucketSettings(settings.bucket, merged.packagesDir, reporter))
          .repositoryUrl)
    if (!url) return
    const site = await writeSite(merged.packagesDir, {
      url,
      urlName: reporter.option('repository-url'),
      ...(repository && { title: repository }),
      digests: merged.digests,
    })
    reporter.info(`front page for ${site.url}: ${site.files.join(', ')}`)
    if (!pages) return
    delivered.published.pagesArtifactId = await uploadPagesArtifact(
      merged.packagesDir,
      pages.tempDir,
      reporter,
    )
    delivered.published.repositoryUrl = site.url
  })
  await toBucket(merged.packagesDir, undefined, settings, delivered, reporter)
  if (config) await toDeployment(merged.packagesDir, config, settings, delivered, reporter)
  return delivered
}

/**
 * An output directory built before (a build's `<repo>/<arch>/` or a merge's tree), to the bucket
 * and the deployment the settings name: `pakman publish s3` and `pakman push`.
 */
export async function deliverDirectory(
  dir: string,
  stack: string | undefined,
  config: InstellarConfig | undefined,
  settings: DeliverySettings,
  reporter: Reporter,
): Promise<Delivered> {
  const delivered: Delivered = { published: {} }
  // publishS3 checks too, but inside its phase: a wrong flag is refused before the heading
  if (settings.bucket) checkBucket(settings.bucket, reporter)
  await toBucket(dir, stack, settings, delivered, reporter)
  if (config) await toDeployment(dir, config, settings, delivered, reporter)
  return delivered
}

/** Fails before anything is built when the deployment's settings are wrong: the push's own check. */
export async function checkDeployment(
  settings: DeploymentSettings,
  reporter: Reporter,
): Promise<void> {
  const { checkPushSettings } = await import('../deploy/index.js')
  checkPushSettings({ ...settings, packagesDir: '', config: {}, reporter })
}

/** Fails before anything is built when the bucket's settings are wrong. */
export function checkBucket(settings: BucketSettings, reporter: Reporter): void {
  checkS3Settings(bucketSettings(settings, '', reporter))
}

function bucketSettings(
  bucket: BucketSettings,
  dir: string,
  reporter: Reporter,
  stack?: string,
  signal?: AbortSignal,
): S3PublishSettings {
  return {
    ...bucket,
    dir,
    ...(stack && { stack }),
    reporter,
    ...(signal && { signal }),
  }
}

async function toBucket(
  dir: string,
  stack: string | undefined,
  settings: DeliverySettings,
  delivered: Delivered,
  reporter: Reporter,
): Promise<void> {
  const { bucket } = settings
  if (!bucket) return
  delivered.bucket = await reporter.group('Publish to S3', () =>
    publishS3(bucketSettings(bucket, dir, reporter, stack, settings.signal)),
  )
}

/** The deploy stage is loaded only when asked for: it brings its own clients. */
async function toDeployment(
  packagesDir: string,
  config: InstellarConfig,
  settings: DeliverySettings,
  delivered: Delivered,
  reporter: Reporter,
): Promise<void> {
  const { deployment } = settings
  if (!deployment) return
  const { runPush } = await import('../deploy/index.js')
  delivered.pushed = await reporter.group(
    deployment.dryRun ? 'Push to Instellar (dry run)' : 'Push to Instellar',
    () =>
      runPush({
        ...deployment,
        packagesDir,
        config,
        reporter,
        ...(settings.signal && { signal: settings.signal }),
      }),
  )
}
