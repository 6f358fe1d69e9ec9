import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { collectPackages, runAbuild, type BuiltFile } from '../abuild/index.js'
import { configLabel } from '../config/index.js'
import { Docker } from '../container/index.js'
import {
  buildTarget,
  environmentDependencies,
  prepareEnvironment,
  targetArchitecture,
  type Environment,
  type ImageCache,
} from '../environment/index.js'
import { buildIdentity, type BuildIdentity } from '../ownership/index.js'
import { claimOutputDir, stackSlug, stageOutput } from '../publish/index.js'
import { defaultKeyName } from '../recipe/index.js'
import type { Reporter } from '../report/index.js'
import { prepareSigningKey, removeSigningKey, type SigningKey } from '../signing/index.js'
import { verifyBuild } from '../verify/index.js'
import { render, type Rendered, type RenderSettings } from './render.js'

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

/**
 * A build: render → signing key → environment → abuild → collect → verify, written beside the
 * output directory and swapped in only when every phase passed. Everything that can be refused
 * (the architecture, the output directory, Docker) is refused before anything is written.
 */
export async function build(settings: BuildSettings, reporter: Reporter): Promise<BuildResult> {
  const { option } = reporter
  const docker = settings.docker ?? new Docker()
  const phases = timedPhases(reporter)
  const architecture = await targetArchitecture(settings.arch, option)
  const owner = await stat(settings.workspace)
  const outputDir = await claimOutputDir(
    settings.packagesDir,
    settings.workspace,
    option('packages-dir'),
  )
  await docker.ensureAvailable()

  const rendered = await phases.run('Render', () =>
    render({ ...settings, arch: architecture.arch }, inline(reporter)),
  )
  const { loaded, recipe } = rendered
  const label = configLabel(settings.workspace, settings.configFile)
  const target = buildTarget(architecture, settings, { ...loaded.config, label }, option)
  const identity = buildIdentity(owner)
  const staging = await stageOutput(outputDir, owner)
  settings.onScratchDir?.(staging.dir)
  const keyName = settings.keyName ?? defaultKeyName(recipe.repository)
  const onContainer = settings.onContainer && { onContainer: settings.onContainer }
  const log = (line: string) => reporter.info(line)
  let key: SigningKey | undefined
  let committed = false
  try {
    key = await phases.run('Signing key', () => signingKey(settings, keyName, identity, reporter))
    const environment = await phases.run('Build environment', () =>
      prepareEnvironment({
        docker,
        baseImage: target.baseImage,
        ...(target.platform && { platform: target.platform }),
        packages: environmentDependencies(loaded.config.dependencies, recipe.packageName),
        ...(settings.cache && { cache: settings.cache }),
        label: `${stackSlug(target.stack)}-${target.arch}`,
        log,
        warn: (message) => reporter.warning(message),
        imageOption: option('image'),
      }),
    )
    const abuildRun = { docker, workspace: settings.workspace, identity, log, ...onContainer }
    await phases.run('abuild', () =>
      runAbuild({
        ...abuildRun,
        image: environment.image,
        ...(target.platform && { platform: target.platform }),
        recipeDir: recipe.dir,
        snapshot: recipe.snapshot,
        packagesDir: staging.dir,
        key: key!,
      }),
    )
    const files = await phases.run('Collect packages', () =>
      collectPackages(
        staging.dir,
        { arch: target.arch, configLabel: label, architectures: loaded.config.architectures },
        log,
      ),
    )
    const publicKey = { name: keyName, pem: key.publicKeyPem }
    await phases.run('Verify', () =>
      verifyBuild({
        packagesDir: staging.dir,
        key: publicKey,
        files,
        mainPackage: recipe.packageName,
        ...(settings.installTest && {
          installTest: {
            docker,
            image: target.baseImage,
            ...(target.platform && { platform: target.platform }),
            ...onContainer,
          },
        }),
        log,
      }),
    )
    const publicKeyFile = `${keyName}.rsa.pub`
    await writeFile(join(staging.dir, publicKeyFile), publicKey.pem, { mode: 0o644 })
    await staging.commit()
    committed = true
    return {
      rendered,
      stack: target.stack,
      arch: target.arch,
      baseImage: target.baseImage,
      keyName,
      ephemeralKey: key.ephemeral,
      publicKeyFile: join(outputDir, publicKeyFile),
      packagesDir: outputDir,
      // Where they are now: the same relative paths, in the output directory.
      files: files.map((f) => ({ ...f, path: join(outputDir, f.relativePath) })),
      environment,
      phases: phases.seconds,
    }
  } finally {
    if (key) await removeSigningKey(key.dir)
    if (!committed) await staging.discard()
  }
}

/** The key abuild signs with: the user's, or a throwaway one with a warning saying so. */
async function signingKey(
  settings: BuildSettings,
  keyName: string,
  identity: BuildIdentity,
  reporter: Reporter,
): Promise<SigningKey> {
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
}

/** Runs each phase as a group and keeps its time, for the summary and the CLI's last line. */
function timedPhases(reporter: Reporter) {
  const seconds: BuildResult['phases'] = []
  return {
    seconds,
    async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const started = performance.now()
      try {
        return await reporter.group(name, fn)
      } finally {
        seconds.push({ name, seconds: Math.round((performance.now() - started) / 10) / 100 })
      }
    },
  }
}

/** Inside a build, render's own phases are plain lines, not groups of their own. */
function inline(reporter: Reporter): Reporter {
  return { ...reporter, group: (_name, fn) => fn() }
}
