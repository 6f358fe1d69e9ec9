/*
 * Stage 5, abuild: the recipe built and signed by the real abuild, inside a container of the
 * build environment, as an unprivileged user; then the files it wrote, listed.
 */

import { join } from 'node:path'
import type { SigningKey } from '../signing/index.js'
import { gitInWorkspace, type BuildIdentity } from '../ownership/index.js'
import { runScript, type ContainerContext, type Mount } from '../container/index.js'
import { secondsSince, type Timed } from '../report/index.js'
import { HOME_CACHE_DIRS, homeCacheParents, TOOL_CACHE_VARIABLES } from '../build-cache/index.js'
import { BUILD_HOME, buildScript, CACHED_SOURCE, CONTAINER_PATHS, PHASE_MARKER } from './scripts.js'

export { collectPackages, withDigests, type BuiltFile } from './packages.js'

export interface AbuildRun extends ContainerContext {
  /** The build environment's image. */
  image: string
  workspace: string
  /** Relative to the workspace: .apk/<owner>/<name>. */
  recipeDir: string
  /** File name of the workspace snapshot in the recipe directory (the APKBUILD's first source). */
  snapshot: string
  packagesDir: string
  key: SigningKey
  identity: BuildIdentity
  /** Defaults to the workspace's last commit time, so two builds of one commit give the same packages. */
  sourceDateEpoch?: number
  /** The build cache's tree on this machine, mounted where the build user's tools look. */
  cache?: CacheMounts
}

export interface CacheMounts {
  /** Holds HOME_CACHE_DIRS, each mounted at the same path under the build user's home. */
  homeDir: string
  /** Holds the in-tree paths, restored into the source before build() and saved after it. */
  sourceDir: string
  /** build-cache-paths: checked words, relative to the workspace. */
  sourcePaths: readonly string[]
  /** False after an exact hit: nothing is saved, so the in-tree paths are not moved into it. */
  toBeSaved: boolean
}

export class BuildError extends Error {
  override name = 'BuildError'
  constructor(
    message: string,
    readonly phase: string,
    readonly tail: string[],
  ) {
    super(message)
  }
}

/** Seconds spent in each phase the script marks, as the host saw the markers stream in. */
export type AbuildSteps = Timed[]

/**
 * Runs abuild in a container of the environment image; throws BuildError naming the failed phase.
 * Returns how long each marked phase took (start: until the container's first marker; finish:
 * handing files back and removing the container), so PAKman's snapshot is told from abuild's own.
 */
export async function runAbuild(build: AbuildRun): Promise<AbuildSteps> {
  const sourceDateEpoch = build.sourceDateEpoch ?? (await commitTime(build.workspace))
  let phase = 'start'
  const steps: AbuildSteps = []
  let stepName = 'start'
  let stepStarted = performance.now()
  const step = (next: string) => {
    steps.push({ name: stepName, seconds: secondsSince(stepStarted) })
    stepName = next
    stepStarted = performance.now()
  }
  // The same engine, platform and cleanup hook; only the lines go through the phase filter.
  const context: ContainerContext = {
    ...build,
    log: (line) => {
      // Phase markers are for PAKman, not for the log: take the phase, show nothing.
      if (line.startsWith(PHASE_MARKER)) {
        const marked = line.slice(PHASE_MARKER.length).trim()
        if (marked) step(marked)
        // finish only hands files back; a failure is reported against the phase before it.
        if (marked && marked !== 'finish') phase = marked
        return
      }
      build.log(line)
    },
  }
  const { code, tail } = await runScript(context, {
    image: build.image,
    prefix: 'pakman-build',
    script: buildScript(),
    mounts: [
      // Only ever read: root packs it, nothing in the build writes it.
      { source: build.workspace, target: CONTAINER_PATHS.workspace, readOnly: true },
      {
        source: join(build.workspace, build.recipeDir),
        target: `${CONTAINER_PATHS.recipes}/${build.recipeDir.replace(/^\.apk\//, '')}`,
      },
      { source: build.packagesDir, target: CONTAINER_PATHS.packages },
      { source: build.key.dir, target: CONTAINER_PATHS.keys, readOnly: true },
      ...(build.cache ? cacheMounts(build.cache) : []),
    ],
    // Only public facts: ids, paths and names. The key itself is a read-only file mount.
    env: {
      PAKMAN_UID: String(build.identity.uid),
      PAKMAN_GID: String(build.identity.gid),
      PAKMAN_OWNER: `${build.identity.owner.uid}:${build.identity.owner.gid}`,
      PAKMAN_RECIPE: build.recipeDir,
      PAKMAN_SNAPSHOT: build.snapshot,
      PAKMAN_KEY_NAME: build.key.name,
      SOURCE_DATE_EPOCH: String(sourceDateEpoch),
      ...toolCacheVariables(),
      ...(build.cache && {
        PAKMAN_HOME_CACHES: HOME_CACHE_DIRS.join(' '),
        PAKMAN_HOME_PARENTS: homeCacheParents().join(' '),
        PAKMAN_CACHE_PATHS: build.cache.sourcePaths.join(' '),
        PAKMAN_CACHE_SAVE: build.cache.toBeSaved ? '1' : '',
      }),
    },
  })
  if (code !== 0) {
    const shown = tail.filter((l) => !l.startsWith(PHASE_MARKER)).slice(-12)
    throw new BuildError(
      `the build failed in the ${phase} phase (exit ${code}); last lines:\n${shown.join('\n')}`,
      phase,
      shown,
    )
  }
  step('')
  return steps
}

function cacheMounts(cache: CacheMounts): Mount[] {
  return [
    ...HOME_CACHE_DIRS.map((dir) => ({
      source: join(cache.homeDir, dir),
      target: `${BUILD_HOME}/${dir}`,
    })),
    { source: cache.sourceDir, target: CACHED_SOURCE },
  ]
}

/** GOCACHE and the like under the build user's home, with or without a build cache mounted there. */
function toolCacheVariables(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(TOOL_CACHE_VARIABLES).map(([name, dir]) => [name, `${BUILD_HOME}/${dir}`]),
  )
}

/** SOURCE_DATE_EPOCH: the commit time of the workspace, or now when git cannot tell it. */
export async function commitTime(workspace: string): Promise<number> {
  const lastCommit = await gitInWorkspace(workspace, ['log', '-1', '--format=%ct'])
  const seconds = lastCommit.ok ? Number(lastCommit.stdout) : NaN
  return Number.isInteger(seconds) && seconds > 0 ? seconds : Math.floor(Date.now() / 1000)
}
