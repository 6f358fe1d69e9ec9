import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appConfig, makeWorkspace } from '../fixtures/workspace.js'
import {
  builtPublicKey,
  dockerAvailable,
  pakmanBuild,
  realApkVerify,
  testImage,
} from '../helpers/docker.js'
import { scratchDirs } from '../helpers/scratch.js'

/*
 * An aarch64 build on an x86_64 machine, through the path users get with docker/setup-qemu-action:
 * binfmt has a QEMU handler, PAKman plans an emulated build and runs every container with
 * --platform linux/arm64. The image is the official aarch64 rootfs (3.20.3) with the stand-in
 * abuild; the install test and the apk verify below are the real aarch64 apk, under QEMU.
 * CI registers the handlers (.ci/run); elsewhere this says why it cannot run.
 */
const docker = dockerAvailable()
const QEMU = '/proc/sys/fs/binfmt_misc/qemu-aarch64'
const emulation = existsSync(QEMU)
if (!emulation && process.env.PAKMAN_SHARED_REQUIRED) {
  throw new Error(`CI needs QEMU user emulation for aarch64 (${QEMU}); .ci/run registers it`)
}
const { temp, keep } = scratchDirs()

describe.runIf(docker && emulation)('an aarch64 build under QEMU', () => {
  it('builds, verifies and installs with the real aarch64 apk', { timeout: 300_000 }, async () => {
    const image = testImage({ stack: '3.20', arch: 'aarch64' })
    const workspace = keep(makeWorkspace(`architectures: [aarch64]\n${appConfig()}`))
    const packages = temp('pakman-out-')
    const ran = await pakmanBuild(
      workspace,
      image,
      ['--arch', 'aarch64', '--packages-dir', packages, '--pkgver', '2.1.0'],
      { XDG_CACHE_HOME: temp('pakman-cache-') },
    )
    expect(ran.code, ran.stderr).toBe(0)
    expect(readdirSync(join(packages, 'octo'))).toEqual(['aarch64'])
    // the stand-in abuild took its CARCH from the real apk of the emulated userland
    expect(ran.stderr).toContain('>>> app: packages in /pakman/packages/octo/aarch64')
    expect(ran.stderr).toContain('Executing app-2.1.0-r0.pre-install')
    expect(ran.stderr).toContain('installed app=2.1.0-r0')

    const verified = realApkVerify(image, packages, builtPublicKey(packages), 'linux/arm64')
    expect(verified.lines).toEqual([
      'octo/aarch64/APKINDEX.tar.gz: 0 - OK',
      'octo/aarch64/app-2.1.0-r0.apk: 0 - OK',
      'octo/aarch64/app-openrc-2.1.0-r0.apk: 0 - OK',
    ])
  })
})

describe.runIf(docker && !emulation)('an aarch64 build under QEMU', () => {
  it.skip(`needs a QEMU handler for aarch64 (${QEMU}): apt-get install qemu-user-static binfmt-support`, () => {})
})
