import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Docker } from '../container/docker.js'
import { CONTAINER_PATHS, installTestScript } from './scripts.js'

export interface InstallTest {
  docker: Docker
  /** The stack's base image (or the image input): not the build environment. */
  image: string
  platform?: string
  packagesDir: string
  /** Repository directory under packagesDir (abuild's <repo>). */
  repository: string
  /** `name=version-rN` of the main package. */
  packageSpec: string
  keyName: string
  publicKeyPem: string
  onContainer?: (name: string) => void
  log: (line: string) => void
}

/** Installs the main package in a clean container; throws with apk's last words when that fails. */
export async function runInstallTest(test: InstallTest): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pakman-install-'))
  const name = `pakman-install-${randomBytes(6).toString('hex')}`
  const tail: string[] = []
  try {
    await writeFile(join(dir, 'install.sh'), installTestScript(), { mode: 0o755 })
    await writeFile(join(dir, `${test.keyName}.rsa.pub`), test.publicKeyPem, { mode: 0o644 })
    test.onContainer?.(name)
    const code = await test.docker.run({
      image: test.image,
      name,
      command: ['/bin/sh', `${CONTAINER_PATHS.scripts}/install.sh`],
      mounts: [
        { source: test.packagesDir, target: CONTAINER_PATHS.packages, readOnly: true },
        { source: dir, target: CONTAINER_PATHS.keys, readOnly: true },
        { source: dir, target: CONTAINER_PATHS.scripts, readOnly: true },
      ],
      env: {
        PAKMAN_KEY_NAME: test.keyName,
        PAKMAN_REPOSITORY: test.repository,
        PAKMAN_PACKAGE: test.packageSpec,
      },
      ...(test.platform && { platform: test.platform }),
      onLine: (line) => {
        tail.push(line)
        if (tail.length > 12) tail.shift()
        test.log(line)
      },
    })
    if (code !== 0) {
      throw new Error(
        `installing ${test.packageSpec} in a clean ${test.image} container failed (exit ${code}):\n${tail.join('\n')}`,
      )
    }
  } finally {
    await test.docker.removeContainer(name)
    await rm(dir, { recursive: true, force: true })
  }
}
