/*
 * Stage 3, where a build runs: the architecture (native or under QEMU), the stack's base image,
 * and the build environment image made from it, cached between runs.
 */

import { createHash } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { runScript, type ContainerContext } from '../container/index.js'
import { environmentScript } from './script.js'
import type { PhaseReporter } from '../report/index.js'
import { listEntry } from '../shell/index.js'
import type { ImageCache } from './cache.js'

export {
  ActionsCache,
  DirectoryCache,
  localCacheDir,
  restoreFromActionsCache,
  saveToActionsCache,
  type ImageCache,
} from './cache.js'
export {
  buildTarget,
  environmentDependencies,
  targetArchitecture,
  type BuildTarget,
} from './target.js'

/**
 * The build environment: the stack's base image plus alpine-sdk, pigz and the app's build and
 * runtime dependencies, committed as a local image and cached between runs. Its key changes when
 * the base image, the package list or this recipe changes.
 */

/** Bump when environmentScript or the commit settings change, so old cache entries are not used. */
export const ENVIRONMENT_RECIPE_VERSION = 1

/** Always installed: abuild and its tools; pigz, which abuild uses to compress in parallel. */
const BASE_PACKAGES = ['alpine-sdk', 'pigz']

export interface EnvironmentRequest extends ContainerContext {
  baseImage: string
  /** Build and runtime dependencies, without the package's own subpackages. */
  packages: readonly string[]
  /** Undefined: no cache (input cache: false). */
  cache?: ImageCache
  /** A stable name for the key, e.g. alpine-3.19-x86_64. */
  label: string
  /** The environment's own lines and warnings (the container's output goes to `log`). */
  reporter: PhaseReporter
}

export interface Environment {
  image: string
  key: string
  /** local: the image was already in Docker; cache: restored; miss: built now. */
  source: 'local' | 'cache' | 'built'
  /** Bytes of the saved archive, when one was saved or restored. */
  archiveBytes?: number
}

export function environmentPackages(packages: readonly string[]): string[] {
  return [...new Set([...BASE_PACKAGES, ...packages])].sort()
}

export function environmentKey(
  baseImageId: string,
  packages: readonly string[],
  label: string,
): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify({
        base: baseImageId,
        packages: environmentPackages(packages),
        recipe: ENVIRONMENT_RECIPE_VERSION,
      }),
    )
    .digest('hex')
  return `pakman-env-${label}-${digest.slice(0, 24)}`
}

/** The local image an environment key names (the key's digest: the label only names cache entries). */
export function environmentImage(key: string): string {
  return `pakman/environment:${key.slice(-24)}`
}

export async function prepareEnvironment(request: EnvironmentRequest): Promise<Environment> {
  const { docker, reporter } = request
  let baseId = await docker.imageId(request.baseImage)
  if (!baseId) {
    reporter.info(`pulling ${request.baseImage}`)
    try {
      await docker.pull(request.baseImage, request.platform)
    } catch (error) {
      throw new Error(
        `cannot pull the base image ${request.baseImage}: ${(error as Error).message.trim()}\n` +
          `Give an image this machine can reach or already has with ${reporter.option('image')} (a mirror, a private registry, a prepared image)`,
        { cause: error },
      )
    }
    baseId = await docker.imageId(request.baseImage)
    if (!baseId)
      throw new Error(`the base image ${request.baseImage} is not available after pulling it`)
  }
  const key = environmentKey(baseId, request.packages, request.label)
  const image = environmentImage(key)

  if (await docker.imageId(image)) {
    reporter.info(`environment ${image} is already in Docker`)
    return { image, key, source: 'local' }
  }

  const archive = request.cache?.archivePath()
  if (request.cache && archive) {
    const restored = await request.cache.restore(key, archive)
    if (restored.reason)
      reporter.warning(
        `could not read the environment from the ${request.cache.description}: ${restored.reason}`,
      )
    if (restored.hit) {
      try {
        const loaded = await docker.loadImage(archive, ['zstd', '-d', '-q', '-c'])
        if (loaded !== image) await docker.tag(loaded, image)
        reporter.info(`environment ${image} restored from the ${request.cache.description}`)
        return { image, key, source: 'cache' }
      } catch (error) {
        reporter.warning(
          `the cached environment ${key} is unusable (${(error as Error).message}); building it again`,
        )
      } finally {
        await rm(archive, { force: true })
      }
    }
  }

  await buildEnvironment(request, image)
  const environment: Environment = { image, key, source: 'built' }
  if (request.cache && archive) {
    try {
      await docker.saveImage(image, archive, ['zstd', '-T0', '-3', '-q', '-c'])
      const saved = await request.cache.save(key, archive)
      if (saved.saved) {
        environment.archiveBytes = saved.bytes
        reporter.info(
          `environment saved to the ${request.cache.description} (${saved.bytes} bytes)`,
        )
      } else reporter.warning(`the environment was not cached: ${saved.reason}`)
    } catch (error) {
      reporter.warning(`the environment was not cached: ${(error as Error).message}`)
    } finally {
      await rm(archive, { force: true })
    }
  }
  return environment
}

async function buildEnvironment(request: EnvironmentRequest, image: string): Promise<void> {
  request.reporter.info(`building the environment ${image} from ${request.baseImage}`)
  const packages = environmentPackages(request.packages).map(listEntry)
  await runScript(
    request,
    {
      image: request.baseImage,
      prefix: 'pakman-env',
      script: environmentScript(packages),
      keep: true,
    },
    async (container, { code }) => {
      if (code !== 0)
        throw new Error(`installing the build environment failed (exit ${code}); see the log above`)
      await request.docker.commit(container, image, [
        'LABEL org.opencontainers.image.title=pakman-environment',
      ])
    },
  )
}
