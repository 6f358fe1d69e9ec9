import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Docker } from '../../src/container/docker.js'
import {
  DirectoryCache,
  environmentImage,
  environmentKey,
  prepareEnvironment,
} from '../../src/environment/index.js'
import { secretsOf } from '../../src/signing/index.js'
import { build } from '../../src/pipeline/index.js'
import { appConfig, makeWorkspace } from '../fixtures/workspace.js'
import { recordingReporter } from '../helpers/reporter.js'
import { scratchDirs } from '../helpers/scratch.js'
import { dockerAvailable, pakmanBuild, PREPARED_PACKAGES, testImage } from '../helpers/docker.js'

/*
 * The environment image and its cache against a real Docker engine: miss → build → save, then
 * hit → load with the same image id; a corrupt entry; a prepared image that needs no install; and
 * a scan of everything a build leaves behind for the signing key's bytes. The base is the Alpine
 * 3.20 rootfs, whose real apk installs the missing packages from a local repository of real
 * packages (../shared/vectors/apk) — offline, as a mirror would serve them. Every environment
 * image a test makes is removed afterwards; a leftover from an aborted run is removed first.
 */
const docker = dockerAvailable()
const { temp, keep } = scratchDirs()

describe.runIf(docker)('the build environment image', () => {
  const engine = new Docker()
  let base: string
  const packages = ['bash', 'curl', 'vector-notes']
  const label = 'test-x86_64'
  const made: string[] = []

  beforeAll(async () => {
    base = testImage({ installed: ['alpine-sdk', 'pigz', 'bash', 'curl'] })
    const baseId = (await engine.imageId(base))!
    for (const list of [packages, [...packages, 'rsa256-demo']])
      await engine.removeImage(environmentImage(environmentKey(baseId, list, label)))
  })
  afterAll(async () => {
    for (const image of made) await engine.removeImage(image)
  })

  it('is built on a miss, saved, and loaded on a hit with the same image id', async () => {
    const cacheDir = temp('pakman-envcache-')
    const cache = new DirectoryCache(cacheDir)
    // The container's lines and the environment's own in one list, as a build shows them.
    const reporter = recordingReporter()
    const log = reporter.lines
    const request = {
      docker: engine,
      baseImage: base,
      packages,
      cache,
      label,
      log: (l: string) => reporter.info(l),
      reporter,
    }

    const first = await prepareEnvironment(request)
    made.push(first.image)
    expect(first.source).toBe('built')
    expect(log).toContain('installing: vector-notes')
    expect(log.some((l) => l.includes('Installing vector-notes (1.0-r0)'))).toBe(true)
    const builtId = await engine.imageId(first.image)
    expect(first.key).toBe(environmentKey((await engine.imageId(base))!, packages, label))
    expect(readdirSync(cacheDir)).toEqual([`${first.key}.tar.zst`])

    // Still in Docker: nothing to restore.
    expect((await prepareEnvironment(request)).source).toBe('local')

    await engine.removeImage(first.image)
    const second = await prepareEnvironment(request)
    expect(second).toMatchObject({ source: 'cache', image: first.image, key: first.key })
    expect(await engine.imageId(second.image)).toBe(builtId)
    expect(reporter.warnings).toEqual([])
  })

  it('warns about a corrupt cache entry, rebuilds, and carries on', async () => {
    const dir = temp('pakman-envcache-')
    const cache = new DirectoryCache(dir)
    const key = environmentKey((await engine.imageId(base))!, [...packages, 'rsa256-demo'], label)
    writeFileSync(join(dir, `${key}.tar.zst`), 'this is not a zstd archive')
    const reporter = recordingReporter()
    const environment = await prepareEnvironment({
      docker: engine,
      baseImage: base,
      packages: [...packages, 'rsa256-demo'],
      cache,
      label,
      log: () => {},
      reporter,
    })
    made.push(environment.image)
    expect(environment.source).toBe('built')
    expect(reporter.warnings).toHaveLength(1)
    expect(reporter.warnings[0]).toMatch(
      new RegExp(
        `^the cached environment ${key} is unusable \\(zstd could not read .*\\); building it again$`,
      ),
    )
    expect(await engine.imageId(environment.image)).toBeDefined()
  })

  it('installs nothing into a prepared image that already has every package', async () => {
    const prepared = testImage({ installed: [...PREPARED_PACKAGES, 'vector-notes'] })
    const reporter = recordingReporter()
    const log = reporter.lines
    const environment = await prepareEnvironment({
      docker: engine,
      baseImage: prepared,
      packages,
      label,
      log: (l) => reporter.info(l),
      reporter,
    })
    made.push(environment.image)
    expect(environment.source).toBe('built')
    expect(log).toContain('all packages are present')
    expect(log.some((l) => l.includes('installing'))).toBe(false)
  })

  it('never lets the signing key into the image, the cache, the packages or the log', async () => {
    // A base image of its own, so the environment is built (and saved) by this test.
    const scanBase = testImage({
      setup: `echo ${process.pid}-${Date.now()} >/etc/pakman-test-scan`,
    })
    made.push(scanBase)
    const workspace = makeWorkspace(
      appConfig().replace('    - busybox\n', '    - busybox\n    - vector-notes\n'),
    )
    keep(workspace)
    const cacheDir = temp('pakman-envcache-')
    const packagesDir = temp('pakman-out-')
    const keyParent = temp('pakman-keys-')
    const { generateKeyPairSync } = await import('node:crypto')
    const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    const reporter = recordingReporter()

    const result = await build(
      {
        workspace,
        configFile: join(workspace, 'instellar.yml'),
        repository: 'octo/app',
        image: scanBase,
        packagesDir,
        signingKey: privateKey,
        keyParent,
        cache: new DirectoryCache(cacheDir),
      },
      reporter,
    )
    made.unshift(result.environment.image)
    expect(result.files.filter((f) => f.kind === 'package')).toHaveLength(2)
    expect(result.environment.source).toBe('built')
    expect(readdirSync(keyParent)).toEqual([]) // the key directory is gone

    const needles = secretsOf(privateKey).map((s) => Buffer.from(s))
    const haystacks: [string, Buffer][] = [
      [
        'log',
        Buffer.from([...reporter.said, ...reporter.diagnosed.map((d) => d.message)].join('\n')),
      ],
    ]
    const archive = join(cacheDir, `${result.environment.key}.tar.zst`)
    haystacks.push(['cache archive', readFileSync(archive)])
    haystacks.push([
      'saved image',
      execFileSync('zstd', ['-d', '-q', '-c', archive], { maxBuffer: 1 << 30 }),
    ])
    haystacks.push([
      'image now in Docker',
      execFileSync('docker', ['save', result.environment.image], { maxBuffer: 1 << 30 }),
    ])
    for (const file of result.files) haystacks.push([file.relativePath, readFileSync(file.path)])
    haystacks.push(['public key', readFileSync(result.publicKeyFile)])
    const recipeDir = join(workspace, '.apk/octo/app')
    for (const entry of readdirSync(recipeDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        haystacks.push([`recipe ${entry.name}`, readFileSync(join(entry.parentPath, entry.name))])
    }
    const inspect = execFileSync('docker', ['image', 'inspect', result.environment.image])
    haystacks.push(['image config', inspect])

    const found = haystacks.flatMap(([where, bytes]) =>
      needles.some((n) => bytes.includes(n)) ? [where] : [],
    )
    console.log(
      `secret scan: ${haystacks.length} places, ${haystacks.reduce((n, [, b]) => n + b.length, 0)} bytes, key found in: ${found.join(', ') || 'none'}`,
    )
    expect(found).toEqual([])
    // the scan would have found it: the needle is in the key it was made from
    expect(needles.every((n) => Buffer.from(privateKey).includes(n))).toBe(true)
  })
})

/*
 * The cache's pipes failing halfway, through `pakman build` (dist/cli.js) as a user runs it: a
 * compressor that stops reading and exits (a full disk), and a `docker load` that exits after a
 * few bytes. Before, the first crashed the process with an unhandled EPIPE and the second hung
 * until the job's timeout. Both must warn, build the environment, and finish the build quickly.
 */
describe.runIf(docker)('the environment cache when a piped process exits early', () => {
  const engine = new Docker()
  let base: string
  let cacheHome: string
  let image = ''

  beforeAll(async () => {
    // A base of its own, so the environment image and cache entry belong to these tests only.
    base = testImage({ setup: 'echo pakman-pipe-test >/etc/pakman-pipe-test' })
    // One plain build names the environment image; removed (with a leftover of an aborted run)
    // so that each test starts without it in Docker, and the cache directory starts empty.
    cacheHome = temp('pakman-pipecache-')
    image = environmentIn((await build({})).stderr)
    await engine.removeImage(image)
    cacheHome = temp('pakman-pipecache-')
  })
  afterAll(async () => {
    if (image) await engine.removeImage(image)
  })

  /** The environment image a build names in its log ("building the environment …", "… is already in Docker"). */
  const environmentIn = (stderr: string) => {
    const found = /environment (pakman\/environment:\S+)/.exec(stderr)?.[1]
    if (!found) throw new Error(`the build named no environment image:\n${stderr}`)
    return found
  }
  const entries = () =>
    existsSync(join(cacheHome, 'pakman')) ? readdirSync(join(cacheHome, 'pakman')) : []
  const build = async (env: NodeJS.ProcessEnv) => {
    const workspace = keep(makeWorkspace())
    const tmp = temp('pakman-tmp-')
    const started = Date.now()
    const ran = await pakmanBuild(
      workspace,
      base,
      // Without the build cache: its entries would sit beside the environment's.
      ['--packages-dir', temp('pakman-out-'), '--no-install-test', '--no-build-cache'],
      // A TMPDIR of its own, to see that the build leaves nothing there (no image archive).
      { XDG_CACHE_HOME: cacheHome, TMPDIR: tmp, ...env },
    )
    return { ...ran, seconds: (Date.now() - started) / 1000, leftInTmp: readdirSync(tmp) }
  }
  /** A directory holding one executable script, to put first on PATH or name in PAKMAN_DOCKER. */
  const standIn = (name: string, body: string) => {
    const dir = temp('pakman-standin-')
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`)
    chmodSync(join(dir, name), 0o755)
    return join(dir, name)
  }

  it('warns "not cached" and finishes the build when the compressor exits early', async () => {
    const zstd = execFileSync('sh', ['-c', 'command -v zstd'], { encoding: 'utf8' }).trim()
    // Decompression is the real zstd; compression reads 100 bytes and fails, as on a full disk.
    const fake = standIn(
      'zstd',
      `case " $* " in *" -d "*) exec ${zstd} "$@" ;; esac
head -c 100 >/dev/null
echo "zstd: error 70 : Write error : No space left on device" >&2
exit 1`,
    )
    const ran = await build({ PATH: `${join(fake, '..')}:${process.env.PATH}` })
    expect(ran.stderr).toContain(
      'pakman: warning: the environment was not cached: zstd failed: zstd: error 70 : Write error : No space left on device',
    )
    expect(ran.stderr).toContain('==> Done (environment: built, build cache: off)')
    expect(ran.code).toBe(0)
    expect(ran.seconds).toBeLessThan(45)
    expect(ran.leftInTmp).toEqual([])
    expect(entries()).toEqual([])
    expect(environmentIn(ran.stderr)).toBe(image)
    // Removed, so the next test's first build saves an entry of its own.
    await engine.removeImage(image)
  })

  it('warns "unusable, building it again" and finishes when docker load exits early', async () => {
    // First a real entry in the cache, then the image removed so the next build restores it.
    const saved = await build({})
    expect(saved.code).toBe(0)
    expect(saved.leftInTmp).toEqual([])
    const [entry] = entries()
    expect(entry).toMatch(/\.tar\.zst$/)
    const key = entry!.slice(0, -'.tar.zst'.length)
    expect(environmentImage(key)).toBe(image)
    await engine.removeImage(image)
    // docker itself, except that `load` reads a little of the archive and exits with an error.
    const fakeDocker = standIn(
      'docker',
      `if [ "$1" = load ]; then
	head -c 1000 >/dev/null
	echo "Error response from daemon: unexpected EOF" >&2
	exit 1
fi
exec docker "$@"`,
    )
    const ran = await build({ PAKMAN_DOCKER: fakeDocker })
    expect(ran.stderr).toContain(
      `pakman: warning: the cached environment ${key} is unusable (docker load failed: Error response from daemon: unexpected EOF); building it again`,
    )
    expect(ran.stderr).toContain('==> Done (environment: built, build cache: off)')
    expect(ran.code).toBe(0)
    expect(ran.seconds).toBeLessThan(45)
    expect(ran.leftInTmp).toEqual([])
    expect(await engine.imageId(image)).toBeDefined()
  }, 120_000) // two builds: one to fill the cache, one that cannot load it
})
