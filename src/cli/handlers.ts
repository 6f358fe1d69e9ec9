import { readdir, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { checkPaths } from '../apk/index.js'
import {
  loadTrustedKeys,
  parseSignatureChoice,
  readKeyFile,
  type SignatureChoice,
} from '../signing/index.js'
import { configLabel, formatDiagnostic, jsonSchema } from '../config/index.js'
import { buildCacheSettings, DirectoryBuildCache } from '../build-cache/index.js'
import { DirectoryCache } from '../environment/index.js'
import { formatBytes, type Reporter } from '../report/index.js'
import { listedDependencies, readPackageSbom } from '../sbom/index.js'
import { runEnvironment } from '../github/index.js'
import { DEFAULT_OUTPUT, writeSite } from '../publish/index.js'
import { DEFAULT_CONFIG, fromEnvironment } from '../settings/index.js'
import { Secrets } from '../remote/index.js'
import * as pipeline from '../pipeline/index.js'
import {
  dashed,
  given,
  givenAll,
  switched,
  type CommandName,
  type Io,
  type Values,
} from './commands.js'
import { terminalReporter } from './reporter.js'

/**
 * A command's work once its arguments are parsed: returns the exit status; a throw is an
 * environment problem, which main prints as one line.
 */
export type Handler = (values: Values, operands: string[], io: Io) => Promise<number>

/** Every command but help, which main answers before parsing. */
export const HANDLERS: Record<Exclude<CommandName, 'help'>, Handler> = {
  schema,
  check,
  bootstrap,
  build,
  verify,
  sbom,
  push,
  publish,
  site,
}

async function schema(_values: Values, _operands: string[], { out }: Io): Promise<number> {
  out.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`)
  return 0
}

async function check(values: Values, _operands: string[], { out, err }: Io): Promise<number> {
  const settings = renderSettings(values)
  const checked = await pipeline.check(settings, terminalReporter(err).option)
  for (const d of checked.diagnostics) err.write(`${formatDiagnostic(d)}\n`)
  if (!checked.ok) return 1
  out.write(`${settings.configFile}: ok\n`)
  return 0
}

async function bootstrap(values: Values, _operands: string[], { out, err }: Io): Promise<number> {
  const rendered = await pipeline.render(renderSettings(values), terminalReporter(err))
  out.write(`${rendered.recipeDir}\n`)
  return 0
}

async function build(values: Values, _operands: string[], { out, err }: Io): Promise<number> {
  const settings = renderSettings(values)
  const reporter = terminalReporter(err)
  // Ctrl-C or a kill ends the process without the build's own clean-up: its containers, staged
  // output and key (a copy of the private key) are removed here before it goes.
  const leftovers: pipeline.Leftovers = { containers: [], scratch: [], keyDir: '' }
  const stop = (signal: NodeJS.Signals) => {
    err.write(`pakman: build: stopped (${signal}); cleaning up\n`)
    void pipeline
      .removeLeftovers(leftovers, (line) => err.write(`    ${line}\n`))
      .catch((error: unknown) => err.write(`pakman: cleanup: ${(error as Error).message}\n`))
      .finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130))
  }
  process.once('SIGINT', stop).once('SIGTERM', stop)
  try {
    return await buildPackages(values, settings, reporter, leftovers, { out, err })
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop)
  }
}

async function buildPackages(
  values: Values,
  settings: pipeline.RenderSettings,
  reporter: Reporter,
  leftovers: pipeline.Leftovers,
  { out, err }: Io,
): Promise<number> {
  let signature: SignatureChoice | undefined
  try {
    const choice = given(values, 'signature')
    signature = choice === undefined ? undefined : parseSignatureChoice(choice, dashed('signature'))
  } catch (error) {
    err.write(`pakman: ${(error as Error).message}\n`)
    return 2
  }
  const signingKeyFile = given(values, 'signing-key')
  const limit = given(values, 'build-cache-limit')
  const result = await pipeline.build(
    {
      ...settings,
      ...pipeline.recordLeftovers(leftovers),
      ...optional('stack', given(values, 'stack')),
      ...optional('arch', given(values, 'arch')),
      ...optional('image', given(values, 'image')),
      ...(signingKeyFile !== undefined && {
        signingKey: await readKeyFile(
          signingKeyFile,
          `--signing-key ${signingKeyFile}`,
          'a PEM RSA private key file',
        ),
      }),
      ...optional('keyName', given(values, 'signing-key-name')),
      packagesDir: packagesDir(values, settings.workspace),
      keyParent: tmpdir(),
      ...(switched(values, 'cache') && { cache: new DirectoryCache() }),
      ...(switched(values, 'build-cache') && {
        buildCache: buildCacheSettings(
          { paths: givenAll(values, 'build-cache-paths'), ...optional('limit', limit) },
          new DirectoryBuildCache(),
          reporter.option,
        ),
      }),
      installTest: switched(values, 'verify'),
      ...(signature && { signature }),
    },
    reporter,
  )
  for (const file of result.files) out.write(`${file.path}\n`)
  out.write(`${result.publicKeyFile}\n`)
  const times = result.phases.map((p) => `${p.name} ${p.seconds.toFixed(2)}s`).join(', ')
  err.write(
    `==> Done (environment: ${result.environment.source}, build cache: ${buildCacheLine(result.buildCache)}): ${times}\n`,
  )
  return 0
}

/** hit|partial|miss, the key and the size; or off. */
function buildCacheLine(cache: pipeline.BuildResult['buildCache']): string {
  if (!cache) return 'off'
  const saved = cache.saved ? ', saved' : ''
  return `${cache.state} ${cache.key} ${formatBytes(cache.bytes)}${saved}`
}

async function sbom(values: Values, operands: string[], { out, err }: Io): Promise<number> {
  if (!operands.length) {
    err.write('pakman: sbom needs .apk files or directories holding them\n')
    return 2
  }
  const packages: string[] = []
  for (const path of operands) {
    const info = await stat(path).catch(() => undefined)
    if (!info) {
      err.write(`pakman: sbom: ${path} does not exist; give .apk files or directories\n`)
      return 2
    }
    packages.push(...(info.isDirectory() ? await packagesUnder(path) : [path]))
  }
  if (!packages.length) {
    err.write(`pakman: sbom: no .apk file in ${operands.join(', ')}\n`)
    return 1
  }
  let failed = 0
  for (const apk of packages) {
    const found = await readPackageSbom(apk).catch((error: unknown) => error as Error)
    if (!found || found instanceof Error) {
      const why = found ? found.message : 'holds no SBOM (built with sbom: false, or not by PAKman)'
      err.write(`pakman: sbom: ${apk}: ${why}\n`)
      failed++
    } else if (switched(values, 'components')) {
      const name = found.path.replace(/^.*\//, '').replace(/\.spdx\.json$/, '')
      for (const d of listedDependencies(found.document))
        out.write(`${name} ${d.relationship} ${d.name} ${d.version ?? '-'} ${d.purl ?? '-'}\n`)
    } else out.write(`${found.document.toString('utf8').replace(/\n?$/, '\n')}`)
  }
  return failed ? 1 : 0
}

/** The .apk files under a directory, in name order. */
async function packagesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.apk'))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

async function verify(values: Values, operands: string[], { out, err }: Io): Promise<number> {
  const keyFiles = givenAll(values, 'trusted-key')
  if (!operands.length || !keyFiles.length) {
    err.write('pakman: verify needs files or directories and at least one --key NAME.rsa.pub\n')
    return 2
  }
  // Each --key must be a public key file; a private key or any other file is named.
  let keys
  try {
    keys = await loadTrustedKeys(keyFiles)
  } catch (error) {
    err.write(`pakman: --key ${(error as Error).message}\n`)
    return 2
  }
  for (const path of operands) {
    if (!(await stat(path).catch(() => undefined))) {
      err.write(`pakman: verify: ${path} does not exist; give .apk files, indexes or directories\n`)
      return 2
    }
  }
  const checks = await checkPaths(operands, keys)
  for (const check of checks)
    out.write(
      `${check.path}: ${check.verdict}${check.verdict === 'OK' ? '' : ` - ${check.reason}`}\n`,
    )
  if (!checks.length) {
    err.write(
      `pakman: verify: no .apk file or APKINDEX.tar.gz in ${operands.join(', ')}; nothing was checked\n`,
    )
    return 1
  }
  const failed = checks.filter((c) => c.verdict !== 'OK').length
  err.write(`${checks.length} checked, ${failed} failed\n`)
  return failed ? 1 : 0
}

/** `pakman site DIR --url URL`: the front page the action's upload: pages writes, for any host. */
async function site(values: Values, operands: string[], { out, err }: Io): Promise<number> {
  const url = given(values, 'site-url')
  if (operands.length !== 1 || url === undefined) {
    err.write('pakman: site needs one repository directory and --url URL\n')
    return 2
  }
  const dir = operands[0]!
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    err.write(`pakman: site: ${dir} is not a directory; give the repository's top directory\n`)
    return 2
  }
  const written = await writeSite(dir, {
    url,
    ...optional('title', given(values, 'site-title')),
    urlName: dashed('site-url'),
  })
  for (const file of written.files) out.write(`${file}\n`)
  const count = written.facts.directories.reduce((n, d) => n + d.packages.length, 0)
  err.write(
    `${count} packages in ${written.facts.directories.length} directories, for ${written.url}\n`,
  )
  return 0
}

/** `pakman push`: an output directory to Instellar, as the action's upload: instellar does it. */
async function push(values: Values, _operands: string[], { out, err }: Io): Promise<number> {
  const { workspace, configFile } = workspaceAndConfig(values)
  const concurrency = concurrencyOf(values, err)
  if (concurrency === null) return 2
  const authToken = fromEnvironment('instellar-auth-token')
  const packageToken = fromEnvironment('instellar-package-token')
  const secrets = new Secrets(() => {}, [authToken, packageToken])
  const dryRun = switched(values, 'instellar-dry-run')
  return interruptible('push', 'the push was interrupted', secrets, err, async (signal) => {
    const { pushed } = await pipeline.deliver(
      {
        dir: packagesDir(values, workspace),
        configFile,
        delivery: {
          publish: { artifact: false },
          deployment: {
            repository: given(values, 'repository') ?? runEnvironment().repository ?? '',
            hash: given(values, 'workflow-sha'),
            ref: given(values, 'workflow-ref'),
            ...optional('stack', given(values, 'stack')),
            ...optional('endpoint', given(values, 'instellar-endpoint') || undefined),
            ...(authToken && { authToken }),
            ...(packageToken && { packageToken }),
            dryRun,
            tempDir: tmpdir(),
            ...(concurrency && { concurrency }),
            secrets,
          },
          signal,
        },
      },
      pushReporter(dryRun, out, err),
    )
    if (pushed && !dryRun)
      out.write(
        `deployment ${pushed.deploymentId} (${pushed.created ? 'created' : 'already existed'}) ${pushed.ref} ${pushed.hash} ${pushed.archivePath}\n`,
      )
  })
}

/**
 * The terminal's reporter for push. A dry run's "would …" lines are the command's output, on
 * stdout; other lines are progress on stderr, indented as a phase's lines except in a dry run.
 */
function pushReporter(
  dryRun: boolean,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Reporter {
  return {
    ...terminalReporter(err),
    info: (line) =>
      (dryRun && line.startsWith('would ') ? out : err).write(`${dryRun ? '' : '    '}${line}\n`),
  }
}

/**
 * `pakman publish s3 DIR`: the repository to a bucket. Prints its URL and the repository lines on
 * stdout, progress on stderr.
 */
async function publish(values: Values, operands: string[], { out, err }: Io): Promise<number> {
  const [target, dir, ...more] = operands
  if (target !== 's3' || dir === undefined || more.length) {
    err.write(
      `pakman: publish takes a target and a directory, pakman publish s3 DIR --bucket NAME; got ${operands.join(' ') || 'nothing'}\n`,
    )
    return 2
  }
  const concurrency = concurrencyOf(values, err)
  if (concurrency === null) return 2
  const awsAccessKeyId = fromEnvironment('s3-access-key-id')
  const awsSecretAccessKey = fromEnvironment('s3-secret-access-key')
  const awsSessionToken = fromEnvironment('s3-session-token')
  if (!awsAccessKeyId || !awsSecretAccessKey) {
    err.write(
      'pakman: publish s3 takes its credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones); set them in the environment\n',
    )
    return 2
  }
  const secrets = new Secrets(() => {}, [awsAccessKeyId, awsSecretAccessKey, awsSessionToken])
  return interruptible(
    'publish s3',
    'the publish was interrupted',
    secrets,
    err,
    async (signal) => {
      const { bucket: published } = await pipeline.deliver(
        {
          dir,
          ...optional('stack', given(values, 'stack')),
          delivery: {
            publish: { artifact: false },
            bucket: {
              bucket: given(values, 's3-bucket') ?? '',
              ...optional('prefix', given(values, 's3-prefix')),
              ...optional('region', given(values, 's3-region') || undefined),
              ...optional('endpoint', given(values, 's3-endpoint')),
              pathStyle: switched(values, 's3-path-style'),
              ...optional('repositoryUrl', given(values, 'repository-url')),
              credentials: {
                accessKeyId: awsAccessKeyId,
                secretAccessKey: awsSecretAccessKey,
                ...(awsSessionToken && { sessionToken: awsSessionToken }),
              },
              overwrite: switched(values, 's3-overwrite'),
              prune: switched(values, 's3-prune'),
              ...(concurrency && { concurrency }),
              secrets,
            },
            signal,
          },
        },
        terminalReporter(err),
      )
      if (!published) return
      out.write(`${published.repositoryUrl}\n`)
      for (const line of published.repositories) out.write(`${line}\n`)
      err.write(
        `==> ${published.location}: ${published.uploaded.length} uploaded, ${published.skipped.length} unchanged, ${published.pruned.length} deleted\n`,
      )
    },
  )
}

/** --concurrency as a number; null (after saying why) when it is not a whole number above 0. */
function concurrencyOf(values: Values, err: NodeJS.WritableStream): number | undefined | null {
  const value = given(values, 'concurrency')
  if (value === undefined) return undefined
  const concurrency = Number(value)
  if (Number.isInteger(concurrency) && concurrency >= 1) return concurrency
  err.write(`pakman: --concurrency must be a whole number above 0, not ${value}\n`)
  return null
}

/**
 * Runs an upload that Ctrl-C stops: uploads in flight stop and are aborted rather than left open.
 * A failure is one redacted line; the status is 130 when interrupted.
 */
async function interruptible(
  command: string,
  reason: string,
  secrets: Secrets,
  err: NodeJS.WritableStream,
  run: (signal: AbortSignal) => Promise<void>,
): Promise<number> {
  const cancel = new AbortController()
  const interrupted = () => cancel.abort(reason)
  process.once('SIGINT', interrupted)
  try {
    await run(cancel.signal)
    return 0
  } catch (error) {
    err.write(`pakman: ${command}: ${secrets.redact((error as Error).message)}\n`)
    return cancel.signal.aborted ? 130 : 1
  } finally {
    process.off('SIGINT', interrupted)
  }
}

/** --workspace and --config, or their defaults: GITHUB_WORKSPACE or here, and its instellar.yml. */
function workspaceAndConfig(values: Values): { workspace: string; configFile: string } {
  const workspace = resolve(given(values, 'workspace') ?? '.')
  // printed relative to the current directory when under it, the way compilers print paths
  const configFile =
    given(values, 'config') ?? configLabel(process.cwd(), resolve(workspace, DEFAULT_CONFIG))
  return { workspace, configFile }
}

/** What check, bootstrap and build render from; --version is the deprecated --pkgver. */
function renderSettings(values: Values) {
  return {
    ...workspaceAndConfig(values),
    ...optional('repository', given(values, 'repository')),
    ...optional('version', given(values, 'version') ?? values.version),
    ...optional('buildNumber', given(values, 'build-number')),
    ...(!switched(values, 'sbom') && { sbom: false }),
  }
}

/** --packages-dir, else a directory of PAKman's own in the workspace, never abuild's ~/packages. */
function packagesDir(values: Values, workspace: string): string {
  return given(values, 'packages-dir') ?? join(workspace, DEFAULT_OUTPUT)
}

/** `{ [key]: value }` when a value was given, else nothing, to spread into settings. */
function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>)
}
