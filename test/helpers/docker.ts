import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * Docker for tests: nothing is pulled. Images are built here from Debian's busybox-static plus the
 * stand-in scripts in test/docker/stand-ins (apk, abuild, adduser, addgroup), imported with
 * `docker import`.
 */

const STAND_INS = resolve(fileURLToPath(import.meta.url), '../../docker/stand-ins')
const BUSYBOX = '/bin/busybox'

/** True when a Docker daemon answers. Under CI a missing daemon fails the Docker tests instead. */
export function dockerAvailable(): boolean {
  const ran = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    encoding: 'utf8',
  })
  const available = ran.status === 0
  if (!available && process.env.CI) {
    throw new Error(
      `CI needs Docker for these tests, and the daemon does not answer: ${ran.stderr || ran.error?.message}`,
    )
  }
  return available
}

export interface TestImageOptions {
  /** Packages the stand-in apk reports as installed (a prepared image has them all). */
  installed?: string[]
}

/** Builds (once per content) a busybox image with the stand-ins; returns its reference. */
export function testImage(options: TestImageOptions = {}): string {
  const busybox = readFileSync(busyboxPath())
  const hash = createHash('sha256').update(busybox)
  for (const name of readdirSync(STAND_INS).sort())
    hash.update(name).update(readFileSync(join(STAND_INS, name)))
  hash.update(JSON.stringify(options.installed ?? []))
  const reference = `pakman-test/alpine:${hash.digest('hex').slice(0, 16)}`
  if (spawnSync('docker', ['image', 'inspect', reference]).status === 0) return reference

  const root = mkdtempSync(join(tmpdir(), 'pakman-rootfs-'))
  try {
    for (const dir of [
      'bin',
      'sbin',
      'usr/bin',
      'usr/sbin',
      'etc/apk/keys',
      'etc/stand-in',
      'tmp',
      'home',
      'root',
    ]) {
      mkdirSync(join(root, dir), { recursive: true })
    }
    chmodSync(join(root, 'tmp'), 0o1777)
    copyFileSync(busyboxPath(), join(root, 'bin/busybox'))
    chmodSync(join(root, 'bin/busybox'), 0o755)
    const applets = execFileSync(busyboxPath(), ['--list'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
    for (const applet of applets) {
      if (['busybox', 'adduser', 'addgroup'].includes(applet)) continue
      symlinkSync('/bin/busybox', join(root, 'bin', applet))
    }
    for (const name of readdirSync(STAND_INS)) {
      const target = join(root, name === 'apk' ? 'sbin' : 'usr/bin', name)
      copyFileSync(join(STAND_INS, name), target)
      chmodSync(target, 0o755)
    }
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n')
    writeFileSync(join(root, 'etc/group'), 'root:x:0:root\n')
    writeFileSync(
      join(root, 'etc/stand-in/installed'),
      (options.installed ?? []).map((p) => `${p}\n`).join(''),
    )
    execFileSync('sh', ['-c', `tar -C '${root}' -c . | docker import - '${reference}'`], {
      stdio: 'ignore',
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  return reference
}

function busyboxPath(): string {
  for (const candidate of [BUSYBOX, '/usr/bin/busybox']) {
    if (spawnSync(candidate, ['true']).status === 0) return candidate
  }
  throw new Error('busybox-static is not installed (apt-get install busybox-static)')
}

/** Names of running or stopped containers whose name starts with `prefix`. */
export function containersNamed(prefix: string): string[] {
  const out = execFileSync(
    'docker',
    ['ps', '--all', '--filter', `name=${prefix}`, '--format', '{{.Names}}'],
    { encoding: 'utf8' },
  )
  return out.split('\n').filter(Boolean)
}
