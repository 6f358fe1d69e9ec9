import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cleanEnv, runNode, type Ran } from './run.js'
import { SHARED } from './shared.js'

/*
 * Docker for tests: nothing is pulled where ../shared is present. Test images are the official
 * Alpine minirootfs tarballs from ../shared/alpine (real apk-tools, busybox adduser/addgroup/su),
 * imported with `docker import`, plus the stand-ins in test/docker/stand-ins for what the rootfs
 * lacks (abuild, rc-update, rc-service) — see test/docker/make-image.sh. Without ../shared (a
 * clone on a developer's machine) the same images are made from alpine:<version> instead.
 */

const HERE = fileURLToPath(import.meta.url)
const STAND_INS = resolve(HERE, '../../docker/stand-ins')
const MAKE_IMAGE = resolve(HERE, '../../docker/make-image.sh')
const ALPINE = join(SHARED, 'alpine')
/** A local apk repository of real packages signed with a test key (../shared/vectors/apk). */
const VECTOR_REPOSITORY = join(SHARED, 'vectors/apk/good/manual')
const VECTOR_KEY = join(SHARED, 'vectors/apk/keys/pakman-test@example.invalid-6b08b41c.rsa.pub')

export type TestStack = '3.18' | '3.19' | '3.20' | 'edge'
export type TestArch = 'x86_64' | 'aarch64'
export const TEST_STACKS: readonly TestStack[] = ['3.18', '3.19', '3.20', 'edge']

const ROOTFS: Record<string, string> = {
  '3.18/x86_64': 'alpine-minirootfs-3.18.9-x86_64.tar.gz',
  '3.19/x86_64': 'alpine-minirootfs-3.19.4-x86_64.tar.gz',
  '3.20/x86_64': 'alpine-minirootfs-3.20.3-x86_64.tar.gz',
  'edge/x86_64': 'alpine-minirootfs-20240923-x86_64.tar.gz',
  '3.20/aarch64': 'alpine-minirootfs-3.20.3-aarch64.tar.gz',
}

/** What a deployment target and a prepared build image have; registered as empty packages. */
export const PREPARED_PACKAGES = [
  'alpine-sdk',
  'pigz',
  'openrc',
  'bash',
  's6',
  'execline',
  'jq',
  'curl',
]

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
  stack?: TestStack
  arch?: TestArch
  /** Packages registered as installed (default PREPARED_PACKAGES). */
  installed?: readonly string[]
  /** Shell run as root on top of the image, e.g. to add the users a build must cope with. */
  setup?: string
}

/** Where an image's Alpine userland comes from: the rootfs tarball, else alpine:<version>. */
export function alpineBase(stack: TestStack = '3.20', arch: TestArch = 'x86_64'): string {
  const file = ROOTFS[`${stack}/${arch}`]
  if (!file) throw new Error(`no test rootfs for Alpine ${stack} ${arch}`)
  const tarball = join(ALPINE, file)
  if (existsSync(tarball)) return tarball
  if (arch !== 'x86_64') throw new Error(`${tarball} is missing; ${arch} tests need ../shared`)
  return `alpine:${stack}`
}

/**
 * The Alpine minirootfs alone, as `docker import` makes it (once per tarball, under the name
 * make-image.sh gives it): apk-tools, busybox and Alpine's keys, nothing of PAKman's. Without
 * ../shared, alpine:<version>.
 */
export function rootfsImage(stack: TestStack = '3.20', arch: TestArch = 'x86_64'): string {
  const base = alpineBase(stack, arch)
  if (!existsSync(base)) return base
  const digest = createHash('sha256').update(readFileSync(base)).digest('hex').slice(0, 16)
  const reference = `pakman-test/rootfs:${digest}`
  if (spawnSync('docker', ['image', 'inspect', reference]).status !== 0)
    execFileSync('docker', ['import', '--change', 'CMD ["/bin/sh"]', base, reference], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
  return reference
}

/** Builds (once per content) a test image; returns its reference. */
export function testImage(options: TestImageOptions = {}): string {
  const stack = options.stack ?? '3.20'
  const arch = options.arch ?? 'x86_64'
  const base = alpineBase(stack, arch)
  const installed = options.installed ?? PREPARED_PACKAGES
  const hash = createHash('sha256')
  for (const name of readdirSync(STAND_INS).sort())
    hash.update(name).update(readFileSync(join(STAND_INS, name)))
  const repository =
    arch === 'x86_64' && existsSync(VECTOR_REPOSITORY)
      ? { PAKMAN_TEST_REPOSITORY: VECTOR_REPOSITORY, PAKMAN_TEST_REPOSITORY_KEY: VECTOR_KEY }
      : {}
  hash
    .update(readFileSync(MAKE_IMAGE))
    .update(JSON.stringify([basename(base), installed, options.setup ?? '', repository]))
  const reference = `pakman-test/alpine:${stack}-${arch}-${hash.digest('hex').slice(0, 12)}`
  if (spawnSync('docker', ['image', 'inspect', reference]).status === 0) return reference

  try {
    execFileSync(MAKE_IMAGE, [reference, base, ...installed], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: {
        ...process.env,
        ...repository,
        PAKMAN_TEST_SETUP: options.setup ?? '',
        PAKMAN_TEST_PLATFORM_ARCH: arch === 'aarch64' ? 'arm64' : '',
      },
    })
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '')
    throw new Error(
      `cannot make the test image for Alpine ${stack} ${arch} from ${base}` +
        (base.startsWith('alpine:') ? ` (no ${ALPINE}, and the image is not available)` : '') +
        `:\n${stderr}`,
      { cause: error },
    )
  }
  return reference
}

/**
 * Runs the real apk-tools of `image` over every .apk and APKINDEX.tar.gz under `dir`, trusting only
 * `publicKey` (and Alpine's own keys): `apk verify` per file, the way a user would check a download.
 * Returns apk's lines, e.g. "octo/x86_64/app-1.0.0-r0.apk: 0 - OK", and its exit code.
 */
export function realApkVerify(
  image: string,
  dir: string,
  publicKey: { name: string; file: string },
  platform?: string,
): { code: number; lines: string[] } {
  const ran = runWithRepository(
    image,
    dir,
    publicKey,
    'cd /repo && find . -name "*.apk" -o -name APKINDEX.tar.gz | sed "s|^\\./||" | sort | xargs apk verify',
    platform,
  )
  return { code: ran.code, lines: ran.output.split('\n').filter(Boolean) }
}

/**
 * Installs `spec` (name=version) with the real apk of `image` from the repository `repository`
 * under `dir`, trusting `publicKey`, then runs `inspect` in the same container; returns all output.
 */
export function realApkInstall(
  image: string,
  dir: string,
  publicKey: { name: string; file: string },
  repository: string,
  spec: string,
  inspect: string,
): { code: number; output: string } {
  return runWithRepository(
    image,
    dir,
    publicKey,
    `apk add --no-cache --repository "/repo/${repository}" "${spec}" && ${inspect}`,
  )
}

/** Runs `script` in a fresh, network-less container of `image` with `dir` at /repo (read-only) and the key trusted. */
function runWithRepository(
  image: string,
  dir: string,
  publicKey: { name: string; file: string },
  script: string,
  platform?: string,
): { code: number; output: string } {
  const ran = spawnSync(
    'docker',
    [
      'run',
      ...(platform ? ['--platform', platform] : []),
      ...['--rm', '--network', 'none', '-v', `${dir}:/repo:ro`],
      ...['-v', `${publicKey.file}:/etc/apk/keys/${publicKey.name}:ro`],
      ...['--entrypoint', '/bin/sh', image, '-c', script],
    ],
    { encoding: 'utf8' },
  )
  return { code: ran.status ?? -1, output: `${ran.stdout}${ran.stderr}` }
}

/**
 * The one public key a build wrote beside its packages, as apk trusts it: a throwaway key is named
 * `octo-app-throwaway-<fingerprint>.rsa.pub`, another name each run.
 */
export function builtPublicKey(packagesDir: string): { name: string; file: string } {
  const keys = readdirSync(packagesDir).filter((name) => name.endsWith('.rsa.pub'))
  if (keys.length !== 1) throw new Error(`expected one .rsa.pub in ${packagesDir}, found ${keys}`)
  return { name: keys[0]!, file: join(packagesDir, keys[0]!) }
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

/**
 * `pakman build` of the test app (repository octo/app) in `image`, run as a user runs it
 * (dist/cli.js); `args` adds options, `env` adds to an environment without GitHub's variables.
 */
export function pakmanBuild(
  workspace: string,
  image: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<Ran> {
  return runNode(
    'dist/cli.js',
    ['build', '--workspace', workspace, '--repository', 'octo/app', '--image', image, ...args],
    { env: cleanEnv(env) },
  )
}
