import { readFile } from 'node:fs/promises'
import type { Architecture } from '../config/index.js'

/** apk architecture → Docker platform, and the binfmt entry QEMU registers for it. */
const PLATFORMS: Record<Exclude<Architecture, 'noarch'>, { platform: string; qemu: string }> = {
  x86_64: { platform: 'linux/amd64', qemu: 'qemu-x86_64' },
  x86: { platform: 'linux/386', qemu: 'qemu-i386' },
  aarch64: { platform: 'linux/arm64', qemu: 'qemu-aarch64' },
  armv7: { platform: 'linux/arm/v7', qemu: 'qemu-arm' },
  armhf: { platform: 'linux/arm/v6', qemu: 'qemu-arm' },
  ppc64le: { platform: 'linux/ppc64le', qemu: 'qemu-ppc64le' },
  s390x: { platform: 'linux/s390x', qemu: 'qemu-s390x' },
  riscv64: { platform: 'linux/riscv64', qemu: 'qemu-riscv64' },
  loongarch64: { platform: 'linux/loong64', qemu: 'qemu-loongarch64' },
}

export type BuildArchitecture = keyof typeof PLATFORMS

export function isBuildArchitecture(value: string): value is BuildArchitecture {
  return Object.hasOwn(PLATFORMS, value)
}

/** The apk architecture of this machine (what a native container runs). */
export function hostArchitecture(nodeArch: string = process.arch): BuildArchitecture {
  const map: Record<string, BuildArchitecture> = {
    x64: 'x86_64',
    arm64: 'aarch64',
    ia32: 'x86',
    arm: 'armv7',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loongarch64',
  }
  const arch = map[nodeArch]
  if (!arch) throw new Error(`this runner's architecture (${nodeArch}) has no Alpine equivalent`)
  return arch
}

export interface ArchitecturePlan {
  arch: BuildArchitecture
  platform: string
  emulated: boolean
}

/**
 * Decides how `arch` is built here: natively, or through QEMU when binfmt has a handler for it.
 * Fails early, naming both remedies, when neither works.
 */
export async function planArchitecture(
  arch: BuildArchitecture,
  host: BuildArchitecture = hostArchitecture(),
  binfmtDir = '/proc/sys/fs/binfmt_misc',
): Promise<ArchitecturePlan> {
  const { platform, qemu } = PLATFORMS[arch]
  const native =
    arch === host ||
    (host === 'x86_64' && arch === 'x86') ||
    (host === 'aarch64' && arch === 'armv7')
  if (native) return { arch, platform, emulated: false }
  // An entry that exists but reads "disabled" runs nothing either.
  const registered = await readFile(`${binfmtDir}/${qemu}`, 'utf8').then(
    (entry) => !entry.startsWith('disabled'),
    () => false,
  )
  if (!registered) {
    // Said for both front ends: a workflow's remedies and a machine's.
    throw new Error(
      `cannot build ${arch} on this ${host} machine: it has no QEMU handler for ${arch} (${binfmtDir}/${qemu}). ` +
        `Build on a native ${arch} machine (on GitHub, runs-on: ubuntu-24.04-arm for aarch64), or register ` +
        'QEMU handlers to build under emulation (in a workflow, docker/setup-qemu-action before PAKman; ' +
        'elsewhere, qemu-user-static and binfmt-support)',
    )
  }
  return { arch, platform, emulated: true }
}
