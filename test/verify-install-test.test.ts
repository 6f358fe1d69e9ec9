import { describe, expect, it } from 'vitest'
import type { Docker, RunSpec } from '../src/container/docker.js'
import { startInstallTest } from '../src/verify/index.js'

/*
 * Where the install test puts the app: in memory when the package fits the share set aside, else
 * on disk in a fresh container. A stand-in engine records each container's spec and reads what
 * the host tells the script, as the real script would; the real engine runs it in the Docker
 * tests (every build there installs its package this way).
 */
function recordingDocker() {
  const runs: { tmpfs?: RunSpec['tmpfs']; told: string }[] = []
  const engine = {
    run: async (spec: RunSpec) => {
      const run: (typeof runs)[number] = { ...(spec.tmpfs && { tmpfs: spec.tmpfs }), told: '' }
      runs.push(run)
      for await (const chunk of spec.input!) run.told += String(chunk)
      return 0
    },
    removeContainer: async () => true,
  }
  return { runs, docker: engine as unknown as Docker }
}

const setup = (docker: Docker) => ({
  docker,
  log: () => {},
  image: 'alpine:3.20',
  packagesDir: '/p',
  keyName: 'octo-app',
  publicKeyPem: '',
  appInMemory: { dir: '/var/lib/app', bytes: 1000 },
})

describe('the install test', () => {
  it('installs an app that fits into memory in the container started during abuild', async () => {
    const { runs, docker } = recordingDocker()
    await startInstallTest(setup(docker)).install('octo', 'app=1.0.0-r0', undefined, 999)
    expect(runs).toEqual([
      { tmpfs: [{ target: '/var/lib/app', bytes: 1000 }], told: 'octo app=1.0.0-r0\n' },
    ])
  })

  it('installs a larger app, or one of unknown size, on disk in a fresh container', async () => {
    for (const size of [1001, undefined]) {
      const { runs, docker } = recordingDocker()
      await startInstallTest(setup(docker)).install('octo', 'app=1.0.0-r0', undefined, size)
      // The first container is told nothing (end of input: it installs nothing and exits).
      expect(runs).toEqual([
        { tmpfs: [{ target: '/var/lib/app', bytes: 1000 }], told: '' },
        { told: 'octo app=1.0.0-r0\n' },
      ])
    }
  })
})
