import { runScript, SCRIPT_DIR, type ContainerContext } from '../container/index.js'
import { fileText, sh, word } from '../shell/index.js'

/** Where the output repository and the run's files appear in the install container. */
const PACKAGES = word('/pakman/packages')
const SCRIPTS = word(SCRIPT_DIR)

export interface InstallTest extends ContainerContext {
  /** The stack's base image (or the image input): not the build environment. */
  image: string
  packagesDir: string
  /** Repository directory under packagesDir (abuild's <repo>). */
  repository: string
  /** `name=version-rN` of the main package. */
  packageSpec: string
  keyName: string
  publicKeyPem: string
}

/**
 * The install test: a fresh container of the base image made to look like a deployment target
 * (OpenRC, since generated hooks call rc-update and rc-service), trusting only the run's key,
 * installs the main package from the output repository; apk runs its install scripts.
 * In: PAKMAN_KEY_NAME PAKMAN_REPOSITORY (the repository directory) PAKMAN_PACKAGE (name=version).
 */
export function installTestScript(): string {
  return fileText(sh`
#!/bin/sh
set -eu
mkdir -p /etc/apk/keys
cp "${SCRIPTS}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/
apk add --no-cache openrc
apk add --no-cache --repository "${PACKAGES}/$PAKMAN_REPOSITORY" "$PAKMAN_PACKAGE"
echo "installed $PAKMAN_PACKAGE"
`)
}

/** Installs the main package in a clean container; throws with apk's last words when that fails. */
export async function runInstallTest(test: InstallTest): Promise<void> {
  const { code, tail } = await runScript(test, {
    image: test.image,
    prefix: 'pakman-install',
    script: installTestScript(),
    files: { [`${test.keyName}.rsa.pub`]: test.publicKeyPem },
    mounts: [{ source: test.packagesDir, target: PACKAGES, readOnly: true }],
    env: {
      PAKMAN_KEY_NAME: test.keyName,
      PAKMAN_REPOSITORY: test.repository,
      PAKMAN_PACKAGE: test.packageSpec,
    },
  })
  if (code !== 0) {
    throw new Error(
      `installing ${test.packageSpec} in a clean ${test.image} container failed (exit ${code}):\n${tail.slice(-12).join('\n')}`,
    )
  }
}
