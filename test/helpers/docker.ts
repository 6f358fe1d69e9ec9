import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * Docker for tests: nothing is pulled. Images are made by test/docker/make-image.sh from Debian's
 * busybox-static, openssl and the stand-in scripts in test/docker/stand-ins (apk, abuild,
 * adduser, addgroup), imported with `docker import`.
 */

const STAND_INS = resolve(fileURLToPath(import.meta.url), '../../docker/stand-ins')
const MAKE_IMAGE = resolve(fileURLToPath(import.meta.url), '../../docker/make-image.sh')
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
  const busybox = readFileSync(BUSYBOX)
  const hash = createHash('sha256').update(busybox)
  for (const name of readdirSync(STAND_INS).sort())
    hash.update(name).update(readFileSync(join(STAND_INS, name)))
  hash.update(readFileSync(MAKE_IMAGE)).update(JSON.stringify(options.installed ?? []))
  const reference = `pakman-test/alpine:${hash.digest('hex').slice(0, 16)}`
  if (spawnSync('docker', ['image', 'inspect', reference]).status === 0) return reference

  execFileSync(MAKE_IMAGE, [reference, ...(options.installed ?? [])], { stdio: 'inherit' })
  return reference
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
