import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { formatDiagnostic, readConfig } from '../src/config/index.js'
import { Secrets } from '../src/remote/index.js'
import {
  archiveId,
  collectPushFiles,
  DEFAULT_ENDPOINT,
  runPush,
  type DeploymentConfig,
  type PushSettings,
  writeArchive,
} from '../src/deploy/index.js'
import { UNKNOWN_KEY_WARNINGS, WITH_UNKNOWN_KEYS } from './fixtures/deployment.js'
import { CORPUS } from './helpers/corpus.js'
import { usePlatformWithS3 } from './helpers/fake-instellar.js'
import { recordingReporter } from './helpers/reporter.js'
import { scratchDirs } from './helpers/scratch.js'

/*
 * `pakman push` against a loopback fake of the platform and a real S3 server (s3rver, which checks
 * every SigV4 signature) on 127.0.0.1: the first push, the copy path, each fault the notes list,
 * re-runs after partial failures, the dry run, and that no secret reaches a log line or an error.
 */

const { temp } = scratchDirs()
const SHA = '4f2a9c1e7b3d5f60718293a4b5c6d7e8f9012345'
const RAILS = join(CORPUS, 'pakman-fixture__rails.yml')
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }

// as in the original's tests, the platform gives the scheme with ://
const { platform, s3 } = usePlatformWithS3(() => ({ scheme: 'http://' }))
let railsConfig: DeploymentConfig
let big: Buffer

beforeAll(async () => {
  railsConfig = (await readConfig(RAILS, RAILS, () => {})).config
  big = randomBytes(11 * 1024 * 1024 + 123) // three 5 MiB parts
})

/** A build job's tree: <repo>/<arch>/ with packages and an index, plus the key and pakman.json. */
function buildTree(): string {
  const dir = temp('pakman-push-packages-')
  const put = (rel: string, data: string | Buffer) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true })
    writeFileSync(join(dir, rel), data)
  }
  put('acme/x86_64/hello-app-1.0.0-r1.apk', 'x86 package')
  put('acme/x86_64/hello-app-openrc-1.0.0-r1.apk', 'x86 openrc')
  put('acme/x86_64/APKINDEX.tar.gz', 'x86 index')
  put('acme/aarch64/hello-app-1.0.0-r1.apk', big)
  put('acme/aarch64/APKINDEX.tar.gz', 'arm index')
  put('acme-hello-app.rsa.pub', 'public key')
  put('pakman.json', '{}')
  return dir
}

function settings(overrides: Partial<PushSettings> = {}): PushSettings & {
  lines: string[]
  notices: string[]
} {
  const reporter = recordingReporter()
  return {
    packagesDir: buildTree(),
    config: railsConfig,
    repository: 'Acme_Co/Hello.App',
    hash: SHA,
    ref: 'refs/heads/main',
    endpoint: platform.url,
    authToken: platform.authToken,
    packageToken: platform.packageToken,
    tempDir: temp('pakman-push-tmp-'),
    retry: FAST,
    secrets: new Secrets(() => {}, [platform.authToken, platform.packageToken]),
    reporter,
    lines: reporter.lines,
    notices: reporter.notices,
    ...overrides,
  }
}

const PREFIX = `deployments/acme-co/hello-app/${SHA}`
const ARCHIVE = `archives/${archiveId({ owner: 'acme-co', repo: 'hello-app', hash: SHA, stack: 'alpine/3.17' })}/packages.zip`

describe('first push', () => {
  it('authenticates, looks the commit up, uploads every package, index and the zip, then creates the deployment and its configuration', async () => {
    const s = settings()
    const pushed = await runPush(s)

    expect(platform.routes()).toEqual([
      'POST /publish/automation/callback',
      `GET /publish/deployments/${SHA}`,
      'GET /publish/storage',
      'POST /publish/deployments',
      'POST /publish/deployments/1/configurations',
    ])
    // the original's key layout: deployments/<org>/<repo>/<sha>/<arch>/<file>, slugs of GITHUB_REPOSITORY
    expect(await s3.keys()).toEqual(
      [
        ARCHIVE,
        `${PREFIX}/aarch64/APKINDEX.tar.gz`,
        `${PREFIX}/aarch64/hello-app-1.0.0-r1.apk`,
        `${PREFIX}/x86_64/APKINDEX.tar.gz`,
        `${PREFIX}/x86_64/hello-app-1.0.0-r1.apk`,
        `${PREFIX}/x86_64/hello-app-openrc-1.0.0-r1.apk`,
      ].sort(),
    )
    expect((await s3.object(`${PREFIX}/aarch64/hello-app-1.0.0-r1.apk`)).equals(big)).toBe(true)
    expect(await s3.object(`${PREFIX}/x86_64/APKINDEX.tar.gz`)).toEqual(Buffer.from('x86 index'))
    // every file went through a multipart upload; the big one in three 5 MiB parts
    const parts = s3.requests.filter(
      (r) => r.method === 'PUT' && r.path.endsWith('aarch64/hello-app-1.0.0-r1.apk'),
    )
    expect(parts.map((r) => r.query.partNumber).sort()).toEqual(['1', '2', '3'])
    expect(s3.requests.filter((r) => r.method === 'POST' && 'uploads' in r.query)).toHaveLength(6)
    expect(s3.openUploads()).toEqual([])

    // the zip holds <repo>/<arch>/<file>: the agent keeps the last two components
    const zip = join(temp('pakman-push-zip-'), 'packages.zip')
    writeFileSync(zip, await s3.object(ARCHIVE))
    expect(execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).trim().split('\n')).toEqual([
      'acme/aarch64/APKINDEX.tar.gz',
      'acme/aarch64/hello-app-1.0.0-r1.apk',
      'acme/x86_64/APKINDEX.tar.gz',
      'acme/x86_64/hello-app-1.0.0-r1.apk',
      'acme/x86_64/hello-app-openrc-1.0.0-r1.apk',
    ])
    expect(execFileSync('unzip', ['-tq', zip], { encoding: 'utf8' })).toMatch(/No errors detected/)
    const unzipped = execFileSync('unzip', ['-p', zip, 'acme/aarch64/hello-app-1.0.0-r1.apk'], {
      maxBuffer: 64 * 1024 * 1024,
    })
    expect(unzipped.equals(big)).toBe(true)

    const [callback, lookup, , create, configure] = platform.requests
    expect(callback!.body).toEqual({ auth_token: platform.authToken })
    expect(callback!.headers.authorization).toBeUndefined()
    for (const request of [lookup!, create!, configure!]) {
      expect(request.headers.authorization).toBe(`Bearer ${platform.sessionToken}`)
      expect(request.headers['x-instellar-package-token']).toBe(platform.packageToken)
    }
    expect(create!.headers['content-type']).toBe('application/json')
    expect(create!.body).toEqual({
      deployment: {
        ref: 'refs/heads/main',
        hash: SHA,
        archive_path: ARCHIVE,
        stack: 'alpine/3.17',
      },
    })

    // kits, sizes, plans and page exactly as the YAML has them, types kept
    const yaml = parse(readFileSync(RAILS, 'utf8')) as Record<string, unknown>
    const payload = (configure!.body as { configuration: { payload: Record<string, unknown> } })
      .configuration.payload
    expect(payload).toEqual({
      kits: yaml.kits,
      sizes: yaml.sizes,
      plans: yaml.plans,
      page: yaml.page,
    })
    const kit = (
      payload.kits as { ports: { target: unknown }[]; variables: { default_value?: unknown }[] }[]
    )[0]!
    expect(kit.ports[0]!.target).toBe(3000)
    expect(kit.variables[2]!.default_value).toBe('1')

    expect(pushed).toMatchObject({
      deploymentId: 1,
      created: true,
      source: 'uploaded',
      ref: 'refs/heads/main',
      hash: SHA,
      stack: 'alpine/3.17',
      archivePath: ARCHIVE,
      storage: `s3://${s3.bucket}`,
      configuration: 'created',
    })
    expect(pushed.uploads.map((u) => [u.key, u.size])).toContainEqual([
      `${PREFIX}/aarch64/hello-app-1.0.0-r1.apk`,
      big.length,
    ])
    expect(pushed.uploads.at(-1)!.key).toBe(ARCHIVE) // the zip goes last
    expect(s.lines).toContain(
      'not uploaded (not a package or an index): acme-hello-app.rsa.pub, pakman.json',
    )
  })

  it('derives the archive key from the commit, so a re-run reuses it', () => {
    const one = archiveId({ owner: 'acme', repo: 'app', hash: SHA, stack: 'alpine/3.20' })
    expect(one).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(archiveId({ owner: 'acme', repo: 'app', hash: SHA, stack: 'alpine/3.20' })).toBe(one)
    expect(archiveId({ owner: 'acme', repo: 'app', hash: 'ffff', stack: 'alpine/3.20' })).not.toBe(
      one,
    )
    expect(archiveId({ owner: 'acme', repo: 'app', hash: SHA, stack: 'alpine/3.19' })).not.toBe(one)
  })

  it('keeps the archive keys earlier releases made (a moved key orphans the archive)', () => {
    // values written by the hand-rolled v5 before the uuid package: the same name, the same key
    const hash = '0123456789abcdef0123456789abcdef01234567'
    expect(archiveId({ owner: 'acme', repo: 'app', hash, stack: 'alpine/3.20' })).toBe(
      '3c1978b1-c63c-5849-a4fb-f3bb30860d42',
    )
    expect(archiveId({ owner: 'ácme', repo: 'app', hash: 'ff' })).toBe(
      '7bb382f6-3476-5811-bc6a-a2a7bd977529',
    )
  })
})

describe('keys PAKman does not know in kits, sizes, plans and page', () => {
  /** WITH_UNKNOWN_KEYS read as push reads it, and what check said about it. */
  async function unknownKeysConfig(): Promise<{ config: DeploymentConfig; warnings: string[] }> {
    const file = join(temp('pakman-push-config-'), 'instellar.yml')
    writeFileSync(file, WITH_UNKNOWN_KEYS)
    const warnings: string[] = []
    const { config } = await readConfig(file, 'instellar.yml', (diagnostics) =>
      warnings.push(...diagnostics.map((d) => formatDiagnostic({ ...d, file: 'instellar.yml' }))),
    )
    return { config, warnings }
  }
  interface Sent {
    kits: (Record<'healthcheck' | 'orchestration', unknown> &
      Record<'ports' | 'variables' | 'forks', unknown[]>)[]
    sizes: unknown[]
    plans: unknown[]
    page: unknown
  }
  const yaml = parse(WITH_UNKNOWN_KEYS) as Record<string, unknown>
  const asWritten = { kits: yaml.kits, sizes: yaml.sizes, plans: yaml.plans, page: yaml.page }

  it('reach the platform as written, at every depth and with their YAML types, and are warned about', async () => {
    const { config, warnings } = await unknownKeysConfig()
    expect(warnings).toEqual(UNKNOWN_KEY_WARNINGS)
    await runPush(settings({ config }))

    const configure = platform.requests.find((r) => r.path.endsWith('/configurations'))!
    expect(configure.body).toEqual({ configuration: { payload: asWritten } })
    // The same, spelt out rather than taken from the YAML parser.
    const { kits, sizes, plans, page } = (configure.body as { configuration: { payload: Sent } })
      .configuration.payload
    expect(kits[0]!.healthcheck).toEqual({
      path: '/up',
      interval: 10,
      enabled: true,
      grace: null,
      codes: [200, 204],
    })
    expect(kits[0]!.ports[0]).toEqual({
      name: 'web',
      target: 3000,
      protocol: 'tcp',
      tls: { enabled: false, ciphers: [] },
    })
    expect(kits[0]!.variables[0]).toEqual({
      key: 'RAILS_SERVE_STATIC_FILES',
      default_value: '1',
      secret: false,
    })
    expect(kits[0]!.forks[0]).toEqual({
      name: 'worker',
      descrption: 'the typo of a known key',
      variables: [{ key: 'SERVICE_MODE', default_value: 'worker', visible: 'no' }],
    })
    expect(kits[0]!.orchestration).toEqual({ upgrade: 'rolling', batch: { size: 2, pause: 1.5 } })
    expect(sizes[0]).toEqual({
      name: 'medium',
      allocation: { cpu: 1, memory: 1, memory_unit: 'GiB', disk: { size: 16, unit: 'GiB' } },
      gpu: null,
    })
    expect(plans[0]).toEqual({
      name: 'basic',
      featured: true,
      layers: [{ channel_slug: 'develop', kit_slug: 'web', size_slug: 'medium', replicas: 2 }],
      pricings: [
        {
          amount: 1500,
          currency: 'USD',
          billing_period: 'monthly',
          trial: { days: 14, card_required: false },
        },
      ],
    })
    expect(page).toEqual({
      title: 'SomeApp',
      logo: null,
      links: [{ label: 'Docs', url: 'https://example.com/docs' }],
      seo: { index: false, keywords: ['rails', '1.0', 2] },
    })
  })

  it('--dry-run prints the same payload', async () => {
    const { config } = await unknownKeysConfig()
    const s = settings({ config, dryRun: true, authToken: undefined, packageToken: undefined })
    await runPush(s)
    const prefix = `would POST ${platform.url}/publish/deployments/<id>/configurations `
    const printed = s.lines.filter((line) => line.startsWith(prefix))
    expect(printed).toEqual([
      `${prefix}${JSON.stringify({ configuration: { payload: asWritten } })}`,
    ])
  })
})

describe('re-runs', () => {
  it('the same SHA for another ref reuses the existing archive and uploads nothing (copy path)', async () => {
    await runPush(settings())
    platform.requests.length = 0
    s3.requests.length = 0

    const pushed = await runPush(settings({ ref: 'refs/tags/v1.0.0' }))
    expect(platform.routes()).toEqual([
      'POST /publish/automation/callback',
      `GET /publish/deployments/${SHA}`,
      'POST /publish/deployments',
      'POST /publish/deployments/2/configurations',
    ])
    expect(s3.requests).toEqual([])
    expect(platform.requests[2]!.body).toEqual({
      deployment: {
        ref: 'refs/tags/v1.0.0',
        hash: SHA,
        archive_path: ARCHIVE,
        stack: 'alpine/3.17',
      },
    })
    expect(pushed).toMatchObject({
      source: 'copied',
      created: true,
      archivePath: ARCHIVE,
      uploads: [],
    })

    // the same ref again: the platform answers 200, and so does the configuration
    const again = await runPush(settings({ ref: 'refs/tags/v1.0.0' }))
    expect(again).toMatchObject({ created: false, configuration: 'existing', deploymentId: 2 })
  })

  it('a failed deployment call leaves the uploads; the re-run finishes with one archive, not two', async () => {
    platform.fail('POST /publish/deployments', FAST.attempts, { status: 500 })
    await expect(runPush(settings())).rejects.toThrow(
      'create the deployment (POST /publish/deployments): HTTP 500',
    )
    expect(platform.deployments).toEqual([])
    expect((await s3.keys()).filter((k) => k.startsWith('archives/'))).toEqual([ARCHIVE])

    const pushed = await runPush(settings())
    expect(pushed.archivePath).toBe(ARCHIVE)
    expect((await s3.keys()).filter((k) => k.startsWith('archives/'))).toEqual([ARCHIVE])
    expect(platform.deployments).toMatchObject([{ hash: SHA, archive_path: ARCHIVE }])
  })

  it('an upload that fails mid-way creates nothing and aborts its multipart upload; the re-run finishes', async () => {
    const part2 = (r: { method: string; path: string; query: Record<string, string> }) =>
      r.method === 'PUT' &&
      r.path.endsWith('aarch64/hello-app-1.0.0-r1.apk') &&
      r.query.partNumber === '2'
    s3.failNext(part2, 100)
    const s = settings()
    await expect(runPush(s)).rejects.toThrow(
      `upload ${PREFIX}/aarch64/hello-app-1.0.0-r1.apk (part 2 of 3): PUT answered HTTP 500 (InternalError: injected failure)`,
    )
    expect(s3.requests.filter(part2)).toHaveLength(FAST.attempts) // 5xx retried, then given up
    expect(platform.routes()).not.toContain('POST /publish/deployments')
    expect(platform.deployments).toEqual([])
    // aborted: DELETE ?uploadId went through s3rver's signature check, and no parts are left
    expect(s3.requests.some((r) => r.method === 'DELETE' && 'uploadId' in r.query)).toBe(true)
    expect(s3.openUploads()).toEqual([])
    expect(await s3.keys()).not.toContain(`${PREFIX}/aarch64/hello-app-1.0.0-r1.apk`)
    expect((await s3.keys()).filter((k) => k.startsWith('archives/'))).toEqual([]) // the zip goes last
    expect(s.lines.join('\n')).toMatch(/aborted the multipart upload/)

    await s3.clear()
    const pushed = await runPush(settings())
    expect(pushed.created).toBe(true)
    expect((await s3.object(`${PREFIX}/aarch64/hello-app-1.0.0-r1.apk`)).equals(big)).toBe(true)
  })
})

describe('a cancelled push', () => {
  it('stops mid-upload, aborts every multipart upload it opened, and creates nothing; the re-run finishes', async () => {
    // Part 2 of the big package waits at the server until the run has been cancelled.
    const part2 = s3.holdNext(
      (r) =>
        r.method === 'PUT' &&
        r.path.endsWith('aarch64/hello-app-1.0.0-r1.apk') &&
        r.query.partNumber === '2',
    )
    const cancel = new AbortController()
    const s = settings({ signal: cancel.signal })
    const pushing = runPush(s)
    await part2.reached
    cancel.abort('the run was cancelled')
    // whichever upload stopped first names the failure; every one stopped for this reason
    await expect(pushing).rejects.toThrow(
      /^upload deployments\/.+: stopped: the run was cancelled$/,
    )
    part2.release()
    expect(s.lines).toContain(
      `upload ${PREFIX}/aarch64/hello-app-1.0.0-r1.apk: aborted the multipart upload`,
    )

    expect(s3.openUploads()).toEqual([])
    expect(s3.requests.some((r) => r.method === 'DELETE' && 'uploadId' in r.query)).toBe(true)
    expect(platform.routes()).not.toContain('POST /publish/deployments')
    expect(platform.deployments).toEqual([])
    expect((await s3.keys()).filter((k) => k.startsWith('archives/'))).toEqual([])

    await s3.clear()
    const pushed = await runPush(settings())
    expect(pushed.created).toBe(true)
    expect(s3.openUploads()).toEqual([])
  })

  it('creates no deployment when cancelled while the zip upload completes', async () => {
    const cancel = new AbortController()
    // Cancelled while the zip's completing request is held at the server.
    const zip = s3.holdNext(
      (r) => r.method === 'POST' && 'uploadId' in r.query && r.path.endsWith('packages.zip'),
    )
    const pushing = runPush(settings({ signal: cancel.signal }))
    await zip.reached
    cancel.abort('the run was cancelled')
    zip.release()
    await expect(pushing).rejects.toThrow(/stopped: the run was cancelled/)
    expect(platform.deployments).toEqual([])
    expect(s3.openUploads()).toEqual([])
  })

  /** Settings whose push is cancelled the moment it logs a line that `at` matches. */
  function cancelledAt(at: RegExp, overrides: Partial<PushSettings> = {}) {
    const cancel = new AbortController()
    const s = settings({ signal: cancel.signal, ...overrides })
    const { info } = s.reporter
    s.reporter = {
      ...s.reporter,
      info: (line) => {
        info(line)
        if (at.test(line)) cancel.abort('the run was cancelled')
      },
    }
    return s
  }

  it('stops before the deployment when cancelled once the last upload has completed', async () => {
    const s = cancelledAt(/^uploaded archives\//)
    await expect(runPush(s)).rejects.toThrow(/^upload: stopped: the run was cancelled$/)
    expect(await s3.keys()).toContain(ARCHIVE) // every upload finished
    expect(platform.routes()).not.toContain('POST /publish/deployments')
    expect(s3.openUploads()).toEqual([])
  })

  it('reusing an archive, creates no deployment when cancelled', async () => {
    await runPush(settings())
    platform.requests.length = 0
    const s = cancelledAt(/was deployed before/, { ref: 'refs/tags/v1.0.0' })
    await expect(runPush(s)).rejects.toThrow(
      /^create the deployment: stopped: the run was cancelled$/,
    )
    expect(platform.routes()).not.toContain('POST /publish/deployments')
    expect(platform.deployments).toHaveLength(1) // the first push's alone
  })
})

describe('faults', () => {
  it('callback 404: fails naming the step and the status, and calls nothing else', async () => {
    await expect(runPush(settings({ authToken: 'not-the-token' }))).rejects.toThrow(
      'authenticate (POST /publish/automation/callback): HTTP 404: the platform does not know INSTELLAR_AUTH_TOKEN',
    )
    expect(platform.routes()).toEqual(['POST /publish/automation/callback'])
    expect(s3.requests).toEqual([])
  })

  it('storage 5xx, then success: retried with backoff', async () => {
    platform.fail('GET /publish/storage', 2, { status: 503 })
    const s = settings()
    const pushed = await runPush(s)
    expect(pushed.created).toBe(true)
    expect(platform.routes().filter((r) => r === 'GET /publish/storage')).toHaveLength(3)
    expect(s.lines.join('\n')).toMatch(
      /get the storage credentials \(GET \/publish\/storage\): HTTP 503: .*; trying again in \d+\.\ds \(attempt 2 of 4\)/,
    )
  })

  it('429 and a dropped connection are retried', async () => {
    platform.fail('POST /publish/automation/callback', 1, { status: 429 })
    platform.fail(`GET /publish/deployments/${SHA}`, 1, 'drop')
    const pushed = await runPush(settings())
    expect(pushed.created).toBe(true)
    expect(platform.routes().slice(0, 4)).toEqual([
      'POST /publish/automation/callback',
      'POST /publish/automation/callback',
      `GET /publish/deployments/${SHA}`,
      `GET /publish/deployments/${SHA}`,
    ])
  })

  it('a 4xx is not retried', async () => {
    platform.fail('GET /publish/storage', 5, {
      status: 403,
      body: { errors: { detail: 'Forbidden' } },
    })
    await expect(runPush(settings())).rejects.toThrow(
      'get the storage credentials (GET /publish/storage): HTTP 403: {"errors":{"detail":"Forbidden"}}',
    )
    expect(platform.routes().filter((r) => r === 'GET /publish/storage')).toHaveLength(1)
  })

  it('a 5xx that does not go away fails after the attempts, with the status', async () => {
    platform.fail('GET /publish/storage', 100, { status: 502 })
    await expect(runPush(settings())).rejects.toThrow(/GET \/publish\/storage\): HTTP 502/)
    expect(platform.routes().filter((r) => r === 'GET /publish/storage')).toHaveLength(
      FAST.attempts,
    )
    expect(s3.requests).toEqual([])
  })

  it('a wrong storage secret: S3 refuses the signature (403), no retry, no deployment', async () => {
    platform.storage = {
      ...platform.storage,
      credential: { access_key_id: s3.accessKeyId, secret_access_key: 'wrong-secret-0000' },
    }
    await expect(runPush(settings())).rejects.toThrow(/HTTP 403 \(SignatureDoesNotMatch/)
    // one initiate per file in flight (two at once), none tried again, no part sent
    const initiated = s3.requests.filter((r) => r.method === 'POST').map((r) => r.path)
    expect(initiated.length).toBeLessThanOrEqual(2)
    expect(new Set(initiated).size).toBe(initiated.length)
    expect(s3.requests.filter((r) => r.method === 'PUT')).toEqual([])
    expect(platform.deployments).toEqual([])
  })

  it('a storage answer without a field fails clearly', async () => {
    const rest = { ...platform.storage }
    delete rest.region
    platform.storage = rest
    await expect(runPush(settings())).rejects.toThrow(
      'get the storage credentials (GET /publish/storage): the storage answer has no region',
    )
  })

  it('configuration 422: a clear error with the body; the deployment stays, and a re-run sends it again', async () => {
    platform.fail('POST /publish/deployments/1/configurations', 1, {
      status: 422,
      body: { errors: { kits: ['main kit must have a main port'] } },
    })
    await expect(runPush(settings())).rejects.toThrow(
      'send the configuration (POST /publish/deployments/1/configurations): HTTP 422: the platform refused the kits, sizes, plans or page of instellar.yml: {"errors":{"kits":["main kit must have a main port"]}}',
    )
    expect(platform.routes().filter((r) => r.endsWith('/configurations'))).toHaveLength(1) // no retry
    expect(platform.deployments).toHaveLength(1)

    platform.requests.length = 0
    const pushed = await runPush(settings())
    expect(pushed).toMatchObject({ source: 'copied', created: false, configuration: 'created' })
  })

  it('no kits: no configuration call, and a notice', async () => {
    const s = settings({ config: { stack: 'alpine/3.20', sizes: [] } })
    const pushed = await runPush(s)
    expect(platform.routes()).not.toContain('POST /publish/deployments/1/configurations')
    expect(platform.routes().at(-1)).toBe('POST /publish/deployments')
    expect(pushed.configuration).toBe('skipped')
    expect(s.notices).toEqual([
      'instellar.yml has no kits: no configuration was sent, so the platform keeps what it had',
    ])
  })

  it('missing tokens, SHA or ref fail before any call', async () => {
    await expect(runPush(settings({ packageToken: undefined }))).rejects.toThrow(
      'push: the instellar-package-token input must be set',
    )
    await expect(runPush(settings({ hash: '' }))).rejects.toThrow('set WORKFLOW_SHA or GITHUB_SHA')
    await expect(runPush(settings({ ref: undefined }))).rejects.toThrow(
      'set WORKFLOW_REF or GITHUB_REF',
    )
    expect(platform.requests).toEqual([])
  })
})

describe('secrets', () => {
  it('no token, session token or storage key appears in a log line, notice or error', async () => {
    const secrets = [
      platform.authToken,
      platform.packageToken,
      platform.sessionToken,
      s3.secretAccessKey,
      s3.accessKeyId,
    ]
    // a server that echoes the bearer token back in its error body
    platform.fail('GET /publish/storage', 1, {
      status: 500,
      body: { errors: { detail: `bad token ${platform.sessionToken}` } },
    })
    platform.fail('POST /publish/deployments', 100, {
      status: 400,
      body: { echo: `${platform.packageToken} ${s3.secretAccessKey}` },
    })
    const s = settings()
    const error = await runPush(s).then(
      () => undefined,
      (e: Error) => e,
    )
    expect(error?.message).toMatch(
      /^create the deployment \(POST \/publish\/deployments\): HTTP 400: /,
    )
    expect(error?.message).toContain('***')
    expect(s.lines.join('\n')).toContain('***') // the retried storage answer, redacted
    for (const text of [...s.lines, ...s.notices, error!.message, error!.stack ?? ''])
      for (const secret of secrets) expect(text).not.toContain(secret)
  })
})

describe('stacks and dry run', () => {
  function mergedTree(): string {
    const dir = temp('pakman-push-merged-')
    for (const stack of ['alpine/3.19', 'alpine/3.20']) {
      mkdirSync(join(dir, stack, 'acme/x86_64'), { recursive: true })
      writeFileSync(join(dir, stack, 'acme/x86_64/hello-app-1.0.0-r1.apk'), stack)
      writeFileSync(join(dir, stack, 'acme/x86_64/APKINDEX.tar.gz'), `${stack} index`)
    }
    writeFileSync(join(dir, 'acme-hello-app.rsa.pub'), 'key')
    return dir
  }

  it('a merged tree: the stack named in instellar.yml is deployed, the others are left out', async () => {
    const pushed = await runPush(
      settings({ packagesDir: mergedTree(), config: { ...railsConfig, stack: 'alpine/3.20' } }),
    )
    expect(pushed.stack).toBe('alpine/3.20')
    expect(await s3.object(`${PREFIX}/x86_64/hello-app-1.0.0-r1.apk`)).toEqual(
      Buffer.from('alpine/3.20'),
    )
    expect(platform.requests.find((r) => r.path === '/publish/deployments')!.body).toMatchObject({
      deployment: { stack: 'alpine/3.20' },
    })
  })

  it('a merged tree with several stacks and none named is refused', async () => {
    const config = { ...railsConfig }
    delete config.stack
    await expect(runPush(settings({ packagesDir: mergedTree(), config }))).rejects.toThrow(
      'holds packages for several stacks (alpine/3.19, alpine/3.20); name the one to deploy',
    )
    expect(platform.requests).toEqual([])
  })

  it('--dry-run prints every call it would make and touches nothing', async () => {
    const s = settings({ dryRun: true, authToken: undefined, packageToken: undefined })
    const pushed = await runPush(s)
    expect(platform.requests).toEqual([])
    expect(s3.requests).toEqual([])
    const out = s.lines.join('\n')
    for (const line of [
      `would POST ${platform.url}/publish/automation/callback {"auth_token":"***"}`,
      `would GET ${platform.url}/publish/deployments/${SHA}`,
      `would GET ${platform.url}/publish/storage`,
      `would upload s3://<bucket>/${PREFIX}/aarch64/hello-app-1.0.0-r1.apk (${big.length} bytes: POST ?uploads, 3 PUT ?partNumber, POST ?uploadId)`,
      `would upload s3://<bucket>/${PREFIX}/x86_64/APKINDEX.tar.gz (9 bytes`,
      `would upload s3://<bucket>/${ARCHIVE} (`,
      `would POST ${platform.url}/publish/deployments {"deployment":{"ref":"refs/heads/main","hash":"${SHA}","archive_path":"${ARCHIVE}","stack":"alpine/3.17"}}`,
      `would POST ${platform.url}/publish/deployments/<id>/configurations {"configuration":{"payload":{"kits":[{"name":"web"`,
    ])
      expect(out).toContain(line)
    expect(s.lines.filter((l) => l.startsWith('would upload'))).toHaveLength(6)
    expect(pushed.archivePath).toBe(ARCHIVE)
  })

  it('the default endpoint is the original one', () => {
    expect(DEFAULT_ENDPOINT).toBe('https://opsmaru.com')
  })
})

describe('the archive and the file list', () => {
  it('the same files always make the same zip bytes', async () => {
    const dir = buildTree()
    const { files } = await collectPushFiles(dir)
    const out = temp('pakman-push-zip-')
    const entries = files.map((f) => ({ name: f.name, path: f.path, size: f.size }))
    const size = await writeArchive(join(out, 'a.zip'), entries)
    await writeArchive(join(out, 'b.zip'), entries)
    const a = readFileSync(join(out, 'a.zip'))
    expect(a.length).toBe(size)
    expect(a.equals(readFileSync(join(out, 'b.zip')))).toBe(true)
  })

  /** The zip of a pushed tree, and the files in it. */
  const zipOfTree = async (options?: Parameters<typeof writeArchive>[2]) => {
    const { files } = await collectPushFiles(buildTree())
    const zip = join(temp('pakman-push-zip-'), 'a.zip')
    await writeArchive(
      zip,
      files.map((f) => ({ name: f.name, path: f.path, size: f.size })),
      options,
    )
    return { zip, files }
  }

  it('keeps the entries in order, stored, dated 1980-01-01, as plain zip when nothing is large', async () => {
    const { zip, files } = await zipOfTree()
    const listing = execFileSync('zipinfo', [zip], { encoding: 'utf8' }).trim().split('\n')
    const rows = listing.slice(2, -1)
    expect(rows.map((row) => row.split(/\s+/).at(-1))).toEqual(files.map((f) => f.name))
    for (const row of rows) expect(row).toMatch(/^-rw-r--r-- .* stor 80-Jan-01 00:00 /)
    // no zip64 end-of-central-directory record (PK\x06\x06) in a small archive
    expect(readFileSync(zip).includes(Buffer.from('PK\x06\x06', 'latin1'))).toBe(false)
  })

  // A real entry past 4 GiB would take minutes and the disk; yazl switches to zip64 by itself
  // past 0xfffffffe (its docs and Entry.useZip64Format), and forcing it here checks that the
  // zip64 layout it writes is one unzip reads.
  it('writes zip64 records unzip reads, when asked to use them regardless of size', async () => {
    const { zip } = await zipOfTree({ forceZip64: true })
    expect(readFileSync(zip).includes(Buffer.from('PK\x06\x06', 'latin1'))).toBe(true)
    const verbose = execFileSync('zipinfo', ['-v', zip], { encoding: 'utf8' })
    expect(verbose).toMatch(/minimum software version required to extract:\s+4\.5/)
    expect(verbose).toMatch(/subfield with ID 0x0001 \(PKWARE 64-bit sizes\)/)
    expect(execFileSync('unzip', ['-tq', zip], { encoding: 'utf8' })).toMatch(/No errors detected/)
    const unzipped = execFileSync('unzip', ['-p', zip, 'acme/aarch64/hello-app-1.0.0-r1.apk'], {
      maxBuffer: 16 << 20,
    })
    expect(unzipped.equals(big)).toBe(true)
  })

  it('fails when a file is missing, or its length is not what it was measured as', async () => {
    const out = temp('pakman-push-zip-')
    await expect(
      writeArchive(join(out, 'a.zip'), [
        { name: 'x86_64/gone.apk', path: join(out, 'gone'), size: 0 },
      ]),
    ).rejects.toThrow(/ENOENT/)
    // /proc files say 0 bytes to stat and then read as more: a file that grew mid-archive
    await expect(
      writeArchive(join(out, 'b.zip'), [
        {
          name: 'x86_64/status',
          path: '/proc/self/status',
          size: statSync('/proc/self/status').size,
        },
      ]),
    ).rejects.toThrow(/unexpected number of bytes/)
  })

  it('refuses two repositories whose files would share an <arch>/<file> key', async () => {
    const dir = temp('pakman-push-clash-')
    for (const repo of ['acme', 'other']) {
      mkdirSync(join(dir, repo, 'x86_64'), { recursive: true })
      writeFileSync(join(dir, repo, 'x86_64/APKINDEX.tar.gz'), repo)
      writeFileSync(join(dir, repo, `x86_64/${repo}-1.0-r0.apk`), repo)
    }
    await expect(collectPushFiles(dir)).rejects.toThrow(
      'acme/x86_64/APKINDEX.tar.gz and other/x86_64/APKINDEX.tar.gz would both be uploaded as x86_64/APKINDEX.tar.gz',
    )
  })

  it('names a missing packages directory', async () => {
    await expect(collectPushFiles(join(temp('pakman-push-none-'), 'packages'))).rejects.toThrow(
      /^no packages directory .*\/packages: build or merge first, or point packages-dir at it$/,
    )
  })
})
