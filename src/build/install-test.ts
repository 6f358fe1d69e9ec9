import type { Docker } from '../container/index.js'
import { runScript } from '../container/index.js'
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
  onContainer?: (name: string, scratchDir: string) => void
  log: (line: string) => void
}

/** Installs the main package in a clean container; throws with apk's last words when that fails. */
export async function runInstallTest(test: InstallTest): Promise<void> {
  const { code, tail } = await runScript({
    docker: test.docker,
    image: test.image,
    prefix: 'pakman-install',
    script: installTestScript(),
    files: { [`${test.keyName}.rsa.pub`]: test.publicKeyPem },
    mounts: [{ source: test.packagesDir, target: CONTAINER_PATHS.packages, readOnly: true }],
    env: {
      PAKMAN_KEY_NAME: test.keyName,
      PAKMAN_REPOSITORY: test.repository,
      PAKMAN_PACKAGE: test.packageSpec,
    },
    ...(test.platform && { platform: test.platform }),
    ...(test.onContainer && { onContainer: test.onContainer }),
    onLine: test.log,
  })
  if (code !== 0) {
    throw new Error(
      `installing ${test.packageSpec} in a clean ${test.image} container failed (exit ${code}):\n${tail.slice(-12).join('\n')}`,
    )
  }
}
