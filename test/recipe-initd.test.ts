import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config/index.js'
import { parseRepository, renderRecipe } from '../src/recipe/index.js'
import { MINIMAL } from './fixtures/minimal.js'

/*
 * How the init script picks its way of handing the service to s6, per OpenRC s6 backend. openrc-run
 * sources sh/s6.sh before the service script; each case below stands in for what that file leaves
 * behind (read in OpenRC's source at 0.62.6, 0.63 and 0.63.2): up to 0.62 s6_service_path is set
 * to its default /var/svc.d/$RC_SVCNAME; from 0.63.1 (OpenRC commit 16e1acd1) s6.sh defines
 * _s6_have_legacy_servicedir; 0.63 neither. The real OpenRC 0.56 and 0.64.1 run the whole
 * package in test/docker/hosts.test.ts.
 */
const loaded = parseConfig(MINIMAL, 'instellar.yml')
if (!loaded.ok) throw new Error('MINIMAL does not parse')
const initd = renderRecipe(loaded, {
  repository: parseRepository('octo/app')!,
  version: '1.0.0',
  release: 1,
}).files.find((f) => f.name === 'app.initd')!.content

const dir = mkdtempSync(join(tmpdir(), 'pakman-initd-'))
const script = join(dir, 'app')
writeFileSync(script, initd)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BACKENDS = {
  '0.62 and older': 's6_service_path="/var/svc.d/${RC_SVCNAME}"',
  '0.63.1 and newer': '_s6_have_legacy_servicedir() { :; }',
  '0.63': '',
}

const SHELLS: Record<string, string[]> = { 'busybox sh': ['busybox', 'sh'], dash: ['dash'] }

describe.each(Object.keys(SHELLS))('the init script under %s', (shell) => {
  /** Sources the script as openrc-run would, runs `then`, prints what the s6 backend will read. */
  const run = (backend: string, then = '') => {
    const [command, ...args] = SHELLS[shell]!
    const program = `RC_SVCNAME=app\n${backend}\n. "${script}"\n${then}
printf 'path=%s\\ncommand=%s\\nlogger=%s\\n' "\${s6_service_path:-}" "\${command:-}" "\${output_logger:-}"\n`
    return spawnSync(command!, [...args, '-c', program], { encoding: 'utf8' })
  }

  it('OpenRC 0.62 and older: starts /var/svc.d/app through s6_service_path', () => {
    expect(run(BACKENDS['0.62 and older'])).toMatchObject({
      status: 0,
      stdout: 'path=/var/svc.d/app\ncommand=\nlogger=\n',
    })
  })

  it('OpenRC 0.63.1 and newer: command= stays empty, so /var/svc.d/app is used', () => {
    expect(run(BACKENDS['0.63.1 and newer'])).toMatchObject({
      status: 0,
      stdout: 'path=\ncommand=\nlogger=\n',
    })
  })

  it('OpenRC 0.63: hands the run and log scripts over as command= and output_logger=', () => {
    expect(run(BACKENDS['0.63'])).toMatchObject({
      status: 0,
      stdout: 'path=\ncommand=/var/lib/app/service/run\nlogger=/var/lib/app/service/log/run\n',
    })
  })

  it('start_pre links /var/svc.d/app to the packaged service directory when it is missing', () => {
    // mkdir and ln stand in as functions, so nothing outside the test directory is touched.
    const ran = run(
      BACKENDS['0.63.1 and newer'],
      'mkdir() { echo "mkdir $*"; }\nln() { echo "ln $*"; }\nstart_pre',
    )
    expect(ran.status).toBe(0)
    expect(ran.stdout).toMatch(
      /^mkdir -p \/var\/svc\.d\nln -sfn \/var\/lib\/app\/service \/var\/svc\.d\/app\n/,
    )
  })

  it('stop_pre makes the same link, for a host whose service the original package started', () => {
    const ran = run(
      BACKENDS['0.62 and older'],
      'mkdir() { echo "mkdir $*"; }\nln() { echo "ln $*"; }\nstop_pre',
    )
    expect(ran.stdout).toMatch(
      /^mkdir -p \/var\/svc\.d\nln -sfn \/var\/lib\/app\/service \/var\/svc\.d\/app\n/,
    )
  })

  it('start_pre removes a scan-directory link that nothing supervises, and only that', () => {
    // s6-svok (a hyphenated name, so not a shell function) stands in on PATH: exit 0 = supervised
    const scan = join(dir, 's6-scan')
    const bin = join(dir, 'bin')
    mkdirSync(bin, { recursive: true })
    const outcome = (supervised: boolean) => {
      writeFileSync(join(bin, 's6-svok'), `#!/bin/sh\nexit ${supervised ? 0 : 1}\n`, {
        mode: 0o755,
      })
      return run(
        BACKENDS['0.63.1 and newer'],
        `RC_SVCDIR="${dir}"\nPATH="${bin}:$PATH"\nmkdir -p "${scan}"\nln -sfn /nowhere "${scan}/app"
link_service_dir() { :; }\nstart_pre\n[ -L "${scan}/app" ] && echo kept || echo removed`,
      ).stdout
    }
    expect(outcome(false)).toMatch(/^removed\n/)
    expect(outcome(true)).toMatch(/^kept\n/)
  })

  it('OpenRC 0.62 and older: stop also ends the supervisor and logger, as 0.63 does', () => {
    mkdirSync(join(dir, 'bin'), { recursive: true })
    writeFileSync(join(dir, 'bin/s6-svunlink'), '#!/bin/sh\necho "s6-svunlink $*"\n', {
      mode: 0o755,
    })
    const old = run(
      BACKENDS['0.62 and older'],
      `RC_SVCDIR=/run/openrc\nPATH="${dir}/bin:$PATH"\nstop_post`,
    )
    expect(old.stdout).toMatch(/^s6-svunlink \/run\/openrc\/s6-scan app\n/)
    // 0.63 and later do that themselves: the script defines no stop_post there
    const newer = run(BACKENDS['0.63.1 and newer'], 'command -v stop_post || echo none')
    expect(newer.stdout).toMatch(/^none\n/)
  })

  it('depend needs the network and s6-svscan', () => {
    const ran = run('', 'need() { echo "need $*"; }\ndepend')
    expect(ran.stdout).toMatch(/^need net s6-svscan\n/)
  })
})
