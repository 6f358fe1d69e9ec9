import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dockerAvailable } from '../helpers/docker.js'
import {
  OPENRC_BUILD_TIMEOUT,
  OPENRC_HOSTS,
  OPENRC_VARIANTS,
  openrcHost,
  startHost,
  type Host,
} from '../helpers/openrc.js'

/*
 * The OpenRC test hosts themselves, with nothing of PAKman's: each image boots, has the OpenRC it
 * claims and s6 where its layout says, and the real OpenRC + s6 + execline supervise a
 * hand-written service (a run script printing a line a second, an s6-log logger) registered by a
 * four-line init script with supervisor=s6.
 */
// Where .ci/run says the shared things must be there, the images must be too: no Docker fails.
const docker = dockerAvailable() || Boolean(process.env.PAKMAN_SHARED_REQUIRED)
const DIR = resolve(fileURLToPath(import.meta.url), '../openrc')

describe('the OpenRC hosts build', () => {
  it('is shell that passes shellcheck: build.sh and the init scripts it adds', () => {
    const scripts = ['build.sh', ...readdirSync(join(DIR, 'init.d')).map((n) => `init.d/${n}`)]
    const ran = spawnSync('shellcheck', scripts, { cwd: DIR, encoding: 'utf8' })
    expect(ran.stdout + ran.stderr).toBe('')
    expect(ran.status).toBe(0)
  })
})

/** The service directory, its logger, and the init script (s6_service_path: read up to 0.62). */
const SERVICE = `set -e
mkdir -p /var/svc.d/tick/log /var/log/tick
cat >/var/svc.d/tick/run <<'EOF'
#!/bin/execlineb -P
fdmove -c 2 1
sh -c "while :; do echo tick; sleep 1; done"
EOF
cat >/var/svc.d/tick/log/run <<'EOF'
#!/bin/execlineb -P
s6-log -b n3 s100000 T /var/log/tick
EOF
cat >/etc/init.d/tick <<'EOF'
#!/sbin/openrc-run
supervisor=s6
s6_service_path=/var/svc.d/tick
depend() { need s6-svscan; }
EOF
chmod 755 /var/svc.d/tick/run /var/svc.d/tick/log/run /etc/init.d/tick`

const STATUS = 's6-svstat /run/openrc/s6-scan/tick'

describe.runIf(docker).each(OPENRC_VARIANTS)('the OpenRC host %s', (variant) => {
  const info = OPENRC_HOSTS[variant]
  let host: Host

  beforeAll(async () => {
    host = await startHost(variant)
  }, OPENRC_BUILD_TIMEOUT)
  afterAll(async () => {
    await host?.remove()
  })

  it('booted the OpenRC it claims, with s6, execline, bash, jq and curl where Alpine has them', async () => {
    const labels = execFileSync(
      'docker',
      ['image', 'inspect', '--format', '{{json .Config.Labels}}', openrcHost(variant)],
      { encoding: 'utf8' },
    )
    expect(JSON.parse(labels)).toEqual({
      'pakman.alpine': info.alpine,
      'pakman.openrc': info.openrc,
      'pakman.s6-bindir': info.s6Bindir,
    })
    const console = await host.console()
    expect(console).toContain(`OpenRC ${info.openrc} is starting up`)
    expect(console).not.toMatch(/error/i)

    const ran = await host.sh(
      [
        'openrc --version',
        'cat /etc/alpine-release',
        'for c in s6-svscan s6-log execlineb bash jq curl; do command -v $c; done',
        'readlink -f /bin/execlineb',
        'apk info -e openrc s6 execline bash jq curl',
        'ls /bin/s6-svscan /usr/bin/s6-svscan 2>&1 || true',
      ].join(' && '),
    )
    expect(ran.stderr).toBe('')
    const lines = ran.stdout.trim().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^openrc \\(OpenRC \\[DOCKER\\]\\) ${info.openrc}$`))
    expect(lines[1]).toMatch(info.alpine === '3.20.3' ? /^3\.20\.3$/ : /^3\.21\.0_alpha20240923$/)
    expect(lines.slice(2, 8)).toEqual([
      `${info.s6Bindir}/s6-svscan`,
      `${info.s6Bindir}/s6-log`,
      `${info.s6Bindir}/execlineb`,
      '/bin/bash',
      '/usr/bin/jq',
      '/usr/bin/curl',
    ])
    expect(lines[8]).toBe('/usr/lib/execline/bin/execlineb')
    expect(lines.slice(9, 15)).toEqual(['openrc', 's6', 'execline', 'bash', 'jq', 'curl'])
    // Only the layout's directory has s6-svscan: the /bin/s6-svscan link is a package's to make.
    const missing = info.s6Bindir === '/bin' ? '/usr/bin/s6-svscan' : '/bin/s6-svscan'
    expect(lines.slice(15).join('\n')).toContain(`${missing}: No such file or directory`)
    // On the /bin layout, /usr/bin has only links to the few s6 programs Debian's build calls
    // by their /usr/bin paths (s6-svscan → /usr/bin/s6-supervise …); see build.sh.
    const s6InUsrBin = await host.sh('find /usr/bin -name "s6-*" ! -type l')
    expect(s6InUsrBin.stdout).toEqual(
      info.s6Bindir === '/bin' ? '' : expect.stringMatching(/s6-svc/),
    )

    const tools = await host.sh(
      `bash -c 'echo "$BASH_VERSION"' && echo '{"a":[1,2]}' | jq -c '.a' && ` +
        'curl -s --unix-socket /dev/lxd/sock x/1.0; echo "curl: $?"',
    )
    expect(tools.stdout).toMatch(/^5\.\d+\.\d+\(1\)-release\n\[1,2\]\ncurl: 7\n$/)
  })

  it('supervises a hand-written s6 service: start, log, back after kill -9, stop', async () => {
    expect(await host.sh(SERVICE)).toMatchObject({ code: 0, stderr: '' })

    if (variant === '0.56-usrbin') {
      // OpenRC ≤ 0.62's s6-svscan service runs /bin/s6-svscan, which this layout lacks.
      const refused = await host.sh('rc-service tick start')
      expect(refused.code).not.toBe(0)
      expect(refused.stdout + refused.stderr).toContain(
        '/bin/s6-svscan is missing (please install s6)',
      )
      await host.sh('rc-service s6-svscan zap; ln -s /usr/bin/s6-svscan /bin/s6-svscan')
    }

    const start = await host.sh('rc-service tick start')
    expect(start).toMatchObject({ code: 0 })
    expect(start.stdout + start.stderr).toMatch(/Starting tick .*\[ ok \]/)
    if (info.openrc === '0.64.1')
      // command= is empty, so 0.63.1+ runs /var/svc.d/tick as it is (s6_service_path unread).
      expect(start.stdout + start.stderr).toContain(
        'Starting tick (via user-provided service directory)',
      )

    const up = await host.sh(STATUS)
    const pid = Number(/^up \(pid (\d+)/.exec(up.stdout)?.[1])
    expect(pid).toBeGreaterThan(0)
    const tree = (await host.sh('ps -o args')).stdout
    expect(tree).toContain('s6-supervise tick\n')
    expect(tree).toContain('s6-supervise tick/log\n')
    expect(tree).toContain('s6-log -b n3 s100000 T /var/log/tick\n')

    const lines = async () =>
      Number((await host.sh('wc -l </var/log/tick/current')).stdout.trim() || 0)
    const before = await lines()
    const logging = Date.now()
    while ((await lines()) <= before && Date.now() - logging < 3000)
      await new Promise((done) => setTimeout(done, 100))
    expect(await lines()).toBeGreaterThan(before)

    const killed = Date.now()
    await host.sh(`kill -9 ${pid}`)
    let again = 0
    while (Date.now() - killed < 5000) {
      const status = (await host.sh(STATUS)).stdout
      again = Number(/^up \(pid (\d+)/.exec(status)?.[1] ?? 0)
      if (again && again !== pid) break
      await new Promise((done) => setTimeout(done, 50))
    }
    expect(again).toBeGreaterThan(0)
    expect(again).not.toBe(pid)
    expect(Date.now() - killed).toBeLessThan(2500)

    const stop = await host.sh('rc-service tick stop')
    expect(stop).toMatchObject({ code: 0 })
    expect(stop.stdout + stop.stderr).toMatch(/Stopping tick .*\[ ok \]/)
    const after = await host.sh(`rc-service tick status; echo "exit $?"; ${STATUS}; ps -o args`)
    if (info.openrc === '0.56') {
      // ≤ 0.62 only says `s6-svc -d`: the app is down, its supervisors and logger stay.
      expect(after.stdout).toMatch(/^down \(signal SIGTERM\) .*normally up.*\nexit 0\n/)
      expect(after.stdout).toContain('s6-supervise tick\n')
    } else {
      // 0.63+ unlinks the service: supervisor and logger go too.
      expect(after.stdout + after.stderr).toMatch(/status: stopped[^\n]*\nexit 3\n/)
      expect(after.stdout).not.toContain('s6-supervise tick')
    }
    expect(after.stdout).not.toContain('while :; do echo tick')
  })
})
