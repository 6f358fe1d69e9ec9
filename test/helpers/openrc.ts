import { execFile, execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * Alpine hosts with the real OpenRC, s6 and execline (test/docker/openrc: build.sh makes the
 * images, its README.md says what is in them). A host boots as a real one does: busybox init is
 * PID 1 and runs Alpine's inittab (openrc sysinit, boot, default), reaps orphans, and runs
 * `openrc shutdown` when the container stops. /run is an executable tmpfs as on a real host
 * (OpenRC 0.63+ runs service directories it writes there), and a tmpfs on /sys/fs/cgroup keeps
 * openrc-run from printing a line per read-only cgroup controller.
 */

const BUILD = resolve(fileURLToPath(import.meta.url), '../../docker/openrc/build.sh')

export type OpenrcVariant = '0.56-bin' | '0.56-usrbin' | '0.64.1-usrbin'
export const OPENRC_VARIANTS: readonly OpenrcVariant[] = [
  '0.56-bin',
  '0.56-usrbin',
  '0.64.1-usrbin',
]

export interface OpenrcHostInfo {
  /** The Alpine minirootfs the image is made from. */
  alpine: '3.20.3' | 'edge-20240923'
  /** What `openrc --version` prints last. */
  openrc: '0.56' | '0.64.1'
  /** Where s6's and execline's programs are; /bin/execlineb is there on both layouts. */
  s6Bindir: '/bin' | '/usr/bin'
}

export const OPENRC_HOSTS: Record<OpenrcVariant, OpenrcHostInfo> = {
  '0.56-bin': { alpine: '3.20.3', openrc: '0.56', s6Bindir: '/bin' },
  '0.56-usrbin': { alpine: 'edge-20240923', openrc: '0.56', s6Bindir: '/usr/bin' },
  '0.64.1-usrbin': { alpine: 'edge-20240923', openrc: '0.64.1', s6Bindir: '/usr/bin' },
}

/** Long enough for a build on a machine that has none cached (CI builds before the tests). */
export const OPENRC_BUILD_TIMEOUT = 600_000

const references = new Map<OpenrcVariant, string>()

/** The image of `variant`; built first when missing (a few minutes on a new machine). */
export function openrcHost(variant: OpenrcVariant): string {
  let reference = references.get(variant)
  if (!reference) {
    const out = execFileSync(BUILD, [variant], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: OPENRC_BUILD_TIMEOUT,
    })
    reference = out.trim().split('\n').pop()!
    references.set(variant, reference)
  }
  return reference
}

export interface Ran {
  code: number
  stdout: string
  stderr: string
}

export interface Host {
  readonly variant: OpenrcVariant
  /** The container's name. */
  readonly name: string
  /** Runs `script` with the host's /bin/sh as root; a non-zero exit is returned, not thrown. */
  sh(script: string): Promise<Ran>
  /** Copies a file or directory of this machine into the host (docker cp). */
  copyIn(source: string, target: string): Promise<void>
  /** What busybox init and OpenRC printed since the host started. */
  console(): Promise<string>
  /**
   * Stops the host as a shutdown does (busybox init runs `openrc shutdown`) and boots it again
   * with a fresh /run, as after a reboot; waits for the default runlevel.
   */
  reboot(): Promise<void>
  /** Removes the container. */
  remove(): Promise<void>
}

let started = 0

/**
 * Starts a host of `variant` and waits until OpenRC has reached the default runlevel. It has no
 * network, or with `network: 'host'` this machine's, to reach a loopback server of the test's.
 * `docker` adds arguments to `docker run` (e.g. `-v`).
 */
export async function startHost(
  variant: OpenrcVariant,
  options: { docker?: string[]; network?: 'none' | 'host' } = {},
): Promise<Host> {
  const image = openrcHost(variant)
  const name = `pakman-test-openrc-${process.pid}-${++started}`
  await docker([
    ...['run', '-d', '--name', name, '--network', options.network ?? 'none'],
    ...['--tmpfs', '/run:exec', '--tmpfs', '/sys/fs/cgroup'],
    ...(options.docker ?? []),
    image,
  ])
  const host: Host = {
    variant,
    name,
    sh: (script) => docker(['exec', name, '/bin/sh', '-c', script]),
    copyIn: async (source, target) => {
      const ran = await docker(['cp', source, `${name}:${target}`])
      if (ran.code) throw new Error(`docker cp ${source} ${name}:${target}: ${ran.stderr}`)
    },
    console: async () => {
      const ran = await docker(['logs', name])
      return ran.stdout + ran.stderr
    },
    reboot: async () => {
      const ran = await docker(['restart', '--time', '20', name])
      if (ran.code) throw new Error(`docker restart ${name}: ${ran.stderr}`)
      await booted(host)
    },
    remove: async () => {
      await docker(['rm', '--force', '--volumes', name])
    },
  }
  await booted(host)
  return host
}

/**
 * Waits until the default runlevel is reached, busybox init runs no openrc any more, and the
 * clock has left the second OpenRC cached its dependencies in: OpenRC renews that cache only for
 * an init.d newer than it, in whole seconds, so a service installed within the same second (a
 * fast machine boots and installs in one) would be unknown to it, its dependencies not started.
 */
async function booted(host: Host): Promise<void> {
  const check = [
    '[ "$(cat /run/openrc/softlevel 2>/dev/null)" = default ]',
    '! ps -o args | grep -q "^/sbin/openrc "',
    '[ "$(date +%s)" -gt "$(stat -c %Y /run/openrc/deptree)" ]',
  ].join(' && ')
  for (let waited = 0; ; waited += 100) {
    if ((await host.sh(check)).code === 0) return
    if (waited > 30_000) {
      const log = await host.console()
      await host.remove()
      throw new Error(
        `the ${host.variant} host did not reach the default runlevel in 30 s:\n${log}`,
      )
    }
    await new Promise((done) => setTimeout(done, 100))
  }
}

function docker(args: string[]): Promise<Ran> {
  return new Promise((done) => {
    execFile('docker', args, { encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      done({ code, stdout, stderr })
    })
  })
}
