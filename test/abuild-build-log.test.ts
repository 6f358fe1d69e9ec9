import { describe, expect, it } from 'vitest'
import { BuildError, runAbuild } from '../src/abuild/index.js'
import { buildScript, PHASE_MARKER } from '../src/abuild/scripts.js'
import { installTestScript } from '../src/verify/index.js'
import type { Docker, RunSpec } from '../src/container/docker.js'

/*
 * What the build container prints reaches the user's log (the CLI's stderr, the Actions log)
 * through runAbuild's log callback. The build script's phase markers are PAKman's own
 * bookkeeping: they must be consumed there, never shown. A stand-in Docker replays what the real
 * script prints, with the markers of the phases the real script has, so no engine is needed.
 */

/** The phases the real build script announces, in order. */
const PHASES = [...buildScript().matchAll(/^\s*phase (\w+)$/gm)].map((m) => m[1]!)

function replaying(lines: string[], code: number): Docker {
  const fake = {
    run: async (spec: RunSpec) => {
      for (const line of lines) spec.onLine?.(line, 'stdout')
      return code
    },
    removeContainer: async () => true,
  }
  return fake as unknown as Docker
}

/** The log of a build whose script printed `body[phase]` after each phase marker. */
async function build(body: Record<string, string[]>, code: number, phases = PHASES) {
  const printed = phases.flatMap((phase) => [`${PHASE_MARKER}${phase}`, ...(body[phase] ?? [])])
  const logged: string[] = []
  const run = runAbuild({
    docker: replaying(printed, code),
    image: 'pakman-env:test',
    workspace: '/w',
    recipeDir: '.apk/octo/app',
    snapshot: 'app-1.0.0.tar',
    packagesDir: '/p',
    key: {
      name: 'octo-app',
      dir: '/k',
      privateKeyFile: '/k/octo-app.rsa',
      publicKeyFile: '/k/octo-app.rsa.pub',
      publicKeyPem: '',
      ephemeral: true,
    },
    identity: { uid: 1000, gid: 1000, owner: { uid: 1000, gid: 1000 } },
    sourceDateEpoch: 1,
    log: (line) => logged.push(line),
  })
  return { run, logged, printed }
}

describe('the build log', () => {
  it('the real script announces phases, so there are markers to hide', () => {
    expect(PHASES).toEqual(['setup', 'snapshot', 'build', 'cache', 'finish'])
  })

  it('shows what the container printed, without the phase markers', async () => {
    const { run, logged, printed } = await build(
      { setup: ['building as builder (1000:1000)'], build: ['>>> app: Building'] },
      0,
    )
    await run
    expect(printed.filter((l) => l.startsWith(PHASE_MARKER))).toHaveLength(PHASES.length)
    expect(logged).toEqual(['building as builder (1000:1000)', '>>> app: Building'])
  })

  it('still names the failed phase, and keeps markers out of the error too', async () => {
    // The cache phase runs only after a build that succeeded.
    const { run, logged } = await build(
      { snapshot: ['abuild checksum'], build: ['make: *** [all] Error 2'] },
      1,
      PHASES.filter((phase) => phase !== 'cache'),
    )
    const error = await run.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BuildError)
    expect((error as BuildError).phase).toBe('build')
    expect((error as BuildError).message).toBe(
      'the build failed in the build phase (exit 1); last lines:\nabuild checksum\nmake: *** [all] Error 2',
    )
    expect(logged.join('\n')).not.toContain('pakman-phase')
  })

  it('the install test prints no markers: its log goes straight to the user', () => {
    expect(installTestScript()).not.toContain(PHASE_MARKER)
  })
})
