import { execFile } from 'node:child_process'
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import {
  collectBuiltFiles,
  runInstallTest,
  hostArchitecture,
  isBuildArchitecture,
  planArchitecture,
  runContainerBuild,
  type BuiltFile,
} from './build/index.js'
import {
  byPosition,
  hasErrors,
  loadConfigFile,
  STACK_PATTERN,
  type Diagnostic,
  type LoadedConfig,
} from './config/index.js'
import { checkPaths, trustedKeys } from './apk/index.js'
import { buildIdentity } from './ownership/index.js'
import { runEnvironment } from './github/index.js'
import { claimOutputDir, emptyOutputDir, OutputDirError, stageOutput } from './output.js'
import { Docker } from './container/index.js'
import { prepareEnvironment, type Environment, type ImageCache } from './environment/index.js'
import { prepareSigningKey, removeSigningKey, type SigningKey } from './signing/index.js'
import {
  downloadBuildArtifacts,
  mergeRepositories,
  stackSlug,
  type AssetFile,
  type Merged,
} from './publish/index.js'
import {
  bootstrap,
  defaultKeyName,
  parseRepository,
  planRecipe,
  resolveContext,
  type ContextOptions,
  type Recipe,
} from './recipe/index.js'

/*
 * The stages in order — config, recipe, keys, environment, build, collect — shared by the action
 * and the CLI. Each caller supplies a Reporter for logging and its own settings; nothing here reads
 * action inputs or argv.
 */

/** Settings a user gives, by their action input names; each front end spells them its own way. */
export type OptionKey =
  | 'config'
  | 'workspace'
  | 'repository'
  | 'version'
  | 'build-number'
  | 'stack'
  | 'image'
  | 'arch'
  | 'packages-dir'
  | 'signing-key'
  | 'signing-key-name'
  | 'cache'
  | 'verify'

export interface Reporter {
  /**
   * How this front end names a setting in messages ("the signing-key input", "--signing-key FILE"),
   * so shared messages tell the user what to change in the language they gave it in.
   */
  option(name: OptionKey): string
  /** Runs one phase, shown as a collapsible group in the Actions log. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  info(line: string): void
  warning(message: string): void
  /** Config problems, each pinned to its file and line. */
  diagnostics(list: readonly Diagnostic[]): void
}

export class PipelineError extends Error {
  override name = 'PipelineError'
}

export interface RenderSettings {
  workspace: string
  configFile: string
  repository?: string
  version?: string
  build?: string
  /** Build architecture; recipes rendered for a build list it in arch= when the config does not. */
  arch?: string
}

export interface Rendered {
  loaded: LoadedConfig
  recipe: Recipe
  /** Absolute path of the recipe directory. */
  recipeDir: string
}

/** check and bootstrap work out repository, version and build number from the same settings. */
function contextOptions(settings: RenderSettings, option: Reporter['option']): ContextOptions {
  return {
    workspace: settings.workspace,
    ...(settings.repository && { repository: settings.repository }),
    ...(settings.version && { version: settings.version }),
    ...(settings.build && { build: settings.build }),
    run: runEnvironment(),
    option,
  }
}

export interface Checked {
  ok: boolean
  /** The config's own problems and the recipe's, in file order. */
  diagnostics: Diagnostic[]
}

/**
 * `pakman check`: the config, then the same context and refusals as bootstrap (planRecipe), without
 * writing. A context bootstrap cannot work out (no repository, a bad build number) throws the same
 * error bootstrap does.
 */
export async function checkStage(
  settings: RenderSettings,
  option: Reporter['option'],
): Promise<Checked> {
  const loaded = await loadConfigFile(settings.configFile)
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics }
  const context = await resolveContext(contextOptions(settings, option))
  const planned = await planRecipe(settings.workspace, loaded, context)
  const diagnostics = [...loaded.diagnostics, ...planned.diagnostics].sort(byPosition)
  return { ok: !hasErrors(diagnostics), diagnostics }
}

export async function renderStage(settings: RenderSettings, reporter: Reporter): Promise<Rendered> {
  const configName = configLabel(settings)
  const loaded = await reporter.group(`Read ${configName}`, async () => {
    const result = await loadConfigFile(settings.configFile)
    reporter.diagnostics(result.diagnostics)
    if (!result.ok) {
      const count = result.diagnostics.filter((d) => d.severity === 'error').length
      throw new PipelineError(`${configName} has ${count} error${count === 1 ? '' : 's'}`)
    }
    return result
  })
  return reporter.group('Render the recipe', async () => {
    const context = await resolveContext(contextOptions(settings, reporter.option))
    // A 0.0.0 fallback or a dropped pre-release changes what apk installs: annotate it.
    for (const note of context.notes)
      if (note.severity === 'warning') reporter.warning(note.message)
      else reporter.info(note.message)
    const architectures = settings.arch
      ? architecturesFor(loaded, settings.arch, configName)
      : undefined
    const result = await bootstrap(settings.workspace, loaded, {
      ...context,
      ...(architectures && { architectures }),
    })
    reporter.diagnostics(result.diagnostics)
    if (!result.dir || hasErrors(result.diagnostics))
      throw new PipelineError('the recipe was not written because of the errors above')
    for (const file of result.recipe.files) reporter.info(`${result.recipe.dir}/${file.name}`)
    return { loaded, recipe: result.recipe, recipeDir: result.dir }
  })
}

/** The config file as the user knows it: relative to the workspace when inside it, else as given. */
function configLabel(settings: RenderSettings): string {
  const rel = relative(settings.workspace, resolve(settings.configFile))
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : settings.configFile
}

/** `architectures:` in the config limits what may be built; otherwise the recipe names this arch. */
function architecturesFor(loaded: LoadedConfig, arch: string, configName: string): string[] {
  const allowed = loaded.config.architectures
  if (allowed && !allowed.includes(arch as never) && !allowed.includes('noarch')) {
    throw new PipelineError(
      `${arch} is not among the architectures ${configName} allows (${allowed.join(', ')})`,
    )
  }
  return allowed ? [...allowed] : [arch]
}

export interface BuildSettings extends RenderSettings {
  /** Overrides the config's stack (matrix jobs). */
  stack?: string
  /** Replaces the stack's base image (mirrors, private registries, prepared images). */
  image?: string
  packagesDir: string
  signingKey?: string
  publicKey?: string
  keyName?: string
  /** Where the key directory is made (RUNNER_TEMP in the action). */
  keyParent: string
  cache?: ImageCache
  /** Install the main package in a clean container of the base image after verifying. */
  installTest?: boolean
  docker?: Docker
  /** Told about things to clean up if the run is cancelled (the action saves them for post). */
  onContainer?: (name: string, scratchDir: string) => void
  /** Told about a directory to remove if the run is cancelled (the staged output). */
  onScratchDir?: (dir: string) => void
  onKeyDir?: (dir: string) => void
}

export interface BuildResult {
  rendered: Rendered
  stack: string
  arch: string
  baseImage: string
  keyName: string
  ephemeralKey: boolean
  publicKeyFile: string
  packagesDir: string
  files: BuiltFile[]
  environment: Environment
  /** Seconds per phase, in order. */
  phases: { name: string; seconds: number }[]
}

export async function buildStage(
  settings: BuildSettings,
  reporter: Reporter,
): Promise<BuildResult> {
  const phases: BuildResult['phases'] = []
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await reporter.group(name, fn)
    } finally {
      phases.push({ name, seconds: Math.round((performance.now() - started) / 10) / 100 })
    }
  }
  const docker = settings.docker ?? new Docker()

  const arch = settings.arch ?? hostArchitecture()
  if (!isBuildArchitecture(arch))
    throw new PipelineError(
      `${arch} (${reporter.option('arch')}) is not an Alpine architecture (x86_64, aarch64, …)`,
    )
  const plan = await planArchitecture(arch)
  // Refused before anything runs: a directory PAKman did not write is never touched.
  const owner = await stat(settings.workspace)
  const outputDir = await claimOutputDir(
    settings.packagesDir,
    settings.workspace,
    reporter.option('packages-dir'),
  ).catch(rethrowOutput)
  await docker.ensureAvailable()

  const rendered = await timed('Render', () =>
    renderStage({ ...settings, arch }, nestedReporter(reporter)),
  )
  const { loaded, recipe } = rendered
  const stack = settings.stack ?? loaded.config.stack
  if (!stack && !settings.image) {
    throw new PipelineError(
      `no stack: set stack: alpine/3.x in ${configLabel(settings)}, or pass ${reporter.option('stack')} or ${reporter.option('image')}`,
    )
  }
  if (stack && !STACK_PATTERN.test(stack))
    throw new PipelineError(`stack ${stack} must look like alpine/3.19 or alpine/edge`)
  const baseImage = settings.image ?? `alpine:${stack!.slice('alpine/'.length)}`
  const stackName = stack ?? settings.image!

  const identity = buildIdentity(owner)
  // The build writes beside the output and is swapped in only once it verified (and installed).
  const staging = await stageOutput(outputDir, owner)
  settings.onScratchDir?.(staging.dir)
  const packagesDir = staging.dir
  const keyName = settings.keyName ?? defaultKeyName(recipe.repository)
  let key: SigningKey | undefined
  let committed = false
  try {
    key = await timed('Signing key', async () => {
      const prepared = await prepareSigningKey(
        {
          name: keyName,
          ...(settings.signingKey && { privateKey: settings.signingKey }),
          ...(settings.publicKey && { publicKey: settings.publicKey }),
        },
        settings.keyParent,
        identity,
      )
      settings.onKeyDir?.(prepared.dir)
      if (prepared.ephemeral) {
        reporter.warning(
          `no signing key given: packages are signed with a throwaway key (${keyName}) made for this run; pass your own key with ${reporter.option('signing-key')} to publish installable packages`,
        )
      }
      reporter.info(`key ${keyName}.rsa.pub`)
      return prepared
    })

    const packages = environmentDependencies(loaded, recipe.packageName)
    const environment = await timed('Build environment', () =>
      prepareEnvironment({
        docker,
        baseImage,
        ...(plan.emulated && { platform: plan.platform }),
        packages,
        ...(settings.cache && { cache: settings.cache }),
        label: `${stackSlug(stackName)}-${arch}`,
        log: (line) => reporter.info(line),
        warn: (message) => reporter.warning(message),
        imageOption: reporter.option('image'),
      }),
    )

    const sourceDateEpoch = await commitTime(settings.workspace)
    await timed('abuild', () =>
      runContainerBuild({
        docker,
        image: environment.image,
        ...(plan.emulated && { platform: plan.platform }),
        workspace: settings.workspace,
        recipeDir: recipe.dir,
        snapshot: recipe.snapshot,
        packagesDir,
        key: key!,
        identity,
        sourceDateEpoch,
        ...(settings.onContainer && { onContainer: settings.onContainer }),
        log: (line) => reporter.info(line),
      }),
    )

    const files = await timed('Collect packages', async () => {
      const found = await collectBuiltFiles(packagesDir)
      if (!found.some((f) => f.kind === 'package')) {
        throw new PipelineError(
          `abuild wrote no packages for ${arch}: the APKBUILD's arch= does not include it (${configLabel(settings)} architectures: ${loaded.config.architectures?.join(', ') ?? 'not set'})`,
        )
      }
      for (const file of found)
        reporter.info(`${file.relativePath} ${file.size} bytes sha256:${file.sha256}`)
      return found
    })
    await timed('Verify', async () => {
      // Nothing leaves the job unless every package and index verifies against this run's key.
      const checks = await checkPaths(
        [packagesDir],
        trustedKeys([[`${keyName}.rsa.pub`, key!.publicKeyPem]]),
      )
      for (const check of checks)
        reporter.info(`${relative(packagesDir, check.path)}: ${check.verdict}`)
      const failed = checks.filter((c) => c.verdict !== 'OK')
      if (failed.length) {
        throw new PipelineError(
          `the packages do not verify:\n${failed.map((c) => `${relative(packagesDir, c.path)}: ${c.verdict} - ${c.reason}`).join('\n')}`,
        )
      }
      if (!settings.installTest) return
      const main = files.find((f) => f.kind === 'package' && f.name === recipe.packageName)
      if (!main)
        throw new PipelineError(
          `no package named ${recipe.packageName} among the files abuild wrote`,
        )
      await runInstallTest({
        docker,
        image: baseImage,
        ...(plan.emulated && { platform: plan.platform }),
        packagesDir,
        repository: main.relativePath.split('/')[0]!,
        packageSpec: `${main.name}=${main.version}`,
        keyName,
        publicKeyPem: key!.publicKeyPem,
        ...(settings.onContainer && { onContainer: settings.onContainer }),
        log: (line) => reporter.info(line),
      })
    })
    await writeFile(join(packagesDir, `${keyName}.rsa.pub`), key.publicKeyPem, { mode: 0o644 })
    await staging.commit()
    committed = true
    return {
      rendered,
      stack: stackName,
      arch,
      baseImage,
      keyName,
      ephemeralKey: key.ephemeral,
      publicKeyFile: join(outputDir, `${keyName}.rsa.pub`),
      packagesDir: outputDir,
      // Where they are now: the same relative paths, in the output directory.
      files: files.map((f) => ({ ...f, path: join(outputDir, f.relativePath) })),
      environment,
      phases,
    }
  } finally {
    if (key) await removeSigningKey(key.dir)
    if (!committed) await staging.discard()
  }
}

/** Build and runtime dependencies, minus the package itself, its subpackages and conflicts. */
function environmentDependencies(loaded: LoadedConfig, packageName: string): string[] {
  const { build, runtime = [] } = loaded.config.dependencies
  const own = new Set([packageName, `${packageName}-openrc`])
  return [...build, ...runtime].filter(
    (d) => !d.startsWith('!') && !own.has(d.replace(/[<>=~].*$/, '')),
  )
}

/** The output directory's refusals are the user's to fix: PipelineErrors, shown as such. */
function rethrowOutput(error: unknown): never {
  if (error instanceof OutputDirError) throw new PipelineError(error.message)
  throw error
}

/** SOURCE_DATE_EPOCH: the commit time, so two builds of one commit give the same packages. */
async function commitTime(workspace: string): Promise<number> {
  try {
    const { stdout } = await promisify(execFile)(
      'git',
      ['-c', `safe.directory=*`, 'log', '-1', '--format=%ct'],
      { cwd: workspace },
    )
    const seconds = Number(stdout.trim())
    if (Number.isInteger(seconds) && seconds > 0) return seconds
  } catch {
    // not a git checkout: fall through
  }
  return Math.floor(Date.now() / 1000)
}

/** Inside the build stage, render's own phases are plain lines, not groups of their own. */
function nestedReporter(reporter: Reporter): Reporter {
  return { ...reporter, group: (_name, fn) => fn() }
}

export interface MergeStageSettings {
  workspace: string
  packagesDir: string
  signingKey?: string
  keyName?: string
  repository?: string
  /** Scratch space for the downloaded artifacts (RUNNER_TEMP). */
  tempDir?: string
  /** SOURCE_DATE_EPOCH as set: the merged indexes' timestamps; now when unset or not a number. */
  sourceDateEpoch?: string
}

export interface MergeResult extends Merged {
  packagesDir: string
  /** Release assets: every file, named <stack>-<arch>-<file>, and the public key. */
  assets: AssetFile[]
}

/**
 * Merge mode: this run's build artifacts → one signed repository, verified before it goes anywhere.
 * Only the action runs it, so its messages name the action's inputs.
 */
export async function mergeStage(
  settings: MergeStageSettings,
  reporter: Reporter,
): Promise<MergeResult> {
  if (!settings.signingKey?.trim()) {
    throw new PipelineError(
      'merge needs signing-key: the key the build jobs signed with, which also signs the merged indexes',
    )
  }
  const repository = parseRepository(settings.repository ?? '')
  const packagesDir = await claimOutputDir(
    settings.packagesDir,
    settings.workspace,
    reporter.option('packages-dir'),
  ).catch(rethrowOutput)
  // The merged repository is written in place: an empty (or PAKman's own) directory.
  await emptyOutputDir(packagesDir)
  const downloaded = await reporter.group('Download build artifacts', () =>
    downloadBuildArtifacts((l) => reporter.info(l), settings.tempDir),
  )
  try {
    if (!downloaded.dirs.length)
      throw new PipelineError(
        'no PAKman build artifacts in this run: run merge in a job that needs the build jobs',
      )
    const merged = await reporter.group('Merge', () =>
      mergeRepositories(downloaded.dirs, {
        outputDir: packagesDir,
        signingKey: settings.signingKey!,
        ...(settings.keyName && { keyName: settings.keyName }),
        ...(repository && { defaultKeyName: defaultKeyName(repository) }),
        mtime: Number(settings.sourceDateEpoch) || Math.floor(Date.now() / 1000),
        log: (l) => reporter.info(l),
      }),
    )
    await reporter.group('Verify', async () => {
      const keys = trustedKeys([
        [basename(merged.publicKeyFile), await readFile(merged.publicKeyFile, 'utf8')],
      ])
      const failed = (await checkPaths([packagesDir], keys)).filter((c) => c.verdict !== 'OK')
      if (failed.length) {
        throw new PipelineError(
          `the merged repository does not verify:\n${failed.map((c) => `${c.path}: ${c.verdict} - ${c.reason}`).join('\n')}`,
        )
      }
      reporter.info(
        `${merged.packages} packages in ${merged.directories.length} directories verify`,
      )
    })
    const assets: AssetFile[] = []
    for (const dir of merged.directories) {
      const parts = dir.split('/')
      const prefix = `${stackSlug(parts.slice(0, -2).join('/'))}-${parts.at(-1)}-`
      for (const file of (await readdir(join(packagesDir, dir))).sort())
        assets.push({ name: `${prefix}${file}`, path: join(packagesDir, dir, file) })
    }
    assets.push({ name: basename(merged.publicKeyFile), path: merged.publicKeyFile })
    return { ...merged, packagesDir, assets }
  } finally {
    await downloaded.cleanup()
  }
}
