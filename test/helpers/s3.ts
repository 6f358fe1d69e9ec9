import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { readFile, rm, stat, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { S3PublishSettings } from '../../src/publish/index.js'
import { Secrets } from '../../src/remote/index.js'
import { late } from './late.js'
import { recordingReporter } from './reporter.js'

/*
 * A real S3-compatible server on 127.0.0.1: s3rver (the maintained @20minutes fork), which checks
 * every request's SigV4 header signature against the key pair registered here and implements
 * multipart uploads (initiate, parts, complete). Two things are added in front of it:
 *  - AbortMultipartUpload (DELETE ?uploadId), which s3rver lacks; it goes through s3rver's own
 *    signature check and removes the upload's parts, as S3 does; a part sent to an upload that
 *    is gone gets NoSuchUpload, as from S3, where s3rver would open the upload again;
 *  - fault injection: `failNext(match, times)` answers matching requests with a 500 S3 error,
 *    or with `'drop'` closes their connection without an answer;
 *  - `holdNext(match)` keeps the next matching request waiting until released, to act mid-upload;
 *  - a multipart object's ETag in S3's form, <hash>-<parts>, where s3rver keeps the MD5.
 * Virtual-host names are <bucket>.s3.localhost; `loopbackFetch` sends such a request to 127.0.0.1
 * with its Host header as signed, since nothing resolves those names here.
 */

const require = createRequire(import.meta.url)

interface KoaContext {
  method: string
  path: string
  host: string
  originalUrl: string
  headers: Record<string, string | string[] | undefined>
  query: Record<string, string>
  params: Record<string, string>
  state: { vhost?: boolean }
  req: { socket: { destroy(): void } }
  status: number
  body: unknown
  type: string
  set(name: string, value: string): void
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void

interface S3rverInstance {
  middleware: Middleware[]
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string }
  run(): Promise<AddressInfo>
  close(): Promise<void>
}

export interface S3Request {
  method: string
  /** The path s3rver serves: /<bucket>/<key>, a virtual host's bucket put in front. */
  path: string
  query: Record<string, string>
  /** The Host header and the path as they came. */
  host: string
  url: string
  headers: Record<string, string | string[] | undefined>
}

export interface FakeS3 {
  host: string
  port: number
  /** http://127.0.0.1:<port>, for path-style addressing. */
  endpoint: string
  /** http://s3.localhost:<port>: the bucket's virtual host is <bucket>.s3.localhost. */
  vhostEndpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  region: string
  requests: S3Request[]
  /** Answers the next `times` requests that `match` accepts with a 500 InternalError. */
  failNext(match: (request: S3Request) => boolean, times: number, how?: 'error' | 'drop'): void
  /** Holds the next request `match` accepts: `reached` when it arrives, served after `release`. */
  holdNext(match: (request: S3Request) => boolean): { reached: Promise<void>; release(): void }
  /** Keys of the stored objects, sorted. */
  keys(): Promise<string[]>
  object(key: string): Promise<Buffer>
  /** Multipart uploads begun and neither completed nor aborted. */
  openUploads(): string[]
  clear(): Promise<void>
  close(): Promise<void>
}

/**
 * s3rver for a whole test file: started before its tests, emptied before each, closed after them.
 * Call it at the top level; the object it returns stands for the server from the first test on.
 */
export function useS3(): FakeS3 {
  let s3: FakeS3 | undefined
  beforeAll(async () => {
    s3 = await startS3()
  })
  afterAll(async () => {
    await s3?.close()
  })
  beforeEach(async () => {
    await s3!.clear()
  })
  return late('s3rver', () => s3)
}

/**
 * publish s3's settings for the repository in `dir` and s3rver: path-style, under the prefix apk,
 * with s3rver's credentials; options named as inputs, lines recorded. `overrides` replace any of them.
 */
export function s3PublishSettings(
  s3: FakeS3,
  dir: string,
  overrides: Partial<S3PublishSettings> = {},
): S3PublishSettings {
  return {
    dir,
    bucket: s3.bucket,
    prefix: 'apk',
    endpoint: s3.endpoint,
    pathStyle: true,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    secrets: new Secrets(),
    reporter: recordingReporter(),
    ...overrides,
  }
}

export async function startS3(
  credentials = { accessKeyId: 'PAKMANTESTKEY', secretAccessKey: 'pakman-test-secret-9f8e7d' },
): Promise<FakeS3> {
  const S3rver = require('@20minutes/s3rver') as new (options: object) => S3rverInstance
  const AWSAccount = require('@20minutes/s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void }
  }
  const authentication =
    require('@20minutes/s3rver/lib/middleware/authentication.js') as () => Middleware
  AWSAccount.DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey)

  const directory = mkdtempSync(join(tmpdir(), 'pakman-s3-'))
  const bucket = 'pakman-deployments'
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false, // a bare host name is not a bucket; <bucket>.s3.localhost is
    serviceEndpoint: 'localhost',
    configureBuckets: [{ name: bucket }],
  })
  const requests: S3Request[] = []
  const failures: { match: (r: S3Request) => boolean; left: number; how: 'error' | 'drop' }[] = []
  const holds: { match: (r: S3Request) => boolean; arrived(): void; released: Promise<void> }[] = []
  const uploadsDir = () => server.store.getResourcePath(bucket, undefined, 'uploads')
  const check = authentication()

  const front: Middleware = async (ctx, next) => {
    const request = {
      method: ctx.method,
      path: ctx.path,
      query: { ...ctx.query },
      host: ctx.host,
      url: ctx.originalUrl,
      headers: { ...ctx.headers },
    }
    requests.push(request)
    const hold = holds.findIndex((h) => h.match(request))
    if (hold >= 0) {
      const [held] = holds.splice(hold, 1)
      held!.arrived()
      await held!.released
    }
    const failure = failures.find((f) => f.left > 0 && f.match(request))
    if (failure) {
      failure.left--
      if (failure.how === 'drop') {
        ctx.req.socket.destroy()
        return
      }
      ctx.status = 500
      ctx.type = 'application/xml'
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>injected failure</Message></Error>'
      return
    }
    if (ctx.state.vhost && ctx.headers.authorization) await checkVirtualHost(ctx)
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path)
    const uploadGone = async () =>
      stat(join(uploadsDir(), ctx.query.uploadId!)).then(
        () => false,
        () => true,
      )
    if (ctx.method === 'PUT' && 'uploadId' in ctx.query && (await uploadGone())) {
      noSuchUpload(ctx)
      return
    }
    if (ctx.method === 'DELETE' && 'uploadId' in ctx.query && match) {
      ctx.params = { bucket: decodeURIComponent(match[1]!), key: decodeURIComponent(match[2]!) }
      await check(ctx, async () => {
        if (await uploadGone()) {
          noSuchUpload(ctx)
          return
        }
        await rm(join(uploadsDir(), ctx.query.uploadId!), { recursive: true, force: true })
        ctx.status = 204
        ctx.body = null
      })
      return
    }
    const completing = ctx.method === 'POST' && 'uploadId' in ctx.query && match
    const parts = completing
      ? readdirSync(join(uploadsDir(), ctx.query.uploadId!)).filter((f) => /^\d+$/.test(f)).length
      : 0
    await next()
    if (completing && ctx.status === 200) await multipartETag(decodeURIComponent(match[2]!), parts)
  }
  /**
   * S3 gives a multipart object the ETag <hash>-<parts>, not the MD5 of its bytes (s3rver gives
   * the MD5): so here too, and a client cannot take such an ETag for a checksum.
   */
  const multipartETag = async (key: string, parts: number) => {
    const file = server.store.getResourcePath(bucket, key, 'object.md5')
    const md5 = createHash('md5')
      .update(await readFile(file))
      .digest('hex')
    await writeFile(file, `${md5}-${parts}`)
  }
  /**
   * s3rver checks a virtual host's signature over /<bucket>/<key>, where S3 signs the path as
   * sent (/<key>). The same check of s3rver's is run here over the path as sent; the request then
   * goes on without its Authorization header, as one verified.
   */
  const checkVirtualHost = async (ctx: KoaContext) => {
    const sent = new URL(ctx.originalUrl, 'http://host').pathname
    const [, first, rest] = /^\/([^/]*)\/?(.*)$/.exec(sent)!
    const params = ctx.params
    ctx.params = first
      ? { bucket: decodeURIComponent(first), ...(rest && { key: decodeURIComponent(rest) }) }
      : {}
    ctx.state.vhost = false
    try {
      await check(ctx, async () => {})
    } finally {
      ctx.params = params
      ctx.state.vhost = true
    }
    delete ctx.headers.authorization
  }
  // before the router, after s3rver's logger, XML and mount handling
  server.middleware.splice(server.middleware.length - 1, 0, front)
  const address = await server.run()

  return {
    host: '127.0.0.1',
    port: address.port,
    endpoint: `http://127.0.0.1:${address.port}`,
    vhostEndpoint: `http://s3.localhost:${address.port}`,
    bucket,
    region: 'auto',
    ...credentials,
    requests,
    failNext: (match, times, how = 'error') => void failures.push({ match, left: times, how }),
    holdNext: (match) => {
      let arrived = () => {}
      let release = () => {}
      const reached = new Promise<void>((resolve) => (arrived = resolve))
      const released = new Promise<void>((resolve) => (release = resolve))
      holds.push({ match, arrived, released })
      return { reached, release }
    },
    keys: async () => {
      const root = join(directory, bucket)
      const found: string[] = []
      for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile() || !entry.name.endsWith('._S3rver_object')) continue
        const rel = join(entry.parentPath, entry.name).slice(root.length + 1)
        found.push(rel.replace(/\._S3rver_object$/, ''))
      }
      return found.sort()
    },
    object: (key) => readFile(server.store.getResourcePath(bucket, key, 'object')),
    openUploads: () => {
      try {
        return readdirSync(uploadsDir())
      } catch {
        return []
      }
    },
    clear: async () => {
      requests.length = 0
      failures.length = 0
      for (const entry of readdirSync(join(directory, bucket)))
        rmSync(join(directory, bucket, entry), { recursive: true, force: true })
    },
    close: async () => {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

function noSuchUpload(ctx: KoaContext): void {
  ctx.status = 404
  ctx.type = 'application/xml'
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>'
}

/**
 * A fetch that connects to 127.0.0.1 whatever the URL's host, and sends that host as the Host
 * header (which fetch itself will not set): virtual-host requests reach the loopback s3rver signed
 * for the name they were made for.
 */
export async function loopbackFetch(
  request: Request,
  init?: { signal?: AbortSignal },
): Promise<Response> {
  const url = new URL(request.url)
  const body = Buffer.from(await request.arrayBuffer())
  const headers = Object.fromEntries(request.headers)
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: { ...headers, host: url.host },
        ...(init?.signal && { signal: init.signal }),
      },
      (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('error', reject)
        answer.on('end', () => {
          const status = answer.statusCode ?? 500
          const empty = request.method === 'HEAD' || status === 204 || status === 304
          const responseHeaders = new Headers()
          for (const [name, value] of Object.entries(answer.headers))
            for (const one of [value ?? []].flat()) responseHeaders.append(name, one)
          resolve(
            new Response(empty ? null : Buffer.concat(chunks), {
              status,
              headers: responseHeaders,
            }),
          )
        })
      },
    )
    sent.on('error', reject)
    sent.end(body.length ? body : undefined)
  })
}
