import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { readFile, rm, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/*
 * A real S3-compatible server on 127.0.0.1: s3rver (the maintained @20minutes fork), which checks
 * every request's SigV4 header signature against the key pair registered here and implements
 * multipart uploads (initiate, parts, complete). Two things are added in front of it:
 *  - AbortMultipartUpload (DELETE ?uploadId), which s3rver lacks; it goes through s3rver's own
 *    signature check and removes the upload's parts, as S3 does; a part sent to an upload that
 *    is gone gets NoSuchUpload, as from S3, where s3rver would open the upload again;
 *  - fault injection: `failNext(match, times)` answers matching requests with a 500 S3 error;
 *  - `holdNext(match)` keeps the next matching request waiting until released, to act mid-upload.
 */

const require = createRequire(import.meta.url)

interface KoaContext {
  method: string
  path: string
  query: Record<string, string>
  params: Record<string, string>
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
  path: string
  query: Record<string, string>
}

export interface FakeS3 {
  host: string
  port: number
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  region: string
  requests: S3Request[]
  /** Answers the next `times` requests that `match` accepts with a 500 InternalError. */
  failNext(match: (request: S3Request) => boolean, times: number): void
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
    vhostBuckets: false, // path-style only, as the original addresses the bucket
    configureBuckets: [{ name: bucket }],
  })
  const requests: S3Request[] = []
  const failures: { match: (r: S3Request) => boolean; left: number }[] = []
  const holds: { match: (r: S3Request) => boolean; arrived(): void; released: Promise<void> }[] = []
  const uploadsDir = () => server.store.getResourcePath(bucket, undefined, 'uploads')
  const check = authentication()

  const front: Middleware = async (ctx, next) => {
    const request = { method: ctx.method, path: ctx.path, query: { ...ctx.query } }
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
      ctx.status = 500
      ctx.type = 'application/xml'
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>injected failure</Message></Error>'
      return
    }
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
    await next()
  }
  // before the router, after s3rver's logger, XML and mount handling
  server.middleware.splice(server.middleware.length - 1, 0, front)
  const address = await server.run()

  return {
    host: '127.0.0.1',
    port: address.port,
    bucket,
    region: 'auto',
    ...credentials,
    requests,
    failNext: (match, times) => void failures.push({ match, left: times }),
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
