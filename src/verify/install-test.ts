import { PassThrough } from 'node:stream'
import { runScript, SCRIPT_DIR, type ContainerContext } from '../container/index.js'
import { fileText, sh, word } from '../shell/index.js'
import { publicKeyFileName } from '../signing/index.js'

/** Where the output repository and the run's files appear in the install container. */
const PACKAGES = word('/pakman/packages')
const SCRIPTS = word(SCRIPT_DIR)

export interface InstallTestSetup extends ContainerContext {
  /** The stack's base image (or the image input): not the build environment. */
  image: string
  /** Mounted before abuild writes into it; the container reads it only once told to install. */
  packagesDir: string
  keyName: string
  publicKeyPem: string
  /**
   * Where the package puts the app (/var/lib/<name>), held in memory up to `bytes`: apk writes
   * tens of thousands of files much faster there than through the container's overlay, and what
   * is tested (apk accepts the package, its scripts run) is the same.
   */
  appInMemory?: { dir: string; bytes: number }
}

/** An install test whose container is already up, waiting to be told what to install. */
export interface PendingInstallTest {
  /** Installs `packageSpec` (`name=version-rN`) from `repository` (abuild's <repo> directory
   *  under packagesDir), its lines from the start on going to `log` (default: the setup's);
   *  throws with apk's last lines when that, or the preparation, failed. `installedBytes`: the
   *  package's installed size, when the index tells it; an app too large for the memory set
   *  aside is installed in a fresh container on disk instead. */
  install(
    repository: string,
    packageSpec: string,
    log?: (line: string) => void,
    installedBytes?: number,
  ): Promise<void>
  /** Ends the container without installing (the build failed first); a no-op after install. */
  cancel(): Promise<void>
}

/**
 * The install test: a fresh container of the base image made to look like a deployment target
 * (OpenRC, since generated hooks call rc-update and rc-service), trusting only the run's key,
 * installs the main package from the output repository; apk runs its install scripts.
 * Everything before the package itself is done as soon as the container starts, which is while
 * abuild still runs; then the script waits for one line on its standard input, the repository
 * directory and name=version, from the host once abuild wrote the package. No line (end of input)
 * means the build failed before: nothing is installed.
 * In: PAKMAN_KEY_NAME; on standard input: <repository> <name=version>.
 */
export function installTestScript(): string {
  return fileText(sh`
#!/bin/sh
set -eu
mkdir -p /etc/apk/keys
cp "${SCRIPTS}/$PAKMAN_KEY_NAME.rsa.pub" /etc/apk/keys/
apk add --no-cache openrc
read -r repository package || exit 0
apk add --no-cache --repository "${PACKAGES}/$repository" "$package"
echo "installed $package"
`)
}

/**
 * Starts the install test's container now (during abuild, so that its start and its openrc are
 * off the critical path) and returns the handle that tells it what to install, or to stop.
 * The caller must call install or cancel: the container runs until one of them.
 */
export function startInstallTest(setup: InstallTestSetup): PendingInstallTest {
  const go = new PassThrough()
  // Its lines are held until it is told to install, so that they show under verify, not among
  // abuild's; a cancelled test's lines are dropped.
  const held: string[] = []
  let told: ((line: string) => void) | undefined
  const log = (line: string) => (told ? told(line) : held.push(line))
  const ran = runScript(
    { ...setup, log },
    {
      image: setup.image,
      prefix: 'pakman-install',
      script: installTestScript(),
      files: { [publicKeyFileName(setup.keyName)]: setup.publicKeyPem },
      mounts: [{ source: setup.packagesDir, target: PACKAGES, readOnly: true }],
      env: { PAKMAN_KEY_NAME: setup.keyName },
      input: go,
      ...(setup.appInMemory && {
        tmpfs: [{ target: setup.appInMemory.dir, bytes: setup.appInMemory.bytes }],
      }),
    },
  )
  // Settled by install or cancel; until then a failure to start must not go unhandled.
  ran.catch(() => undefined)
  const pending: PendingInstallTest = {
    async install(repository, packageSpec, to = setup.log, installedBytes) {
      const memory = setup.appInMemory
      if (memory && (installedBytes === undefined || installedBytes > memory.bytes)) {
        await pending.cancel()
        const onDisk: InstallTestSetup = { ...setup }
        delete onDisk.appInMemory
        return startInstallTest(onDisk).install(repository, packageSpec, to)
      }
      if (told) throw new Error('the install test was already told what to do')
      told = to
      for (const line of held.splice(0)) to(line)
      go.end(`${repository} ${packageSpec}\n`)
      const { code, tail } = await ran
      if (code !== 0) {
        throw new Error(
          `installing ${packageSpec} in a clean ${setup.image} container failed (exit ${code}):\n${tail.slice(-12).join('\n')}`,
        )
      }
    },
    async cancel() {
      if (!told) go.end()
      told ??= () => undefined
      await ran.catch(() => undefined)
    },
  }
  return pending
}
