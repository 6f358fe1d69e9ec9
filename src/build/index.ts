import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Docker } from '../container/docker.js'
import type { SigningKey } from '../keys/index.js'
import { buildScript, CONTAINER_PATHS, PHASE_MARKER } from './scripts.js'

export { collectBuiltFiles, type BuiltFile } from './packages.js'
export {
  hostArchitecture,
  isBuildArchitecture,
  planArchitecture,
  type ArchitecturePlan,
  type BuildArchitecture,
} from './arch.js'

export interface ContainerBuild {
  docker: Docker
  image: string
  platform?: string
  workspace: string
  /** Relative to the workspace: .apk/<owner>/<name>. */
  recipeDir: string
  packagesDir: string
  key: SigningKey
  sourceDateEpoch: number
  /** Called with the container's name before it starts, so it can be removed on cancellation. */
  onContainer?: (name: string) => void
  log: (line: string) => void
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

const TAIL_LINES = 25

/** Runs abuild in a container of the environment image; throws BuildError naming the failed phase. */
export async function runContainerBuild(build: ContainerBuild): Promise<void> {
  const owner = await stat(build.workspace)
  const scripts = await mkdtemp(join(tmpdir(), 'pakman-build-'))
  const name = `pakman-build-${randomBytes(6).toString('hex')}`
  const tail: string[] = []
  let phase = 'start'
  try {
    await writeFile(join(scripts, 'build.sh'), buildScript(), { mode: 0o755 })
    build.onContainer?.(name)
    const code = await build.docker.run({
      image: build.image,
      name,
      command: ['/bin/sh', `${CONTAINER_PATHS.scripts}/build.sh`],
      mounts: [
        { source: build.workspace, target: CONTAINER_PATHS.workspace },
        {
          source: join(build.workspace, build.recipeDir),
          target: `${CONTAINER_PATHS.recipes}/${build.recipeDir.replace(/^\.apk\//, '')}`,
        },
        { source: build.packagesDir, target: CONTAINER_PATHS.packages },
        { source: build.key.dir, target: CONTAINER_PATHS.keys, readOnly: true },
        { source: scripts, target: CONTAINER_PATHS.scripts, readOnly: true },
      ],
      // Only public facts: ids, paths and names. The key itself is a read-only file mount.
      env: {
        PAKMAN_UID: String(owner.uid),
        PAKMAN_GID: String(owner.gid),
        PAKMAN_RECIPE: build.recipeDir,
        PAKMAN_KEY_NAME: build.key.name,
        SOURCE_DATE_EPOCH: String(build.sourceDateEpoch),
      },
      ...(build.platform && { platform: build.platform }),
      onLine: (line) => {
        // finish only hands files back; a failure is reported against the phase before it.
        const marked = line.startsWith(PHASE_MARKER) ? line.slice(PHASE_MARKER.length).trim() : ''
        if (marked && marked !== 'finish') phase = marked
        tail.push(line)
        if (tail.length > TAIL_LINES) tail.shift()
        build.log(line)
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
  } finally {
    await build.docker.removeContainer(name)
    await rm(scripts, { recursive: true, force: true })
  }
}
