import { readFile, stat } from 'node:fs/promises'
import { freemem } from 'node:os'
import { join } from 'node:path'
import { collectPackages, runAbuild, withDigests, type BuiltFile } from '../abuild/index.js'
import {
  discardBuildCache,
  restoreBuildCache,
  saveBuildCache,
  type BuildCacheSettings,
  type CacheState,
  type RestoredCache,
} from '../build-cache/index.js'
import { Docker, type ContainerContext } from '../container/index.js'
import {
  buildTarget,
  environmentDependencies,
  prepareEnvironment,
  targetArchitecture,
  type BuildTarget,
  type Environment,
  type ImageCache,
} from '../environment/index.js'
import { buildIdentity, type BuildIdentity } from '../ownership/index.js'
import { claimOutputDir, stageOutput } from '../publish/index.js'
import { defaultKeyName, type Repository } from '../recipe/index.js'
import { secondsSince, type Reporter, type Timed } from '../report/index.js'
import {
  prepareSigningKey,
  publicKeyFileName,
  readPrivateKey,
  removeSigningKey,
  resignFiles,
  type SignatureChoice,
  type SigningKey,
} from '../signing/index.js'
import { startInstallTest, verifyBuild, type PendingInstallTest } from '../verify/index.js'
import { render, type Rendered, type RenderSettings } from './render.js'

/** The install test keeps the app in memory when it fits in this share of the free memory. */
const INSTALL_TEST_MEMORY_SHARE = 0.25

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
  /** The build command's own caches between runs; undefined: none (build-cache: false). */
  buildCache?: BuildCacheSettings
  /** Install the main package in a clean container of the base image after verifying. */
  installTest?: boolean
  /** The signatures packages and indexes carry (default rsa, abuild's own). */
  signature?: SignatureChoice
  docker?: Docker
  /** Told about things to clean up if the run is cancelled (the action saves them for post). */
  onContainer?: (name: string, scratchDir: string) => void
  /** Told about a directory to remove if the run is cancelled (the staged output). */
  onScratchDir?: (dir: string) => void
  onKeyDir?: (dir: string) => void
}

export interface BuildResult extends BuildTarget {
  rendered: Rendered
  keyName: string
  signature: SignatureChoice
  ephemeralKey: boolean
  publicKeyFile: string
  packagesDir: string
  files: BuiltFile[]
  environment: Environment
  buildCache?: BuildCacheReport
  /** Seconds per phase, in order; a phase's own parts follow it as `<phase>/<part>`. */
  phases: Timed[]
}

/** What became of the build cache: restored from which entry, and saved or not. */
export interface BuildCacheReport {
  state: CacheState
  key: string
  restoredKey?: string
  /** Size of the tree after the build (before compression). */
  bytes: number
  saved: boolean
}

/**
 * A build: render → signing key → environment → build cache → abuild → collect → sign (rsa256,
 * both) → verify → save the build cache, written beside the output directory and swapped in only
 * when every phase passed.
 */
export async function buildPackages(
  settings: BuildSettings,
  reporter: Reporter,
): Promise<BuildResult> {
  const phases = timedPhases(reporter)
  const started = await start(settings, reporter, phases)
  const { rendered, target, identity, containers, staging } = started
  const { loaded, recipe } = rendered
  let key: SigningKey | undefined
  let cache: RestoredCache | undefined
  let installTest: PendingInstallTest | undefined
  try {
    key = await phases.run('Signing key', () =>
      signingKey(settings, recipe.repository, identity, reporter),
    )
    const keyName = key.name
    const dependencies = environmentDependencies(recipe.dependencies, recipe.packageName)
    const environment = await phases.run('Build environment', () =>
      prepareEnvironment({
        ...containers,
        baseImage: target.baseImage,
        label: target.label,
        packages: dependencies,
        ...(settings.cache && { cache: settings.cache }),
        reporter,
      }),
    )
    const buildCache = settings.buildCache
    if (buildCache) {
      cache = await phases.run('Build cache', () =>
        restoreBuildCache(
          buildCache,
          {
            workspace: settings.workspace,
            label: target.label,
            packages: dependencies,
            packageName: recipe.packageName,
          },
          reporter,
        ),
      )
      if (cache) settings.onScratchDir?.(cache.dir)
    }
    const publicKey = { name: keyName, pem: key.publicKeyPem }
    // Its container starts now, fresh from the base image, and gets ready while abuild runs.
    if (settings.installTest)
      installTest = startInstallTest({
        ...containers,
        image: target.baseImage,
        packagesDir: staging.dir,
        keyName,
        publicKeyPem: key.publicKeyPem,
        appInMemory: {
          dir: `/var/lib/${recipe.packageName}`,
          bytes: Math.floor(freemem() * INSTALL_TEST_MEMORY_SHARE),
        },
      })
    const abuildSteps = await phases.run('abuild', () =>
      runAbuild({
        ...containers,
        image: environment.image,
        workspace: settings.workspace,
        recipeDir: recipe.dir,
        snapshot: recipe.snapshot,
        packagesDir: staging.dir,
        key: key!,
        identity,
        ...(cache && { cache: { ...cache, toBeSaved: cache.state !== 'hit' } }),
      }),
    )
    phases.steps('abuild', abuildSteps)
    const expected = {
      arch: target.arch,
      configName: rendered.configLabel,
      architectures: loaded.config.architectures,
    }
    const signature = settings.signature ?? 'rsa'
    let collected = await phases.run('Collect packages', () =>
      collectPackages(staging.dir, expected, containers.log),
    )
    if (signature !== 'rsa') {
      // abuild signed RSA; the packages and indexes are re-signed here, before anything reads
      // them: the sizes that go on are the final bytes' (the digests come from verifying them).
      const unsigned = collected
      collected = await phases.run('Sign', async () =>
        resignFiles({
          files: unsigned,
          key: readPrivateKey(await readFile(key!.privateKeyFile, 'utf8')),
          keyFile: publicKeyFileName(keyName),
          choice: signature,
          reporter,
        }),
      )
    }
    const verified = await phases.run('Verify', () =>
      verifyBuild({
        packagesDir: staging.dir,
        key: publicKey,
        files: collected,
        mainPackage: recipe.packageName,
        ...(installTest && { installTest }),
        containers,
        sbom: settings.sbom !== false,
        signature,
      }),
    )
    phases.steps('Verify', verified.steps)
    const files = [...withDigests(collected, verified.digests), ...verified.sboms]
    const cacheReport =
      cache && buildCache
        ? await phases.run('Save build cache', () => saveCache(cache!, buildCache, reporter))
        : undefined
    await staging.commit({ [publicKeyFileName(keyName)]: publicKey.pem })
    const outputDir = started.outputDir
    return {
      rendered,
      ...target,
      keyName,
      signature,
      ephemeralKey: key.ephemeral,
      publicKeyFile: join(outputDir, publicKeyFileName(keyName)),
      packagesDir: outputDir,
      // Where they are now: the same relative paths, in the output directory.
      files: files.map((f) => ({ ...f, path: join(outputDir, f.relativePath) })),
      environment,
      ...(cacheReport && { buildCache: cacheReport }),
      phases: phases.seconds,
    }
  } finally {
    await installTest?.cancel()
    if (key) await removeSigningKey(key.dir)
    if (cache) await discardBuildCache(cache)
    await staging.discard() // nothing is left to remove after a commit
  }
}

/**
 * Up to the first file written: what can be refused (the architecture, the output directory,
 * Docker) is refused first; then the recipe is rendered, the stack's image chosen and the output
 * staged.
 */
async function start(settings: BuildSettings, reporter: Reporter, phases: TimedPhases) {
  const { option } = reporter
  const docker = settings.docker ?? new Docker()
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
  const config = { ...rendered.loaded.config, label: rendered.configLabel }
  const target = buildTarget(architecture, settings, config, option)
  const containers: ContainerContext = {
    docker,
    ...(target.platform && { platform: target.platform }),
    ...(settings.onContainer && { onContainer: settings.onContainer }),
    log: (line) => reporter.info(line),
  }
  const identity = buildIdentity(owner)
  // Last, so that nothing after it can fail before build's finally discards it.
  const staging = await stageOutput(outputDir, owner)
  settings.onScratchDir?.(staging.dir)
  return { rendered, target, containers, outputDir, staging, identity }
}

/**
 * The key abuild signs with: the user's, or a throwaway one with a warning saying so. Named as
 * asked (signing-key-name), else <owner>-<repo>, which a throwaway key extends (see signing/).
 */
async function signingKey(
  settings: BuildSettings,
  repository: Repository,
  identity: BuildIdentity,
  reporter: Reporter,
): Promise<SigningKey> {
  const prepared = await prepareSigningKey(
    {
      name: settings.keyName ?? defaultKeyName(repository),
      nameIsDefault: settings.keyName === undefined,
      ...(settings.signingKey && { privateKey: settings.signingKey }),
      ...(settings.publicKey && { publicKey: settings.publicKey }),
    },
    settings.keyParent,
    identity,
  )
  settings.onKeyDir?.(prepared.dir)
  if (prepared.ephemeral) {
    reporter.warning(
      `no signing key given: packages are signed with a throwaway key (${prepared.name}) made for this run; pass your own key with ${reporter.option('signing-key')} to publish installable packages`,
    )
  }
  reporter.info(`key ${publicKeyFileName(prepared.name)}`)
  return prepared
}

async function saveCache(
  cache: RestoredCache,
  settings: BuildCacheSettings,
  reporter: Reporter,
): Promise<BuildCacheReport> {
  const saved = await saveBuildCache(cache, settings, reporter)
  return {
    state: cache.state,
    key: cache.key,
    ...(cache.restoredKey && { restoredKey: cache.restoredKey }),
    bytes: saved.bytes,
    saved: saved.saved,
  }
}

type TimedPhases = ReturnType<typeof timedPhases>

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
        seconds.push({ name, seconds: secondsSince(started) })
      }
    },
    /** The parts of a phase that timed itself (abuild's marked phases, verify's two checks). */
    steps(phase: string, parts: Timed[]) {
      for (const part of parts)
        seconds.push({ name: `${phase}/${part.name}`, seconds: part.seconds })
    },
  }
}

/** Inside a build, render's own phases are plain lines, not groups of their own. */
function inline(reporter: Reporter): Reporter {
  return { ...reporter, group: (_name, fn) => fn() }
}
