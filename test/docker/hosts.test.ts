import { generateKeyPairSync } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeWorkspace } from '../fixtures/workspace.js'
import { dockerAvailable, pakmanBuild, testImage } from '../helpers/docker.js'
import { startFakeInstellarHost, type FakeInstellarHost } from '../helpers/fake-lxd.js'
import {
  OPENRC_BUILD_TIMEOUT,
  OPENRC_HOSTS,
  OPENRC_VARIANTS,
  openrcHost,
  startHost,
  type Host,
  type OpenrcVariant,
} from '../helpers/openrc.js'
import { scratchDirs } from '../helpers/scratch.js'

/*
 * PAKman's packages on hosts with the real OpenRC (0.56: the s6 backend of 0.62 and older, on
 * Alpine 3.20's /bin layout and 3.21's /usr/bin one; 0.64.1: the reworked backend of 0.63 and
 * later), the real s6, execline, bash, jq and curl, and the rootfs's real apk (see
 * test/docker/openrc). The packages are built by `pakman build` (stand-in abuild, see
 * build.test.ts); the service's environment script reaches a fake LXD socket and installation
 * endpoint (test/helpers/fake-lxd.ts), so the variables reach the app as on an Instellar host.
 *
 * "The original's package" is built from the same recipe with the original PAKman v8.4.1's init
 * script (hosts/original-v8.4.1.initd); its other generated files are the same as PAKman's (see
 * test/recipe-golden.test.ts).
 */
const docker = dockerAvailable() || Boolean(process.env.PAKMAN_SHARED_REQUIRED)
const HOSTS = resolve(fileURLToPath(import.meta.url), '../hosts')
const { temp, keep } = scratchDirs()

/** Prints its version, the user it runs as and a platform variable; `serve` once a second. */
const APP = `#!/bin/sh
version="$(cat /var/lib/app/bin/VERSION)"
line() { echo "app $version $1 as $(id -un) with GREETING=\${GREETING:-}"; }
if [ "$1" = serve ]; then
	while :; do line serving; sleep 1; done
fi
line "$1"
`

interface HostConfig {
  unprivileged?: boolean
  /** A post-upgrade hook that restarts the service, as most configs in the corpus have. */
  restartOnUpgrade?: boolean
  /** Install the original v8.4.1 init script instead of PAKman's (a custom package()). */
  originalInitd?: boolean
}

function hostConfig(options: HostConfig): string {
  // Where the original's package() puts each generated file (the same places as PAKman's).
  const installed: Record<string, string> = {
    run: 'service/run',
    finish: 'service/finish',
    log: 'service/log/run',
    environment: 'bin/environment',
    'env-exec': 'bin/env-exec',
  }
  return [
    'dependencies:',
    '  build: [busybox]',
    '  runtime: [app-openrc]',
    'build:',
    '  command: |',
    '    printf "%s\\n" "$pkgver" >bin/VERSION',
    '  destinations: [bin]',
    ...(options.originalInitd
      ? [
          'package: |',
          '  install -dm755 "$pkgdir"/var/lib/"$pkgname"',
          '  cp -r "$srcdir"/bin "$pkgdir"/var/lib/"$pkgname"/',
          '  install -Dm755 "$srcdir"/original/app.initd "$pkgdir"/etc/init.d/"$pkgname"',
          ...Object.entries(installed).map(
            ([file, path]) =>
              `  install -Dm755 "$srcdir"/"$pkgname".${file} "$pkgdir"/var/lib/"$pkgname"/${path}`,
          ),
        ]
      : []),
    'run:',
    '  name: app',
    ...(options.unprivileged ? ['  unprivileged: true'] : []),
    '  commands:',
    '    - name: greet',
    '      binary: app',
    '      call: greet',
    '  services:',
    '    - name: web',
    '      binary: app',
    '      start:',
    '        call: serve',
    'hook:',
    '  post-install: |',
    '    rc-update add app default',
    '  post-upgrade: |',
    '    echo "post-upgrade $1" >>/var/lib/app-hooks',
    ...(options.restartOnUpgrade ? ['    rc-service app restart'] : []),
    '',
  ].join('\n')
}

/** The packages, built once: each a repository directory of its own. */
const BUILDS = {
  original: { version: '1.0.0', build: '0', config: { originalInitd: true } },
  current: { version: '1.1.0', build: '0', config: {} },
  upgrade: { version: '1.2.0', build: '0', config: { restartOnUpgrade: true } },
  unprivileged: { version: '1.1.0', build: '7', config: { unprivileged: true } },
} satisfies Record<string, { version: string; build: string; config: HostConfig }>
type BuildName = keyof typeof BUILDS

const repositories = {} as Record<BuildName, string>
let keyFile: string

describe.runIf(docker)('PAKman packages on hosts with the real OpenRC', () => {
  let lxd: FakeInstellarHost

  beforeAll(async () => {
    for (const variant of OPENRC_VARIANTS) openrcHost(variant)
    const image = testImage()
    const cacheHome = temp('pakman-cache-')
    const keys = temp('pakman-keys-')
    keyFile = join(keys, 'octo-app.rsa')
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 })
    for (const [name, build] of Object.entries(BUILDS) as [
      BuildName,
      (typeof BUILDS)[BuildName],
    ][]) {
      const workspace = keep(makeWorkspace(hostConfig(build.config)))
      writeFileSync(join(workspace, 'bin/app'), APP)
      chmodSync(join(workspace, 'bin/app'), 0o755)
      mkdirSync(join(workspace, 'original'))
      writeFileSync(
        join(workspace, 'original/app.initd'),
        readFileSync(join(HOSTS, 'original-v8.4.1.initd')),
      )
      const packages = temp(`pakman-${name}-`)
      const ran = await pakmanBuild(
        workspace,
        image,
        [
          ...['--packages-dir', packages, '--pkgver', build.version, '--build', build.build],
          ...['--signing-key', keyFile, '--signing-key-name', 'octo-app', '--no-install-test'],
        ],
        { XDG_CACHE_HOME: cacheHome },
      )
      if (ran.code !== 0) throw new Error(`building the ${name} package failed:\n${ran.stderr}`)
      repositories[name] = packages
    }
    lxd = await startFakeInstellarHost({ GREETING: 'hello from the platform' })
  }, OPENRC_BUILD_TIMEOUT + 300_000)
  afterAll(async () => {
    await lxd?.close()
  })

  /** A host of `variant` that trusts the run's key and has every package under /srv/<build>. */
  async function prepareHost(variant: OpenrcVariant): Promise<Host> {
    const host = await startHost(variant, {
      network: 'host',
      docker: ['-v', `${lxd.socket}:/dev/lxd/sock`],
    })
    for (const [name, dir] of Object.entries(repositories)) await host.copyIn(dir, `/srv/${name}`)
    await host.copyIn(join(repositories.current, 'octo-app.rsa.pub'), '/etc/apk/keys/')
    return host
  }

  describe.each(OPENRC_VARIANTS)('OpenRC %s', (variant) => {
    const info = OPENRC_HOSTS[variant]
    const legacy = info.openrc === '0.56'
    let host: Host
    const hosts: Host[] = []
    afterAll(async () => {
      for (const h of hosts) await h.remove()
    })

    /** Each scenario starts on a host of its own. */
    const onFreshHost = () =>
      beforeAll(async () => {
        host = await prepareHost(variant)
        hosts.push(host)
      }, 60_000)

    const sh = async (script: string) => host.sh(script)
    const ok = async (script: string) => {
      const ran = await host.sh(script)
      expect(ran.code, `${script}\n${ran.stdout}${ran.stderr}`).toBe(0)
      return ran.stdout
    }
    /** Installs or upgrades app, and with --upgrade its app-openrc too (a dependency). */
    const install = (build: BuildName) =>
      ok(
        `apk add --upgrade --no-network --repository /srv/${build}/octo app=${BUILDS[build].version}-r${BUILDS[build].build} 2>&1`,
      )
    /** The app's pid under s6, once it is up (waits up to `seconds`). */
    const appPid = async (seconds = 10): Promise<number> => {
      const script = `for i in $(seq ${seconds * 5}); do
	pid="$(s6-svstat -o up,pid /run/openrc/s6-scan/app 2>/dev/null)"
	case "$pid" in true\\ [1-9]*) echo "\${pid#true }"; exit 0 ;; esac
	sleep 0.2
done
exit 1`
      const ran = await sh(script)
      expect(ran.code, `the app did not come up: ${ran.stdout}${ran.stderr}`).toBe(0)
      return Number(ran.stdout.trim())
    }
    /** Waits until the log has a line containing `text`; returns the log. */
    const logged = async (text: string, seconds = 10): Promise<string> => {
      const ran = await sh(
        `for i in $(seq ${seconds * 5}); do grep -qF '${text}' /var/log/app/current 2>/dev/null && break; sleep 0.2; done; cat /var/log/app/current`,
      )
      expect(ran.stdout, `no "${text}" in /var/log/app/current`).toContain(text)
      return ran.stdout
    }
    /** What s6 and the app have running: `args` of every process that names the service. */
    const supervision = async () =>
      (
        await sh(
          'ps -o args | grep -e "s6-supervise app" -e "s6-log .*/var/log/app" -e "app serve" | grep -v grep',
        )
      ).stdout

    describe('a package of PAKman, from install to removal', () => {
      onFreshHost()

      it('installs with the real apk, and starts under s6 with its variables, logging', async () => {
        const installed = await install('current')
        expect(installed).toContain('Installing app (1.1.0-r0)')
        expect(installed).toContain('Executing app-1.1.0-r0.post-install')
        // what the generated files run came as dependencies, though the config lists none of it
        const depends = (await ok('apk info -R app')).split('\n')
        expect(depends).toEqual(expect.arrayContaining(['bash', 'curl', 'jq', 's6', 'execline']))
        if (info.s6Bindir === '/usr/bin') {
          // OpenRC 0.56 (as 0.55-0.62 on Alpine 3.21/3.22) starts /bin/s6-svscan: pre-install links it
          expect(await ok('readlink /bin/s6-svscan')).toBe('/usr/bin/s6-svscan\n')
        }
        const started = await sh('rc-service app start 2>&1')
        expect(started.code, started.stdout).toBe(0)
        const pid = await appPid()
        expect(pid).toBeGreaterThan(1)
        await logged('app 1.1.0 serving as root with GREETING=hello from the platform')
        expect(await supervision()).toMatch(/s6-supervise app\n[\s\S]*s6-log/)
        expect(lxd.requests).toContain('endpoint GET /installation')
        // OpenRC's own view
        expect((await sh('rc-service app status')).code).toBe(0)
      }, 60_000)

      it('is back within seconds after kill -9, with a new pid', async () => {
        const before = await appPid()
        await ok(`kill -9 ${before}`)
        const started = Date.now()
        let after = before
        while (after === before && Date.now() - started < 5000) after = await appPid()
        expect(after).not.toBe(before)
        expect(Date.now() - started).toBeLessThan(5000)
      }, 30_000)

      it('runs a one-off command through env-exec, with the variables', async () => {
        expect(await ok('rc-service app greet 2>&1')).toContain(
          'app 1.1.0 greet as root with GREETING=hello from the platform',
        )
      }, 30_000)

      it('restarts, and stops with nothing of the service left running', async () => {
        const before = await appPid()
        expect((await sh('rc-service app restart 2>&1')).code).toBe(0)
        expect(await appPid()).not.toBe(before)
        const stopped = await sh('rc-service app stop 2>&1')
        expect(stopped.code, stopped.stdout).toBe(0)
        // on 0.62 and older too: the supervisor and the logger end, as 0.63 does it
        expect(await supervision()).toBe('')
        expect((await sh('rc-service app status')).code).not.toBe(0)
        expect((await sh('rc-service app start 2>&1')).code).toBe(0)
        await appPid()
      }, 60_000)

      it('upgrades with the service running: the hook restarts it on the new version', async () => {
        const upgraded = await install('upgrade')
        expect(upgraded).toContain('Upgrading app (1.1.0-r0 -> 1.2.0-r0)')
        expect(upgraded).not.toMatch(/ERROR|exited with error/)
        expect(await ok('cat /var/lib/app-hooks')).toBe('post-upgrade 1.2.0-r0\n')
        await appPid()
        await logged('app 1.2.0 serving as root')
        expect(await supervision()).toMatch(/^s6-supervise app$/m)
      }, 60_000)

      it('comes up by itself after a reboot', async () => {
        await host.reboot()
        await appPid(15)
        const log = await logged('app 1.2.0 serving', 15)
        expect(log).toBeTruthy()
      }, 90_000)

      it('is removed with apk del, leaving no service directory or link behind', async () => {
        await ok('rc-service app stop')
        const removed = await ok('apk del --no-network app app-openrc 2>&1')
        expect(removed).toContain('Purging app (1.2.0-r0)')
        expect(removed).not.toMatch(/ERROR/)
        expect((await sh('[ -e /var/lib/app ] || [ -L /var/svc.d/app ]')).code).not.toBe(0)
      }, 60_000)
    })

    describe("upgrading a host from the original's package, the service running", () => {
      onFreshHost()

      it("the original's package installs; its service starts only on OpenRC 0.62 and older", async () => {
        await install('original')
        const started = await sh('rc-service app start 2>&1')
        if (legacy) {
          expect(started.code, started.stdout).toBe(0)
          await logged('app 1.0.0 serving as root')
          // the original's restart leaves OpenRC's stray link inside the service directory
          expect((await sh('rc-service app restart 2>&1')).code).toBe(0)
          await appPid()
          expect(await ok('readlink /var/lib/app/service/app')).toBe('/run/openrc/s6-scan/app\n')
        } else {
          // 0.63 and later: its own link in the scan directory makes OpenRC's s6-svlink fail
          expect(started.code).not.toBe(0)
          expect(started.stdout).toContain('File exists')
        }
      }, 60_000)

      it('upgrades to PAKman without interrupting the app, which is manageable at once', async () => {
        const before = legacy ? await appPid() : undefined
        const upgraded = await install('current')
        expect(upgraded).toContain('Upgrading app (1.0.0-r0 -> 1.1.0-r0)')
        expect(await ok('cat /var/lib/app-hooks')).toBe('post-upgrade 1.1.0-r0\n')
        if (legacy) {
          // the same process still runs: nothing restarted it
          expect(await appPid()).toBe(before)
          expect((await sh('rc-service app status')).code).toBe(0)
          const restarted = await sh('rc-service app restart 2>&1')
          expect(restarted.code, restarted.stdout).toBe(0)
          expect(await appPid()).not.toBe(before)
        } else {
          // what the original left: its link in the scan directory, which nothing supervises
          expect(
            (await sh('[ -L /run/openrc/s6-scan/app ] && ! s6-svok /run/openrc/s6-scan/app')).code,
          ).toBe(0)
          const started = await sh('rc-service app start 2>&1')
          expect(started.code, started.stdout).toBe(0)
        }
        await logged('app 1.1.0 serving as root')
        const stopped = await sh('rc-service app stop 2>&1')
        expect(stopped.code, stopped.stdout).toBe(0)
        expect(await supervision()).toBe('')
        expect((await sh('rc-service app start 2>&1')).code).toBe(0)
        await appPid()
      }, 90_000)

      it('comes up clean after a reboot, and apk del leaves nothing behind', async () => {
        await host.reboot()
        await appPid(15)
        await logged('app 1.1.0 serving', 15)
        await ok('rc-service app stop')
        await ok('apk del --no-network app app-openrc')
        expect((await sh('[ -e /var/lib/app ] || [ -L /var/svc.d/app ]')).code).not.toBe(0)
      }, 90_000)
    })

    describe('run.unprivileged', () => {
      onFreshHost()

      it("runs the service and its commands as the package's account", async () => {
        await install('unprivileged')
        expect((await sh('rc-service app start 2>&1')).code).toBe(0)
        const pid = await appPid()
        await logged('app 1.1.0 serving as app with GREETING=hello from the platform')
        expect(await ok(`awk '/^Uid:/ { print $2 }' /proc/${pid}/status`)).toBe(
          `${(await ok('id -u app')).trim()}\n`,
        )
        expect(await ok('rc-service app greet 2>&1')).toContain('app 1.1.0 greet as app')
      }, 60_000)
    })
  })
})
