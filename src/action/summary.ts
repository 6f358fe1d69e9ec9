import * as core from '@actions/core'
import type { Diagnostic } from '../config/index.js'
import type {
  BuildResult,
  Delivered,
  MergeResult,
  Published,
  Pushed,
  Recipe,
  S3Published,
} from '../pipeline/index.js'
import type { RunRecord } from './reporter.js'
import { runEnvironment } from '../github/index.js'
import { PAGES_ARTIFACT } from '../publish/index.js'
import { formatBytes } from '../report/index.js'
import { publicKeyFileName } from '../signing/index.js'

/** Job summaries: what was produced, and what the config should fix. */

export async function renderSummary(
  recipe: Recipe,
  diagnostics: readonly Diagnostic[],
): Promise<void> {
  if (!runEnvironment().stepSummary) return
  core.summary
    .addHeading(`PAKman: ${recipe.packageName} ${recipe.version}-r${recipe.release}`, 2)
    .addTable([
      [
        { data: 'Package', header: true },
        { data: 'Version', header: true },
        { data: 'Recipe', header: true },
        ...serviceUserHeader(recipe),
      ],
      [
        recipe.packageName,
        `${recipe.version}-r${recipe.release}`,
        `<code>${recipe.dir}</code>`,
        ...serviceUserCell(recipe),
      ],
    ])
    .addDetails('Generated files', list(recipe.files.map((f) => f.name)))
  addDiagnostics(diagnostics)
  await core.summary.write()
}

export async function buildSummary(result: BuildResult, delivered: Delivered): Promise<void> {
  if (!runEnvironment().stepSummary) return
  const { recipe, loaded } = result.rendered
  core.summary
    .addHeading(
      `PAKman: ${recipe.packageName} ${recipe.version}-r${recipe.release} (${result.stack}, ${result.arch})`,
      2,
    )
    .addTable([
      ['File', 'Version', 'Arch', 'Size', 'SHA-256'].map((data) => ({ data, header: true })),
      ...result.files.map((f) => [
        `<code>${escape(f.relativePath)}</code>`,
        f.version ?? '',
        f.arch,
        formatBytes(f.size),
        `<code>${f.sha256}</code>`,
      ]),
    ])
    .addTable([
      [
        { data: 'Stack', header: true },
        { data: 'Base image', header: true },
        { data: 'Signing key', header: true },
        { data: 'Environment', header: true },
        { data: 'Build cache', header: true },
        ...serviceUserHeader(recipe),
      ],
      [
        result.stack,
        `<code>${escape(result.baseImage)}</code>`,
        `<code>${escape(publicKeyFileName(result.keyName))}</code>${result.ephemeralKey ? ' (throwaway key)' : ''}`,
        { local: 'already in Docker', cache: 'cache hit', built: 'cache miss: built' }[
          result.environment.source
        ] +
          (result.environment.archiveBytes
            ? ` (${formatBytes(result.environment.archiveBytes)} cached)`
            : ''),
        buildCacheCell(result.buildCache),
        ...serviceUserCell(recipe),
      ],
    ])
    .addTable([
      [
        { data: 'Phase', header: true },
        { data: 'Seconds', header: true },
      ],
      ...result.phases.map((p) => [p.name, p.seconds.toFixed(2)]),
    ])
  addDelivered(delivered)
  addDiagnostics([...loaded.diagnostics, ...recipe.diagnostics])
  await core.summary.write()
}

export async function mergeSummary(merged: MergeResult, delivered: Delivered): Promise<void> {
  if (!runEnvironment().stepSummary) return
  core.summary
    .addHeading(`PAKman: one repository from ${merged.manifests.length} build jobs`, 2)
    .addTable([
      [
        { data: 'Directory', header: true },
        { data: 'Stack', header: true },
        { data: 'Arch', header: true },
      ],
      ...merged.directories.map((dir) => [
        `<code>${escape(dir)}</code>`,
        escape(dir.split('/').slice(0, -2).join('/')),
        escape(dir.split('/').at(-1) ?? ''),
      ]),
    ])
    .addRaw(
      `<p>${merged.packages} packages, indexes signed with <code>${escape(publicKeyFileName(merged.keyName))}</code></p>`,
      true,
    )
  addDelivered(delivered)
  await core.summary.write()
}

/** Who the service runs as (run.unprivileged), for packages that have one. */
function serviceUserHeader(recipe: Recipe): { data: string; header: true }[] {
  return recipe.serviceUser ? [{ data: 'Service runs as', header: true }] : []
}

function serviceUserCell(recipe: Recipe): string[] {
  if (!recipe.serviceUser) return []
  return [
    recipe.serviceUser === 'root' ? 'root' : `${escape(recipe.serviceUser)} (its own account)`,
  ]
}

/** A failed run: the phase it failed in, the error, the config problems, what did go out. */
export async function failureSummary(message: string, record: RunRecord): Promise<void> {
  if (!runEnvironment().stepSummary) return
  const failed = record.failedPhase
  core.summary
    .addHeading(
      failed ? `PAKman failed in ${escape(failed)}` : 'PAKman failed before it started',
      2,
    )
    .addRaw(`<pre>${escape(message)}</pre>`, true)
  if (record.phases.length) {
    core.summary.addTable([
      [
        { data: 'Phase', header: true },
        { data: 'Result', header: true },
      ],
      ...record.phases.map((phase) => [escape(phase), phase === failed ? 'failed' : 'done']),
    ])
  }
  const errors = record.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length) {
    core.summary
      .addHeading('Config errors', 3)
      .addList(errors.map((d) => escape(`${d.line}:${d.column} ${d.message}`)))
  }
  addDiagnostics(record.diagnostics.filter((d) => d.severity !== 'error'))
  const { published } = record.progress.delivered
  if (published.artifactName || published.releaseUrl || published.pagesArtifactId !== undefined)
    addPublished(published)
  else core.summary.addRaw('<p>Nothing was published.</p>', true)
  await core.summary.write()
}

/** Where the packages went: artifact, release, Pages, the bucket, the deployment. */
function addDelivered({ published, bucket, pushed }: Delivered): void {
  addPublished(published)
  if (bucket) addBucket(bucket)
  if (pushed) addPushed(pushed)
}

/** The repository in the bucket: where users find it, and what this run sent, skipped, deleted. */
function addBucket(bucket: S3Published): void {
  const repositories = bucket.repositories.map((url) => `<code>${escape(url)}</code>`)
  core.summary
    .addHeading('Repository in S3', 3)
    .addRaw(
      `<p><a href="${escape(bucket.repositoryUrl)}">${escape(bucket.repositoryUrl)}</a> (<code>${escape(bucket.location)}</code>): ${bucket.uploaded.length} uploaded, ${bucket.skipped.length} unchanged and skipped${bucket.pruned.length ? `, ${bucket.pruned.length} deleted (prune)` : ''}</p>`,
      true,
    )
    .addRaw(`<p>For /etc/apk/repositories: ${repositories.join(', ')}</p>`, true)
  const rows = [
    ...bucket.uploaded.map((name) => [
      `<code>${escape(name)}</code>`,
      bucket.replaced.includes(name) ? 'replaced (overwrite)' : 'uploaded',
    ]),
    ...bucket.pruned.map((name) => [`<code>${escape(name)}</code>`, 'deleted (prune)']),
  ]
  if (rows.length)
    core.summary.addDetails(
      'Changes in the bucket',
      `<table><tr><th>Object</th><th>Change</th></tr>${rows.map((r) => `<tr><td>${r[0]}</td><td>${r[1]}</td></tr>`).join('')}</table>`,
    )
}

/** The Instellar deployment: which one, for what, and every object uploaded with its size. */
function addPushed(pushed: Pushed): void {
  const deployment = `${escape(String(pushed.deploymentId))} (${pushed.created ? 'created' : 'already existed'})`
  core.summary
    .addHeading(
      pushed.dryRun ? 'Instellar deployment (dry run: nothing was sent)' : 'Instellar deployment',
      3,
    )
    .addTable([
      ['Deployment', 'Ref', 'Commit', 'Stack', 'Archive', 'Configuration'].map((data) => ({
        data,
        header: true,
      })),
      [
        deployment,
        `<code>${escape(pushed.ref)}</code>`,
        `<code>${escape(pushed.hash)}</code>`,
        escape(pushed.stack ?? 'not set'),
        `<code>${escape(pushed.archivePath)}</code>${pushed.source === 'copied' ? ' (reused: this commit was deployed before)' : ''}`,
        {
          created: 'sent',
          existing: 'already there',
          skipped: 'none (no kits in instellar.yml)',
        }[pushed.configuration],
      ],
    ])
  if (pushed.uploads.length) {
    core.summary.addTable([
      [
        { data: `Uploaded to ${escape(pushed.storage ?? 'storage')}`, header: true },
        { data: 'Size', header: true },
      ],
      ...pushed.uploads.map((u) => [`<code>${escape(u.key)}</code>`, formatBytes(u.size)]),
    ])
  } else {
    core.summary.addRaw(
      '<p>Nothing uploaded: the archive of the earlier deployment is reused.</p>',
      true,
    )
  }
}

function addPublished(published: Published): void {
  const where = [
    published.artifactName && `artifact <code>${escape(published.artifactName)}</code>`,
    published.releaseUrl && `<a href="${escape(published.releaseUrl)}">release</a>`,
    published.pagesArtifactId !== undefined &&
      `GitHub Pages artifact <code>${PAGES_ARTIFACT}</code> for <a href="${escape(published.repositoryUrl ?? '')}">${escape(published.repositoryUrl ?? '')}</a> (deploy it with actions/deploy-pages)`,
  ].filter(Boolean)
  if (where.length) core.summary.addRaw(`<p>Published: ${where.join(', ')}</p>`, true)
}

function addDiagnostics(diagnostics: readonly Diagnostic[]): void {
  const notable = diagnostics.filter((d) => d.severity !== 'notice')
  if (notable.length) {
    core.summary
      .addHeading('Config warnings', 3)
      .addList(notable.map((d) => escape(`${d.line}:${d.column} ${d.message}`)))
  }
}

/** hit / partial (from which entry) / miss, the key, the size and whether it was saved. */
function buildCacheCell(cache: BuildResult['buildCache']): string {
  if (!cache) return 'off'
  const state = {
    hit: 'hit',
    partial: `partial (from <code>${escape(cache.restoredKey ?? '')}</code>)`,
    miss: 'miss',
  }[cache.state]
  const saved = cache.saved ? 'saved' : 'not saved'
  return `${state}: <code>${escape(cache.key)}</code>, ${formatBytes(cache.bytes)}${cache.state === 'hit' ? '' : `, ${saved}`}`
}

function list(items: string[]): string {
  return `<ul>${items.map((item) => `<li><code>${escape(item)}</code></li>`).join('')}</ul>`
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
