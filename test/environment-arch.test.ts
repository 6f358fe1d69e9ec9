import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hostArchitecture, planArchitecture } from '../src/environment/arch.js'

const binfmt = mkdtempSync(join(tmpdir(), 'pakman-binfmt-'))
afterAll(() => rmSync(binfmt, { recursive: true, force: true }))

describe('architectures', () => {
  it('maps Node architectures to Alpine ones', () => {
    expect(hostArchitecture('x64')).toBe('x86_64')
    expect(hostArchitecture('arm64')).toBe('aarch64')
    expect(() => hostArchitecture('mips')).toThrow(
      "this runner's architecture (mips) has no Alpine equivalent",
    )
  })

  it('builds the host arch natively', async () => {
    expect(await planArchitecture('x86_64', 'x86_64', binfmt)).toEqual({
      arch: 'x86_64',
      platform: 'linux/amd64',
      emulated: false,
    })
    expect(await planArchitecture('x86', 'x86_64', binfmt)).toMatchObject({
      emulated: false,
      platform: 'linux/386',
    })
  })

  it('fails early, naming both remedies, when QEMU is not registered', async () => {
    await expect(planArchitecture('aarch64', 'x86_64', binfmt)).rejects.toThrow(
      `cannot build aarch64 on this x86_64 machine: it has no QEMU handler for aarch64 (${binfmt}/qemu-aarch64). ` +
        'Build on a native aarch64 machine (on GitHub, runs-on: ubuntu-24.04-arm for aarch64), or register QEMU handlers to build under emulation (in a workflow, docker/setup-qemu-action before PAKman; elsewhere, qemu-user-static and binfmt-support)',
    )
  })

  it('fails the same way when the QEMU handler is registered but disabled', async () => {
    writeFileSync(join(binfmt, 'qemu-aarch64'), 'disabled\ninterpreter /usr/bin/qemu-aarch64\n')
    await expect(planArchitecture('aarch64', 'x86_64', binfmt)).rejects.toThrow(
      'cannot build aarch64 on this x86_64 machine: it has no QEMU handler for aarch64',
    )
  })

  it('emulates when binfmt has a QEMU handler', async () => {
    writeFileSync(join(binfmt, 'qemu-aarch64'), 'enabled\n')
    expect(await planArchitecture('aarch64', 'x86_64', binfmt)).toEqual({
      arch: 'aarch64',
      platform: 'linux/arm64',
      emulated: true,
    })
  })
})
