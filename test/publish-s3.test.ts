import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { publishS3, type S3PublishSettings } from '../src/publish/index.js'
import { recordingReporter } from './helpers/reporter.js'
import { loopbackFetch, s3PublishSettings, useS3, type S3Request } from './helpers/s3.js'
import { cleanEnv, runNode } from './helpers/run.js'
import { scratchDirs } from './helpers/scratch.js'
import { mergedVectorRepository, VECTOR_KEY_NAME } from './helpers/vector-repository.js'

/*
 * publish s3 against s3rver on 127.0.0.1, which checks every SigV4 signature: a merged repository
 * signed with the vectors' key, path-style and virtual-host; what a re-run sends; a package that
 * changed under its name; prune; faults; and that no credential reaches a line or an error.
 */

const { temp } = scratchDirs()
const KEY_NAME = VECTOR_KEY_NAME
const FAST = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }
const SESSION_TOKEN = 'pakman-session-token-5c4b3a29'
const STACK_DIR = 'alpine/3.20/acme/x86_64'

const s3 = useS3()

function settings(dir: string, overrides: Partial<S3PublishSettings> = {}) {
  const reporter = recordingReporter()
  return {
    ...s3PublishSettings(s3, dir, {
      credentials: {
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        sessionToken: SESSION_TOKEN,
      },
      retry: FAST,
      reporter,
      ...overrides,
    }),
    lines: reporter.lines,
  } satisfies S3PublishSettings & { lines: string[] }
}

const writes = (requests: S3Request[]) =>
  requests.filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'DELETE')

/** The object as anyone fetches it: no signature, as apk does. */
async function fetchPublic(key: string) {
  return fetch(`${s3.endpoint}/${s3.bucket}/${key}`)
}

describe('publish s3, path-style', () => {
  it('uploads packages, then the index, then the key, with their types and cache headers', async () => {
    const dir = await mergedVectorRepository(temp)
    const s = settings(dir)
    const published = await publishS3(s)

    expect(await s3.keys()).toEqual([
      `apk/${STACK_DIR}/APKINDEX.tar.gz`,
      `apk/${STACK_DIR}/hello-app-1.0.3-r17.apk`,
      `apk/${STACK_DIR}/hello-app-openrc-1.0.3-r17.apk`,
      `apk/${KEY_NAME}.rsa.pub`,
    ])
    // Order: every package before the index that lists it, the key last.
    const puts = writes(s3.requests).map((r) => decodeURIComponent(r.path.split('/').at(-1)!))
    expect(puts).toHaveLength(4)
    expect(puts.indexOf('APKINDEX.tar.gz')).toBe(2)
    expect(puts.at(-1)).toBe(`${KEY_NAME}.rsa.pub`)

    for (const name of ['hello-app-1.0.3-r17.apk', 'APKINDEX.tar.gz']) {
      const answer = await fetchPublic(`apk/${STACK_DIR}/${name}`)
      expect(answer.status).toBe(200)
      expect(Buffer.from(await answer.arrayBuffer())).toEqual(
        readFileSync(join(dir, STACK_DIR, name)),
      )
    }
    const apk = await fetchPublic(`apk/${STACK_DIR}/hello-app-1.0.3-r17.apk`)
    expect(apk.headers.get('content-type')).toBe('application/octet-stream')
    expect(apk.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const index = await fetchPublic(`apk/${STACK_DIR}/APKINDEX.tar.gz`)
    expect(index.headers.get('content-type')).toBe('application/gzip')
    expect(index.headers.get('cache-control')).toBe('no-cache')
    const key = await fetchPublic(`apk/${KEY_NAME}.rsa.pub`)
    expect(key.headers.get('cache-control')).toBe('no-cache')
    expect(await key.text()).toContain('BEGIN PUBLIC KEY')

    const base = `${s3.endpoint}/${s3.bucket}/apk`
    expect(published).toMatchObject({
      repositoryUrl: base,
      location: `s3://${s3.bucket}/apk`,
      repositories: [`${base}/alpine/3.20/acme`],
      keys: [`${KEY_NAME}.rsa.pub`],
      skipped: [],
      replaced: [],
      pruned: [],
    })
    expect(published.uploaded).toHaveLength(4)
  })

  it('a re-run sends nothing: it lists the bucket and compares', async () => {
    const dir = await mergedVectorRepository(temp)
    await publishS3(settings(dir))
    s3.requests.length = 0
    const again = await publishS3(settings(dir))
    expect(again.uploaded).toEqual([])
    expect(again.skipped).toHaveLength(4)
    expect(writes(s3.requests)).toEqual([])
    // single PUTs: their ETag is the MD5, so not even a HEAD is needed
    expect(s3.requests.map((r) => r.method)).toEqual(['GET'])
  })

  it('a multipart upload is compared by the SHA-256 stored beside it, and a changed index is sent again', async () => {
    const dir = temp('pakman-s3-big-')
    mkdirSync(join(dir, 'acme/x86_64'), { recursive: true })
    writeFileSync(join(dir, 'acme/x86_64/big-1.0-r0.apk'), randomBytes(6 * 1024 * 1024 + 7))
    writeFileSync(join(dir, 'acme/x86_64/APKINDEX.tar.gz'), 'index one')
    writeFileSync(join(dir, 'acme.rsa.pub'), 'key')
    const first = await publishS3(settings(dir, { stack: 'alpine/3.21' }))
    expect(first.uploaded).toContain('alpine/3.21/acme/x86_64/big-1.0-r0.apk')
    expect(s3.requests.some((r) => r.method === 'POST' && 'uploads' in r.query)).toBe(true)

    writeFileSync(join(dir, 'acme/x86_64/APKINDEX.tar.gz'), 'index two')
    s3.requests.length = 0
    const second = await publishS3(settings(dir, { stack: 'alpine/3.21' }))
    expect(second.uploaded).toEqual(['alpine/3.21/acme/x86_64/APKINDEX.tar.gz'])
    expect(second.skipped).toEqual(['acme.rsa.pub', 'alpine/3.21/acme/x86_64/big-1.0-r0.apk'])
    // the index's ETag differs from its MD5 (an ETag need not be one), so it is looked up too
    const heads = s3.requests.filter((r) => r.method === 'HEAD').map((r) => r.path)
    expect(heads.sort()).toEqual([
      `/${s3.bucket}/apk/alpine/3.21/acme/x86_64/APKINDEX.tar.gz`,
      `/${s3.bucket}/apk/alpine/3.21/acme/x86_64/big-1.0-r0.apk`,
    ])
  })

  it('refuses a package that changed under its name, uploading nothing; overwrite replaces it', async () => {
    const dir = await mergedVectorRepository(temp)
    await publishS3(settings(dir))
    const apk = join(dir, STACK_DIR, 'hello-app-1.0.3-r17.apk')
    const before = await s3.object(`apk/${STACK_DIR}/hello-app-1.0.3-r17.apk`)
    const changed = Buffer.concat([readFileSync(apk), Buffer.from('x')])
    writeFileSync(apk, changed)
    writeFileSync(join(dir, STACK_DIR, 'APKINDEX.tar.gz'), 'a new index')
    s3.requests.length = 0

    await expect(publishS3(settings(dir))).rejects.toThrow(
      /1 package is in the bucket already with other bytes: alpine\/3\.20\/acme\/x86_64\/hello-app-1\.0\.3-r17\.apk\. .*the s3-overwrite input.*Nothing was uploaded/,
    )
    expect(writes(s3.requests)).toEqual([])
    expect(await s3.object(`apk/${STACK_DIR}/hello-app-1.0.3-r17.apk`)).toEqual(before)

    const replaced = await publishS3(settings(dir, { overwrite: true }))
    expect(replaced.replaced).toEqual([`${STACK_DIR}/hello-app-1.0.3-r17.apk`])
    expect(replaced.uploaded.sort()).toEqual([
      `${STACK_DIR}/APKINDEX.tar.gz`,
      `${STACK_DIR}/hello-app-1.0.3-r17.apk`,
    ])
    expect(await s3.object(`apk/${STACK_DIR}/hello-app-1.0.3-r17.apk`)).toEqual(changed)
  })

  it('deletes nothing unless asked; prune removes only packages no index lists any more', async () => {
    await publishS3(settings(await mergedVectorRepository(temp)))
    // a package of another directory, which this publish has no index for, is never pruned
    const other = temp('pakman-s3-other-')
    mkdirSync(join(other, 'alpine/3.19/acme/x86_64'), { recursive: true })
    for (const name of ['hello-app-openrc-1.0.3-r17.apk', 'APKINDEX.tar.gz'])
      writeFileSync(join(other, 'alpine/3.19/acme/x86_64', name), name)
    writeFileSync(join(other, `${KEY_NAME}.rsa.pub`), 'key')
    await publishS3(settings(other))

    const smaller = await mergedVectorRepository(temp, ['hello-app-1.0.3-r17.apk'])
    const kept = await publishS3(settings(smaller))
    expect(kept.pruned).toEqual([])
    expect(await s3.keys()).toContain(`apk/${STACK_DIR}/hello-app-openrc-1.0.3-r17.apk`)

    s3.requests.length = 0
    const pruned = await publishS3(settings(smaller, { prune: true }))
    expect(pruned.pruned).toEqual([`${STACK_DIR}/hello-app-openrc-1.0.3-r17.apk`])
    expect(s3.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      `/${s3.bucket}/apk/${STACK_DIR}/hello-app-openrc-1.0.3-r17.apk`,
    ])
    const keys = await s3.keys()
    expect(keys).not.toContain(`apk/${STACK_DIR}/hello-app-openrc-1.0.3-r17.apk`)
    expect(keys).toContain(`apk/${STACK_DIR}/hello-app-1.0.3-r17.apk`)
    expect(keys).toContain('apk/alpine/3.19/acme/x86_64/hello-app-openrc-1.0.3-r17.apk')
  })

  it('a front page at the top goes last, as HTML and text with short caching; pakman.json stays home', async () => {
    const dir = await mergedVectorRepository(temp)
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>acme</title>')
    writeFileSync(join(dir, 'README.txt'), 'apk add hello-app')
    writeFileSync(join(dir, 'pakman.json'), '{}')
    const s = settings(dir)
    await publishS3(s)
    const order = writes(s3.requests).map((r) => r.path.split('/').at(-1))
    expect(order.slice(-2).sort()).toEqual(['README.txt', 'index.html'])
    const page = await fetchPublic('apk/index.html')
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect((await fetchPublic('apk/README.txt')).headers.get('content-type')).toBe(
      'text/plain; charset=utf-8',
    )
    expect(await s3.keys()).not.toContain('apk/pakman.json')
    expect(s.lines).toContain('not published (not part of the repository): pakman.json')
  })

  it("puts a build's output (<repo>/<arch>/) under the stack its pakman.json names", async () => {
    const dir = temp('pakman-s3-build-')
    mkdirSync(join(dir, 'acme/aarch64'), { recursive: true })
    writeFileSync(join(dir, 'acme/aarch64/app-1-r0.apk'), 'p')
    writeFileSync(join(dir, 'acme/aarch64/APKINDEX.tar.gz'), 'i')
    writeFileSync(join(dir, 'acme.rsa.pub'), 'k')
    await expect(publishS3(settings(dir))).rejects.toThrow(
      /one build's output .* name its stack with the stack input/,
    )
    // read as merge reads it: a broken pakman.json is named, not taken for a missing one
    writeFileSync(join(dir, 'pakman.json'), '{ "stack": ')
    await expect(publishS3(settings(dir))).rejects.toThrow(/pakman\.json in .* is unreadable/)
    writeFileSync(join(dir, 'pakman.json'), JSON.stringify({ stack: '../up' }))
    await expect(publishS3(settings(dir))).rejects.toThrow(
      'the stack "../up" cannot be a directory in the bucket',
    )
    writeFileSync(join(dir, 'pakman.json'), JSON.stringify({ stack: 'alpine/edge' }))
    const published = await publishS3(settings(dir, { prefix: '' }))
    expect(await s3.keys()).toEqual([
      'acme.rsa.pub',
      'alpine/edge/acme/aarch64/APKINDEX.tar.gz',
      'alpine/edge/acme/aarch64/app-1-r0.apk',
    ])
    expect(published.repositories).toEqual([`${s3.endpoint}/${s3.bucket}/alpine/edge/acme`])
  })
})

describe('publish s3, virtual-host', () => {
  it('addresses the bucket as <bucket>.<endpoint host>, and the repository URL says so', async () => {
    const dir = await mergedVectorRepository(temp)
    const published = await publishS3(
      settings(dir, { endpoint: s3.vhostEndpoint, pathStyle: false, fetch: loopbackFetch }),
    )
    const host = `${s3.bucket}.s3.localhost:${s3.port}`
    expect(new Set(s3.requests.map((r) => r.host))).toEqual(new Set([host]))
    for (const request of writes(s3.requests)) expect(request.url).toMatch(/^\/apk\//)
    expect(await s3.keys()).toHaveLength(4)
    expect(published.repositoryUrl).toBe(`http://${host}/apk`)

    s3.requests.length = 0
    expect(
      (
        await publishS3(
          settings(dir, { endpoint: s3.vhostEndpoint, pathStyle: false, fetch: loopbackFetch }),
        )
      ).uploaded,
    ).toEqual([])
  })

  it('an explicit repository URL (a CDN) is what it reports', async () => {
    const published = await publishS3(
      settings(await mergedVectorRepository(temp), {
        repositoryUrl: 'https://packages.example.com/apk/',
      }),
    )
    expect(published.repositoryUrl).toBe('https://packages.example.com/apk')
    expect(published.repositories).toEqual(['https://packages.example.com/apk/alpine/3.20/acme'])
  })

  it('refuses what no bucket could be reached by, naming the setting', async () => {
    const dir = await mergedVectorRepository(temp)
    await expect(publishS3(settings(dir, { pathStyle: false }))).rejects.toThrow(
      /the s3-endpoint input http:\/\/127\.0\.0\.1:\d+ is an address.*set the s3-path-style input/,
    )
    await expect(
      publishS3(
        settings(dir, { endpoint: 'https://example.com', bucket: 'My_Bucket', pathStyle: false }),
      ),
    ).rejects.toThrow(/the s3-bucket input My_Bucket cannot be a host name.*s3-path-style/)
    await expect(
      publishS3(settings(dir, { endpoint: 'https://r2.example/bucket' })),
    ).rejects.toThrow(
      /the s3-endpoint input: "https:\/\/r2\.example\/bucket" must be an http\(s\) origin/,
    )
    await expect(publishS3(settings(dir, { bucket: ' ' }))).rejects.toThrow(
      /the s3-bucket input is needed/,
    )
    await expect(publishS3(settings(dir, { prefix: 'a/../b' }))).rejects.toThrow(
      /the s3-prefix input/,
    )
    expect(s3.requests).toEqual([])
  })
})

describe('faults', () => {
  it('5xx is tried again and succeeds; a 403 is not tried again; no credential in any line', async () => {
    const dir = await mergedVectorRepository(temp)
    s3.failNext((r) => r.method === 'PUT' && r.path.endsWith('APKINDEX.tar.gz'), 2)
    const s = settings(dir)
    const published = await publishS3(s)
    expect(published.uploaded).toHaveLength(4)
    expect(s.lines.filter((l) => /HTTP 500 \(InternalError/.test(l))).toHaveLength(2)

    s3.requests.length = 0
    const wrong = settings(dir, {
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret-1234' },
      prefix: 'other',
    })
    const error = await publishS3(wrong).catch((e: Error) => e)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toMatch(/HTTP 403 \(SignatureDoesNotMatch/)
    expect(s3.requests).toHaveLength(1) // the listing, once

    for (const text of [...s.lines, ...wrong.lines, (error as Error).message])
      for (const secret of [
        s3.secretAccessKey,
        SESSION_TOKEN,
        'not-the-secret-1234',
        s3.accessKeyId,
      ])
        expect(text).not.toContain(secret)
  })

  it('a multipart upload that fails is aborted, and nothing after it is sent', async () => {
    const dir = temp('pakman-s3-fail-')
    mkdirSync(join(dir, 'acme/x86_64'), { recursive: true })
    writeFileSync(join(dir, 'acme/x86_64/big-1.0-r0.apk'), randomBytes(6 * 1024 * 1024))
    writeFileSync(join(dir, 'acme/x86_64/APKINDEX.tar.gz'), 'index')
    writeFileSync(join(dir, 'acme.rsa.pub'), 'key')
    s3.failNext((r) => r.method === 'PUT' && r.query.partNumber === '2', 10)
    const s = settings(dir, { stack: 'alpine/3.20' })
    await expect(publishS3(s)).rejects.toThrow(/big-1\.0-r0\.apk \(part 2 of 2\).*HTTP 500/)
    expect(s3.openUploads()).toEqual([])
    expect(s.lines.some((l) => l.includes('aborted the multipart upload'))).toBe(true)
    expect(await s3.keys()).toEqual([]) // no index names a package that is not there
  })

  it('a dropped connection is tried again', async () => {
    const dir = await mergedVectorRepository(temp)
    // the server closes the socket of the first PUT without answering
    s3.failNext((r) => r.method === 'PUT', 1, 'drop')
    const s = settings(dir)
    expect((await publishS3(s)).uploaded).toHaveLength(4)
    expect(s.lines.some((l) => /connection failed .*; trying again/.test(l))).toBe(true)
  })
})

describe('pakman publish s3 (node dist/cli.js)', () => {
  const aws = {
    AWS_ACCESS_KEY_ID: 'PAKMANTESTKEY',
    AWS_SECRET_ACCESS_KEY: 'pakman-test-secret-9f8e7d',
    AWS_SESSION_TOKEN: SESSION_TOKEN,
    AWS_REGION: 'auto',
  }
  const cli = (args: string[], env: NodeJS.ProcessEnv = aws) =>
    runNode('dist/cli.js', args, { env: cleanEnv(env) })

  it('prints the repository URL and the repository lines; a re-run uploads nothing', async () => {
    const dir = await mergedVectorRepository(temp)
    const args = ['publish', 's3', dir, '--bucket', s3.bucket, '--prefix', 'apk']
    const first = await cli([...args, '--endpoint', s3.endpoint, '--path-style'])
    expect(first.code, first.stderr).toBe(0)
    const base = `${s3.endpoint}/${s3.bucket}/apk`
    expect(first.stdout).toBe(`${base}\n${base}/alpine/3.20/acme\n`)
    expect(first.stderr).toMatch(/4 uploaded, 0 unchanged, 0 deleted/)
    expect(await s3.keys()).toHaveLength(4)

    const again = await cli([...args, '--endpoint', s3.endpoint, '--path-style'])
    expect(again.stderr).toMatch(/0 uploaded, 4 unchanged, 0 deleted/)
    for (const text of [first.stderr, again.stderr, first.stdout])
      for (const secret of [aws.AWS_SECRET_ACCESS_KEY, SESSION_TOKEN])
        expect(text).not.toContain(secret)
  })

  it('a refused package is exit 1 naming --overwrite; bad usage is exit 2 naming the flag', async () => {
    const dir = await mergedVectorRepository(temp)
    const args = [
      'publish',
      's3',
      dir,
      '--bucket',
      s3.bucket,
      '--endpoint',
      s3.endpoint,
      '--path-style',
    ]
    expect((await cli(args)).code).toBe(0)
    writeFileSync(join(dir, STACK_DIR, 'hello-app-1.0.3-r17.apk'), 'other bytes')
    const refused = await cli(args)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^pakman: publish s3: .*other bytes: alpine\/3\.20\/acme\/x86_64\/hello-app-1\.0\.3-r17\.apk\. .*set --overwrite to replace them/m,
    )

    expect(
      await cli(['publish', 's3', dir, '--endpoint', s3.endpoint, '--path-style']),
    ).toMatchObject({
      code: 1,
      stderr: 'pakman: publish s3: --bucket NAME is needed: the bucket to publish to\n',
    })
    expect(await cli(['publish', 'gcs', dir, '--bucket', 'b'])).toMatchObject({ code: 2 })
    const noKeys = await cli(['publish', 's3', dir, '--bucket', 'b'], { AWS_REGION: 'auto' })
    expect(noKeys.code).toBe(2)
    expect(noKeys.stderr).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/)
    const ip = await cli(['publish', 's3', dir, '--bucket', 'acme', '--endpoint', s3.endpoint])
    expect(ip.stderr).toMatch(
      /--endpoint URL http:\/\/127\.0\.0\.1:\d+ is an address.*set --path-style/,
    )
  })
})
